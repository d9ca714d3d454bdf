import { describe, expect, it } from 'vitest';
import { shippedCalendarYears } from '../../shared/calendar/shipped';
import { WorkingCalendar } from '../../shared/domain/calendar';
import type { CaseRecord } from '../../shared/domain/case';
import { computeDeadline } from '../../shared/domain/deadline';
import { caseHistory, publicTimeline, type Actor, type CaseEvent } from '../../shared/domain/history';
import { DEFAULT_LIFECYCLE_POLICY as policy, recordAction, type ActionInput } from '../../shared/domain/lifecycle';
import { formatShanghai } from '../../shared/domain/time';

/**
 * The history is the case's typed events; the staff history and the complainant's timeline are
 * derived from them (and from intake, routing and escalations kept on the case) in the domain.
 */
const calendar = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => formatShanghai(ms);

const RIGHTS: Actor = { sub: 'clerk-1', roles: ['office'], office: 'rights' };
const LEGAL: Actor = { sub: 'clerk-2', roles: ['office'], office: 'legal' };
const SUPERVISOR: Actor = { sub: 'sup-1', roles: ['supervisor'] };
const COMPLAINANT: Actor = { sub: 'complainant', roles: ['complainant'] };

/** A complaint received Monday 28 September 2026 09:30, routed to `rights` at 10:00. */
function routedCase(): CaseRecord {
  const receivedAt = at('2026-09-28T09:30:00+08:00');
  const d = computeDeadline(calendar, receivedAt, 'complaint', false);
  const routedAt = at('2026-09-28T10:00:00+08:00');
  return {
    id: 'c1',
    ticketNo: 'M2026-000007',
    trackingCode: 'ABCDEFGH',
    channel: 'mailbox',
    category: 'complaint',
    urgent: false,
    subject: 's',
    description: 'd',
    receivedAt,
    ignoredFields: ['nickname'],
    status: 'assigned',
    sla: { ...d, state: 'on_track' },
    office: 'rights',
    assignedAt: routedAt,
    routing: { office: 'rights', ruleIndex: 0, when: { category: 'complaint' }, rulesVersion: 4, messageVersion: 1, at: routedAt },
    createdBy: 'public',
    createdAt: receivedAt + 1000,
    updatedAt: routedAt,
    version: 2,
  };
}

/** The case worked through the lifecycle's own actions, one after another. */
function worked(): CaseRecord {
  const steps: [string, ActionInput, Actor][] = [
    ['2026-09-29T09:00:00+08:00', { action: 'note', text: 'called the writer' }, RIGHTS],
    ['2026-09-29T10:00:00+08:00', { action: 'assign', office: 'legal', reason: 'a contract question' }, SUPERVISOR],
    ['2026-09-29T11:00:00+08:00', { action: 'accept' }, LEGAL],
    ['2026-09-30T10:00:00+08:00', { action: 'extend', reason: 'needs an investigation' }, LEGAL],
    ['2026-09-30T11:00:00+08:00', { action: 'pause', reason: 'waiting for the pay slips' }, LEGAL],
    ['2026-10-09T10:00:00+08:00', { action: 'resume' }, LEGAL],
    ['2026-10-20T10:00:00+08:00', { action: 'reply', text: 'Your employer pays by Friday.' }, LEGAL],
    ['2026-10-21T10:00:00+08:00', { action: 'follow-up', resolved: false, satisfaction: 'dissatisfied' }, COMPLAINANT],
    ['2026-10-22T10:00:00+08:00', { action: 'reopen', reason: 'not paid' }, SUPERVISOR],
    ['2026-10-26T10:00:00+08:00', { action: 'reply', text: 'Paid in full.' }, LEGAL],
    ['2026-10-27T10:00:00+08:00', { action: 'follow-up', resolved: true, satisfaction: 'satisfied' }, COMPLAINANT],
  ];
  let r = routedCase();
  for (const [when, input, by] of steps) r = recordAction(r, input, by, { now: at(when), calendar, policy }).record;
  return { ...r, escalations: [{ step: 'warning', level: 1, at: at('2026-09-29T00:00:01+08:00') }] };
}

