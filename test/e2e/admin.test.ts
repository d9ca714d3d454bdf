import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../shared/domain/case';
import { ROLES, type Role } from '../../shared/domain/principal';
import { decideRoute } from '../../shared/domain/routing';
import { SqsCaseQueue, type CategoryQueues } from '../../shared/adapters/sqs/case-queue';
import type { OfficeBody, OfficeListBody, QueueDepthsBody, RedriveResultBody, RoutingBody } from '../../shared/http/schemas/admin';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { body, createOk, expectProblem, expectValidation, SHANGHAI_ISO_RE } from '../support/http';

/**
 * The administration endpoints over HTTP: offices, versioned routing rules, queue depths and
 * redrive. Real stores (dynalite) and a real SQS engine (fauxqs); nothing is mocked.
 */

const NOW = '2026-03-02T09:30:00+08:00';

const officeInput = (overrides: Record<string, unknown> = {}) => ({ name: '权益保障部', email: 'rights@union.example.org', ...overrides });

const putOffice = (h: Harness, id: string, json: unknown = officeInput(), roles: Role[] = ['admin']) =>
  h.request(`/v1/admin/offices/${id}`, { method: 'PUT', roles, json });

async function putOfficeOk(h: Harness, id: string, json: unknown = officeInput()): Promise<OfficeBody> {
  const res = await putOffice(h, id, json);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as OfficeBody;
}

async function listOffices(h: Harness, roles: Role[] = ['admin']): Promise<OfficeBody[]> {
  const res = await h.request('/v1/admin/offices', { roles });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return (JSON.parse(text) as OfficeListBody).items;
}

const officeIds = async (h: Harness) => (await listOffices(h)).map((o) => o.id);

const deleteOffice = (h: Harness, id: string, roles: Role[] = ['admin']) => h.request(`/v1/admin/offices/${id}`, { method: 'DELETE', roles });

const putRouting = (h: Harness, json: unknown, roles: Role[] = ['admin']) => h.request('/v1/admin/routing', { method: 'PUT', roles, json });

async function putRoutingOk(h: Harness, json: unknown): Promise<RoutingBody> {
  const res = await putRouting(h, json);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as RoutingBody;
}

/** The routing in force, or the status when there is none. */
async function currentRouting(h: Harness): Promise<RoutingBody | number> {
  const res = await h.request('/v1/admin/routing', { roles: ['admin'] });
  return res.status === 200 ? body<RoutingBody>(res) : res.status;
}

async function depths(h: Harness): Promise<QueueDepthsBody['queues']> {
  const res = await h.request('/v1/admin/queues', { roles: ['supervisor'] });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return (JSON.parse(text) as QueueDepthsBody).queues;
}

async function depthOf(h: Harness, category: string) {
  const d = (await depths(h)).find((q) => q.category === category);
  expect(d, `a depth entry for ${category}`).toBeDefined();
  return d as QueueDepthsBody['queues'][number];
}

const redrive = (h: Harness, category: string, roles: Role[] = ['supervisor']) =>
  h.request(`/v1/admin/queues/${category}/redrive`, { method: 'POST', roles });

/** A request signed for a particular subject, to see who the routing records as its author. */
async function requestAs(h: Harness, sub: string, path: string, init: { method: string; json: unknown }): Promise<Response> {
  const token = await h.token(['admin'], { sub });
  return h.app.request(path, {
    method: init.method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(init.json),
  });
}

/** Creates a case through the API, then assigns it to an office through the real case store, as the router would. */
async function caseAssignedTo(h: Harness, office: string, status: 'assigned' | 'in_progress' = 'assigned') {
  const created = await createOk(h, hotlineCase());
  const record = await h.deps.cases.get(created.id, { consistent: true });
  expect(record).toBeDefined();
  if (!record) throw new Error('unreachable');
  const assigned = { ...record, status, office, assignedAt: h.clock.now(), version: record.version + 1 };
  await h.deps.cases.replace(assigned, record.version);
  return assigned;
}

