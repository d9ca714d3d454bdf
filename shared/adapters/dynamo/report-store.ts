import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { CATEGORIES, CHANNELS, SATISFACTIONS, STATUSES, type CaseRecord } from '../../domain/case';
import { factOf, monthOf, type CaseFact } from '../../domain/report';
import type { ReportFactStore } from '../../ports';
import { isConditionFailed, queryItems, sortableInstant } from './client';
import { FACT_ATTRIBUTE, INDEX, ITEM, KEY } from './table';

/** Open cases carry this in the byOpenReceipt index key. */
export const OPEN_KEY = 'OPEN';
const CASE_PREFIX = ITEM.case('').pk;

/**
 * Cases per bucket item. A bucket holds the cases of a block of ticket numbers, never a whole day,
 * so the item a case change rewrites stays ~1–2 KB (8 lines of ~150–250 bytes; at most ~9 KB if all
 * eight carry 200-character employers) however many cases share the day: on AWS a change costs a
 * couple of write units, not 60. Consecutive tickets go to different items (LANES of them), so
 * the router's parallel writes for a burst do not queue on one item's revision.
 */
export const FACTS_PER_ITEM = 8;
const LANES = 16;
const VERSION_WIDTH = 9;
/** Concurrent writers of one bucket retry this often before leaving the fact to the reconciler. */
const MAX_ATTEMPTS = 8;

/**
 * Report facts in small buckets: item (REPORT#<receipt month>, t<ticket year>#<block>#<lane>)
 * holding one line per case, `<case id>\t<zero-padded version>|<fact>`, in a single attribute — a
 * quarter of 25,000 cases is ~3,100 small items with one attribute each, which reads several times
 * faster than one item or attribute per case. A case's receipt month and ticket number never change,
 * so a case lives in one bucket for good. (Folders written before this layout also hold day buckets,
 * `<receipt day>#<shard>`, in the same partitions: a read keeps each case's newest version.)
 *
 * Writing a fact reads the bucket, replaces the case's line unless the stored one is the same or a
 * newer version (a replay, a duplicate or a late older write changes nothing), and puts the bucket
 * back on condition that its revision has not moved; a writer that lost the race reads again.
 */
export class DynamoReportFactStore implements ReportFactStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async sync(record: CaseRecord): Promise<boolean> {
    const key = marshall(bucketOf(record));
    const value = encodeFact(record);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { Item } = await this.db.send(new GetItemCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      const facts = withLine(Item?.[FACTS]?.S ?? '', record.id, value);
      if (facts === undefined) return false;
      const rev = Number(Item?.[REV]?.N ?? 0);
      try {
        await this.db.send(
          new PutItemCommand({
            TableName: this.table,
            Item: { ...key, [FACTS]: { S: facts }, [REV]: { N: String(rev + 1) } },
            ConditionExpression: Item ? '#rev = :rev' : 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: Item ? { '#rev': REV } : { '#pk': KEY.pk },
            ...(Item && { ExpressionAttributeValues: { ':rev': { N: String(rev) } } }),
          }),
        );
        return true;
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
    }
    throw new Error(`report facts: bucket of case ${record.id} kept changing; the reconciler will write it`);
  }

  async factsForMonths(months: readonly string[]): Promise<CaseFact[]> {
    const perMonth = await Promise.all(months.map((m) => this.month(m)));
    return perMonth.flat();
  }

  async openFactsReceivedBefore(before: number): Promise<CaseFact[]> {
    const facts: CaseFact[] = [];
    const items = queryItems(this.db, {
      TableName: this.table,
      IndexName: INDEX.byOpenReceipt.name,
      KeyConditionExpression: '#pk = :pk AND #sk < :before',
      ExpressionAttributeNames: { '#pk': INDEX.byOpenReceipt.pk, '#sk': INDEX.byOpenReceipt.sk },
      ExpressionAttributeValues: { ':pk': { S: OPEN_KEY }, ':before': { S: sortableInstant(before) } },
    });
    for await (const item of items) {
      const id = item[KEY.pk]?.S?.slice(CASE_PREFIX.length);
      const value = item[FACT_ATTRIBUTE]?.S;
      if (id && value) facts.push(decodeFact(id, value));
    }
    return facts;
  }

  private async month(month: string): Promise<CaseFact[]> {
    const items = queryItems(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: ITEM.reportFacts(month, '').pk } },
    });
    const newest = new Map<string, CaseFact>();
    for await (const item of items) {
      for (const [id, value] of linesOf(item[FACTS]?.S)) {
        const fact = decodeFact(id, value);
        const seen = newest.get(id);
        if (!seen || seen.version < fact.version) newest.set(id, fact);
      }
    }
    return [...newest.values()];
  }
}

/**
 * A fact as one compact line (a quarter at 100,000 cases a year is ~25,000 of them, read in one
 * go, and the engine's time goes by bytes): `|`-separated fields, codes as list indexes, times as
 * seconds from receipt, absent as empty. Free text cannot contain the separator (it is swapped for
 * a broken bar). Fields never change position; a new one goes at the end.
 */
const SEP = '|';

