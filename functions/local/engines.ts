import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { join } from 'node:path';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { ensureTable, OutdatedTableError } from '../../shared/adapters/dynamo/ensure-table';
import { DynamoTimerStore } from '../../shared/adapters/dynamo/timer-store';
import { LocalAttachmentStore } from '../../shared/adapters/files/local-attachments';
import { LocalUploadStore } from '../../shared/adapters/files/local-uploads';
import { EngineStartError, startDynalite, type LocalDynamo } from '../../shared/adapters/local/dynalite';
import { startLocalSqs } from '../../shared/adapters/local/fauxqs';
import { createMailer, type MailTransportKind } from '../../shared/adapters/mail/nodemailer-mailer';
import { SqsCaseQueue, type CategoryQueues } from '../../shared/adapters/sqs/case-queue';
import { createSqsClient } from '../../shared/adapters/sqs/client';
import { ConfigError, queuesFromConfig, type ApiConfig, type LocalConfig } from '../../shared/config';
import type { TableStores } from '../../shared/compose/use-cases';
import type { Mailer } from '../../shared/ports';

export interface LocalQueues {
  queue: SqsCaseQueue;
  client: SQSClient;
  queues: CategoryQueues;
  close(): Promise<void>;
}

/** The embedded engines of `npm start`, in one place: what stands in for DynamoDB, SQS, Scheduler, SES and S3. */
export interface LocalEngines {
  db: DynamoDBClient;
  stores: TableStores;
  /** Timers live in the table; the timer runner (./loops.ts) fires them as EventBridge Scheduler would. */
  timers: DynamoTimerStore;
  queues: LocalQueues;
  mail: { kind: MailTransportKind; mailer: Mailer & { close(): void } };
  outboxDir: string;
  attachments: LocalAttachmentStore;
  /** Files the page sends ahead (the app's own upload route), as it sends them to S3 on AWS: one way for the page. */
  uploads: LocalUploadStore;
  /** Mail, queues, then the table's engine: after the server and the loops have stopped. */
  close(): Promise<void>;
}

/**
 * dynalite in a worker thread, persisted under DATA_DIR/dynamo (or in memory, or the engine
 * DYNAMODB_ENDPOINT names), with the table; the embedded SQS; mail to SMTP_URL or .eml files in
 * DATA_DIR/outbox; attachments under DATA_DIR/attachments (files sent ahead in its incoming/). A locked, full or outdated engine
 * folder stops the start with what to do about it.
 */
export async function startEngines(config: ApiConfig, local: LocalConfig, dataDir: string, options: { inMemory?: boolean } = {}): Promise<LocalEngines> {
  let engine: LocalDynamo | undefined;
  try {
    engine = config.DYNAMODB_ENDPOINT ? undefined : await startDynalite(options.inMemory ? {} : { path: join(dataDir, 'dynamo') });
  } catch (err) {
    if (err instanceof EngineStartError) throw new ConfigError(`${err.message}${engineHint(err)}`);
    throw err;
  }
  const endpoint = config.DYNAMODB_ENDPOINT ?? (engine as LocalDynamo).endpoint;
  const db = createDynamoClient({ tableName: config.TABLE_NAME, endpoint, region: config.AWS_REGION });
  try {
    await ensureTable(db, config.TABLE_NAME);
  } catch (err) {
    if (!(err instanceof OutdatedTableError)) throw err;
    await engine?.close();
    throw new ConfigError(`${err.message}.\nMove ${join(dataDir, 'dynamo')} aside (or delete ${dataDir}) to start with a fresh local table.`);
  }
  const queues = await startQueues(config, config.QUEUE_VISIBILITY_SECONDS);
  const outboxDir = join(dataDir, 'outbox');
  const mail = createMailer({ smtpUrl: local.SMTP_URL, outboxDir, from: config.MAIL_FROM });
  const attachments = new LocalAttachmentStore(join(dataDir, 'attachments'));
  return {
    db,
    stores: dynamoStores(db, config.TABLE_NAME, { contacts: { ...(config.CONTACT_HASH_SECRET && { secret: config.CONTACT_HASH_SECRET }) } }),
    timers: new DynamoTimerStore(db, config.TABLE_NAME),
    queues,
    mail,
    outboxDir,
    attachments,
    uploads: new LocalUploadStore({ dir: join(dataDir, 'attachments', 'incoming'), attachments }),
    close: async () => {
      mail.mailer.close();
      await queues.close();
      db.destroy();
      await engine?.close();
    },
  };
}

/** The embedded SQS engine, or the queues the environment names (SQS_ENDPOINT + QUEUE_URL_*). */
export async function startQueues(config: ApiConfig, visibilityTimeoutSeconds: number): Promise<LocalQueues> {
  if (config.QUEUE_URL_ADVICE || config.SQS_ENDPOINT) {
    const client = createSqsClient({ region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT });
    const queues = queuesFromConfig(config);
    return { queue: new SqsCaseQueue(client, queues), client, queues, close: async () => client.destroy() };
  }
  const sqs = await startLocalSqs({ visibilityTimeoutSeconds, region: config.AWS_REGION });
  const client = createSqsClient({ endpoint: sqs.endpoint, region: config.AWS_REGION });
  return {
    queue: new SqsCaseQueue(client, sqs.queues),
    client,
    queues: sqs.queues,
    close: async () => {
      client.destroy();
      await sqs.close();
    },
  };
}

function engineHint(err: EngineStartError): string {
  if (/lock/i.test(err.reason)) return `.\nAnother server is probably running on this folder: stop it, or set DATA_DIR to another folder.`;
  if (/space|ENOSPC/i.test(err.reason)) return '.\nThe disk is full: free some space and start again.';
  if (/read-only|EROFS|permission|EACCES/i.test(err.reason)) return '.\nThe folder cannot be written: fix its permissions or point DATA_DIR elsewhere.';
  return '';
}
