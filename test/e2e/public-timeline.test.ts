import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/domain/principal';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { body, createOk, expectProblem, expectValidation, type CaseBody } from '../support/http';

/**
 * The complainant's side of the lifecycle: GET /v1/track shows the public timeline (never notes,
 * reasons, returns or personal data), and POST /v1/track/{ticketNo}/follow-up takes their rating.
 */
const PERSON = { name: '周建国', phone: '13698765432', email: 'zhou.jianguo@example.com', employer: '佛山某建筑工地' };
const SECRET_NOTE = '内部备注：用人单位负责人曾被约谈';
const REASONS = ['派单给权益部', '不属于本部门职责', '转法律服务部', '需到工地核查', '等待工资条照片'];

let h: Harness;
let ip = 0;
const nextIp = () => `198.19.0.${++ip}`;

beforeAll(async () => {
  h = await createHarness({ now: '2026-09-28T09:30:00+08:00' });
  for (const [id, name] of [['rights', '权益保障部'], ['legal', '法律服务部']] as const) {
    await putOffice(h.deps, { id, name, email: `${id}@union.example.org`, locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } }, 'test');
  }
  await putRouting(h.deps, { rules: [], defaultOffice: 'rights' }, 'test');
});
afterAll(() => h.close());

const SUPERVISOR = { roles: ['supervisor'] as Role[], sub: 'sup-1' };
const clerk = (office: string) => ({ roles: ['office'] as Role[], office, sub: `clerk-${office}` });

async function auth(who: { roles: Role[]; office?: string; sub: string }) {
  return { Authorization: `Bearer ${await h.token(who.roles, { sub: who.sub, ...(who.office && { office: who.office }) })}` };
}

/** Reads the ETag as supervisor, then acts as `who`; returns the updated case. */
async function act(id: string, action: string, json: unknown, who: { roles: Role[]; office?: string; sub: string } = SUPERVISOR): Promise<CaseBody> {
  const etag = (await h.request(`/v1/cases/${id}`, { headers: await auth(SUPERVISOR) })).headers.get('etag') ?? '';
  const res = await h.request(`/v1/cases/${id}/${action}`, { method: 'POST', json, headers: { ...(await auth(who)), 'If-Match': etag } });
  const text = await res.text();
  expect(res.status, `${action}: ${text}`).toBe(200);
  return JSON.parse(text) as CaseBody;
}

interface PublicView {
  status: string;
  dueAt: string;
  extended: boolean;
  timeline: { at: string; kind: string; office?: string; dueAt?: string; text?: string; category?: string; resolved?: boolean; satisfaction?: string }[];
  reply: { at: string; text: string } | null;
  followUp: { resolved: boolean; satisfaction: string; comment?: string } | null;
  mayRate: boolean;
}

const track = async (c: CaseBody, code = c.trackingCode) => h.request(`/v1/track/${c.ticketNo}?code=${code}`, { ip: nextIp() });
const view = async (c: CaseBody) => body<PublicView>(await track(c));
const rate = (c: CaseBody, json: unknown) => h.request(`/v1/track/${c.ticketNo}/follow-up`, { method: 'POST', json, ip: nextIp() });

