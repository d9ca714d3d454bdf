import { describe, expect, it } from 'vitest';
import { shippedCalendarYears } from '../../shared/calendar/shipped';
import { WorkingCalendar } from '../../shared/domain/calendar';
import type { CaseRecord, Status } from '../../shared/domain/case';
import { computeDeadline } from '../../shared/domain/deadline';
import { applyAction, DEFAULT_LIFECYCLE_POLICY as policy, LifecycleRuleError, problemReasons, type ActionInput, type LifecycleContext } from '../../shared/domain/lifecycle';
import { RETURN_REVIEW_STEP, returnReviewStep } from '../../shared/domain/review';
import { DEFAULT_ESCALATION_POLICY, plannedStep } from '../../shared/domain/sla';
import { formatShanghai } from '../../shared/domain/time';

/** The rules of how 12351/12345 centres are assessed: reply outcomes, reviewed send-backs, approved extensions, 问题工单. */
const calendar = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));
const at = (iso: string) => Date.parse(iso);
const ctx = (iso: string): LifecycleContext => ({ now: at(iso), calendar, policy });
const act = (c: CaseRecord, input: ActionInput, iso: string) => applyAction(c, input, ctx(iso));

/** A complaint received Monday 28 September 2026 09:30, due Friday 30 October (20 working days across National Day). */
function caseIn(status: Status, overrides: Partial<CaseRecord> = {}): CaseRecord {
  const receivedAt = at('2026-09-28T09:30:00+08:00');
  const d = computeDeadline(calendar, receivedAt, 'complaint', false);
  return {
    id: 'c1',
    ticketNo: 'H2026-000001',
    trackingCode: 'ABCDEFGH',
    channel: 'hotline',
    category: 'complaint',
    urgent: false,
    subject: 's',
    description: 'd',
    receivedAt,
    status,
    sla: { ...d, state: 'on_track' },
    office: 'rights',
    assignedAt: at('2026-09-28T10:00:00+08:00'),
    createdBy: 'op',
    createdAt: receivedAt,
    updatedAt: receivedAt,
    version: 3,
    ...overrides,
  };
}

const sendBack: ActionInput = { action: 'return', reasonCode: 'not_ours', reasonLabel: '非本部门职责', note: 'wages belong to legal aid' };

describe('reply outcome (支持 / 解释 / 不予支持)', () => {
  it('a reply records its outcome; a reject carries the remedies, and one without them is refused', () => {
    const supported = act(caseIn('in_progress'), { action: 'reply', text: '已协调补发', outcome: 'support' }, '2026-10-20T10:00:00+08:00');
    expect(supported.record.reply).toEqual({ at: at('2026-10-20T10:00:00+08:00'), text: '已协调补发', outcome: 'support' });
    const rejected = act(caseIn('in_progress'), { action: 'reply', text: '不符合条件', outcome: 'reject', remedies: '可向劳动人事争议仲裁委员会申请仲裁' }, '2026-10-20T10:00:00+08:00');
    expect(rejected.record.reply).toMatchObject({ outcome: 'reject', remedies: '可向劳动人事争议仲裁委员会申请仲裁' });
    expect(rejected.detail).toMatchObject({ outcome: 'reject', remedies: '可向劳动人事争议仲裁委员会申请仲裁' });
    expect(() => act(caseIn('in_progress'), { action: 'reply', text: 'no', outcome: 'reject' }, '2026-10-20T10:00:00+08:00')).toThrow(/remedies/);
  });
});