/** The first event of an action, narrowed to its type. */
const eventOf = <A extends CaseEvent['action']>(r: CaseRecord, action: A) => (r.events ?? []).find((e): e is Extract<CaseEvent, { action: A }> => e.action === action);

describe('recordAction', () => {
  it('appends the typed event in the stored shape: at, by, action, from, to, detail (none for a note)', () => {
    const c = routedCase();
    const now = at('2026-09-29T11:00:00+08:00');
    const accepted = recordAction(c, { action: 'accept' }, RIGHTS, { now, calendar, policy });
    expect(Object.keys(accepted.event)).toEqual(['at', 'by', 'action', 'from', 'to', 'detail']);
    expect(accepted.event).toEqual({ at: now, by: RIGHTS, action: 'accept', from: 'assigned', to: 'in_progress', detail: { late: false } });
    expect(accepted.record.events).toEqual([accepted.event]);
    expect(c.events).toBeUndefined();
    const noted = recordAction(accepted.record, { action: 'note', text: 'x' }, RIGHTS, { now: now + 1, calendar, policy });
    expect(Object.keys(noted.event)).toEqual(['at', 'by', 'action', 'from', 'to']);
    expect(noted.record.events).toHaveLength(2);
  });

  it('records the automatic close as the lifecycle close with the working days it waited', () => {
    const replied = recordAction({ ...routedCase(), status: 'in_progress' }, { action: 'reply', text: 'a' }, LEGAL, { now: at('2026-10-20T10:00:00+08:00'), calendar, policy }).record;
    const { record, event } = recordAction(replied, { action: 'close', reason: 'no follow-up', afterWorkingDays: 10 }, { sub: 'system', roles: [] }, { now: at('2026-11-04T00:00:01+08:00'), calendar, policy });
    expect(event).toMatchObject({ action: 'close', from: 'replied', to: 'closed', detail: { reason: 'no follow-up', afterWorkingDays: 10 } });
    expect(record).toMatchObject({ status: 'closed', closedAt: at('2026-11-04T00:00:01+08:00') });
    // A person's close carries only the reason.
    expect(recordAction(replied, { action: 'close', reason: 'done' }, SUPERVISOR, { now: at('2026-10-21T10:00:00+08:00'), calendar, policy }).event.detail).toEqual({ reason: 'done' });
  });
});

describe('caseHistory (the staff history)', () => {
  it('merges intake, routing, escalations and every action by time, with who, from/to and the typed detail', () => {
    const h = caseHistory(worked());
    expect(h.map((e) => e.action)).toEqual([
      'received',
      'routed',
      'escalation:warning',
      'note',
      'assign',
      'accept',
      'extend',
      'pause',
      'resume',
      'reply',
      'follow-up',
      'reopen',
      'reply',
      'follow-up',
    ]);
    expect(h[0]).toEqual({ at: at('2026-09-28T09:30:01+08:00'), by: { sub: 'public', roles: [] }, action: 'received', to: 'received', detail: { channel: 'mailbox', receivedAt: at('2026-09-28T09:30:00+08:00'), ignoredFields: ['nickname'] } });
    expect(h[1]).toMatchObject({ by: { sub: 'system' }, action: 'routed', from: 'received', to: 'assigned', detail: { office: 'rights', ruleIndex: 0, rulesVersion: 4 } });
    expect(h[2]).toEqual({ at: at('2026-09-29T00:00:01+08:00'), by: { sub: 'system', roles: [] }, action: 'escalation:warning', detail: { level: 1 } });
    expect(h[4]).toMatchObject({ by: SUPERVISOR, action: 'assign', from: 'assigned', to: 'assigned', detail: { reason: 'a contract question', from: 'rights', to: 'legal' } });
    expect(h[3]).not.toHaveProperty('detail');
    // Paused 30 Sep–9 Oct: 8 and 9 October are the working days in it (1–7 October is National Day).
    expect(h[8]).toMatchObject({ action: 'resume', from: 'paused', to: 'in_progress', detail: { pausedWorkingDays: 2, dueAt: eventOf(worked(), 'resume')?.detail.dueAt } });
    expect(typeof eventOf(worked(), 'resume')?.detail.dueAt).toBe('number');
    expect(h[10]).toMatchObject({ by: COMPLAINANT, from: 'replied', to: 'replied', detail: { resolved: false, satisfaction: 'dissatisfied', reopenOffered: true } });
    expect(h.at(-1)).toMatchObject({ action: 'follow-up', from: 'replied', to: 'closed', detail: { resolved: true, reopenOffered: false } });
  });
});