describe('the public timeline', () => {
  let c: CaseBody;
  const due: Record<string, string> = {};

  beforeAll(async () => {
    c = await createOk(h, hotlineCase({ category: 'complaint', complainant: PERSON, description: `${PERSON.name}反映${PERSON.employer}拖欠工资，电话${PERSON.phone}` }));
    h.clock.set('2026-09-28T10:00:00+08:00');
    await act(c.id, 'assign', { office: 'rights', reason: REASONS[0] });
    await act(c.id, 'note', { text: SECRET_NOTE });
    h.clock.set('2026-09-28T11:00:00+08:00');
    await act(c.id, 'return', { reasonCode: 'not_ours', note: REASONS[1] }, clerk('rights'));
    h.clock.set('2026-09-28T14:00:00+08:00');
    await act(c.id, 'assign', { office: 'legal', reason: REASONS[2] });
    h.clock.set('2026-09-29T09:00:00+08:00');
    await act(c.id, 'accept', {}, clerk('legal'));
    due.extended = (await act(c.id, 'extend', { reason: REASONS[3] })).sla.dueAt;
    h.clock.set('2026-10-12T09:00:00+08:00');
    await act(c.id, 'pause', { reason: REASONS[4] }, clerk('legal'));
    h.clock.set('2026-10-14T16:00:00+08:00');
    due.resumed = (await act(c.id, 'resume', {}, clerk('legal'))).sla.dueAt;
    h.clock.set('2026-10-20T10:00:00+08:00');
    await act(c.id, 'reply', { text: '经核查，工地已于10月19日补发拖欠工资。', outcome: 'support' }, clerk('legal'));
  });

  it('shows received, both assignments by office name, signing, the extension and pause with their new dates, and the reply', async () => {
    const v = await view(c);
    expect(v.timeline).toEqual([
      { at: '2026-09-28T09:30:00+08:00', kind: 'received' },
      { at: '2026-09-28T10:00:00+08:00', kind: 'assigned', office: '权益保障部' },
      { at: '2026-09-28T14:00:00+08:00', kind: 'assigned', office: '法律服务部' },
      { at: '2026-09-29T09:00:00+08:00', kind: 'accepted', office: '法律服务部' },
      { at: '2026-09-29T09:00:00+08:00', kind: 'extended', category: 'investigation', dueAt: due.extended },
      { at: '2026-10-12T09:00:00+08:00', kind: 'paused' },
      { at: '2026-10-14T16:00:00+08:00', kind: 'resumed', dueAt: due.resumed },
      { at: '2026-10-20T10:00:00+08:00', kind: 'replied', text: '经核查，工地已于10月19日补发拖欠工资。', outcome: 'support' },
    ]);
    // Extension: 30 working days from receipt. 29, 30 Sep (2); 1–7 Oct off; 8, 9, Sat 10 Oct makeup (5); 12–16 (10);
    // 19–23 (15); 26–30 (20); 2–6 Nov (25); 9–13 Nov (30) → Fri 13 Nov. The pause (13, 14 Oct) adds 2 → Tue 17 Nov.
    expect(due.extended).toBe('2026-11-13T23:59:59+08:00');
    expect(due.resumed).toBe('2026-11-17T23:59:59+08:00');
    expect(v).toMatchObject({ status: 'replied', dueAt: due.resumed, extended: true, reply: { at: '2026-10-20T10:00:00+08:00', text: '经核查，工地已于10月19日补发拖欠工资。' }, followUp: null, mayRate: true });
  });

  it('never shows notes, reasons, returns, escalations or personal data', async () => {
    const text = await (await track(c)).text();
    for (const secret of [SECRET_NOTE, ...REASONS, ...Object.values(PERSON), c.id, c.trackingCode, 'clerk-', 'sup-1', 'return', 'note']) expect(text).not.toContain(secret);
  });

  it('takes the complainant’s rating once: dissatisfied leaves it replied for a supervisor, a second rating is 409', async () => {
    const res = await rate(c, { code: c.trackingCode.toLowerCase(), resolved: false, satisfaction: 'dissatisfied', comment: '工资只补了一半' });
    const v = await body<PublicView>(res);
    expect(res.status).toBe(200);
    expect(v).toMatchObject({ status: 'replied', mayRate: false, followUp: { resolved: false, satisfaction: 'dissatisfied', comment: '工资只补了一半' } });
    expect(v.timeline.at(-1)).toEqual({ at: '2026-10-20T10:00:00+08:00', kind: 'rated', resolved: false, satisfaction: 'dissatisfied' });
    const again = await expectProblem(await rate(c, { code: c.trackingCode, resolved: true, satisfaction: 'satisfied' }), 409);
    expect(again.detail).toMatch(/already followed up/);
    // Staff see who rated: the complainant, through the tracking page.
    const events = await body<{ items: { action: string; by: { sub: string; roles: string[] }; detail?: Record<string, unknown> }[] }>(
      await h.request(`/v1/cases/${c.id}/events`, { headers: await auth(SUPERVISOR) }),
    );
    expect(events.items.at(-1)).toMatchObject({ action: 'follow-up', by: { sub: 'complainant', roles: ['complainant'] }, detail: { satisfaction: 'dissatisfied', reopenOffered: true } });
  });

  it('after a reopen and a second reply the complainant rates again; satisfied closes the case; both replies stay on the timeline', async () => {
    h.clock.set('2026-10-21T09:00:00+08:00');
    const reopened = await act(c.id, 'reopen', { reason: '来电人不满意' });
    h.clock.set('2026-10-26T15:00:00+08:00');
    await act(c.id, 'reply', { text: '剩余工资已于10月26日全部结清。', outcome: 'support' }, clerk('legal'));
    h.clock.set('2026-10-27T09:00:00+08:00');
    const v = await body<PublicView>(await rate(c, { code: c.trackingCode, resolved: true, satisfaction: 'basically_satisfied' }));
    expect(v).toMatchObject({ status: 'closed', mayRate: false, reply: { text: '剩余工资已于10月26日全部结清。', outcome: 'support' } });
    expect(v.timeline.slice(-6).map((e) => [e.kind, e.text ?? e.dueAt ?? e.satisfaction])).toEqual([
      ['replied', '经核查，工地已于10月19日补发拖欠工资。'],
      ['rated', 'dissatisfied'],
      ['reopened', reopened.sla.dueAt],
      ['replied', '剩余工资已于10月26日全部结清。'],
      ['rated', 'basically_satisfied'],
      ['closed', undefined],
    ]);
    expect((await h.deps.cases.get(c.id))?.status).toBe('closed');
  });
});

