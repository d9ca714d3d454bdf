import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { Hs256TokenIssuer, Hs256TokenVerifier, signHs256 } from '../../shared/adapters/auth/hs256';
import { LocalAccountTokens } from '../../shared/adapters/auth/account-tokens';
import { scryptPasswords } from '../../shared/adapters/auth/password';
import { ensureDevAccounts, type DevAccount } from './dev-accounts';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { ensureTable, OutdatedTableError } from '../../shared/adapters/dynamo/ensure-table';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { randomIds } from '../../shared/adapters/ids';
import { EngineStartError, startDynalite, type LocalDynamo } from '../../shared/adapters/local/dynalite';
import { DynamoTimerStore } from '../../shared/adapters/dynamo/timer-store';
import { startTimerRunner } from '../../shared/adapters/local/timer-runner';
import { calendarService, escalationPolicy, lifecyclePolicy } from '../../shared/compose';
import { escalate, type EscalatorDeps } from '../../shared/usecases/escalate';
import { ConfigError, loadApiConfig, loadLocalConfig } from '../../shared/config';
import { LocalAttachmentStore } from '../../shared/adapters/files/local-attachments';
import type { Role } from '../../shared/domain/principal';
import { createMailer } from '../../shared/adapters/mail/nodemailer-mailer';
import { buildConsole } from '../../shared/console/build';
import { createApp } from '../../shared/http/app';
import { repositoryDocsFiles } from '../../shared/http/docs';
import { RoutingConfigCache } from '../../shared/usecases/routing-config';
import { sendMonthlyReport, type MonthlyReportDeps, type MonthlyReportOutcome } from '../../shared/usecases/monthly-report';
import { gracefulHttp } from './graceful-http';
import { closeWhenBodyUnread } from './unread-body';
import { routingBackpressure } from './backpressure';
import { clientAddress } from './client-ip';
import { DEFAULT_SEED_FILE, seedIfEmpty } from './seed';
import { startQueues, startRoutingWorkers, type LocalQueues, type RoutingWorkers } from './workers';
import { createLogger, type Logger } from '../../shared/observability/logger';
import { systemClock, type Clock } from '../../shared/ports';

export interface LocalRuntimeOptions {
  env?: Record<string, string | undefined>;
  /** Keep the engine in memory instead of under DATA_DIR (tests). */
  inMemory?: boolean;
  clock?: Clock;
  logger?: Logger;
}

export interface LocalRuntime {
  url: string;
  dataDir: string;
  /** Where e-mails land as .eml files when no SMTP_URL is set. */
  outboxDir: string;
  mailTransport: 'ses' | 'smtp' | 'outbox';
  /** The queues and the SQS client the API and the pollers use (for operators' tools and fault tests). */
  queues: LocalQueues;
  reconcileNow: RoutingWorkers['reconcileNow'];
  /** One pass of the timer runner now (it also runs on its own every TIMER_POLL_MS). */
  fireDueTimers(): Promise<number>;
  /** The monthly report check now (it also runs every minute). */
  sendMonthlyReport(): Promise<MonthlyReportOutcome>;
  tokens: Record<string, string>;
  /** Development only (empty when NODE_ENV=production): the demo sign-in accounts, also in dev-accounts.json. */
  devAccounts: DevAccount[];
  close(): Promise<void>;
}

/** Ready-made identities for trying the API: one per role. */
const DEV_IDENTITIES: { name: string; sub: string; roles: Role[]; office?: string }[] = [
  { name: 'operator', sub: 'dev-operator', roles: ['operator'] },
  { name: 'reception', sub: 'dev-reception', roles: ['reception'] },
  { name: 'office', sub: 'dev-office', roles: ['office'], office: 'rights' },
  { name: 'supervisor', sub: 'dev-supervisor', roles: ['supervisor'] },
  { name: 'admin', sub: 'dev-admin', roles: ['admin'] },
];
const DEV_TOKEN_TTL_SECONDS = 30 * 86_400;

