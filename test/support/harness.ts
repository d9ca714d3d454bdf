import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'hono';
import { LocalAccountTokens } from '../../shared/adapters/auth/account-tokens';
import { Hs256TokenIssuer, Hs256TokenVerifier, signHs256 } from '../../shared/adapters/auth/hs256';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { ensureTable } from '../../shared/adapters/dynamo/ensure-table';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { randomIds } from '../../shared/adapters/ids';
import { startDynalite, type LocalDynamo } from '../../shared/adapters/local/dynalite';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoTimerStore } from '../../shared/adapters/dynamo/timer-store';
import { outboxMailer } from '../../shared/adapters/mail/nodemailer-mailer';
import { LocalAttachmentStore } from '../../shared/adapters/files/local-attachments';
import { lifecyclePolicy } from '../../shared/compose/policies';
import { appDeps, core, type AppParts } from '../../shared/compose/use-cases';
import { loadApiConfig, type ApiConfig } from '../../shared/config';
import { startQueues, type LocalQueues } from '../../functions/local/engines';
import type { Role } from '../../shared/domain/principal';
import { createApp } from '../../shared/http/app';
import { repositoryDocsFiles } from '../../shared/http/docs';
import { createLogger } from '../../shared/observability/logger';
import type { Clock } from '../../shared/ports';
import { checkResponse, describeRequest, OUTSIDE_SPEC_HEADER } from './contract';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

let engine: LocalDynamo | undefined;
let engineUsers = 0;
let tableCounter = 0;

/**
 * One in-memory dynalite per test file, shared by its harnesses; each harness gets its own table.
 * With DYNAMODB_TEST_ENDPOINT set (`npm run test:dynamodb-local`), that engine instead: it is not
 * ours to start or close.
 */
async function sharedEngine(): Promise<LocalDynamo> {
  engineUsers++;
  const external = process.env.DYNAMODB_TEST_ENDPOINT;
  engine ??= external ? { endpoint: external, close: async () => undefined } : await startDynalite();
  return engine;
}

