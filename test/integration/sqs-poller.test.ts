import { createHash } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalSqs, type LocalSqs } from '../../shared/adapters/local/fauxqs';
import { startSqsPoller, type SqsBatchHandler, type SqsPoller } from '../../shared/adapters/local/sqs-poller';
import { SqsCaseQueue } from '../../shared/adapters/sqs/case-queue';
import { createSqsClient } from '../../shared/adapters/sqs/client';
import { createLogger } from '../../shared/observability/logger';

/**
 * The local stand-in for Lambda's SQS event source mapping, against fauxqs (no mocks): partial batch
 * failures, poison messages reaching the DLQ, thrown invocations, the record shape, and stopping.
 * Queues have a 1 s visibility timeout and maxReceiveCount 2, so every retry path takes seconds.
 */
let local: LocalSqs;
let client: SQSClient;
let queue: SqsCaseQueue;
let poller: SqsPoller | undefined;
let logLines: string[];

beforeEach(async () => {
  local = await startLocalSqs({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
  client = createSqsClient({ endpoint: local.endpoint });
  queue = new SqsCaseQueue(client, local.queues);
  logLines = [];
});
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
  client.destroy();
  await local.close();
});

const logger = () => createLogger({ level: 'debug', write: (line) => logLines.push(line) });
const url = () => local.queues.advice.url;

function poll(handler: SqsBatchHandler, options: { waitTimeSeconds?: number; queueUrl?: string } = {}): SqsPoller {
  poller = startSqsPoller({ client, queueUrl: options.queueUrl ?? url(), handler, waitTimeSeconds: options.waitTimeSeconds ?? 1, logger: logger() });
  return poller;
}

/** Sends in one batch, so one receive (up to 10) picks them all up. */
async function sendCases(...caseIds: string[]): Promise<void> {
  await client.send(
    new SendMessageBatchCommand({
      QueueUrl: url(),
      Entries: caseIds.map((caseId, i) => ({ Id: `e${i}`, MessageBody: JSON.stringify({ caseId, category: 'advice', version: 1 }) })),
    }),
  );
}

const caseIdOf = (record: SQSRecord) => (JSON.parse(record.body) as { caseId: string }).caseId;

