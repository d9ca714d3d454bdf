/**
 * The synthesized app brought up locally: `cdk synth` with the pinned CLI, the table created in
 * DynamoDB Local from the template's own definition, the queues and dead-letter queues in fauxqs
 * as the template defines them, the attachments bucket in fauxqs's S3, SES v2 in aws-ses-v2-local, the Scheduler stand-in with the
 * template's groups, the user pool's JWKS, and one Lambda runtime per function of the template.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { startDynamoDbLocal } from '../../scripts/dynamodb-local';
import { HttpApiGateway, SqsEventSourceMapping } from './gateway';
import { LAMBDA_SECRET_KEY, LocalLambda } from './lambda';
import { describeDynamo, describeS3, describeSes, describeSqs, recordingProxy, s3BrowserPost, startCognito, startScheduler, startSes, type CorsRule, type RecordedCall } from './services';
import { CloudAssembly, REGION, type FunctionDefinition } from './template';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const FUNCTIONS = { api: 'ApiFunction', router: 'RouterFunction', escalator: 'EscalatorFunction', reconciler: 'ReconcilerFunction', reporter: 'ReporterFunction', 'inbound-mail': 'InboundMailFunction' } as const;

/** The mailbox address the suite deploys with (`-c mailboxAddress=…`): SES receiving, the raw-mail bucket and the inbound-mail function. */
export const MAILBOX_ADDRESS = 'chair@union.example.org';
export type FunctionKey = keyof typeof FUNCTIONS;

/** The deployment parameters, as an operator would pass them to `cdk deploy`. */
export const PARAMETERS = {
  SenderEmail: 'cases@union.example.org',
  PublicBaseUrl: 'https://cases.union.example.org',
  AllowedOrigins: 'https://www.union.example.org',
  AllowedRedirectOrigins: 'https://www.union.example.org',
  LeadershipEmails: 'chair@union.example.org,office@union.example.org',
  AlarmEmail: '',
};

/** The access key each function's calls are signed with: how the recorded calls are attributed. */
const accessKey = (fn: FunctionKey) => `ASIALOCAL${fn.toUpperCase().replace(/-/g, '')}`;

export interface LocalAws {
  assembly: CloudAssembly;
  functions: Record<FunctionKey, FunctionDefinition>;
  lambdas: Record<FunctionKey, LocalLambda>;
  gateway: HttpApiGateway;
  mappings: SqsEventSourceMapping[];
  scheduler: Awaited<ReturnType<typeof startScheduler>>;
  ses: Awaited<ReturnType<typeof startSes>>;
  cognito: Awaited<ReturnType<typeof startCognito>>;
  /** SDK calls by function, as the local services saw them. */
  calls: Record<FunctionKey | 'other', RecordedCall[]>;
  tableName: string;
  /** The attachments bucket's name, as the template resolves it. */
  bucketName: string;
  /** The bucket SES stores received messages in, as the template names it. */
  inboundBucketName: string;
  /** A client of the local S3 engine with the suite's own credentials (looks behind the API's back). */
  s3: S3Client;
  /** The scenario's clock (the functions' clocks read the same). */
  now(): number;
  /** Moves the scenario's clock forward, the functions' with it (between invocations). */
  advanceClock(ms: number): void;
  /** A client of the local SQS engine with the suite's own credentials (not a function's). */
  sqs: SQSClient;
  /** The fauxqs URL of a queue by its template logical id. */
  queueUrls: Record<string, string>;
  close(): Promise<void>;
}

