import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** Upper bound on receive rounds, so a source that keeps failing back into the DLQ cannot loop forever. */
const MAX_ROUNDS = 100;
/** How long moved-but-unconfirmed messages stay hidden in the DLQ before it offers them again. */
const HOLD_SECONDS = 30;

/**
 * Moves every message from `fromUrl` (a dead-letter queue) to `toUrl` (its source queue) and
 * returns how many arrived. StartMessageMoveTask would do this server-side, but it needs the DLQ's
 * ARN and fauxqs does not implement it; this receive → send → delete move works unchanged on AWS.
 * A message is deleted from the DLQ only after the source queue took it, so a failure part-way
 * leaves it in the DLQ (visible again after HOLD_SECONDS) and at worst duplicates it, which the
 * router absorbs: it skips routing messages whose version is stale.
 */
export async function moveAllMessages(client: SQSClient, fromUrl: string, toUrl: string): Promise<number> {
  let moved = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { Messages: messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: fromUrl,
        MaxNumberOfMessages: 10,
        // A short long-poll: an empty answer from SQS's short poll (0 s) can be a sampling miss.
        WaitTimeSeconds: 1,
        VisibilityTimeout: HOLD_SECONDS,
        MessageAttributeNames: ['All'],
      }),
    );
    if (messages.length === 0) break;
    moved += await moveBatch(client, messages, toUrl, fromUrl);
  }
  return moved;
}

async function moveBatch(client: SQSClient, messages: Message[], toUrl: string, fromUrl: string): Promise<number> {
  const byEntryId = new Map(messages.map((message, i) => [String(i), message]));
  const sent = await client.send(
    new SendMessageBatchCommand({
      QueueUrl: toUrl,
      Entries: [...byEntryId].map(([id, message]) => ({
        Id: id,
        MessageBody: message.Body ?? '',
        MessageAttributes: message.MessageAttributes,
      })),
    }),
  );
  const delivered = (sent.Successful ?? []).flatMap(({ Id }) => {
    const message = Id === undefined ? undefined : byEntryId.get(Id);
    return message?.ReceiptHandle ? [{ Id, ReceiptHandle: message.ReceiptHandle }] : [];
  });
  if (delivered.length > 0) {
    // A failed delete only means the DLQ offers the message again later: a duplicate, not a loss.
    await client.send(new DeleteMessageBatchCommand({ QueueUrl: fromUrl, Entries: delivered }));
  }
  return delivered.length;
}