/**
 * The whole system on one machine with only Node: dynalite persisted under DATA_DIR, an embedded
 * SQS engine with pollers feeding the router as Lambda would, mail to SMTP or .eml files, and the
 * same adapters and Hono app as on AWS, served by @hono/node-server.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const env = options.env ?? process.env;
  const config = loadApiConfig(env);
  const local = loadLocalConfig(env);
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, base: { service: 'local' } });
  const dataDir = resolve(local.DATA_DIR);
  await prepareDataDir(dataDir);
  const secret = config.JWT_SECRET ?? (await persistentSecret(join(dataDir, 'jwt-secret')));

  let engine: LocalDynamo | undefined;
  try {
    engine = config.DYNAMODB_ENDPOINT ? undefined : await startDynalite(options.inMemory ? {} : { path: join(dataDir, 'dynamo') });
  } catch (err) {
    if (err instanceof EngineStartError) throw new ConfigError(`${err.message}${engineHint(err)}`);
    throw err;
  }
  const endpoint = config.DYNAMODB_ENDPOINT ?? (engine as LocalDynamo).endpoint;
  const db = createDynamoClient({ tableName: config.TABLE_NAME, endpoint, region: config.AWS_REGION });
  try {
    await ensureTable(db, config.TABLE_NAME);
  } catch (err) {
    if (!(err instanceof OutdatedTableError)) throw err;
    await engine?.close();
    throw new ConfigError(`${err.message}.\nMove ${join(dataDir, 'dynamo')} aside (or delete ${dataDir}) to start with a fresh local table.`);
  }

  const stores = dynamoStores(db, config.TABLE_NAME, { contacts: { ...(config.CONTACT_HASH_SECRET && { secret: config.CONTACT_HASH_SECRET }) } });
  const clock = options.clock ?? systemClock;
  // Timers live in the table; the runner below fires them as EventBridge Scheduler would.
  const timers = new DynamoTimerStore(db, config.TABLE_NAME);
  const calendar = calendarService({ ...stores, timers, clock, logger, config });
  const policy = escalationPolicy(config);
  const queues = await startQueues(config, config.QUEUE_VISIBILITY_SECONDS);
  const admin = { cases: stores.cases, offices: stores.offices, routing: stores.routing, queue: queues.queue, clock, logger };
  await seedIfEmpty(admin, local.SEED_FILE ?? DEFAULT_SEED_FILE, logger);

  const outboxDir = join(dataDir, 'outbox');
  const mail = createMailer({ smtpUrl: local.SMTP_URL, outboxDir, from: config.MAIL_FROM });

  // Listen first: with PORT=0 the address, and so the default base of e-mail links, is known only
  // then. Requests wait for the app, which is built right after.
  type App = ReturnType<typeof createApp>;
  const built: { app?: App; ready?: (app: App) => void } = {};
  const appReady = new Promise<App>((resolve) => (built.ready = resolve));
  const admitIntake = routingBackpressure({
    limit: local.ROUTING_BACKLOG_LIMIT,
    backlog: async () => (await queues.queue.depths()).reduce((n, d) => n + d.visible + d.inFlight, 0),
  });
  const fetch = async (req: Request, env: unknown) => {
    const { pathname } = new URL(req.url);
    if (req.method === 'POST' && INTAKE_PATHS.has(pathname)) await admitIntake();
    return (built.app ?? (await appReady)).fetch(req, env);
  };
  const server = await new Promise<Server>((resolveServer) => {
    const s = serve({ fetch, port: local.PORT, hostname: local.HOST }, () => resolveServer(s as Server));
  });
  closeWhenBodyUnread(server);
  const http = gracefulHttp(server, { graceMs: STOP_GRACE_MS });
  const { port } = server.address() as AddressInfo;
  const url = `http://${local.HOST.includes(':') ? `[${local.HOST}]` : local.HOST}:${port}`;
  const publicBaseUrl = config.PUBLIC_BASE_URL ?? url;

  const app = createApp({
    ...stores,
    calendar,
    timers,
    mailer: mail.mailer,
    attachments: new LocalAttachmentStore(join(dataDir, 'attachments')),
    policy,
    lifecycle: lifecyclePolicy(config),
    publicBaseUrl,
    queue: queues.queue,
    // Tokens from local sign-in follow their account (removed, new password, new roles); dev tokens pass as they are.
    tokens: new LocalAccountTokens({ inner: new Hs256TokenVerifier({ secret, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }), accounts: stores.accounts }),
    // Always local accounts here: the local runtime verifies HS256 tokens, never Cognito's.
    signIn: { provider: 'local', issuer: new Hs256TokenIssuer({ secret, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.LOGIN_TOKEN_MINUTES * 60 }) },
    clock,
    ids: randomIds,
    logger,
    config,
    docs: repositoryDocsFiles(),
    // The office console, bundled now from shared/console (esbuild, well under a second).
    console: await buildConsole(),
    clientIp: (c: Context) => clientAddress(c.req.header('x-forwarded-for'), getConnInfo(c).remote.address, config.TRUST_PROXY),
  });
  built.app = app;
  built.ready?.(app);

  const tokens: Record<string, string> = {};
  for (const id of DEV_IDENTITIES) {
    tokens[id.name] = await signHs256(
      { sub: id.sub, roles: id.roles, ...(id.office && { office: id.office }) },
      { secret, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: DEV_TOKEN_TTL_SECONDS },
    );
  }
  const workers = await startRoutingWorkers({
    queues,
    cases: stores.cases,
    reports: stores.reports,
    clock,
    logger,
    reconcileIntervalMs: local.RECONCILE_INTERVAL_SECONDS * 1000,
    reconcileGraceMs: config.RECONCILE_GRACE_SECONDS * 1000,
    redeliveryMs: config.QUEUE_VISIBILITY_SECONDS * 1000,
    router: {
      cases: stores.cases,
      notices: stores.notices,
      routing: new RoutingConfigCache({ routing: stores.routing, offices: stores.offices, clock }, config.ROUTING_CACHE_SECONDS * 1000),
      mailer: mail.mailer,
      timers,
      calendar,
      policy,
      clock,
      logger,
      publicBaseUrl,
    },
  });
  const escalator: EscalatorDeps = {
    ...stores,
    timers,
    calendar,
    mailer: mail.mailer,
    policy,
    clock,
    logger,
    publicBaseUrl,
  };
  const timerRunner = startTimerRunner({
    store: timers,
    handler: async (payload) => void (await escalate(escalator, payload)),
    clock,
    logger,
    pollMs: local.TIMER_POLL_MS,
  });

  // The monthly report to leadership: checked every minute (on AWS a daily schedule); one e-mail a month.
  const monthly: MonthlyReportDeps = { ...stores, calendar, clock, logger, mailer: mail.mailer, recipients: config.LEADERSHIP_EMAILS, hour: config.MONTHLY_REPORT_HOUR };
  let monthlyRun: Promise<unknown> = Promise.resolve();
  const sendMonthly = () => {
    const run = sendMonthlyReport(monthly);
    monthlyRun = run.catch(() => undefined);
    return run;
  };
  const monthlyTimer = setInterval(() => {
    sendMonthly().catch((err: unknown) => logger.error('reports.monthly_failed', { error: err }));
  }, MONTHLY_REPORT_CHECK_MS);
  monthlyTimer.unref();

  const devAccounts =
    config.NODE_ENV === 'production' ? [] : await ensureDevAccounts({ accounts: stores.accounts, passwords: scryptPasswords, clock, logger }, join(dataDir, 'dev-accounts.json'));
  const tokensFile = join(dataDir, 'dev-tokens.json');
  await writeFile(tokensFile, `${JSON.stringify({ url, expiresInDays: DEV_TOKEN_TTL_SECONDS / 86_400, tokens }, null, 2)}\n`, { mode: 0o600 });
  await chmod(tokensFile, 0o600); // mode applies only to a new file: an older, wider one is narrowed
  logger.info('runtime.ready', { url });

  return {
    url,
    dataDir,
    outboxDir,
    mailTransport: mail.kind,
    queues,
    tokens,
    devAccounts,
    reconcileNow: workers.reconcileNow,
    fireDueTimers: () => timerRunner.fireDueNow(),
    sendMonthlyReport: sendMonthly,
    // The order of a graceful stop: the requests accepted finish first (an intake still needs its
    // queue), then the pollers, timers and reconciler finish what they hold, then the engines close.
    close: async () => {
      const started = performance.now();
      const inFlight = http.inFlight;
      const finished = await http.stop();
      clearInterval(monthlyTimer);
      await Promise.all([timerRunner.stop(), workers.stop(), monthlyRun]);
      mail.mailer.close();
      await queues.close();
      db.destroy();
      await engine?.close();
      logger.info('runtime.stopped', { inFlight, finishedInGrace: finished, ms: Math.round(performance.now() - started) });
    },
  };
}

/** Where new cases come in: these wait while routing is behind (ROUTING_BACKLOG_LIMIT). */
const INTAKE_PATHS = new Set(['/v1/cases', '/v1/intake/mailbox']);
/** How long requests in flight may take to finish when the runtime stops (SIGTERM, SIGINT). */
const STOP_GRACE_MS = 10_000;
const MONTHLY_REPORT_CHECK_MS = 60_000;