export interface Harness {
  app: ReturnType<typeof createApp>;
  /** The embedded SQS engine behind deps.queue, for reading what intake enqueued. */
  sqs: LocalQueues;
  /** What the app was built from (adapters, core, settings), as the runtimes pass it to `appDeps`. */
  deps: AppParts;
  /**
   * Another app over the same table, built the same way (shared/compose `appDeps`) with some
   * parts replaced: a failing store, another sign-in. Its responses are not contract-checked.
   */
  appWith(parts: Partial<AppParts>): ReturnType<typeof createApp>;
  clock: TestClock;
  db: DynamoDBClient;
  tableName: string;
  /** Where the harness's e-mails land (.eml files). */
  outboxDir: string;
  /** Every log line written, parsed. */
  logs: Record<string, unknown>[];
  /** Raw log lines, for scanning for personal data. */
  rawLogs: string[];
  token(roles: Role[], extra?: { sub?: string; office?: string; ttlSeconds?: number }): Promise<string>;
  /**
   * app.request with a bearer token for the given roles (none: no Authorization header). Like
   * every app.request here, its response is checked against openapi.yaml; `outsideSpec` says
   * why a request is deliberately outside it (a method the path does not take, an unknown path).
   */
  request(path: string, init?: RequestInit & { roles?: Role[]; json?: unknown; ip?: string; outsideSpec?: string }): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  now?: string;
  config?: Partial<ApiConfig>;
  deps?: Partial<AppParts>;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const local = await sharedEngine();
  const tableName = `test-${process.pid}-${++tableCounter}`;
  const db = createDynamoClient({ tableName, endpoint: local.endpoint });
  await ensureTable(db, tableName);
  const clock = new TestClock(Date.parse(options.now ?? '2026-03-02T09:30:00+08:00'));
  const rawLogs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    write: (line) => {
      rawLogs.push(line);
      logs.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  // The defaults of a bare machine, with the limits and origins the tests are written against.
  const config: ApiConfig = {
    ...loadApiConfig({}),
    FORM_RATE_LIMIT: 5,
    TRACK_RATE_LIMIT: 30,
    LOGIN_RATE_LIMIT: 20,
    ALLOWED_ORIGINS: ['https://union.example.org'],
    ALLOWED_REDIRECT_ORIGINS: ['https://union.example.org'],
    ...options.config,
  };
  const sqs = await startQueues(loadApiConfig({ AWS_REGION: 'ap-east-1' }), 1);
  const stores = dynamoStores(db, tableName);
  // The real table-backed timers: tests can read what the API scheduled.
  const timers = new DynamoTimerStore(db, tableName);
  const outboxDir = await mkdtemp(join(tmpdir(), 'harness-outbox-'));
  const deps: AppParts = {
    ...core(stores, { timers, clock, logger, config }),
    mailer: outboxMailer({ dir: outboxDir, from: 'cases@union.example.org' }),
    attachments: new LocalAttachmentStore(`${outboxDir}-attachments`),
    lifecycle: lifecyclePolicy(config),
    publicBaseUrl: 'https://cases.union.example.org',
    queue: sqs.queue,
    // As the runtimes wire it; accounts read afresh on every request, so a test sees a change at once.
    tokens: new LocalAccountTokens({ inner: new Hs256TokenVerifier({ secret: TEST_SECRET }), accounts: stores.accounts, cacheMs: 0 }),
    // Local sign-in signs with real time, as the verifier checks: the harness clock moves lockouts, not token expiry.
    signIn: { provider: 'local', issuer: new Hs256TokenIssuer({ secret: TEST_SECRET, ttlSeconds: 8 * 3600 }) },
    clock,
    ids: randomIds,
    logger,
    config,
    // Tests say which client they are with an x-test-ip header.
    clientIp: (c: Context) => c.req.header('x-test-ip') ?? '198.51.100.7',
    docs: repositoryDocsFiles(),
    ...options.deps,
  };
  // The same helper the runtimes build their app's deps with (shared/compose/use-cases.ts).
  const app = createApp(appDeps(deps));
  // Every response any test gets from this app, through h.request or h.app.request, meets the contract.
  const unchecked = app.request;
  app.request = (async (...args: Parameters<typeof unchecked>) => {
    const res = await unchecked(...args);
    const [input, init] = args;
    await checkResponse(describeRequest(input, init), res);
    return res;
  }) as typeof app.request;

  const token: Harness['token'] = (roles, extra = {}) =>
    signHs256(
      { sub: extra.sub ?? `test-${roles.join('-') || 'nobody'}`, roles, ...(extra.office && { office: extra.office }) },
      { secret: TEST_SECRET, ttlSeconds: extra.ttlSeconds ?? 3600 },
    );

  const request: Harness['request'] = async (path, init = {}) => {
    const { roles, json, ip, outsideSpec, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (outsideSpec) headers.set(OUTSIDE_SPEC_HEADER, outsideSpec);
    if (roles) headers.set('Authorization', `Bearer ${await token(roles)}`);
    if (ip) headers.set('x-test-ip', ip);
    let body = rest.body;
    if (json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(json);
    }
    return app.request(path, { ...rest, headers, body });
  };

  return {
    app,
    sqs,
    deps,
    appWith: (parts) => createApp(appDeps({ ...deps, ...parts })),
    clock,
    db,
    tableName,
    logs,
    rawLogs,
    token,
    request,
    outboxDir,
    close: async () => {
      await sqs.close();
      await rm(outboxDir, { recursive: true, force: true });
      await rm(`${outboxDir}-attachments`, { recursive: true, force: true });
      db.destroy();
      if (--engineUsers === 0 && engine) {
        const e = engine;
        engine = undefined;
        await e.close();
      }
    },
  };
}

/** A valid hotline case body; override fields per test. */
export function hotlineCase(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel: 'hotline',
    category: 'complaint',
    subject: '工地拖欠工资三个月',
    description: '来电反映某建筑工地拖欠农民工工资三个月，约20人。',
    topic: 'wages',
    complainant: { name: '王师傅', phone: '13800138000', employer: '某建筑公司' },
    hotline: { callId: 'call-0001', operatorId: 'op-7' },
    ...overrides,
  };
}
