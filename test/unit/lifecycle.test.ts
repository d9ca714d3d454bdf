import { describe, expect, it } from 'vitest';
import { shippedCalendarYears } from '../../shared/calendar/shipped';
import { WorkingCalendar } from '../../shared/domain/calendar';
import { STATUSES, type CaseRecord, type Status } from '../../shared/domain/case';
import { computeDeadline } from '../../shared/domain/deadline';
import {
  ACTIONS,
  allowedActions,
  applyAction,
  DEFAULT_LIFECYCLE_POLICY as policy,
  IllegalTransitionError,
  LifecycleRuleError,
  mayAct,
  type Action,
  type ActionInput,
  type LifecycleContext,
} from '../../shared/domain/lifecycle';
import type { Principal } from '../../shared/domain/principal';
import { formatShanghai } from '../../shared/domain/time';

const calendar = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));
const at = (iso: string) => Date.parse(iso);
const ctx = (iso: string): LifecycleContext => ({ now: at(iso), calendar, policy });
const due = (r: CaseRecord) => formatShanghai(r.sla.dueAt);

/** A complaint received Monday 28 September 2026 09:30, due (20 working days, across National Day) Friday 30 October. */
function caseIn(status: Status, overrides: Partial<CaseRecord> = {}): CaseRecord {
  const receivedAt = at('2026-09-28T09:30:00+08:00');
  const d = computeDeadline(calendar, receivedAt, overrides.category ?? 'complaint', false);
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
    ...(status !== 'received' && status !== 'returned' && { office: 'rights', assignedAt: at('2026-09-28T10:00:00+08:00') }),
    ...(status === 'returned' && { returns: 1, returnReview: { at: at('2026-09-29T10:00:00+08:00'), office: 'rights', reasonCode: 'not_ours', reasonLabel: '非本部门职责', note: 'wages, not ours' } }),
    ...(status === 'replied' && { reply: { at: at('2026-10-20T10:00:00+08:00'), text: 'answer' } }),
    ...(status === 'closed' && { reply: { at: at('2026-10-20T10:00:00+08:00'), text: 'answer' }, closedAt: at('2026-10-21T10:00:00+08:00') }),
    ...(status === 'paused' && { pauses: [{ from: at('2026-09-30T10:00:00+08:00'), reason: 'materials' }] }),
    createdBy: 'op',
    createdAt: receivedAt,
    updatedAt: receivedAt,
    version: 3,
    ...overrides,
  };
}

/** A valid input for each action (assign and recategorize change something). */
const INPUT: Record<Action, ActionInput> = {
  accept: { action: 'accept' },
  return: { action: 'return', reasonCode: 'not_ours', reasonLabel: '非本部门职责', note: 'misrouted' },
  'reject-return': { action: 'reject-return', reason: 'it is yours' },
  assign: { action: 'assign', office: 'legal', reason: 'transfer' },
  recategorize: { action: 'recategorize', category: 'advice', reason: 'only advice' },
  'request-extension': { action: 'request-extension', reasonCode: 'needs_investigation', reason: 'site visit needed' },
  'approve-extension': { action: 'approve-extension' },
  'deny-extension': { action: 'deny-extension', reason: 'answer within the limit' },
  extend: { action: 'extend', reason: 'needs an investigation' },
  pause: { action: 'pause', reason: 'waiting for materials' },
  resume: { action: 'resume' },
  note: { action: 'note', text: 'called back' },
  reply: { action: 'reply', text: 'answer', outcome: 'support' },
  'follow-up': { action: 'follow-up', resolved: true, satisfaction: 'satisfied' },
  reopen: { action: 'reopen', reason: 'not resolved' },
  close: { action: 'close', reason: 'done' },
  link: { action: 'link', ticketNo: 'H2026-000001', reason: 'the same wages claim', original: { caseId: 'original-1', ticketNo: 'H2026-000001' } },
};

