import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { sesV2Mailer } from '../../shared/adapters/mail/ses-mailer';
import { calendarService, escalationPolicy, eventBridgeTimers } from '../../shared/compose';
import { loadFunctionConfig, publicBaseUrlFromConfig } from '../../shared/config';
import { createLogger } from '../../shared/observability/logger';
import { systemClock, type TimerPayload } from '../../shared/ports';
import { escalate, type EscalatorDeps } from '../../shared/usecases/escalate';

/** Builds the escalator from the environment, once per Lambda instance, on first use. */
export function buildEscalator(env: Record<string, string | undefined> = process.env): EscalatorDeps {
  const config = loadFunctionConfig('escalator', env);
  const publicBaseUrl = publicBaseUrlFromConfig(config);
  const db = createDynamoClient({ tableName: config.TABLE_NAME, region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const stores = dynamoStores(db, config.TABLE_NAME);
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'escalator' } });
  const timers = eventBridgeTimers(config);
  return {
    ...stores,
    timers,
    calendar: calendarService({ ...stores, timers, clock: systemClock, logger, config }),
    mailer: sesV2Mailer({ client: new SESv2Client({ region: config.AWS_REGION }), from: config.MAIL_FROM, configurationSet: config.SES_CONFIGURATION_SET }),
    policy: escalationPolicy(config),
    clock: systemClock,
    logger,
    publicBaseUrl,
  };
}

let cached: EscalatorDeps | undefined;

/**
 * EventBridge Scheduler invokes this with the timer's payload. A RetryLaterError (the step is being
 * sent elsewhere, the case is changing) is thrown so Scheduler's retry policy tries again.
 */
export const handler = (event: TimerPayload) => escalate((cached ??= buildEscalator()), event);
