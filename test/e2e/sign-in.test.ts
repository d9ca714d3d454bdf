import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/domain/principal';
import type { AccountBody, AccountListBody, AuthConfigBody, LoginAnswerBody, MeBody } from '../../shared/http/schemas/auth';
import { LocalAccountTokens } from '../../shared/adapters/auth/account-tokens';
import { Hs256TokenVerifier } from '../../shared/adapters/auth/hs256';
import { usernameKey } from '../../shared/usecases/accounts';
import { createHarness, hotlineCase, TEST_SECRET, type Harness } from '../support/harness';
import { body, expectProblem, expectValidation, SHANGHAI_ISO_RE } from '../support/http';

/**
 * Local sign-in over HTTP (POST /v1/auth/login), the caller's identity, the sign-in config, and the
 * accounts admins keep — on the real table (dynalite), real scrypt, real HS256 tokens.
 */

const NOW = '2026-03-02T09:30:00+08:00';
const MINUTE = 60_000;

describe('local sign-in and accounts', () => {
  let h: Harness;
  let ipSeq = 0;
  /** Each test signs in from its own address, so the per-address limit never mixes tests. */
  const freshIp = () => `203.0.113.${++ipSeq}`;

  const putUser = (username: string, json: unknown, roles: Role[] = ['admin']) => h.request(`/v1/admin/users/${username}`, { method: 'PUT', roles, json });
  const signIn = (username: string, password: string, ip: string) => h.request('/v1/auth/login', { method: 'POST', json: { username, password }, ip });

  async function createUser(username: string, json: Record<string, unknown>): Promise<AccountBody> {
    const res = await putUser(username, json);
    const text = await res.text();
    expect(res.status, text).toBe(201);
    expect(text).not.toMatch(/password|scrypt/i);
    return JSON.parse(text) as AccountBody;
  }

  beforeAll(async () => {
    h = await createHarness({ now: NOW });
    const office = await h.request('/v1/admin/offices/rights', { method: 'PUT', roles: ['admin'], json: { name: '权益保障部', email: 'rights@union.example.org' } });
    expect(office.status).toBe(200);
    await createUser('wang.li', { displayName: '王丽', roles: ['office'], office: 'rights', password: 'correct horse battery' });
    await createUser('chief', { displayName: '李主任', roles: ['admin'], password: 'another long secret' });
  });
  afterAll(() => h.close());

  it('signs in with the right password: a token the API accepts, roles, office, display name, expiry within 12 hours in +08:00', async () => {
    const before = Date.now();
    const res = await signIn('wang.li', 'correct horse battery', freshIp());
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const answer = JSON.parse(text) as LoginAnswerBody;
    expect(answer).toMatchObject({ roles: ['office'], office: 'rights', displayName: '王丽' });
    expect(answer.expiresAt).toMatch(SHANGHAI_ISO_RE);
    const expires = Date.parse(answer.expiresAt);
    expect(expires).toBeGreaterThan(before);
    expect(expires - before).toBeLessThanOrEqual(12 * 3600_000 + 1000);

    const me = await h.app.request('/v1/auth/me', { headers: { Authorization: `Bearer ${answer.token}` } });
    expect(me.status).toBe(200);
    expect(await body<MeBody>(me)).toEqual({ sub: 'wang.li', roles: ['office'], office: 'rights', displayName: '王丽' });
    // The token works on the rest of the API, scoped as office staff of their office.
    const cases = await h.app.request('/v1/cases', { headers: { Authorization: `Bearer ${answer.token}` } });
    expect(cases.status).toBe(200);
    const reports = await h.app.request('/v1/admin/users', { headers: { Authorization: `Bearer ${answer.token}` } });
    expect(reports.status).toBe(403);
  });

  it('matches usernames case-insensitively and ignores surrounding spaces', async () => {
    const res = await signIn('  Wang.Li ', 'correct horse battery', freshIp());
    expect(res.status).toBe(200);
  });

  it('answers a wrong password and an unknown username with the same 401', async () => {
    const ip = freshIp();
    const wrong = await expectProblem(await signIn('wang.li', 'not the password', ip), 401);
    const unknown = await expectProblem(await signIn('nobody-here', 'not the password', ip), 401);
    expect(wrong.detail).toBe('Wrong username or password');
    expect(unknown.detail).toBe(wrong.detail);
    expect(unknown.type).toBe(wrong.type);
  });

  it('refuses a malformed body with 400 naming the fields, and unknown fields', async () => {
    const ip = freshIp();
    await expectValidation(await h.request('/v1/auth/login', { method: 'POST', json: { username: 'wang.li' }, ip }), 'password');
    await expectValidation(await h.request('/v1/auth/login', { method: 'POST', json: { username: '', password: 'x', remember: true }, ip }), 'username', 'remember');
    await expectValidation(await h.request('/v1/auth/login', { method: 'POST', json: { username: 'wang.li', password: 'x'.repeat(257) }, ip }), 'password');
  });

  it('locks a username for 15 minutes after 5 wrong passwords within 15 minutes (429 with Retry-After), then lets the right password in', async () => {
    await createUser('locked.one', { displayName: '测试甲', roles: ['operator'], password: 'the right password' });
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      await expectProblem(await signIn('locked.one', `wrong-${i}`, ip), 401);
      h.clock.advance(MINUTE);
    }
    // Locked now: even the right password gets 429, from any address.
    const locked = await signIn('locked.one', 'the right password', freshIp());
    await expectProblem(locked, 429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(13 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Other usernames are not affected.
    expect((await signIn('wang.li', 'correct horse battery', ip)).status).toBe(200);

    h.clock.advance(retryAfter * 1000 - 2000);
    await expectProblem(await signIn('locked.one', 'the right password', ip), 429);
    h.clock.advance(3000);
    expect((await signIn('locked.one', 'the right password', ip)).status).toBe(200);
  });

  it('does not lock when the wrong passwords are spread over more than 15 minutes, and a success starts the count again', async () => {
    await createUser('slow.typer', { displayName: '测试乙', roles: ['operator'], password: 'the right password' });
    const ip = freshIp();
    for (let i = 0; i < 4; i++) await expectProblem(await signIn('slow.typer', 'wrong', ip), 401);
    h.clock.advance(16 * MINUTE);
    await expectProblem(await signIn('slow.typer', 'wrong', ip), 401);
    expect((await signIn('slow.typer', 'the right password', ip)).status).toBe(200);
    for (let i = 0; i < 4; i++) await expectProblem(await signIn('slow.typer', 'wrong', ip), 401);
    expect((await signIn('slow.typer', 'the right password', ip)).status).toBe(200);
  });

  it('locks unknown usernames too, so a 429 does not tell which usernames exist', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await expectProblem(await signIn('ghost', 'wrong', ip), 401);
    await expectProblem(await signIn('ghost', 'wrong', ip), 429);
    h.clock.advance(16 * MINUTE);
  });

  it('limits sign-in attempts per client address (LOGIN_RATE_LIMIT a minute)', async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) expect((await signIn(`user${i}`, 'wrong', ip)).status).toBe(401);
    const limited = await signIn('wang.li', 'correct horse battery', ip);
    await expectProblem(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    h.clock.advance(MINUTE);
    // 21 deliberately slow scrypt checks: a correctness test, given room for a loaded 2-core CI machine.
  }, 120_000);

  it('never puts a password, a hash or a username in logs or answers', async () => {
    const ip = freshIp();
    await signIn('wang.li', 'correct horse battery', ip);
    await signIn('wang.li', 'a-wrong-guess-9931', ip);
    const list = await h.request('/v1/admin/users', { roles: ['admin'] });
    const listed = await list.text();
    expect(listed).not.toMatch(/scrypt|passwordHash|correct horse/);
    const logs = h.rawLogs.join('\n');
    for (const secret of ['correct horse battery', 'a-wrong-guess-9931', 'another long secret', 'scrypt$', 'wang.li', '王丽']) expect(logs).not.toContain(secret);
    // The user is followed by a hash of the username.
    expect(logs).toContain(usernameKey('wang.li'));
  });

  describe('accounts (admins)', () => {
    it('lists every account by username without passwords', async () => {
      const res = await h.request('/v1/admin/users', { roles: ['admin'] });
      expect(res.status).toBe(200);
      const { items } = await body<AccountListBody>(res);
      const names = items.map((a) => a.username);
      expect(names).toEqual([...names].sort());
      const wang = items.find((a) => a.username === 'wang.li');
      expect(wang).toEqual({ username: 'wang.li', displayName: '王丽', roles: ['office'], office: 'rights', updatedAt: expect.stringMatching(SHANGHAI_ISO_RE) as string });
      expect(Object.keys(wang ?? {}).sort()).toEqual(['displayName', 'office', 'roles', 'updatedAt', 'username']);
    });

    it('refuses every account endpoint to other roles (403) and without a token (401)', async () => {
      for (const role of ['operator', 'reception', 'office', 'supervisor'] as Role[]) {
        await expectProblem(await h.request('/v1/admin/users', { roles: [role] }), 403);
        await expectProblem(await putUser('x.y', { displayName: 'X', roles: ['operator'], password: 'long enough password' }, [role]), 403);
        await expectProblem(await h.request('/v1/admin/users/wang.li', { method: 'DELETE', roles: [role] }), 403);
      }
      await expectProblem(await h.request('/v1/admin/users'), 401);
      // One account is not read on its own: the path takes PUT and DELETE only.
      const get = await h.request('/v1/admin/users/x.y', { roles: ['admin'], outsideSpec: 'a method the path does not take' });
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('DELETE, OPTIONS, PUT');
    });

    it('needs a password of at least 12 characters to create, an office that exists for office staff, and known roles', async () => {
      await expectValidation(await putUser('new.one', { displayName: '新人', roles: ['operator'] }), 'password');
      const tooShort = await expectValidation(await putUser('new.one', { displayName: '新人', roles: ['operator'], password: 'short1' }), 'password');
      expect(JSON.stringify(tooShort)).not.toContain('short1');
      await expectValidation(await putUser('new.one', { displayName: '新人', roles: ['office'], password: 'long enough password' }), 'office');
      await expectValidation(await putUser('new.one', { displayName: '新人', roles: ['office'], office: 'nowhere', password: 'long enough password' }), 'office');
      await expectValidation(await putUser('new.one', { displayName: '新人', roles: ['chairman'], password: 'long enough password' }), 'roles.0');
      await expectValidation(await putUser('new.one', { displayName: '新人', roles: [], password: 'long enough password', extra: 1 }), 'roles', 'extra');
      await expectValidation(await putUser('Bad%20Name', { displayName: '新人', roles: ['operator'], password: 'long enough password' }), 'param.username');
      expect((await h.request('/v1/admin/users', { roles: ['admin'] })).status).toBe(200);
      const { items } = await body<AccountListBody>(await h.request('/v1/admin/users', { roles: ['admin'] }));
      expect(items.map((a) => a.username)).not.toContain('new.one');
    });

    it('replaces an account keeping its password when none is given, and a new password replaces the old one', async () => {
      await createUser('zhao', { displayName: '赵一', roles: ['reception'], password: 'first password 1' });
      const replaced = await putUser('zhao', { displayName: '赵一一', roles: ['reception', 'operator'] });
      expect(replaced.status).toBe(200);
      expect(await body<AccountBody>(replaced)).toMatchObject({ username: 'zhao', displayName: '赵一一', roles: ['reception', 'operator'] });
      const ip = freshIp();
      const ok = await signIn('zhao', 'first password 1', ip);
      expect(ok.status).toBe(200);
      expect(await body<LoginAnswerBody>(ok)).toMatchObject({ roles: ['reception', 'operator'], displayName: '赵一一' });

      expect((await putUser('zhao', { displayName: '赵一一', roles: ['reception'], password: 'second password 2' })).status).toBe(200);
      await expectProblem(await signIn('zhao', 'first password 1', ip), 401);
      expect((await signIn('zhao', 'second password 2', ip)).status).toBe(200);
    });

    it('holds tokens already handed out to the account as it is now: new roles apply, a new password ends them', async () => {
      await createUser('sun', { displayName: '孙二', roles: ['operator'], password: 'sun password 01' });
      const ip = freshIp();
      const { token } = await body<LoginAnswerBody>(await signIn('sun', 'sun password 01', ip));
      const me = (t: string) => h.app.request('/v1/auth/me', { headers: { Authorization: `Bearer ${t}` } });
      expect(await body(await me(token))).toEqual({ sub: 'sun', roles: ['operator'], displayName: '孙二' });

      expect((await putUser('sun', { displayName: '孙二', roles: ['office'], office: 'rights' })).status).toBe(200);
      expect(await body(await me(token))).toEqual({ sub: 'sun', roles: ['office'], office: 'rights', displayName: '孙二' });
      expect((await h.app.request('/v1/cases', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(hotlineCase()) })).status).toBe(403);

      expect((await putUser('sun', { displayName: '孙二', roles: ['office'], office: 'rights', password: 'sun password 02' })).status).toBe(200);
      const ended = await expectProblem(await me(token), 401);
      expect(ended.detail).toMatch(/password .* changed/);
      const { token: fresh } = await body<LoginAnswerBody>(await signIn('sun', 'sun password 02', ip));
      expect((await me(fresh)).status).toBe(200);
    });

    it('deletes an account: it can no longer sign in, and a second delete is 404', async () => {
      await createUser('leaver', { displayName: '离职者', roles: ['operator'], password: 'leaving password' });
      const ip = freshIp();
      const signedIn = await signIn('leaver', 'leaving password', ip);
      expect(signedIn.status).toBe(200);
      const { token } = await body<LoginAnswerBody>(signedIn);
      expect((await h.request('/v1/admin/users/leaver', { method: 'DELETE', roles: ['admin'] })).status).toBe(204);
      await expectProblem(await signIn('leaver', 'leaving password', ip), 401);
      // The token it already had stops working too.
      const gone = await expectProblem(await h.app.request('/v1/cases', { headers: { Authorization: `Bearer ${token}` } }), 401);
      expect(gone.detail).toMatch(/no longer exists/);
      await expectProblem(await h.request('/v1/admin/users/leaver', { method: 'DELETE', roles: ['admin'] }), 404);
    });

    it('keeps the last admin account: it cannot be deleted or lose the admin role (409)', async () => {
      await expectProblem(await h.request('/v1/admin/users/chief', { method: 'DELETE', roles: ['admin'] }), 409);
      await expectProblem(await putUser('chief', { displayName: '李主任', roles: ['supervisor'] }), 409);
      await createUser('chief2', { displayName: '副主任', roles: ['admin'], password: 'second admin pass' });
      expect((await putUser('chief', { displayName: '李主任', roles: ['supervisor'] })).status).toBe(200);
      await expectProblem(await h.request('/v1/admin/users/chief2', { method: 'DELETE', roles: ['admin'] }), 409);
    });

    it("keeps an office that sign-in accounts belong to (409), until they move", async () => {
      const put = await h.request('/v1/admin/offices/legal', { method: 'PUT', roles: ['admin'], json: { name: '法律援助中心', email: 'legal@union.example.org' } });
      expect(put.status).toBe(200);
      await createUser('lawyer', { displayName: '律师', roles: ['office'], office: 'legal', password: 'lawyer password' });
      const refused = await expectProblem(await h.request('/v1/admin/offices/legal', { method: 'DELETE', roles: ['admin'] }), 409);
      expect(refused.detail).toMatch(/1 sign-in account/);
      expect((await putUser('lawyer', { displayName: '律师', roles: ['office'], office: 'rights' })).status).toBe(200);
      expect((await h.request('/v1/admin/offices/legal', { method: 'DELETE', roles: ['admin'] })).status).toBe(204);
    });

    it('lifts a lockout when an admin sets a new password', async () => {
      await createUser('forgetful', { displayName: '健忘者', roles: ['operator'], password: 'old password 123' });
      const ip = freshIp();
      for (let i = 0; i < 5; i++) await expectProblem(await signIn('forgetful', 'guess', ip), 401);
      await expectProblem(await signIn('forgetful', 'old password 123', ip), 429);
      expect((await putUser('forgetful', { displayName: '健忘者', roles: ['operator'], password: 'new password 456' })).status).toBe(200);
      expect((await signIn('forgetful', 'new password 456', ip)).status).toBe(200);
    });
  });

  it('re-reads an account at most every cacheMs (30 s by default): a removal takes effect within it', async () => {
    await createUser('cached', { displayName: '缓存', roles: ['supervisor'], password: 'cached password' });
    const { token } = await body<LoginAnswerBody>(await signIn('cached', 'cached password', freshIp()));
    let now = Date.now();
    const verifier = new LocalAccountTokens({ inner: new Hs256TokenVerifier({ secret: TEST_SECRET }), accounts: h.deps.accounts, now: () => now });
    expect((await verifier.verify(token)).roles).toEqual(['supervisor']);
    expect((await h.request('/v1/admin/users/cached', { method: 'DELETE', roles: ['admin'] })).status).toBe(204);
    now += 29_000;
    expect((await verifier.verify(token)).sub).toBe('cached');
    now += 2_000;
    await expect(verifier.verify(token)).rejects.toThrow(/no longer exists/);
  });

  describe('sign-in config and identity', () => {
    it('says the embedded default signs in with local accounts', async () => {
      const res = await h.request('/v1/auth/config');
      expect(res.status).toBe(200);
      expect(await body<AuthConfigBody>(res)).toEqual({ provider: 'local' });
    });

    it('GET /v1/auth/me answers the caller of any token, 401 without one', async () => {
      const token = await h.token(['supervisor'], { sub: 'sup-9' });
      const res = await h.app.request('/v1/auth/me', { headers: { Authorization: `Bearer ${token}` } });
      expect(await body(res)).toEqual({ sub: 'sup-9', roles: ['supervisor'] });
      await expectProblem(await h.request('/v1/auth/me'), 401);
    });

    it('with Cognito configured: names the managed login endpoints, and local sign-in and accounts answer 404', async () => {
      const base = 'https://union-cases.auth.ap-east-1.amazoncognito.com';
      const managedLogin = { authorizeUrl: `${base}/oauth2/authorize`, tokenUrl: `${base}/oauth2/token`, logoutUrl: `${base}/logout`, clientId: 'console-client-1', scopes: ['openid', 'profile'] };
      const cognito = h.appWith({ signIn: { provider: 'cognito', ...managedLogin } });
      const config = await cognito.request('/v1/auth/config');
      expect(await body(config)).toEqual({ provider: 'cognito', ...managedLogin, redirectPath: '/console/callback' });
      const login = await cognito.request('/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'wang.li', password: 'correct horse battery' }) });
      const problem = await expectProblem(login, 404);
      expect(problem.detail).toMatch(/local sign-in is off/i);
      const admin = { Authorization: `Bearer ${await h.token(['admin'])}` };
      await expectProblem(await cognito.request('/v1/admin/users', { headers: admin }), 404);
    });
  });
});
