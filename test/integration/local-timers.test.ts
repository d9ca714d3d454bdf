import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { ensureTable } from '../../shared/adapters/dynamo/ensure-table';
import { DynamoTimerStore } from '../../shared/adapters/dynamo/timer-store';
import { startDynalite, type LocalDynamo } from '../../shared/adapters/local/dynalite';
import { defaultTimerBackoff, startTimerRunner, type TimerRunner, type TimerRunnerOptions } from '../../shared/adapters/local/timer-runner';
import { createLogger } from '../../shared/observability/logger';
import type { TimerPayload, TimerRequest } from '../../shared/ports';

/**
 * The local timer engine on a real DynamoDB engine (dynalite in memory, or DYNAMODB_TEST_ENDPOINT):
 * the table-backed TimerService and the in-process runner that stands in for EventBridge Scheduler.
 * Each test gets its own table, so pending timers of one never show up in another's due list.
 */
let engine: LocalDynamo | undefined;
let endpoint: string;
let db: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  endpoint = process.env.DYNAMODB_TEST_ENDPOINT ?? (engine = await startDynalite()).endpoint;
  db = createDynamoClient({ tableName: 'unused', endpoint });
});
afterAll(async () => {
  db.destroy();
  await engine?.close();
});

async function freshStore(): Promise<DynamoTimerStore> {
  const tableName = `timers-${Date.now()}-${++tables}`;
  await ensureTable(db, tableName);
  return new DynamoTimerStore(db, tableName);
}

const T0 = Date.parse('2026-04-01T02:00:00Z');
/** A clock the test moves by hand. */
function manualClock(start = T0) {
  let now = start;
  return { now: () => now, set: (t: number) => void (now = t), advance: (ms: number) => void (now += ms) };
}

let seq = 0;
function request(fireAt: number, over: Partial<TimerRequest> = {}): TimerRequest {
  return { caseId: `case-${++seq}`, step: 'warning', dueAt: Date.parse('2026-04-20T15:59:59Z'), version: 3, fireAt, ...over };
}
const payloadOf = ({ caseId, step, dueAt, version }: TimerRequest): TimerPayload => ({ caseId, step, dueAt, version });

function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** Runners started by a test are stopped after it, whatever happened. */
const runners: TimerRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});
function runner(options: Omit<TimerRunnerOptions, 'logger'> & Partial<Pick<TimerRunnerOptions, 'logger'>>): TimerRunner {
  const r = startTimerRunner({ logger: collectingLogger().logger, ...options });
  runners.push(r);
  return r;
}

