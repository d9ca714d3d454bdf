import { ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalSqs, type LocalSqs } from '../../shared/adapters/local/fauxqs';
import { SqsCaseQueue } from '../../shared/adapters/sqs/case-queue';
import { createSqsClient } from '../../shared/adapters/sqs/client';
import type { RoutingMessage } from '../../shared/ports';

/**
 * The queue adapter against a real SQS engine (fauxqs in-process), no mocks. Each test gets its own
 * engine; a 1 s visibility timeout and maxReceiveCount 2 keep dead-lettering fast.
 */
let local: LocalSqs;
let client: SQSClient;
let queue: SqsCaseQueue;

beforeEach(async () => {
  local = await startLocalSqs({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
  client = createSqsClient({ endpoint: local.endpoint });
  queue = new SqsCaseQueue(client, local.queues);
});
afterEach(async () => {
  client.destroy();
  await local.close();
});

/** One receive; a wait longer than the visibility timeout also catches a message coming back. */
async function receive(url: string, options: { wait?: number; hold?: number } = {}) {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: options.wait ?? 0,
      VisibilityTimeout: options.hold,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
}

const depthOf = async (category: string) => (await queue.depths()).find((d) => d.category === category);

describe('SqsCaseQueue.send', () => {
  it("puts the routing fields, and only those, as JSON on the category's queue", async () => {
    const extra = { caseId: 'case-1', category: 'complaint', version: 3, description: '工资拖欠' } as RoutingMessage;
    await queue.send(extra);

    const [message, ...rest] = await receive(local.queues.complaint.url);
    expect(rest).toHaveLength(0);
    expect(JSON.parse(message?.Body ?? '')).toEqual({ caseId: 'case-1', category: 'complaint', version: 3 });
    expect(await receive(local.queues.advice.url)).toHaveLength(0);
  });

  it('refuses a category it has no queue for', async () => {
    const stray = { caseId: 'case-2', category: 'gossip', version: 1 } as unknown as RoutingMessage;
    await expect(queue.send(stray)).rejects.toThrow(/No queue configured/);
  });
});

describe('SqsCaseQueue.depths', () => {
  it('counts visible, in-flight and dead-lettered messages per category, in category order', async () => {
    await queue.send({ caseId: 'a1', category: 'advice', version: 1 });
    await queue.send({ caseId: 'a2', category: 'advice', version: 1 });
    await queue.send({ caseId: 'c1', category: 'complaint', version: 1 });
    expect(await receive(local.queues.advice.url, { hold: 30 }).then((m) => m.length)).toBe(2);
    await queue.send({ caseId: 'a3', category: 'advice', version: 1 });
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: local.queues.investigation.dlqUrl,
        Entries: [{ Id: 'x', MessageBody: JSON.stringify({ caseId: 'i1', category: 'investigation', version: 1 }) }],
      }),
    );

    expect(await queue.depths()).toEqual([
      { category: 'advice', visible: 1, inFlight: 2, deadLetters: 0 },
      { category: 'complaint', visible: 1, inFlight: 0, deadLetters: 0 },
      { category: 'investigation', visible: 0, inFlight: 0, deadLetters: 1 },
    ]);
  });
});

describe('dead letters and redrive', () => {
  it('dead-letters a message received maxReceiveCount times without deletion; redrive brings it back', async () => {
    await queue.send({ caseId: 'poison', category: 'complaint', version: 7 });
    const { url } = local.queues.complaint;
    // Receive and never delete. The second receive's long poll outlasts the queue's 1 s visibility
    // timeout, so it sees the message return; it then lets go at once (VisibilityTimeout 0).
    const first = await receive(url);
    const second = await receive(url, { wait: 3, hold: 0 });
    expect([first, second].map((m) => m[0]?.Attributes?.ApproximateReceiveCount)).toEqual(['1', '2']);
    // The third attempt moves it to the DLQ instead of delivering it (as on AWS).
    expect(await receive(url)).toHaveLength(0);
    expect(await depthOf('complaint')).toEqual({ category: 'complaint', visible: 0, inFlight: 0, deadLetters: 1 });

    expect(await queue.redrive('complaint')).toBe(1);
    expect(await depthOf('complaint')).toEqual({ category: 'complaint', visible: 1, inFlight: 0, deadLetters: 0 });
    const [back] = await receive(url);
    expect(JSON.parse(back?.Body ?? '')).toEqual({ caseId: 'poison', category: 'complaint', version: 7 });
    // It comes back as a new message, with a fresh allowance of receives.
    expect(back?.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  it('moves more than one receive batch, keeping bodies and message attributes', async () => {
    const { url, dlqUrl } = local.queues.advice;
    const bodies = Array.from({ length: 23 }, (_, i) => JSON.stringify({ caseId: `dl-${i}`, category: 'advice', version: 1 }));
    for (let i = 0; i < bodies.length; i += 10) {
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: bodies.slice(i, i + 10).map((body, j) => ({
            Id: `m${i + j}`,
            MessageBody: body,
            MessageAttributes: { origin: { DataType: 'String', StringValue: 'intake' } },
          })),
        }),
      );
    }

    expect(await queue.redrive('advice')).toBe(23);
    expect(await depthOf('advice')).toEqual({ category: 'advice', visible: 23, inFlight: 0, deadLetters: 0 });
    const received = [...(await receive(url)), ...(await receive(url)), ...(await receive(url))];
    expect(received.map((m) => m.Body).sort()).toEqual([...bodies].sort());
    expect(received.every((m) => m.MessageAttributes?.origin?.StringValue === 'intake')).toBe(true);
  });

  it('redrives nothing from an empty dead-letter queue', async () => {
    expect(await queue.redrive('investigation')).toBe(0);
  });
});
