import type { SQSEvent } from 'aws-lambda';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { sesV2Mailer } from '../../shared/adapters/mail/ses-mailer';
import { calendarService, escalationPolicy, eventBridgeTimers } from '../../shared/compose';
import { loadFunctionConfig, publicBaseUrlFromConfig } from '../../shared/config';
import { createLogger } from '../../shared/observability/logger';
import { systemClock } from '../../shared/ports';
import { RoutingConfigCache } from '../../shared/usecases/routing-config';
import { createRouterHandler } from './handler';

/** Builds the router from the environment, once per Lambda instance, on first use. */
export function buildRouter(env: Record<string, string | undefined> = process.env) {
  const config = loadFunctionConfig('router', env);
  const publicBaseUrl = publicBaseUrlFromConfig(config);
  const db = createDynamoClient({ tableName: config.TABLE_NAME, region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const stores = dynamoStores(db, config.TABLE_NAME);
  const clock = systemClock;
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'router' } });
  const timers = eventBridgeTimers(config);
  return createRouterHandler({
    timers,
    calendar: calendarService({ ...stores, timers, clock, logger, config }),
    policy: escalationPolicy(config),
    cases: stores.cases,
    notices: stores.notices,
    routing: new RoutingConfigCache({ routing: stores.routing, offices: stores.offices, clock }, config.ROUTING_CACHE_SECONDS * 1000),
    mailer: sesV2Mailer({ client: new SESv2Client({ region: config.AWS_REGION }), from: config.MAIL_FROM, configurationSet: config.SES_CONFIGURATION_SET }),
    clock,
    logger,
    publicBaseUrl,
    // Receipts to e-mailed letters: Reply-To the mailbox, and their Message-IDs kept for the replies.
    ...(config.MAILBOX_ADDRESS && { mailboxAddress: config.MAILBOX_ADDRESS }),
    inboundMail: stores.inboundMail,
  });
}

let cached: ReturnType<typeof buildRouter> | undefined;

export const handler = (event: SQSEvent) => (cached ??= buildRouter())(event);
