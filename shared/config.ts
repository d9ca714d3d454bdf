import * as z from 'zod/mini';
import { en } from 'zod/locales';
import type { Category } from './domain/case';
import { MAILBOX_FIELD_NAMES } from './domain/letter';

// zod/mini, not the full API: this module is in every Lambda, and the full zod is ~3× the size.
// It needs its messages loaded (the full API does that on import).
z.config(en());

/**
 * Configuration, read once from the environment and checked at start-up: a missing or malformed
 * setting stops the process with a message naming it, instead of failing on the first request.
 * Every variable is listed in the README's configuration table.
 */
const csv = z.pipe(
  z.optional(z.string()),
  z.transform((s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean)),
);

const origins = z.pipe(
  csv,
  z.array(
    z.string().check(
      z.refine((s) => {
        try {
          return new URL(s).origin === s;
        } catch {
          return false;
        }
      }, 'must be origins like https://union.example.org (scheme, host, optional port; no path)'),
    ),
  ),
);

/** An integer from the environment, within bounds, with a default. */
const intVar = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(min), z.lte(max))), fallback);
const positiveInt = (fallback: number) => intVar(fallback, 1);
/** An integer within bounds, inside a JSON setting. */
const intIn = (min: number, max: number) => z.optional(z.int().check(z.gte(min), z.lte(max)));
const text = (check?: z.core.$ZodCheck<string>) => z.optional(check ? z.string().check(check) : z.string());

/** A JSON object in one variable (unset → {}), checked against `shape`. */
function jsonObject<T extends z.ZodMiniType>(shape: T) {
  return z.pipe(
    z.pipe(
      z.optional(z.string()),
      z.transform((value: string | undefined, ctx) => {
        if (!value) return {};
        try {
          return JSON.parse(value) as unknown;
        } catch {
          ctx.issues.push({ code: 'custom', message: 'must be JSON', input: value });
          return z.NEVER;
        }
      }),
    ),
    shape,
  );
}

