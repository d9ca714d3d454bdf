import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { ensureTable } from '../../shared/adapters/dynamo/ensure-table';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { startDynalite, type LocalDynamo } from '../../shared/adapters/local/dynalite';
import type { CaseRecord, Category, Channel, Status } from '../../shared/domain/case';
import { DuplicateError, ValidationError, VersionConflictError } from '../../shared/domain/errors';

/**
 * The storage adapters against a real DynamoDB engine: dynalite in memory by default, or any
 * engine named by DYNAMODB_TEST_ENDPOINT (e.g. DynamoDB Local), so no behaviour rests on a mock.
 */
let engine: LocalDynamo | undefined;
let stores: ReturnType<typeof dynamoStores>;
/** A second set of adapters on the same table, as another process (or Lambda instance) would have. */
let otherProcess: ReturnType<typeof dynamoStores>;

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_TEST_ENDPOINT ?? (engine = await startDynalite()).endpoint;
  const tableName = `stores-${Date.now()}`;
  const db = createDynamoClient({ tableName, endpoint });
  await ensureTable(db, tableName);
  stores = dynamoStores(db, tableName);
  otherProcess = dynamoStores(createDynamoClient({ tableName, endpoint }), tableName);
});
afterAll(async () => engine?.close());

let seq = 0;
function record(over: Partial<CaseRecord> & { dueAt?: number } = {}): CaseRecord {
  const n = ++seq;
  const { dueAt = Date.parse('2026-03-20T15:59:59Z') + n * 60_000, ...rest } = over;
  return {
    id: `case-${n}-${Math.random().toString(36).slice(2)}`,
    ticketNo: `H2026-${String(900_000 + n)}`,
    trackingCode: 'ABCDEFGH',
    status: 'received',
    channel: 'hotline',
    category: 'complaint',
    urgent: false,
    subject: 's',
    description: 'd',
    receivedAt: Date.parse('2026-03-02T01:30:00Z'),
    sla: { dueAt, workingDays: 20, state: 'on_track', calendarEstimated: false },
    createdBy: 'test',
    createdAt: 0,
    updatedAt: 0,
    version: 1,
    ...rest,
  };
}

