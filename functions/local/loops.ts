import { startSqsPoller, type SqsPoller } from '../../shared/adapters/local/sqs-poller';
import { startTimerRunner, type TimerRunnerStore } from '../../shared/adapters/local/timer-runner';
import { CATEGORIES } from '../../shared/domain/case';
import type { Logger } from '../../shared/observability/logger';
import { escalate, type EscalatorDeps } from '../../shared/usecases/escalate';
import { sendMonthlyReport, type MonthlyReportDeps, type MonthlyReportOutcome } from '../../shared/usecases/monthly-report';
import { reconcile, type ReconcileDeps } from '../../shared/usecases/reconcile';
import type { RouterDeps } from '../../shared/usecases/route-case';
import { createRouterHandler } from '../router/handler';
import type { LocalQueues } from './engines';

/**
 * Batches in flight per queue, as Lambda's event source mapping runs several invocations at once.
 * The API and the router share this process: with one batch per queue a burst of intakes starves
 * routing (every engine call waits its turn behind 50 connections' worth), and a backlog builds.
 */
const POLLERS_PER_QUEUE = 4;

/**
 * Every open case's timer is checked at start-up and every this many passes (half an hour at the
 * default minute); the passes between check only the cases changed lately, so a pass costs the same
 * at 1,000 cases stored as at 100,000.
 */
const FULL_TIMER_CHECK_EVERY = 30;
const MONTHLY_REPORT_CHECK_MS = 60_000;

export interface LocalLoops {
  /** One reconciler pass now (the interval runs it too); grace 0 re-enqueues every waiting case. */
  reconcileNow(graceMs?: number, allTimers?: boolean): Promise<{ requeued: number; failed: number; timersRepaired: number }>;
  /** One pass of the timer runner now (it also runs on its own every TIMER_POLL_MS). */
  fireDueTimers(): Promise<number>;
  /** The monthly report check now (it also runs every minute). */
  sendMonthlyReport(): Promise<MonthlyReportOutcome>;
  /** Each loop finishes what it holds (a batch, a firing, a pass, a report) before this resolves. */
  stop(): Promise<void>;
}

/**
 * What Lambda's event source mappings and the Scheduler do on AWS: pollers per category queue
 * feeding the same router handler, the timer runner firing the escalator, the reconciler on an
 * interval, and the monthly report checked every minute. At start-up the reconciler runs at once
 * (in the background) with no grace, because the embedded queues start empty.
 */
export function startLoops(options: {
  queues: LocalQueues;
  timers: TimerRunnerStore;
  router: RouterDeps;
  escalator: EscalatorDeps;
  reconcile: ReconcileDeps;
  monthly: MonthlyReportDeps;
  logger: Logger;
  reconcileIntervalMs: number;
  timerPollMs: number;
}): LocalLoops {
  const { logger } = options;
  const handler = createRouterHandler(options.router, { processInParallel: true });
  const pollers: SqsPoller[] = CATEGORIES.flatMap((category) =>
    Array.from({ length: POLLERS_PER_QUEUE }, () => startSqsPoller({ client: options.queues.client, queueUrl: options.queues.queues[category].url, handler, logger })),
  );
  const timerRunner = startTimerRunner({ store: options.timers, handler: async (payload) => void (await escalate(options.escalator, payload)), clock: options.escalator.clock, logger, pollMs: options.timerPollMs });

  // The pass in flight, so a stop waits for it instead of closing the engine under it.
  let current: Promise<unknown> = Promise.resolve();
  let running = 0;
  const reconcileNow = (graceMs = options.reconcile.graceMs, allTimers = true) => {
    running++;
    // Grace 0 (start-up, operators' "now") means every waiting case: the queues may be new and empty.
    const pass = reconcile({ ...options.reconcile, graceMs, redeliveryMs: graceMs > 0 ? options.reconcile.redeliveryMs : 0, allTimers }).finally(() => running--);
    current = pass.catch(() => undefined);
    return pass;
  };
  const failed = (err: unknown) => logger.error('reconciler.failed', { error: err });
  // At start-up, in the background: serving need not wait for a pass over every open case.
  reconcileNow(0).catch(failed);
  let passes = 0;
  const reconcileTimer = setInterval(() => {
    if (running > 0) return; // a long pass (a big table at start-up) is not stacked on
    passes++;
    reconcileNow(undefined, passes % FULL_TIMER_CHECK_EVERY === 0).catch(failed);
  }, options.reconcileIntervalMs);
  reconcileTimer.unref();

  // The monthly report to leadership: checked every minute (on AWS a daily schedule); one e-mail a month.
  let monthlyRun: Promise<unknown> = Promise.resolve();
  const sendMonthly = () => {
    const run = sendMonthlyReport(options.monthly);
    monthlyRun = run.catch(() => undefined);
    return run;
  };
  const monthlyTimer = setInterval(() => {
    sendMonthly().catch((err: unknown) => logger.error('reports.monthly_failed', { error: err }));
  }, MONTHLY_REPORT_CHECK_MS);
  monthlyTimer.unref();

  return {
    reconcileNow,
    fireDueTimers: () => timerRunner.fireDueNow(),
    sendMonthlyReport: sendMonthly,
    stop: async () => {
      clearInterval(reconcileTimer);
      clearInterval(monthlyTimer);
      await Promise.all([timerRunner.stop(), ...pollers.map((p) => p.stop()), current, monthlyRun]);
    },
  };
}
