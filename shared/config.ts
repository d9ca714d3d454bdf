import { z } from 'zod';

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

const apiSchema = z.object({
  NODE_ENV: z.string().default('development'),
  TABLE_NAME: z.string().min(3).default('union-cases'),
  AWS_REGION: z.string().optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  FORM_RATE_LIMIT: positiveInt(5),
  TRACK_RATE_LIMIT: positiveInt(30),
  ALLOWED_ORIGINS: origins,
  ALLOWED_REDIRECT_ORIGINS: origins,
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  CALENDAR_CACHE_SECONDS: z.coerce.number().int().min(0).default(60),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
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

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const config = parse(apiSchema, env);
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production');
  }
  return config;
}

const localSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('.data'),
});

export type LocalConfig = z.infer<typeof localSchema>;

/** Every variable the local runtime reads besides the API's. */
export const LOCAL_ENV_VARIABLES = Object.keys(localSchema.shape);

export function loadLocalConfig(env: Record<string, string | undefined> = process.env): LocalConfig {
  return parse(localSchema, env);
}