describe('ticket sequence', () => {
  it('hands out every number once under concurrency, per year', async () => {
    const got = await Promise.all(Array.from({ length: 60 }, () => stores.cases.nextTicketSequence(2031)));
    expect(new Set(got).size).toBe(60);
    expect(Math.min(...got)).toBe(1);
    expect(Math.max(...got)).toBe(60);
    expect(await stores.cases.nextTicketSequence(2032)).toBe(1);
    expect(await stores.cases.nextTicketSequence(2031)).toBe(61);
  });

  it('never hands the same number to two processes drawing at once', async () => {
    const draws = Array.from({ length: 80 }, (_, i) => (i % 2 ? stores : otherProcess).cases.nextTicketSequence(2033));
    const got = await Promise.all(draws);
    expect(new Set(got).size).toBe(80);
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
  });

  it('hands out numbers in the order they were asked for within a process', async () => {
    const got = await Promise.all(Array.from({ length: 30 }, () => stores.cases.nextTicketSequence(2034)));
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});

describe('case store', () => {
  it('creates once, reads by id and ticket, and refuses a second create of the same id', async () => {
    const r = record();
    await stores.cases.create(r);
    expect(await stores.cases.get(r.id)).toEqual(r);
    expect(await stores.cases.getByTicket(r.ticketNo)).toEqual(r);
    await expect(stores.cases.create({ ...r, subject: 'other' })).rejects.toBeInstanceOf(DuplicateError);
    expect((await stores.cases.get(r.id))?.subject).toBe('s');
  });

  it('replaces only at the expected version', async () => {
    const r = record();
    await stores.cases.create(r);
    await stores.cases.replace({ ...r, subject: 'v2', version: 2 }, 1);
    await expect(stores.cases.replace({ ...r, subject: 'stale', version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await stores.cases.get(r.id)).toMatchObject({ subject: 'v2', version: 2 });
  });

  it('lists by due date across pages with filters, each case exactly once', async () => {
    const channels: Channel[] = ['hotline', 'mailbox', 'walk_in'];
    const categories: Category[] = ['advice', 'complaint', 'investigation'];
    const statuses: Status[] = ['received', 'assigned'];
    const base = Date.parse('2030-01-01T00:00:00Z');
    const made: CaseRecord[] = [];
    for (let i = 0; i < 45; i++) {
      const r = record({
        channel: channels[i % 3],
        category: categories[Math.floor(i / 3) % 3],
        status: statuses[i % 2],
        // Deliberately not in creation order.
        dueAt: base + ((i * 7) % 45) * 3_600_000,
      });
      made.push(r);
      await stores.cases.create(r);
    }
    const collect = async (q: Parameters<typeof stores.cases.list>[0]) => {
      const items: CaseRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await stores.cases.list({ ...q, cursor });
        expect(page.items.length).toBeLessThanOrEqual(q.limit);
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items.filter((r) => r.sla.dueAt >= base);
    };
    const byDue = (a: CaseRecord, b: CaseRecord) => a.sla.dueAt - b.sla.dueAt;

    const all = await collect({ limit: 7 });
    expect(all.map((r) => r.id)).toEqual([...made].sort(byDue).map((r) => r.id));

    const filtered = await collect({ status: 'assigned', channel: 'mailbox', limit: 4 });
    expect(filtered.map((r) => r.id)).toEqual(made.filter((r) => r.status === 'assigned' && r.channel === 'mailbox').sort(byDue).map((r) => r.id));

    const before = base + 10 * 3_600_000;
    const due = await stores.cases.list({ category: 'advice', dueBefore: before, limit: 200 });
    const dueSoon = due.items.filter((r) => r.sla.dueAt >= base);
    expect(dueSoon.map((r) => r.id)).toEqual(made.filter((r) => r.category === 'advice' && r.sla.dueAt < before).sort(byDue).map((r) => r.id));
  });

  it('rejects a cursor from another query or a forged one', async () => {
    for (let i = 0; i < 3; i++) await stores.cases.create(record());
    const page = await stores.cases.list({ limit: 1 });
    expect(page.nextCursor).toBeTruthy();
    await expect(stores.cases.list({ limit: 1, channel: 'mailbox', cursor: page.nextCursor ?? '' })).rejects.toBeInstanceOf(ValidationError);
    await expect(stores.cases.list({ limit: 1, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError);
    const forged = Buffer.from(JSON.stringify({ k: { pk: 'CALENDAR', sk: '2027' }, f: 'x' })).toString('base64url');
    await expect(stores.cases.list({ limit: 1, cursor: forged })).rejects.toBeInstanceOf(ValidationError);
  });

  it('finds open cases due from a given instant, and no closed ones', async () => {
    const from = Date.parse('2040-01-01T00:00:00Z');
    const open = record({ dueAt: from + 1000 });
    const closed = record({ dueAt: from + 2000, status: 'closed' });
    const earlier = record({ dueAt: from - 1000 });
    for (const r of [open, closed, earlier]) await stores.cases.create(r);
    const found: string[] = [];
    for await (const r of stores.cases.openCasesDueFrom(from)) found.push(r.id);
    expect(found).toContain(open.id);
    expect(found).not.toContain(closed.id);
    expect(found).not.toContain(earlier.id);
  });
});

describe('idempotency store', () => {
  const rec = (key: string, over: Partial<{ requestHash: string; caseId: string; leaseUntil: number; expiresAt: number }> = {}) => ({
    scope: 'op-1',
    key,
    requestHash: 'h1',
    caseId: `c-${Math.random()}`,
    leaseUntil: 10_000,
    expiresAt: 100_000,
    ...over,
  });

  it('lets exactly one of many racing claims win, and shows the winner to the others', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => stores.idempotency.claim(rec('race'), 1000)));
    const winners = results.filter((r) => r.claimed);
    expect(winners).toHaveLength(1);
    const seen = new Set(results.flatMap((r) => (r.claimed ? [] : [r.existing.caseId])));
    expect(seen.size).toBe(1);
  });

  it('treats an expired key as free without waiting for TTL', async () => {
    expect((await stores.idempotency.claim(rec('exp', { expiresAt: 5000 }), 1000)).claimed).toBe(true);
    expect((await stores.idempotency.claim(rec('exp'), 4000)).claimed).toBe(false);
    expect((await stores.idempotency.claim(rec('exp'), 6000)).claimed).toBe(true);
  });

  it('allows one take-over of a stale lease', async () => {
    await stores.idempotency.claim(rec('stale'), 1000);
    const other = await stores.idempotency.claim(rec('stale'), 2000);
    if (other.claimed) throw new Error('expected the key to be held');
    const takes = await Promise.all([stores.idempotency.takeOver(other.existing, 30_000), stores.idempotency.takeOver(other.existing, 30_000)]);
    expect(takes.filter(Boolean)).toHaveLength(1);
  });
});

describe('rate limiter', () => {
  it('counts per client and per one-minute window', async () => {
    const t = Date.parse('2026-03-02T01:00:10Z');
    const hits = [];
    for (let i = 0; i < 4; i++) hits.push(await stores.rateLimiter.hit('form', 'ip-a', 3, t + i));
    expect(hits.map((h) => h.allowed)).toEqual([true, true, true, false]);
    expect(hits[3]?.retryAfter).toBe(50);
    expect((await stores.rateLimiter.hit('form', 'ip-b', 3, t)).allowed).toBe(true);
    expect((await stores.rateLimiter.hit('form', 'ip-a', 3, t + 60_000)).allowed).toBe(true);
  });
});

describe('calendar store', () => {
  it('keeps one item per year, the latest write winning, and lists them all', async () => {
    await stores.calendarStore.put({ year: 2027, holidays: ['2027-01-01'], workdays: [] }, 'admin', 1);
    await stores.calendarStore.put({ year: 2028, holidays: [], workdays: ['2028-01-02'] }, 'admin', 2);
    await stores.calendarStore.put({ year: 2027, holidays: ['2027-01-01', '2027-02-05'], workdays: ['2027-02-20'] }, 'admin', 3);
    const years = (await stores.calendarStore.overrides()).sort((a, b) => a.year - b.year);
    expect(years).toEqual([
      { year: 2027, holidays: ['2027-01-01', '2027-02-05'], workdays: ['2027-02-20'] },
      { year: 2028, holidays: [], workdays: ['2028-01-02'] },
    ]);
  });
});

describe('report fact store', () => {
  it('writes each case change to a small item however many cases share the receipt day, and reads every case back once', async () => {
    const tableName = `facts-${Date.now()}`;
    const endpoint = process.env.DYNAMODB_TEST_ENDPOINT ?? engine?.endpoint ?? '';
    const db = createDynamoClient({ tableName, endpoint });
    await ensureTable(db, tableName);
    const { reports } = dynamoStores(db, tableName);
    // 600 cases received on one day (a busy day's shard held ~600 lines in the day-bucket layout).
    const day = Date.parse('2026-05-12T02:00:00Z');
    const cases = Array.from({ length: 600 }, (_, i) =>
      record({
        id: `fact-${i}`,
        ticketNo: `H2026-${String(400_000 + i).padStart(6, '0')}`,
        receivedAt: day + i * 1000,
        status: 'assigned',
        office: 'rights',
        topic: 'wages',
        region: '滨海新区临港经济区',
        complainant: { name: 'n', employer: '某某建设工程有限公司第三项目部' },
        version: 2,
      }),
    );
    await Promise.all(cases.map((c) => reports.sync(c)));
    // A change to one of them: the newer version replaces its line; an older replay changes nothing.
    const changed = { ...cases[7]!, status: 'replied' as const, version: 3 };
    expect(await reports.sync(changed)).toBe(true);
    expect(await reports.sync(cases[7]!)).toBe(false);

    const sizes: number[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'REPORT#2026-05' } }, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) sizes.push(Buffer.byteLength(JSON.stringify(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    expect(Math.max(...sizes)).toBeLessThan(4 * 1024);
    expect(sizes.length).toBeGreaterThanOrEqual(600 / 8);

    const facts = await reports.factsForMonths(['2026-05']);
    expect(facts).toHaveLength(600);
    expect(facts.find((f) => f.id === 'fact-7')?.status).toBe('replied');
    db.destroy();
    // 600 writes at once: a correctness test, given room for a loaded 2-core CI machine.
  }, 120_000);
});
