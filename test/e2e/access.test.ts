import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/domain/principal';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { body, expectProblem, type CaseBody, type CaseListBody } from '../support/http';

/**
 * Who sees which case, and whose personal data: supervisors and admins see everything; office
 * staff see their office's cases (with the complainant's data); operators and reception see what
 * they logged (without it). A case the caller may not see is 404, never 403.
 */
let h: Harness;

interface Who {
  roles: Role[];
  sub?: string;
  office?: string;
}

const OPERATOR_A: Who = { roles: ['operator'], sub: 'op-a' };
const OPERATOR_B: Who = { roles: ['operator'], sub: 'op-b' };
const RECEPTION_A: Who = { roles: ['reception'], sub: 'rec-a' };
const RECEPTION_B: Who = { roles: ['reception'], sub: 'rec-b' };
const SUPERVISOR: Who = { roles: ['supervisor'], sub: 'sup-1' };
const ADMIN: Who = { roles: ['admin'], sub: 'admin-1' };
const clerk = (office: string): Who => ({ roles: ['office'], office, sub: `clerk-${office}` });

// Personal data that must never reach a caller who may not see it.
const NAME = '李女士';
const PHONE = '13912345678';
const EMAIL = 'li.complainant@example.com';
const EMPLOYER = '某某电子厂';
const CALLER = '+86 139-8765-4321';
const CALLER_DIGITS = '+8613987654321';

const personal = (callId: string, overrides: Record<string, unknown> = {}) =>
  hotlineCase({
    complainant: { name: NAME, phone: PHONE, email: EMAIL, employer: EMPLOYER },
    hotline: { callId, operatorId: 'op-7', callerNumber: CALLER },
    ...overrides,
  });
const walkIn = (subject: string) => ({
  channel: 'walk_in',
  category: 'advice',
  subject,
  description: '来访咨询劳动合同续签事宜。',
  complainant: { name: NAME, phone: PHONE, email: EMAIL, employer: EMPLOYER },
  walkIn: { visitors: 1 },
});

async function auth(who: Who): Promise<Record<string, string>> {
  const token = await h.token(who.roles, { ...(who.sub && { sub: who.sub }), ...(who.office && { office: who.office }) });
  return { Authorization: `Bearer ${token}` };
}

const get = async (path: string, who: Who) => h.request(path, { headers: await auth(who) });

async function create(json: unknown, who: Who): Promise<{ res: Response; c: CaseBody; text: string }> {
  const res = await h.request('/v1/cases', { method: 'POST', json, headers: await auth(who) });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return { res, c: JSON.parse(text) as CaseBody, text };
}

async function read(id: string, who: Who): Promise<{ c: CaseBody; text: string }> {
  const res = await get(`/v1/cases/${id}`, who);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return { c: JSON.parse(text) as CaseBody, text };
}

async function list(who: Who, query = ''): Promise<{ items: CaseBody[]; text: string }> {
  const items: CaseBody[] = [];
  let text = '';
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const params = new URLSearchParams(query);
    params.set('limit', '200');
    if (cursor) params.set('cursor', cursor);
    const res = await get(`/v1/cases?${params}`, who);
    const pageText = await res.text();
    expect(res.status, pageText).toBe(200);
    const page = JSON.parse(pageText) as CaseListBody;
    items.push(...page.items);
    text += pageText;
    cursor = page.nextCursor;
    if (!cursor) return { items, text };
  }
  throw new Error('listing did not end');
}

const idsOf = (cs: CaseBody[]) => cs.map((c) => c.id);

