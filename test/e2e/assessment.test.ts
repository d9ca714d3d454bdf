import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoTimerStore } from '../../shared/adapters/dynamo/timer-store';
import type { CaseRecord } from '../../shared/domain/case';
import type { Role } from '../../shared/domain/principal';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { escalate } from '../../shared/usecases/escalate';
import { reconcile } from '../../shared/usecases/reconcile';
import { repairTimers } from '../../shared/usecases/repair-timers';
import { routeCase } from '../../shared/usecases/route-case';
import { RoutingConfigCache } from '../../shared/usecases/routing-config';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { body, createOk, expectProblem, expectValidation, type CaseBody } from '../support/http';

/**
 * How 12351/12345 centres are assessed, over HTTP: replies state their outcome, send-backs cite a
 * reason and are reviewed (with their own reminder timer), extensions are requested and approved,
 * and cases sent back, transferred or reworked again and again become 问题工单. Calendar: the
 * shipped 2026 data (National Day 1–7 October, makeup Saturday 10 October).
 */
let h: Harness;
let ip = 0;

beforeAll(async () => {
  h = await createHarness({ now: '2026-10-12T09:00:00+08:00' });
  for (const [id, name] of [['rights', '权益保障部'], ['legal', '法律服务部'], ['safety', '劳动保护部']] as const) {
    await putOffice(h.deps, { id, name, email: `${id}@union.example.org`, locale: 'zh-CN', escalation: { head: [`head-${id}@union.example.org`], supervisor: [`lead-${id}@union.example.org`], chairman: [] } }, 'test');
  }
  await putRouting(h.deps, { rules: [], defaultOffice: 'rights' }, 'test');
});
afterAll(() => h.close());

type Who = { roles: Role[]; office?: string; sub: string };
const SUPERVISOR: Who = { roles: ['supervisor'], sub: 'sup-1' };
const clerk = (office = 'rights'): Who => ({ roles: ['office'], office, sub: `clerk-${office}` });
const auth = async (w: Who) => ({ Authorization: `Bearer ${await h.token(w.roles, { sub: w.sub, ...(w.office && { office: w.office }) })}` });

const stored = async (id: string): Promise<CaseRecord> => (await h.deps.cases.get(id)) ?? expect.fail(`no case ${id}`);

async function post(id: string, action: string, json: unknown, who: Who): Promise<Response> {
  const { version } = await stored(id);
  return h.request(`/v1/cases/${id}/${action}`, { method: 'POST', json, headers: { ...(await auth(who)), 'If-Match': `"${version}"` } });
}

async function act(id: string, action: string, json: unknown, who: Who = SUPERVISOR): Promise<CaseBody> {
  const res = await post(id, action, json, who);
  const text = await res.text();
  expect(res.status, `${action}: ${text}`).toBe(200);
  return JSON.parse(text) as CaseBody;
}

/** A complaint received at `iso` (with the writer's e-mail), dispatched to rights and signed for. */
async function working(iso: string, callId: string, email?: string): Promise<CaseBody> {
  h.clock.set(iso);
  const c = await createOk(h, hotlineCase({ hotline: { callId }, ...(email && { complainant: { name: '赵六', email } }) }));
  await act(c.id, 'assign', { office: 'rights', reason: 'dispatch' });
  return act(c.id, 'accept', {}, clerk());
}

async function mails(ticketNo: string): Promise<ParsedMail[]> {
  const files = (await readdir(h.outboxDir)).filter((f) => f.endsWith('.eml'));
  const all = await Promise.all(files.map(async (f) => simpleParser(await readFile(join(h.outboxDir, f)))));
  return all.filter((m) => m.headers.get('x-ticket-no') === ticketNo);
}
const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : [m.to]).flatMap((t) => t?.value.map((v) => v.address));

const track = async (c: CaseBody) => body<Record<string, unknown> & { timeline: Record<string, unknown>[] }>(await h.request(`/v1/track/${c.ticketNo}?code=${c.trackingCode}`, { ip: `198.18.0.${++ip}` }));

