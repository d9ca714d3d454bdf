import { join, resolve } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { LocalAccountTokens } from '../../shared/adapters/auth/account-tokens';
import { Hs256TokenIssuer, Hs256TokenVerifier } from '../../shared/adapters/auth/hs256';
import { scryptPasswords } from '../../shared/adapters/auth/password';
import { randomIds } from '../../shared/adapters/ids';
import { lifecyclePolicy } from '../../shared/compose/policies';
import { appDeps, core, escalatorDeps, monthlyReportDeps, reconcileDeps, routerDeps, routingCache } from '../../shared/compose/use-cases';
import { loadApiConfig, loadLocalConfig } from '../../shared/config';
import { buildConsole } from '../../shared/console/build';
import { createApp } from '../../shared/http/app';
import { repositoryDocsFiles } from '../../shared/http/docs';
import { createLogger, type Logger } from '../../shared/observability/logger';
import { systemClock, type Clock } from '../../shared/ports';
import { clientAddress } from './client-ip';
import { persistentSecret, prepareDataDir } from './data-dir';
import { ensureDevAccounts, type DevAccount } from './dev-accounts';
import { writeDevTokens } from './dev-tokens';
import { startEngines, type LocalQueues } from './engines';
import { startLoops, type LocalLoops } from './loops';
import { DEFAULT_SEED_FILE, seedIfEmpty } from './seed';
import { startServer } from './server';

export interface LocalRuntimeOptions {
  env?: Record<string, string | undefined>;
  /** Keep the engine in memory instead of under DATA_DIR (tests). */
  inMemory?: boolean;
  clock?: Clock;
  logger?: Logger;
}

export interface LocalRuntime extends Pick<LocalLoops, 'reconcileNow' | 'fireDueTimers' | 'sendMonthlyReport'> {
  url: string;
  dataDir: string;
  /** Where e-mails land as .eml files when no SMTP_URL is set. */
  outboxDir: string;
  mailTransport: 'ses' | 'smtp' | 'outbox';
  /** The queues and the SQS client the API and the pollers use (for operators' tools and fault tests). */
  queues: LocalQueues;
  tokens: Record<string, string>;
  /** Development only (empty when NODE_ENV=production): the demo sign-in accounts, also in dev-accounts.json. */
  devAccounts: DevAccount[];
  close(): Promise<void>;
}

/**
 * The local composition root: the whole system on one machine with only Node. The embedded
 * engines (./engines.ts), the same use cases and Hono app as on AWS (shared/compose/use-cases.ts),
 * served by @hono/node-server (./server.ts), and the loops that stand in for Lambda's triggers (./loops.ts).
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const env = options.env ?? process.env;
  const config = loadApiConfig(env);
  const local = loadLocalConfig(env);
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, base: { service: 'local' } });
  const dataDir = resolve(local.DATA_DIR);
  await prepareDataDir(dataDir);
  const hs256 = { secret: config.JWT_SECRET ?? (await persistentSecret(join(dataDir, 'jwt-secret'))), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };

  const engines = await startEngines(config, local, dataDir, { inMemory: options.inMemory });
  const { stores, queues, mail } = engines;
  const clock = options.clock ?? systemClock;
  const c = core(stores, { timers: engines.timers, clock, logger, config });
  await seedIfEmpty({ ...c, queue: queues.queue }, local.SEED_FILE ?? DEFAULT_SEED_FILE, logger);

  const server = await startServer({
    port: local.PORT,
    host: local.HOST,
    backlogLimit: local.ROUTING_BACKLOG_LIMIT,
    backlog: async () => (await queues.queue.depths()).reduce((n, d) => n + d.visible + d.inFlight, 0),
  });
  // Links in e-mails point at this server unless PUBLIC_BASE_URL says otherwise.
  const caseMail = { mailer: mail.mailer, publicBaseUrl: config.PUBLIC_BASE_URL ?? server.url };
  // One routing cache for the API's transfers and the router.
  const routing = routingCache(c, config);
  server.serve(
    createApp(
      appDeps({
        ...c,
        ...caseMail,
        routingCache: routing,
        lifecycle: lifecyclePolicy(config),
        queue: queues.queue,
        attachments: engines.attachments,
        // Tokens from local sign-in follow their account (removed, new password, new roles); dev tokens pass as they are.
        tokens: new LocalAccountTokens({ inner: new Hs256TokenVerifier(hs256), accounts: stores.accounts }),
        // Always local accounts here: the local runtime verifies HS256 tokens, never Cognito's.
        signIn: { provider: 'local', issuer: new Hs256TokenIssuer({ ...hs256, ttlSeconds: config.LOGIN_TOKEN_MINUTES * 60 }) },
        ids: randomIds,
        config,
        docs: repositoryDocsFiles(),
        // The office console, bundled now from shared/console (esbuild, well under a second).
        console: await buildConsole(),
        clientIp: (ctx: Context) => clientAddress(ctx.req.header('x-forwarded-for'), getConnInfo(ctx).remote.address, config.TRUST_PROXY),
      }),
    ),
  );

  const loops = startLoops({
    queues,
    timers: engines.timers,
    router: routerDeps(c, caseMail, routing),
    escalator: escalatorDeps(c, caseMail),
    reconcile: reconcileDeps(c, queues.queue, config),
    monthly: monthlyReportDeps(c, mail.mailer, config),
    logger,
    reconcileIntervalMs: local.RECONCILE_INTERVAL_SECONDS * 1000,
    timerPollMs: local.TIMER_POLL_MS,
  });
  const devAccounts = config.NODE_ENV === 'production' ? [] : await ensureDevAccounts({ ...stores, passwords: scryptPasswords, clock, logger }, join(dataDir, 'dev-accounts.json'));
  const tokens = await writeDevTokens(hs256, server.url, join(dataDir, 'dev-tokens.json'));
  logger.info('runtime.ready', { url: server.url });

  return {
    url: server.url,
    dataDir,
    outboxDir: engines.outboxDir,
    mailTransport: mail.kind,
    queues,
    tokens,
    devAccounts,
    reconcileNow: loops.reconcileNow,
    fireDueTimers: loops.fireDueTimers,
    sendMonthlyReport: loops.sendMonthlyReport,
    // The order of a graceful stop: the requests accepted finish first (an intake still needs its
    // queue), then the pollers, timers and reconciler finish what they hold, then the engines close.
    close: async () => {
      const started = performance.now();
      const inFlight = server.http.inFlight;
      const finished = await server.http.stop();
      await loops.stop();
      await engines.close();
      logger.info('runtime.stopped', { inFlight, finishedInGrace: finished, ms: Math.round(performance.now() - started) });
    },
  };
}
