import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { sesV2Mailer } from '../../shared/adapters/mail/ses-mailer';
import { calendarService, noTimers } from '../../shared/compose';
import { loadFunctionConfig } from '../../shared/config';
import { createLogger } from '../../shared/observability/logger';
import { systemClock } from '../../shared/ports';
import { sendMonthlyReport, type MonthlyReportDeps } from '../../shared/usecases/monthly-report';

/** Builds the monthly reporter from the environment; on AWS a daily Scheduler schedule invokes it. */
export function buildReporter(env: Record<string, string | undefined> = process.env): MonthlyReportDeps {
  const config = loadFunctionConfig('reporter', env);
  const db = createDynamoClient({ tableName: config.TABLE_NAME, region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const stores = dynamoStores(db, config.TABLE_NAME);
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'reporter' } });
  // The calendar service moves timers only when a year is stored, which the reporter never does.
  const timers = noTimers('reporter');
  return {
    ...stores,
    calendar: calendarService({ ...stores, timers, clock: systemClock, logger, config }),
    clock: systemClock,
    logger,
    mailer: sesV2Mailer({ client: new SESv2Client({ region: config.AWS_REGION }), from: config.MAIL_FROM, configurationSet: config.SES_CONFIGURATION_SET }),
    recipients: config.LEADERSHIP_EMAILS,
    hour: config.MONTHLY_REPORT_HOUR,
  };
}

let cached: MonthlyReportDeps | undefined;

export const handler = () => sendMonthlyReport((cached ??= buildReporter()));