describe('1. a reply states its outcome', () => {
  it('a reply without outcome is a 400 naming it; a reject without remedies names remedies; nothing is written', async () => {
    const c = await working('2026-10-12T09:00:00+08:00', 'outcome-400');
    await expectValidation(await post(c.id, 'reply', { text: '答复' }, clerk()), 'outcome');
    await expectValidation(await post(c.id, 'reply', { text: '答复', outcome: 'reject' }, clerk()), 'remedies');
    await expectValidation(await post(c.id, 'reply', { text: '答复', outcome: 'agree' }, clerk()), 'outcome');
    expect((await stored(c.id)).version).toBe(c.version);
  });

  it('the outcome and remedies are on the case, on /track, and in the writer’s 答复告知 (once per reply, without the reply’s text)', async () => {
    const c = await working('2026-10-12T09:00:00+08:00', 'outcome-reject', 'zhao@example.com');
    h.clock.set('2026-10-15T10:00:00+08:00');
    const remedies = '可向当地劳动人事争议仲裁委员会申请仲裁';
    const replied = await act(c.id, 'reply', { text: '经核实，企业已依法支付。', outcome: 'reject', remedies }, clerk());
    expect(replied.reply).toEqual({ at: '2026-10-15T10:00:00+08:00', text: '经核实，企业已依法支付。', outcome: 'reject', remedies });
    const view = await track(c);
    expect(view.reply).toEqual({ at: '2026-10-15T10:00:00+08:00', text: '经核实，企业已依法支付。', outcome: 'reject', remedies });
    expect(view.timeline.at(-1)).toMatchObject({ kind: 'replied', outcome: 'reject', remedies });
    const notices = (await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【答复告知】'));
    expect(notices).toHaveLength(1);
    expect(to(notices[0]!)).toEqual(['zhao@example.com']);
    expect(notices[0]!.subject).toContain('不予支持');
    expect(notices[0]!.text).toContain(`救济途径：${remedies}`);
    expect(notices[0]!.text).not.toContain('经核实，企业已依法支付。');
    // The router delivering the case again later sends nothing twice.
    const router = { ...h.deps, routing: new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0) };
    await routeCase(router, { caseId: c.id, category: 'complaint', version: replied.version });
    expect((await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【答复告知】'))).toHaveLength(1);
  });

  it('a notice that cannot go with the action goes with the router’s retry: once', async () => {
    const c = await working('2026-10-12T09:00:00+08:00', 'outcome-mail-down', 'qian@example.com');
    const mailer = h.deps.mailer as { send: typeof h.deps.mailer.send };
    const send = mailer.send.bind(mailer);
    mailer.send = () => Promise.reject(new Error('SMTP is down'));
    let replied: CaseBody;
    try {
      replied = await act(c.id, 'reply', { text: '已协调补发', outcome: 'support' }, clerk());
    } finally {
      mailer.send = send;
    }
    expect((await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【答复告知】'))).toHaveLength(0);
    const router = { ...h.deps, routing: new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0) };
    expect(await routeCase(router, { caseId: c.id, category: 'complaint', version: replied.version })).toBe('notified');
    expect(await routeCase(router, { caseId: c.id, category: 'complaint', version: replied.version })).toBe('no_op');
    const sent = (await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【答复告知】'));
    expect(sent.map((m) => m.subject)).toEqual([`【答复告知】您反映的问题已答复（支持），工单号${c.ticketNo}`]);
  });
});

describe('2. a send-back cites a configured reason and is reviewed', () => {
  it('GET /v1/return-reasons lists the defaults; an unknown code is a 400 naming reasonCode and the codes; a note is required', async () => {
    const reasons = await body<{ items: { code: string; label: Record<string, string> }[] }>(await h.request('/v1/return-reasons', { headers: await auth(clerk()) }));
    expect(reasons.items.map((r) => [r.code, r.label['zh-CN']])).toEqual([
      ['not_ours', '非本部门职责'],
      ['incomplete', '信息不全'],
      ['duplicate', '重复件'],
      ['other', '其他'],
    ]);
    const c = await working('2026-10-12T09:00:00+08:00', 'return-400');
    const p = await expectValidation(await post(c.id, 'return', { reasonCode: 'lazy', note: 'x' }, clerk()), 'reasonCode');
    expect(JSON.stringify(p.errors)).toContain('not_ours, incomplete, duplicate, other');
    await expectValidation(await post(c.id, 'return', { reasonCode: 'not_ours' }, clerk()), 'note');
    await expectValidation(await post(c.id, 'return', { reason: '不属本部门' }, clerk()), 'reasonCode');
    expect((await stored(c.id)).version).toBe(c.version);
  });

  it('rejecting the send-back gives it back to the office (told again, to sign for), counted as 不当退单 in the history', async () => {
    const c = await working('2026-10-12T09:00:00+08:00', 'return-reject');
    h.clock.set('2026-10-12T11:00:00+08:00');
    const back = await act(c.id, 'return', { reasonCode: 'incomplete', note: '缺少工资条' }, clerk());
    expect(back).toMatchObject({ status: 'returned', returns: 1, returnReview: { office: 'rights', reasonCode: 'incomplete', reasonLabel: '信息不全', note: '缺少工资条' } });
    // The supervisor sees it waiting; re-dispatching to the office that sent it back is refused.
    const waiting = await body<{ items: CaseBody[] }>(await h.request('/v1/cases?status=returned', { headers: await auth(SUPERVISOR) }));
    expect(waiting.items.map((i) => i.id)).toContain(c.id);
    const same = await expectProblem(await post(c.id, 'assign', { office: 'rights', reason: 'x' }, SUPERVISOR), 409);
    expect(same.detail).toMatch(/reject-return/);
    await expectProblem(await post(c.id, 'reject-return', { reason: 'x' }, clerk()), 404);
    h.clock.set('2026-10-12T15:00:00+08:00');
    const rejected = await act(c.id, 'reject-return', { reason: '材料已附，应由本部门办理' });
    expect(rejected).toMatchObject({ status: 'assigned', office: 'rights', assignedAt: '2026-10-12T15:00:00+08:00', improperReturns: 1 });
    expect(rejected.returnReview).toBeUndefined();
    const history = await body<{ items: { action: string; detail?: Record<string, unknown> }[] }>(await h.request(`/v1/cases/${c.id}/events`, { headers: await auth(SUPERVISOR) }));
    expect(history.items.at(-1)).toMatchObject({ action: 'reject-return', detail: { improper: true, to: 'rights', reasonCode: 'incomplete' } });
    const toRights = (await mails(c.ticketNo)).filter((m) => to(m).includes('rights@union.example.org'));
    expect(toRights).toHaveLength(2);
    await act(c.id, 'accept', {}, clerk());
    // The complainant never sees the send-back.
    expect(JSON.stringify(await track(c))).not.toMatch(/缺少工资条|信息不全|return/);
  });

  it('re-dispatch (转办) to another office ends the review; the complainant saw “待分派” meanwhile', async () => {
    const c = await working('2026-10-12T09:00:00+08:00', 'return-transfer');
    await act(c.id, 'return', { reasonCode: 'not_ours', note: '属法律援助' }, clerk());
    expect((await track(c)).status).toBe('received');
    const moved = await act(c.id, 'assign', { office: 'legal', reason: '转法律服务部' });
    expect(moved).toMatchObject({ status: 'assigned', office: 'legal', transfers: 1 });
    expect(moved.improperReturns).toBeUndefined();
  });

  it('waiting for review has its own timer: after one working day the supervisor is reminded once; the reconciler rebuilds a lost one', async () => {
    // Sent back Fri 16 Oct 16:00: the reminder is due Mon 19 Oct 16:00.
    const c = await working('2026-10-16T09:00:00+08:00', 'return-timer');
    h.clock.set('2026-10-16T16:00:00+08:00');
    await act(c.id, 'return', { reasonCode: 'duplicate', note: '与上周来电重复' }, clerk());
    const rec = await stored(c.id);
    expect(rec.sla.timer).toEqual({ step: 'return-review', fireAt: Date.parse('2026-10-19T16:00:00+08:00'), version: rec.version });
    const timers = h.deps.timers as DynamoTimerStore;
    expect(await timers.get(c.id, 'return-review')).toMatchObject({ fireAt: Date.parse('2026-10-19T16:00:00+08:00'), version: rec.version });

    // Lost timer (a crash between the write and the schedule): the reconciler's full pass schedules it again.
    await timers.cancel(c.id, 'return-review');
    h.clock.set('2026-10-19T16:30:00+08:00');
    const repaired = await repairTimers({ ...h.deps, graceMs: 60_000 });
    expect(repaired.repaired).toBeGreaterThanOrEqual(1);
    expect(await timers.get(c.id, 'return-review')).toMatchObject({ fireAt: Date.parse('2026-10-19T16:00:00+08:00'), version: rec.version });

    const fired = { caseId: c.id, step: 'return-review', dueAt: rec.sla.dueAt, version: rec.version };
    h.clock.set('2026-10-19T10:00:00+08:00');
    await expect(escalate(h.deps, fired)).rejects.toThrow(/before its time/);
    h.clock.set('2026-10-19T16:00:05+08:00');
    expect(await escalate(h.deps, fired)).toBe('reminded');
    expect(await escalate(h.deps, fired)).toBe('stale');
    const reminders = (await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【退单待审核】'));
    expect(reminders).toHaveLength(1);
    expect(to(reminders[0]!)).toEqual(['lead-rights@union.example.org']);
    expect(reminders[0]!.text).toContain('重复件');
    const after = await stored(c.id);
    expect(after.returnReview?.remindedAt).toBe(Date.parse('2026-10-19T16:00:05+08:00'));
    expect(after.sla.timer).toBeUndefined();
  });
});

describe('3. extensions are requested before the deadline and approved', () => {
  it('request → approve: the investigation limit, the reason category on /track, the writer’s 延期告知 once', async () => {
    const c = await working('2026-10-12T09:00:00+08:00', 'ext-approve', 'sun@example.com');
    h.clock.set('2026-10-20T10:00:00+08:00');
    const asked = await act(c.id, 'request-extension', { reasonCode: 'multiple_parties', reason: '需总包、分包两家单位核对' }, clerk());
    expect(asked.extensionRequest).toEqual({ at: '2026-10-20T10:00:00+08:00', office: 'rights', reasonCode: 'multiple_parties', reason: '需总包、分包两家单位核对', state: 'pending' });
    expect(asked.dueAt).toBe(c.dueAt);
    await expectProblem(await post(c.id, 'approve-extension', {}, clerk()), 403);
    await expectProblem(await post(c.id, 'request-extension', { reasonCode: 'complex', reason: 'again' }, clerk()), 409);
    h.clock.set('2026-10-21T10:00:00+08:00');
    const approved = await act(c.id, 'approve-extension', { note: '同意延期' });
    // Received Mon 12 Oct; 30 working days: 13–16 (4), 19–23 (9), 26–30 (14), 2–6 Nov (19), 9–13 (24), 16–20 (29), Mon 23 Nov (30).
    expect(approved).toMatchObject({ category: 'investigation', extended: true, extensionReason: 'multiple_parties', dueAt: '2026-11-23T23:59:59+08:00', extensionRequest: { state: 'approved', decisionNote: '同意延期' } });
    const view = await track(c);
    expect(view).toMatchObject({ extended: true, extensionReason: 'multiple_parties', dueAt: '2026-11-23T23:59:59+08:00' });
    expect(view.timeline.at(-1)).toMatchObject({ kind: 'extended', extensionReason: 'multiple_parties', dueAt: '2026-11-23T23:59:59+08:00' });
    expect(JSON.stringify(view)).not.toContain('总包');
    const notices = (await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【延期告知】'));
    expect(notices).toHaveLength(1);
    expect(to(notices[0]!)).toEqual(['sun@example.com']);
    expect(notices[0]!.text).toContain('涉及多方协调');
    expect(notices[0]!.text).toContain('2026年11月23日前');
    await act(c.id, 'note', { text: '已通知' }, clerk());
    expect((await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【延期告知】'))).toHaveLength(1);
  });

  it('deny keeps the deadline; a request after the deadline is 409; without an e-mail nobody is written to', async () => {
    const c = await working('2026-10-12T09:00:00+08:00', 'ext-deny');
    await act(c.id, 'request-extension', { reasonCode: 'complex', reason: '情况复杂' }, clerk());
    const denied = await act(c.id, 'deny-extension', { reason: '期限内可办结' });
    expect(denied).toMatchObject({ category: 'complaint', dueAt: c.dueAt, extensionRequest: { state: 'denied', decisionNote: '期限内可办结' } });
    await expectValidation(await post(c.id, 'request-extension', { reasonCode: 'because', reason: 'x' }, clerk()), 'reasonCode');
    // Due Mon 9 Nov 23:59:59 (20 working days from Mon 12 Oct): a request on Tue 10 Nov is too late.
    h.clock.set('2026-11-10T09:00:00+08:00');
    const late = await expectProblem(await post(c.id, 'request-extension', { reasonCode: 'complex', reason: '来不及' }, clerk()), 409);
    expect(late.detail).toMatch(/before the deadline/);
    expect((await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【延期告知】'))).toHaveLength(0);
  });
});

describe('4. problem cases (问题工单)', () => {
  it('the third send-back flags the case, e-mails the supervisor once, and GET /v1/cases?flag=problem lists it', async () => {
    const c = await working('2026-10-12T09:00:00+08:00', 'problem-returns');
    const plain = await working('2026-10-12T09:00:00+08:00', 'problem-none');
    for (let i = 1; i <= 3; i++) {
      const back = await act(c.id, 'return', { reasonCode: 'not_ours', note: `第${i}次退单` }, clerk());
      if (i < 3) expect(back.problem).toBeUndefined();
      else expect(back.problem).toEqual({ at: expect.any(String), reasons: ['returns'] });
      await act(c.id, 'reject-return', { reason: '应由本部门办理' });
      await act(c.id, 'accept', {}, clerk());
    }
    const problemMails = (await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【问题工单】'));
    expect(problemMails).toHaveLength(1);
    expect(to(problemMails[0]!)).toEqual(['lead-rights@union.example.org']);
    expect(problemMails[0]!.text).toContain('退单3次（不当退单2次）');
    // A fourth send-back: still one e-mail.
    await act(c.id, 'return', { reasonCode: 'not_ours', note: '第4次' }, clerk());
    expect((await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【问题工单】'))).toHaveLength(1);

    const listed = await body<{ items: CaseBody[] }>(await h.request('/v1/cases?flag=problem&limit=200', { headers: await auth(SUPERVISOR) }));
    expect(listed.items.map((i) => i.id)).toContain(c.id);
    expect(listed.items.map((i) => i.id)).not.toContain(plain.id);
    expect(listed.items.every((i) => i.problem !== undefined)).toBe(true);
    const byTicket = await body<{ items: CaseBody[] }>(await h.request(`/v1/cases?flag=problem&ticketNo=${plain.ticketNo}`, { headers: await auth(SUPERVISOR) }));
    expect(byTicket.items).toEqual([]);
    await expectValidation(await h.request('/v1/cases?flag=urgent', { headers: await auth(SUPERVISOR) }), 'query.flag');
  });

  it('three transfers flag a case too; the reconciler’s sweep gets a problem notice out that the action could not send', async () => {
    const c = await working('2026-10-12T09:00:00+08:00', 'problem-transfers');
    await act(c.id, 'assign', { office: 'legal', reason: 't1' });
    await act(c.id, 'assign', { office: 'safety', reason: 't2' });
    const mailer = h.deps.mailer as { send: typeof h.deps.mailer.send };
    const queue = h.deps.queue as { send: typeof h.deps.queue.send };
    const [send, enqueue] = [mailer.send.bind(mailer), queue.send.bind(queue)];
    mailer.send = () => Promise.reject(new Error('SMTP is down'));
    queue.send = () => Promise.reject(new Error('SQS is down'));
    let flagged: CaseBody;
    try {
      flagged = await act(c.id, 'assign', { office: 'legal', reason: 't3' });
    } finally {
      mailer.send = send;
      queue.send = enqueue;
    }
    expect(flagged).toMatchObject({ transfers: 3, problem: { reasons: ['transfers'] } });
    const sent: Parameters<typeof h.deps.queue.send>[0][] = [];
    queue.send = async (m) => void sent.push(m);
    try {
      h.clock.advance(120_000);
      await reconcile({ ...h.deps, graceMs: 60_000 });
    } finally {
      queue.send = enqueue;
    }
    const message = sent.find((m) => m.caseId === c.id);
    expect(message).toEqual({ caseId: c.id, category: 'complaint', version: flagged.version });
    const router = { ...h.deps, routing: new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0) };
    await routeCase(router, message!);
    const problemMails = (await mails(c.ticketNo)).filter((m) => m.subject?.startsWith('【问题工单】'));
    expect(problemMails.map(to)).toEqual([['lead-legal@union.example.org']]);
  });
});
