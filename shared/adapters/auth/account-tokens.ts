import { decode } from 'hono/jwt';
import type { Account } from '../../domain/account';
import { UnauthorizedError } from '../../domain/errors';
import type { Principal } from '../../domain/principal';
import type { AccountStore, TokenVerifier } from '../../ports';
import { ACCOUNT_AMR } from './hs256';

export interface LocalAccountTokensOptions {
  /** Verifies the signature and claims first (HS256). */
  inner: TokenVerifier;
  accounts: AccountStore;
  now?: () => number;
  /** How long an account read is trusted; changes take effect within it. Default 30 s. */
  cacheMs?: number;
  /** At most this many accounts cached; oldest out first. */
  max?: number;
}

/**
 * Holds tokens from local sign-in (`amr: ["pwd"]`) to their account as it is now, not as it was
 * when the token was signed: a removed account's tokens stop working, a token signed in with an
 * earlier password (`pwv`) stops working, and changed roles, office or name apply — each within
 * `cacheMs`. Other tokens (dev tokens, tokens signed elsewhere with JWT_SECRET) pass unchanged.
 */
export class LocalAccountTokens implements TokenVerifier {
  private readonly cache = new Map<string, { account: Account | undefined; readAt: number }>();
  private readonly now: () => number;
  private readonly cacheMs: number;
  private readonly max: number;

  constructor(private readonly options: LocalAccountTokensOptions) {
    this.now = options.now ?? Date.now;
    this.cacheMs = options.cacheMs ?? 30_000;
    this.max = options.max ?? 1000;
  }

  async verify(token: string): Promise<Principal> {
    const principal = await this.options.inner.verify(token);
    // Verified above, so the payload is the signer's.
    const { payload } = decode(token);
    if (!Array.isArray(payload.amr) || !payload.amr.includes(ACCOUNT_AMR)) return principal;
    const account = await this.account(principal.sub);
    if (!account) throw new UnauthorizedError('The account of this token no longer exists; sign in again');
    if (payload.pwv !== account.passwordVersion) {
      throw new UnauthorizedError('The password of this account has changed since this token was issued; sign in again');
    }
    return { sub: account.username, roles: account.roles, ...(account.office && { office: account.office }), displayName: account.displayName };
  }

  private async account(username: string): Promise<Account | undefined> {
    const hit = this.cache.get(username);
    if (hit && this.now() - hit.readAt < this.cacheMs) return hit.account;
    const account = await this.options.accounts.get(username);
    this.cache.delete(username);
    if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(username, { account, readAt: this.now() });
    return account;
  }
}
