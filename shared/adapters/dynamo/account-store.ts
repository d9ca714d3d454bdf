import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Account } from '../../domain/account';
import { VersionConflictError } from '../../domain/errors';
import type { AccountStore, LoginAttemptStore } from '../../ports';
import { isConditionFailed, queryItems } from './client';
import { ITEM, KEY, TTL_ATTRIBUTE } from './table';

/** Local sign-in accounts, one item each in the `ACCOUNT` partition; every write is conditional on `version`. */
export class DynamoAccountStore implements AccountStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async get(username: string): Promise<Account | undefined> {
    const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: marshall(ITEM.account(username)), ConsistentRead: true }));
    return out.Item ? (unmarshall(out.Item).account as Account) : undefined;
  }

  async list(): Promise<Account[]> {
    const accounts: Account[] = [];
    const items = queryItems(this.db, {
      TableName: this.table,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': KEY.pk },
      ExpressionAttributeValues: { ':pk': { S: ITEM.account('').pk } },
      ConsistentRead: true,
    });
    for await (const item of items) accounts.push(unmarshall(item).account as Account);
    return accounts;
  }

  async put(account: Account, expectedVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: marshall({ ...ITEM.account(account.username), account, version: account.version }, { removeUndefinedValues: true }),
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': KEY.pk } }
            : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': { N: String(expectedVersion) } } }),
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new VersionConflictError(`Account ${expectedVersion === 0 ? 'exists' : 'changed'}`);
      throw err;
    }
  }

  async delete(username: string): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteItemCommand({ TableName: this.table, Key: marshall(ITEM.account(username)), ConditionExpression: 'attribute_exists(#pk)', ExpressionAttributeNames: { '#pk': KEY.pk } }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }
}

/** Oldest failures beyond this many are dropped, so a slow trickle of wrong passwords cannot grow the item. */
const KEEP_FAILURES = 20;

/**
 * Wrong passwords of one username in one item: each failure is an atomic list append (concurrent
 * attempts all count); a lock replaces the list. TTL tidies items once nothing in them matters.
 */
export class DynamoLoginAttemptStore implements LoginAttemptStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async get(key: string): Promise<{ failures: number[]; lockedUntil?: number }> {
    const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: marshall(ITEM.loginAttempts(key)), ConsistentRead: true }));
    const item = out.Item ? unmarshall(out.Item) : {};
    return { failures: (item.failures as number[] | undefined) ?? [], ...(typeof item.lockedUntil === 'number' && { lockedUntil: item.lockedUntil }) };
  }

  async recordFailure(key: string, now: number, keepUntil: number): Promise<number[]> {
    const out = await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: marshall(ITEM.loginAttempts(key)),
        UpdateExpression: 'SET #f = list_append(if_not_exists(#f, :empty), :now), #ttl = :ttl',
        ExpressionAttributeNames: { '#f': 'failures', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':empty': { L: [] }, ':now': { L: [{ N: String(now) }] }, ':ttl': { N: String(Math.ceil(keepUntil / 1000)) } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const failures = (out.Attributes ? (unmarshall(out.Attributes).failures as number[] | undefined) : undefined) ?? [now];
    if (failures.length > KEEP_FAILURES) await this.trim(key, failures);
    return failures;
  }

  /** Keeps the newest failures, unless another append got there first (the next one trims). */
  private async trim(key: string, failures: number[]): Promise<void> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(ITEM.loginAttempts(key)),
          UpdateExpression: 'SET #f = :kept',
          ConditionExpression: 'size(#f) = :n',
          ExpressionAttributeNames: { '#f': 'failures' },
          ExpressionAttributeValues: { ':kept': { L: failures.slice(-KEEP_FAILURES).map((t) => ({ N: String(t) })) }, ':n': { N: String(failures.length) } },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }

  async lock(key: string, until: number, keepUntil: number): Promise<void> {
    await this.db.send(
      new PutItemCommand({ TableName: this.table, Item: marshall({ ...ITEM.loginAttempts(key), failures: [], lockedUntil: until, [TTL_ATTRIBUTE]: Math.ceil(keepUntil / 1000) }) }),
    );
  }

  async clear(key: string): Promise<void> {
    await this.db.send(new DeleteItemCommand({ TableName: this.table, Key: marshall(ITEM.loginAttempts(key)) }));
  }
}
