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

export interface RoutingWorkers {
  /** One reconciler pass now (the interval runs it too); grace 0 re-enqueues every waiting case. */
  reconcileNow(graceMs?: number): Promise<{ requeued: number; failed: number; timersRepaired: number }>;
  stop(): Promise<void>;
}

/**
 * What Lambda's event source mappings and the Scheduler do on AWS: one poller per category queue
 * feeding the same router handler, and the reconciler on an interval. At start-up the reconciler
 * runs at once with no grace, because the embedded queues start empty.
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
  const reconcileNow = (graceMs = options.reconcileGraceMs) => {
    const pass = reconcilePass(graceMs);
    current = pass.catch(() => undefined);
    return pass;
  };
  const reconcilePass = (graceMs: number) =>
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
      reports: options.reports,
      notices: options.router.notices,
    });
  await reconcileNow(0);
  const timer = setInterval(() => {
    reconcileNow().catch((err: unknown) => options.logger.error('reconciler.failed', { error: err }));
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
