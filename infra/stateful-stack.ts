/**
 * Stateful resources: everything that holds data and must outlive a redeploy or a stack rewrite.
 *
 * Today that is the single DynamoDB table. Later issues add the SQS queues (and their DLQs), the
 * EventBridge Scheduler group for SLA timers and the SES configuration set here, so that the
 * stateless stack (functions, API) can be torn down and rebuilt without touching data.
 *
 * The table's key attributes, GSIs and TTL attribute come from shared/adapters/dynamo/table.ts —
 * the same constants the adapters and the local engine use — so names are never repeated here.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { INDEXES, KEY, TTL_ATTRIBUTE } from '../shared/adapters/dynamo/table';

/** Every key attribute in the table is a string (see ATTRIBUTE_NAMES in table.ts). */
const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

export class StatefulStack extends Stack {
  /** The single table (AWS::DynamoDB::GlobalTable with one replica, in this stack's region). */
  public readonly table: TableV2;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new TableV2(this, 'Table', {
      partitionKey: stringKey(KEY.pk),
      sortKey: stringKey(KEY.sk),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: INDEXES.map((index) => ({
        indexName: index.name,
        partitionKey: stringKey(index.pk),
        ...(index.sk ? { sortKey: stringKey(index.sk) } : {}),
        ...(index.include ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] } : { projectionType: ProjectionType.ALL }),
      })),
    });

    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'Name of the single DynamoDB table',
    });
  }
}
