import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import type { Context } from 'hono';
import { Hs256TokenVerifier } from '../../shared/adapters/auth/hs256';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { randomIds } from '../../shared/adapters/ids';
import { calendarService, eventBridgeTimers } from '../../shared/compose';
import { SqsCaseQueue } from '../../shared/adapters/sqs/case-queue';
import { createSqsClient } from '../../shared/adapters/sqs/client';
import { ConfigError, loadApiConfig, queuesFromConfig } from '../../shared/config';
import { createApp } from '../../shared/http/app';
import { createLogger } from '../../shared/observability/logger';
import { systemClock } from '../../shared/ports';

/** Builds the API handler from the environment; called once per Lambda instance, on first use. */
export function buildHandler(env: Record<string, string | undefined> = process.env) {
  const config = loadApiConfig(env);
  if (!config.JWT_SECRET) throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required on Lambda');
  const db = createDynamoClient({ tableName: config.TABLE_NAME, region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const stores = dynamoStores(db, config.TABLE_NAME);
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'api' } });
  const app = createApp({
    ...stores,
    calendar: calendarService({ ...stores, timers: eventBridgeTimers(config), clock: systemClock, logger, config }),
    queue: new SqsCaseQueue(createSqsClient({ region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT }), queuesFromConfig(config)),
    tokens: new Hs256TokenVerifier({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    clock: systemClock,
    ids: randomIds,
    logger,
    config,
    // API Gateway (HTTP API) gives the caller's address in the request context.
    clientIp: (c: Context) => (c.env as { event?: { requestContext?: { http?: { sourceIp?: string } } } } | undefined)?.event?.requestContext?.http?.sourceIp,
  });
  return handle(app);
}

let cached: ReturnType<typeof buildHandler> | undefined;

export const handler = (event: LambdaEvent, context: LambdaContext) => (cached ??= buildHandler())(event, context);
