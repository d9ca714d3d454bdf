import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { RateLimitDecision, RateLimiter } from '../../ports';
import { ITEM, TTL_ATTRIBUTE } from './table';

const WINDOW_MS = 60_000;

/**
 * Fixed one-minute windows counted in the table, so the limit holds across every API instance.
 * Each window is its own item; TTL only tidies old windows away.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async hit(bucket: string, client: string, limitPerMinute: number, now: number): Promise<RateLimitDecision> {
    const window = Math.floor(now / WINDOW_MS);
    const out = await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: marshall(ITEM.rateWindow(bucket, client, window)),
        UpdateExpression: 'ADD #hits :one SET #ttl = :ttl',
        ExpressionAttributeNames: { '#hits': 'hits', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':ttl': { N: String(Math.ceil(((window + 2) * WINDOW_MS) / 1000)) } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const hits = Number(out.Attributes?.hits?.N ?? '1');
    return { allowed: hits <= limitPerMinute, retryAfter: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000)) };
  }
}