describe('who may use the admin endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: NOW });
    await putOfficeOk(h, 'rights');
    await putOfficeOk(h, 'spare', officeInput({ name: '备用' }));
  });
  afterAll(() => h.close());

  const routingBody = { rules: [], defaultOffice: 'rights' };
  const endpoints: [string, string, string, unknown][] = [
    ['PUT office', 'PUT', '/v1/admin/offices/newbie', officeInput()],
    ['GET offices', 'GET', '/v1/admin/offices', undefined],
    ['DELETE office', 'DELETE', '/v1/admin/offices/spare', undefined],
    ['PUT routing', 'PUT', '/v1/admin/routing', routingBody],
    ['GET routing', 'GET', '/v1/admin/routing', undefined],
    ['GET queues', 'GET', '/v1/admin/queues', undefined],
    ['POST redrive', 'POST', '/v1/admin/queues/advice/redrive', undefined],
  ];
  const call = (method: string, path: string, json: unknown, roles?: Role[]) => h.request(path, { method, roles, json });

  it.each(endpoints)('%s without a token → 401 with WWW-Authenticate: Bearer', async (_name, method, path, json) => {
    const res = await call(method, path, json);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    const problem = await expectProblem(res, 401);
    expect(problem.type).toBe('/problems/unauthorized');
  });

  it.each(endpoints)('%s with a token that does not verify → 401', async (_name, method, path, json) => {
    const forged = `${await h.token(['admin'])}x`;
    const res = await h.app.request(path, {
      method,
      headers: { Authorization: `Bearer ${forged}`, ...(json !== undefined && { 'Content-Type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    await expectProblem(res, 401);
  });

  const forbidden: [string, string, string, unknown, Role][] = endpoints.flatMap(([name, method, path, json]) => {
    const supervisorMay = method === 'GET' || method === 'POST';
    const roles = ROLES.filter((r) => r !== 'admin' && (r !== 'supervisor' || !supervisorMay));
    return roles.map((role): [string, string, string, unknown, Role] => [name, method, path, json, role]);
  });

  it.each(forbidden)('%s as %s → 403', async (_name, method, path, json, role) => {
    const problem = await expectProblem(await call(method, path, json, [role]), 403);
    expect(problem.type).toBe('/problems/forbidden');
  });

  it('supervisor is refused before the body is looked at (403, not 400)', async () => {
    await expectProblem(await putOffice(h, 'Bad!', { nonsense: true }, ['supervisor']), 403);
    await expectProblem(await putRouting(h, { nonsense: true }, ['supervisor']), 403);
  });

  it('no token is refused before the body is looked at (401, not 400)', async () => {
    await expectProblem(await h.request('/v1/admin/offices/Bad!', { method: 'PUT', json: { nonsense: true } }), 401);
  });

  it('refused writes changed nothing', async () => {
    expect(await officeIds(h)).toEqual(['rights', 'spare']);
    expect(await currentRouting(h)).toBe(404);
  });

  it.each([
    ['office', ['office'] as Role[]],
    ['operator + reception', ['operator', 'reception'] as Role[]],
  ])('a token with %s roles cannot read the offices either', async (_name, roles) => {
    await expectProblem(await h.request('/v1/admin/offices', { roles }), 403);
  });

  it('supervisor may read offices, routing and queues, and redrive', async () => {
    expect((await listOffices(h, ['supervisor'])).map((o) => o.id)).toEqual(['rights', 'spare']);
    await expectProblem(await h.request('/v1/admin/routing', { roles: ['supervisor'] }), 404);
    const queues = await h.request('/v1/admin/queues', { roles: ['supervisor'] });
    expect(queues.status).toBe(200);
    const moved = await redrive(h, 'complaint', ['supervisor']);
    expect(moved.status).toBe(200);
    expect(await body(moved)).toEqual({ category: 'complaint', moved: 0 });
  });

  it('admin may do everything', async () => {
    expect((await putOffice(h, 'newbie', officeInput(), ['admin'])).status).toBe(200);
    expect((await call('DELETE', '/v1/admin/offices/spare', undefined, ['admin'])).status).toBe(204);
    expect((await putRouting(h, routingBody, ['admin'])).status).toBe(200);
    expect((await h.request('/v1/admin/routing', { roles: ['admin'] })).status).toBe(200);
    expect((await h.request('/v1/admin/offices', { roles: ['admin'] })).status).toBe(200);
    expect((await h.request('/v1/admin/queues', { roles: ['admin'] })).status).toBe(200);
    expect((await redrive(h, 'advice', ['admin'])).status).toBe(200);
    expect(await officeIds(h)).toEqual(['newbie', 'rights']);
  });

  it('admin held alongside other roles is enough', async () => {
    expect((await putOffice(h, 'newbie', officeInput({ name: '新部门' }), ['operator', 'admin'])).status).toBe(200);
  });
});

describe('PUT and GET /v1/admin/offices', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: NOW });
  });
  afterAll(() => h.close());

  it('GET before any office is stored → empty list', async () => {
    expect(await listOffices(h)).toEqual([]);
  });

  it('stores an office with the defaults: locale zh-CN, empty escalation lists', async () => {
    const res = await putOffice(h, 'rights');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await body(res)).toEqual({
      id: 'rights',
      name: '权益保障部',
      email: 'rights@union.example.org',
      locale: 'zh-CN',
      escalation: { head: [], supervisor: [], chairman: [] },
    });
    expect(await listOffices(h)).toEqual([
      { id: 'rights', name: '权益保障部', email: 'rights@union.example.org', locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } },
    ]);
  });

  it('fills in the escalation lists left out', async () => {
    const office = await putOfficeOk(h, 'legal-aid', officeInput({ name: '法律援助中心', locale: 'en', escalation: { head: ['head@union.example.org'] } }));
    expect(office.locale).toBe('en');
    expect(office.escalation).toEqual({ head: ['head@union.example.org'], supervisor: [], chairman: [] });
  });

  it('keeps a full office exactly, with names and addresses trimmed', async () => {
    const input = {
      name: '  劳动争议调解中心  ',
      email: ' mediation@union.example.org ',
      locale: 'zh-CN',
      escalation: {
        head: ['head1@union.example.org', 'head2@union.example.org'],
        supervisor: ['sup@union.example.org'],
        chairman: ['chair@union.example.org'],
      },
    };
    const office = await putOfficeOk(h, 'mediation', input);
    expect(office).toEqual({ id: 'mediation', ...input, name: '劳动争议调解中心', email: 'mediation@union.example.org' });
    expect((await listOffices(h)).find((o) => o.id === 'mediation')).toEqual(office);
  });

  it('PUT is idempotent: the same body twice gives the same response and one office', async () => {
    const input = officeInput({ name: '女职工部', email: 'women@union.example.org', escalation: { chairman: ['chair@union.example.org'] } });
    const first = await putOfficeOk(h, 'women', input);
    const second = await putOfficeOk(h, 'women', input);
    expect(second).toEqual(first);
    expect((await officeIds(h)).filter((id) => id === 'women')).toHaveLength(1);
  });

  it('PUT replaces the whole office: fields left out return to their defaults', async () => {
    await putOfficeOk(h, 'replaced', officeInput({ locale: 'en', escalation: { head: ['a@union.example.org'], supervisor: ['b@union.example.org'], chairman: ['c@union.example.org'] } }));
    const replaced = await putOfficeOk(h, 'replaced', { name: '新名称', email: 'new@union.example.org' });
    expect(replaced).toEqual({ id: 'replaced', name: '新名称', email: 'new@union.example.org', locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } });
    expect((await listOffices(h)).filter((o) => o.id === 'replaced')).toEqual([replaced]);
  });

  it('accepts 20 addresses in a list, the most allowed', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `person${i}@union.example.org`);
    const office = await putOfficeOk(h, 'big-list', officeInput({ escalation: { supervisor: twenty } }));
    expect(office.escalation.supervisor).toEqual(twenty);
  });

  it('GET lists every office sorted by id (code-point order, whatever the server locale)', async () => {
    for (const id of ['zeta', 'alpha', 'legal_aid', 'legal2', 'legalaid', 'a1']) await putOfficeOk(h, id, officeInput({ name: `部门 ${id}` }));
    const ids = await officeIds(h);
    expect(ids).toEqual(
      ['a1', 'alpha', 'big-list', 'legal-aid', 'legal2', 'legal_aid', 'legalaid', 'mediation', 'replaced', 'rights', 'women', 'zeta'],
    );
    expect(ids).toEqual([...ids].sort());
  });

  it('supervisors read the same list', async () => {
    expect(await listOffices(h, ['supervisor'])).toEqual(await listOffices(h, ['admin']));
  });

  describe('validation (400 naming each field; nothing stored)', () => {
    it.each(['Rights!', 'RIGHTS', 'r', '9lives', 'rights.aid', 'x'.repeat(41)])('office id %j in the path → 400 param.officeId', async (id) => {
      await expectValidation(await putOffice(h, encodeURIComponent(id)), 'param.officeId');
      await expectValidation(await deleteOffice(h, encodeURIComponent(id)), 'param.officeId');
    });

    it('accepts ids of 2 and 40 characters', async () => {
      await putOfficeOk(h, 'ab');
      await putOfficeOk(h, `a${'b'.repeat(39)}`);
      expect(await deleteOffice(h, 'ab')).toHaveProperty('status', 204);
      expect(await deleteOffice(h, `a${'b'.repeat(39)}`)).toHaveProperty('status', 204);
    });

    it.each([
      ['an empty name', 'name', { name: '' }],
      ['a blank name', 'name', { name: '   ' }],
      ['no name', 'name', { name: undefined }],
      ['a name over 100 characters', 'name', { name: '部'.repeat(101) }],
      ['a name on two lines', 'name', { name: '权益\n保障部' }],
      ['a name that is not a string', 'name', { name: 42 }],
      ['a bad e-mail', 'email', { email: 'not-an-email' }],
      ['no e-mail', 'email', { email: undefined }],
      ['an unknown locale', 'locale', { locale: 'fr' }],
      ['a locale in the wrong case', 'locale', { locale: 'zh-cn' }],
      ['a regional English locale', 'locale', { locale: 'en-US' }],
      ['a bad escalation address', 'escalation.head.1', { escalation: { head: ['ok@union.example.org', 'nope'] } }],
      ['21 supervisor addresses', 'escalation.supervisor', { escalation: { supervisor: Array.from({ length: 21 }, (_, i) => `s${i}@union.example.org`) } }],
      ['21 chairman addresses', 'escalation.chairman', { escalation: { chairman: Array.from({ length: 21 }, (_, i) => `c${i}@union.example.org`) } }],
      ['an escalation list that is not a list', 'escalation.head', { escalation: { head: 'head@union.example.org' } }],
      ['an unknown office field', 'phone', { phone: '020-12345678' }],
      ['an id in the body', 'id', { id: 'other' }],
      ['an unknown escalation level', 'escalation.deputy', { escalation: { head: [], deputy: ['d@union.example.org'] } }],
    ])('%s → 400 naming %s', async (_name, path, overrides) => {
      await expectValidation(await putOffice(h, 'invalid', officeInput(overrides)), path);
      expect(await officeIds(h)).not.toContain('invalid');
    });

    it('names every problem at once', async () => {
      const res = await putOffice(h, 'invalid', { name: '', email: 'bad', locale: 'de', extra: 1, escalation: { head: ['x'], vice: [] } });
      const problem = await expectValidation(res, 'name', 'email', 'locale', 'extra', 'escalation.head.0', 'escalation.vice');
      expect(problem.type).toBe('/problems/validation');
      expect(problem.errors?.find((e) => e.path === 'extra')?.message).toBe('unknown field');
    });

    it('a body that is not an object, or malformed JSON → 400', async () => {
      await expectProblem(await putOffice(h, 'invalid', ['not', 'an', 'object']), 400);
      const malformed = await h.request('/v1/admin/offices/invalid', { method: 'PUT', roles: ['admin'], body: '{"name":', headers: { 'Content-Type': 'application/json' } });
      await expectProblem(malformed, 400);
      expect(await officeIds(h)).not.toContain('invalid');
    });

    it('another content type → 415', async () => {
      const res = await h.request('/v1/admin/offices/invalid', { method: 'PUT', roles: ['admin'], body: JSON.stringify(officeInput()), headers: { 'Content-Type': 'text/plain' } });
      await expectProblem(res, 415);
      expect(await officeIds(h)).not.toContain('invalid');
    });
  });
});