/** A promise the test resolves by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('DynamoTimerStore', () => {
  it('schedules by name: the same name again moves the timer, cancel removes it, a missing one is fine', async () => {
    const store = await freshStore();
    const t = request(T0 + 10_000);
    await store.schedule(t);
    expect(await store.get(t.caseId, t.step)).toMatchObject({ ...t, attempts: 0 });

    await store.schedule({ ...t, fireAt: T0 + 5_000, version: 4 });
    const moved = await store.due(T0 + 6_000, 10);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ ...t, fireAt: T0 + 5_000, version: 4 });

    await store.schedule({ ...t, fireAt: T0 + 20_000 });
    expect(await store.due(T0 + 6_000, 10)).toEqual([]);
    expect(await store.due(T0 + 20_000, 10)).toHaveLength(1);

    // Another step of the same case is another timer.
    await store.schedule({ ...t, step: 'breach', fireAt: T0 + 1_000 });
    expect((await store.due(T0 + 30_000, 10)).map((x) => x.step)).toEqual(['breach', 'warning']);

    await store.cancel(t.caseId, t.step);
    expect(await store.get(t.caseId, t.step)).toBeUndefined();
    await expect(store.cancel(t.caseId, t.step)).resolves.toBeUndefined();
    await expect(store.cancel('never-scheduled', 'warning')).resolves.toBeUndefined();
    expect((await store.due(T0 + 30_000, 10)).map((x) => x.step)).toEqual(['breach']);
  });

  it('lists due timers earliest first, up to the limit, with `now` inclusive', async () => {
    const store = await freshStore();
    const at = [T0 - 3_000, T0 + 1, T0 - 1_000, T0, T0 - 2_000, T0 + 60_000, T0 - 1_000];
    const timers = at.map((fireAt) => request(fireAt));
    await Promise.all(timers.map((t) => store.schedule(t)));
    const byTime = (xs: { fireAt: number; caseId: string }[]) => xs.map((x) => [x.fireAt, x.caseId]);

    const due = await store.due(T0, 10);
    const expected = timers.filter((t) => t.fireAt <= T0).sort((a, b) => a.fireAt - b.fireAt || a.caseId.localeCompare(b.caseId));
    expect(byTime(due)).toEqual(byTime(expected));
    expect(byTime(await store.due(T0, 3))).toEqual(byTime(expected.slice(0, 3)));
    expect(await store.due(T0 - 3_001, 10)).toEqual([]);
    expect((await store.due(T0 + 1, 10)).length).toBe(6);
  });

  it('completes a timer only if it is still the one that was read', async () => {
    const store = await freshStore();
    const t = request(T0);
    await store.schedule(t);
    const [read] = await store.due(T0, 1);
    if (!read) throw new Error('not due');

    await store.schedule({ ...t, version: 4 }); // same fire time, newer version
    expect(await store.complete(read)).toBe(false);
    expect(await store.get(t.caseId, t.step)).toMatchObject({ version: 4 });

    const [again] = await store.due(T0, 1);
    if (!again) throw new Error('not due');
    expect(await store.complete(again)).toBe(true);
    expect(await store.get(t.caseId, t.step)).toBeUndefined();
    // Already gone: not an error.
    expect(await store.complete(again)).toBe(false);
  });
});

describe('timer runner', () => {
  it('fires due timers once with exactly their payload, removes them, and leaves future ones', async () => {
    const store = await freshStore();
    const clock = manualClock();
    const due = [request(T0 - 60_000), request(T0 - 1), request(T0, { step: 'breach', version: 7 })];
    const future = [request(T0 + 1), request(T0 + 86_400_000)];
    await Promise.all([...due, ...future].map((t) => store.schedule(t)));

    const fired: TimerPayload[] = [];
    runner({ store, clock, pollMs: 10, handler: async (p) => void fired.push(p) });
    await vi.waitFor(() => expect(fired).toHaveLength(3), { timeout: 2_000 });
    await new Promise((r) => setTimeout(r, 100)); // several more passes
    expect(fired).toHaveLength(3);
    expect(fired).toEqual(due.map(payloadOf));
    for (const t of due) expect(await store.get(t.caseId, t.step)).toBeUndefined();
    for (const t of future) expect(await store.get(t.caseId, t.step)).toMatchObject({ fireAt: t.fireAt, attempts: 0 });

    clock.advance(1);
    await vi.waitFor(() => expect(fired).toHaveLength(4), { timeout: 2_000 });
    expect(fired[3]).toEqual(payloadOf(future[0] as TimerRequest));
  });

  it('keeps a timer that was moved while its handler ran, and fires it at its new time', async () => {
    const store = await freshStore();
    const clock = manualClock();
    const t = request(T0);
    await store.schedule(t);
    const release = gate();
    const started = gate();
    const fired: TimerPayload[] = [];
    const r = runner({
      store,
      clock,
      pollMs: 60_000,
      handler: async (p) => {
        fired.push(p);
        if (fired.length === 1) {
          started.open();
          await release.opened;
        }
      },
    });
    await started.opened;
    await store.schedule({ ...t, fireAt: T0 + 30_000, version: 4 });
    release.open();
    await vi.waitFor(async () => expect(await r.fireDueNow()).toBe(0));
    expect(await store.get(t.caseId, t.step)).toMatchObject({ fireAt: T0 + 30_000, version: 4, attempts: 0 });

    clock.advance(30_000);
    // The first run's conditional delete may still be settling: the moved timer fires on the next pass.
    await vi.waitFor(async () => expect(await r.fireDueNow()).toBe(1));
    expect(fired).toEqual([payloadOf(t), { ...payloadOf(t), version: 4 }]);
    expect(await store.get(t.caseId, t.step)).toBeUndefined();
  });

  it('leaves a timer cancelled while its handler ran cancelled, whether the handler succeeded or failed', async () => {
    const store = await freshStore();
    const clock = manualClock();
    const ok = request(T0);
    const failing = request(T0);
    await Promise.all([ok, failing].map((t) => store.schedule(t)));
    const release = gate();
    let running = 0;
    const bothRunning = gate();
    const r = runner({
      store,
      clock,
      pollMs: 60_000,
      handler: async (p) => {
        if (++running === 2) bothRunning.open();
        await release.opened;
        if (p.caseId === failing.caseId) throw new Error('boom');
      },
    });
    await bothRunning.opened;
    await Promise.all([ok, failing].map((t) => store.cancel(t.caseId, t.step)));
    release.open();
    await r.stop();
    for (const t of [ok, failing]) expect(await store.get(t.caseId, t.step)).toBeUndefined();
    expect(await store.deadLetters(10)).toEqual([]);
  });

  it('retries a failing handler with backoff, dead-letters it after maxAttempts, and never fires it again', async () => {
    const store = await freshStore();
    const clock = manualClock();
    const { logger, lines } = collectingLogger();
    const t = request(T0 - 5_000);
    const healthy = request(T0 - 4_000);
    await store.schedule(t);
    await store.schedule(healthy);
    const calls: string[] = [];
    const r = runner({
      store,
      clock,
      logger,
      pollMs: 60_000,
      maxAttempts: 3,
      backoffMs: (attempt) => attempt * 1_000,
      handler: async (p) => {
        calls.push(p.caseId);
        if (p.caseId === t.caseId) throw new Error('smtp refused for worker@example.com');
      },
    });
    // The first pass runs at start; wait for it to settle both timers.
    await vi.waitFor(async () => expect(await store.get(t.caseId, t.step)).toMatchObject({ attempts: 1 }));
    expect(await store.get(t.caseId, t.step)).toMatchObject({ attempts: 1, fireAt: T0 + 1_000 });
    expect(await store.get(healthy.caseId, healthy.step)).toBeUndefined();

    expect(await r.fireDueNow()).toBe(0); // backing off
    clock.advance(1_000);
    expect(await r.fireDueNow()).toBe(1);
    expect(await store.get(t.caseId, t.step)).toMatchObject({ attempts: 2, fireAt: T0 + 3_000 });
    clock.advance(1_999);
    expect(await r.fireDueNow()).toBe(0);
    clock.advance(1);
    expect(await r.fireDueNow()).toBe(1);

    const dead = await store.deadLetters(10);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ caseId: t.caseId, step: t.step, attempts: 3, deadAt: clock.now() });
    expect(dead[0]?.lastError).toBe('Error: smtp refused for [email]');

    clock.advance(86_400_000);
    expect(await r.fireDueNow()).toBe(0);
    expect(calls.filter((id) => id === t.caseId)).toHaveLength(3);
    expect(calls.filter((id) => id === healthy.caseId)).toHaveLength(1);

    // Logs carry ids, never the error's text.
    const failures = lines.filter((l) => l.level !== 'debug');
    expect(failures.map((l) => l.message)).toEqual([
      'timer handler failed; will retry',
      'timer handler failed; will retry',
      'timer dead-lettered after repeated failures',
    ]);
    expect(failures[2]).toMatchObject({ caseId: t.caseId, step: t.step, attempts: 3, errorName: 'Error' });
    expect(JSON.stringify(lines)).not.toContain('smtp refused');

    // Scheduling the name again revives it as a fresh timer.
    await store.schedule({ ...t, fireAt: clock.now() });
    expect(await store.deadLetters(10)).toEqual([]);
    expect(await store.get(t.caseId, t.step)).toMatchObject({ attempts: 0 });
  });

  it('backs off exponentially by default, capped at a minute', () => {
    expect([1, 2, 3, 5, 6, 7, 20].map(defaultTimerBackoff)).toEqual([2_000, 4_000, 8_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('fires timers that fell due while no runner was running on the first pass after a restart', async () => {
    const store = await freshStore();
    const clock = manualClock();
    const fired: string[] = [];
    const handler = async (p: TimerPayload) => void fired.push(p.caseId);
    const first = runner({ store, clock, pollMs: 10, handler });
    const before = request(T0);
    await store.schedule(before);
    await vi.waitFor(() => expect(fired).toEqual([before.caseId]));
    await first.stop();

    // Down for an hour; timers fall due meanwhile and nothing fires them.
    const overdue = [request(T0 + 60_000), request(T0 + 1_800_000), request(T0 + 3_000_000)];
    await Promise.all(overdue.map((t) => store.schedule(t)));
    clock.advance(3_600_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toHaveLength(1);

    // A long poll interval: only the immediate first pass can fire them in time.
    const startedAt = Date.now();
    runner({ store, clock, pollMs: 60_000, handler });
    await vi.waitFor(() => expect(fired).toHaveLength(4), { timeout: 2_000, interval: 5 });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(fired.slice(1)).toEqual(overdue.map((t) => t.caseId));
    await vi.waitFor(async () => expect(await store.due(clock.now(), 10)).toEqual([]));
  });

  it('catches up a backlog in back-to-back passes, with at most `concurrency` handlers at once', async () => {
    const store = await freshStore();
    const clock = manualClock();
    const backlog = Array.from({ length: 47 }, (_, i) => request(T0 - 60_000 + i));
    await Promise.all(backlog.map((t) => store.schedule(t)));
    let active = 0;
    let peak = 0;
    const fired: string[] = [];
    runner({
      store,
      clock,
      pollMs: 60_000, // only full batches can make the runner read again before the test ends
      batchSize: 10,
      concurrency: 3,
      handler: async (p) => {
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 2));
        fired.push(p.caseId);
        active--;
      },
    });
    await vi.waitFor(() => expect(fired).toHaveLength(47), { timeout: 5_000, interval: 10 });
    expect(new Set(fired).size).toBe(47);
    expect(peak).toBe(3);
    await vi.waitFor(async () => expect(await store.due(clock.now(), 100)).toEqual([]));
  });

  it('does not let a hung handler hold up other timers', async () => {
    const store = await freshStore();
    const clock = manualClock();
    const stuck = request(T0 - 1_000);
    const others = [request(T0 - 500), request(T0)];
    await store.schedule(stuck);
    const release = gate();
    const fired: string[] = [];
    runner({
      store,
      clock,
      pollMs: 10,
      concurrency: 2,
      handler: async (p) => {
        if (p.caseId === stuck.caseId) await release.opened;
        fired.push(p.caseId);
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    try {
      // One after the other: an engine may store them in either order, and a pass between would start one alone.
      for (const t of others) await store.schedule(t);
      await vi.waitFor(() => expect([...fired].sort()).toEqual(others.map((t) => t.caseId).sort()));
      await new Promise((r) => setTimeout(r, 50)); // more passes: the running timer is not started twice
    } finally {
      release.open();
    }
    await vi.waitFor(() => expect(fired).toHaveLength(3));
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toHaveLength(3);
    await vi.waitFor(async () => expect(await store.due(clock.now(), 10)).toEqual([]));
  });

  it('stops promptly when idle, and on stop waits for running handlers but starts no more', async () => {
    const store = await freshStore();
    const clock = manualClock();
    const idle = runner({ store, clock, pollMs: 60_000, handler: async () => {} });
    await new Promise((r) => setTimeout(r, 20));
    let t = Date.now();
    await idle.stop();
    expect(Date.now() - t).toBeLessThan(200);
    // Stopped while its first query is still out: no full poll interval after it either.
    const fresh = runner({ store, clock, pollMs: 60_000, handler: async () => {} });
    t = Date.now();
    await fresh.stop();
    expect(Date.now() - t).toBeLessThan(200);

    const queued = [request(T0 - 3), request(T0 - 2), request(T0 - 1)];
    await Promise.all(queued.map((x) => store.schedule(x)));
    const started = gate();
    const finished: string[] = [];
    const busy = runner({
      store,
      clock,
      pollMs: 10,
      concurrency: 1,
      handler: async (p) => {
        started.open();
        await new Promise((r) => setTimeout(r, 300));
        finished.push(p.caseId);
      },
    });
    await started.opened;
    t = Date.now();
    await busy.stop();
    const took = Date.now() - t;
    expect(took).toBeGreaterThan(200);
    expect(took).toBeLessThan(1_000);
    expect(finished).toEqual([queued[0]?.caseId]);
    // The one that ran is settled; the two never started wait in the table for the next runner.
    expect((await store.due(clock.now(), 10)).map((x) => x.caseId)).toEqual(queued.slice(1).map((x) => x.caseId));
    expect(await busy.fireDueNow()).toBe(0);
  });
});
