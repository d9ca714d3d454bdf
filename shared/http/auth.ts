import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthorizedError } from '../domain/errors';
import { hasAnyRole, type Principal, type Role } from '../domain/principal';
import type { TokenVerifier } from '../ports';

export type AuthEnv = { Variables: { principal: Principal } };

export interface BearerAuthOptions {
  verifier: TokenVerifier;
}

/** Resolves `Authorization: Bearer <JWT>` to the caller; 401 problem when missing or invalid. */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler<AuthEnv> {
  return async function bearerAuth(c, next) {
    const header = c.req.header('Authorization');
    const match = header ? /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)\s*$/i.exec(header) : null;
    if (!match?.[1]) throw new UnauthorizedError(header ? 'Malformed Authorization header: expected Bearer <JWT>' : 'Missing bearer token');
    c.set('principal', await options.verifier.verify(match[1]));
    await next();
  };
}

/** 403 problem unless the caller holds one of the roles. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AuthEnv> {
  return async function requireRole(c, next) {
    if (!hasAnyRole(c.get('principal'), roles)) throw new ForbiddenError(`Requires one of the roles: ${roles.join(', ')}`);
    await next();
  };
}