describe('PUT and GET /v1/admin/routing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: NOW });
  });
  afterAll(() => h.close());

  const rules = [
    { when: { category: 'complaint', topic: 'wages', urgent: true }, office: 'rights' },
    { when: { channel: 'hotline', region: '天河区' }, office: 'legal-aid' },
    { when: { category: 'complaint' }, office: 'legal-aid' },
    { when: {}, office: 'rights' },
  ];

  it('GET before any routing is stored → 404 problem', async () => {
    const problem = await expectProblem(await h.request('/v1/admin/routing', { roles: ['admin'] }), 404);
    expect(problem.type).toBe('/problems/not-found');
  });

  it('refuses routing naming offices that do not exist: 400 naming each, nothing stored', async () => {
    await putOfficeOk(h, 'rights');
    const res = await putRouting(h, { rules: [{ when: {}, office: 'rights' }, { when: { topic: 'wages' }, office: 'ghost' }, { when: {}, office: 'ghost' }], defaultOffice: 'phantom' });
    const problem = await expectValidation(res, 'rules.1.office', 'rules.2.office', 'defaultOffice');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['defaultOffice', 'rules.1.office', 'rules.2.office']);
    expect(problem.errors?.find((e) => e.path === 'defaultOffice')?.message).toMatch(/phantom/);
    expect(await currentRouting(h)).toBe(404);
  });

  it('refuses an unknown default office alone', async () => {
    const problem = await expectValidation(await putRouting(h, { rules: [{ when: {}, office: 'rights' }], defaultOffice: 'ghost' }), 'defaultOffice');
    expect(problem.errors).toHaveLength(1);
    expect(await currentRouting(h)).toBe(404);
  });

  it('stores version 1 with its author and time in +08:00; GET shows it', async () => {
    await putOfficeOk(h, 'legal-aid', officeInput({ name: '法律援助中心' }));
    const stored = await putRoutingOk(h, { rules, defaultOffice: 'rights' });
    expect(stored).toEqual({ rules, defaultOffice: 'rights', version: 1, updatedBy: 'test-admin', updatedAt: NOW });
    expect(stored.updatedAt).toMatch(SHANGHAI_ISO_RE);
    expect(await currentRouting(h)).toEqual(stored);
  });

  it('keeps the order of the rules, so the first match wins', async () => {
    const current = await h.deps.routing.current();
    expect(current?.rules).toEqual(rules);
    if (!current) throw new Error('unreachable');
    const urgentWages = { category: 'complaint' as const, topic: 'wages', channel: 'hotline' as const, region: '天河区', urgent: true, version: 1 };
    // Rules 0, 1, 2 and 3 all match; the first decides.
    expect(decideRoute(current, urgentWages)).toMatchObject({ office: 'rights', ruleIndex: 0 });
    expect(decideRoute(current, { ...urgentWages, urgent: false })).toMatchObject({ office: 'legal-aid', ruleIndex: 1 });
  });

  it('each change is the next version; GET returns the latest, with who and when', async () => {
    h.clock.advance(90 * 60_000);
    const res = await requestAs(h, 'admin-li', '/v1/admin/routing', { method: 'PUT', json: { rules: [], defaultOffice: 'legal-aid' } });
    expect(res.status).toBe(200);
    const v2 = await body<RoutingBody>(res);
    expect(v2).toEqual({ rules: [], defaultOffice: 'legal-aid', version: 2, updatedBy: 'admin-li', updatedAt: '2026-03-02T11:00:00+08:00' });
    expect(await currentRouting(h)).toEqual(v2);

    h.clock.advance(1500);
    const v3 = await putRoutingOk(h, { rules: rules.slice(2), defaultOffice: 'rights' });
    expect(v3).toMatchObject({ version: 3, updatedBy: 'test-admin', updatedAt: '2026-03-02T11:00:01.500+08:00', rules: rules.slice(2) });
    expect(await currentRouting(h)).toEqual(v3);
  });

  it('a refused change leaves the version in force as it was', async () => {
    const before = await currentRouting(h);
    await expectValidation(await putRouting(h, { rules: [{ when: {}, office: 'ghost' }], defaultOffice: 'rights' }), 'rules.0.office');
    await expectValidation(await putRouting(h, { rules: [], defaultOffice: 'Rights!' }), 'defaultOffice');
    expect(await currentRouting(h)).toEqual(before);
    expect((await putRoutingOk(h, { rules: [], defaultOffice: 'rights' })).version).toBe(4);
  });

  it('two changes at once never share a version: both land in turn, or one gets 409', async () => {
    const [a, b] = await Promise.all([putRouting(h, { rules: [], defaultOffice: 'rights' }), putRouting(h, { rules: [], defaultOffice: 'legal-aid' })]);
    const statuses = [a.status, b.status].sort();
    const ok = [a, b].filter((r) => r.status === 200);
    const versions = (await Promise.all(ok.map((r) => body<RoutingBody>(r)))).map((r) => r.version).sort();
    if (statuses[1] === 409) {
      expect(statuses).toEqual([200, 409]);
      const conflict = [a, b].find((r) => r.status === 409) as Response;
      expect((await expectProblem(conflict, 409)).type).toBe('/problems/conflict');
      expect(versions).toEqual([5]);
    } else {
      expect(statuses).toEqual([200, 200]);
      expect(versions).toEqual([5, 6]);
    }
    expect(((await currentRouting(h)) as RoutingBody).version).toBe(versions.at(-1));
  });

  describe('validation (400 naming each field; nothing stored)', () => {
    let before: RoutingBody | number;
    beforeAll(async () => {
      before = await currentRouting(h);
    });

    it.each([
      ['an unknown top-level field', 'comment', { rules: [], defaultOffice: 'rights', comment: 'x' }],
      ['an unknown field in a rule', 'rules.0.priority', { rules: [{ when: {}, office: 'rights', priority: 1 }], defaultOffice: 'rights' }],
      ['an unknown condition', 'rules.1.when.office', { rules: [{ when: {}, office: 'rights' }, { when: { category: 'advice', office: 'rights' }, office: 'rights' }], defaultOffice: 'rights' }],
      ['an unknown category', 'rules.0.when.category', { rules: [{ when: { category: 'gossip' }, office: 'rights' }], defaultOffice: 'rights' }],
      ['a topic that is not a lowercase code', 'rules.0.when.topic', { rules: [{ when: { topic: 'Wages' }, office: 'rights' }], defaultOffice: 'rights' }],
      ['an unknown channel', 'rules.0.when.channel', { rules: [{ when: { channel: 'fax' }, office: 'rights' }], defaultOffice: 'rights' }],
      ['urgent as a string', 'rules.0.when.urgent', { rules: [{ when: { urgent: 'yes' }, office: 'rights' }], defaultOffice: 'rights' }],
      ['an empty region', 'rules.0.when.region', { rules: [{ when: { region: ' ' }, office: 'rights' }], defaultOffice: 'rights' }],
      ['a rule without when', 'rules.0.when', { rules: [{ office: 'rights' }], defaultOffice: 'rights' }],
      ['a rule without office', 'rules.0.office', { rules: [{ when: {} }], defaultOffice: 'rights' }],
      ['a malformed office id in a rule', 'rules.0.office', { rules: [{ when: {}, office: 'Rights!' }], defaultOffice: 'rights' }],
      ['no default office', 'defaultOffice', { rules: [] }],
      ['no rules', 'rules', { defaultOffice: 'rights' }],
      ['rules that are not a list', 'rules', { rules: {}, defaultOffice: 'rights' }],
      ['more than 200 rules', 'rules', { rules: Array.from({ length: 201 }, () => ({ when: {}, office: 'rights' })), defaultOffice: 'rights' }],
    ])('%s → 400 naming %s', async (_name, path, json) => {
      await expectValidation(await putRouting(h, json), path);
      expect(await currentRouting(h)).toEqual(before);
    });

    it('names every problem at once, shape errors before any office lookup', async () => {
      const res = await putRouting(h, { rules: [{ when: { colour: 'red' }, office: 'ghost', note: 'x' }], defaultOffice: 'Ghost', extra: true });
      const problem = await expectValidation(res, 'rules.0.when.colour', 'rules.0.note', 'defaultOffice', 'extra');
      expect(problem.errors?.map((e) => e.path)).not.toContain('rules.0.office');
      expect(await currentRouting(h)).toEqual(before);
    });
  });
});