export async function startLocalAws(options: { clockStartMs: number }): Promise<LocalAws> {
  let offset = options.clockStartMs - Date.now();
  const now = () => Date.now() + offset;
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const scratch = mkdtempSync(join(tmpdir(), 'union-aws-'));
    cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
    const out = join(scratch, 'cdk.out');
    const synth = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-c', `mailboxAddress=${MAILBOX_ADDRESS}`, '-o', out], { cwd: ROOT, env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' }, encoding: 'utf8' });
    if (synth.status !== 0) throw new Error(`cdk synth failed (${synth.status}):\n${synth.stderr}\n${synth.stdout}`);

    const calls: LocalAws['calls'] = { api: [], router: [], escalator: [], reconciler: [], reporter: [], 'inbound-mail': [], other: [] };
    const byKey = new Map(Object.keys(FUNCTIONS).map((k) => [accessKey(k as FunctionKey), k as FunctionKey]));
    const record = (c: RecordedCall) => calls[byKey.get(c.accessKeyId) ?? 'other'].push(c);

    // DynamoDB Local, and the table as the template defines it.
    const dynamo = await startDynamoDbLocal();
    cleanups.push(() => dynamo.stop());
    const dynamoProxy = await recordingProxy(dynamo.endpoint, describeDynamo, record, now);
    cleanups.push(() => dynamoProxy.close());

    // fauxqs, and the queues as the template defines them (dead-letter queues first).
    const fauxqs = buildApp({ logger: false, host: 'localhost', defaultRegion: REGION });
    const fauxqsUrl = await fauxqs.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => fauxqs.close());
    // On AWS a queue URL's origin is the SQS endpoint's; here the functions get them on the proxy's
    // origin (so the SDK sends there), and the proxy hands fauxqs its own.
    let sqsProxyUrl = '';
    const engineUrl = new Map<string, string>();
    const sqsProxy = await recordingProxy(fauxqsUrl, describeSqs, record, now, (payload) => {
      const text = payload.toString();
      const b = text ? (JSON.parse(text) as { QueueUrl?: string }) : {};
      const own = b.QueueUrl && engineUrl.get(b.QueueUrl);
      return own ? Buffer.from(JSON.stringify({ ...b, QueueUrl: own })) : payload;
    });
    sqsProxyUrl = sqsProxy.url;
    cleanups.push(() => sqsProxy.close());
    const sqs = new SQSClient({ region: REGION, endpoint: fauxqsUrl, credentials: { accessKeyId: 'suite', secretAccessKey: 'suite' } });
    const suiteSqs = new SQSClient({ region: REGION, endpoint: sqsProxy.url, credentials: { accessKeyId: 'suite', secretAccessKey: 'suite' } });
    cleanups.push(() => suiteSqs.destroy());
    cleanups.push(() => sqs.destroy());
    const draft = new CloudAssembly(out, PARAMETERS);
    const queueUrls: Record<string, string> = {};
    const fauxqsArn = new Map<string, string>();
    const queues = draft.resources('AWS::SQS::Queue').sort((a, b) => Number(Boolean(a.resource.Properties?.RedrivePolicy)) - Number(Boolean(b.resource.Properties?.RedrivePolicy)));
    for (const q of queues) {
      const p = draft.resolve(q.stack, q.resource.Properties ?? {}) as { VisibilityTimeout?: number; MessageRetentionPeriod?: number; RedrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number } };
      const name = draft.getAtt(q.stack, q.logicalId, 'QueueName');
      const attributes: Record<string, string> = {};
      if (p.VisibilityTimeout !== undefined) attributes.VisibilityTimeout = String(p.VisibilityTimeout);
      if (p.MessageRetentionPeriod !== undefined) attributes.MessageRetentionPeriod = String(p.MessageRetentionPeriod);
      if (p.RedrivePolicy) {
        const dlq = fauxqsArn.get(p.RedrivePolicy.deadLetterTargetArn);
        if (!dlq) throw new Error(`${q.logicalId}: dead-letter queue ${p.RedrivePolicy.deadLetterTargetArn} not created`);
        attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: dlq, maxReceiveCount: p.RedrivePolicy.maxReceiveCount });
      }
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      fauxqsArn.set(draft.getAtt(q.stack, q.logicalId, 'Arn'), Attributes?.QueueArn ?? '');
      const publicUrl = `${sqsProxyUrl}${new URL(QueueUrl ?? '').pathname}`;
      engineUrl.set(publicUrl, QueueUrl ?? '');
      queueUrls[q.logicalId] = publicUrl;
    }

    // fauxqs's S3 (same engine, path-style), and the attachments bucket as the template names it.
    const s3 = new S3Client({ region: REGION, endpoint: fauxqsUrl, forcePathStyle: true, credentials: { accessKeyId: 'suite', secretAccessKey: 'suite' } });
    cleanups.push(() => s3.destroy());
    // Every bucket of the template: the attachments and the raw mail SES stores.
    const names: Record<string, string> = {};
    let attachmentsBucket: ReturnType<typeof draft.resources>[number] | undefined;
    for (const bucket of draft.resources('AWS::S3::Bucket')) {
      const name = draft.ref(bucket.stack, bucket.logicalId);
      const role = bucket.logicalId.startsWith('InboundMail') ? 'inbound' : bucket.logicalId.startsWith('Attachments') ? 'attachments' : bucket.logicalId;
      names[role] = name;
      if (role === 'attachments') attachmentsBucket = bucket;
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      const versioning = (bucket.resource.Properties?.VersioningConfiguration as { Status?: 'Enabled' | 'Suspended' } | undefined)?.Status;
      if (versioning) await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: versioning } }));
    }
    const bucketName = names.attachments ?? '';
    const inboundBucketName = names.inbound ?? '';
    if (!attachmentsBucket || !bucketName || !inboundBucketName || Object.keys(names).length !== 2) throw new Error(`expected the attachments and inbound-mail buckets in the template, found ${Object.keys(names).join(', ')}`);
    // Browsers' POSTs (which fauxqs does not take) checked as S3 checks them, with the attachments bucket's CORS rules from the template.
    const cors = ((draft.resolve(attachmentsBucket.stack, attachmentsBucket.resource.Properties?.CorsConfiguration) as { CorsRules?: CorsRule[] } | undefined)?.CorsRules ?? []);
    const browserPost = s3BrowserPost({
      bucket: bucketName,
      cors,
      secretOf: (key) => (byKey.has(key) ? LAMBDA_SECRET_KEY : undefined),
      put: async (o) => void (await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: o.key, Body: o.body, ContentType: o.contentType, Metadata: o.metadata }))),
      record,
      now,
    });
    const s3Proxy = await recordingProxy(fauxqsUrl, describeS3, record, now, undefined, browserPost);
    cleanups.push(() => s3Proxy.close());

    const ses = await startSes();
    cleanups.push(() => ses.close());
    const sesProxy = await recordingProxy(ses.url, describeSes, record, now);
    cleanups.push(() => sesProxy.close());

    const assembly = new CloudAssembly(out, PARAMETERS, (_a, _stack, id, r) => (r.Type === 'AWS::SQS::Queue' ? { ref: queueUrls[id] } : undefined));

    const [table] = assembly.resources('AWS::DynamoDB::GlobalTable');
    if (!table) throw new Error('no table in the template');
    const t = assembly.resolve(table.stack, table.resource.Properties) as CreateTableCommandInput & { TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean } };
    const tableName = assembly.ref(table.stack, table.logicalId);
    const db = new DynamoDBClient({ region: REGION, endpoint: dynamo.endpoint, credentials: { accessKeyId: 'suite', secretAccessKey: 'suite' } });
    await db.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: t.KeySchema,
        AttributeDefinitions: t.AttributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: t.GlobalSecondaryIndexes?.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection })),
      }),
    );
    if (t.TimeToLiveSpecification?.Enabled) await db.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: t.TimeToLiveSpecification }));
    db.destroy();

    const groups = new Set(['default', ...assembly.resources('AWS::Scheduler::ScheduleGroup').map((g) => assembly.ref(g.stack, g.logicalId))]);
    const scheduler = await startScheduler(groups, record, now);
    cleanups.push(() => scheduler.close());

    const [pool] = assembly.resources('AWS::Cognito::UserPool');
    const [client] = assembly.resources('AWS::Cognito::UserPoolClient');
    if (!pool || !client) throw new Error('no user pool or app client in the template');
    const cognito = await startCognito(assembly.ref(pool.stack, pool.logicalId), assembly.ref(client.stack, client.logicalId));
    cleanups.push(() => cognito.close());

    const endpoints = { dynamodb: dynamoProxy.url, sqs: sqsProxy.url, sesv2: sesProxy.url, scheduler: scheduler.url, s3: s3Proxy.url, cognitoJwks: new URL(cognito.url).host };
    const functions = Object.fromEntries(Object.entries(FUNCTIONS).map(([k, prefix]) => [k, assembly.lambda(prefix)])) as Record<FunctionKey, FunctionDefinition>;
    const lambdas = Object.fromEntries(Object.entries(functions).map(([k, fn]) => [k, new LocalLambda(fn, accessKey(k as FunctionKey), endpoints, offset, scratch)])) as Record<FunctionKey, LocalLambda>;
    cleanups.push(async () => {
      for (const l of Object.values(lambdas)) await l.stop();
    });

    const gateway = new HttpApiGateway(assembly, lambdas.api, cognito.jwks, now);
    // The router's mappings poll with the router's role, as Lambda's poller does.
    const routerSqs = new SQSClient({ region: REGION, endpoint: sqsProxy.url, credentials: { accessKeyId: accessKey('router'), secretAccessKey: 'local' } });
    cleanups.push(() => routerSqs.destroy());
    const mappings: SqsEventSourceMapping[] = [];
    for (const m of assembly.resources('AWS::Lambda::EventSourceMapping')) {
      const p = m.resource.Properties ?? {};
      const target = (p.FunctionName as { Ref: string }).Ref;
      if (!target.startsWith(FUNCTIONS.router)) throw new Error(`event source mapping to ${target}: the suite plays mappings of the router only`);
      const arn = String(assembly.resolve(m.stack, p.EventSourceArn));
      const queue = queues.find((q) => assembly.getAtt(q.stack, q.logicalId, 'Arn') === arn);
      if (!queue) throw new Error(`event source ${arn} is not a queue of the template`);
      const url = queueUrls[queue.logicalId] ?? '';
      await SqsEventSourceMapping.check(routerSqs, url);
      mappings.push(new SqsEventSourceMapping(routerSqs, url, arn, Number(p.BatchSize ?? 10), ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'), lambdas.router));
    }

    const advanceClock = (ms: number) => {
      offset += ms;
      for (const l of Object.values(lambdas)) l.setClock(offset);
    };
    return { assembly, functions, lambdas, gateway, mappings, scheduler, ses, cognito, calls, tableName, bucketName, inboundBucketName, s3, now, advanceClock, sqs: suiteSqs, queueUrls, close };
  } catch (err) {
    await close();
    throw err;
  }
}
