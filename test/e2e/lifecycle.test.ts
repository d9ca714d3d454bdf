import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../shared/domain/case';
import type { Role } from '../../shared/domain/principal';
import { formatShanghai } from '../../shared/domain/time';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { escalate } from '../../shared/usecases/escalate';
import { reconcile } from '../../shared/usecases/reconcile';
import { routeCase } from '../../shared/usecases/route-case';
import { RoutingConfigCache } from '../../shared/usecases/routing-config';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { createOk, expectProblem, expectValidation, type CaseBody } from '../support/http';

/**
 * The case lifecycle over HTTP: every action needs If-Match, answers with the updated case and its
 * new ETag, and leaves an event in GET /v1/cases/{id}/events. Calendar: the shipped 2026 data
 * (National Day 1–7 October, makeup working days Sun 20 September and Sat 10 October).
 */
let h: Harness;

beforeAll(async () => {
  h = await createHarness({ now: '2026-09-28T09:30:00+08:00' });
  // Offices and routing before the first request: the app's routing cache (30 s) then sees them.
  for (const id of ['rights', 'legal']) {
    await putOffice(
      h.deps,
      { id, name: id === 'rights' ? '权益保障部' : '法律服务部', email: `${id}@union.example.org`, locale: 'zh-CN', escalation: { head: [`head-${id}@union.example.org`], supervisor: ['supervisor@union.example.org'], chairman: ['chairman@union.example.org'] } },
      'test',
    );
  }
  await putRouting(h.deps, { rules: [], defaultOffice: 'rights' }, 'test');
});
afterAll(async () => {
  await h.close();
});

/** `"3"`, `W/"3"` or `3` → 3. */
const versionOf = (etag: string) => Number(/(\d+)/.exec(etag)?.[1]);

type Who = Role[] | { roles: Role[]; office?: string; sub?: string };

async function authHeaders(who: Who): Promise<Record<string, string>> {
  const w = Array.isArray(who) ? { roles: who } : who;
  const token = await h.token(w.roles, { ...(w.office && { office: w.office }), ...(w.sub && { sub: w.sub }) });
  return { Authorization: `Bearer ${token}` };
}

const clerk = (office = 'rights', sub = `clerk-${office}`): Who => ({ roles: ['office'], office, sub });
const SUPERVISOR: Who = { roles: ['supervisor'], sub: 'sup-1' };

async function post(id: string, action: string, json: unknown, who: Who, ifMatch?: string): Promise<Response> {
  const headers = { ...(await authHeaders(who)), ...(ifMatch !== undefined && { 'If-Match': ifMatch }) };
  return h.request(`/v1/cases/${id}/${action}`, { method: 'POST', json, headers });
}

/** Posts an action and expects 200 with a case whose ETag is one version on. */
async function actOk(id: string, action: string, json: unknown, who: Who, etag: string): Promise<{ body: CaseBody; etag: string }> {
  const res = await post(id, action, json, who, etag);
  const text = await res.text();
  expect(res.status, `${action}: ${text}`).toBe(200);
  const body = JSON.parse(text) as CaseBody;
  const next = res.headers.get('etag') ?? '';
  expect(next).toBe(`"${body.version}"`);
  expect(body.version).toBe(versionOf(etag) + 1);
  return { body, etag: next };
}

async function getCase(id: string, who: Who = ['supervisor']): Promise<{ body: CaseBody; etag: string }> {
  const res = await h.request(`/v1/cases/${id}`, { headers: await authHeaders(who) });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return { body: JSON.parse(text) as CaseBody, etag: res.headers.get('etag') ?? '' };
}

interface EventBody {
  at: string;
  by: { sub: string; roles: string[]; office?: string };
  action: string;
  from?: string;
  to?: string;
  detail?: Record<string, unknown>;
}

async function events(id: string, who: Who = ['supervisor']): Promise<EventBody[]> {
  const res = await h.request(`/v1/cases/${id}/events`, { headers: await authHeaders(who) });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return (JSON.parse(text) as { items: EventBody[] }).items;
}

async function stored(id: string): Promise<CaseRecord> {
  const r = await h.deps.cases.get(id);
  if (!r) throw new Error(`no case ${id}`);
  return r;
}