describe('DELETE /v1/admin/offices/{officeId}', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: NOW });
    for (const id of ['rights', 'legal-aid', 'mediation', 'busy', 'free']) await putOfficeOk(h, id, officeInput({ name: `部门 ${id}` }));
    await putRoutingOk(h, { rules: [{ when: { category: 'complaint' }, office: 'legal-aid' }], defaultOffice: 'rights' });
  });
  afterAll(() => h.close());

  it('404 problem for an office that does not exist', async () => {
    const problem = await expectProblem(await deleteOffice(h, 'ghost'), 404);
    expect(problem.type).toBe('/problems/not-found');
  });

  it('409 while the routing in force names it as the default office', async () => {
    const problem = await expectProblem(await deleteOffice(h, 'rights'), 409);
    expect(problem.type).toBe('/problems/conflict');
    expect(problem.detail).toMatch(/routing/);
    expect(await officeIds(h)).toContain('rights');
  });

  it('409 while the routing in force names it in a rule', async () => {
    await expectProblem(await deleteOffice(h, 'legal-aid'), 409);
    expect(await officeIds(h)).toContain('legal-aid');
  });

  it('an office only an older routing version named can go', async () => {
    await putRoutingOk(h, { rules: [{ when: { category: 'complaint' }, office: 'mediation' }], defaultOffice: 'rights' });
    const res = await deleteOffice(h, 'legal-aid');
    expect(res.status).toBe(204);
    expect(await officeIds(h)).not.toContain('legal-aid');
  });

  it('409 while an open case is assigned to it, whether assigned or in progress', async () => {
    const assigned = await caseAssignedTo(h, 'busy');
    const problem = await expectProblem(await deleteOffice(h, 'busy'), 409);
    expect(problem.type).toBe('/problems/conflict');
    expect(problem.detail).toMatch(/open cases/);
    expect(await officeIds(h)).toContain('busy');

    const inProgress = { ...assigned, status: 'in_progress' as const, version: assigned.version + 1 };
    await h.deps.cases.replace(inProgress, assigned.version);
    await expectProblem(await deleteOffice(h, 'busy'), 409);

    // Closed, it no longer holds the office.
    await h.deps.cases.replace({ ...inProgress, status: 'closed', version: inProgress.version + 1 }, inProgress.version);
    expect((await deleteOffice(h, 'busy')).status).toBe(204);
    expect(await officeIds(h)).not.toContain('busy');
  });

  it('a case still waiting for routing (no office) does not block any office', async () => {
    await createOk(h, hotlineCase());
    expect((await deleteOffice(h, 'free')).status).toBe(204);
  });

  it('204 with no body when free; the office is gone from the list and a second delete is 404', async () => {
    await putOfficeOk(h, 'temporary');
    const res = await deleteOffice(h, 'temporary');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(await officeIds(h)).toEqual(['mediation', 'rights']);
    await expectProblem(await deleteOffice(h, 'temporary'), 404);
  });

  it('routing can no longer name a deleted office', async () => {
    await expectValidation(await putRouting(h, { rules: [], defaultOffice: 'temporary' }), 'defaultOffice');
  });
});

