import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import {
  body,
  createOk,
  expectProblem,
  expectValidation,
  listAll,
  postCase,
  SHANGHAI_ISO_RE,
  TICKET_RE,
  TRACKING_RE,
  type CaseBody,
  type CaseListBody,
} from '../support/http';

const walkIn = (overrides: Record<string, unknown> = {}) => ({
  channel: 'walk_in',
  category: 'advice',
  subject: '咨询工伤认定流程',
  description: '来访咨询工伤认定需要准备的材料。',
  ...overrides,
});
const paperLetter = (overrides: Record<string, unknown> = {}) => ({
  channel: 'mailbox',
  category: 'investigation',
  subject: '纸质来信：社保未缴',
  description: '来信反映单位两年未缴纳社会保险。',
  ...overrides,
});

describe('POST /v1/cases and GET /v1/cases/{id}', () => {
  let h: Harness;
  beforeAll(async () => {
    // Monday 2 March 2026, 09:30 in Shanghai.
    h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  });
  afterAll(() => h.close());

  it('creates a hotline case: 201 with Location, ETag and the full case', async () => {
    const input = hotlineCase({ region: '天河区', complainant: { name: '王师傅', phone: '13800138000', email: 'wang@example.com', employer: '某建筑公司', anonymous: true } });
    // An admin sees the complainant's personal data in the answer (an operator would not: see access.test.ts).
    const res = await postCase(h, input, ['admin']);
    expect(res.status).toBe(201);
    const c = await body<CaseBody>(res);
    expect(res.headers.get('location')).toBe(`/v1/cases/${c.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);

    expect(c.id).toMatch(/^[\w-]{8,64}$/);
    expect(c.ticketNo).toMatch(TICKET_RE);
    expect(c.ticketNo.startsWith('H2026-')).toBe(true);
    expect(c.trackingCode).toMatch(TRACKING_RE);
    expect(c.status).toBe('received');
    expect(c.channel).toBe('hotline');
    expect(c.category).toBe('complaint');
    expect(c.urgent).toBe(false);
    expect(c.subject).toBe(input.subject);
    expect(c.description).toBe(input.description);
    expect(c.topic).toBe('wages');
    expect(c.region).toBe('天河区');
    expect(c.complainant).toEqual({ name: '王师傅', phone: '13800138000', email: 'wang@example.com', employer: '某建筑公司', anonymous: true });
    expect(c.hotline).toEqual({ callId: 'call-0001', operatorId: 'op-7' });
    expect(c.walkIn).toBeUndefined();
    // Received now (the test clock); complaint: 20 working days from the next day.
    expect(c.receivedAt).toBe('2026-03-02T09:30:00+08:00');
    expect(c.dueAt).toBe('2026-03-30T23:59:59+08:00');
    expect(c.sla).toEqual({ dueAt: '2026-03-30T23:59:59+08:00', workingDays: 20, state: 'on_track', calendarEstimated: false });
    expect(c.createdAt).toBe('2026-03-02T09:30:00+08:00');
    expect(c.updatedAt).toMatch(SHANGHAI_ISO_RE);
    expect(c.version).toBe(1);
  });

  it('reads a case back with its ETag, identical to the creation response', async () => {
    // Created by an admin and read by a supervisor: both see the full case, personal data included.
    const created = await createOk(h, hotlineCase({ hotline: { callId: 'call-read', callerNumber: '+86 139-1234-5678' } }), ['admin']);
    const res = await h.request(`/v1/cases/${created.id}`, { roles: ['supervisor'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(await res.json()).toEqual(created);
    expect(created.hotline).toEqual({ callId: 'call-read', callerNumber: '+8613912345678' });
  });

  it('404 problem for an unknown case id', async () => {
    const res = await h.request('/v1/cases/00000000-0000-4000-8000-000000000000', { roles: ['admin'] });
    const problem = await expectProblem(res, 404);
    expect(problem.type).toBe('/problems/not-found');
    expect(problem.instance).toBe('/v1/cases/00000000-0000-4000-8000-000000000000');
  });

  it('400 for an id that is too long', async () => {
    const res = await h.request(`/v1/cases/${'a'.repeat(65)}`, { roles: ['admin'] });
    await expectValidation(res, 'param.id');
  });

  it('echoes receivedAt and deadlines in +08:00 whatever offset the client used', async () => {
    const c = await createOk(h, hotlineCase({ receivedAt: '2026-03-02T00:15:00Z', category: 'advice' }));
    expect(c.receivedAt).toBe('2026-03-02T08:15:00+08:00');
    expect(c.dueAt).toBe('2026-03-09T23:59:59+08:00');
    expect(c.sla.workingDays).toBe(5);
    const c2 = await createOk(h, hotlineCase({ receivedAt: '2026-03-01T20:00:00-05:00', category: 'investigation' }));
    expect(c2.receivedAt).toBe('2026-03-02T09:00:00+08:00');
    expect(c2.dueAt).toBe('2026-04-14T23:59:59+08:00');
    expect(c2.sla.workingDays).toBe(30);
  });

  it('accepts receivedAt without seconds', async () => {
    const c = await createOk(h, hotlineCase({ receivedAt: '2026-03-02T09:00+08:00' }));
    expect(c.receivedAt).toBe('2026-03-02T09:00:00+08:00');
  });

  it('keeps milliseconds of receivedAt when given', async () => {
    const c = await createOk(h, hotlineCase({ receivedAt: '2026-03-02T01:29:59.250Z' }));
    expect(c.receivedAt).toBe('2026-03-02T09:29:59.250+08:00');
  });

  it('urgent cases are due at the end of the day of receipt (a working day)', async () => {
    const c = await createOk(h, hotlineCase({ urgent: true, category: 'advice' }));
    expect(c.urgent).toBe(true);
    expect(c.sla.workingDays).toBe(0);
    expect(c.dueAt).toBe('2026-03-02T23:59:59+08:00');
  });

  it('urgent case received on a Sunday is due the next working day', async () => {
    const c = await createOk(h, hotlineCase({ urgent: true, receivedAt: '2026-03-01T10:00:00+08:00' }));
    expect(c.dueAt).toBe('2026-03-02T23:59:59+08:00');
  });

  it('stores phone numbers as digits only', async () => {
    // Logged by an operator (whose answer leaves the phone out), read back by a supervisor.
    const phoneOf = async (c: CaseBody) => ((await (await h.request(`/v1/cases/${c.id}`, { roles: ['supervisor'] })).json()) as CaseBody).complainant?.phone;
    const mobile = await createOk(h, hotlineCase({ complainant: { phone: '+86 138-0013-8000' } }));
    expect(await phoneOf(mobile)).toBe('13800138000');
    const landline = await createOk(h, hotlineCase({ complainant: { phone: '(020) 8765-4321' } }));
    expect(await phoneOf(landline)).toBe('02087654321');
    const stored = await h.request(`/v1/cases/${landline.id}`, { roles: ['admin'] });
    expect(((await stored.json()) as CaseBody).complainant?.phone).toBe('02087654321');
  });

  it.each([
    ['12345', 'complainant.phone'],
    ['2380013800', 'complainant.phone'],
    ['1380013800099', 'complainant.phone'],
    ['phone: 13800138000', 'complainant.phone'],
  ])('rejects phone %s', async (phone, path) => {
    await expectValidation(await postCase(h, hotlineCase({ complainant: { phone } })), path);
  });

  it.each(['not-an-email', 'a@b', '@example.com', 'x y@example.com'])('rejects e-mail %s', async (email) => {
    await expectValidation(await postCase(h, hotlineCase({ complainant: { email } })), 'complainant.email');
  });

  it('rejects unknown fields and names each of them', async () => {
    const res = await postCase(
      h,
      hotlineCase({ priority: 'high', complainant: { name: '王师傅', nickname: '老王' }, hotline: { callId: 'c1', line: 3 } }),
    );
    const problem = await expectValidation(res, 'priority', 'complainant.nickname', 'hotline.line');
    expect(problem.errors?.find((e) => e.path === 'complainant.nickname')?.message).toMatch(/unknown/i);
  });

  it('rejects unknown fields in walkIn', async () => {
    await expectValidation(await postCase(h, walkIn({ walkIn: { visitors: 2, room: 'A' } }), ['reception']), 'walkIn.room');
  });

  it('requires the core fields', async () => {
    const res = await postCase(h, { hotline: { callId: 'x' } });
    await expectValidation(res, 'channel', 'category', 'subject', 'description');
  });

  it.each([
    ['channel', { channel: 'fax' }],
    ['category', { category: 'urgent' }],
    ['urgent', { urgent: 'yes' }],
    ['subject', { subject: '' }],
    ['subject', { subject: '   ' }],
    ['subject', { subject: 'x'.repeat(201) }],
    ['subject', { subject: '第一行\n第二行' }],
    ['subject', { subject: 42 }],
    ['description', { description: '' }],
    ['description', { description: 'x'.repeat(10_001) }],
    ['description', { description: 'bell \u0007 character' }],
    ['topic', { topic: 'Wages!' }],
    ['region', { region: 'x'.repeat(101) }],
    ['receivedAt', { receivedAt: '2026-03-02T09:30:00' }],
    ['receivedAt', { receivedAt: '2026-03-02' }],
    ['receivedAt', { receivedAt: 'yesterday' }],
    ['receivedAt', { receivedAt: '2026-02-30T09:00:00+08:00' }],
    ['receivedAt', { receivedAt: 1772415000000 }],
    ['complainant', { complainant: 'anonymous' }],
    ['complainant.anonymous', { complainant: { anonymous: 'yes' } }],
  ])('rejects a bad %s', async (path, overrides) => {
    const res = await postCase(h, hotlineCase(overrides));
    const problem = await expectValidation(res, path);
    expect(problem.type).toBe('/problems/validation');
  });

  it('accepts a subject of 200 characters and a description of 10 000', async () => {
    const c = await createOk(h, hotlineCase({ subject: '薪'.repeat(200), description: '欠'.repeat(10_000) }));
    expect(c.subject).toHaveLength(200);
    expect(c.description).toHaveLength(10_000);
  });

  it('trims subject and keeps line breaks in the description', async () => {
    const c = await createOk(h, hotlineCase({ subject: '  工资  ', description: '第一段\n第二段' }));
    expect(c.subject).toBe('工资');
    expect(c.description).toBe('第一段\n第二段');
  });

  describe('receivedAt limits', () => {
    it('accepts up to 5 minutes in the future and rejects more', async () => {
      const ok = await createOk(h, hotlineCase({ receivedAt: '2026-03-02T09:34:00+08:00' }));
      expect(ok.receivedAt).toBe('2026-03-02T09:34:00+08:00');
      const res = await postCase(h, hotlineCase({ receivedAt: '2026-03-02T09:36:00+08:00' }));
      const problem = await expectValidation(res, 'receivedAt');
      expect(problem.errors?.[0]?.message).toMatch(/future/);
    });

    it('accepts up to 366 days back and rejects more', async () => {
      const ok = await createOk(h, hotlineCase({ receivedAt: '2025-03-02T09:30:00+08:00' }));
      expect(ok.receivedAt).toBe('2025-03-02T09:30:00+08:00');
      const res = await postCase(h, hotlineCase({ receivedAt: '2025-03-01T09:00:00+08:00' }));
      const problem = await expectValidation(res, 'receivedAt');
      expect(problem.errors?.[0]?.message).toMatch(/366 days/);
    });
  });

  describe('channel blocks must match the channel', () => {
    it('a hotline case needs the hotline block with a callId', async () => {
      await expectValidation(await postCase(h, hotlineCase({ hotline: undefined })), 'hotline');
      await expectValidation(await postCase(h, hotlineCase({ hotline: { operatorId: 'op-1' } })), 'hotline.callId');
      await expectValidation(await postCase(h, hotlineCase({ hotline: { callId: '' } })), 'hotline.callId');
    });

    it('a hotline case may not carry walkIn', async () => {
      await expectValidation(await postCase(h, hotlineCase({ walkIn: { visitors: 1 } })), 'walkIn');
    });

    it('a walk-in may not carry hotline', async () => {
      await expectValidation(await postCase(h, walkIn({ hotline: { callId: 'x' } }), ['reception']), 'hotline');
    });

    it('a paper letter may carry neither', async () => {
      await expectValidation(await postCase(h, paperLetter({ hotline: { callId: 'x' } }), ['reception']), 'hotline');
      await expectValidation(await postCase(h, paperLetter({ walkIn: { visitors: 1 } }), ['reception']), 'walkIn');
    });
  });

  describe('walk-in visits', () => {
    it('defaults visitors to 1 and keeps batchId', async () => {
      const c = await createOk(h, walkIn({ walkIn: { batchId: 'batch-7' } }), ['reception']);
      expect(c.channel).toBe('walk_in');
      expect(c.ticketNo.startsWith('W2026-')).toBe(true);
      expect(c.walkIn).toEqual({ visitors: 1, batchId: 'batch-7' });
    });

    it('counts a visit logged without a walkIn block as one visitor', async () => {
      const c = await createOk(h, walkIn(), ['reception']);
      expect(c.walkIn).toEqual({ visitors: 1 });
    });

    it('accepts 1 and 500 visitors', async () => {
      expect((await createOk(h, walkIn({ walkIn: { visitors: 500 } }), ['reception'])).walkIn?.visitors).toBe(500);
      expect((await createOk(h, walkIn({ walkIn: { visitors: 1 } }), ['reception'])).walkIn?.visitors).toBe(1);
    });

    it.each([0, 501, 2.5, -1, '3'])('rejects %s visitors', async (visitors) => {
      await expectValidation(await postCase(h, walkIn({ walkIn: { visitors } }), ['reception']), 'walkIn.visitors');
    });
  });

  it('a paper letter logged at reception is a mailbox case with an M ticket', async () => {
    const c = await createOk(h, paperLetter(), ['reception']);
    expect(c.channel).toBe('mailbox');
    expect(c.ticketNo.startsWith('M2026-')).toBe(true);
    expect(c.sla.workingDays).toBe(30);
  });

  it('gives every case its own tracking code', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 10; i++) codes.add((await createOk(h, hotlineCase())).trackingCode);
    expect(codes.size).toBe(10);
    for (const code of codes) expect(code).toMatch(TRACKING_RE);
  });
});

describe('ticket numbers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  });
  afterAll(() => h.close());

  it('one sequence per year across channels, each channel its letter', async () => {
    const a = await createOk(h, hotlineCase());
    const b = await createOk(h, walkIn(), ['reception']);
    const c = await createOk(h, paperLetter(), ['reception']);
    const d = await h.request('/v1/intake/mailbox', { method: 'POST', json: { message: '网上来信' } });
    const e = await createOk(h, hotlineCase(), ['admin']);
    expect([a.ticketNo, b.ticketNo, c.ticketNo, ((await d.json()) as { ticketNo: string }).ticketNo, e.ticketNo]).toEqual([
      'H2026-000001',
      'W2026-000002',
      'M2026-000003',
      'M2026-000004',
      'H2026-000005',
    ]);
  });

  it('a backdated case received in 2025 gets a 2025 number from the 2025 sequence', async () => {
    const old = await createOk(h, hotlineCase({ receivedAt: '2025-12-30T15:00:00+08:00' }));
    expect(old.ticketNo).toBe('H2025-000001');
    const older = await createOk(h, walkIn({ receivedAt: '2025-06-30T15:00:00+08:00' }), ['reception']);
    expect(older.ticketNo).toBe('W2025-000002');
    // The 2026 sequence carried on untouched.
    expect((await createOk(h, hotlineCase())).ticketNo).toBe('H2026-000006');
  });

  it('the year is the Shanghai year of receipt, not the UTC year', async () => {
    // 2026-01-01 00:30 in Shanghai is still 2025 in UTC.
    const newYear = await createOk(h, hotlineCase({ receivedAt: '2025-12-31T16:30:00Z' }));
    expect(newYear.receivedAt).toBe('2026-01-01T00:30:00+08:00');
    expect(newYear.ticketNo).toBe('H2026-000007');
    // 2025-12-31 23:59 in Shanghai.
    const lastMinute = await createOk(h, hotlineCase({ receivedAt: '2025-12-31T23:59:00+08:00' }));
    expect(lastMinute.ticketNo).toBe('H2025-000003');
  });

  it('parallel creation hands out distinct, consecutive numbers', async () => {
    const before = (await listAll(h)).length;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => createOk(h, hotlineCase({ hotline: { callId: `parallel-${i}` } }))));
    const seqs = results.map((c) => Number(c.ticketNo.slice(6))).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(12);
    expect(seqs[11]! - seqs[0]!).toBe(11);
    expect(seqs[0]).toBe(8);
    expect((await listAll(h)).length).toBe(before + 12);
  });

  it('numbers are never reused: every ticket in the list is distinct', async () => {
    const all = await listAll(h);
    const tickets = all.map((c) => c.ticketNo);
    expect(new Set(tickets).size).toBe(tickets.length);
    expect(tickets.length).toBe(22);
  });
});

describe('GET /v1/cases', () => {
  let h: Harness;
  const created: CaseBody[] = [];

  beforeAll(async () => {
    h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
    // 25 cases with a spread of categories, channels, urgency and receipt times, in no particular deadline order.
    const categories = ['investigation', 'advice', 'complaint'] as const;
    for (let i = 0; i < 25; i++) {
      const category = categories[i % 3];
      const receivedAt = new Date(Date.parse('2026-03-02T09:00:00+08:00') - ((i * 7) % 25) * 86_400_000).toISOString();
      const urgent = i % 8 === 0;
      if (i % 4 === 1) created.push(await createOk(h, walkIn({ category, receivedAt, urgent }), ['reception']));
      else if (i % 4 === 2) created.push(await createOk(h, paperLetter({ category, receivedAt, urgent }), ['reception']));
      else created.push(await createOk(h, hotlineCase({ category, receivedAt, urgent })));
    }
  });
  afterAll(() => h.close());

  const dueOf = (c: CaseBody) => Date.parse(c.sla.dueAt);
  const ids = (cs: CaseBody[]) => cs.map((c) => c.id).sort();

  it('lists every case sorted by sla.dueAt ascending', async () => {
    const res = await h.request('/v1/cases?limit=200', { roles: ['supervisor'] });
    expect(res.status).toBe(200);
    const page = await body<CaseListBody>(res);
    expect(page.nextCursor).toBeNull();
    expect(page.items).toHaveLength(25);
    expect(ids(page.items)).toEqual(ids(created));
    const dues = page.items.map(dueOf);
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    // Spread really is varied, so sorting is tested.
    expect(new Set(dues).size).toBeGreaterThan(5);
    // Items are full cases, as GET /v1/cases/{id} shows them.
    const first = page.items[0]!;
    expect(await (await h.request(`/v1/cases/${first.id}`, { roles: ['supervisor'] })).json()).toEqual(first);
  });

  it('defaults to a page of at most 50', async () => {
    const page = await body<CaseListBody>(await h.request('/v1/cases', { roles: ['admin'] }));
    expect(page.items).toHaveLength(25);
  });

  // A supervisor pages through all 25; the operator and reception through what each logged (13 and 12).
  const pagers = [
    ['supervisor', () => created],
    ['operator', () => created.filter((c) => c.channel === 'hotline')],
    ['reception', () => created.filter((c) => c.channel !== 'hotline')],
  ] as const;
  it.each([1, 2, 3, 7, 24, 25, 26].flatMap((limit) => pagers.map(([role, expected]) => [limit, role, expected] as const)))(
    'pages with limit %i return every case the %s may see exactly once, in order',
    async (limit, role, expectedOf) => {
      const expected = expectedOf();
      expect(expected.length).toBeGreaterThan(10);
      const seen: CaseBody[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q = new URLSearchParams({ limit: String(limit) });
        if (cursor) q.set('cursor', cursor);
        const page = await body<CaseListBody>(await h.request(`/v1/cases?${q}`, { roles: [role] }));
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(cursor).toBeNull();
      expect(seen).toHaveLength(expected.length);
      expect(ids(seen)).toEqual(ids(expected));
      const dues = seen.map(dueOf);
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
    },
  );

  it.each([
    ['category=advice', (c: CaseBody) => c.category === 'advice'],
    ['category=investigation', (c: CaseBody) => c.category === 'investigation'],
    ['channel=walk_in', (c: CaseBody) => c.channel === 'walk_in'],
    ['channel=hotline', (c: CaseBody) => c.channel === 'hotline'],
    ['channel=mailbox&category=complaint', (c: CaseBody) => c.channel === 'mailbox' && c.category === 'complaint'],
    ['status=received', () => true],
    ['status=received&category=complaint', (c: CaseBody) => c.category === 'complaint'],
    ['status=closed', () => false],
    ['status=assigned', () => false],
  ])('filters: %s', async (query, match) => {
    const expected = created.filter(match);
    for (const limit of [200, 2]) {
      const got = await listAll(h, query, limit);
      expect(ids(got)).toEqual(ids(expected));
      const dues = got.map(dueOf);
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
    }
  });

  it('filters: dueBefore is strict', async () => {
    const sorted = [...created].sort((a, b) => dueOf(a) - dueOf(b));
    const pivot = sorted[12]!;
    const got = await listAll(h, `dueBefore=${encodeURIComponent(pivot.sla.dueAt)}`);
    const expected = created.filter((c) => dueOf(c) < dueOf(pivot));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(25);
    expect(ids(got)).toEqual(ids(expected));
    // Combined with a status and a category, paged.
    const combined = await listAll(h, `status=received&category=advice&dueBefore=${encodeURIComponent(pivot.sla.dueAt)}`, 1);
    expect(ids(combined)).toEqual(ids(expected.filter((c) => c.category === 'advice')));
  });

  it('rejects a cursor reused with different filters', async () => {
    const first = await body<CaseListBody>(await h.request('/v1/cases?limit=3&category=advice', { roles: ['admin'] }));
    expect(first.nextCursor).toBeTruthy();
    const cursor = encodeURIComponent(first.nextCursor!);
    for (const other of ['category=complaint', 'channel=hotline', 'status=received', '', 'category=advice&dueBefore=2026-12-31T00:00:00%2B08:00']) {
      const res = await h.request(`/v1/cases?limit=3&${other}&cursor=${cursor}`, { roles: ['admin'] });
      await expectValidation(res, 'cursor');
    }
    // Same filters, another limit: fine.
    expect((await h.request(`/v1/cases?limit=5&category=advice&cursor=${cursor}`, { roles: ['admin'] })).status).toBe(200);
  });

  it.each([
    'garbage',
    'eyJrIjp7fX0',
    Buffer.from(JSON.stringify({ k: { pk: 'CASE#x' }, f: 'x' })).toString('base64url'),
    Buffer.from('null').toString('base64url'),
    '%00%01',
    'x'.repeat(2049),
  ])('rejects a garbage cursor %#', async (cursor) => {
    const res = await h.request(`/v1/cases?cursor=${cursor}`, { roles: ['admin'] });
    await expectProblem(res, 400);
  });

  it('rejects a cursor whose key was tampered with', async () => {
    const first = await body<CaseListBody>(await h.request('/v1/cases?limit=3', { roles: ['admin'] }));
    const decoded = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString()) as { k: Record<string, string>; f: string };
    decoded.k.smuggled = 'x';
    const res = await h.request(`/v1/cases?cursor=${Buffer.from(JSON.stringify(decoded)).toString('base64url')}`, { roles: ['admin'] });
    await expectValidation(res, 'cursor');
  });

  it('rejects a cursor whose key values were tampered with (400, not 500)', async () => {
    const first = await body<CaseListBody>(await h.request('/v1/cases?limit=3', { roles: ['admin'] }));
    const decoded = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString()) as { k: Record<string, string>; f: string };
    // Same attribute names and query fingerprint, but pointing into another partition.
    for (const attr of Object.keys(decoded.k)) {
      const forged = { ...decoded, k: { ...decoded.k, [attr]: 'OTHER' } };
      const res = await h.request(`/v1/cases?limit=3&cursor=${Buffer.from(JSON.stringify(forged)).toString('base64url')}`, { roles: ['admin'] });
      expect(res.status, `cursor with ${attr} forged`).toBeLessThan(500);
      if (res.status !== 200) await expectValidation(res, 'cursor');
    }
  });

  it('rejects unknown query parameters, naming them', async () => {
    const res = await h.request('/v1/cases?sort=desc&page=2', { roles: ['admin'] });
    await expectValidation(res, 'query.sort', 'query.page');
  });

  it.each(['0', '201', '-1', 'abc', '1.5', ''])('rejects limit=%s', async (limit) => {
    await expectValidation(await h.request(`/v1/cases?limit=${limit}`, { roles: ['admin'] }), 'query.limit');
  });

  it('accepts limit 1 and 200', async () => {
    expect((await body<CaseListBody>(await h.request('/v1/cases?limit=1', { roles: ['admin'] }))).items).toHaveLength(1);
    expect((await body<CaseListBody>(await h.request('/v1/cases?limit=200', { roles: ['admin'] }))).items).toHaveLength(25);
  });

  it.each([
    ['status=open', 'query.status'],
    ['category=other', 'query.category'],
    ['channel=email', 'query.channel'],
    ['dueBefore=tomorrow', 'query.dueBefore'],
    ['dueBefore=2026-03-30', 'query.dueBefore'],
  ])('rejects a bad filter %s', async (query, path) => {
    await expectValidation(await h.request(`/v1/cases?${query}`, { roles: ['admin'] }), path);
  });
});