async function assign(c: CaseBody, office: string): Promise<CaseBody> {
  const res = await h.request(`/v1/cases/${c.id}/assign`, {
    method: 'POST',
    json: { office, reason: 'dispatch' },
    headers: { ...(await auth(SUPERVISOR)), 'If-Match': `"${c.version}"` },
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as CaseBody;
}

/** Asserts that none of the complainant's or caller's personal data is in the text. */
function expectNoPersonalData(text: string): void {
  for (const secret of [NAME, PHONE, EMAIL, EMPLOYER, CALLER_DIGITS, '13987654321', 'callerNumber']) expect(text, secret).not.toContain(secret);
}

/** The redacted shape: complainant reduced to { anonymous } or {}, hotline to { callId, operatorId }. */
function expectRedacted(c: CaseBody, callId?: string): void {
  expect(c.complainant === undefined || Object.keys(c.complainant).every((k) => k === 'anonymous')).toBe(true);
  if (callId) expect(c.hotline).toEqual({ callId, operatorId: 'op-7' });
}

function expectFull(c: CaseBody, callId?: string): void {
  expect(c.complainant).toEqual({ name: NAME, phone: PHONE, email: EMAIL, employer: EMPLOYER });
  if (callId) expect(c.hotline).toEqual({ callId, operatorId: 'op-7', callerNumber: CALLER_DIGITS });
}

// Cases: a and b logged by operators A and B; ra and rb by reception A and B; x and y assigned to offices X (rights) and Y (legal).
let a: CaseBody;
let b: CaseBody;
let ra: CaseBody;
let rb: CaseBody;
let x: CaseBody;
let y: CaseBody;
let postAnswerA: { res: Response; c: CaseBody; text: string };
let postAnswerRa: { res: Response; c: CaseBody; text: string };

beforeAll(async () => {
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  // Offices and routing before the first request: the app's routing cache then sees them.
  for (const id of ['rights', 'legal']) {
    await putOffice(
      h.deps,
      { id, name: id, email: `${id}@union.example.org`, locale: 'zh-CN', escalation: { head: [`head-${id}@union.example.org`], supervisor: ['supervisor@union.example.org'], chairman: ['chairman@union.example.org'] } },
      'test',
    );
  }
  await putRouting(h.deps, { rules: [], defaultOffice: 'rights' }, 'test');

  postAnswerA = await create(personal('call-a', { subject: '操作员A登记' }), OPERATOR_A);
  a = postAnswerA.c;
  b = (await create(personal('call-b', { subject: '操作员B登记' }), OPERATOR_B)).c;
  postAnswerRa = await create(walkIn('接待A登记'), RECEPTION_A);
  ra = postAnswerRa.c;
  rb = (await create(walkIn('接待B登记'), RECEPTION_B)).c;
  x = await assign((await create(personal('call-x', { subject: '分派给权益部' }), OPERATOR_A)).c, 'rights');
  y = await assign((await create(personal('call-y', { subject: '分派给法律部' }), OPERATOR_B)).c, 'legal');
});
afterAll(() => h.close());

describe('operators and reception: only what they logged', () => {
  it('operator A reads its own case but gets 404 for operator B’s (and the other way round)', async () => {
    expect((await read(a.id, OPERATOR_A)).c.id).toBe(a.id);
    expect((await read(b.id, OPERATOR_B)).c.id).toBe(b.id);
    const p = await expectProblem(await get(`/v1/cases/${b.id}`, OPERATOR_A), 404);
    expect(p.type).toBe('/problems/not-found');
    // The refusal does not disclose the case.
    expect(JSON.stringify(p)).not.toContain(b.subject);
    expect(JSON.stringify(p)).not.toContain(b.ticketNo);
    await expectProblem(await get(`/v1/cases/${a.id}`, OPERATOR_B), 404);
    // Nor its history.
    await expectProblem(await get(`/v1/cases/${b.id}/events`, OPERATOR_A), 404);
  });

  it('an unknown case is the same 404 as another operator’s case', async () => {
    const unknown = await expectProblem(await get('/v1/cases/00000000-0000-4000-8000-000000000000', OPERATOR_A), 404);
    const hidden = await expectProblem(await get(`/v1/cases/${b.id}`, OPERATOR_A), 404);
    expect(hidden.type).toBe(unknown.type);
    expect(hidden.title).toBe(unknown.title);
  });

  it('reception reads what it logged, 404 for the other desk’s and for operators’ cases', async () => {
    expect((await read(ra.id, RECEPTION_A)).c.id).toBe(ra.id);
    expect((await read(rb.id, RECEPTION_B)).c.id).toBe(rb.id);
    await expectProblem(await get(`/v1/cases/${rb.id}`, RECEPTION_A), 404);
    await expectProblem(await get(`/v1/cases/${ra.id}`, RECEPTION_B), 404);
    await expectProblem(await get(`/v1/cases/${a.id}`, RECEPTION_A), 404);
    // And an operator does not see reception's cases.
    await expectProblem(await get(`/v1/cases/${ra.id}`, OPERATOR_A), 404);
  });

  it('a case stays visible to the operator who logged it after assignment to an office; other operators get 404', async () => {
    expect((await read(x.id, OPERATOR_A)).c.office).toBe('rights');
    await expectProblem(await get(`/v1/cases/${x.id}`, OPERATOR_B), 404);
  });

  it('lists are scoped: each sees exactly what it logged', async () => {
    expect(idsOf((await list(OPERATOR_A)).items).sort()).toEqual([a.id, x.id].sort());
    expect(idsOf((await list(OPERATOR_B)).items).sort()).toEqual([b.id, y.id].sort());
    expect(idsOf((await list(RECEPTION_A)).items)).toEqual([ra.id]);
    expect(idsOf((await list(RECEPTION_B)).items)).toEqual([rb.id]);
    // Filters narrow within the scope, never widen it.
    expect(idsOf((await list(OPERATOR_A, 'channel=walk_in')).items)).toEqual([]);
    expect(idsOf((await list(OPERATOR_A, 'status=assigned')).items)).toEqual([x.id]);
    // An operator nobody's cases belong to sees none.
    expect((await list({ roles: ['operator'], sub: 'op-new' })).items).toEqual([]);
  });

  it('ticketNo looks up one’s own case and finds nothing of anyone else’s', async () => {
    expect(idsOf((await list(OPERATOR_A, `ticketNo=${a.ticketNo}`)).items)).toEqual([a.id]);
    expect((await list(OPERATOR_A, `ticketNo=${b.ticketNo}`)).items).toEqual([]);
    expect((await list(OPERATOR_A, `ticketNo=${ra.ticketNo}`)).items).toEqual([]);
    expect(idsOf((await list(RECEPTION_A, `ticketNo=${ra.ticketNo}`)).items)).toEqual([ra.id]);
    expect((await list(RECEPTION_A, `ticketNo=${rb.ticketNo}`)).items).toEqual([]);
    // A ticket number nobody has.
    expect((await list(SUPERVISOR, 'ticketNo=H2026-999999')).items).toEqual([]);
    // The same look-up by a supervisor finds it.
    expect(idsOf((await list(SUPERVISOR, `ticketNo=${b.ticketNo}`)).items)).toEqual([b.id]);
    // Other filters still apply to the case found.
    expect((await list(OPERATOR_A, `ticketNo=${a.ticketNo}&channel=walk_in`)).items).toEqual([]);
  });

  it('ticketNo must look like a ticket number (400)', async () => {
    await expectProblem(await get('/v1/cases?ticketNo=not-a-ticket', OPERATOR_A), 400);
  });
});

describe('personal data: only for the assigned office, supervisors and admins', () => {
  it('an operator reading its own case sees no name, phone, e-mail, employer or caller number', async () => {
    const { c, text } = await read(a.id, OPERATOR_A);
    expect(c.subject).toBe(a.subject);
    expectNoPersonalData(text);
    expectRedacted(c, 'call-a');
    // The data is stored all the same: a supervisor sees it.
    expectFull((await read(a.id, SUPERVISOR)).c, 'call-a');
  });

  it('the 201 answer to an operator is redacted the same way, and equals what it reads back', async () => {
    expect(postAnswerA.res.headers.get('location')).toBe(`/v1/cases/${a.id}`);
    expectNoPersonalData(postAnswerA.text);
    expectRedacted(postAnswerA.c, 'call-a');
    expect((await read(a.id, OPERATOR_A)).c).toEqual(postAnswerA.c);
  });

  it('an anonymous complainant keeps the anonymous flag, nothing more', async () => {
    // Logged by a third operator, so the other tests' lists stay as they are.
    const { c, text } = await create(personal('call-anon', { complainant: { name: NAME, phone: PHONE, anonymous: true } }), { roles: ['operator'], sub: 'op-anon' });
    expect(c.complainant).toEqual({ anonymous: true });
    expectNoPersonalData(text);
    expect((await read(c.id, SUPERVISOR)).c.complainant).toEqual({ name: NAME, phone: PHONE, anonymous: true });
  });

  it('reception sees no personal data of what it logged, in the 201 answer, a read or its list', async () => {
    expectNoPersonalData(postAnswerRa.text);
    expectRedacted(postAnswerRa.c);
    const { c, text } = await read(ra.id, RECEPTION_A);
    expectRedacted(c);
    expectNoPersonalData(text);
    expectNoPersonalData((await list(RECEPTION_A)).text);
  });

  it('an operator’s list holds no personal data, even for its case assigned to an office', async () => {
    const { items, text } = await list(OPERATOR_A);
    expect(idsOf(items).sort()).toEqual([a.id, x.id].sort());
    expectNoPersonalData(text);
    expectNoPersonalData((await read(x.id, OPERATOR_A)).text);
  });

  it('supervisors and admins read every case with personal data, and list them all', async () => {
    for (const who of [SUPERVISOR, ADMIN]) {
      expectFull((await read(b.id, who)).c, 'call-b');
      expectFull((await read(x.id, who)).c, 'call-x');
      expectFull((await read(rb.id, who)).c);
      const { items } = await list(who);
      expect(idsOf(items)).toEqual(expect.arrayContaining([a.id, b.id, ra.id, rb.id, x.id, y.id]));
      expectFull(items.find((c) => c.id === y.id)!, 'call-y');
    }
  });
});

describe('office staff: only their office’s cases', () => {
  it('office X reads X’s case with the full complainant data, 404 for office Y’s and for unassigned ones', async () => {
    const { c } = await read(x.id, clerk('rights'));
    expect(c.office).toBe('rights');
    expectFull(c, 'call-x');
    const p = await expectProblem(await get(`/v1/cases/${y.id}`, clerk('rights')), 404);
    expect(JSON.stringify(p)).not.toContain(y.subject);
    await expectProblem(await get(`/v1/cases/${a.id}`, clerk('rights')), 404);
    await expectProblem(await get(`/v1/cases/${y.id}/events`, clerk('rights')), 404);
    // And the other way round.
    expectFull((await read(y.id, clerk('legal'))).c, 'call-y');
    await expectProblem(await get(`/v1/cases/${x.id}`, clerk('legal')), 404);
  });

  it('office X’s list holds only X’s cases, with personal data', async () => {
    const rights = (await list(clerk('rights'))).items;
    expect(idsOf(rights)).toEqual([x.id]);
    for (const c of rights) expect(c.office).toBe('rights');
    expectFull(rights[0]!, 'call-x');
    expect(idsOf((await list(clerk('legal'))).items)).toEqual([y.id]);
    // ticketNo within the office's scope.
    expect(idsOf((await list(clerk('rights'), `ticketNo=${x.ticketNo}`)).items)).toEqual([x.id]);
    expect((await list(clerk('rights'), `ticketNo=${y.ticketNo}`)).items).toEqual([]);
    // An office with no cases lists none.
    expect((await list(clerk('nowhere'))).items).toEqual([]);
  });

  it('an action answer to the assigned office carries the full case', async () => {
    const res = await h.request(`/v1/cases/${x.id}/note`, {
      method: 'POST',
      json: { text: '已联系来电人' },
      headers: { ...(await auth(clerk('rights'))), 'If-Match': `"${x.version}"` },
    });
    const noted = await body<CaseBody>(res);
    expect(res.status).toBe(200);
    expectFull(noted, 'call-x');
    // Another office cannot act on it: 404, not 403.
    const other = await h.request(`/v1/cases/${x.id}/note`, {
      method: 'POST',
      json: { text: 'x' },
      headers: { ...(await auth(clerk('legal'))), 'If-Match': `"${noted.version}"` },
    });
    await expectProblem(other, 404);
  });
});

describe('no reading role', () => {
  it('a token with only unknown roles gets 403 on the list and 404 on a case', async () => {
    const stranger: Who = { roles: ['janitor' as Role], sub: 'stranger' };
    const p = await expectProblem(await get('/v1/cases', stranger), 403);
    expect(p.type).toBe('/problems/forbidden');
    await expectProblem(await get(`/v1/cases?ticketNo=${a.ticketNo}`, stranger), 403);
    await expectProblem(await get(`/v1/cases/${a.id}`, stranger), 404);
  });

  it('office staff without an office claim get 403 on the list and 404 on any case', async () => {
    await expectProblem(await get('/v1/cases', { roles: ['office'], sub: 'clerk-none' }), 403);
    await expectProblem(await get(`/v1/cases/${x.id}`, { roles: ['office'], sub: 'clerk-none' }), 404);
  });
});