describe('the transition table', () => {
  it('sanity of the shipped calendar: the test case is due 30 October 2026', () => {
    // Hand count from Mon 28 Sep: 29, 30 Sep (2); 1–7 Oct National Day; 8, 9 (4), Sat 10 Oct makeup (5);
    // 12–16 (10), 19–23 (15), 26–30 (20).
    expect(due(caseIn('assigned'))).toBe('2026-10-30T23:59:59+08:00');
  });

  it('concrete expectations, by hand', () => {
    expect(allowedActions('received')).toEqual(['assign', 'recategorize', 'note', 'close', 'link']);
    const extension = ['request-extension', 'approve-extension', 'deny-extension'];
    expect(allowedActions('assigned')).toEqual(['accept', 'return', 'assign', 'recategorize', ...extension, 'extend', 'note', 'close', 'link']);
    expect(allowedActions('returned')).toEqual(['reject-return', 'assign', 'recategorize', 'note', 'close', 'link']);
    expect(allowedActions('in_progress')).toEqual(['return', 'assign', 'recategorize', ...extension, 'extend', 'pause', 'note', 'reply', 'close', 'link']);
    expect(allowedActions('paused')).toEqual(['recategorize', ...extension, 'resume', 'note', 'close', 'link']);
    expect(allowedActions('replied')).toEqual(['note', 'follow-up', 'reopen', 'close']);
    expect(allowedActions('closed')).toEqual(['note', 'reopen']);
    expect(() => applyAction(caseIn('assigned'), INPUT.reply, ctx('2026-09-29T10:00:00+08:00'))).toThrow(IllegalTransitionError);
    expect(() => applyAction(caseIn('in_progress'), INPUT.accept, ctx('2026-09-29T10:00:00+08:00'))).toThrow(IllegalTransitionError);
    expect(() => applyAction(caseIn('closed'), INPUT.close, ctx('2026-10-22T10:00:00+08:00'))).toThrow(IllegalTransitionError);
    expect(() => applyAction(caseIn('received'), INPUT.accept, ctx('2026-09-29T10:00:00+08:00'))).toThrow(IllegalTransitionError);
    expect(() => applyAction(caseIn('paused'), INPUT.reply, ctx('2026-10-09T10:00:00+08:00'))).toThrow(IllegalTransitionError);
    expect(() => applyAction(caseIn('in_progress'), INPUT.resume, ctx('2026-10-09T10:00:00+08:00'))).toThrow(IllegalTransitionError);
  });

  it('every status × action: IllegalTransitionError exactly when the action is not allowed, carrying the status and what is allowed', () => {
    let illegal = 0;
    for (const status of STATUSES) {
      const allowed = allowedActions(status);
      for (const action of ACTIONS) {
        const c = caseIn(status);
        const run = () => applyAction(c, INPUT[action], ctx('2026-10-21T12:00:00+08:00'));
        if (allowed.includes(action)) {
          // Allowed: no illegal-transition error (a rule error is fine, e.g. recategorize to the same category).
          try {
            run();
          } catch (err) {
            expect(err, `${action} from ${status}`).not.toBeInstanceOf(IllegalTransitionError);
          }
        } else {
          illegal++;
          let thrown: unknown;
          try {
            run();
          } catch (err) {
            thrown = err;
          }
          expect(thrown, `${action} from ${status}`).toBeInstanceOf(IllegalTransitionError);
          const e = thrown as IllegalTransitionError;
          expect(e.status).toBe(status);
          expect(e.action).toBe(action);
          expect(e.allowed).toEqual(allowed);
        }
      }
    }
    // 7 statuses × 17 actions = 119 pairs; 5+11+6+12+8+4+2 = 48 of them are allowed by the hand table above.
    expect(illegal).toBe(119 - 48);
  });
});

