import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand, type AttributeValue, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { startLocalRuntime, type LocalRuntime } from '../functions/local/runtime';
import { createDynamoClient } from '../shared/adapters/dynamo/client';
import { toItem } from '../shared/adapters/dynamo/case-store';
import { factBucketItems } from '../shared/adapters/dynamo/report-store';
import { shippedCalendarYears } from '../shared/calendar/shipped';
import { WorkingCalendar } from '../shared/domain/calendar';
import { CATEGORIES, CHANNELS, type CaseRecord, type Category, type Channel, type Status } from '../shared/domain/case';
import { computeDeadline } from '../shared/domain/deadline';
import { startDynalite, type LocalDynamo } from '../shared/adapters/local/dynalite';
import { itemBytes } from './baseline';

/**
 * Reports at 100,000 cases: a generator seeds a year of cases (2026) and their report facts into
 * an on-disk local engine, then the quarter summary, the December chase list and the Q4 analysis
 * are timed over HTTP as a supervisor would call them, on 10 January 2027.
 */
export const REPORTS = { cases: 100_000, runs: 5, targetMs: 1_000, now: '2027-01-10T10:00:00+08:00' } as const;

export interface TimedReport {
  medianMs: number;
  maxMs: number;
  bytes: number;
}

export interface ReportsResult {
  seedMs: number;
  bucketItems: number;
  maxBucketBytes: number;
  summary: TimedReport;
  supervision: TimedReport & { rows: number };
  quarterly: TimedReport;
}

