import { createHmac, randomBytes } from 'node:crypto';
import { GetItemCommand, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ContactIndex } from '../../ports';
import { isConditionFailed, sortableInstant } from './client';
import { ITEM, KEY, TTL_ATTRIBUTE } from './table';

export interface ContactIndexOptions {
  /** The HMAC key (CONTACT_HASH_SECRET). Without one, a random key is generated once and kept in the table. */
  secret?: string;
  /** How long an entry is kept (TTL, tidying only: reads bound the window themselves). Default 31 days. */
  keepMs?: number;
}

const KEEP_MS = 31 * 86_400_000;

/**
 * 重复件 look-up items: `CONTACT#<HMAC-SHA256 of the normalized contact, 128 bits>` / `<receipt instant>#<case id>`,
 * one per (contact, case), written with a plain put before the case they name (a crash leaves an
 * entry pointing at no case, which finds nothing). Only keyed hashes are stored, so the item says
 * nothing about the person to whoever reads the table without the key; the key is the configured
 * secret, or one generated at first use and kept as its own item (conditional create, so every
 * process and Lambda agrees on it).
 */
export class DynamoContactIndex implements ContactIndex {
  private key?: Promise<Buffer>;

  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
    private readonly options: ContactIndexOptions = {},
  ) {}

  async find(values: readonly string[], from: number, to: number, limit: number): Promise<string[]> {
    const ids = new Set<string>();
    for (const hash of await this.hashes(values)) {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
          ExpressionAttributeValues: { ':pk': { S: ITEM.contact(hash, '').pk }, ':from': { S: sortableInstant(from) }, ':to': { S: `${sortableInstant(to)}~` } },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      for (const item of out.Items ?? []) if (item.caseId?.S) ids.add(item.caseId.S);
    }
    return [...ids];
  }

  async add(values: readonly string[], caseId: string, receivedAt: number): Promise<void> {
    const expiresAt = Math.ceil((Math.max(receivedAt, Date.now()) + (this.options.keepMs ?? KEEP_MS)) / 1000);
    for (const hash of await this.hashes(values)) {
      await this.db.send(new PutItemCommand({ TableName: this.table, Item: marshall({ ...ITEM.contact(hash, `${sortableInstant(receivedAt)}#${caseId}`), caseId, [TTL_ATTRIBUTE]: expiresAt }) }));
    }
  }

  private async hashes(values: readonly string[]): Promise<string[]> {
    if (values.length === 0) return [];
    const key = await this.hmacKey();
    return values.map((v) => createHmac('sha256', key).update(v, 'utf8').digest().subarray(0, 16).toString('base64url'));
  }

  private hmacKey(): Promise<Buffer> {
    if (this.options.secret) return Promise.resolve(Buffer.from(this.options.secret, 'utf8'));
    this.key ??= this.storedKey();
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }

  private async storedKey(): Promise<Buffer> {
    const Key = marshall(ITEM.contactKey());
    const read = async () => (await this.db.send(new GetItemCommand({ TableName: this.table, Key, ConsistentRead: true }))).Item?.key?.S;
    const stored = await read();
    if (stored) return Buffer.from(stored, 'base64url');
    const fresh = randomBytes(32).toString('base64url');
    try {
      await this.db.send(new PutItemCommand({ TableName: this.table, Item: { ...Key, key: { S: fresh } }, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': KEY.pk } }));
      return Buffer.from(fresh, 'base64url');
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      // Another process created it first: use theirs.
      const theirs = await read();
      if (!theirs) throw err;
      return Buffer.from(theirs, 'base64url');
    }
  }
}