/** A new complaint at `iso`, assigned to `office` by a supervisor; returns it with its ETag. */
async function assigned(iso: string, callId: string, office = 'rights'): Promise<{ id: string; etag: string }> {
  h.clock.set(iso);
  const c = await createOk(h, hotlineCase({ hotline: { callId } }));
  const { etag } = await actOk(c.id, 'assign', { office, reason: 'dispatch' }, SUPERVISOR, `"${c.version}"`);
  return { id: c.id, etag };
}

async function inProgress(iso: string, callId: string): Promise<{ id: string; etag: string }> {
  const a = await assigned(iso, callId);
  const { etag } = await actOk(a.id, 'accept', {}, clerk(), a.etag);
  return { id: a.id, etag };
}

describe('a full lifecycle: assign → accept → pause → resume → extend → reply → follow-up → reopen → reply → close', () => {
  it('walks every step with ETags, statuses, deadlines, timers and the history', async () => {
    // Mon 28 Sep 09:30: a complaint, due 20 working days later. Hand count: 29, 30 Sep (2); 1–7 Oct off;
    // 8, 9 Oct (4), Sat 10 Oct makeup (5); 12–16 (10), 19–23 (15), 26–30 Oct (20) → Fri 30 Oct.
    h.clock.set('2026-09-28T09:30:00+08:00');
    const created = await createOk(h, hotlineCase({ hotline: { callId: 'life-full' } }));
    expect(created.status).toBe('received');
    expect(created.dueAt).toBe('2026-10-30T23:59:59+08:00');
    let { etag } = await getCase(created.id);
    expect(etag).toBe(`"${created.version}"`);
    expect((await stored(created.id)).sla.timer).toBeUndefined();

    h.clock.set('2026-09-28T10:00:00+08:00');
    let r = await actOk(created.id, 'assign', { office: 'rights', reason: 'dispatch' }, SUPERVISOR, etag);
    expect(r.body).toMatchObject({ status: 'assigned', office: 'rights', assignedAt: '2026-09-28T10:00:00+08:00', dueAt: '2026-10-30T23:59:59+08:00' });
    // Assignment starts the SLA clock: a timer on the record and in the table.
    const afterAssign = await stored(created.id);
    expect(afterAssign.sla.timer).toMatchObject({ step: 'warning', version: afterAssign.version });
    expect(r.body.sla.nextStep?.step).toBe('warning');
    // The GET agrees with the action's answer.
    expect((await getCase(created.id)).etag).toBe(r.etag);
    etag = r.etag;

    h.clock.set('2026-09-29T09:00:00+08:00');
    r = await actOk(created.id, 'accept', {}, clerk(), etag);
    expect(r.body.status).toBe('in_progress');
    expect((await stored(created.id)).acceptedLate).toBe(false);
    etag = r.etag;

    h.clock.set('2026-09-30T10:00:00+08:00');
    r = await actOk(created.id, 'pause', { reason: '等待材料' }, clerk(), etag);
    expect(r.body.status).toBe('paused');
    // Paused: no clock running, so no timer.
    expect((await stored(created.id)).sla.timer).toBeUndefined();
    etag = r.etag;

    h.clock.set('2026-10-09T10:00:00+08:00');
    r = await actOk(created.id, 'resume', {}, clerk(), etag);
    // Paused Wed 30 Sep, resumed Fri 9 Oct. Hand count of paused working days (after the pause day,
    // through the resume day): 1–7 Oct are National Day holidays, so only Thu 8 and Fri 9 Oct = 2
    // (the makeup Saturday 10 Oct is after the resume day). Due Fri 30 Oct + 2 → Mon 2, Tue 3 Nov.
    expect(r.body).toMatchObject({ status: 'in_progress', dueAt: '2026-11-03T23:59:59+08:00' });
    expect((await stored(created.id)).sla.timer).toMatchObject({ step: 'warning' });
    etag = r.etag;

    h.clock.set('2026-10-09T11:00:00+08:00');
    // The office asks; extending is a supervisor's decision (a direct extend, here).
    await expectProblem(await post(created.id, 'extend', { reason: '需要调查' }, clerk(), etag), 403);
    r = await actOk(created.id, 'extend', { reason: '需要调查' }, SUPERVISOR, etag);
    // 30 working days from receipt: … 30 Oct (20), 2–6 Nov (25), 9–13 Nov (30); + 2 paused → 16, 17 Nov.
    expect(r.body).toMatchObject({ status: 'in_progress', category: 'investigation', dueAt: '2026-11-17T23:59:59+08:00' });
    expect(r.body.sla.workingDays).toBe(30);
    etag = r.etag;

    // A second extension is refused.
    const again = await expectProblem(await post(created.id, 'extend', { reason: 'again' }, SUPERVISOR, etag), 409);
    expect(again).toMatchObject({ currentStatus: 'in_progress' });

    h.clock.set('2026-10-12T09:00:00+08:00');
    r = await actOk(created.id, 'note', { text: '已电话联系用人单位' }, clerk(), etag);
    expect(r.body.status).toBe('in_progress');
    etag = r.etag;

    h.clock.set('2026-10-20T10:00:00+08:00');
    r = await actOk(created.id, 'reply', { text: '已督促企业支付工资', outcome: 'support' }, clerk(), etag);
    expect(r.body.status).toBe('replied');
    expect(r.body.sla.state).toBe('met');
    // No SLA timer any more, only the automatic close after 10 working days without follow-up:
    // 21–23, 26–30 Oct, 2–3 Nov → as Wednesday 4 November begins.
    expect(r.body.sla.nextStep).toEqual({ step: 'autoclose', at: '2026-11-04T00:00:00+08:00' });
    expect((await stored(created.id)).sla.timer).toMatchObject({ step: 'autoclose' });
    etag = r.etag;

    h.clock.set('2026-10-22T10:00:00+08:00');
    r = await actOk(created.id, 'follow-up', { resolved: false, satisfaction: 'dissatisfied', comment: '工资仍未到账' }, clerk(), etag);
    expect(r.body.status).toBe('replied');
    etag = r.etag;

    // Reopening is for supervisors.
    await expectProblem(await post(created.id, 'reopen', { reason: 'x' }, clerk(), etag), 403);
    h.clock.set('2026-10-23T10:00:00+08:00');
    r = await actOk(created.id, 'reopen', { reason: '回访不满意' }, SUPERVISOR, etag);
    // A new deadline counted from Fri 23 Oct: investigation, 30 working days: 26–30 Oct (5), 2–6 Nov (10),
    // 9–13 (15), 16–20 (20), 23–27 (25), 30 Nov–4 Dec (30) → Fri 4 Dec.
    expect(r.body).toMatchObject({ status: 'in_progress', dueAt: '2026-12-04T23:59:59+08:00' });
    expect(r.body.sla.state).toBe('on_track');
    expect((await stored(created.id)).sla.timer).toMatchObject({ step: 'warning' });
    etag = r.etag;

    h.clock.set('2026-11-02T10:00:00+08:00');
    r = await actOk(created.id, 'reply', { text: '工资已到账', outcome: 'support' }, clerk(), etag);
    expect(r.body.sla.state).toBe('met');
    // 3–6, 9–13, 16 Nov → closes itself as 17 November begins unless followed up.
    expect((await stored(created.id)).sla.timer).toMatchObject({ step: 'autoclose', fireAt: Date.parse('2026-11-17T00:00:00+08:00') });
    etag = r.etag;

    h.clock.set('2026-11-03T10:00:00+08:00');
    r = await actOk(created.id, 'close', { reason: '已解决' }, SUPERVISOR, etag);
    expect(r.body.status).toBe('closed');
    expect((await stored(created.id)).sla.timer).toBeUndefined();
    // Eleven actions, one version each.
    expect(r.body.version).toBe(created.version + 11);

    const list = await events(created.id);
    expect(list.map((e) => e.action)).toEqual(['received', 'assign', 'accept', 'pause', 'resume', 'extend', 'note', 'reply', 'follow-up', 'reopen', 'reply', 'close']);
    expect(list.map((e) => [e.from, e.to])).toEqual([
      [undefined, 'received'],
      ['received', 'assigned'],
      ['assigned', 'in_progress'],
      ['in_progress', 'paused'],
      ['paused', 'in_progress'],
      ['in_progress', 'in_progress'],
      ['in_progress', 'in_progress'],
      ['in_progress', 'replied'],
      ['replied', 'replied'],
      ['replied', 'in_progress'],
      ['in_progress', 'replied'],
      ['replied', 'closed'],
    ]);
    expect(list.map((e) => e.by.sub)).toEqual(['test-operator', 'sup-1', 'clerk-rights', 'clerk-rights', 'clerk-rights', 'sup-1', 'clerk-rights', 'clerk-rights', 'clerk-rights', 'sup-1', 'clerk-rights', 'sup-1']);
    expect(list[2]?.by).toEqual({ sub: 'clerk-rights', roles: ['office'], office: 'rights' });
    expect(list[1]?.detail).toEqual({ reason: 'dispatch', from: null, to: 'rights' });
    expect(list[1]?.at).toBe('2026-09-28T10:00:00+08:00');
    expect(list[3]?.detail).toEqual({ reason: '等待材料' });
    expect(list[4]?.detail).toMatchObject({ pausedWorkingDays: 2 });
    expect(list[5]?.detail).toMatchObject({ reason: '需要调查' });
    expect(list[8]?.detail).toMatchObject({ resolved: false, satisfaction: 'dissatisfied', comment: '工资仍未到账', reopenOffered: true });
    expect(list[9]?.detail).toMatchObject({ reason: '回访不满意' });
    expect(list[11]?.detail).toEqual({ reason: '已解决' });
    // Oldest first.
    const times = list.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe('If-Match and ETags', () => {
  it('428 without If-Match, 412 when stale or weak (strong comparison), 400 when malformed; bare n is accepted', async () => {
    const a = await assigned('2026-09-28T10:00:00+08:00', 'etag');
    await expectProblem(await post(a.id, 'note', { text: 'x' }, clerk()), 428);
    const stale = await expectProblem(await post(a.id, 'note', { text: 'x' }, clerk(), '"1"'), 412);
    expect(stale).toMatchObject({ currentVersion: versionOf(a.etag) });
    await expectValidation(await post(a.id, 'note', { text: 'x' }, clerk(), 'abc'), 'header.if-match');
    // RFC 9110: If-Match uses the strong comparison, so a weak tag never matches, even the current one.
    await expectProblem(await post(a.id, 'note', { text: 'weak' }, clerk(), `W/${a.etag}`), 412);
    const strong = await actOk(a.id, 'note', { text: 'strong' }, clerk(), a.etag);
    await actOk(a.id, 'note', { text: 'bare' }, clerk(), strong.etag.replaceAll('"', ''));
    // Nothing was written by the refused requests.
    expect((await stored(a.id)).notes?.map((n) => n.text)).toEqual(['strong', 'bare']);
  });

  it('two actions at once with the same If-Match: exactly one 200, the other 412', async () => {
    const a = await assigned('2026-09-28T10:00:00+08:00', 'race');
    const results = await Promise.all([post(a.id, 'accept', {}, clerk(), a.etag), post(a.id, 'return', { reasonCode: 'not_ours', note: '不属本部门' }, clerk(), a.etag)]);
    expect(results.map((x) => x.status).sort()).toEqual([200, 412]);
    const loser = results.find((x) => x.status === 412);
    if (loser) await expectProblem(loser, 412);
    const rec = await stored(a.id);
    expect(rec.version).toBe(versionOf(a.etag) + 1);
    expect(rec.events?.filter((e) => e.action === 'accept' || e.action === 'return')).toHaveLength(1);
  });
});

describe('who may act', () => {
  it('another office gets 404 (actions and events); the operator who logged it 403, other operators and reception 404; office staff cannot assign/close/reopen', async () => {
    const a = await assigned('2026-09-28T10:00:00+08:00', 'who');
    await expectProblem(await post(a.id, 'accept', {}, clerk('legal'), a.etag), 404);
    await expectProblem(await post(a.id, 'note', { text: 'x' }, clerk('legal'), a.etag), 404);
    await expectProblem(await h.request(`/v1/cases/${a.id}/events`, { headers: await authHeaders(clerk('legal')) }), 404);
    // Office staff without an office claim see nothing either.
    await expectProblem(await post(a.id, 'accept', {}, { roles: ['office'] }, a.etag), 404);
    // The operator who logged the case may read it but not act on it.
    await expectProblem(await post(a.id, 'accept', {}, ['operator'], a.etag), 403);
    await expectProblem(await post(a.id, 'close', { reason: 'x' }, ['operator'], a.etag), 403);
    // Reception and other operators did not log it: for them it does not exist.
    for (const who of [['reception'], { roles: ['operator'], sub: 'another-operator' }] as Who[]) {
      await expectProblem(await post(a.id, 'accept', {}, who, a.etag), 404);
      await expectProblem(await post(a.id, 'close', { reason: 'x' }, who, a.etag), 404);
      await expectProblem(await h.request(`/v1/cases/${a.id}/events`, { headers: await authHeaders(who) }), 404);
    }
    await expectProblem(await post(a.id, 'assign', { office: 'legal', reason: 'x' }, clerk(), a.etag), 403);
    await expectProblem(await post(a.id, 'recategorize', { category: 'advice', reason: 'x' }, clerk(), a.etag), 403);
    await expectProblem(await post(a.id, 'close', { reason: 'x' }, clerk(), a.etag), 403);
    // No token: 401.
    const anon = await h.request(`/v1/cases/${a.id}/accept`, { method: 'POST', json: {}, headers: { 'If-Match': a.etag } });
    await expectProblem(anon, 401);
    // The own office reads the history; an admin may take office actions too.
    expect((await events(a.id, clerk())).map((e) => e.action)).toEqual(['received', 'assign']);
    await actOk(a.id, 'accept', {}, { roles: ['admin'], sub: 'admin-1' }, a.etag);
    // An unknown case is 404 for everyone.
    await expectProblem(await post('no-such-case', 'note', { text: 'x' }, SUPERVISOR, '"1"'), 404);
  });
});

describe('rules and bodies', () => {
  it('illegal transitions are 409 with currentStatus and allowedActions', async () => {
    const a = await assigned('2026-09-28T10:00:00+08:00', 'illegal');
    const p = await expectProblem(await post(a.id, 'reply', { text: 'x', outcome: 'support' }, clerk(), a.etag), 409);
    expect(p).toMatchObject({ currentStatus: 'assigned', allowedActions: ['accept', 'return', 'assign', 'recategorize', 'request-extension', 'approve-extension', 'deny-extension', 'extend', 'note', 'close', 'link'] });
    const { etag } = await actOk(a.id, 'accept', {}, clerk(), a.etag);
    const p2 = await expectProblem(await post(a.id, 'accept', {}, clerk(), etag), 409);
    expect(p2).toMatchObject({ currentStatus: 'in_progress' });
    expect(p2.allowedActions).toContain('reply');
    expect(p2.allowedActions).not.toContain('accept');
    await expectProblem(await post(a.id, 'resume', {}, clerk(), etag), 409);
    await expectProblem(await post(a.id, 'follow-up', { resolved: true, satisfaction: 'satisfied' }, clerk(), etag), 409);
  });

  it('unknown fields, missing reason, bad values and an unknown office are 400', async () => {
    const a = await assigned('2026-09-28T10:00:00+08:00', 'bodies');
    await expectProblem(await post(a.id, 'accept', { late: true }, clerk(), a.etag), 400);
    await expectValidation(await post(a.id, 'return', {}, clerk(), a.etag), 'reasonCode');
    await expectValidation(await post(a.id, 'return', { reasonCode: 'not_ours' }, clerk(), a.etag), 'note');
    await expectValidation(await post(a.id, 'close', {}, SUPERVISOR, a.etag), 'reason');
    await expectValidation(await post(a.id, 'assign', { office: 'legal' }, SUPERVISOR, a.etag), 'reason');
    await expectProblem(await post(a.id, 'return', { reasonCode: 'not_ours', note: 'x', office: 'legal' }, clerk(), a.etag), 400);
    await expectProblem(await post(a.id, 'recategorize', { category: 'gossip', reason: 'x' }, SUPERVISOR, a.etag), 400);
    await expectValidation(await post(a.id, 'assign', { office: 'nowhere', reason: 'x' }, SUPERVISOR, a.etag), 'office');
    expect((await stored(a.id)).version).toBe(versionOf(a.etag));
  });

  it('at most two pauses; the third is 409', async () => {
    const started = await inProgress('2026-10-12T09:00:00+08:00', 'pauses');
    const id = started.id;
    let etag = started.etag;
    for (let i = 0; i < 2; i++) {
      etag = (await actOk(id, 'pause', { reason: `p${i}` }, clerk(), etag)).etag;
      etag = (await actOk(id, 'resume', {}, clerk(), etag)).etag;
    }
    const p = await expectProblem(await post(id, 'pause', { reason: 'p3' }, clerk(), etag), 409);
    expect(p).toMatchObject({ currentStatus: 'in_progress' });
    expect(Array.isArray(p.allowedActions)).toBe(true);
  });
});

describe('single actions', () => {
  it('accept after 1 working day from assignment is recorded as late', async () => {
    // Assigned Mon 12 Oct: sign by the end of Tue 13 Oct; signed Wed 14 Oct.
    const a = await assigned('2026-10-12T10:00:00+08:00', 'late');
    h.clock.set('2026-10-14T09:00:00+08:00');
    await actOk(a.id, 'accept', {}, clerk(), a.etag);
    const rec = await stored(a.id);
    expect(rec.acceptedLate).toBe(true);
    expect(rec.events?.at(-1)?.detail).toEqual({ late: true });
  });

  it('return: waits for review with its reason, office cleared, deadline unchanged, counted, the SLA timer replaced by the review timer', async () => {
    const a = await assigned('2026-10-12T10:00:00+08:00', 'return');
    const before = await stored(a.id);
    expect(before.sla.timer).toBeDefined();
    h.clock.set('2026-10-12T11:00:00+08:00');
    const r = await actOk(a.id, 'return', { reasonCode: 'not_ours', note: '不属本部门' }, clerk(), a.etag);
    expect(r.body.status).toBe('returned');
    expect(r.body.office).toBeUndefined();
    expect(r.body.dueAt).toBe(formatShanghai(before.sla.dueAt));
    expect(r.body.returnReview).toEqual({ at: '2026-10-12T11:00:00+08:00', office: 'rights', reasonCode: 'not_ours', reasonLabel: '非本部门职责', note: '不属本部门' });
    const rec = await stored(a.id);
    expect(rec.sla.dueAt).toBe(before.sla.dueAt);
    expect(rec.returns).toBe(1);
    expect(rec.sla.timer).toMatchObject({ step: 'return-review', fireAt: Date.parse('2026-10-13T11:00:00+08:00') });
    // The former office no longer sees it.
    await expectProblem(await h.request(`/v1/cases/${a.id}/events`, { headers: await authHeaders(clerk()) }), 404);
  });

  it('assign (transfer) e-mails the new office and the new office can sign for it', async () => {
    const a = await assigned('2026-10-12T10:00:00+08:00', 'transfer');
    h.clock.set('2026-10-12T15:00:00+08:00');
    const r = await actOk(a.id, 'assign', { office: 'legal', reason: '转法律服务部' }, SUPERVISOR, a.etag);
    expect(r.body).toMatchObject({ status: 'assigned', office: 'legal', assignedAt: '2026-10-12T15:00:00+08:00' });
    const files = (await readdir(h.outboxDir)).filter((f) => f.endsWith('.eml'));
    const mails = await Promise.all(files.map(async (f) => simpleParser(await readFile(join(h.outboxDir, f)))));
    const ticketNo = r.body.ticketNo;
    const to = mails.filter((m) => m.headers.get('x-ticket-no') === ticketNo).map((m) => (Array.isArray(m.to) ? m.to : [m.to]).flatMap((t) => t?.value.map((v) => v.address)));
    expect(to).toEqual(expect.arrayContaining([['rights@union.example.org'], ['legal@union.example.org']]));
    const list = await events(a.id, clerk('legal'));
    expect(list.at(-1)).toMatchObject({ action: 'assign', by: { sub: 'sup-1' }, from: 'assigned', to: 'assigned', detail: { reason: '转法律服务部', from: 'rights', to: 'legal' } });
    await expectProblem(await post(a.id, 'accept', {}, clerk('rights'), r.etag), 404);
    await actOk(a.id, 'accept', {}, clerk('legal'), r.etag);
  });

  it('a transfer whose e-mail fails still stands; the router sends that e-mail from the queued message, once', async () => {
    const a = await assigned('2026-10-13T10:00:00+08:00', 'transfer-mail-down');
    const mailer = h.deps.mailer as { send: (m: Parameters<typeof h.deps.mailer.send>[0]) => Promise<string> };
    const send = mailer.send.bind(mailer);
    mailer.send = () => Promise.reject(new Error('SES is down'));
    let r: Awaited<ReturnType<typeof actOk>>;
    try {
      r = await actOk(a.id, 'assign', { office: 'legal', reason: '转法律服务部' }, SUPERVISOR, a.etag);
    } finally {
      mailer.send = send;
    }
    const toLegal = async () => {
      const files = (await readdir(h.outboxDir)).filter((f) => f.endsWith('.eml'));
      const mails = await Promise.all(files.map(async (f) => simpleParser(await readFile(join(h.outboxDir, f)))));
      return mails.filter((m) => m.headers.get('x-ticket-no') === r.body.ticketNo && JSON.stringify(m.to).includes('legal@union.example.org'));
    };
    expect(await toLegal()).toHaveLength(0);
    expect((await stored(a.id)).office).toBe('legal');

    // The action also queued a routing message for the case's new version: the router's retry path.
    const queueUrl = h.sqs.queues.complaint.url;
    let message: { caseId: string; category: 'complaint'; version: number } | undefined;
    for (let i = 0; i < 50 && !message; i++) {
      const out = await h.sqs.client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (!out.Messages?.length) break;
      message = out.Messages.map((m) => JSON.parse(m.Body ?? '{}') as typeof message).find((m) => m?.caseId === a.id && m.version === r.body.version);
    }
    expect(message).toEqual({ caseId: a.id, category: 'complaint', version: r.body.version });
    const router = { ...h.deps, routing: new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0) };
    expect(await routeCase(router, message as NonNullable<typeof message>)).toBe('notified');
    expect(await routeCase(router, message as NonNullable<typeof message>)).toBe('no_op');
    expect(await toLegal()).toHaveLength(1);
  });

  it('if the queue was down too, the reconciler re-queues a case whose office is still owed its notice', async () => {
    const a = await assigned('2026-10-14T10:00:00+08:00', 'transfer-all-down');
    const mailer = h.deps.mailer as { send: (m: Parameters<typeof h.deps.mailer.send>[0]) => Promise<string> };
    const queue = h.deps.queue as { send: typeof h.deps.queue.send };
    const [send, enqueue] = [mailer.send.bind(mailer), queue.send.bind(queue)];
    mailer.send = () => Promise.reject(new Error('SES is down'));
    queue.send = () => Promise.reject(new Error('SQS is down'));
    try {
      await actOk(a.id, 'assign', { office: 'legal', reason: '转法律服务部' }, SUPERVISOR, a.etag);
    } finally {
      mailer.send = send;
      queue.send = enqueue;
    }
    const sent: unknown[] = [];
    queue.send = async (m) => void sent.push(m);
    try {
      h.clock.advance(120_000);
      const result = await reconcile({ ...h.deps, graceMs: 60_000 });
      expect(result.noticesRequeued).toBeGreaterThanOrEqual(1);
      expect(sent).toContainEqual({ caseId: a.id, category: 'complaint', version: (await stored(a.id)).version });
    } finally {
      queue.send = enqueue;
    }
  });

  it('recategorize recomputes the deadline from receipt', async () => {
    // Received Mon 28 Sep; advice: 5 working days: 29, 30 Sep, 8, 9, Sat 10 Oct (makeup).
    const a = await assigned('2026-09-28T09:30:00+08:00', 'recat');
    h.clock.set('2026-09-29T10:00:00+08:00');
    const r = await actOk(a.id, 'recategorize', { category: 'advice', reason: '仅咨询' }, SUPERVISOR, a.etag);
    expect(r.body).toMatchObject({ category: 'advice', dueAt: '2026-10-10T23:59:59+08:00' });
    expect(r.body.sla.workingDays).toBe(5);
    await expectProblem(await post(a.id, 'recategorize', { category: 'advice', reason: 'again' }, SUPERVISOR, r.etag), 409);
  });

  it('a late reply misses the SLA; a satisfied follow-up closes; a reopen after 30 days is 409', async () => {
    // Received Mon 12 Oct, due 20 working days later: 13–16 (4), 19–23 (9), 26–30 (14), 2–6 Nov (19), Mon 9 Nov (20).
    const started = await inProgress('2026-10-12T09:00:00+08:00', 'late-reply');
    const id = started.id;
    let etag = started.etag;
    expect((await getCase(id)).body.dueAt).toBe('2026-11-09T23:59:59+08:00');
    h.clock.set('2026-11-10T00:00:01+08:00');
    let r = await actOk(id, 'reply', { text: '答复', outcome: 'support' }, clerk(), etag);
    expect(r.body.sla.state).toBe('missed');
    etag = r.etag;
    h.clock.set('2026-11-12T10:00:00+08:00');
    r = await actOk(id, 'follow-up', { resolved: true, satisfaction: 'basically_satisfied' }, clerk(), etag);
    expect(r.body.status).toBe('closed');
    etag = r.etag;
    h.clock.set('2026-12-11T00:00:00+08:00');
    const p = await expectProblem(await post(id, 'reopen', { reason: '太晚' }, SUPERVISOR, etag), 409);
    expect(p).toMatchObject({ currentStatus: 'closed', allowedActions: ['note', 'reopen'] });
  });

  it('a replied case nobody follows up closes itself after 10 working days, once; a follow-up first makes that timer stale', async () => {
    const timerOf = async (id: string) => {
      const t = (await stored(id)).sla.timer;
      if (!t) throw new Error('no timer');
      return { caseId: id, step: t.step, dueAt: (await stored(id)).sla.dueAt, version: t.version };
    };
    // Replied Wed 11 Nov: 12, 13, 16–20, 23–25 Nov are the 10 working days → closes as 26 Nov begins.
    const a = await inProgress('2026-11-02T09:00:00+08:00', 'autoclose-a');
    h.clock.set('2026-11-11T10:00:00+08:00');
    await actOk(a.id, 'reply', { text: '答复', outcome: 'support' }, clerk(), a.etag);
    const fired = await timerOf(a.id);
    expect(fired.step).toBe('autoclose');
    expect((await stored(a.id)).sla.timer?.fireAt).toBe(Date.parse('2026-11-26T00:00:00+08:00'));
    h.clock.set('2026-11-20T10:00:00+08:00');
    await expect(escalate(h.deps, fired)).rejects.toThrow(/before its time/);
    h.clock.set('2026-11-26T00:00:05+08:00');
    expect(await escalate(h.deps, fired)).toBe('auto_closed');
    expect(await escalate(h.deps, fired)).toBe('stale');
    const closed = await stored(a.id);
    expect(closed).toMatchObject({ status: 'closed', closedAt: Date.parse('2026-11-26T00:00:05+08:00') });
    expect(closed.sla.timer).toBeUndefined();
    expect((await events(a.id)).at(-1)).toMatchObject({ action: 'close', from: 'replied', to: 'closed', by: { sub: 'system' }, detail: { reason: 'no follow-up' } });

    // Followed up (dissatisfied, so still replied) before the time: the old timer no longer applies.
    const b = await inProgress('2026-11-02T09:00:00+08:00', 'autoclose-b');
    h.clock.set('2026-11-11T10:00:00+08:00');
    const replied = await actOk(b.id, 'reply', { text: '答复', outcome: 'support' }, clerk(), b.etag);
    const old = await timerOf(b.id);
    h.clock.set('2026-11-13T10:00:00+08:00');
    await actOk(b.id, 'follow-up', { resolved: false, satisfaction: 'dissatisfied' }, clerk(), replied.etag);
    // Followed up: no automatic close any more; a supervisor decides.
    expect((await stored(b.id)).sla.timer).toBeUndefined();
    h.clock.set('2026-11-26T00:00:05+08:00');
    expect(await escalate(h.deps, old)).toBe('stale');
    expect((await stored(b.id)).status).toBe('replied');
  });

  it('a case the router assigned has a routed event; an escalation appears in the history', async () => {
    h.clock.set('2026-10-12T09:00:00+08:00');
    const c = await createOk(h, hotlineCase({ hotline: { callId: 'routed' } }));
    const routing = new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0);
    await routeCase({ ...h.deps, routing }, { caseId: c.id, category: 'complaint', version: c.version });
    const { etag } = await getCase(c.id);
    h.clock.set('2026-10-12T10:00:00+08:00');
    await actOk(c.id, 'accept', {}, clerk(), etag);
    // Due Mon 9 Nov (see above); the warning timer fires as Thu 5 Nov begins.
    const rec = await stored(c.id);
    if (!rec.sla.timer) throw new Error('no timer after accept');
    h.clock.set('2026-11-05T08:00:00+08:00');
    expect(await escalate(h.deps, { caseId: c.id, step: rec.sla.timer.step, dueAt: rec.sla.dueAt, version: rec.sla.timer.version })).toBe('escalated');
    h.clock.set('2026-11-05T09:00:00+08:00');
    const { etag: e2 } = await getCase(c.id);
    await actOk(c.id, 'reply', { text: '答复', outcome: 'support' }, clerk(), e2);
    const list = await events(c.id, clerk());
    expect(list.map((e) => e.action)).toEqual(['received', 'routed', 'accept', 'escalation:warning', 'reply']);
    expect(list[1]).toMatchObject({ by: { sub: 'system' }, from: 'received', to: 'assigned', detail: { office: 'rights', ruleIndex: null } });
    expect(list[3]).toMatchObject({ by: { sub: 'system' }, detail: { level: 1 } });
    expect(list[4]).toMatchObject({ from: 'in_progress', to: 'replied', detail: { onTime: true } });
  });
});
