import { sign, verify } from 'hono/jwt';
import * as z from 'zod';
import { UnauthorizedError } from '../../domain/errors';
import { ROLES, type Principal } from '../../domain/principal';
import type { TokenVerifier } from '../../ports';
import { VerifiedTokens } from './verified-tokens';

export interface Hs256Options {
  secret: string;
  issuer?: string;
  audience?: string;
  /** The longest a token may live (from its iat, and from now): a leaked token cannot be good for years. */
  maxLifetimeSeconds?: number;
}

/** The ready-made tokens of `npm start` live 30 days; nothing longer is accepted by default. */
export const MAX_TOKEN_LIFETIME_SECONDS = 31 * 86_400;


const claims = z.object({
  sub: z.string().min(1),
  roles: z.array(z.string()),
  office: z.string().min(1).optional(),
  exp: z.number(),
  iat: z.number().optional(),
});

/**
 * Verifies HS256 tokens signed with JWT_SECRET (the local runtime and tests). Only HS256 is
 * accepted, so `alg: none` and algorithm confusion fail; `exp` is required; `iss`/`aud` are checked
 * when configured. Roles the system does not know are ignored rather than trusted.
 */
export class Hs256TokenVerifier implements TokenVerifier {
  private readonly verified = new VerifiedTokens(() => this.now());

  constructor(
    private readonly options: Hs256Options,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string): Promise<Principal> {
    return this.verified.principalOf(token, (t) => this.verifyUncached(t));
  }

  private async verifyUncached(token: string): Promise<{ principal: Principal; exp: number }> {
    let payload: unknown;
    try {
      payload = await verify(token, this.options.secret, {
        alg: 'HS256',
        ...(this.options.issuer ? { iss: this.options.issuer } : {}),
        ...(this.options.audience ? { aud: this.options.audience } : {}),
      });
    } catch (err) {
      throw new UnauthorizedError(err instanceof Error && /expired/i.test(err.message) ? 'Token expired' : 'Invalid token');
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) throw new UnauthorizedError('Token lacks required claims (sub, roles, exp)');
    if (parsed.data.exp * 1000 <= this.now()) throw new UnauthorizedError('Token expired');
    const max = this.options.maxLifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS;
    const from = Math.min(this.now() / 1000, parsed.data.iat ?? Infinity);
    if (parsed.data.exp - from > max) throw new UnauthorizedError(`Token lifetime exceeds the maximum of ${Math.round(max / 86_400)} days`);
    const roles = parsed.data.roles.filter((r): r is Principal['roles'][number] => (ROLES as readonly string[]).includes(r));
    return { principal: { sub: parsed.data.sub, roles, ...(parsed.data.office ? { office: parsed.data.office } : {}) }, exp: parsed.data.exp };
  }
}

export interface DevTokenClaims {
  sub: string;
  roles: Principal['roles'];
  office?: string;
}

/** Signs a token the verifier above accepts (local dev tokens, tests). */
export async function signHs256(claims: DevTokenClaims, options: Hs256Options & { ttlSeconds: number; now?: number }): Promise<string> {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  return sign(
    {
      ...claims,
      iat,
      exp: iat + options.ttlSeconds,
      ...(options.issuer ? { iss: options.issuer } : {}),
      ...(options.audience ? { aud: options.audience } : {}),
    },
    options.secret,
    'HS256',
  );
}
