import { fileURLToPath } from 'node:url';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import type { Context } from 'hono';
import { LocalAccountTokens } from '../../shared/adapters/auth/account-tokens';
import { CognitoTokenVerifier } from '../../shared/adapters/auth/cognito';
import { Hs256TokenVerifier } from '../../shared/adapters/auth/hs256';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { randomIds } from '../../shared/adapters/ids';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { sesV2Mailer } from '../../shared/adapters/mail/ses-mailer';
import { calendarService, escalationPolicy, eventBridgeTimers, lifecyclePolicy, signIn } from '../../shared/compose';
import { SqsCaseQueue } from '../../shared/adapters/sqs/case-queue';
import { createSqsClient } from '../../shared/adapters/sqs/client';
import { cognitoFromConfig, ConfigError, loadApiConfig, queuesFromConfig } from '../../shared/config';
import { loadConsoleAssets } from '../../shared/console/assets';
import { createApp } from '../../shared/http/app';
import { createLogger } from '../../shared/observability/logger';
import { systemClock, type TokenVerifier } from '../../shared/ports';

/** Builds the API handler from the environment; called once per Lambda instance, on first use. */
export function buildHandler(env: Record<string, string | undefined> = process.env) {
  const config = loadApiConfig(env);
  const cognito = cognitoFromConfig(config);
  if (!cognito && !config.JWT_SECRET) throw new ConfigError('Invalid configuration:\n  COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID, or JWT_SECRET: required on Lambda');
  const db = createDynamoClient({ tableName: config.TABLE_NAME, region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  if (!config.PUBLIC_BASE_URL) throw new ConfigError('Invalid configuration:\n  PUBLIC_BASE_URL: required for the links in e-mails');
  const stores = dynamoStores(db, config.TABLE_NAME);
  // Cognito ID tokens when a user pool is configured, else HS256 tokens signed with JWT_SECRET
  // (those from local sign-in held to their account as it is now).
  const tokens: TokenVerifier = cognito
    ? new CognitoTokenVerifier(cognito)
    : new LocalAccountTokens({ inner: new Hs256TokenVerifier({ secret: config.JWT_SECRET ?? '', issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }), accounts: stores.accounts });
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'api' } });
  const timers = eventBridgeTimers(config);
  const app = createApp({
    ...stores,
    calendar: calendarService({ ...stores, timers, clock: systemClock, logger, config }),
    timers,
    mailer: sesV2Mailer({ client: new SESv2Client({ region: config.AWS_REGION }), from: config.MAIL_FROM, configurationSet: config.SES_CONFIGURATION_SET }),
    policy: escalationPolicy(config),
    lifecycle: lifecyclePolicy(config),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    queue: new SqsCaseQueue(createSqsClient({ region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT }), queuesFromConfig(config)),
    tokens,
    // Cognito's managed login when configured; else local accounts signing the HS256 tokens verified above.
    signIn: signIn(config, { secret: config.JWT_SECRET ?? '', issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    clock: systemClock,
    ids: randomIds,
    logger,
    config,
    // API Gateway (HTTP API) gives the caller's address in the request context.
    // The console's files, built into the function's asset beside this bundle (infra/console-assets.ts).
    console: loadConsoleAssets(env.CONSOLE_DIR ?? fileURLToPath(new URL('./console/', import.meta.url))),
    clientIp: (c: Context) => (c.env as { event?: { requestContext?: { http?: { sourceIp?: string } } } } | undefined)?.event?.requestContext?.http?.sourceIp,
  });
  return handle(app);
}

let cached: ReturnType<typeof buildHandler> | undefined;

export const handler = (event: LambdaEvent, context: LambdaContext) => (cached ??= buildHandler())(event, context);
