import type { Logger } from '../../observability/logger';
import type { Clock, TimerPayload } from '../../ports';
import type { DynamoTimerStore, StoredTimer } from '../dynamo/timer-store';
import { abortableSleep } from './sleep';

export type TimerHandler = (payload: TimerPayload) => Promise<void>;

/** What the runner needs of the store; DynamoTimerStore in the local runtime. */
export type TimerRunnerStore = Pick<DynamoTimerStore, 'due' | 'complete' | 'retryLater' | 'deadLetter'>;

export interface TimerRunnerOptions {
  store: TimerRunnerStore;
  /** Exactly what the escalator Lambda runs on AWS: it gets the payload, nothing else. */
  handler: TimerHandler;
  clock: Clock;
  logger: Logger;
  /** Pause between passes that found less than a full batch. */
  pollMs?: number;
  /** Timers read per pass. */
  batchSize?: number;
  /** Handlers running at once. */
  concurrency?: number;
  /** Handler runs before a timer is dead-lettered (the first run included). */
  maxAttempts?: number;
  /** Delay before the next run after the n-th failed one (n ≥ 1). */
  backoffMs?: (attempt: number) => number;
}

export interface TimerRunner {
  /** Ends the loop promptly (timers not yet started stay in the table) and resolves once running handlers are settled. */
  stop(): Promise<void>;
  /** One pass now: fires what is due, waits until those timers are settled, returns how many it fired. */
  fireDueNow(): Promise<number>;
}

export const defaultTimerBackoff = (attempt: number): number => Math.min(60_000, 1000 * 2 ** attempt);

/** After a failed query, wait at least this long before the next one. */
const ERROR_PAUSE_MS = 1_000;

/**
 * EventBridge Scheduler + the escalator's invocation, in-process: the first pass runs at once (so
 * timers that fell due while the process was down fire at start), then one pass every `pollMs`, or
 * straight away again while passes come back full (catching up a backlog). A pass reads up to
 * `batchSize` due timers, earliest first, and starts their handlers with at most `concurrency`
 * running; a slow handler holds only its own slot, never the next pass.
 *
 * A timer is deleted only after its handler succeeded, and only if it was not moved meanwhile
 * (conditional on the timer read). A failure pushes it back by `backoffMs(attempt)`; after
 * `maxAttempts` runs it is dead-lettered (kept in the table, no longer fired). Delivery is at least
 * once: a crash between the handler and the delete fires the timer again at the next start, as a
 * retried invocation would on AWS, so the handler must be idempotent (the escalator is).
 */
export function startTimerRunner(options: TimerRunnerOptions): TimerRunner {
  const { store, handler, clock, pollMs = 200, batchSize = 100, concurrency = 8, maxAttempts = 8, backoffMs = defaultTimerBackoff } = options;
  for (const [name, value] of Object.entries({ pollMs, batchSize, concurrency, maxAttempts })) {
    if (!Number.isInteger(value) || value < (name === 'pollMs' ? 0 : 1)) throw new RangeError(`${name} must be a positive integer`);
  }
  const logger = options.logger.child({ component: 'timer-runner' });
  const abort = new AbortController();
  const stopping = () => abort.signal.aborted;

  /** Timers being handled, by name: never started twice at once, nor read again before they settle. */
  const running = new Map<string, Promise<void>>();
  /**
   * Per pass under way: the names that settled since its query began. The query may still have
   * returned them as they were before, so the pass must not start them again.
   */
  const passes = new Set<Set<string>>();
  const slotFreed = new Set<() => void>();

  async function pass(): Promise<{ started: Promise<void>[]; full: boolean }> {
    const settled = new Set<string>();
    passes.add(settled);
    try {
      // Reading past the running ones shows up to a whole batch of timers not yet started.
      const limit = batchSize + running.size;
      const timers = await store.due(clock.now(), limit);
      const started: Promise<void>[] = [];
      for (const timer of timers) {
        if (started.length >= batchSize) break;
        while (running.size >= concurrency && !stopping()) await slot();
        if (stopping()) break;
        const name = nameOf(timer);
        if (running.has(name) || settled.has(name)) continue;
        started.push(start(timer));
      }
      return { started, full: timers.length >= limit };
    } finally {
      passes.delete(settled);
    }
  }

  function start(timer: StoredTimer): Promise<void> {
    const name = nameOf(timer);
    const settled = handle(timer).finally(() => {
      running.delete(name);
      for (const settledNames of passes) settledNames.add(name);
      for (const wake of slotFreed) wake();
    });
    running.set(name, settled);
    return settled;
  }

  /** Never rejects: every outcome is settled in the table or logged (the timer then simply fires again). */
  async function handle(timer: StoredTimer): Promise<void> {
    const ids = { caseId: timer.caseId, step: timer.step };
    let failure: unknown;
    try {
      await handler({ caseId: timer.caseId, step: timer.step, dueAt: timer.dueAt, version: timer.version });
    } catch (err) {
      failure = err ?? new Error('handler failed');
    }
    try {
      if (failure === undefined) {
        if (!(await store.complete(timer))) logger.debug('timer changed while it fired; kept', ids);
        return;
      }
      const attempts = timer.attempts + 1;
      const errorName = failure instanceof Error ? failure.name : typeof failure;
      if (attempts >= maxAttempts) {
        const dead = await store.deadLetter(timer, failure, attempts, clock.now());
        if (dead) logger.error('timer dead-lettered after repeated failures', { ...ids, attempts, errorName });
        return;
      }
      const retryAt = clock.now() + Math.max(0, backoffMs(attempts) || 0);
      if (await store.retryLater(timer, retryAt, attempts)) logger.warn('timer handler failed; will retry', { ...ids, attempts, retryAt, errorName });
    } catch (err) {
      logger.error('timer could not be settled; it will fire again', { ...ids, errorName: err instanceof Error ? err.name : typeof err });
    }
  }

  function slot(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        slotFreed.delete(wake);
        abort.signal.removeEventListener('abort', wake);
        resolve();
      };
      slotFreed.add(wake);
      abort.signal.addEventListener('abort', wake, { once: true });
    });
  }

  async function run(): Promise<void> {
    while (!stopping()) {
      const passStarted = performance.now();
      let pause: number;
      try {
        const { full } = await pass();
        // Passes start every pollMs (not pollMs after the last one ended), so lateness stays under ~pollMs.
        pause = full ? 0 : pollMs - (performance.now() - passStarted);
      } catch (err) {
        logger.warn('timer query failed; backing off', { errorName: err instanceof Error ? err.name : typeof err });
        pause = Math.max(pollMs, ERROR_PAUSE_MS);
      }
      if (pause > 0) await abortableSleep(pause, abort.signal);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  const loop = run().catch((err: unknown) => logger.error('timer runner stopped unexpectedly', { err }));
  return {
    async stop() {
      abort.abort();
      await loop;
      await Promise.all(running.values());
    },
    async fireDueNow() {
      if (stopping()) return 0;
      const { started } = await pass();
      await Promise.all(started);
      return started.length;
    },
  };
}

const nameOf = (timer: StoredTimer) => `${timer.caseId}#${timer.step}`;
