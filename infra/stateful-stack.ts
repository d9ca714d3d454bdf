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
import { Aws, CfnCondition, CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, Token, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
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

/** Where browsers put a letter's files before the letter names them (S3UploadStore); what no letter took expires. */
export const INCOMING_PREFIX = 'incoming/';

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

    // The pages that send letters' files straight to the bucket (presigned POSTs): the mailbox page
    // on the API's own origin, and the union's sites. The same values as the stateless stack's parameters.
    const publicBaseUrl = new CfnParameter(this, 'PublicBaseUrl', { type: 'String', description: 'Origin of the API as people reach it (its /mailbox page posts files to the bucket), e.g. https://cases.union.example.org' }).valueAsString;
    const allowedOrigins = new CfnParameter(this, 'AllowedOrigins', { type: 'String', description: "Origins of the union's web pages that may post files to the bucket, comma-separated without spaces (as the stateless stack's)", default: '' }).valueAsString;
    const noOtherOrigins = new CfnCondition(this, 'NoAllowedOrigins', { expression: Fn.conditionEquals(allowedOrigins, '') });
    const uploadOrigins = Token.asList(Fn.conditionIf(noOtherOrigins.logicalId, [publicBaseUrl], Fn.split(',', Fn.join(',', [publicBaseUrl, allowedOrigins]))));

    this.attachments = new Bucket(this, 'Attachments', {
      // A name the stateless stack can compute, so it is granted access without a cross-stack export.
      bucketName: attachmentsBucketName(this.stackName, this.account),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // Evidence stays as long as its case; what an overwrite or delete leaves behind, and uploads never finished, do not.
        { id: 'Attachments', noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Files sent ahead that no letter took, and the copies a taken one leaves behind: a day (S3's shortest).
        { id: 'Incoming', prefix: INCOMING_PREFIX, expiration: Duration.days(1), noncurrentVersionExpiration: Duration.days(1) },
        { id: 'IncomingDeleteMarkers', prefix: INCOMING_PREFIX, expiredObjectDeleteMarker: true },
      ],
      // Browsers post files straight here (presigned POSTs, one per file, each held to its policy); nothing else crosses origins.
      cors: [{ allowedMethods: [HttpMethods.POST], allowedOrigins: uploadOrigins, maxAge: 600 }],
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
