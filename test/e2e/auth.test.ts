import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/domain/principal';
import { createHarness, hotlineCase, TEST_SECRET, type Harness } from '../support/harness';
import { CALENDAR_NOTICE, createOk, expectProblem, type CaseBody } from '../support/http';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

const walkIn = (overrides: Record<string, unknown> = {}) => ({
  channel: 'walk_in',
  category: 'advice',
  subject: '咨询劳动合同续签',
  description: '来访咨询劳动合同到期续签事宜。',
  walkIn: { visitors: 2 },
  ...overrides,
});
const paperLetter = (overrides: Record<string, unknown> = {}) => ({
  channel: 'mailbox',
  category: 'complaint',
  subject: '纸质来信：加班费',
  description: '来信反映加班费未足额支付。',
  ...overrides,
});

describe('authentication and roles', () => {
  let h: Harness;
  let existing: CaseBody;

  beforeAll(async () => {
    h = await createHarness();
    existing = await createOk(h, hotlineCase());
  });
  afterAll(() => h.close());

  const protectedCalls = (): { name: string; path: string; init: RequestInit & { json?: unknown } }[] => [
    { name: 'POST /v1/cases', path: '/v1/cases', init: { method: 'POST', json: hotlineCase() } },
    { name: 'GET /v1/cases', path: '/v1/cases', init: {} },
    { name: 'GET /v1/cases/{id}', path: `/v1/cases/${existing.id}`, init: {} },
    { name: 'GET /v1/calendar/2026', path: '/v1/calendar/2026', init: {} },
    { name: 'GET /v1/calendar/deadline', path: '/v1/calendar/deadline?category=advice', init: {} },
    { name: 'PUT /v1/admin/calendar/2027', path: '/v1/admin/calendar/2027', init: { method: 'PUT', json: { notice: CALENDAR_NOTICE, holidays: [], workdays: [] } } },
  ];

  async function expect401(res: Response) {
    const problem = await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(problem.type).toBe('/problems/unauthorized');
    return problem;
  }

  it('rejects every protected endpoint without a token: 401 problem with WWW-Authenticate', async () => {
    for (const call of protectedCalls()) {
      const res = await h.request(call.path, call.init);
      const problem = await expect401(res);
      expect(problem.detail, call.name).toMatch(/missing/i);
    }
  });

  const badTokens: [string, () => Promise<string>][] = [
    ['a garbage token', async () => 'Bearer not-a-jwt'],
    ['three garbage segments', async () => 'Bearer aaa.bbb.ccc'],
    ['a Basic scheme', async () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['a bare token without scheme', async () => h.token(['admin'])],
    ['an empty bearer', async () => 'Bearer '],
    ['an expired token', async () => `Bearer ${await h.token(['admin'], { ttlSeconds: -120 })}`],
    ['a token signed with another secret', async () => `Bearer ${await sign({ sub: 'mallory', roles: ['admin'], exp: inAnHour() }, 'another-secret-that-is-also-long-enough!!', 'HS256')}`],
    ['alg: none', async () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'mallory', roles: ['admin'], exp: inAnHour() })}.`],
    ['HS512 with the right secret', async () => `Bearer ${await sign({ sub: 'x', roles: ['admin'], exp: inAnHour() }, TEST_SECRET, 'HS512')}`],
    [
      'a tampered payload (roles raised, signature kept)',
      async () => {
        const [header, , signature] = (await h.token(['office'])).split('.');
        return `Bearer ${header}.${b64({ sub: 'test-office', roles: ['admin'], exp: inAnHour() })}.${signature}`;
      },
    ],
    ['a token without exp', async () => `Bearer ${await sign({ sub: 'x', roles: ['admin'] }, TEST_SECRET, 'HS256')}`],
    ['a token without sub', async () => `Bearer ${await sign({ roles: ['admin'], exp: inAnHour() }, TEST_SECRET, 'HS256')}`],
    ['a token without roles', async () => `Bearer ${await sign({ sub: 'x', exp: inAnHour() }, TEST_SECRET, 'HS256')}`],
    ['a token whose roles is not a list', async () => `Bearer ${await sign({ sub: 'x', roles: 'admin', exp: inAnHour() }, TEST_SECRET, 'HS256')}`],
  ];

  it.each(badTokens)('rejects %s with 401 on read, write and admin endpoints', async (_name, make) => {
    const authorization = await make();
    for (const call of protectedCalls()) {
      const res = await h.request(call.path, { ...call.init, headers: { Authorization: authorization } });
      await expect401(res);
    }
  });

  it('says when a token has expired', async () => {
    const res = await h.request('/v1/cases', { headers: { Authorization: `Bearer ${await h.token(['admin'], { ttlSeconds: -120 })}` } });
    const problem = await expect401(res);
    expect(problem.detail).toMatch(/expired/i);
  });

  it('accepts the bearer scheme case-insensitively', async () => {
    const res = await h.request('/v1/cases', { headers: { Authorization: `bearer ${await h.token(['supervisor'])}` } });
    expect(res.status).toBe(200);
  });

  it('a 401 creates nothing', async () => {
    const before = await h.request('/v1/cases?limit=200', { roles: ['admin'] });
    const count = ((await before.json()) as { items: unknown[] }).items.length;
    const res = await h.request('/v1/cases', { method: 'POST', json: hotlineCase(), headers: { Authorization: 'Bearer x.y.z' } });
    expect(res.status).toBe(401);
    const after = await h.request('/v1/cases?limit=200', { roles: ['admin'] });
    expect(((await after.json()) as { items: unknown[] }).items).toHaveLength(count);
  });

  describe('creating cases: who may log which channel', () => {
    const matrix: [Role, string, number][] = [
      ['operator', 'hotline', 201],
      ['operator', 'walk_in', 403],
      ['operator', 'mailbox', 403],
      ['reception', 'hotline', 403],
      ['reception', 'walk_in', 201],
      ['reception', 'mailbox', 201],
      ['admin', 'hotline', 201],
      ['admin', 'walk_in', 201],
      ['admin', 'mailbox', 201],
      ['supervisor', 'hotline', 403],
      ['supervisor', 'walk_in', 403],
      ['supervisor', 'mailbox', 403],
      ['office', 'hotline', 403],
      ['office', 'walk_in', 403],
      ['office', 'mailbox', 403],
    ];
    const bodyFor = (channel: string) => (channel === 'hotline' ? hotlineCase() : channel === 'walk_in' ? walkIn() : paperLetter());

    it.each(matrix)('%s logging a %s case → %i', async (role, channel, status) => {
      const res = await h.request('/v1/cases', { method: 'POST', roles: [role], json: bodyFor(channel) });
      if (status === 201) {
        expect(res.status).toBe(201);
        const created = (await res.json()) as CaseBody;
        expect(created.channel).toBe(channel);
      } else {
        const problem = await expectProblem(res, 403);
        expect(problem.type).toBe('/problems/forbidden');
        expect(res.headers.get('www-authenticate')).toBeNull();
      }
    });

    it('a token whose only roles are unknown to the system is forbidden, not trusted', async () => {
      const token = await sign({ sub: 'x', roles: ['superuser', 'root'], exp: inAnHour() }, TEST_SECRET, 'HS256');
      const res = await h.request('/v1/cases', { method: 'POST', json: hotlineCase(), headers: { Authorization: `Bearer ${token}` } });
      await expectProblem(res, 403);
      const list = await h.app.request('/v1/cases', { headers: { Authorization: `Bearer ${token}` } });
      await expectProblem(list, 403);
    });

    it('one of several roles is enough', async () => {
      const res = await h.request('/v1/cases', { method: 'POST', roles: ['office', 'reception'], json: walkIn() });
      expect(res.status).toBe(201);
    });
  });

  describe('reading cases', () => {
    it.each(['operator', 'supervisor', 'admin'] as Role[])('%s may list and read (the operator logged the case)', async (role) => {
      const list = await h.request('/v1/cases', { roles: [role] });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { items: CaseBody[] }).items.map((c) => c.id)).toContain(existing.id);
      const one = await h.request(`/v1/cases/${existing.id}`, { roles: [role] });
      expect(one.status).toBe(200);
      expect(((await one.json()) as CaseBody).id).toBe(existing.id);
    });

    it('reception may list and read what it logged, and gets 404 for a case it did not log', async () => {
      const own = await createOk(h, walkIn(), ['reception']);
      const list = await h.request('/v1/cases', { roles: ['reception'] });
      expect(list.status).toBe(200);
      const ids = ((await list.json()) as { items: CaseBody[] }).items.map((c) => c.id);
      expect(ids).toContain(own.id);
      expect(ids).not.toContain(existing.id);
      const one = await h.request(`/v1/cases/${own.id}`, { roles: ['reception'] });
      expect(one.status).toBe(200);
      expect(((await one.json()) as CaseBody).id).toBe(own.id);
      const other = await h.request(`/v1/cases/${existing.id}`, { roles: ['reception'] });
      const problem = await expectProblem(other, 404);
      expect(JSON.stringify(problem)).not.toContain(existing.subject);
    });

    it('office staff without an office may not list (403) and get 404 for a case (nothing leaks)', async () => {
      const list = await h.request('/v1/cases', { roles: ['office'] });
      expect((await expectProblem(list, 403)).type).toBe('/problems/forbidden');
      const one = await h.request(`/v1/cases/${existing.id}`, { roles: ['office'] });
      const problem = await expectProblem(one, 404);
      // Nothing of the case leaks into the refusal.
      expect(JSON.stringify(problem)).not.toContain(existing.subject);
    });

    it("office staff of an office list only that office's cases and get 404 for an unassigned case", async () => {
      const auth = { Authorization: `Bearer ${await h.token(['office'], { office: 'rights' })}` };
      const list = await h.app.request('/v1/cases', { headers: auth });
      expect(list.status).toBe(200);
      const items = ((await list.json()) as { items: CaseBody[] }).items;
      expect(items.map((c) => c.id)).not.toContain(existing.id);
      for (const c of items) expect(c.office).toBe('rights');
      const one = await h.app.request(`/v1/cases/${existing.id}`, { headers: auth });
      expect(JSON.stringify(await expectProblem(one, 404))).not.toContain(existing.subject);
    });
  });

  describe('calendar', () => {
    it.each(['operator', 'reception', 'office', 'supervisor', 'admin'] as Role[])('%s may read the calendar and ask for a deadline', async (role) => {
      expect((await h.request('/v1/calendar/2026', { roles: [role] })).status).toBe(200);
      expect((await h.request('/v1/calendar/deadline?category=complaint', { roles: [role] })).status).toBe(200);
    });

    it.each(['operator', 'reception', 'office', 'supervisor'] as Role[])('%s may not store a calendar year (403)', async (role) => {
      const res = await h.request('/v1/admin/calendar/2027', { method: 'PUT', roles: [role], json: { notice: CALENDAR_NOTICE, holidays: ['2027-01-01'], workdays: [] } });
      await expectProblem(res, 403);
      // Nothing stored: 2027 is still estimated.
      const year = (await (await h.request('/v1/calendar/2027', { roles: ['admin'] })).json()) as { source: string };
      expect(year.source).toBe('estimated');
    });

    it('admin may store a calendar year', async () => {
      const res = await h.request('/v1/admin/calendar/2030', { method: 'PUT', roles: ['admin'], json: { notice: CALENDAR_NOTICE, holidays: ['2030-01-01'], workdays: [] } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { source: string }).source).toBe('override');
    });
  });

  describe('public endpoints need no token', () => {
    it('POST /v1/intake/mailbox', async () => {
      const res = await h.request('/v1/intake/mailbox', { method: 'POST', json: { message: '无需登录即可来信' } });
      expect(res.status).toBe(201);
    });

    it('GET /v1/track/{ticketNo}', async () => {
      const res = await h.request(`/v1/track/${existing.ticketNo}?code=${existing.trackingCode}`);
      expect(res.status).toBe(200);
    });

    it('GET /health, /openapi.yaml and /docs', async () => {
      for (const path of ['/health', '/openapi.yaml', '/docs']) expect((await h.request(path)).status, path).toBe(200);
    });
  });
});