export async function benchReports(): Promise<ReportsResult> {
  const dir = await mkdtemp(join(tmpdir(), 'union-bench-reports-'));
  let engine: LocalDynamo | undefined;
  let runtime: LocalRuntime | undefined;
  try {
    engine = await startDynalite({ path: join(dir, 'dynamo') });
    const now = Date.parse(REPORTS.now);
    runtime = await startLocalRuntime({
      env: { DATA_DIR: dir, DYNAMODB_ENDPOINT: engine.endpoint, PORT: '0', LOG_LEVEL: 'error', RECONCILE_INTERVAL_SECONDS: '3600', TIMER_POLL_MS: '60000' },
      clock: { now: () => now },
    });
    const db = createDynamoClient({ tableName: 'union-cases', endpoint: engine.endpoint });
    const started = performance.now();
    const records = generateYear(REPORTS.cases, now);
    const buckets = factBucketItems(records);
    await batchPut(db, [...records.map((r) => toItem(r)), ...buckets]);
    const seedMs = performance.now() - started;
    db.destroy();

    const auth = { Authorization: `Bearer ${runtime.tokens.supervisor}` };
    const time = async (path: string) => {
      const samples: number[] = [];
      let bytes = 0;
      let text = '';
      for (let i = 0; i <= REPORTS.runs; i++) {
        const t0 = performance.now();
        const res = await fetch(`${runtime?.url}${path}`, { headers: auth });
        text = await res.text();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
        if (i > 0) samples.push(performance.now() - t0); // the first run warms caches (offices, calendar)
        bytes = text.length;
      }
      samples.sort((a, b) => a - b);
      return { medianMs: samples[Math.floor(samples.length / 2)] ?? 0, maxMs: samples.at(-1) ?? 0, bytes, text };
    };
    const summary = await time('/v1/reports/summary?from=2026-10-01&to=2026-12-31&groupBy=office');
    const supervision = await time('/v1/reports/supervision?month=2026-12');
    const quarterly = await time('/v1/reports/quarterly?quarter=2026-Q4');
    const received = (JSON.parse(summary.text) as { total: { received: number } }).total.received;
    if (received < REPORTS.cases / 5) throw new Error(`the Q4 summary counted only ${received} cases`);
    const strip = ({ text: _t, ...rest }: { text: string } & TimedReport) => rest;
    return {
      seedMs,
      bucketItems: buckets.length,
      maxBucketBytes: Math.max(...buckets.map(itemBytes)),
      summary: strip(summary),
      supervision: { ...strip(supervision), rows: (JSON.parse(supervision.text) as { items: unknown[] }).items.length },
      quarterly: strip(quarterly),
    };
  } finally {
    await runtime?.close();
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** BatchWriteItem in 25s, 8 batches in flight, unprocessed items retried. */
export async function batchPut(db: DynamoDBClient, items: Record<string, AttributeValue>[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      let batch: WriteRequest[] = items.slice(next, (next += 25)).map((Item) => ({ PutRequest: { Item } }));
      while (batch.length) {
        const out = await db.send(new BatchWriteItemCommand({ RequestItems: { 'union-cases': batch } }));
        batch = out.UnprocessedItems?.['union-cases'] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

const OFFICES = ['rights', 'legal-aid', 'psych', 'labour-protection', 'general'];
const TOPICS = ['wages', 'wages', 'wages', 'dismissal', 'injury', 'social_insurance', 'safety', 'legal_aid', 'psychological', 'canteen', 'dorm', 'other'];
const DAY = 86_400_000;

/** A deterministic year of cases: mostly answered in time, some late, some still open, a few forgotten. */
function generateYear(n: number, now: number): CaseRecord[] {
  const calendar = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));
  const random = mulberry32(2026);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const yearStart = Date.parse('2026-01-01T00:00:00+08:00');
  const yearMs = Date.parse('2027-01-01T00:00:00+08:00') - yearStart;
  const out: CaseRecord[] = [];
  for (let i = 0; i < n; i++) {
    const receivedAt = yearStart + Math.floor((i / n) * yearMs) + Math.floor(random() * 60_000);
    const channel: Channel = random() < 0.55 ? 'mailbox' : random() < 0.8 ? 'hotline' : (CHANNELS[2] as Channel);
    const category: Category = random() < 0.4 ? 'advice' : random() < 0.85 ? 'complaint' : (CATEGORIES[2] as Category);
    const deadline = computeDeadline(calendar, receivedAt, category, false);
    const age = now - receivedAt;
    const replyAt = receivedAt + Math.floor((1 + random() * 27) * DAY);
    const forgotten = random() < 0.02;
    const done = !forgotten && replyAt < now;
    const met = done && replyAt <= deadline.dueAt;
    const rated = done && random() < 0.7;
    const status: Status = done ? (rated ? 'closed' : 'replied') : age < DAY ? 'assigned' : 'in_progress';
    const seq = String(i + 1).padStart(6, '0');
    out.push({
      id: `bench-${seq}`,
      ticketNo: `${{ hotline: 'H', mailbox: 'M', walk_in: 'W' }[channel]}2026-${seq}`,
      trackingCode: 'BENCHCDE',
      channel,
      category,
      urgent: false,
      subject: '职工反映问题',
      description: '来信反映单位存在拖欠工资、加班费计算不当等问题，请求工会协调处理。',
      topic: pick(TOPICS),
      region: `region-${Math.floor(random() * 20)}`,
      receivedAt,
      complainant: { name: '职工', employer: `employer-${Math.floor(random() * 3000)}` },
      ...(channel === 'walk_in' && { walkIn: { visitors: 1 + Math.floor(random() * 6) } }),
      status,
      sla: { dueAt: deadline.dueAt, workingDays: deadline.workingDays, state: done ? (met ? 'met' : 'missed') : deadline.dueAt < now ? 'overdue' : 'on_track', calendarEstimated: deadline.calendarEstimated },
      office: pick(OFFICES),
      assignedAt: receivedAt + 600_000,
      acceptedAt: receivedAt + DAY,
      acceptedLate: random() < 0.1,
      ...(random() < 0.03 && { returns: 1 }),
      ...(category === 'investigation' && random() < 0.3 && { extended: true }),
      ...(done && { reply: { at: replyAt, text: '已答复' } }),
      ...(rated && { followUp: { at: replyAt + DAY, resolved: random() < 0.85, satisfaction: pick(['satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied'] as const) }, closedAt: replyAt + DAY }),
      ...(!done && deadline.dueAt < now && { escalations: [{ step: 'breach', level: 2 as const, at: deadline.dueAt + 1000 }] }),
      createdBy: 'bench',
      createdAt: receivedAt,
      updatedAt: done ? replyAt : receivedAt,
      version: done ? 5 : 3,
    });
  }
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