describe('link (重复件)', () => {
  const original = { caseId: 'original-1', ticketNo: 'H2026-000001' };
  it('closes an open case with the reference to its original and nothing else', () => {
    for (const status of ['received', 'assigned', 'in_progress', 'paused'] as const) {
      const t = applyAction(caseIn(status), { action: 'link', ticketNo: original.ticketNo, reason: '同一欠薪诉求', original }, ctx('2026-10-09T10:00:00+08:00'));
      expect(t.record.status).toBe('closed');
      expect(t.record.duplicateOf).toEqual(original);
      expect(t.record.closedAt).toBe(at('2026-10-09T10:00:00+08:00'));
      expect(t.record.reply).toBeUndefined();
      expect(t.detail).toEqual({ reason: '同一欠薪诉求', duplicateOf: 'H2026-000001', originalId: 'original-1' });
    }
  });
  it('refuses a replied or closed case, itself as its original, and an unresolved ticket', () => {
    expect(() => applyAction(caseIn('replied'), INPUT.link, ctx('2026-10-21T10:00:00+08:00'))).toThrow(IllegalTransitionError);
    expect(() => applyAction(caseIn('closed'), INPUT.link, ctx('2026-10-22T10:00:00+08:00'))).toThrow(IllegalTransitionError);
    const c = caseIn('assigned');
    expect(() => applyAction(c, { action: 'link', ticketNo: c.ticketNo, reason: 'x', original: { caseId: c.id, ticketNo: c.ticketNo } }, ctx('2026-10-09T10:00:00+08:00'))).toThrow(LifecycleRuleError);
    expect(() => applyAction(c, { action: 'link', ticketNo: 'H2026-000001', reason: 'x' }, ctx('2026-10-09T10:00:00+08:00'))).toThrow(LifecycleRuleError);
  });
  it('office staff may link their own office’s cases', () => {
    expect(mayAct({ sub: 'u', roles: ['office'], office: 'rights' } as Principal, { office: 'rights' }, 'link')).toBe(true);
    expect(mayAct({ sub: 'u', roles: ['office'], office: 'legal' } as Principal, { office: 'rights' }, 'link')).toBe(false);
    expect(mayAct({ sub: 'u', roles: ['operator'] } as Principal, { office: 'rights' }, 'link')).toBe(false);
  });
});

describe('mayAct', () => {
  const office = (o?: string): Principal => ({ sub: 'u', roles: ['office'], ...(o && { office: o }) }) as Principal;
  const c = { office: 'rights' };

  it('office staff take the office actions on their own office’s cases only', () => {
    for (const a of ['accept', 'return', 'request-extension', 'pause', 'resume', 'note', 'reply', 'follow-up'] as const) {
      expect(mayAct(office('rights'), c, a), a).toBe(true);
      expect(mayAct(office('legal'), c, a), a).toBe(false);
      expect(mayAct(office(), c, a), a).toBe(false);
    }
    for (const a of ['assign', 'recategorize', 'reopen', 'close', 'reject-return', 'approve-extension', 'deny-extension', 'extend'] as const) expect(mayAct(office('rights'), c, a), a).toBe(false);
    // A case without an office is nobody's (office staff without an office claim must not match it).
    expect(mayAct(office(), {}, 'note')).toBe(false);
  });

  it('supervisors and admins may do everything; operators and reception nothing', () => {
    for (const a of ACTIONS) {
      expect(mayAct({ sub: 's', roles: ['supervisor'] } as Principal, c, a)).toBe(true);
      expect(mayAct({ sub: 'a', roles: ['admin'] } as Principal, {}, a)).toBe(true);
      expect(mayAct({ sub: 'o', roles: ['operator'] } as Principal, c, a)).toBe(false);
      expect(mayAct({ sub: 'r', roles: ['reception'] } as Principal, c, a)).toBe(false);
    }
  });
});