describe('send-back (退单) with a reason, reviewed by a supervisor', () => {
  const returned = act(caseIn('in_progress'), sendBack, '2026-09-29T10:00:00+08:00').record;

  it('re-dispatch to another office (转办) ends the review and counts as a transfer', () => {
    const { record, detail } = act(returned, { action: 'assign', office: 'legal', reason: '转法律援助中心' }, '2026-09-29T15:00:00+08:00');
    expect(record).toMatchObject({ status: 'assigned', office: 'legal', transfers: 1, returns: 1 });
    expect(record.returnReview).toBeUndefined();
    expect(record.improperReturns).toBeUndefined();
    expect(detail).toEqual({ reason: '转法律援助中心', from: 'rights', to: 'legal', returnReviewed: true });
  });

  it('the same office cannot be re-dispatched to: that is rejecting the send-back', () => {
    expect(() => act(returned, { action: 'assign', office: 'rights', reason: 'x' }, '2026-09-29T15:00:00+08:00')).toThrow(/reject-return/);
  });

  it('rejecting the send-back gives the case back to the same office to sign for again, counted as 不当退单', () => {
    const { record, detail } = act(returned, { action: 'reject-return', reason: '属本部门职责' }, '2026-09-29T15:00:00+08:00');
    expect(record).toMatchObject({ status: 'assigned', office: 'rights', assignedAt: at('2026-09-29T15:00:00+08:00'), improperReturns: 1, returns: 1 });
    expect(record.returnReview).toBeUndefined();
    // The deadline is the legal one: a send-back does not buy time.
    expect(record.sla.dueAt).toBe(caseIn('in_progress').sla.dueAt);
    expect(detail).toEqual({ reason: '属本部门职责', to: 'rights', reasonCode: 'not_ours', improper: true });
  });

  it('waiting for review has its own timer: one working day after the send-back, at the same time of day', () => {
    // Sent back Tue 29 Sep 10:00: reminded Wed 30 Sep 10:00.
    expect(plannedStep(DEFAULT_ESCALATION_POLICY, calendar, returned)).toEqual({ id: RETURN_REVIEW_STEP, at: at('2026-09-30T10:00:00+08:00') });
    // Sent back Wed 30 Sep 16:00, before National Day (1–7 Oct): reminded Thu 8 Oct 16:00.
    const beforeHoliday = act(caseIn('in_progress'), sendBack, '2026-09-30T16:00:00+08:00').record;
    expect(formatShanghai(returnReviewStep(DEFAULT_ESCALATION_POLICY, calendar, beforeHoliday)?.at ?? 0)).toBe('2026-10-08T16:00:00+08:00');
    // Two working days (ESCALATION_POLICY.returnReviewWorkingDays) from Tue 29 Sep: Thu 8 Oct.
    expect(formatShanghai(returnReviewStep({ returnReviewWorkingDays: 2 }, calendar, returned)?.at ?? 0)).toBe('2026-10-08T10:00:00+08:00');
    // Once reminded, no timer; nor after the decision.
    expect(plannedStep(DEFAULT_ESCALATION_POLICY, calendar, { ...returned, returnReview: { ...returned.returnReview!, remindedAt: at('2026-09-30T10:00:00+08:00') } })).toBeUndefined();
    const decided = act(returned, { action: 'reject-return', reason: 'x' }, '2026-09-29T15:00:00+08:00').record;
    expect(plannedStep(DEFAULT_ESCALATION_POLICY, calendar, decided)?.id).toBe('warning');
  });

  it('reject-return needs a send-back waiting', () => {
    expect(() => act(caseIn('returned'), { action: 'reject-return', reason: 'x' }, '2026-09-29T15:00:00+08:00')).toThrow(LifecycleRuleError);
  });
});

describe('extensions requested by the office and approved by a supervisor', () => {
  const request: ActionInput = { action: 'request-extension', reasonCode: 'needs_investigation', reason: '需到三个工地现场核实' };

  it('a request waits; approval moves the case to the investigation limit (30 working days from receipt) with the reason category', () => {
    const asked = act(caseIn('in_progress'), request, '2026-10-20T10:00:00+08:00');
    expect(asked.record.extensionRequest).toEqual({ at: at('2026-10-20T10:00:00+08:00'), office: 'rights', reasonCode: 'needs_investigation', reason: '需到三个工地现场核实', state: 'pending' });
    expect(asked.record.sla.dueAt).toBe(caseIn('in_progress').sla.dueAt);
    const approved = act(asked.record, { action: 'approve-extension', note: '同意' }, '2026-10-21T10:00:00+08:00');
    // 20 working days reach Fri 30 Oct; then 2–6 Nov (25), 9–13 Nov (30).
    expect(formatShanghai(approved.record.sla.dueAt)).toBe('2026-11-13T23:59:59+08:00');
    expect(approved.record).toMatchObject({ category: 'investigation', extended: true, extendedAt: at('2026-10-21T10:00:00+08:00'), extensionReason: 'needs_investigation' });
    expect(approved.record.extensionRequest).toMatchObject({ state: 'approved', decidedAt: at('2026-10-21T10:00:00+08:00'), decisionNote: '同意' });
    expect(approved.detail).toEqual({ reasonCode: 'needs_investigation', dueAt: approved.record.sla.dueAt, note: '同意' });
  });

  it('a denial keeps the deadline; the office may ask again', () => {
    const asked = act(caseIn('in_progress'), request, '2026-10-20T10:00:00+08:00').record;
    const denied = act(asked, { action: 'deny-extension', reason: '期限内可办结' }, '2026-10-21T10:00:00+08:00').record;
    expect(denied).toMatchObject({ category: 'complaint', extensionRequest: { state: 'denied', decisionNote: '期限内可办结' } });
    expect(denied.extended).toBeUndefined();
    expect(denied.sla.dueAt).toBe(asked.sla.dueAt);
    expect(act(denied, request, '2026-10-22T10:00:00+08:00').record.extensionRequest?.state).toBe('pending');
  });

  it('only before the deadline, one waiting at a time, never twice extended, only complaints', () => {
    // Due Fri 30 Oct 23:59:59: a second later is too late.
    expect(act(caseIn('in_progress'), request, '2026-10-30T23:59:59+08:00').record.extensionRequest?.state).toBe('pending');
    expect(() => act(caseIn('in_progress'), request, '2026-10-31T00:00:00+08:00')).toThrow(/before the deadline/);
    const asked = act(caseIn('in_progress'), request, '2026-10-20T10:00:00+08:00').record;
    expect(() => act(asked, request, '2026-10-20T11:00:00+08:00')).toThrow(/already waiting/);
    expect(() => act(caseIn('in_progress', { extended: true }), request, '2026-10-20T10:00:00+08:00')).toThrow(/already extended/);
    expect(() => act(caseIn('in_progress', { category: 'advice' }), request, '2026-09-29T10:00:00+08:00')).toThrow(/Only a complaint/);
    expect(() => act(caseIn('in_progress'), { action: 'approve-extension' }, '2026-10-20T10:00:00+08:00')).toThrow(/no extension request/);
  });

  it('the supervisor’s direct extend stays, and settles a waiting request', () => {
    const asked = act(caseIn('in_progress'), request, '2026-10-20T10:00:00+08:00').record;
    const extended = act(asked, { action: 'extend', reason: '直接延期' }, '2026-10-21T10:00:00+08:00').record;
    expect(extended).toMatchObject({ extended: true, extendedAt: at('2026-10-21T10:00:00+08:00'), extensionRequest: { state: 'approved' } });
    expect(formatShanghai(extended.sla.dueAt)).toBe('2026-11-13T23:59:59+08:00');
  });
});

