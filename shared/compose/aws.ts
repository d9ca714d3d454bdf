/**
 * The AWS composition root: every Lambda's adapters are built here, once per cold start, from that
 * function's own configuration (FUNCTION_VARIABLES, shared/config.ts: each checks only what it
 * reads, and fails fast naming what is missing). The entries in functions/ only wrap the result;
 * the API's own parts (tokens, sign-in, docs) are in ./aws-api.ts.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { dynamoStores } from '../adapters/dynamo';
import { createDynamoClient } from '../adapters/dynamo/client';
import { S3AttachmentStore } from '../adapters/files/s3-attachments';
import { S3UploadStore } from '../adapters/files/s3-uploads';
import { sesV2Mailer } from '../adapters/mail/ses-mailer';
import { EventBridgeTimers } from '../adapters/scheduler/eventbridge-timers';
import { SqsCaseQueue } from '../adapters/sqs/case-queue';
import { createSqsClient } from '../adapters/sqs/client';
import { randomIds } from '../adapters/ids';
import { ConfigError, loadFunctionConfig, publicBaseUrlFromConfig, queuesFromConfig, schedulerFromConfig, type ApiConfig } from '../config';
import type { InboundMailDeps } from '../usecases/inbound-mail';
import { createLogger } from '../observability/logger';
import { systemClock, type TimerService } from '../ports';
import type { EscalatorDeps } from '../usecases/escalate';
import type { MonthlyReportDeps } from '../usecases/monthly-report';
import type { ReconcileDeps } from '../usecases/reconcile';
import type { RouterDeps } from '../usecases/route-case';
import { core, escalatorDeps, inboundMailDeps, monthlyReportDeps, reconcileDeps, routerDeps, routingCache, type CaseMail, type Core } from './use-cases';

type Env = Record<string, string | undefined>;
type StoreConfig = Pick<ApiConfig, 'TABLE_NAME' | 'AWS_REGION' | 'DYNAMODB_ENDPOINT' | 'LOG_LEVEL' | 'CALENDAR_CACHE_SECONDS' | 'CALENDAR_OVERRIDES' | 'ESCALATION_POLICY'>;

/** EventBridge Scheduler timers (the functions that create or move timers). */
export function eventBridgeTimers(config: Parameters<typeof schedulerFromConfig>[0] & Pick<ApiConfig, 'AWS_REGION'>): EventBridgeTimers {
  return new EventBridgeTimers(new SchedulerClient({ region: config.AWS_REGION }), schedulerFromConfig(config));
}

/**
 * The TimerService of a function that is granted no Scheduler access and never moves a timer (the
 * reporter: its calendar service only reads the calendar; moving timers comes with storing a year,
 * which only the API does). Called anyway, it fails loudly instead of sending an unauthorized call.
 */
export function noTimers(fn: string): TimerService {
  const refuse = (): Promise<never> => Promise.reject(new Error(`${fn}: moves no SLA timers (no Scheduler access)`));
  return { schedule: refuse, cancel: refuse };
}

/** The table's stores over one DynamoDB client, the timers given, the calendar and policy, the system clock and a logger named for the service. */
export function awsCore(service: string, config: StoreConfig & Partial<Pick<ApiConfig, 'CONTACT_HASH_SECRET'>>, timers: TimerService): Core {
  const db = createDynamoClient({ tableName: config.TABLE_NAME, region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service } });
  // Only the API reads CONTACT_HASH_SECRET; the other functions never look contacts up.
  const stores = dynamoStores(db, config.TABLE_NAME, { contacts: { ...(config.CONTACT_HASH_SECRET && { secret: config.CONTACT_HASH_SECRET }) } });
  return core(stores, { timers, clock: systemClock, logger, config });
}

export function sesMailer(config: Pick<ApiConfig, 'AWS_REGION' | 'MAIL_FROM' | 'SES_CONFIGURATION_SET'>) {
  return sesV2Mailer({ client: new SESv2Client({ region: config.AWS_REGION }), from: config.MAIL_FROM, configurationSet: config.SES_CONFIGURATION_SET });
}