describe('POST /v1/track/{ticketNo}/follow-up refuses', () => {
  let open: CaseBody;
  beforeAll(async () => {
    h.clock.set('2026-11-02T09:00:00+08:00');
    open = await createOk(h, hotlineCase({ hotline: { callId: 'not-yet-replied' } }));
  });

  it('a case not yet replied: 409 naming the status; nothing written', async () => {
    const p = await expectProblem(await rate(open, { code: open.trackingCode, resolved: true, satisfaction: 'satisfied' }), 409);
    expect(p).toMatchObject({ currentStatus: 'received' });
    expect((await h.deps.cases.get(open.id))?.version).toBe(open.version);
  });

  it('a wrong code or unknown ticket: the same 404 as tracking', async () => {
    const wrong = open.trackingCode === '22222222' ? '33333333' : '22222222';
    await expectProblem(await rate(open, { code: wrong, resolved: true, satisfaction: 'satisfied' }), 404);
    await expectProblem(await h.request('/v1/track/H2026-999999/follow-up', { method: 'POST', json: { code: open.trackingCode, resolved: true, satisfaction: 'satisfied' }, ip: nextIp() }), 404);
  });

  it.each([
    ['no code', { resolved: true, satisfaction: 'satisfied' }, 'code'],
    ['an unknown satisfaction', { code: 'ABCDEFGH', resolved: true, satisfaction: 'great' }, 'satisfaction'],
    ['resolved as text', { code: 'ABCDEFGH', resolved: 'yes', satisfaction: 'satisfied' }, 'resolved'],
    ['an extra field', { code: 'ABCDEFGH', resolved: true, satisfaction: 'satisfied', name: '周建国' }, 'name'],
    ['a comment too long', { code: 'ABCDEFGH', resolved: true, satisfaction: 'satisfied', comment: '长'.repeat(2001) }, 'comment'],
  ])('400 for %s', async (_name, json, path) => {
    await expectValidation(await rate(open, json), path);
  });
});
