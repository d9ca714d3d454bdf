import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { Logger } from '../../observability/logger';
import { abortableSleep } from './sleep';

export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface SqsPollerOptions {
  client: SQSClient;
  queueUrl: string;
  /** Written into each record's eventSourceARN; looked up from the queue when absent. */
  queueArn?: string;
  /** Written into each record's awsRegion; the client's region when absent. */
  region?: string;
  handler: SqsBatchHandler;
  /** 1–10: one ReceiveMessage call fills one batch. */
  batchSize?: number;
  waitTimeSeconds?: number;
  logger: Logger;
}

export interface SqsPoller {
  /** Ends the loop promptly and resolves once any batch being handled is finished and settled. */
  stop(): Promise<void>;
}

const RECEIVE_BACKOFF_MS = 1_000;

/**
 * Lambda's SQS event source mapping, in-process, so the router's batch handler runs locally as it
 * does on AWS (with ReportBatchItemFailures on): receive a batch, invoke the handler with an
 * SQSEvent, delete what succeeded. Failed messages are just left on the queue: SQS offers them
 * again after the visibility timeout and moves them to the DLQ after maxReceiveCount receives,
 * exactly as on AWS. Not emulated: batching windows, scaling out, and the invocation timeout.
 */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const { client, queueUrl, handler, batchSize = 10, waitTimeSeconds = 1 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) throw new RangeError('batchSize must be 1–10');
  const logger = options.logger.child({ queue: queueName(queueUrl) });
  const abort = new AbortController();
  const stopping = () => abort.signal.aborted;

  async function run(): Promise<void> {
    let source: EventSource | undefined;
    while (!stopping()) {
      let messages: Message[];
      try {
        source ??= await resolveSource(options, abort.signal);
        const received = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        messages = received.Messages ?? [];
      } catch (err) {
        if (stopping()) return;
        logger.warn('sqs receive failed; backing off', { err });
        await abortableSleep(RECEIVE_BACKOFF_MS, abort.signal);
        continue;
      }
      if (messages.length > 0) await handleBatch(messages, source);
    }
  }

  async function handleBatch(messages: Message[], source: EventSource): Promise<void> {
    const records = messages.map((message) => toLambdaRecord(message, source));
    const ids = records.map((r) => r.messageId);
    let response: SQSBatchResponse | void;
    try {
      response = await handler({ Records: records });
    } catch (err) {
      // As Lambda does: a thrown invocation fails the whole batch; every message returns after its visibility timeout.
      logger.error('sqs batch handler threw; whole batch will be retried', { messageIds: ids, err });
      return;
    }
    const failed = failedIds(response, ids);
    if (failed === 'all') {
      logger.error('sqs batch response names unknown items; whole batch will be retried', { messageIds: ids });
      return;
    }
    if (failed.size > 0) logger.warn('sqs batch items failed; they will be retried', { messageIds: [...failed] });
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length === 0) return;
    try {
      // No abort signal here: a batch already handled is settled even while stopping.
      const result = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
      if (result.Failed?.length) logger.warn('sqs delete failed for some messages; they will be redelivered', { failed: result.Failed.length });
    } catch (err) {
      logger.error('sqs delete failed; the batch will be redelivered', { messageIds: done.map((r) => r.messageId), err });
    }
  }

  const loop = run().catch((err: unknown) => logger.error('sqs poller stopped unexpectedly', { err }));
  return {
    async stop() {
      // Aborting drops our end of the long poll. Like SQS, fauxqs may still hand a message to the
      // dropped request; it is not lost, only hidden until its visibility timeout ends.
      abort.abort();
      await loop;
    },
  };
}

interface EventSource {
  arn: string;
  region: string;
}

async function resolveSource(options: SqsPollerOptions, signal: AbortSignal): Promise<EventSource> {
  const region = options.region ?? (await options.client.config.region());
  if (options.queueArn) return { arn: options.queueArn, region };
  const { Attributes } = await options.client.send(
    new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ['QueueArn'] }),
    { abortSignal: signal },
  );
  return { arn: Attributes?.QueueArn ?? '', region };
}

/**
 * Lambda's reading of a batch response: nothing returned or an empty list means all succeeded; an
 * identifier that is empty or not in the batch makes the whole batch a failure.
 */
function failedIds(response: SQSBatchResponse | void, ids: string[]): Set<string> | 'all' {
  const failures = response?.batchItemFailures ?? [];
  const known = new Set(ids);
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = failure?.itemIdentifier;
    if (typeof id !== 'string' || !known.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

/** A received message in the exact shape Lambda hands to an SQS-triggered function. */
function toLambdaRecord(message: Message, source: EventSource): SQSRecord {
  const system = message.Attributes ?? {};
  const optional = ['AWSTraceHeader', 'SequenceNumber', 'MessageGroupId', 'MessageDeduplicationId', 'DeadLetterQueueSourceArn'] as const;
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
      SentTimestamp: system.SentTimestamp ?? '',
      SenderId: system.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? '',
      ...Object.fromEntries(optional.flatMap((name) => (system[name] ? [[name, system[name]]] : []))),
    },
    messageAttributes: toLambdaAttributes(message.MessageAttributes ?? {}),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: source.arn,
    awsRegion: source.region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** Lambda spells attributes in camelCase, binary values as base64, and always includes the (unused) list fields. */
function toLambdaAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return out;
}

function queueName(queueUrl: string): string {
  return queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
}
