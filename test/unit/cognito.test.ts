import { createHmac, generateKeyPairSync, sign as rsaSign, type KeyObject } from 'node:crypto';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoTokenVerifier } from '../../shared/adapters/auth/cognito';
import { cognitoFromConfig, ConfigError, loadApiConfig, signInFromConfig } from '../../shared/config';
import { UnauthorizedError, UnavailableError } from '../../shared/domain/errors';
import { createHarness, type Harness } from '../support/harness';
import { expectProblem } from '../support/http';

const region = 'ap-east-1';
const userPoolId = `${region}_TestPool1`;
const clientId = '1example23456789abcdefghij';
const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
const KID = 'test-key-1';

function rsaKey(kid: string): { privateKey: KeyObject; publicPem: string; jwk: Jwks['keys'][number] } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' });
  return { privateKey, publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), jwk: { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: n ?? '', e: e ?? '' } };
}

const key = rsaKey(KID);
const otherKey = rsaKey(KID); // same kid, different key: a forged signature
const jwks: Jwks = { keys: [key.jwk] };

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);

/** A Cognito-shaped ID token, RS256-signed; `claims` override or (undefined) remove the defaults. */
function idToken(claims: Record<string, unknown> = {}, options: { privateKey?: KeyObject; header?: Record<string, unknown> } = {}): string {
  const iat = nowSec();
  const payload = Object.fromEntries(
    Object.entries({
      sub: 'a1b2c3d4-0000-4000-8000-000000000001',
      'cognito:groups': ['supervisor'],
      'cognito:username': 'li.wei',
      email_verified: true,
      iss: issuer,
      aud: clientId,
      token_use: 'id',
      auth_time: iat,
      iat,
      exp: iat + 3600,
      ...claims,
    }).filter(([, v]) => v !== undefined),
  );
  const header = { kid: KID, alg: 'RS256', ...options.header };
  const data = `${b64(header)}.${b64(payload)}`;
  return `${data}.${rsaSign('RSA-SHA256', Buffer.from(data), options.privateKey ?? key.privateKey).toString('base64url')}`;
}

/** Stands in for Cognito's JWKS endpoint, so that a key miss never reaches the network. */
const offlineCache = (serve: () => Promise<Jwks>) =>
  new SimpleJwksCache({ fetcher: { fetch: async () => new TextEncoder().encode(JSON.stringify(await serve())).buffer as ArrayBuffer } });

const verifier = () => new CognitoTokenVerifier({ userPoolId, clientId, jwks, jwksCache: offlineCache(async () => jwks) });