export function encodeFact(record: CaseRecord): string {
  const f = factOf(record);
  const r = Math.floor(f.receivedAt / 1000);
  const rel = (t: number | undefined) => (t === undefined ? '' : String(Math.round(t / 1000) - r));
  const flag = (b: boolean | undefined) => (b === undefined ? '' : b ? '1' : '0');
  const text = (s: string | undefined) => (s ?? '').replaceAll(SEP, '¦');
  return [
    String(record.version).padStart(VERSION_WIDTH, '0'),
    f.ticketNo,
    CHANNELS.indexOf(f.channel),
    CATEGORIES.indexOf(f.category),
    text(f.office),
    text(f.topic),
    text(f.region),
    text(f.employer),
    f.urgent ? '1' : '0',
    f.visitors,
    f.receivedAt,
    rel(f.dueAt),
    STATUSES.indexOf(f.status),
    flag(f.signedOnTime),
    rel(f.firstReplyAt),
    rel(f.replyAt),
    flag(f.repliedOnTime),
    rel(f.doneAt),
    f.extended ? '1' : '0',
    f.returns,
    f.satisfaction === undefined ? '' : SATISFACTIONS.indexOf(f.satisfaction),
    flag(f.resolved),
    f.escalationLevel,
    f.improperReturns,
    f.reopened,
    f.followedUp ? '1' : '0',
    f.duplicate ? '1' : '0',
  ].join(SEP);
}

export function decodeFact(id: string, value: string): CaseFact {
  // Lines written before the last four fields existed read as none of them (a follow-up: one with a rating).
  const [version, ticketNo, ch, cat, office, topic, region, employer, urgent, visitors, receivedAt, due, st, signed, firstReply, reply, onTime, done, extended, returns, sat, resolved, level, improper, reopened, followedUp, duplicate] = value.split(SEP) as string[] & { length: 27 };
  const received = Number(receivedAt);
  const abs = (d: string) => (Math.floor(received / 1000) + Number(d)) * 1000;
  const f: CaseFact = {
    id,
    version: Number(version),
    ticketNo: ticketNo as string,
    channel: CHANNELS[Number(ch)] as CaseFact['channel'],
    category: CATEGORIES[Number(cat)] as CaseFact['category'],
    urgent: urgent === '1',
    visitors: Number(visitors),
    receivedAt: received,
    dueAt: abs(due as string),
    status: STATUSES[Number(st)] as CaseFact['status'],
    extended: extended === '1',
    returns: Number(returns),
    escalationLevel: Number(level),
    improperReturns: Number(improper ?? 0) || 0,
    reopened: Number(reopened ?? 0) || 0,
    followedUp: followedUp === undefined ? sat !== '' && sat !== undefined : followedUp === '1',
    duplicate: duplicate === '1',
  };
  if (office) f.office = office;
  if (topic) f.topic = topic;
  if (region) f.region = region;
  if (employer) f.employer = employer;
  if (signed) f.signedOnTime = signed === '1';
  if (firstReply) f.firstReplyAt = abs(firstReply);
  if (reply) f.replyAt = abs(reply);
  if (onTime) f.repliedOnTime = onTime === '1';
  if (done) f.doneAt = abs(done);
  if (sat) f.satisfaction = SATISFACTIONS[Number(sat)] as CaseFact['satisfaction'];
  if (resolved) f.resolved = resolved === '1';
  return f;
}

/** Whole bucket items for many cases at once: the benchmark seeds 100,000 cases with these. */
export function factBucketItems(records: readonly CaseRecord[]): Record<string, AttributeValue>[] {
  const buckets = new Map<string, { key: { pk: string; sk: string }; lines: Map<string, string> }>();
  for (const r of records) {
    const key = bucketOf(r);
    const name = `${key.pk}|${key.sk}`;
    if (!buckets.has(name)) buckets.set(name, { key, lines: new Map() });
    buckets.get(name)?.lines.set(r.id, encodeFact(r));
  }
  return [...buckets.values()].map((b) => ({ ...marshall(b.key), [FACTS]: { S: joinLines(b.lines) }, [REV]: { N: '1' } }));
}

const FACTS = 'facts';
const REV = 'rev';

function linesOf(text: string | undefined): Map<string, string> {
  const lines = new Map<string, string>();
  for (const line of text ? text.split('\n') : []) {
    const tab = line.indexOf('\t');
    if (tab > 0) lines.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return lines;
}

const joinLines = (lines: Map<string, string>) => [...lines].map(([id, value]) => `${id}\t${value}`).join('\n');

/**
 * `text` with the case's line set to `value`, or undefined when the stored line is the same or a
 * newer version. Done on the string (a busy day's bucket holds hundreds of lines), not via a Map.
 */
function withLine(text: string, id: string, value: string): string | undefined {
  const marker = `${id}\t`;
  let start = text.startsWith(marker) ? 0 : text.indexOf(`\n${marker}`);
  if (start < 0) return text ? `${text}\n${marker}${value}` : `${marker}${value}`;
  if (start > 0) start += 1;
  const end = text.indexOf('\n', start);
  const stored = text.slice(start + marker.length, end < 0 ? undefined : end);
  if (stored >= value) return undefined;
  return `${text.slice(0, start)}${marker}${value}${end < 0 ? '' : text.slice(end)}`;
}

function bucketOf(record: Pick<CaseRecord, 'id' | 'ticketNo' | 'receivedAt'>) {
  const month = monthOf(record.receivedAt);
  const ticket = /^[A-Z](\d{4})-(\d+)$/.exec(record.ticketNo);
  if (!ticket) {
    // Not a ticket number this code makes: a bucket by id instead, still small.
    const shard = createHash('sha1').update(record.id).digest().readUInt16BE(0);
    return ITEM.reportFacts(month, `x#${String(shard).padStart(5, '0')}`);
  }
  const seq = Number(ticket[2]);
  const block = Math.floor(seq / (FACTS_PER_ITEM * LANES));
  return ITEM.reportFacts(month, `t${ticket[1]}#${String(block).padStart(6, '0')}#${String(seq % LANES).padStart(2, '0')}`);
}
