import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ConfigurationSet, EmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INDEXES } from '../shared/adapters/dynamo/table';
import type { Category } from '../shared/domain/case';
import { consoleBuildCommands } from './console-assets';
import { ESM_REQUIRE_BANNER, EXTERNAL_MODULES, FUNCTION_ENTRIES, LAMBDA_NODE_TARGET, type FunctionName } from './bundling';
import { INCOMING_PREFIX, type CategoryQueue } from './stateful-stack';

export interface LambdaFunctionProps {
  /** Which entry under functions/ (see infra/bundling.ts). */
  name: FunctionName;
  description: string;
  timeout?: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  /** A physical name, for a function whose own ARN must be known without referring to itself (the escalator). */
  functionName?: string;
  /** Files copied into the asset beside the bundle: path in the asset → absolute source path (the API's docs). */
  assetFiles?: Record<string, string>;
  /** Build the office console into the asset as console/ (the API: shared/http/routes/console.ts serves it). */
  console?: boolean;
}

/** Fixed for every function: what the issue asks of all of them, decided once. */
export const FUNCTION_DEFAULTS = {
  runtime: Runtime.NODEJS_22_X,
  architecture: Architecture.ARM_64,
  memorySize: 512,
  timeout: Duration.seconds(10),
  logRetention: RetentionDays.ONE_MONTH,
} as const;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Reads the adapters use; never Scan, never table administration. */
const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:Query'];
/** Item writes a function may be granted, each only where its code calls it (test/aws compares). */
export type TableWrite = 'PutItem' | 'UpdateItem' | 'DeleteItem';

/** Shell commands that copy `files` (path in the asset → source) into the asset's folder. */
function copyInto(outputDir: string, files: Record<string, string>): string[] {
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  return Object.entries(files).flatMap(([to, from]) => [`mkdir -p ${q(dirname(join(outputDir, to)))}`, `cp ${q(from)} ${q(join(outputDir, to))}`]);
}

/**
 * A Lambda of this app: Node 22 on arm64, bundled by esbuild (minified, the AWS SDK bundled and
 * tree-shaken, a source map beside the bundle but no `--enable-source-maps`: see infra/bundling.ts),
 * JSON logs with a retention, X-Ray tracing. The `bind*` helpers set the
 * environment a function reads and grant exactly the actions it needs on that resource, together,
 * so a function never has a variable without the permission or the other way round.
 */