describe('Cognito token verifier', () => {
  it('resolves sub, roles from cognito:groups and office from custom:office', async () => {
    const token = idToken({ sub: 'clerk-1', 'cognito:groups': ['office'], 'custom:office': 'rights' });
    expect(await verifier().verify(token)).toEqual({ sub: 'clerk-1', roles: ['office'], office: 'rights' });
    expect(await verifier().verify(idToken())).toEqual({ sub: 'a1b2c3d4-0000-4000-8000-000000000001', roles: ['supervisor'] });
  });

  it('keeps the groups that are known roles and ignores the rest', async () => {
    const p = await verifier().verify(idToken({ 'cognito:groups': ['us-east-1_Pool_Google', 'admin', 'Admins', 'reception', 'admin'] }));
    expect(p.roles).toEqual(['admin', 'reception']);
  });

  it.each([
    ['without cognito:groups', { 'cognito:groups': undefined }],
    ['with no groups', { 'cognito:groups': [] }],
    ['with only unknown groups', { 'cognito:groups': ['superuser', 'Supervisor'] }],
  ])('refuses a token %s, as HS256 refuses one without roles', async (_name, claims) => {
    await expect(verifier().verify(idToken(claims))).rejects.toThrowError(new UnauthorizedError('Token lacks required claims (sub, cognito:groups, exp)'));
  });

  it.each([['Rights'], ['r'], ['rights office'], ['../admin'], ['x'.repeat(41)], [42], ['']])('ignores a malformed custom:office %j', async (office) => {
    const p = await verifier().verify(idToken({ 'cognito:groups': ['office'], 'custom:office': office }));
    expect(p).toEqual({ sub: 'a1b2c3d4-0000-4000-8000-000000000001', roles: ['office'] });
  });

  it.each([
    ['an access token', () => idToken({ token_use: 'access', client_id: clientId, aud: undefined })],
    ['a token for another app client', () => idToken({ aud: 'another-client' })],
    ['a token from another user pool', () => idToken({ iss: `https://cognito-idp.${region}.amazonaws.com/${region}_OtherPool` })],
    ['an expired token', () => idToken({ iat: nowSec() - 7200, exp: nowSec() - 10 })],
    ['a token without exp', () => idToken({ exp: undefined })],
    ['a token without sub', () => idToken({ sub: undefined })],
    ['a wrong signature', () => idToken({}, { privateKey: otherKey.privateKey })],
    ['a tampered payload', () => {
      const [h, , s] = idToken().split('.');
      return `${h}.${b64({ sub: 'x', 'cognito:groups': ['admin'], iss: issuer, aud: clientId, token_use: 'id', exp: nowSec() + 60 })}.${s}`;
    }],
    ['alg none', () => `${b64({ kid: KID, alg: 'none' })}.${idToken().split('.')[1]}.`],
    ['alg none with a signature left on', () => `${b64({ kid: KID, alg: 'none' })}.${idToken().split('.').slice(1).join('.')}`],
    ['HS256 keyed with the public key (algorithm confusion)', () => {
      const data = `${b64({ kid: KID, alg: 'HS256' })}.${idToken().split('.')[1]}`;
      return `${data}.${createHmac('sha256', key.publicPem).update(data).digest('base64url')}`;
    }],
    ['an unknown kid', () => idToken({}, { header: { kid: 'rotated-away' } })],
    ['a token without kid', () => idToken({}, { header: { kid: undefined } })],
    ['garbage', () => 'not.a.token'],
  ])('refuses %s with a 401 error', async (_name, make) => {
    await expect(verifier().verify(make())).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('reports a JWKS download failure as unavailable (503), not as a bad token', async () => {
    const v = new CognitoTokenVerifier({
      userPoolId,
      clientId,
      jwksCache: offlineCache(async () => {
        throw new (await import('aws-jwt-verify/error')).FetchError('https://cognito-idp.example/jwks.json', 'connect ECONNREFUSED');
      }),
    });
    await expect(v.verify(idToken())).rejects.toBeInstanceOf(UnavailableError);
  });

  it('fetches the pool keys on first use when none are preloaded', async () => {
    let fetches = 0;
    const v = new CognitoTokenVerifier({ userPoolId, clientId, jwksCache: offlineCache(async () => (fetches++, jwks)) });
    expect((await v.verify(idToken())).roles).toEqual(['supervisor']);
    expect((await v.verify(idToken({ sub: 'other' }))).sub).toBe('other');
    expect(fetches).toBe(1);
  });
});

describe('verified-token cache', () => {
  it('answers a repeated token from the cache and stops accepting it once it expires', async () => {
    let t = Date.now();
    let fetches = 0;
    // No preloaded keys: every signature check would need the (counted) key download... once.
    const v = new CognitoTokenVerifier({ userPoolId, clientId, jwksCache: offlineCache(async () => (fetches++, jwks)) }, () => t);
    const token = idToken({ exp: nowSec() + 60 });
    expect((await v.verify(token)).sub).toBeTruthy();
    expect((await v.verify(token)).sub).toBeTruthy();
    t += 61_000;
    await expect(v.verify(token)).rejects.toThrowError(new UnauthorizedError('Token expired'));
    expect(fetches).toBe(1);
  });

  it('never caches a refused token', async () => {
    const v = verifier();
    const forged = idToken({}, { privateKey: otherKey.privateKey });
    await expect(v.verify(forged)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(v.verify(forged)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('Cognito configuration', () => {
  const managedLogin = { COGNITO_DOMAIN: 'https://union-cases.auth.ap-east-1.amazoncognito.com', COGNITO_CONSOLE_CLIENT_ID: 'console9client' };

  it('reads the user pool and app client, checking the pool id', () => {
    const c = loadApiConfig({ COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId, ...managedLogin });
    expect(c).toMatchObject({ COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId });
    expect(loadApiConfig({ COGNITO_USER_POOL_ID: 'us-gov-west-1_Ab12', COGNITO_CLIENT_ID: clientId, ...managedLogin }).COGNITO_USER_POOL_ID).toBe('us-gov-west-1_Ab12');
    expect(() => loadApiConfig({ COGNITO_USER_POOL_ID: 'TestPool1', COGNITO_CLIENT_ID: clientId, ...managedLogin })).toThrowError(/COGNITO_USER_POOL_ID/);
    expect(() => loadApiConfig({ COGNITO_USER_POOL_ID: `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`, COGNITO_CLIENT_ID: clientId, ...managedLogin })).toThrowError(/COGNITO_USER_POOL_ID/);
  });

  it("needs the console's managed login (domain and app client) with the user pool, and the pool with them", () => {
    expect(() => loadApiConfig({ COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId })).toThrowError(/COGNITO_DOMAIN: required with COGNITO_USER_POOL_ID[\s\S]*COGNITO_CONSOLE_CLIENT_ID: required/);
    expect(() => loadApiConfig({ COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId, COGNITO_DOMAIN: managedLogin.COGNITO_DOMAIN })).toThrowError(/COGNITO_CONSOLE_CLIENT_ID: required/);
    expect(() => loadApiConfig(managedLogin)).toThrowError(/COGNITO_USER_POOL_ID: required with COGNITO_DOMAIN, COGNITO_CONSOLE_CLIENT_ID/);
    expect(() => loadApiConfig({ COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId, ...managedLogin, COGNITO_DOMAIN: 'https://union-cases.auth.ap-east-1.amazoncognito.com/login' })).toThrowError(/COGNITO_DOMAIN: must be the managed login domain/);
    expect(() => loadApiConfig({ COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId, ...managedLogin, COGNITO_DOMAIN: 'http://union-cases.example.org' })).toThrowError(/COGNITO_DOMAIN/);
  });

  it('turns local sign-in off when Cognito is configured, and names the OAuth endpoints of the managed login', () => {
    expect(signInFromConfig(loadApiConfig({}))).toEqual({ provider: 'local', tokenMinutes: 480 });
    expect(signInFromConfig(loadApiConfig({ LOGIN_TOKEN_MINUTES: '60' }))).toEqual({ provider: 'local', tokenMinutes: 60 });
    expect(() => loadApiConfig({ LOGIN_TOKEN_MINUTES: '721' })).toThrowError(/LOGIN_TOKEN_MINUTES/);
    const config = loadApiConfig({ COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId, ...managedLogin });
    expect(signInFromConfig(config)).toEqual({
      provider: 'cognito',
      authorizeUrl: 'https://union-cases.auth.ap-east-1.amazoncognito.com/oauth2/authorize',
      tokenUrl: 'https://union-cases.auth.ap-east-1.amazoncognito.com/oauth2/token',
      logoutUrl: 'https://union-cases.auth.ap-east-1.amazoncognito.com/logout',
      clientId: 'console9client',
      scopes: ['openid', 'profile'],
    });
    // The API accepts ID tokens of the API's app client and of the console's.
    expect(cognitoFromConfig(config)).toEqual({ userPoolId, clientId: [clientId, 'console9client'] });
  });

  it('wants both or neither', () => {
    expect(() => loadApiConfig({ COGNITO_USER_POOL_ID: userPoolId })).toThrowError(/COGNITO_CLIENT_ID: required/);
    expect(() => loadApiConfig({ COGNITO_CLIENT_ID: clientId })).toThrowError(/COGNITO_USER_POOL_ID: required/);
  });

  it('lets production run on Cognito without JWT_SECRET', () => {
    expect(() => loadApiConfig({ NODE_ENV: 'production' })).toThrowError(ConfigError);
    expect(loadApiConfig({ NODE_ENV: 'production', COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId, ...managedLogin }).JWT_SECRET).toBeUndefined();
  });
});

describe('Cognito ID tokens through the API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ deps: { tokens: verifier() } });
  });
  afterAll(async () => h.close());

  const get = (path: string, token: string) => h.app.request(path, { headers: { Authorization: `Bearer ${token}` } });

  it('lets a supervisor list cases with a Cognito ID token', async () => {
    const res = await get('/v1/cases', idToken({ 'cognito:groups': ['supervisor'] }));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ items: [] });
  });

  it('answers a forged, an access or an HS256 token with a 401 problem', async () => {
    await expectProblem(await get('/v1/cases', idToken({}, { privateKey: otherKey.privateKey })), 401);
    await expectProblem(await get('/v1/cases', idToken({ token_use: 'access', client_id: clientId, aud: undefined })), 401);
    await expectProblem(await get('/v1/cases', await h.token(['supervisor'])), 401);
  });

  it('still answers 403 to a known role without access', async () => {
    await expectProblem(await get('/v1/cases', idToken({ 'cognito:groups': ['office'] })), 403);
  });

  it('GET /v1/auth/me names the caller of a Cognito ID token, with the name attribute as displayName', async () => {
    const res = await get('/v1/auth/me', idToken({ sub: 'clerk-9', 'cognito:groups': ['office'], 'custom:office': 'rights', name: '王丽' }));
    expect(await res.json()).toEqual({ sub: 'clerk-9', roles: ['office'], office: 'rights', displayName: '王丽' });
    expect(await (await get('/v1/auth/me', idToken())).json()).toEqual({ sub: 'a1b2c3d4-0000-4000-8000-000000000001', roles: ['supervisor'] });
  });
});

describe("the console's app client", () => {
  it("the verifier takes ID tokens of the API client and of the console's, and no other client's", async () => {
    const both = new CognitoTokenVerifier({ userPoolId, clientId: [clientId, 'console9client'], jwks, jwksCache: offlineCache(async () => jwks) });
    expect((await both.verify(idToken({ sub: 'via-console', aud: 'console9client' }))).sub).toBe('via-console');
    expect((await both.verify(idToken({ sub: 'via-api' }))).sub).toBe('via-api');
    await expect(both.verify(idToken({ aud: 'someone-else' }))).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
