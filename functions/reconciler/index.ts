import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { SqsCaseQueue } from '../../shared/adapters/sqs/case-queue';
import { createSqsClient } from '../../shared/adapters/sqs/client';
import { calendarService, escalationPolicy, eventBridgeTimers } from '../../shared/compose';
import { loadFunctionConfig, queuesFromConfig } from '../../shared/config';
import { createLogger } from '../../shared/observability/logger';
import { systemClock } from '../../shared/ports';
import { reconcile, type ReconcileDeps } from '../../shared/usecases/reconcile';

/** Builds the reconciler from the environment; on AWS a Scheduler rate(5 minutes) invokes it. */
export function buildReconciler(env: Record<string, string | undefined> = process.env): ReconcileDeps {
  const config = loadFunctionConfig('reconciler', env);
  const db = createDynamoClient({ tableName: config.TABLE_NAME, region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const stores = dynamoStores(db, config.TABLE_NAME);
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'reconciler' } });
  const timers = eventBridgeTimers(config);
  return {
    cases: stores.cases,
    timers,
    calendar: calendarService({ ...stores, timers, clock: systemClock, logger, config }),
    policy: escalationPolicy(config),
    queue: new SqsCaseQueue(createSqsClient({ region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT }), queuesFromConfig(config)),
    clock: systemClock,
    logger,
    graceMs: config.RECONCILE_GRACE_SECONDS * 1000,
    // A case the router may still hold (its message hidden while in flight) is not sent again.
    redeliveryMs: config.QUEUE_VISIBILITY_SECONDS * 1000,
    reports: stores.reports,
    notices: stores.notices,
  };
}

let cached: ReconcileDeps | undefined;

export const handler = () => reconcile((cached ??= buildReconciler()));