export class LambdaFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: FUNCTION_DEFAULTS.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    // Its own role rather than AWSLambdaBasicExecutionRole: logs go to this function's group only.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `${props.name}: ${props.description}` });
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    this.fn = new NodejsFunction(this, 'Function', {
      role,
      ...(props.functionName && { functionName: props.functionName }),
      entry: `${ROOT}${FUNCTION_ENTRIES[props.name]}`,
      handler: 'handler',
      description: props.description,
      runtime: FUNCTION_DEFAULTS.runtime,
      architecture: FUNCTION_DEFAULTS.architecture,
      memorySize: props.memorySize ?? FUNCTION_DEFAULTS.memorySize,
      timeout: props.timeout ?? FUNCTION_DEFAULTS.timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      bundling: {
        minify: true,
        sourceMap: true,
        format: OutputFormat.ESM,
        target: LAMBDA_NODE_TARGET,
        mainFields: ['module', 'main'],
        externalModules: [...EXTERNAL_MODULES],
        banner: ESM_REQUIRE_BANNER,
        ...((props.assetFiles || props.console) && {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (_inputDir: string, outputDir: string) => [
              ...copyInto(outputDir, props.assetFiles ?? {}),
              ...(props.console ? consoleBuildCommands(outputDir) : []),
            ],
          },
        }),
      },
      environment: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        ...props.environment,
      },
    });
  }

  private env(values: Record<string, string>): this {
    for (const [k, v] of Object.entries(values)) this.fn.addEnvironment(k, v);
    return this;
  }

  private allow(actions: string[], resources: string[]): this {
    this.fn.addToRolePolicy(new PolicyStatement({ actions, resources }));
    return this;
  }

  /** TABLE_NAME, item reads on the table and its indexes (by name), and the item writes given. */
  bindTable(table: TableV2, writes: readonly TableWrite[]): this {
    this.env({ TABLE_NAME: table.tableName });
    this.allow(TABLE_READ, [table.tableArn, ...INDEXES.map((i) => `${table.tableArn}/index/${i.name}`)]);
    if (writes.length) this.allow(writes.map((w) => `dynamodb:${w}`), [table.tableArn]);
    return this;
  }

  /**
   * QUEUE_URL_* and DLQ_URL_*: `send` to enqueue cases; `operate` also reads depths and moves
   * dead letters back (the admin API's redrive).
   */
  bindQueues(queues: Record<Category, CategoryQueue>, access: 'send' | 'operate'): this {
    for (const [category, { queue, dlq }] of Object.entries(queues)) {
      const suffix = category.toUpperCase();
      this.env({ [`QUEUE_URL_${suffix}`]: queue.queueUrl, [`DLQ_URL_${suffix}`]: dlq.queueUrl });
    }
    const all = Object.values(queues);
    this.allow(['sqs:SendMessage'], all.map((q) => q.queue.queueArn));
    if (access === 'operate') {
      this.allow(['sqs:GetQueueAttributes'], all.flatMap((q) => [q.queue.queueArn, q.dlq.queueArn]));
      this.allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], all.map((q) => q.dlq.queueArn));
    }
    return this;
  }

  /**
   * SLA timers: create and move one-time schedules in the group (their names are per case and
   * step, hence the group-scoped wildcard), delete them too unless `schedule` only (the router
   * only ever starts a case's first timer), and hand Scheduler the role that invokes the escalator.
   */
  bindTimers(group: ScheduleGroup, escalatorArn: string, schedulerRole: Role, deadLetterArn: string, access: 'schedule' | 'scheduleAndCancel' = 'scheduleAndCancel'): this {
    this.env({ SCHEDULE_GROUP: group.scheduleGroupName, ESCALATOR_ARN: escalatorArn, SCHEDULER_ROLE_ARN: schedulerRole.roleArn, TIMER_DLQ_ARN: deadLetterArn });
    const stack = Stack.of(this);
    const schedules = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${group.scheduleGroupName}/*` });
    this.allow(['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', ...(access === 'scheduleAndCancel' ? ['scheduler:DeleteSchedule'] : [])], [schedules]);
    this.allow(['iam:PassRole'], [schedulerRole.roleArn]);
    return this;
  }

  /**
   * ATTACHMENTS_BUCKET; letters' files under attachments/ (put, delete a replayed letter's copies,
   * and read for presigned links unless `store`). The API (`storeAndServe`) also under incoming/,
   * where browsers put them ahead of the letter: the presigned POSTs are PutObject by this role, the
   * intake reads each upload (GetObject, also the source side of the copy to attachments/) and
   * deletes it once taken. The inbound-mail function (`store`) stores files, it never hands them out
   * and takes no uploads. No other prefix, no listing.
   */
  bindAttachments(bucket: IBucket, access: 'storeAndServe' | 'store' = 'storeAndServe'): this {
    this.env({ ATTACHMENTS_BUCKET: bucket.bucketName });
    if (access === 'store') this.allow(['s3:PutObject', 's3:DeleteObject'], [bucket.arnForObjects('attachments/*')]);
    else this.allow(['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], [bucket.arnForObjects('attachments/*'), bucket.arnForObjects(`${INCOMING_PREFIX}*`)]);
    return this;
  }

  /** INBOUND_MAIL_BUCKET; read the raw messages SES stored under `prefix` (nothing else, never a write). */
  bindInboundMail(bucket: IBucket, prefix: string): this {
    this.env({ INBOUND_MAIL_BUCKET: bucket.bucketName });
    this.allow(['s3:GetObject'], [bucket.arnForObjects(`${prefix}*`)]);
    return this;
  }

  /** MAIL_FROM and SES_CONFIGURATION_SET; send (SES v2 SendEmail, Simple content) through that identity and configuration set only. */
  bindMail(identity: EmailIdentity, from: string, configurationSet: ConfigurationSet): this {
    this.env({ MAIL_FROM: from, SES_CONFIGURATION_SET: configurationSet.configurationSetName });
    const stack = Stack.of(this);
    const configArn = stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSet.configurationSetName });
    this.allow(['ses:SendEmail'], [identity.emailIdentityArn, configArn]);
    return this;
  }
}
