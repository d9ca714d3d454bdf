/**
 * Stateful resources: everything that holds data or in-flight work and must outlive a redeploy of
 * the functions: the single DynamoDB table, the three category queues and their dead-letter queues,
 * the dead-letter queue of SLA timers, the EventBridge Scheduler group the timers live in, and the
 * SES configuration set. The stateless stack (functions, API, alarms) takes them as props and can
 * be torn down and rebuilt without touching data.
 *
 * The table's key attributes, GSIs and TTL attribute come from shared/adapters/dynamo/table.ts —
 * the same constants the adapters and the local engine use — so names are never repeated here.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { ConfigurationSet, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { CATEGORIES, type Category } from '../shared/domain/case';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { INDEXES, KEY, TTL_ATTRIBUTE } from '../shared/adapters/dynamo/table';
import { INBOUND_MAIL_PREFIX } from '../shared/domain/inbound-mail';

/** Every key attribute in the table is a string (see ATTRIBUTE_NAMES in table.ts). */
const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

/** How long the router may take on one batch; the queues' visibility timeout is six times it, as Lambda advises. */
export const ROUTER_TIMEOUT = Duration.seconds(30);
/** How long a message the router received stays hidden: six times its timeout, as Lambda's event source mapping advises. */
export const QUEUE_VISIBILITY = Duration.seconds(ROUTER_TIMEOUT.toSeconds() * 6);
/** A message received this often without success goes to its dead-letter queue (as the local pollers do). */
export const MAX_RECEIVES = 5;

/** The attachments bucket's name: the stateful stack's name and the account (S3 names are global). */
export const attachmentsBucketName = (statefulStackName: string, account: string) => `${statefulStackName.toLowerCase()}-attachments-${account}`;

/** The raw-mail bucket's name, computed like the attachments bucket's. */
export const inboundMailBucketName = (statefulStackName: string, account: string) => `${statefulStackName.toLowerCase()}-inbound-mail-${account}`;
/** Raw messages are kept this long: the same as held messages, then the lifecycle rule deletes them. */
export const INBOUND_MAIL_DAYS = 30;

export interface StatefulStackProps extends StackProps {
  /** The mailbox as an e-mail address (context `mailboxAddress`): a bucket for the raw messages SES receives. */
  mailbox?: { receiptRuleSetName: string };
}

export interface CategoryQueue {
  queue: Queue;
  dlq: Queue;
}

export class StatefulStack extends Stack {
  /** The single table (AWS::DynamoDB::GlobalTable with one replica, in this stack's region). */
  public readonly table: TableV2;
  public readonly queues: Record<Category, CategoryQueue>;
  /** Where EventBridge Scheduler puts an SLA timer it could not deliver after its retries. */
  public readonly timerDlq: Queue;
  public readonly scheduleGroup: ScheduleGroup;
  public readonly configurationSet: ConfigurationSet;
  /** Files attached to mailbox letters: private, encrypted, TLS only; kept with the cases. */
  public readonly attachments: Bucket;
  /** Raw messages SES received for the mailbox address (only with a mailbox address). */
  public readonly inboundMail?: Bucket;

  constructor(scope: Construct, id: string, props?: StatefulStackProps) {
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

    // SQS-managed encryption: no key to administer, and nothing but our own roles reads these.
    const queue = (id: string, props: ConstructorParameters<typeof Queue>[2] = {}) =>
      new Queue(this, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy: RemovalPolicy.RETAIN, ...props });
    this.queues = Object.fromEntries(
      CATEGORIES.map((category) => {
        const name = category[0]?.toUpperCase() + category.slice(1);
        const dlq = queue(`${name}Dlq`, { retentionPeriod: Duration.days(14) });
        return [
          category,
          {
            dlq,
            queue: queue(`${name}Queue`, {
              visibilityTimeout: QUEUE_VISIBILITY,
              retentionPeriod: Duration.days(4),
              deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVES },
            }),
          },
        ];
      }),
    ) as Record<Category, CategoryQueue>;
    this.timerDlq = queue('TimerDlq', { retentionPeriod: Duration.days(14) });

    this.scheduleGroup = new ScheduleGroup(this, 'TimerGroup', { scheduleGroupName: `${this.stackName}-timers`, removalPolicy: RemovalPolicy.RETAIN });

    // Bounces and complaints keep SES's account-level suppression list in charge.
    this.configurationSet = new ConfigurationSet(this, 'MailConfig', { suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS });

    this.attachments = new Bucket(this, 'Attachments', {
      // A name the stateless stack can compute, so it is granted access without a cross-stack export.
      bucketName: attachmentsBucketName(this.stackName, this.account),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Evidence stays as long as its case; what an overwrite or delete leaves behind, and uploads never finished, do not.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    if (props?.mailbox) {
      // Private like the attachments: nothing reads it but the inbound-mail function, and it forgets after 30 days.
      this.inboundMail = new Bucket(this, 'InboundMail', {
        bucketName: inboundMailBucketName(this.stackName, this.account),
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        encryption: BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        removalPolicy: RemovalPolicy.RETAIN,
        lifecycleRules: [{ expiration: Duration.days(INBOUND_MAIL_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      });
      // SES writes the messages of this account's mailbox receipt rule set, under inbound/ only.
      this.inboundMail.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('ses.amazonaws.com')],
          actions: ['s3:PutObject'],
          resources: [this.inboundMail.arnForObjects(`${INBOUND_MAIL_PREFIX}*`)],
          conditions: {
            StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
            ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:receipt-rule-set/${props.mailbox.receiptRuleSetName}:receipt-rule/*` },
          },
        }),
      );
    }

    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'Name of the single DynamoDB table',
    });
  }
}
