import { sign, verify } from 'hono/jwt';
import * as z from 'zod';
import { UnauthorizedError } from '../../domain/errors';
import { ROLES, type Principal } from '../../domain/principal';
import type { TokenIssuer, TokenVerifier } from '../../ports';
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
  name: z.string().min(1).max(100).optional(),
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
    const { sub, office, name } = parsed.data;
    return { principal: { sub, roles, ...(office && { office }), ...(name && { displayName: name }) }, exp: parsed.data.exp };
  }
}

export interface DevTokenClaims {
  sub: string;
  roles: Principal['roles'];
  office?: string;
  /** The display name (`name` claim). */
  name?: string;
  /** How the subject authenticated (RFC 8176): `['pwd']` on tokens from local sign-in. */
  amr?: string[];
  /** The account's password version the token was signed in with (local sign-in). */
  pwv?: number;
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

/** The `amr` value of tokens from local sign-in (a password). */
export const ACCOUNT_AMR = 'pwd';

/** The tokens local sign-in hands out: what the verifier above accepts, for `ttlSeconds`. */
export class Hs256TokenIssuer implements TokenIssuer {
  constructor(
    private readonly options: Hs256Options & { ttlSeconds: number },
    private readonly clock: () => number = Date.now,
  ) {}

  async issue(principal: Principal, account: { passwordVersion: number }): Promise<{ token: string; expiresAt: number }> {
    const now = this.clock();
    const claims: DevTokenClaims = {
      sub: principal.sub,
      roles: principal.roles,
      ...(principal.office && { office: principal.office }),
      ...(principal.displayName && { name: principal.displayName }),
      // Marks a local account's token: LocalAccountTokens holds it to the account as it is now.
      amr: [ACCOUNT_AMR],
      pwv: account.passwordVersion,
    };
    const token = await signHs256(claims, { ...this.options, now });
    return { token, expiresAt: (Math.floor(now / 1000) + this.options.ttlSeconds) * 1000 };
  }
}
