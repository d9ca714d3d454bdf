import type { SQSClient } from '@aws-sdk/client-sqs';
import { startLocalSqs } from '../../shared/adapters/local/fauxqs';
import { startSqsPoller, type SqsPoller } from '../../shared/adapters/local/sqs-poller';
import { SqsCaseQueue, type CategoryQueues } from '../../shared/adapters/sqs/case-queue';
import { createSqsClient } from '../../shared/adapters/sqs/client';
import { queuesFromConfig, type ApiConfig } from '../../shared/config';
import { CATEGORIES } from '../../shared/domain/case';
import type { Logger } from '../../shared/observability/logger';
import type { CaseStore, Clock, ReportFactStore } from '../../shared/ports';
import { reconcile } from '../../shared/usecases/reconcile';
import type { RouterDeps } from '../../shared/usecases/route-case';
import { createRouterHandler } from '../router/handler';

export interface LocalQueues {
  queue: SqsCaseQueue;
  client: SQSClient;
  queues: CategoryQueues;
  close(): Promise<void>;
}

/** The embedded SQS engine, or the queues the environment names (SQS_ENDPOINT + QUEUE_URL_*). */
export async function startQueues(config: ApiConfig, visibilityTimeoutSeconds: number): Promise<LocalQueues> {
  if (config.QUEUE_URL_ADVICE || config.SQS_ENDPOINT) {
    const client = createSqsClient({ region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT });
    const queues = queuesFromConfig(config);
    return { queue: new SqsCaseQueue(client, queues), client, queues, close: async () => client.destroy() };
  }
  const sqs = await startLocalSqs({ visibilityTimeoutSeconds, region: config.AWS_REGION });
  const client = createSqsClient({ endpoint: sqs.endpoint, region: config.AWS_REGION });
  return {
    queue: new SqsCaseQueue(client, sqs.queues),
    client,
    queues: sqs.queues,
    close: async () => {
      client.destroy();
      await sqs.close();
    },
  };
}

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

export interface RoutingWorkers {
  /** One reconciler pass now (the interval runs it too); grace 0 re-enqueues every waiting case. */
  reconcileNow(graceMs?: number, allTimers?: boolean): Promise<{ requeued: number; failed: number; timersRepaired: number }>;
  stop(): Promise<void>;
}

/**
 * What Lambda's event source mappings and the Scheduler do on AWS: one poller per category queue
 * feeding the same router handler, and the reconciler on an interval. At start-up the reconciler
 * runs at once (in the background) with no grace, because the embedded queues start empty.
 */
export async function startRoutingWorkers(options: {
  queues: LocalQueues;
  router: RouterDeps;
  cases: CaseStore;
  reports: ReportFactStore;
  clock: Clock;
  logger: Logger;
  reconcileIntervalMs: number;
  reconcileGraceMs: number;
  /** The embedded queues' visibility timeout. */
  redeliveryMs: number;
}): Promise<RoutingWorkers> {
  const handler = createRouterHandler(options.router, { processInParallel: true });
  const pollers: SqsPoller[] = CATEGORIES.flatMap((category) =>
    Array.from({ length: POLLERS_PER_QUEUE }, () =>
      startSqsPoller({ client: options.queues.client, queueUrl: options.queues.queues[category].url, handler, logger: options.logger }),
    ),
  );
  // The pass in flight, so a stop waits for it instead of closing the engine under it.
  let current: Promise<unknown> = Promise.resolve();
  let running = 0;
  const reconcileNow = (graceMs = options.reconcileGraceMs, allTimers = true) => {
    running++;
    const pass = reconcilePass(graceMs, allTimers).finally(() => running--);
    current = pass.catch(() => undefined);
    return pass;
  };
  const reconcilePass = (graceMs: number, allTimers: boolean) =>
    reconcile({
      cases: options.cases,
      queue: options.queues.queue,
      timers: options.router.timers,
      calendar: options.router.calendar,
      policy: options.router.policy,
      clock: options.clock,
      logger: options.logger,
      graceMs,
      // Grace 0 (start-up, operators' "now") means every waiting case: the queues may be new and empty.
      redeliveryMs: graceMs > 0 ? options.redeliveryMs : 0,
      allTimers,
      reports: options.reports,
      notices: options.router.notices,
    });
  const failed = (err: unknown) => options.logger.error('reconciler.failed', { error: err });
  // At start-up, in the background: serving need not wait for a pass over every open case.
  reconcileNow(0).catch(failed);
  let passes = 0;
  const timer = setInterval(() => {
    if (running > 0) return; // a long pass (a big table at start-up) is not stacked on
    passes++;
    reconcileNow(undefined, passes % FULL_TIMER_CHECK_EVERY === 0).catch(failed);
  }, options.reconcileIntervalMs);
  timer.unref();
  return {
    reconcileNow,
    stop: async () => {
      clearInterval(timer);
      await Promise.all([...pollers.map((p) => p.stop()), current]);
    },
  };
}
