import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwksValidationError, JwtExpiredError } from 'aws-jwt-verify/error';
import type { Jwks, JwksCache } from 'aws-jwt-verify/jwk';
import * as z from 'zod';
import { UnauthorizedError, UnavailableError } from '../../domain/errors';
import { ROLES, type Principal } from '../../domain/principal';
import type { TokenVerifier } from '../../ports';
import { VerifiedTokens } from './verified-tokens';

export interface CognitoOptions {
  /** `<region>_<id>`, e.g. ap-east-1_AbC123xyz. */
  userPoolId: string;
  /** The app client(s) the ID tokens are issued to (their `aud`): the API's, and the console's. */
  clientId: string | string[];
  /** Keys to start with instead of downloading the pool's JWKS on first use (tests, offline). */
  jwks?: Jwks;
  /** Where keys are looked up and fetched; default: the library's cache, fetching from Cognito. */
  jwksCache?: JwksCache;
}


/** The same office id the API accepts elsewhere (officeId in shared/http/schemas/common.ts). */
const OFFICE_ID = /^[a-z][a-z0-9_-]{1,39}$/;

const claims = z.object({
  sub: z.string().min(1),
  'cognito:groups': z.array(z.string()).optional(),
  'custom:office': z.unknown().optional(),
  name: z.unknown().optional(),
  exp: z.number(),
});

const isRole = (g: string): g is Principal['roles'][number] => (ROLES as readonly string[]).includes(g);

/**
 * Verifies Cognito ID tokens of one user pool and app client (on AWS). Roles are the user's groups
 * (`cognito:groups`) the system knows; a token with none of them is refused. The office of office
 * staff is the `custom:office` attribute, ignored unless it is a well-formed office id. Access
 * tokens are refused: Cognito puts neither groups-as-roles nor custom attributes in them reliably.
 * Signature (RS256 with a key of the pool's JWKS), `iss`, `aud`, `token_use` and `exp` are checked
 * by aws-jwt-verify; `alg: none` and unknown keys fail.
 */
export class CognitoTokenVerifier implements TokenVerifier {
  private readonly verifier;


  private readonly verified = new VerifiedTokens(() => this.now());

  constructor(
    options: CognitoOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.verifier = CognitoJwtVerifier.create(
      { userPoolId: options.userPoolId, tokenUse: 'id', clientId: options.clientId },
      options.jwksCache ? { jwksCache: options.jwksCache } : undefined,
    );
    if (options.jwks) this.verifier.cacheJwks(options.jwks);
  }

  async verify(token: string): Promise<Principal> {
    return this.verified.principalOf(token, (t) => this.verifyUncached(t));
  }

  private async verifyUncached(token: string): Promise<{ principal: Principal; exp: number }> {
    let payload: unknown;
    try {
      payload = await this.verifier.verify(token);
    } catch (err) {
      // Cognito's keys could not be fetched: not the caller's fault, and worth a retry.
      if (err instanceof FetchError || err instanceof JwksValidationError) throw new UnavailableError('Token signing keys unavailable');
      throw new UnauthorizedError(err instanceof JwtExpiredError ? 'Token expired' : 'Invalid token');
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) throw new UnauthorizedError('Token lacks required claims (sub, cognito:groups, exp)');
    if (parsed.data.exp * 1000 <= this.now()) throw new UnauthorizedError('Token expired');
    const roles = (parsed.data['cognito:groups'] ?? []).filter(isRole);
    if (roles.length === 0) throw new UnauthorizedError('Token lacks required claims (sub, cognito:groups, exp)');
    const office = parsed.data['custom:office'];
    const name = parsed.data.name;
    return {
      principal: {
        sub: parsed.data.sub,
        roles: [...new Set(roles)],
        ...(typeof office === 'string' && OFFICE_ID.test(office) ? { office } : {}),
        // The `name` attribute, when the pool has it (the `profile` scope): how the console greets them.
        ...(typeof name === 'string' && name.length > 0 && name.length <= 100 ? { displayName: name } : {}),
      },
      exp: parsed.data.exp,
    };
  }
}
