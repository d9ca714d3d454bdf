import type { Principal } from '../../domain/principal';

/**
 * Tokens already verified, until they expire: a client sends the same token with every request,
 * and re-checking its signature each time is most of an intake's CPU. Bounded; oldest out first.
 * Shared by the HS256 and Cognito verifiers.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; expMs: number }>();

  constructor(
    private readonly now: () => number,
    private readonly max = 1000,
  ) {}

  /** The principal of `token`: from the cache while unexpired, else from `verify` (then cached until `exp`, in seconds). */
  async principalOf(token: string, verify: (token: string) => Promise<{ principal: Principal; exp: number }>): Promise<Principal> {
    const hit = this.entries.get(token);
    if (hit && hit.expMs > this.now()) return hit.principal;
    if (hit) this.entries.delete(token);
    const { principal, exp } = await verify(token);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { principal, expMs: exp * 1000 });
    return principal;
  }
}