describe('GET /v1/admin/queues and POST /v1/admin/queues/{category}/redrive', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: NOW });
  });
  afterAll(() => h.close());

  it('one entry per category, in category order, empty at first', async () => {
    expect(await depths(h)).toEqual(CATEGORIES.map((category) => ({ category, visible: 0, inFlight: 0, deadLetters: 0 })));
  });

  it("a new case waits on its category's queue", async () => {
    const before = await depthOf(h, 'complaint');
    await createOk(h, hotlineCase({ category: 'complaint' }));
    const after = await depthOf(h, 'complaint');
    expect(after.visible).toBeGreaterThanOrEqual(1);
    expect(after.visible).toBe(before.visible + 1);
    expect(after.deadLetters).toBe(0);
    expect((await depthOf(h, 'investigation')).visible).toBe(0);
  });

  it('redrive of an empty dead-letter queue moves nothing', async () => {
    const res = await redrive(h, 'investigation');
    expect(res.status).toBe(200);
    expect(await body<RedriveResultBody>(res)).toEqual({ category: 'investigation', moved: 0 });
  });

  it('a dead letter shows in the depths and redrive moves it back to the queue', async () => {
    const { advice } = h.sqs.queues;
    const before = await depthOf(h, 'advice');
    await h.sqs.client.send(new SendMessageCommand({ QueueUrl: advice.dlqUrl, MessageBody: JSON.stringify({ caseId: 'dead-1', category: 'advice', version: 1 }) }));
    expect(await depthOf(h, 'advice')).toEqual({ ...before, deadLetters: 1 });

    const res = await redrive(h, 'advice');
    expect(res.status).toBe(200);
    expect(await body<RedriveResultBody>(res)).toEqual({ category: 'advice', moved: 1 });
    expect(await depthOf(h, 'advice')).toEqual({ category: 'advice', visible: before.visible + 1, inFlight: 0, deadLetters: 0 });
    // The other queues are untouched.
    expect((await depthOf(h, 'investigation')).deadLetters).toBe(0);
  });

  it('a second redrive finds nothing left', async () => {
    expect(await body<RedriveResultBody>(await redrive(h, 'advice'))).toEqual({ category: 'advice', moved: 0 });
  });

  it.each(['gossip', 'Advice', 'ADVICE'])('unknown category %j → 400 naming param.category', async (category) => {
    await expectValidation(await redrive(h, category), 'param.category');
  });
});