describe('applyAction', () => {
  it('accept: on time within 1 working day of assignment, late after', () => {
    // Assigned Mon 28 Sep 10:00: sign by end of Tue 29 Sep.
    const onTime = applyAction(caseIn('assigned'), INPUT.accept, ctx('2026-09-29T23:59:00+08:00'));
    expect(onTime.record).toMatchObject({ status: 'in_progress', acceptedLate: false });
    expect(onTime.detail).toEqual({ late: false });
    const late = applyAction(caseIn('assigned'), INPUT.accept, ctx('2026-09-30T08:00:00+08:00'));
    expect(late.record).toMatchObject({ status: 'in_progress', acceptedLate: true, acceptedAt: at('2026-09-30T08:00:00+08:00') });
    // Assigned on Wed 30 Sep: the next working day is Thu 8 Oct, so signing on 8 Oct is on time.
    const holiday = applyAction(caseIn('assigned', { assignedAt: at('2026-09-30T16:00:00+08:00') }), INPUT.accept, ctx('2026-10-08T17:00:00+08:00'));
    expect(holiday.record.acceptedLate).toBe(false);
    // With 2 working days to sign (LIFECYCLE_POLICY), Wed 30 Sep is on time, Thu 1 Oct onward would be late.
    const twoDays = { ...ctx('2026-09-30T08:00:00+08:00'), policy: { ...policy, signWithinWorkingDays: 2 } };
    expect(applyAction(caseIn('assigned'), INPUT.accept, twoDays).record.acceptedLate).toBe(false);
  });

  it('return: waits for review (returned) with the reason and note, office cleared, deadline unchanged, counted', () => {
    const c = caseIn('in_progress', { acceptedAt: at('2026-09-29T09:00:00+08:00'), acceptedLate: false, returns: 1 });
    const { record, detail } = applyAction(c, INPUT.return, ctx('2026-09-29T10:00:00+08:00'));
    expect(record.status).toBe('returned');
    expect(record.office).toBeUndefined();
    expect(record.assignedAt).toBeUndefined();
    expect(record.acceptedAt).toBeUndefined();
    expect(record.sla.dueAt).toBe(c.sla.dueAt);
    expect(record.returns).toBe(2);
    expect(record.returnReview).toEqual({ at: at('2026-09-29T10:00:00+08:00'), office: 'rights', reasonCode: 'not_ours', reasonLabel: '非本部门职责', note: 'misrouted' });
    expect(detail).toEqual({ reasonCode: 'not_ours', reasonLabel: '非本部门职责', note: 'misrouted', from: 'rights' });
  });

  it('assign: to the office, now', () => {
    const { record, detail } = applyAction(caseIn('received'), INPUT.assign, ctx('2026-09-29T10:00:00+08:00'));
    expect(record).toMatchObject({ status: 'assigned', office: 'legal', assignedAt: at('2026-09-29T10:00:00+08:00') });
    expect(detail).toEqual({ reason: 'transfer', from: null, to: 'legal' });
  });

  it('recategorize: the deadline is recomputed from receipt; the same category is a rule error', () => {
    const { record } = applyAction(caseIn('in_progress'), INPUT.recategorize, ctx('2026-10-09T10:00:00+08:00'));
    // Advice: 5 working days after 28 Sep: 29, 30 Sep, 8, 9, 10 (Sat, makeup) Oct.
    expect(record.category).toBe('advice');
    expect(due(record)).toBe('2026-10-10T23:59:59+08:00');
    expect(record.sla.workingDays).toBe(5);
    expect(() => applyAction(caseIn('in_progress'), { action: 'recategorize', category: 'complaint', reason: 'x' }, ctx('2026-10-09T10:00:00+08:00'))).toThrow(LifecycleRuleError);
  });

  it('extend: a complaint becomes an investigation, 30 working days from receipt, once', () => {
    const { record } = applyAction(caseIn('in_progress'), INPUT.extend, ctx('2026-10-09T10:00:00+08:00'));
    // 20 working days reach Fri 30 Oct; then 2–6 Nov (25), 9–13 Nov (30).
    expect(record).toMatchObject({ category: 'investigation', extended: true });
    expect(due(record)).toBe('2026-11-13T23:59:59+08:00');
    expect(record.sla.workingDays).toBe(30);
    expect(() => applyAction(record, INPUT.extend, ctx('2026-10-09T11:00:00+08:00'))).toThrow(LifecycleRuleError);
    expect(() => applyAction(caseIn('in_progress', { category: 'advice' }), INPUT.extend, ctx('2026-10-09T11:00:00+08:00'))).toThrow(LifecycleRuleError);
  });

  it('pause/resume across National Day moves the deadline by the working days paused; at most 2 pauses', () => {
    const paused = applyAction(caseIn('in_progress'), INPUT.pause, ctx('2026-09-30T10:00:00+08:00')).record;
    expect(paused.status).toBe('paused');
    const resumed = applyAction(paused, INPUT.resume, ctx('2026-10-09T10:00:00+08:00'));
    // Hand count: working days after Wed 30 Sep through Fri 9 Oct: 1–7 Oct are holidays, so 8 and 9 Oct = 2.
    // (The makeup Saturday 10 Oct is after the resume day.)
    expect(resumed.detail).toMatchObject({ pausedWorkingDays: 2 });
    expect(resumed.record.status).toBe('in_progress');
    // Due Fri 30 Oct + 2 working days: Mon 2 Nov, Tue 3 Nov.
    expect(due(resumed.record)).toBe('2026-11-03T23:59:59+08:00');
    expect(resumed.record.pauses).toEqual([{ from: at('2026-09-30T10:00:00+08:00'), to: at('2026-10-09T10:00:00+08:00'), reason: 'waiting for materials', workingDays: 2 }]);
    // A later recategorize keeps the paused days: advice due Sat 10 Oct + 2 → Mon 12, Tue 13 Oct.
    const recat = applyAction(resumed.record, INPUT.recategorize, ctx('2026-10-09T11:00:00+08:00')).record;
    expect(due(recat)).toBe('2026-10-13T23:59:59+08:00');
    // Paused and resumed on the same day: nothing moves.
    const p2 = applyAction(resumed.record, INPUT.pause, ctx('2026-10-12T09:00:00+08:00')).record;
    const r2 = applyAction(p2, INPUT.resume, ctx('2026-10-12T17:00:00+08:00'));
    expect(r2.detail).toMatchObject({ pausedWorkingDays: 0 });
    expect(r2.record.sla.dueAt).toBe(resumed.record.sla.dueAt);
    expect(() => applyAction(r2.record, INPUT.pause, ctx('2026-10-13T09:00:00+08:00'))).toThrow(LifecycleRuleError);
  });

  it('note keeps the status; reply is met or missed by the deadline', () => {
    const noted = applyAction(caseIn('closed'), INPUT.note, ctx('2026-10-22T10:00:00+08:00')).record;
    expect(noted.status).toBe('closed');
    expect(noted.notes).toEqual([{ at: at('2026-10-22T10:00:00+08:00'), text: 'called back' }]);
    const met = applyAction(caseIn('in_progress'), INPUT.reply, ctx('2026-10-30T23:59:59+08:00'));
    expect(met.record).toMatchObject({ status: 'replied', sla: { state: 'met' } });
    expect(met.detail).toEqual({ onTime: true, text: 'answer', outcome: 'support' });
    expect(met.record.reply).toEqual({ at: at('2026-10-30T23:59:59+08:00'), text: 'answer', outcome: 'support' });
    const missed = applyAction(caseIn('in_progress'), INPUT.reply, ctx('2026-10-31T00:00:00+08:00'));
    expect(missed.record).toMatchObject({ status: 'replied', sla: { state: 'missed' } });
  });

  it('follow-up closes only when resolved and not dissatisfied', () => {
    const now = ctx('2026-10-22T10:00:00+08:00');
    const fu = (resolved: boolean, satisfaction: 'satisfied' | 'basically_satisfied' | 'dissatisfied') =>
      applyAction(caseIn('replied'), { action: 'follow-up', resolved, satisfaction, comment: 'c' }, now);
    expect(fu(true, 'satisfied').record).toMatchObject({ status: 'closed', closedAt: now.now });
    expect(fu(true, 'basically_satisfied').record.status).toBe('closed');
    const unhappy = fu(true, 'dissatisfied');
    expect(unhappy.record.status).toBe('replied');
    expect(unhappy.record.closedAt).toBeUndefined();
    expect(unhappy.detail).toMatchObject({ reopenOffered: true, satisfaction: 'dissatisfied', comment: 'c' });
    expect(fu(false, 'satisfied').record.status).toBe('replied');
    // Once per reply: the unhappy rating stands until a supervisor reopens; after a new reply it may be rated again.
    expect(() => applyAction(unhappy.record, INPUT['follow-up'], ctx('2026-10-23T10:00:00+08:00'))).toThrowError(/already followed up/);
    const replyAgain = { ...unhappy.record, reply: { at: at('2026-10-30T10:00:00+08:00'), text: 'second answer' } };
    expect(applyAction(replyAgain, INPUT['follow-up'], ctx('2026-11-02T10:00:00+08:00')).record.status).toBe('closed');
  });

  it('reopen: within 30 days of the reply, with a new deadline from the reopen date', () => {
    // Replied Tue 20 Oct 10:00. Reopened Fri 23 Oct: complaint, 20 working days from 23 Oct → Fri 20 Nov.
    const reopened = applyAction(caseIn('replied', { sla: { ...caseIn('replied').sla, state: 'met', lastStep: 'warning' } }), INPUT.reopen, ctx('2026-10-23T10:00:00+08:00'));
    expect(reopened.record).toMatchObject({ status: 'in_progress', reopened: 1, sla: { state: 'on_track' } });
    expect(reopened.record.sla.lastStep).toBeUndefined();
    expect(due(reopened.record)).toBe('2026-11-20T23:59:59+08:00');
    // From closed: closedAt is cleared.
    const fromClosed = applyAction(caseIn('closed'), INPUT.reopen, ctx('2026-11-19T10:00:00+08:00')).record;
    expect(fromClosed.status).toBe('in_progress');
    expect(fromClosed.closedAt).toBeUndefined();
    // 30 days after 20 Oct 10:00 is 19 Nov 10:00: a second later is too late.
    expect(() => applyAction(caseIn('closed'), INPUT.reopen, ctx('2026-11-19T10:00:01+08:00'))).toThrow(LifecycleRuleError);
  });

  it('close from any open status and from replied', () => {
    for (const s of ['received', 'assigned', 'in_progress', 'paused', 'replied'] as const) {
      const { record, detail } = applyAction(caseIn(s), INPUT.close, ctx('2026-10-22T10:00:00+08:00'));
      expect(record).toMatchObject({ status: 'closed', closedAt: at('2026-10-22T10:00:00+08:00') });
      expect(detail).toEqual({ reason: 'done' });
    }
  });
});

