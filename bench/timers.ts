import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../shared/adapters/dynamo/client';
import { ensureTable } from '../shared/adapters/dynamo/ensure-table';
import { INDEX } from '../shared/adapters/dynamo/table';
import { DynamoTimerStore, TIMERS_KEY, timerItem } from '../shared/adapters/dynamo/timer-store';
import { startDynalite, type LocalDynamo } from '../shared/adapters/local/dynalite';
import { startTimerRunner, type TimerRunner } from '../shared/adapters/local/timer-runner';
import type { Logger } from '../shared/observability/logger';
import { systemClock, type TimerPayload, type TimerRequest } from '../shared/ports';
import { countingLogger } from './warnings';

/**
 * 50,000 timers in the table: 48,000 pending (days to weeks ahead) and 2,000 falling due evenly over
 * 10 s from 1 s after they are written, while the runner (default settings) is running. The handler
 * only records lateness = fire time − fireAt: this measures the timer engine, not the escalator.
 * Then a restart: 2,000 timers that fell due while no runner ran, fired by a new one.
 */
export const TIMERS = {
  total: 50_000,
  due: 2_000,
  dueWindowMs: 10_000,
  leadMs: 1_000,
  catchUp: 2_000,
  writeConcurrency: 8,
  /** Give up waiting this long after the last fireAt. */
  graceMs: 10_000,
  maxLatenessMs: 1_000,
} as const;

export interface TimersResult {
  total: number;
  pending: number;
  /** Writing all 50,000 (BatchWriteItem, 25 per call). */
  writeMs: number;
  due: number;
  fired: number;
  /** Handler calls beyond the first per due timer. */
  duplicates: number;
  /** Handler calls for pending (far-future) timers. */
  early: number;
  lateness: { p50: number; p99: number; max: number; min: number } | null;
  /** Pending timers still in the table at the end (must be all of them). */
  pendingLeft: number;
  catchUp: { timers: number; fired: number; ms: number | null };
  warnings: Record<string, number>;
}

export async function benchTimers(): Promise<TimersResult> {
  const dir = await mkdtemp(join(tmpdir(), 'union-bench-timers-'));
  const { logger, warnings } = countingLogger();
  let engine: LocalDynamo | undefined;
  let db: DynamoDBClient | undefined;
  let runner: TimerRunner | undefined;
  try {
    engine = await startDynalite({ path: join(dir, 'dynamo') });
    const tableName = 'bench-timers';
    db = createDynamoClient({ tableName, endpoint: engine.endpoint });
    await ensureTable(db, tableName);
    const store = new DynamoTimerStore(db, tableName);
    const pendingCount = TIMERS.total - TIMERS.due;

    // Pending: from a day ahead, one every ~50 s over four weeks; none falls due during the bench.
    const now = Date.now();
    const pending = Array.from({ length: pendingCount }, (_, i) => request(`pending-${i}`, now + 86_400_000 + i * 50_000));
    const writeStarted = performance.now();
    await writeAll(db, tableName, pending);
    let writeMs = performance.now() - writeStarted;

    const fires = new Map<string, number[]>();
    const fireAtOf = new Map<string, number>();
    const record = async (p: TimerPayload) => {
      const at = Date.now();
      const list = fires.get(p.caseId);
      if (list) list.push(at);
      else fires.set(p.caseId, [at]);
    };
    runner = start(store, record, logger);

    // Due: written while the runner runs, as the application would schedule them.
    const base = Date.now() + TIMERS.leadMs;
    const due = Array.from({ length: TIMERS.due }, (_, i) => request(`due-${i}`, base + Math.floor((i * TIMERS.dueWindowMs) / TIMERS.due)));
    for (const t of due) fireAtOf.set(t.caseId, t.fireAt);
    const dueWriteStarted = performance.now();
    await writeAll(db, tableName, due);
    writeMs += performance.now() - dueWriteStarted;

    const lastFireAt = base + TIMERS.dueWindowMs;
    const firedDue = () => due.filter((t) => fires.has(t.caseId)).length;
    while (firedDue() < due.length && Date.now() < lastFireAt + TIMERS.graceMs) await sleep(50);
    await sleep(1_000); // a few more passes: anything fired twice shows up
    await runner.stop();
    runner = undefined;

    const lateness: number[] = [];
    let duplicates = 0;
    let early = 0;
    for (const [caseId, at] of fires) {
      const fireAt = fireAtOf.get(caseId);
      if (fireAt === undefined) {
        early += at.length;
        continue;
      }
      lateness.push((at[0] ?? 0) - fireAt);
      duplicates += at.length - 1;
    }
    lateness.sort((a, b) => a - b);
    const pct = (p: number) => lateness[Math.min(lateness.length - 1, Math.ceil((p / 100) * lateness.length) - 1)] ?? 0;

    // Restart: timers fell due while no runner ran; a new runner's first passes catch up.
    const downSince = Date.now() - 3_600_000;
    const overdue = Array.from({ length: TIMERS.catchUp }, (_, i) => request(`overdue-${i}`, downSince + i * 1_000));
    await writeAll(db, tableName, overdue);
    const caughtUp = new Set<string>();
    const catchUpStarted = performance.now();
    let catchUpMs: number | null = null;
    runner = start(store, async (p) => void caughtUp.add(p.caseId), logger);
    while (caughtUp.size < overdue.length && performance.now() - catchUpStarted < 30_000) await sleep(10);
    if (caughtUp.size >= overdue.length) catchUpMs = performance.now() - catchUpStarted;
    await runner.stop();
    runner = undefined;

    return {
      total: TIMERS.total,
      pending: pendingCount,
      writeMs,
      due: due.length,
      fired: firedDue(),
      duplicates,
      early,
      lateness: lateness.length ? { p50: pct(50), p99: pct(99), max: lateness[lateness.length - 1] ?? 0, min: lateness[0] ?? 0 } : null,
      pendingLeft: await countPending(db, tableName),
      catchUp: { timers: overdue.length, fired: caughtUp.size, ms: catchUpMs },
      warnings,
    };
  } finally {
    await runner?.stop();
    db?.destroy();
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The runner as the local runtime would start it: default poll, batch, concurrency and retries. */
function start(store: DynamoTimerStore, handler: (p: TimerPayload) => Promise<void>, logger: Logger): TimerRunner {
  return startTimerRunner({ store, handler, clock: systemClock, logger });
}

function request(caseId: string, fireAt: number): TimerRequest {
  return { caseId, step: 'warning', dueAt: fireAt + 86_400_000, version: 1, fireAt };
}

/** BatchWriteItem, 25 items a call, a few calls at once; unprocessed items are sent again. */
async function writeAll(db: DynamoDBClient, tableName: string, timers: TimerRequest[]): Promise<void> {
  const batches: Record<string, AttributeValue>[][] = [];
  for (let i = 0; i < timers.length; i += 25) batches.push(timers.slice(i, i + 25).map(timerItem));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let items = batches[next++] ?? [];
      for (let attempt = 0; items.length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(1_000, 20 * 2 ** attempt));
        if (attempt > 10) throw new Error('BatchWriteItem kept leaving items unprocessed');
        const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) } }));
        items = (out.UnprocessedItems?.[tableName] ?? []).flatMap((r) => (r.PutRequest?.Item ? [r.PutRequest.Item] : []));
      }
    }
  };
  await Promise.all(Array.from({ length: TIMERS.writeConcurrency }, worker));
}

async function countPending(db: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEX.byFireAt.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': INDEX.byFireAt.pk },
        ExpressionAttributeValues: { ':pk': { S: TIMERS_KEY } },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += out.Count ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return count;
}
