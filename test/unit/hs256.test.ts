import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { Hs256TokenVerifier, signHs256 } from '../../shared/adapters/auth/hs256';
import { UnauthorizedError } from '../../shared/domain/errors';

const secret = 's'.repeat(40);
const verifier = new Hs256TokenVerifier({ secret });
const now = () => Math.floor(Date.now() / 1000);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('HS256 token verifier', () => {
  it('resolves sub, known roles and office', async () => {
    const token = await signHs256({ sub: 'u1', roles: ['office'], office: 'rights' }, { secret, ttlSeconds: 60 });
    expect(await verifier.verify(token)).toEqual({ sub: 'u1', roles: ['office'], office: 'rights' });
    const odd = await sign({ sub: 'u2', roles: ['admin', 'superuser'], exp: now() + 60 }, secret, 'HS256');
    expect((await verifier.verify(odd)).roles).toEqual(['admin']);
  });

  it.each([
    ['a wrong signature', async () => signHs256({ sub: 'u', roles: ['admin'] }, { secret: 'x'.repeat(40), ttlSeconds: 60 })],
    ['an expired token', async () => sign({ sub: 'u', roles: ['admin'], exp: now() - 10 }, secret, 'HS256')],
    ['a token without exp', async () => sign({ sub: 'u', roles: ['admin'] }, secret, 'HS256')],
    ['a token without roles', async () => sign({ sub: 'u', exp: now() + 60 }, secret, 'HS256')],
    ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', roles: ['admin'], exp: now() + 60 })}.`],
    ['HS512 with the same secret', async () => sign({ sub: 'u', roles: ['admin'], exp: now() + 60 }, secret, 'HS512')],
    ['garbage', async () => 'not.a.token'],
  ])('refuses %s', async (_name, make) => {
    await expect(verifier.verify(await make())).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('checks issuer and audience only when configured', async () => {
    const strict = new Hs256TokenVerifier({ secret, issuer: 'https://idp.example', audience: 'cases' });
    const good = await signHs256({ sub: 'u', roles: ['admin'] }, { secret, issuer: 'https://idp.example', audience: 'cases', ttlSeconds: 60 });
    const wrongIss = await signHs256({ sub: 'u', roles: ['admin'] }, { secret, issuer: 'https://evil.example', audience: 'cases', ttlSeconds: 60 });
    const noAud = await signHs256({ sub: 'u', roles: ['admin'] }, { secret, issuer: 'https://idp.example', ttlSeconds: 60 });
    expect((await strict.verify(good)).sub).toBe('u');
    await expect(strict.verify(wrongIss)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(strict.verify(noAud)).rejects.toBeInstanceOf(UnauthorizedError);
    expect((await verifier.verify(wrongIss)).sub).toBe('u');
  });
});

describe('token lifetime', () => {
  it('refuses a token that lives longer than the maximum (31 days), however it is signed', async () => {
    const verifier = new Hs256TokenVerifier({ secret });
    const century = await signHs256({ sub: 'u', roles: ['admin'] }, { secret, ttlSeconds: 100 * 365 * 86_400 });
    await expect(verifier.verify(century)).rejects.toThrow(/lifetime exceeds/);
    // An old iat does not stretch it either: a 40-day token issued 20 days ago is refused.
    const stretched = await signHs256({ sub: 'u', roles: ['admin'] }, { secret, ttlSeconds: 40 * 86_400, now: Date.now() - 20 * 86_400_000 });
    await expect(verifier.verify(stretched)).rejects.toThrow(/lifetime exceeds/);
    const month = await signHs256({ sub: 'u', roles: ['admin'] }, { secret, ttlSeconds: 30 * 86_400 });
    expect((await verifier.verify(month)).sub).toBe('u');
    const short = new Hs256TokenVerifier({ secret, maxLifetimeSeconds: 3600 });
    await expect(short.verify(month)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('verified-token cache', () => {
  it('stops accepting a cached token once it expires', async () => {
    let t = Date.now();
    const cached = new Hs256TokenVerifier({ secret }, () => t);
    const token = await signHs256({ sub: 'u', roles: ['admin'] }, { secret, ttlSeconds: 60 });
    expect((await cached.verify(token)).sub).toBe('u');
    t += 61_000;
    await expect(cached.verify(token)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('never caches a refused token', async () => {
    const cached = new Hs256TokenVerifier({ secret });
    const forged = await signHs256({ sub: 'u', roles: ['admin'] }, { secret: 'y'.repeat(40), ttlSeconds: 60 });
    await expect(cached.verify(forged)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(cached.verify(forged)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
