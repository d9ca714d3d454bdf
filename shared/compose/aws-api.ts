/**
 * The API's part of the AWS composition root: its adapters come from ./aws.ts like every
 * Lambda's; here are what only the API has (token verification, sign-in, its docs and console
 * files, the caller's address). Apart from ./aws.ts so that the other functions' bundles carry
 * none of it (aws-jwt-verify, the docs routes).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'hono';
import { LocalAccountTokens } from '../adapters/auth/account-tokens';
import { CognitoTokenVerifier } from '../adapters/auth/cognito';
import { Hs256TokenIssuer, Hs256TokenVerifier, type Hs256Options } from '../adapters/auth/hs256';
import { randomIds } from '../adapters/ids';
import { cognitoFromConfig, ConfigError, loadApiConfig, signInFromConfig, type ApiConfig } from '../config';
import { loadConsoleAssets } from '../console/assets';
import type { AppDeps, SignIn } from '../http/deps';
import { DOCS_DIR, repositoryDocsFiles, type DocsFiles } from '../http/docs';
import type { TokenVerifier } from '../ports';
import { awsCore, caseMail, eventBridgeTimers, s3Attachments, sqsQueue } from './aws';
import { lifecyclePolicy } from './policies';
import { appDeps } from './use-cases';

/** How people sign in: Cognito's managed login when configured, else local accounts with HS256 tokens signed with `hs256`. */
export function signIn(config: ApiConfig, hs256: Hs256Options): SignIn {
  const chosen = signInFromConfig(config);
  if (chosen.provider === 'cognito') return chosen;
  return { provider: 'local', issuer: new Hs256TokenIssuer({ ...hs256, ttlSeconds: chosen.tokenMinutes * 60 }) };
}

/**
 * The docs files: in the deployed asset, the folder the CDK bundling copies beside index.mjs
 * (infra/function.ts); run from source (tests), the repository's.
 */
function docsFiles(assetDir: string): DocsFiles {
  const dir = join(assetDir, DOCS_DIR);
  return existsSync(join(dir, 'openapi.yaml')) ? { openapiYaml: join(dir, 'openapi.yaml'), swaggerUiDir: dir } : repositoryDocsFiles();
}

/** API Gateway (HTTP API) gives the caller's address in the request context. */
const sourceIp = (c: Context) => (c.env as { event?: { requestContext?: { http?: { sourceIp?: string } } } } | undefined)?.event?.requestContext?.http?.sourceIp;

/** The API: every variable checked, then its adapters and use cases; `assetDir` is the folder of its bundle (docs/ and console/ beside it). */
export function composeApi(env: Record<string, string | undefined>, assetDir: string): AppDeps {
  const config = loadApiConfig(env);
  const cognito = cognitoFromConfig(config);
  if (!cognito && !config.JWT_SECRET) throw new ConfigError('Invalid configuration:\n  COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID, or JWT_SECRET: required on Lambda');
  const mail = caseMail(config);
  const c = awsCore('api', config, eventBridgeTimers(config));
  const hs256 = { secret: config.JWT_SECRET ?? '', issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  // Cognito ID tokens when a user pool is configured, else HS256 tokens signed with JWT_SECRET
  // (those from local sign-in held to their account as it is now).
  const tokens: TokenVerifier = cognito ? new CognitoTokenVerifier(cognito) : new LocalAccountTokens({ inner: new Hs256TokenVerifier(hs256), accounts: c.accounts });
  return appDeps({
    ...c,
    ...mail,
    docs: docsFiles(assetDir),
    // The console's files, built into the function's asset beside the bundle (infra/console-assets.ts).
    console: loadConsoleAssets(env.CONSOLE_DIR ?? join(assetDir, 'console')),
    clientIp: sourceIp,
    lifecycle: lifecyclePolicy(config),
    queue: sqsQueue(config),
    // Without a bucket, letters with files are refused on the page (and kept there).
    attachments: s3Attachments(config),
    tokens,
    // Cognito's managed login when configured; else local accounts signing the HS256 tokens verified above.
    signIn: signIn(config, hs256),
    ids: randomIds,
    config,
  });
}
