import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { HeldMail, InboundMailStore, MailOutcome } from '../../ports';
import { isConditionFailed } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { ITEM, KEY, TTL_ATTRIBUTE } from './table';

const FLOOD_BUCKET_MS = 10 * 60_000;
const seconds = (ms: number) => Math.ceil(ms / 1000);

/** The mailbox address's items (see ARCHITECTURE.md, the table): single-item conditional writes only. */
export class DynamoInboundMailStore implements InboundMailStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async claim(key: string, now: number, leaseUntil: number, keepUntil: number): Promise<{ claimed: true } | { claimed: false; outcome?: MailOutcome }> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: marshall({ ...ITEM.inboundMail(key), state: 'filing', leaseUntil, claimedAt: now, keepUntil, [TTL_ATTRIBUTE]: seconds(keepUntil) }),
          // New, or a claimant that died mid-way (its lease ran out), or forgotten (kept no longer: TTL may lag).
          ConditionExpression: 'attribute_not_exists(#pk) OR (#state = :filing AND #lease < :now) OR #keep < :now',
          ExpressionAttributeNames: { '#pk': KEY.pk, '#state': 'state', '#lease': 'leaseUntil', '#keep': 'keepUntil' },
          ExpressionAttributeValues: { ':filing': { S: 'filing' }, ':now': { N: String(now) } },
        }),
      );
      return { claimed: true };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
    const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: marshall(ITEM.inboundMail(key)), ConsistentRead: true }));
    const item = out.Item ? unmarshall(out.Item) : undefined;
    return item?.state === 'filed' ? { claimed: false, outcome: JSON.parse(String(item.outcome)) as MailOutcome } : { claimed: false };
  }

  async settle(key: string, outcome: MailOutcome, now: number): Promise<void> {
    await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: marshall(ITEM.inboundMail(key)),
        UpdateExpression: 'SET #state = :filed, #outcome = :outcome, #filedAt = :now REMOVE #lease',
        ExpressionAttributeNames: { '#state': 'state', '#outcome': 'outcome', '#filedAt': 'filedAt', '#lease': 'leaseUntil' },
        ExpressionAttributeValues: { ':filed': { S: 'filed' }, ':outcome': { S: JSON.stringify(outcome) }, ':now': { N: String(now) } },
      }),
    );
  }

  async release(key: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(ITEM.inboundMail(key)),
          UpdateExpression: 'SET #lease = :zero',
          ConditionExpression: '#state = :filing',
          ExpressionAttributeNames: { '#state': 'state', '#lease': 'leaseUntil' },
          ExpressionAttributeValues: { ':zero': { N: '0' }, ':filing': { S: 'filing' } },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }

  async caseOfMessageId(messageId: string): Promise<string | undefined> {
    const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: marshall(ITEM.mailReference(messageId)) }));
    return out.Item?.caseId?.S;
  }

  async rememberMessageId(messageId: string, caseId: string, now: number): Promise<void> {
    await this.db.send(new PutItemCommand({ TableName: this.table, Item: marshall({ ...ITEM.mailReference(messageId), caseId, at: now }) }));
  }

  async countNewCase(sender: string, now: number, windowMs: number): Promise<number> {
    const bucket = Math.floor(now / FLOOD_BUCKET_MS);
    const first = Math.floor((now - windowMs) / FLOOD_BUCKET_MS) + 1;
    await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: marshall(ITEM.mailFlood(sender, bucket)),
        UpdateExpression: 'ADD #n :one SET #ttl = :ttl',
        ExpressionAttributeNames: { '#n': 'n', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':ttl': { N: String(seconds(now + windowMs + FLOOD_BUCKET_MS)) } },
      }),
    );
    const { pk } = ITEM.mailFlood(sender, bucket);
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
        ExpressionAttributeValues: { ':pk': { S: pk }, ':from': { S: ITEM.mailFlood(sender, first).sk }, ':to': { S: ITEM.mailFlood(sender, bucket).sk } },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).reduce((n, i) => n + Number(i.n?.N ?? '0'), 0);
  }

  async hold(item: HeldMail): Promise<void> {
    await this.db.send(
      new PutItemCommand({
        TableName: this.table,
        Item: marshall({ ...ITEM.heldMail(item.receivedAt, item.id), held: JSON.stringify(item), [TTL_ATTRIBUTE]: seconds(item.expiresAt) }),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY.pk },
      }),
    ).catch((err: unknown) => {
      // The same message held again (a retry after a crash before its outcome was recorded).
      if (!isConditionFailed(err)) throw err;
    });
  }

  async listHeld(now: number, limit: number, cursor?: string): Promise<{ items: HeldMail[]; nextCursor: string | null }> {
    const fingerprint = 'held-mail';
    const start = cursor ? decodeCursor(cursor, fingerprint, [KEY.pk, KEY.sk], { [KEY.pk]: (v) => v === 'MAILHELD' }) : undefined;
    const items: HeldMail[] = [];
    let last: Record<string, string> | undefined = start;
    // Expired items are skipped (TTL deletes them later); pages are read until the list is full or ends.
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#pk = :pk AND #sk > :oldest',
          ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
          // Anything received more than the keep period ago has expired; newer ones are checked one by one.
          ExpressionAttributeValues: { ':pk': { S: 'MAILHELD' }, ':oldest': { S: new Date(now - 31 * 86_400_000).toISOString() } },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ...(last && { ExclusiveStartKey: marshall(last) }),
        }),
      );
      for (const raw of out.Items ?? []) {
        const held = JSON.parse(String(unmarshall(raw).held)) as HeldMail;
        if (held.expiresAt > now) items.push(held);
      }
      last = out.LastEvaluatedKey ? (unmarshall(out.LastEvaluatedKey) as Record<string, string>) : undefined;
    } while (last && items.length < limit);
    return { items, nextCursor: last ? encodeCursor(last, fingerprint) : null };
  }
}
