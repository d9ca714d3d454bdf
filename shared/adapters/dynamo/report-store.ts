import { UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { CaseRecord } from '../../domain/case';
import { dayString, factOf, monthOf, type CaseFact } from '../../domain/report';
import type { ReportFactStore } from '../../ports';
import { isConditionFailed, queryItems } from './client';
import { ITEM } from './table';

/** Buckets per receipt day: keeps each item far below DynamoDB's 400 KB at thousands of cases a day. */
export const FACT_SHARDS = 16;
const ATTR_PREFIX = 'f_';
const VERSION_WIDTH = 9;

/**
 * Report facts in day buckets: item (REPORT#<receipt month>, <receipt day>#<shard>), one attribute
 * per case holding `<zero-padded version>|<fact JSON>`. A report for a quarter reads three month
 * partitions (a few hundred items) instead of tens of thousands of cases.
 *
 * Writing a fact is one UpdateItem `SET f_<id> = :fact` on condition that the stored one sorts
 * lower — i.e. is an older version: a replay, a duplicate or a late older write changes nothing.
 * A case's receipt day never changes, so a case lives in one bucket for good.
 */
export class DynamoReportFactStore implements ReportFactStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async sync(record: CaseRecord): Promise<boolean> {
    const fact = factOf(record);
    const { id, ...rest } = fact;
    const value = `${String(fact.version).padStart(VERSION_WIDTH, '0')}|${JSON.stringify(rest)}`;
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(bucketOf(id, record.receivedAt)),
          UpdateExpression: 'SET #f = :v',
          ConditionExpression: 'attribute_not_exists(#f) OR #f < :v',
          ExpressionAttributeNames: { '#f': `${ATTR_PREFIX}${id}` },
          ExpressionAttributeValues: { ':v': { S: value } },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async factsForMonths(months: readonly string[]): Promise<CaseFact[]> {
    const perMonth = await Promise.all(months.map((m) => this.month(m)));
    return perMonth.flat();
  }

  private async month(month: string): Promise<CaseFact[]> {
    const facts: CaseFact[] = [];
    const items = queryItems(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: ITEM.reportFacts(month, '').pk } },
    });
    for await (const item of items) facts.push(...factsIn(item));
    return facts;
  }
}

function factsIn(item: Record<string, AttributeValue>): CaseFact[] {
  const out: CaseFact[] = [];
  for (const [name, attr] of Object.entries(item)) {
    if (!name.startsWith(ATTR_PREFIX) || attr.S === undefined) continue;
    const json = attr.S.slice(VERSION_WIDTH + 1);
    out.push({ id: name.slice(ATTR_PREFIX.length), ...(JSON.parse(json) as Omit<CaseFact, 'id'>) });
  }
  return out;
}

function bucketOf(caseId: string, receivedAt: number) {
  const shard = createHash('sha1').update(caseId).digest()[0]! % FACT_SHARDS;
  return ITEM.reportFacts(monthOf(receivedAt), `${dayString(receivedAt)}#${String(shard).padStart(2, '0')}`);
}
