import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { failingCreates } from '../support/faults';
import { CALENDAR_NOTICE, body, createOk, expectProblem, expectValidation, listAll, sequenceOf, type CaseBody } from '../support/http';

describe('bad input', () => {
  let h: Harness;
  let operator: string;
  beforeAll(async () => {
    h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
    operator = await h.token(['operator']);
  });
  afterAll(() => h.close());

  /** POST /v1/cases with a raw body. */
  const raw = async (text: string | Uint8Array | ReadableStream | undefined, contentType: string | null = 'application/json', extra: Record<string, string> = {}): Promise<Response> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${operator}`, ...extra };
    if (contentType) headers['Content-Type'] = contentType;
    const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers, body: text };
    if (text instanceof ReadableStream) init.duplex = 'half';
    return h.app.request('/v1/cases', init);
  };

  describe('POST /v1/cases', () => {
    it.each([
      ['truncated JSON', '{"channel": "hotline",'],
      ['a trailing comma', '{"channel": "hotline",}'],
      ['single quotes', "{'channel': 'hotline'}"],
      ['NaN', '{"urgent": NaN}'],
      ['an empty body', ''],
      ['just whitespace', '   '],
    ])('malformed JSON (%s) → 400 problem with errors', async (_name, text) => {
      const res = await raw(text);
      const problem = await expectProblem(res, 400);
      expect(problem.errors?.[0]).toEqual({ path: expect.any(String), message: expect.any(String) });
    });

    it.each([
      ['an array', '[]'],
      ['a string', '"hotline"'],
      ['a number', '42'],
      ['null', 'null'],
      ['true', 'true'],
      ['deeply nested arrays', `${'['.repeat(50_000)}${']'.repeat(50_000)}`],
      ['deep nesting in a field', JSON.stringify(hotlineCase({ complainant: { name: JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`) } }))],
    ])('JSON of the wrong shape (%s) → 400 validation problem', async (_name, text) => {
      await expectValidation(await raw(text));
    });

    it.each([
      ['channel', { channel: 1 }],
      ['category', { category: null }],
      ['urgent', { urgent: 'true' }],
      ['urgent', { urgent: 1 }],
      ['subject', { subject: ['a'] }],
      ['description', { description: { text: 'x' } }],
      ['topic', { topic: 7 }],
      ['complainant.name', { complainant: { name: 123 } }],
      ['complainant.phone', { complainant: { phone: 13800138000 } }],
      ['hotline.callId', { hotline: { callId: 42 } }],
      ['hotline', { hotline: 'call-1' }],
      ['receivedAt', { receivedAt: true }],
    ])('wrong type for %s → 400 naming it', async (path, overrides) => {
      await expectValidation(await raw(JSON.stringify(hotlineCase(overrides))), path);
    });

    it.each([
      ['no offset', '2026-03-02T09:00:00'],
      ['date only', '2026-03-02'],
      ['not a date', 'last Tuesday'],
      ['an impossible date', '2026-13-01T09:00:00+08:00'],
      ['an impossible time', '2026-03-02T25:00:00+08:00'],
      ['a bad offset', '2026-03-02T09:00:00+8'],
      ['too far back', '2024-03-02T09:00:00+08:00'],
      ['too far ahead', '2026-03-03T09:00:00+08:00'],
    ])('bad receivedAt (%s) → 400 naming receivedAt', async (_name, receivedAt) => {
      await expectValidation(await raw(JSON.stringify(hotlineCase({ receivedAt }))), 'receivedAt');
    });

    it('unknown fields at every level are named', async () => {
      const res = await raw(JSON.stringify({ ...hotlineCase({ complainant: { name: '王', age: 40 }, hotline: { callId: 'x', queue: 2 } }), status: 'closed', id: 'mine' }));
      await expectValidation(res, 'status', 'id', 'complainant.age', 'hotline.queue');
    });

    it('a __proto__ key is an unknown field, not a prototype change', async () => {
      const text = JSON.stringify(hotlineCase()).replace(/^\{/, '{"__proto__": {"urgent": true, "admin": true},');
      await expectValidation(await raw(text), '__proto__');
    });

    it('a body over 128 KiB → 413 problem', async () => {
      const res = await raw(JSON.stringify(hotlineCase({ description: 'x'.repeat(130 * 1024) })));
      const problem = await expectProblem(res, 413);
      expect(problem.type).toBe('/problems/too-large');
    });

    it('a calendar body over 128 KiB → 413 problem, nothing stored', async () => {
      const res = await h.request('/v1/admin/calendar/2027', { method: 'PUT', roles: ['admin'], json: { notice: CALENDAR_NOTICE, holidays: Array.from({ length: 12_000 }, () => '2027-01-01'), workdays: [] } });
      await expectProblem(res, 413);
      expect(await h.request('/v1/calendar/2027', { roles: ['admin'] }).then((r) => r.json())).toMatchObject({ source: 'estimated' });
    });

    it('a streamed body (no Content-Length) over 128 KiB → 413 problem', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"channel":"hotline","description":"'));
          if (sent++ < 10) controller.enqueue(chunk);
          else {
            controller.enqueue(new TextEncoder().encode('"}'));
            controller.close();
          }
        },
      });
      await expectProblem(await raw(stream), 413);
    });

    it('a body just under 128 KiB is read and validated (400, not 413)', async () => {
      const res = await raw(JSON.stringify(hotlineCase({ region: 'x'.repeat(120 * 1024) })));
      await expectValidation(res, 'region');
    });

    it('a lying Content-Length never leads to a 5xx', async () => {
      const text = JSON.stringify(hotlineCase({ description: 'x'.repeat(130 * 1024) }));
      const res = await raw(text, 'application/json', { 'Content-Length': '100' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });

    it.each([
      ['text/plain', 'text/plain'],
      ['form encoding', 'application/x-www-form-urlencoded'],
      ['multipart', 'multipart/form-data; boundary=x'],
      ['xml', 'application/xml'],
      ['json with junk', 'application/jsonx'],
    ])('wrong content type (%s) → 415 problem', async (_name, type) => {
      const problem = await expectProblem(await raw(JSON.stringify(hotlineCase()), type), 415);
      expect(problem.type).toBe('/problems/unsupported-media-type');
    });

    it('no content type → 415 problem', async () => {
      // A string body would get text/plain from fetch; bytes go without any Content-Type.
      const res = await raw(new TextEncoder().encode(JSON.stringify(hotlineCase())), null);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      await expectProblem(res, 415);
    });

    it.each(['application/merge-patch+json', 'application/vnd.api+json', 'text/json', 'application/x-www-form-urlencoded'])(
      'a media type the operation does not list (%s) → 415 problem, nothing stored',
      async (type) => {
        const before = (await listAll(h)).length;
        await expectProblem(await raw(JSON.stringify(hotlineCase({ hotline: { callId: `media-${type}` } })), type), 415);
        expect((await listAll(h)).length).toBe(before);
      },
    );

    it('merge-patch is refused on PUT too (offices), 415', async () => {
      const res = await h.request('/v1/admin/offices/rights', {
        method: 'PUT',
        roles: ['admin'],
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ name: '权益保障部', email: 'rights@union.example.org' }),
      });
      await expectProblem(res, 415);
    });

    it.each([
      ['subject', { subject: 'x\ud800y' }],
      ['description', { description: '拖欠\udfff工资' }],
      ['region', { region: '\ud83d' }],
      ['complainant.name', { complainant: { name: '王\udc00' } }],
      ['complainant.employer', { complainant: { employer: '公司\ud800' } }],
      ['hotline.callId', { hotline: { callId: 'c\ud800' } }],
    ])('a lone UTF-16 surrogate in %s → 400 naming it, like other invalid text', async (path, overrides) => {
      // JSON.stringify writes a lone surrogate as a \u escape, as a client in another language might.
      const text = JSON.stringify(hotlineCase(overrides));
      expect(text).toMatch(/\\u[dD][89a-fA-F]/);
      const problem = await expectValidation(await raw(text), path);
      expect(problem.errors?.find((e) => e.path === path)?.message).toMatch(/surrogate/);
    });

    it('a surrogate pair (an emoji) is ordinary text', async () => {
      expect((await raw(JSON.stringify(hotlineCase({ subject: '工资 😡', hotline: { callId: 'emoji-1' } })))).status).toBe(201);
    });

    it('application/json with a charset is fine', async () => {
      const res = await raw(JSON.stringify(hotlineCase()), 'application/json; charset=utf-8');
      expect(res.status).toBe(201);
    });

    it('never answers random JSON with a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.record({ channel: fc.jsonValue(), category: fc.jsonValue(), subject: fc.jsonValue(), description: fc.jsonValue(), complainant: fc.jsonValue(), hotline: fc.jsonValue() }, { requiredKeys: [] })), async (value) => {
          const res = await raw(JSON.stringify(value));
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        }),
        { numRuns: 60 },
      );
    });

    it('never answers random field values on a valid skeleton with a 5xx', async () => {
      const field = fc.constantFrom('channel', 'category', 'urgent', 'subject', 'description', 'topic', 'region', 'receivedAt', 'complainant', 'hotline', 'walkIn');
      await fc.assert(
        fc.asyncProperty(field, fc.oneof(fc.jsonValue(), fc.string(), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3 })), async (key, value) => {
          const res = await raw(JSON.stringify(hotlineCase({ [key]: value })));
          expect(res.status).toBeLessThan(500);
          if (res.status !== 201) expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        }),
        { numRuns: 60 },
      );
    });
  });

  describe('queries and paths', () => {
    it('never answers random list queries with a 5xx', async () => {
      const key = fc.constantFrom('status', 'category', 'channel', 'dueBefore', 'limit', 'cursor', 'x');
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(key, fc.string({ maxLength: 40 })), { maxLength: 4 }), async (pairs) => {
          const res = await h.request(`/v1/cases?${new URLSearchParams(pairs)}`, { roles: ['admin'] });
          expect(res.status === 200 || (res.status >= 400 && res.status < 500)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });

    it('repeated query parameters are a 400, not a crash', async () => {
      await expectValidation(await h.request('/v1/cases?category=advice&category=complaint', { roles: ['admin'] }), 'query.category');
      await expectValidation(await h.request('/v1/cases?limit=1&limit=2', { roles: ['admin'] }), 'query.limit');
    });

    it('odd case ids are 404 or 400, never 5xx', async () => {
      for (const id of ['%00', '..%2F..%2Fetc', 'CASE%23x', "'%20OR%201=1", '%F0%9F%98%80', 'a%23b']) {
        const res = await h.request(`/v1/cases/${id}`, { roles: ['admin'] });
        expect([400, 404]).toContain(res.status);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    });

    it('unknown routes → 404 problem+json', async () => {
      for (const [method, path] of [
        ['GET', '/nope'],
        ['GET', '/v1'],
        ['GET', '/v2/cases'],
        ['DELETE', '/v1/cases/abc/accept/more'],
      ] as const) {
        const res = await h.request(path, { method, roles: ['admin'], outsideSpec: 'an unknown path' });
        const problem = await expectProblem(res, 404);
        expect(problem.instance).toBe(path);
      }
    });

    it('a method the path does not take → 405 problem+json with Allow', async () => {
      for (const [method, path, allow] of [
        ['DELETE', '/v1/cases', 'GET, HEAD, OPTIONS, POST'],
        ['PATCH', '/v1/cases/abc', 'GET, HEAD, OPTIONS'],
        ['PUT', '/v1/cases/abc/accept', 'OPTIONS, POST'],
        ['GET', '/v1/intake/mailbox', 'OPTIONS, POST'],
        ['POST', '/v1/admin/offices/rights', 'DELETE, OPTIONS, PUT'],
      ] as const) {
        const res = await h.request(path, { method, roles: ['admin'], outsideSpec: 'a method the path does not take' });
        const problem = await expectProblem(res, 405);
        expect(problem.type).toBe('/problems/method-not-allowed');
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      }
    });

    it('OPTIONS on a staff path → 204 with Allow and no body; on an unknown path → 404', async () => {
      const res = await h.request('/v1/cases/abc', { method: 'OPTIONS', outsideSpec: 'OPTIONS is not an operation' });
      expect(res.status).toBe(204);
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect(await res.text()).toBe('');
      await expectProblem(await h.request('/nope', { method: 'OPTIONS', outsideSpec: 'an unknown path' }), 404);
    });

    it('HEAD wherever GET works: the same status and headers, no body', async () => {
      const c = await createOk(h, hotlineCase({ hotline: { callId: 'head-1' } }));
      const res = await h.request(`/v1/cases/${c.id}`, { method: 'HEAD', roles: ['supervisor'] });
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(`"${c.version}"`);
      expect(await res.text()).toBe('');
    });
  });

  describe('nothing half-written', () => {
    it('rejected requests leave the list unchanged and the ticket sequence without gaps', async () => {
      const first = await createOk(h, hotlineCase({ hotline: { callId: 'before-rejections' } }));
      const before = await listAll(h);
      const admin = await h.token(['admin']);
      const rejected: [string, Promise<Response>][] = [
        ['malformed', raw('{"channel":')],
        ['unknown field', raw(JSON.stringify(hotlineCase({ extra: 1 })))],
        ['too far back', raw(JSON.stringify(hotlineCase({ receivedAt: '2024-01-01T00:00:00+08:00' })))],
        ['too far ahead', raw(JSON.stringify(hotlineCase({ receivedAt: '2027-01-01T00:00:00+08:00' })))],
        ['wrong channel block', raw(JSON.stringify(hotlineCase({ walkIn: { visitors: 2 } })))],
        ['wrong role', h.request('/v1/cases', { method: 'POST', roles: ['reception'], json: hotlineCase() })],
        ['office', h.request('/v1/cases', { method: 'POST', roles: ['office'], json: hotlineCase() })],
        ['no token', h.request('/v1/cases', { method: 'POST', json: hotlineCase() })],
        ['too large', raw(JSON.stringify(hotlineCase({ description: 'x'.repeat(140_000) })))],
        ['content type', raw(JSON.stringify(hotlineCase()), 'text/plain')],
        ['bad idempotency key', raw(JSON.stringify(hotlineCase()), 'application/json', { 'Idempotency-Key': 'a b' })],
        ['mailbox invalid', h.request('/v1/intake/mailbox', { method: 'POST', json: { message: '' }, ip: '203.0.113.200' })],
        ['mailbox honeypot', h.request('/v1/intake/mailbox', { method: 'POST', json: { message: 'spam', website: 'x' }, ip: '203.0.113.201' })],
        ['calendar invalid', h.request('/v1/admin/calendar/2027', { method: 'PUT', json: { notice: CALENDAR_NOTICE, holidays: ['2026-01-01'], workdays: [] }, headers: { Authorization: `Bearer ${admin}` } })],
      ];
      for (const [name, pending] of rejected) {
        const res = await pending;
        expect(res.status, name).toBeLessThan(500);
        if (name !== 'mailbox honeypot') expect(res.status, name).toBeGreaterThanOrEqual(400);
      }
      // Idempotency conflict, too.
      await raw(JSON.stringify(hotlineCase({ hotline: { callId: 'k1' } })), 'application/json', { 'Idempotency-Key': 'half-written' });
      const afterKey = await listAll(h);
      expect(afterKey).toHaveLength(before.length + 1);
      await expectProblem(await raw(JSON.stringify(hotlineCase({ hotline: { callId: 'k2' } })), 'application/json', { 'Idempotency-Key': 'half-written' }), 422);

      expect(await listAll(h)).toEqual(afterKey);
      const next = await createOk(h, hotlineCase({ hotline: { callId: 'after-rejections' } }));
      expect(sequenceOf(next.ticketNo)).toBe(sequenceOf(first.ticketNo) + 2);
      expect(await h.request('/v1/calendar/2027', { roles: ['admin'] }).then((r) => r.json())).toMatchObject({ source: 'estimated' });
    });
  });

  describe('failures of the storage behind the API', () => {
    it('a storage error is a 500 problem that reveals nothing and is logged without personal data', async () => {
      const failing = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
      try {
        const real = failing.deps.cases;
        const broken = failingCreates(real, Infinity, () => new Error('ProvisionedThroughputExceededException: table union-cases at 10.0.3.7'));
        // A second app over the same table whose case store fails on writes.
        const app = failing.appWith({ cases: broken });
        const res = await app.request('/v1/cases', {
          method: 'POST',
          headers: { Authorization: `Bearer ${await failing.token(['operator'])}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(hotlineCase({ complainant: { name: '孙大成', phone: '13511112222', email: 'sun@example.net' } })),
        });
        const problem = await expectProblem(res, 500);
        expect(problem.type).toBe('/problems/internal');
        const text = JSON.stringify(problem);
        expect(text).not.toContain('Provisioned');
        expect(text).not.toContain('10.0.3.7');
        expect(text).not.toContain('孙大成');
        const logged = failing.rawLogs.join('\n');
        expect(logged).toContain('http.unhandled_error');
        for (const secret of ['13511112222', 'sun@example.net', '孙大成']) expect(logged).not.toContain(secret);
        // Nothing listed.
        expect(await listAll(failing)).toEqual([]);
      } finally {
        await failing.close();
      }
    });

    it('when the rate-limit store fails, the public form still works', async () => {
      const failing = await createHarness({
        deps: {
          rateLimiter: {
            hit: async () => {
              throw new Error('throttled');
            },
          },
        },
      });
      try {
        const res = await failing.request('/v1/intake/mailbox', { method: 'POST', json: { message: '限流存储故障' } });
        expect(res.status).toBe(201);
        const receipt = await body<{ ticketNo: string }>(res);
        expect(failing.logs.some((l) => l.message === 'rate_limit.store_failed')).toBe(true);
        expect((await listAll(failing)).map((c: CaseBody) => c.ticketNo)).toEqual([receipt.ticketNo]);
      } finally {
        await failing.close();
      }
    });
  });
});