/**
 * DATA_DIR holds the database, the token secret and ready-made tokens: only its owner may enter it
 * (0700, also when it existed). A folder that cannot be written (read-only, full, not ours) stops
 * the start with a message that names it and the cause, before anything else touches it.
 */
async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chmod(dataDir, 0o700);
    const probe = join(dataDir, `.write-test-${process.pid}`);
    await writeFile(probe, 'ok\n');
    await rm(probe, { force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new ConfigError(`DATA_DIR ${dataDir} cannot be used: ${DATA_DIR_CAUSES[code] ?? (err as Error).message}${code ? ` (${code})` : ''}.\nFree space, fix its permissions, or point DATA_DIR elsewhere.`);
  }
}

const DATA_DIR_CAUSES: Record<string, string> = {
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a path component is a file, not a folder',
};

function engineHint(err: EngineStartError): string {
  if (/lock/i.test(err.reason)) return `.\nAnother server is probably running on this folder: stop it, or set DATA_DIR to another folder.`;
  if (/space|ENOSPC/i.test(err.reason)) return '.\nThe disk is full: free some space and start again.';
  if (/read-only|EROFS|permission|EACCES/i.test(err.reason)) return '.\nThe folder cannot be written: fix its permissions or point DATA_DIR elsewhere.';
  return '';
}

/** A random HS256 secret kept in DATA_DIR, so tokens survive restarts. */
async function persistentSecret(path: string): Promise<string> {
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // First start: make one.
  }
  const secret = randomBytes(48).toString('base64url');
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return secret;
}
