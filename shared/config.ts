import * as z from 'zod';
import type { Category } from './domain/case';

/**
 * Configuration, read once from the environment and checked at start-up: a missing or malformed
 * setting stops the process with a message naming it, instead of failing on the first request.
 * Every variable is listed in the README's configuration table.
 */
const csv = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean));

const origins = csv.pipe(
  z.array(
    z.string().refine((s) => {
      try {
        return new URL(s).origin === s;
      } catch {
        return false;
      }
    }, 'must be origins like https://union.example.org (scheme, host, optional port; no path)'),
  ),
);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A JSON object in one variable (unset → {}), checked against `shape`. */
function jsonObject<T extends z.ZodType>(shape: T) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(shape);
}

const apiSchema = z.object({
  NODE_ENV: z.string().default('development'),
  TABLE_NAME: z.string().min(3).default('union-cases'),
  AWS_REGION: z.string().optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  // Cognito user pool on AWS: the API then accepts the pool's ID tokens instead of HS256 ones.
  COGNITO_USER_POOL_ID: z
    .string()
    .regex(/^(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d_[A-Za-z0-9]+$/, 'must be a user pool id like ap-east-1_AbC123xyz')
    .optional(),
  COGNITO_CLIENT_ID: z.string().regex(/^[\w+]{1,128}$/, 'must be an app client id of the user pool').optional(),
  FORM_RATE_LIMIT: positiveInt(5),
  TRACK_RATE_LIMIT: positiveInt(30),
  ALLOWED_ORIGINS: origins,
  ALLOWED_REDIRECT_ORIGINS: origins,
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  CALENDAR_CACHE_SECONDS: z.coerce.number().int().min(0).default(60),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Queues: one per category plus its dead-letter queue. Set on AWS; the local runtime makes its own.
  QUEUE_URL_ADVICE: z.url().optional(),
  QUEUE_URL_COMPLAINT: z.url().optional(),
  QUEUE_URL_INVESTIGATION: z.url().optional(),
  DLQ_URL_ADVICE: z.url().optional(),
  DLQ_URL_COMPLAINT: z.url().optional(),
  DLQ_URL_INVESTIGATION: z.url().optional(),
  SQS_ENDPOINT: z.url().optional(),
  // Routing and mail (router, reconciler).
  ROUTING_CACHE_SECONDS: z.coerce.number().int().min(0).default(30),
  PUBLIC_BASE_URL: z.url().optional(),
  MAIL_FROM: z.string().min(3).default('工会案件系统 Union cases <cases@localhost>'),
  SES_CONFIGURATION_SET: z.string().optional(),
  RECONCILE_GRACE_SECONDS: z.coerce.number().int().min(0).default(60),
  // 督办 ladder and times, as JSON over the defaults, e.g. {"warnBeforeWorkingDays":{"complaint":5},"reminderHour":10}.
  ESCALATION_POLICY: jsonObject(
    z.strictObject({
      warnBeforeWorkingDays: z.strictObject({ advice: z.number().int().min(1).max(29), complaint: z.number().int().min(1).max(29), investigation: z.number().int().min(1).max(29) }).partial().optional(),
      urgentWarnBeforeHours: z.number().min(0.25).max(23).optional(),
      reminderHour: z.number().int().min(0).max(23).optional(),
      reminderMinute: z.number().int().min(0).max(59).optional(),
      chairmanFromOverdueDay: z.number().int().min(1).max(60).optional(),
      autoCloseAfterWorkingDays: z.number().int().min(1).max(60).optional(),
    }),
  ),
  // Working calendars given at deployment, in place of the shipped data for those years (an admin's PUT still wins),
  // e.g. {"2027":{"holidays":["2027-01-01"],"workdays":[]}}.
  CALENDAR_OVERRIDES: jsonObject(
    z.record(
      z.string().regex(/^20\d\d$/, 'keys must be years'),
      z.strictObject({ holidays: z.array(z.iso.date()).max(366), workdays: z.array(z.iso.date()).max(366) }),
    ),
  ),
  // Sign-for time, pauses and the reopen window, as JSON over the defaults, e.g. {"signWithinWorkingDays":2}.
  LIFECYCLE_POLICY: jsonObject(
    z.strictObject({
      signWithinWorkingDays: z.number().int().min(1).max(10).optional(),
      maxPauses: z.number().int().min(0).max(10).optional(),
      reopenWithinDays: z.number().int().min(1).max(365).optional(),
    }),
  ),
  // The monthly report to leadership: addresses (comma-separated), and the hour of the month's first working day it goes out.
  LEADERSHIP_EMAILS: csv.pipe(z.array(z.email('must be e-mail addresses, comma-separated'))),
  MONTHLY_REPORT_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  // SLA timers on AWS (EventBridge Scheduler); the local runtime keeps timers in the table.
  SCHEDULE_GROUP: z.string().optional(),
  ESCALATOR_ARN: z.string().optional(),
  SCHEDULER_ROLE_ARN: z.string().optional(),
  TIMER_DLQ_ARN: z.string().optional(),
});

export type ApiConfig = z.infer<typeof apiSchema>;

/** Every variable the API reads, for the README's configuration table (a test keeps them in step). */
export const API_ENV_VARIABLES = Object.keys(apiSchema.shape);

export class ConfigError extends Error {}

function parse<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>): z.infer<T> {
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
export function queuesFromConfig(config: ApiConfig): Record<Category, { url: string; dlqUrl: string }> {
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
export function schedulerFromConfig(config: ApiConfig): { groupName: string; targetArn: string; roleArn: string; deadLetterArn?: string } {
  const missing = (['SCHEDULE_GROUP', 'ESCALATOR_ARN', 'SCHEDULER_ROLE_ARN'] as const).filter((k) => !config[k]);
  if (missing.length) throw new ConfigError(`Invalid configuration:\n${missing.map((m) => `  ${m}: required`).join('\n')}`);
  return {
    groupName: config.SCHEDULE_GROUP ?? '',
    targetArn: config.ESCALATOR_ARN ?? '',
    roleArn: config.SCHEDULER_ROLE_ARN ?? '',
    ...(config.TIMER_DLQ_ARN && { deadLetterArn: config.TIMER_DLQ_ARN }),
  };
}

/** The Cognito user pool and app client whose ID tokens the API accepts, when both are configured. */
export function cognitoFromConfig(config: Pick<ApiConfig, 'COGNITO_USER_POOL_ID' | 'COGNITO_CLIENT_ID'>): { userPoolId: string; clientId: string } | undefined {
  return config.COGNITO_USER_POOL_ID && config.COGNITO_CLIENT_ID ? { userPoolId: config.COGNITO_USER_POOL_ID, clientId: config.COGNITO_CLIENT_ID } : undefined;
}

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const config = parse(apiSchema, env);
  if (!config.COGNITO_USER_POOL_ID !== !config.COGNITO_CLIENT_ID) {
    const [missing, other] = config.COGNITO_USER_POOL_ID ? ['COGNITO_CLIENT_ID', 'COGNITO_USER_POOL_ID'] : ['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID'];
    throw new ConfigError(`Invalid configuration:\n  ${missing}: required with ${other}`);
  }
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET && !cognitoFromConfig(config)) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production, unless COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID are set');
  }
  return config;
}

const localSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('.data'),
  SMTP_URL: z.url().optional(),
  SEED_FILE: z.string().optional(),
  RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
  QUEUE_VISIBILITY_SECONDS: z.coerce.number().int().min(1).max(43_200).default(30),
  TIMER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
});

export type LocalConfig = z.infer<typeof localSchema>;

/** Every variable the local runtime reads besides the API's. */
export const LOCAL_ENV_VARIABLES = Object.keys(localSchema.shape);

export function loadLocalConfig(env: Record<string, string | undefined> = process.env): LocalConfig {
  return parse(localSchema, env);
}
