import { GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { IdempotencyRecord, IdempotencyStore } from '../../ports';
import { isConditionFailed } from './client';
import { ITEM, KEY, TTL_ATTRIBUTE } from './table';

/**
 * Idempotency keys as single items with conditional writes (no transactions needed): the first
 * writer claims the key; an expired record counts as absent, so correctness never waits for TTL.
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async claim(record: IdempotencyRecord, now: number): Promise<{ claimed: true } | { claimed: false; existing: IdempotencyRecord }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.db.send(
          new PutItemCommand({
            TableName: this.table,
            Item: marshall({
              ...ITEM.idempotency(record.scope, record.key),
              ...record,
              expiresAtMs: record.expiresAt,
              [TTL_ATTRIBUTE]: Math.ceil(record.expiresAt / 1000),
            }),
            ConditionExpression: 'attribute_not_exists(#pk) OR #exp < :now',
            ExpressionAttributeNames: { '#pk': KEY.pk, '#exp': 'expiresAtMs' },
            ExpressionAttributeValues: { ':now': { N: String(now) } },
          }),
        );
        return { claimed: true };
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
      const existing = await this.get(record.scope, record.key);
      if (existing && existing.expiresAt >= now) return { claimed: false, existing };
      // Gone or expired between our write and read: try to claim again.
    }
    throw new Error('idempotency key contention did not settle');
  }

  async takeOver(existing: IdempotencyRecord, leaseUntil: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(ITEM.idempotency(existing.scope, existing.key)),
          UpdateExpression: 'SET #lease = :lease',
          ConditionExpression: '#lease = :old AND #hash = :hash',
          ExpressionAttributeNames: { '#lease': 'leaseUntil', '#hash': 'requestHash' },
          ExpressionAttributeValues: {
            ':lease': { N: String(leaseUntil) },
            ':old': { N: String(existing.leaseUntil) },
            ':hash': { S: existing.requestHash },
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  private async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.db.send(
      new GetItemCommand({ TableName: this.table, Key: marshall(ITEM.idempotency(scope, key)), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const item = unmarshall(out.Item);
    return {
      scope: item.scope,
      key: item.key,
      requestHash: item.requestHash,
      caseId: item.caseId,
      leaseUntil: item.leaseUntil,
      expiresAt: item.expiresAtMs,
    };
  }
}