const apiSchema = z.object({
  NODE_ENV: z._default(z.string(), 'development'),
  TABLE_NAME: z._default(z.string().check(z.minLength(3)), 'union-cases'),
  AWS_REGION: text(),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  JWT_SECRET: text(z.minLength(32, 'must be at least 32 characters')),
  // The HMAC key of the contact hashes that find 重复件 at intake; without it one is generated once and kept in the table.
  CONTACT_HASH_SECRET: text(z.minLength(32, 'must be at least 32 characters')),
  JWT_ISSUER: text(),
  JWT_AUDIENCE: text(),
  // Cognito user pool on AWS: the API then accepts the pool's ID tokens instead of HS256 ones.
  COGNITO_USER_POOL_ID: text(z.regex(/^(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d_[A-Za-z0-9]+$/, 'must be a user pool id like ap-east-1_AbC123xyz')),
  COGNITO_CLIENT_ID: text(z.regex(/^[\w+]{1,128}$/, 'must be an app client id of the user pool')),
  // The console's managed login (Cognito's hosted OAuth 2.0 pages): its domain and the console's app client.
  COGNITO_DOMAIN: z.optional(
    z.url().check(z.refine((s) => /^https:\/\/[^/?#]+$/.test(s), 'must be the managed login domain, e.g. https://union-cases.auth.ap-east-1.amazoncognito.com (https, no path)')),
  ),
  COGNITO_CONSOLE_CLIENT_ID: text(z.regex(/^[\w+]{1,128}$/, 'must be an app client id of the user pool')),
  // Local sign-in (POST /v1/auth/login): token lifetime in minutes (at most 12 h) and attempts per client IP per minute.
  LOGIN_TOKEN_MINUTES: intVar(480, 5, 720),
  LOGIN_RATE_LIMIT: positiveInt(20),
  FORM_RATE_LIMIT: positiveInt(5),
  TRACK_RATE_LIMIT: positiveInt(30),
  TRACK_TICKET_RATE_LIMIT: positiveInt(60),
  ALLOWED_ORIGINS: origins,
  ALLOWED_REDIRECT_ORIGINS: origins,
  // Files attached to letters on AWS: the private bucket (and an S3-compatible endpoint for tests).
  ATTACHMENTS_BUCKET: text(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')),
  ATTACHMENTS_ENDPOINT: z.optional(z.url()),
  // The union's own form field names mapped onto the mailbox's, e.g. {"content":"message","tel":"phone"}.
  MAILBOX_FIELDS: jsonObject(z.record(z.string().check(z.minLength(1), z.maxLength(100)), z.enum(MAILBOX_FIELD_NAMES))),
  // Proxies in front of the local runtime that append to X-Forwarded-For: `true` is one, `false` none.
  TRUST_PROXY: z.pipe(
    z._default(z.union([z.enum(['true', 'false']), z.string().check(z.regex(/^\d$/, 'must be true, false or a hop count 0–9'))]), 'false'),
    z.transform((v: string) => (v === 'false' ? 0 : v === 'true' ? 1 : Number(v))),
  ),
  CALENDAR_CACHE_SECONDS: intVar(60, 0),
  LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
  // Queues: one per category plus its dead-letter queue. Set on AWS; the local runtime makes its own.
  QUEUE_URL_ADVICE: z.optional(z.url()),
  QUEUE_URL_COMPLAINT: z.optional(z.url()),
  QUEUE_URL_INVESTIGATION: z.optional(z.url()),
  DLQ_URL_ADVICE: z.optional(z.url()),
  DLQ_URL_COMPLAINT: z.optional(z.url()),
  DLQ_URL_INVESTIGATION: z.optional(z.url()),
  SQS_ENDPOINT: z.optional(z.url()),
  // Routing and mail (router, reconciler).
  ROUTING_CACHE_SECONDS: intVar(30, 0),
  PUBLIC_BASE_URL: z.optional(z.url()),
  MAIL_FROM: z._default(z.string().check(z.minLength(3)), '工会案件系统 Union cases <cases@localhost>'),
  // The mailbox as an e-mail address: letters sent to it become cases, replies to receipts supplements.
  MAILBOX_ADDRESS: z.optional(z.email('must be an e-mail address, e.g. chair@union.example.org')),
  // On AWS: the private bucket the SES receipt rule stores raw messages in (set by the stack), and an S3-compatible endpoint for tests.
  INBOUND_MAIL_BUCKET: text(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')),
  SES_CONFIGURATION_SET: text(),
  RECONCILE_GRACE_SECONDS: intVar(60, 0),
  // How long a message being routed stays hidden: the reconciler re-sends a case only after this plus the grace.
  QUEUE_VISIBILITY_SECONDS: intVar(30, 1, 43_200),
  // 督办 ladder and times, as JSON over the defaults, e.g. {"warnBeforeWorkingDays":{"complaint":5},"reminderHour":10}.
  ESCALATION_POLICY: jsonObject(
    z.strictObject({
      warnBeforeWorkingDays: z.optional(z.partial(z.strictObject({ advice: z.int().check(z.gte(1), z.lte(29)), complaint: z.int().check(z.gte(1), z.lte(29)), investigation: z.int().check(z.gte(1), z.lte(29)) }))),
      urgentWarnBeforeHours: z.optional(z.number().check(z.gte(0.25), z.lte(23))),
      reminderHour: intIn(0, 23),
      reminderMinute: intIn(0, 59),
      chairmanFromOverdueDay: intIn(1, 60),
      autoCloseAfterWorkingDays: intIn(1, 60),
      returnReviewWorkingDays: intIn(1, 10),
    }),
  ),
  // Working calendars given at deployment, in place of the shipped data for those years (an admin's PUT still wins),
  // e.g. {"2027":{"holidays":["2027-01-01"],"workdays":[]}}.
  CALENDAR_OVERRIDES: jsonObject(
    z.record(
      z.string().check(z.regex(/^20\d\d$/, 'keys must be years')),
      z.strictObject({ holidays: z.array(z.iso.date()).check(z.maxLength(366)), workdays: z.array(z.iso.date()).check(z.maxLength(366)) }),
    ),
  ),
  // Sign-for time, pauses and the reopen window, as JSON over the defaults, e.g. {"signWithinWorkingDays":2}.
  LIFECYCLE_POLICY: jsonObject(
    z.strictObject({
      signWithinWorkingDays: intIn(1, 10),
      maxPauses: intIn(0, 10),
      reopenWithinDays: intIn(1, 365),
      problemAfter: z.optional(z.partial(z.strictObject({ returns: z.int().check(z.gte(1), z.lte(20)), transfers: z.int().check(z.gte(1), z.lte(20)), reworks: z.int().check(z.gte(1), z.lte(20)) }))),
    }),
  ),
  // Send-back reasons (退单原因) in order, code → label (zh-CN, or {"zh-CN":…,"en":…}), in place of the defaults,
  // e.g. {"not_ours":"非本部门职责","incomplete":"信息不全","duplicate":"重复件","other":"其他"}.
  RETURN_REASONS: jsonObject(
    z
      .record(
        z.string().check(z.regex(/^[a-z][a-z0-9_]{0,39}$/, 'codes must be short lowercase codes such as not_ours')),
        z.union([z.string().check(z.minLength(1), z.maxLength(50)), z.strictObject({ 'zh-CN': z.string().check(z.minLength(1), z.maxLength(50)), en: z.optional(z.string().check(z.minLength(1), z.maxLength(80))) })]),
      )
      .check(z.refine((r) => Object.keys(r).length <= 20, 'at most 20 reasons')),
  ),
  // The monthly report to leadership: addresses (comma-separated), and the hour of the month's first working day it goes out.
  LEADERSHIP_EMAILS: z.pipe(csv, z.array(z.email('must be e-mail addresses, comma-separated'))),
  MONTHLY_REPORT_HOUR: intVar(9, 0, 23),
  // SLA timers on AWS (EventBridge Scheduler); the local runtime keeps timers in the table.
  SCHEDULE_GROUP: text(),
  ESCALATOR_ARN: text(),
  SCHEDULER_ROLE_ARN: text(),
  TIMER_DLQ_ARN: text(),
});

export type ApiConfig = z.infer<typeof apiSchema>;

/** Groups of variables that go together (a function reading one part of a group reads all of it). */
const STORE = ['TABLE_NAME', 'AWS_REGION', 'DYNAMODB_ENDPOINT', 'LOG_LEVEL', 'CALENDAR_CACHE_SECONDS', 'CALENDAR_OVERRIDES', 'ESCALATION_POLICY'] as const;
const MAIL = ['PUBLIC_BASE_URL', 'MAIL_FROM', 'SES_CONFIGURATION_SET'] as const;
const QUEUES = ['QUEUE_URL_ADVICE', 'QUEUE_URL_COMPLAINT', 'QUEUE_URL_INVESTIGATION', 'DLQ_URL_ADVICE', 'DLQ_URL_COMPLAINT', 'DLQ_URL_INVESTIGATION', 'SQS_ENDPOINT'] as const;
const TIMERS = ['SCHEDULE_GROUP', 'ESCALATOR_ARN', 'SCHEDULER_ROLE_ARN', 'TIMER_DLQ_ARN'] as const;

/** Every variable the API reads, for the README's configuration table (a test keeps them in step). */
export const API_ENV_VARIABLES = Object.keys(apiSchema.shape);

export class ConfigError extends Error {}

function parse<T extends z.ZodMiniType>(schema: T, env: Record<string, string | undefined>): z.infer<T> {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** The category queues named by the environment; fails fast, naming what is missing. */
export function queuesFromConfig(config: Pick<ApiConfig, (typeof QUEUES)[number]>): Record<Category, { url: string; dlqUrl: string }> {
  const missing: string[] = [];
  const entry = (category: Category) => {
    const suffix = category.toUpperCase() as 'ADVICE' | 'COMPLAINT' | 'INVESTIGATION';
    const url = config[`QUEUE_URL_${suffix}`];
    const dlqUrl = config[`DLQ_URL_${suffix}`];
    if (!url) missing.push(`QUEUE_URL_${suffix}`);
    if (!dlqUrl) missing.push(`DLQ_URL_${suffix}`);
    return { url: url ?? '', dlqUrl: dlqUrl ?? '' };
  };
  const queues = { advice: entry('advice'), complaint: entry('complaint'), investigation: entry('investigation') };
  if (missing.length) throw new ConfigError(`Invalid configuration:\n${missing.map((m) => `  ${m}: required`).join('\n')}`);
  return queues;
}

/** EventBridge Scheduler settings named by the environment; fails fast, naming what is missing. */
export function schedulerFromConfig(config: Pick<ApiConfig, (typeof TIMERS)[number]>): { groupName: string; targetArn: string; roleArn: string; deadLetterArn?: string } {
  const missing = (['SCHEDULE_GROUP', 'ESCALATOR_ARN', 'SCHEDULER_ROLE_ARN'] as const).filter((k) => !config[k]);
  if (missing.length) throw new ConfigError(`Invalid configuration:\n${missing.map((m) => `  ${m}: required`).join('\n')}`);
  return {
    groupName: config.SCHEDULE_GROUP ?? '',
    targetArn: config.ESCALATOR_ARN ?? '',
    roleArn: config.SCHEDULER_ROLE_ARN ?? '',
    ...(config.TIMER_DLQ_ARN && { deadLetterArn: config.TIMER_DLQ_ARN }),
  };
}

/** The Cognito user pool and the app clients whose ID tokens the API accepts (the API client, and the console's when set), when configured. */
export function cognitoFromConfig(
  config: Pick<ApiConfig, 'COGNITO_USER_POOL_ID' | 'COGNITO_CLIENT_ID' | 'COGNITO_CONSOLE_CLIENT_ID'>,
): { userPoolId: string; clientId: string[] } | undefined {
  if (!config.COGNITO_USER_POOL_ID || !config.COGNITO_CLIENT_ID) return undefined;
  const clientId = [config.COGNITO_CLIENT_ID, ...(config.COGNITO_CONSOLE_CLIENT_ID && config.COGNITO_CONSOLE_CLIENT_ID !== config.COGNITO_CLIENT_ID ? [config.COGNITO_CONSOLE_CLIENT_ID] : [])];
  return { userPoolId: config.COGNITO_USER_POOL_ID, clientId };
}

/** How the console signs people in: local accounts (POST /v1/auth/login), or Cognito's managed login. */
export type SignInConfig =
  | { provider: 'local'; tokenMinutes: number }
  | { provider: 'cognito'; authorizeUrl: string; tokenUrl: string; logoutUrl: string; clientId: string; scopes: string[] };

/** The scopes the console asks Cognito for: `openid` for the ID token, `profile` for the `name` it greets people by. */
export const CONSOLE_SCOPES = ['openid', 'profile'];

export function signInFromConfig(config: Pick<ApiConfig, 'COGNITO_USER_POOL_ID' | 'COGNITO_DOMAIN' | 'COGNITO_CONSOLE_CLIENT_ID' | 'LOGIN_TOKEN_MINUTES'>): SignInConfig {
  if (!config.COGNITO_USER_POOL_ID || !config.COGNITO_DOMAIN || !config.COGNITO_CONSOLE_CLIENT_ID) return { provider: 'local', tokenMinutes: config.LOGIN_TOKEN_MINUTES };
  const base = config.COGNITO_DOMAIN;
  return { provider: 'cognito', authorizeUrl: `${base}/oauth2/authorize`, tokenUrl: `${base}/oauth2/token`, logoutUrl: `${base}/logout`, clientId: config.COGNITO_CONSOLE_CLIENT_ID, scopes: CONSOLE_SCOPES };
}

/**
 * The variables each Lambda besides the API reads, and validates: nothing else (no auth, and
 * Scheduler only where timers are scheduled). The API reads them all (loadApiConfig). The template
 * gives each function these and no others (test/aws checks it against the synthesized template).
 */
export const FUNCTION_VARIABLES = {
  router: [...STORE, ...MAIL, 'ROUTING_CACHE_SECONDS', 'MAILBOX_ADDRESS', ...TIMERS],
  escalator: [...STORE, ...MAIL, ...TIMERS],
  reconciler: [...STORE, ...QUEUES, ...TIMERS, 'RECONCILE_GRACE_SECONDS', 'QUEUE_VISIBILITY_SECONDS'],
  // The monthly e-mail has no case links, and the reporter moves no timers (it never stores a calendar year).
  reporter: [...STORE, 'MAIL_FROM', 'SES_CONFIGURATION_SET', 'LEADERSHIP_EMAILS', 'MONTHLY_REPORT_HOUR'],
  // Files a message SES received: a case (queued for routing, files stored) or a supplement (the office e-mailed).
  'inbound-mail': [...STORE, ...MAIL, ...QUEUES, 'MAILBOX_ADDRESS', 'INBOUND_MAIL_BUCKET', 'ATTACHMENTS_BUCKET', 'ATTACHMENTS_ENDPOINT'],
} as const satisfies Record<string, readonly (keyof ApiConfig)[]>;

export type WorkerName = keyof typeof FUNCTION_VARIABLES;
export type WorkerConfig<F extends WorkerName> = Pick<ApiConfig, (typeof FUNCTION_VARIABLES)[F][number]>;

/** The configuration of one of the Lambdas other than the API: its own variables, checked; the rest of the environment ignored. */
export function loadFunctionConfig<F extends WorkerName>(fn: F, env: Record<string, string | undefined> = process.env): WorkerConfig<F> {
  const mask: Partial<Record<keyof ApiConfig, true>> = Object.fromEntries(FUNCTION_VARIABLES[fn].map((k) => [k, true]));
  return parse(z.pick(apiSchema, mask), env) as WorkerConfig<F>;
}

/** The address a `Name <address>` setting (MAIL_FROM) sends from, lower-cased. */
export function addressOf(mailbox: string): string {
  return (/<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim().toLowerCase();
}

/** PUBLIC_BASE_URL, which the functions that e-mail case links cannot do without. */
export function publicBaseUrlFromConfig(config: Pick<ApiConfig, 'PUBLIC_BASE_URL'>): string {
  if (!config.PUBLIC_BASE_URL) throw new ConfigError('Invalid configuration:\n  PUBLIC_BASE_URL: required for the links in e-mails');
  return config.PUBLIC_BASE_URL;
}

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const config = parse(apiSchema, env);
  if (!config.COGNITO_USER_POOL_ID !== !config.COGNITO_CLIENT_ID) {
    const [missing, other] = config.COGNITO_USER_POOL_ID ? ['COGNITO_CLIENT_ID', 'COGNITO_USER_POOL_ID'] : ['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID'];
    throw new ConfigError(`Invalid configuration:\n  ${missing}: required with ${other}`);
  }
  // The console's managed login needs all three; the user pool needs both of its own.
  const consoleVars = (['COGNITO_DOMAIN', 'COGNITO_CONSOLE_CLIENT_ID'] as const).filter((k) => config[k]);
  if (consoleVars.length > 0 || config.COGNITO_USER_POOL_ID) {
    const missing = (['COGNITO_DOMAIN', 'COGNITO_CONSOLE_CLIENT_ID'] as const).filter((k) => !config[k]);
    if (consoleVars.length > 0 && !config.COGNITO_USER_POOL_ID) throw new ConfigError(`Invalid configuration:\n  COGNITO_USER_POOL_ID: required with ${consoleVars.join(', ')}`);
    if (missing.length) throw new ConfigError(`Invalid configuration:\n${missing.map((m) => `  ${m}: required with COGNITO_USER_POOL_ID (the console signs in through Cognito's managed login)`).join('\n')}`);
  }
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET && !cognitoFromConfig(config)) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production, unless COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID are set');
  }
  return config;
}

const localSchema = z.object({
  PORT: intVar(3000, 0, 65_535),
  HOST: z._default(z.string(), '127.0.0.1'),
  DATA_DIR: z._default(z.string(), '.data'),
  SMTP_URL: z.optional(z.url()),
  SEED_FILE: text(),
  RECONCILE_INTERVAL_SECONDS: intVar(60, 1),
  TIMER_POLL_MS: intVar(200, 10, 60_000),
  ROUTING_BACKLOG_LIMIT: intVar(200, 0),
  // The mailbox address's SMTP listener (MAILBOX_ADDRESS): loopback unless said otherwise; 0 picks a free port.
  INBOUND_SMTP_PORT: z.optional(z.pipe(z.coerce.number(), z.int().check(z.gte(0), z.lte(65_535)))),
  INBOUND_SMTP_HOST: z._default(z.string(), '127.0.0.1'),
});

export type LocalConfig = z.infer<typeof localSchema>;

/** Every variable the local runtime reads besides the API's. */
export const LOCAL_ENV_VARIABLES = Object.keys(localSchema.shape);

export function loadLocalConfig(env: Record<string, string | undefined> = process.env): LocalConfig {
  return parse(localSchema, env);
}
