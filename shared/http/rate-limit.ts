import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { RateLimitedError } from '../domain/errors';
import type { Logger } from '../observability/logger';
import type { Clock, RateLimiter } from '../ports';

export interface RateLimitOptions {
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  bucket: string;
  limitPerMinute: number;
  clientIp: (c: Context) => string | undefined;
}

/**
 * Per-client-IP limit on public endpoints. IPs are hashed before they are stored. If the counter
 * store fails, the request is let through and the failure logged: a limiter must not take the
 * public form down with it.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  return async function rateLimit(c, next) {
    const client = createHash('sha256').update(options.clientIp(c) ?? 'unknown').digest('base64url').slice(0, 22);
    let decision: { allowed: boolean; retryAfter: number } | undefined;
    try {
      decision = await options.limiter.hit(options.bucket, client, options.limitPerMinute, options.clock.now());
    } catch (err) {
      options.logger.warn('rate_limit.store_failed', { bucket: options.bucket, error: err });
    }
    if (decision && !decision.allowed) throw new RateLimitedError(`At most ${options.limitPerMinute} requests per minute; try again later`, decision.retryAfter);
    await next();
  };
}