describe('problem cases (问题工单)', () => {
  it('three send-backs flag the case, with the reason and the time, once', () => {
    let c = caseIn('in_progress');
    const times = ['2026-09-29T10:00:00+08:00', '2026-09-30T10:00:00+08:00', '2026-10-08T10:00:00+08:00'];
    const details: unknown[] = [];
    for (const [i, t] of times.entries()) {
      const back = act(c, sendBack, t);
      details.push(back.detail);
      c = act(back.record, { action: 'reject-return', reason: 'yours' }, t.replace('10:00', '11:00')).record;
      if (i < 2) expect(c.problem).toBeUndefined();
    }
    expect(c.problem).toEqual({ at: at('2026-10-08T10:00:00+08:00'), reasons: ['returns'] });
    expect(c.improperReturns).toBe(3);
    expect(details[2]).toMatchObject({ problem: ['returns'] });
    expect(details[1]).not.toHaveProperty('problem');
    // A fourth send-back adds nothing new: no second flag.
    const fourth = act(act(c, { action: 'accept' }, '2026-10-09T09:00:00+08:00').record, sendBack, '2026-10-09T10:00:00+08:00');
    expect(fourth.record.problem).toEqual(c.problem);
    expect(fourth.detail).not.toHaveProperty('problem');
  });

  it('three transfers flag it; a first dispatch is not a transfer', () => {
    let c = caseIn('received', { office: undefined, assignedAt: undefined });
    c = act(c, { action: 'assign', office: 'rights', reason: 'dispatch' }, '2026-09-28T11:00:00+08:00').record;
    expect(c.transfers).toBeUndefined();
    for (const [i, office] of ['legal', 'safety', 'rights'].entries()) {
      c = act(c, { action: 'assign', office, reason: 'transfer' }, `2026-09-29T1${i}:00:00+08:00`).record;
    }
    expect(c.transfers).toBe(3);
    expect(c.problem).toEqual({ at: at('2026-09-29T12:00:00+08:00'), reasons: ['transfers'] });
  });

  it('two reopens after an unhappy follow-up flag it; a reopen after a satisfied rating is no rework', () => {
    let c = caseIn('in_progress');
    const round = (day: string, resolved: boolean, satisfaction: 'satisfied' | 'dissatisfied') => {
      c = act(c, { action: 'reply', text: 'a', outcome: 'explain' }, `${day}T10:00:00+08:00`).record;
      c = act(c, { action: 'follow-up', resolved, satisfaction }, `${day}T11:00:00+08:00`).record;
      c = act(c, { action: 'reopen', reason: 'again' }, `${day}T12:00:00+08:00`).record;
    };
    round('2026-10-09', true, 'satisfied');
    expect(c.reworks).toBeUndefined();
    round('2026-10-12', false, 'dissatisfied');
    expect(c.reworks).toBe(1);
    expect(c.problem).toBeUndefined();
    round('2026-10-13', true, 'dissatisfied');
    expect(c).toMatchObject({ reworks: 2, reopened: 3, problem: { at: at('2026-10-13T12:00:00+08:00'), reasons: ['reworks'] } });
  });

  it('the thresholds come from the policy; a later reason joins the first flag', () => {
    expect(problemReasons({ returns: 3, transfers: 2, reworks: 2 }, policy)).toEqual(['returns', 'reworks']);
    expect(problemReasons({ returns: 1 }, { ...policy, problemAfter: { returns: 1, transfers: 3, reworks: 2 } })).toEqual(['returns']);
    const flagged = caseIn('in_progress', { transfers: 2, problem: { at: at('2026-10-01T10:00:00+08:00'), reasons: ['returns'] }, returns: 3 });
    const { record, detail } = act(flagged, { action: 'assign', office: 'legal', reason: 't' }, '2026-10-09T10:00:00+08:00');
    expect(record.problem).toEqual({ at: at('2026-10-01T10:00:00+08:00'), reasons: ['returns', 'transfers'] });
    expect(detail).toMatchObject({ problem: ['transfers'] });
  });
});