/** Every delivery, in order: which case, and its ApproximateReceiveCount. */
function deliveryLog() {
  const deliveries: { caseId: string; receiveCount: number; batch: number }[] = [];
  let batches = 0;
  const record = (event: SQSEvent) => {
    batches += 1;
    for (const r of event.Records) deliveries.push({ caseId: caseIdOf(r), receiveCount: Number(r.attributes.ApproximateReceiveCount), batch: batches });
  };
  const countOf = (caseId: string) => deliveries.filter((d) => d.caseId === caseId).length;
  return { deliveries, record, countOf };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const adviceDepth = async () => (await queue.depths()).find((d) => d.category === 'advice');
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('partial batch failures', () => {
  it('redelivers only the item the handler reported; the rest are deleted and never come back', async () => {
    await sendCases('ok-1', 'flaky', 'ok-2');
    const log = deliveryLog();
    poll(async (event): Promise<SQSBatchResponse> => {
      log.record(event);
      const failing = event.Records.filter((r) => caseIdOf(r) === 'flaky' && r.attributes.ApproximateReceiveCount === '1');
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    });

    await waitFor(() => log.countOf('flaky') === 2);
    // Had ok-1 and ok-2 not been deleted, they would have returned with flaky after the same 1 s.
    await settle(300);
    expect(log.deliveries).toEqual([
      { caseId: 'ok-1', receiveCount: 1, batch: 1 },
      { caseId: 'flaky', receiveCount: 1, batch: 1 },
      { caseId: 'ok-2', receiveCount: 1, batch: 1 },
      { caseId: 'flaky', receiveCount: 2, batch: 2 },
    ]);
    expect(await adviceDepth()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it('sends a message that always fails to the DLQ after maxReceiveCount receives; good ones run once', async () => {
    await sendCases('good-1', 'poison', 'good-2');
    const log = deliveryLog();
    poll(async (event) => {
      log.record(event);
      return { batchItemFailures: event.Records.filter((r) => caseIdOf(r) === 'poison').map((r) => ({ itemIdentifier: r.messageId })) };
    });

    await waitFor(async () => (await adviceDepth())?.deadLetters === 1);
    await settle(300);
    expect(log.deliveries.map((d) => `${d.caseId}#${d.receiveCount}`)).toEqual(['good-1#1', 'poison#1', 'good-2#1', 'poison#2']);
    expect(await adviceDepth()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 1 });
  });

  it('treats a response naming an item not in the batch as a failure of the whole batch, as Lambda does', async () => {
    await sendCases('x-1', 'x-2');
    const log = deliveryLog();
    poll(async (event) => {
      log.record(event);
      return event.Records[0]?.attributes.ApproximateReceiveCount === '1' ? { batchItemFailures: [{ itemIdentifier: 'no-such-id' }] } : undefined;
    });

    await waitFor(() => log.deliveries.length === 4);
    expect(log.deliveries.map((d) => `${d.caseId}#${d.receiveCount}`)).toEqual(['x-1#1', 'x-2#1', 'x-1#2', 'x-2#2']);
  });
});

describe('a handler that throws', () => {
  it('has its whole batch redelivered after the visibility timeout, and logs ids but not bodies', async () => {
    await sendCases('body-t-1', 'body-t-2', 'body-t-3');
    const log = deliveryLog();
    poll(async (event) => {
      log.record(event);
      if (log.deliveries.length <= 3) throw new Error('database unavailable');
    });

    await waitFor(() => log.deliveries.length === 6);
    await settle(300);
    expect(log.deliveries.map((d) => `${d.caseId}#${d.receiveCount}@${d.batch}`)).toEqual(['body-t-1#1@1', 'body-t-2#1@1', 'body-t-3#1@1', 'body-t-1#2@2', 'body-t-2#2@2', 'body-t-3#2@2']);
    expect(await adviceDepth()).toMatchObject({ visible: 0, inFlight: 0 });

    const thrown = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'error');
    expect(thrown).toMatchObject({ message: expect.stringMatching(/whole batch/), queue: 'union-cases-advice', err: { message: 'database unavailable' } });
    expect(thrown?.messageIds).toHaveLength(3);
    expect(logLines.join('\n')).not.toContain('body-t-1');
  });
});

describe('records', () => {
  it("have exactly Lambda's shape, and ApproximateReceiveCount rises on each delivery", async () => {
    const body = JSON.stringify({ caseId: 'shape', category: 'advice', version: 2 });
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: url(),
        Entries: [
          {
            Id: 'a',
            MessageBody: body,
            MessageAttributes: {
              origin: { DataType: 'String', StringValue: 'intake' },
              blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
            },
          },
        ],
      }),
    );
    const seen: SQSRecord[] = [];
    poll(async (event) => {
      seen.push(...event.Records);
      return seen.length === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId ?? '' }] } : undefined;
    });
    await waitFor(() => seen.length === 2);

    const [first, second] = seen as [SQSRecord, SQSRecord];
    expect(Object.keys(first).sort()).toEqual(
      ['attributes', 'awsRegion', 'body', 'eventSource', 'eventSourceARN', 'md5OfBody', 'md5OfMessageAttributes', 'messageAttributes', 'messageId', 'receiptHandle'].sort(),
    );
    expect(first).toMatchObject({
      body,
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-east-1:000000000000:union-cases-advice',
      awsRegion: 'ap-east-1',
      messageAttributes: {
        origin: { stringValue: 'intake', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: Buffer.from([1, 2, 3]).toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
    });
    expect(Object.keys(first.attributes)).toEqual(['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
    expect(Object.values(first.attributes).every((v) => typeof v === 'string' && v.length > 0)).toBe(true);
    expect(second.messageId).toBe(first.messageId);
    expect(second.receiptHandle).not.toBe(first.receiptHandle);
    expect([first.attributes.ApproximateReceiveCount, second.attributes.ApproximateReceiveCount]).toEqual(['1', '2']);
    expect(second.attributes.ApproximateFirstReceiveTimestamp).toBe(first.attributes.ApproximateFirstReceiveTimestamp);
  });
});

describe('stopping and trouble', () => {
  it('stops promptly even in the middle of a 20 s long poll', async () => {
    const running = poll(async () => undefined, { waitTimeSeconds: 20 });
    await settle(200);
    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('waits for the batch being handled, and still deletes it', async () => {
    await sendCases('slow');
    let release!: () => void;
    let handling = false;
    const running = poll(async () => {
      handling = true;
      await new Promise<void>((r) => (release = r));
    });
    await waitFor(() => handling);

    let stopped = false;
    const stopping = running.stop().then(() => (stopped = true));
    await settle(100);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await adviceDepth()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it('backs off after a failed receive instead of spinning', async () => {
    const missing = url().replace('union-cases-advice', 'no-such-queue');
    poll(async () => undefined, { queueUrl: missing });
    await settle(1_500);
    const warnings = logLines.filter((l) => l.includes('backing off'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(3);
  });
});

describe('with Powertools batch processing as the handler', () => {
  it('reports the failing record so only it retries, and dead-letters it in the end', async () => {
    await sendCases('pt-1', 'pt-bad', 'pt-2');
    const processed: string[] = [];
    const processor = new BatchProcessor(EventType.SQS);
    const recordHandler = async (record: SQSRecord) => {
      const caseId = caseIdOf(record);
      if (caseId === 'pt-bad') throw new Error(`cannot route ${record.messageId}`);
      processed.push(caseId);
    };
    // The router's style: the Lambda handler is just processPartialResponse over a record handler.
    poll((event) => processPartialResponse(event, recordHandler, processor));

    await waitFor(async () => (await adviceDepth())?.deadLetters === 1);
    await settle(300);
    expect(processed).toEqual(['pt-1', 'pt-2']);
    expect(await adviceDepth()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 1 });
  });
});
