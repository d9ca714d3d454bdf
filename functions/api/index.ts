import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { defaultIsContentTypeBinary, handle } from 'hono/aws-lambda';
import type { Context } from 'hono';
import { LocalAccountTokens } from '../../shared/adapters/auth/account-tokens';
import { CognitoTokenVerifier } from '../../shared/adapters/auth/cognito';
import { Hs256TokenVerifier } from '../../shared/adapters/auth/hs256';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { randomIds } from '../../shared/adapters/ids';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { S3Client } from '@aws-sdk/client-s3';
import { S3AttachmentStore } from '../../shared/adapters/files/s3-attachments';
import { sesV2Mailer } from '../../shared/adapters/mail/ses-mailer';
import { calendarService, escalationPolicy, eventBridgeTimers, lifecyclePolicy, signIn } from '../../shared/compose';
import { SqsCaseQueue } from '../../shared/adapters/sqs/case-queue';
import { createSqsClient } from '../../shared/adapters/sqs/client';
import { cognitoFromConfig, ConfigError, loadApiConfig, publicBaseUrlFromConfig, queuesFromConfig } from '../../shared/config';
import { loadConsoleAssets } from '../../shared/console/assets';
import { createApp } from '../../shared/http/app';
import { DOCS_DIR, repositoryDocsFiles, type DocsFiles } from '../../shared/http/docs';
import { createLogger } from '../../shared/observability/logger';
import { systemClock, type TokenVerifier } from '../../shared/ports';

/**
 * Which responses go back to API Gateway base64-encoded, as bytes: hono's default (anything not
 * text, JSON or XML) and CSV. A text body is read with `Response.text()`, whose UTF-8 decoding
 * drops a leading byte-order mark, and the CSV reports need theirs: without it Excel on zh-CN
 * Windows reads them as GBK. API Gateway decodes the base64 and sends the exact bytes.
 */
export const isContentTypeBinary = (contentType: string): boolean => defaultIsContentTypeBinary(contentType) || /^text\/csv\s*(?:;|$)/i.test(contentType);

/**
 * The docs files: in the deployed asset, the folder the CDK bundling copies beside index.mjs
 * (infra/function.ts); run from source (tests), the repository's.
 */
function docsFiles(): DocsFiles {
  const dir = fileURLToPath(new URL(`./${DOCS_DIR}/`, import.meta.url));
  return existsSync(join(dir, 'openapi.yaml')) ? { openapiYaml: join(dir, 'openapi.yaml'), swaggerUiDir: dir } : repositoryDocsFiles();
}

/** Builds the API handler from the environment; called once per Lambda instance, on first use. */
export function buildHandler(env: Record<string, string | undefined> = process.env) {
  const config = loadApiConfig(env);
  const cognito = cognitoFromConfig(config);
  if (!cognito && !config.JWT_SECRET) throw new ConfigError('Invalid configuration:\n  COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID, or JWT_SECRET: required on Lambda');
  const db = createDynamoClient({ tableName: config.TABLE_NAME, region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const publicBaseUrl = publicBaseUrlFromConfig(config);
  const stores = dynamoStores(db, config.TABLE_NAME, { contacts: { ...(config.CONTACT_HASH_SECRET && { secret: config.CONTACT_HASH_SECRET }) } });
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
    // Without a bucket, letters with files are refused on the page (and kept there).
    ...(config.ATTACHMENTS_BUCKET && {
      attachments: new S3AttachmentStore({ client: new S3Client({ region: config.AWS_REGION, ...(config.ATTACHMENTS_ENDPOINT && { endpoint: config.ATTACHMENTS_ENDPOINT, forcePathStyle: true }) }), bucket: config.ATTACHMENTS_BUCKET }),
    }),
    policy: escalationPolicy(config),
    lifecycle: lifecyclePolicy(config),
    publicBaseUrl,
    queue: new SqsCaseQueue(createSqsClient({ region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT }), queuesFromConfig(config)),
    tokens,
    // Cognito's managed login when configured; else local accounts signing the HS256 tokens verified above.
    signIn: signIn(config, { secret: config.JWT_SECRET ?? '', issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    clock: systemClock,
    ids: randomIds,
    logger,
    config,
    docs: docsFiles(),
    // The console's files, built into the function's asset beside this bundle (infra/console-assets.ts).
    console: loadConsoleAssets(env.CONSOLE_DIR ?? fileURLToPath(new URL('./console/', import.meta.url))),
    // API Gateway (HTTP API) gives the caller's address in the request context.
    clientIp: (c: Context) => (c.env as { event?: { requestContext?: { http?: { sourceIp?: string } } } } | undefined)?.event?.requestContext?.http?.sourceIp,
  });
  return handle(app, { isContentTypeBinary });
}

let cached: ReturnType<typeof buildHandler> | undefined;

export const handler = (event: LambdaEvent, context: LambdaContext) => (cached ??= buildHandler())(event, context);