describe('a reopened case starts a new handling period', () => {
  it('recategorising after a reopen counts from the reopen, and earlier pauses no longer use up the limit', () => {
    const calendar2 = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));
    const ctx = (iso: string) => ({ now: Date.parse(iso), calendar: calendar2, policy });
    const received = Date.parse('2026-03-02T09:30:00+08:00');
    const d = computeDeadline(calendar2, received, 'advice', false);
    let c = {
      id: 'r1', ticketNo: 'H2026-000001', trackingCode: 'ABCDEFGH', status: 'in_progress', channel: 'hotline', category: 'advice', urgent: false,
      subject: 's', description: 'd', receivedAt: received, office: 'rights', assignedAt: received, createdBy: 'op', createdAt: received, updatedAt: received, version: 3,
      sla: { ...d, state: 'on_track' },
      pauses: [
        { from: received, to: received, reason: 'a', workingDays: 0 },
        { from: received, to: received, reason: 'b', workingDays: 0 },
      ],
    } as CaseRecord;
    c = applyAction(c, { action: 'reply', text: 'x', outcome: 'explain' }, ctx('2026-03-05T10:00:00+08:00')).record;
    c = applyAction(c, { action: 'reopen', reason: 'not resolved' }, ctx('2026-04-01T10:00:00+08:00')).record;
    // Reopened Wed 1 April: 5 working days are 2, 3, then (Qingming 4–6 April off) 7, 8, 9 April.
    expect(formatShanghai(c.sla.dueAt)).toBe('2026-04-09T23:59:59+08:00');
    const recat = applyAction(c, { action: 'recategorize', category: 'complaint', reason: 'r' }, ctx('2026-04-02T10:00:00+08:00')).record;
    // 20 working days from 1 April, not from 2 March (which would already be past).
    expect(formatShanghai(recat.sla.dueAt)).toBe(formatShanghai(computeDeadline(calendar2, Date.parse('2026-04-01T10:00:00+08:00'), 'complaint', false).dueAt));
    expect(recat.sla.dueAt).toBeGreaterThan(Date.parse('2026-04-02T10:00:00+08:00'));
    // Two pauses before the reopen do not count against this period's limit.
    expect(applyAction(c, { action: 'pause', reason: 'materials' }, ctx('2026-04-02T10:00:00+08:00')).record.status).toBe('paused');
  });
});