/** SES with the links' base: PUBLIC_BASE_URL is checked here, for every function that e-mails case links (and the mailbox address, where it reads one). */
export function caseMail(config: Pick<ApiConfig, 'AWS_REGION' | 'MAIL_FROM' | 'SES_CONFIGURATION_SET' | 'PUBLIC_BASE_URL'> & Partial<Pick<ApiConfig, 'MAILBOX_ADDRESS'>>): CaseMail {
  return { publicBaseUrl: publicBaseUrlFromConfig(config), mailer: sesMailer(config), ...(config.MAILBOX_ADDRESS && { mailboxAddress: config.MAILBOX_ADDRESS }) };
}

export function sqsQueue(config: Parameters<typeof queuesFromConfig>[0] & Pick<ApiConfig, 'AWS_REGION'>): SqsCaseQueue {
  return new SqsCaseQueue(createSqsClient({ region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT }), queuesFromConfig(config));
}

/**
 * Letters' files in the bucket ATTACHMENTS_BUCKET names (an S3-compatible endpoint for tests):
 * attachments/ (posted with the letter, or kept from an upload) and the browsers' uploads to
 * incoming/ (presigned POSTs). Without a bucket, neither.
 */
export function s3Files(config: Pick<ApiConfig, 'AWS_REGION' | 'ATTACHMENTS_BUCKET' | 'ATTACHMENTS_ENDPOINT'>): { attachments?: S3AttachmentStore; uploads?: S3UploadStore } {
  if (!config.ATTACHMENTS_BUCKET) return {};
  const client = new S3Client({ region: config.AWS_REGION, ...(config.ATTACHMENTS_ENDPOINT && { endpoint: config.ATTACHMENTS_ENDPOINT, forcePathStyle: true }) });
  return { attachments: new S3AttachmentStore({ client, bucket: config.ATTACHMENTS_BUCKET }), uploads: new S3UploadStore({ client, bucket: config.ATTACHMENTS_BUCKET }) };
}

export function composeRouter(env: Env): RouterDeps {
  const config = loadFunctionConfig('router', env);
  const mail = caseMail(config);
  const c = awsCore('router', config, eventBridgeTimers(config));
  return routerDeps(c, mail, routingCache(c, config));
}

export function composeEscalator(env: Env): EscalatorDeps {
  const config = loadFunctionConfig('escalator', env);
  const mail = caseMail(config);
  return escalatorDeps(awsCore('escalator', config, eventBridgeTimers(config)), mail);
}

export function composeReconciler(env: Env): ReconcileDeps {
  const config = loadFunctionConfig('reconciler', env);
  return reconcileDeps(awsCore('reconciler', config, eventBridgeTimers(config)), sqsQueue(config), config);
}

export function composeReporter(env: Env): MonthlyReportDeps {
  const config = loadFunctionConfig('reporter', env);
  // The calendar service moves timers only when a year is stored, which the reporter never does.
  return monthlyReportDeps(awsCore('reporter', config, noTimers('reporter')), sesMailer(config), config);
}

/** The inbound-mail function: filing deps, and where SES's S3 action keeps the raw messages. */
export function composeInboundMail(env: Env): { deps: InboundMailDeps; s3: S3Client; bucket: string } {
  const config = loadFunctionConfig('inbound-mail', env);
  if (!config.INBOUND_MAIL_BUCKET || !config.MAILBOX_ADDRESS) throw new ConfigError('Invalid configuration:\n  INBOUND_MAIL_BUCKET, MAILBOX_ADDRESS: required for the inbound-mail function');
  const mail = caseMail(config);
  // A new case's deadline needs the calendar; filing never moves a timer.
  const c = awsCore('inbound-mail', config, noTimers('inbound-mail'));
  // Files of e-mailed letters are stored only: no browser uploads reach this function.
  const { attachments } = s3Files(config);
  return {
    deps: inboundMailDeps(c, mail, { queue: sqsQueue(config), ids: randomIds, ...(attachments && { attachments }), config }),
    s3: new S3Client({ region: config.AWS_REGION }),
    bucket: config.INBOUND_MAIL_BUCKET,
  };
}

/** A handler's deps composed on first use, once per Lambda instance: nothing is wired at module scope. */
export function onFirstUse<T>(compose: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= compose());
}