describe('when the queue service does not answer', () => {
  let h: Harness;
  let client: SQSClient;
  beforeAll(async () => {
    // Nothing listens on port 9 of loopback: every call is refused at once; one attempt, no retries.
    client = new SQSClient({ region: 'ap-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    const queues = Object.fromEntries(CATEGORIES.map((c) => [c, { url: `http://127.0.0.1:9/000000000000/${c}`, dlqUrl: `http://127.0.0.1:9/000000000000/${c}-dlq` }])) as CategoryQueues;
    h = await createHarness({ now: NOW, deps: { queue: new SqsCaseQueue(client, queues) } });
  });
  afterAll(async () => {
    client.destroy();
    await h.close();
  });

  it('GET queues → 503 problem with Retry-After, as documented, and the cause is logged', async () => {
    const res = await h.request('/v1/admin/queues', { roles: ['supervisor'] });
    expect(res.headers.get('retry-after')).toBe('1');
    const problem = await expectProblem(res, 503);
    expect(problem.type).toBe('/problems/unavailable');
    expect(h.logs.some((l) => l.message === 'admin.queue_depths_failed' && l.level === 'warn')).toBe(true);
  });

  it('redrive → 503 problem', async () => {
    const problem = await expectProblem(await redrive(h, 'advice'), 503);
    expect(problem.type).toBe('/problems/unavailable');
  });
});