describe('publicTimeline (what the complainant sees)', () => {
  it('derives each public step from its event: offices by id, new deadlines, reply texts, ratings, closing; no notes or escalations', () => {
    const r = worked();
    const t = publicTimeline(r);
    expect(t.map((s) => [iso(s.at), s.kind])).toEqual([
      ['2026-09-28T09:30:00+08:00', 'received'],
      ['2026-09-28T10:00:00+08:00', 'assigned'],
      ['2026-09-29T10:00:00+08:00', 'assigned'],
      ['2026-09-29T11:00:00+08:00', 'accepted'],
      ['2026-09-30T10:00:00+08:00', 'extended'],
      ['2026-09-30T11:00:00+08:00', 'paused'],
      ['2026-10-09T10:00:00+08:00', 'resumed'],
      ['2026-10-20T10:00:00+08:00', 'replied'],
      ['2026-10-21T10:00:00+08:00', 'rated'],
      ['2026-10-22T10:00:00+08:00', 'reopened'],
      ['2026-10-26T10:00:00+08:00', 'replied'],
      ['2026-10-27T10:00:00+08:00', 'rated'],
      ['2026-10-27T10:00:00+08:00', 'closed'],
    ]);
    expect(t[1]).toEqual({ at: at('2026-09-28T10:00:00+08:00'), kind: 'assigned', officeId: 'rights' });
    expect(t[2]).toMatchObject({ kind: 'assigned', officeId: 'legal' });
    expect(t[3]).toMatchObject({ kind: 'accepted', officeId: 'legal' });
    expect(t[4]).toEqual({ at: at('2026-09-30T10:00:00+08:00'), kind: 'extended', category: 'investigation', dueAt: eventOf(r, 'extend')?.detail.dueAt });
    expect(t[5]).toEqual({ at: at('2026-09-30T11:00:00+08:00'), kind: 'paused' });
    expect(t[6]).toMatchObject({ kind: 'resumed', dueAt: eventOf(r, 'resume')?.detail.dueAt });
    // Both replies keep their own text, though the case keeps only the last.
    expect(t[7]).toMatchObject({ kind: 'replied', text: 'Your employer pays by Friday.' });
    expect(t[10]).toMatchObject({ kind: 'replied', text: 'Paid in full.' });
    expect(t[8]).toEqual({ at: at('2026-10-21T10:00:00+08:00'), kind: 'rated', resolved: false, satisfaction: 'dissatisfied' });
    expect(t[9]).toMatchObject({ kind: 'reopened', dueAt: eventOf(r, 'reopen')?.detail.dueAt });
  });

  it('reads events stored before reply texts were kept, and names the office of a supervisor’s accept from the assignment before it', () => {
    const base = routedCase();
    const replyAt = at('2026-10-20T10:00:00+08:00');
    const stored: CaseEvent[] = [
      // A supervisor signs for the office: the event names no office of its own.
      { at: at('2026-09-29T11:00:00+08:00'), by: SUPERVISOR, action: 'accept', from: 'assigned', to: 'in_progress', detail: { late: false } },
      { at: replyAt, by: LEGAL, action: 'reply', from: 'in_progress', to: 'replied', detail: { onTime: true } },
    ];
    const r: CaseRecord = { ...base, status: 'replied', reply: { at: replyAt, text: 'kept on the case' }, events: stored };
    const t = publicTimeline(r);
    expect(t.find((s) => s.kind === 'accepted')).toEqual({ at: at('2026-09-29T11:00:00+08:00'), kind: 'accepted', officeId: 'rights' });
    expect(t.find((s) => s.kind === 'replied')).toEqual({ at: replyAt, kind: 'replied', text: 'kept on the case' });
    // A reply whose text is neither on its event nor the reply in force shows empty, never another reply's text.
    const older: CaseRecord = { ...r, reply: { at: replyAt + 1, text: 'a later reply' } };
    expect(publicTimeline(older).find((s) => s.kind === 'replied')).toMatchObject({ text: '' });
  });
});
