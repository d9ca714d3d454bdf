import { describe, expect, it } from 'vitest';
import { shippedCalendarYears } from '../../shared/calendar/shipped';
import { WorkingCalendar } from '../../shared/domain/calendar';
import type { CaseRecord } from '../../shared/domain/case';
import { computeDeadline } from '../../shared/domain/deadline';
import { readStep, stepRank as rankOfStep } from '../../shared/domain/escalation';
import { DEFAULT_ESCALATION_POLICY as policy, dueStep, plannedStep, stateAfter, stepOfRank, workingDaysLeft } from '../../shared/domain/sla';
import { formatShanghai } from '../../shared/domain/time';

const calendar = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));
const at = (iso: string) => Date.parse(iso);

function openCase(receivedAt: string, category: CaseRecord['category'] = 'complaint', urgent = false): Pick<CaseRecord, 'category' | 'urgent' | 'sla' | 'status' | 'office'> {
  const d = computeDeadline(calendar, at(receivedAt), category, urgent);
  return { category, urgent, status: 'assigned', office: 'rights', sla: { ...d, state: 'on_track' } };
}

const when = (c: ReturnType<typeof openCase>, rank: number) => formatShanghai(stepOfRank(policy, calendar, c, rank).at);

describe('escalation steps of a complaint received Monday 2 March 2026 (due Monday 30 March)', () => {
  const c = openCase('2026-03-02T09:30:00+08:00');

  it('is due at the end of 30 March', () => {
    expect(formatShanghai(c.sla.dueAt)).toBe('2026-03-30T23:59:59+08:00');
  });

  it('warns with 3 working days left (from Thursday 26 March), breaches at midnight, reminds at 09:00 each working day', () => {
    expect(when(c, 0)).toBe('2026-03-26T00:00:00+08:00');
    expect(when(c, 1)).toBe('2026-03-31T00:00:00+08:00');
    expect(when(c, 2)).toBe('2026-03-31T09:00:00+08:00');
    expect(when(c, 3)).toBe('2026-04-01T09:00:00+08:00');
    expect(when(c, 4)).toBe('2026-04-02T09:00:00+08:00');
    expect(when(c, 5)).toBe('2026-04-03T09:00:00+08:00');
    // Qingming 2026 is Saturday 4 to Monday 6 April: the next reminder is Tuesday 7 April.
    expect(when(c, 6)).toBe('2026-04-07T09:00:00+08:00');
  });

  it('climbs the ladder: office+head, then supervisor, then the chairman from the 3rd working day overdue', () => {
    expect([0, 1, 2, 3, 4, 5].map((r) => stepOfRank(policy, calendar, c, r).level)).toEqual([1, 2, 2, 2, 3, 3]);
    expect([0, 1, 2, 4].map((r) => stepOfRank(policy, calendar, c, r).id)).toEqual(['warning', 'breach', 'overdue-1', 'overdue-3']);
  });

  it.each([
    ['2026-03-25T23:59:59+08:00', undefined],
    ['2026-03-26T00:00:00+08:00', 'warning'],
    ['2026-03-30T23:59:59+08:00', 'warning'],
    ['2026-03-31T00:00:00+08:00', 'breach'],
    ['2026-03-31T08:59:59+08:00', 'breach'],
    ['2026-03-31T09:00:00+08:00', 'overdue-1'],
    ['2026-04-02T12:00:00+08:00', 'overdue-3'],
    ['2026-04-05T12:00:00+08:00', 'overdue-4'],
    ['2026-04-07T08:00:00+08:00', 'overdue-4'],
    ['2026-04-07T09:00:00+08:00', 'overdue-5'],
  ])('at %s the most severe due step is %s', (now, expected) => {
    expect(dueStep(policy, calendar, c, at(now))?.id).toBe(expected);
  });

  it('plans the step after the last one handled, and nothing once the case is no longer open', () => {
    expect(plannedStep(policy, calendar, c)?.id).toBe('warning');
    expect(plannedStep(policy, calendar, { ...c, sla: { ...c.sla, lastStep: 'warning' } })?.id).toBe('breach');
    expect(plannedStep(policy, calendar, { ...c, sla: { ...c.sla, lastStep: 'overdue-4' } })?.id).toBe('overdue-5');
    expect(plannedStep(policy, calendar, { ...c, status: 'replied' })).toBeUndefined();
    expect(plannedStep(policy, calendar, { ...c, status: 'received', office: undefined })).toBeUndefined();
  });

  it('tells how many working days are left and which state follows', () => {
    // 26, 27 and 30 March, at the warning and still the next morning; the weekend counts nothing.
    expect(workingDaysLeft(calendar, c, at('2026-03-26T00:00:00+08:00'))).toBe(3);
    expect(workingDaysLeft(calendar, c, at('2026-03-26T08:00:00+08:00'))).toBe(3);
    expect(workingDaysLeft(calendar, c, at('2026-03-28T12:00:00+08:00'))).toBe(1);
    expect(stateAfter(stepOfRank(policy, calendar, c, 0))).toBe('due_soon');
    expect(stateAfter(stepOfRank(policy, calendar, c, 3))).toBe('overdue');
  });
});

describe('catch-up and special cases', () => {
  it('a complaint received 25 working days ago is 5 working days overdue: one step, not one per day', () => {
    // Received Fri 2026-10-09: 20 working days later (counting the makeup Saturday 10 Oct) is Thu 5 Nov;
    // Thu 12 Nov afternoon is the 5th working day after it (6, 9, 10, 11, 12).
    const c = openCase('2026-10-09T10:00:00+08:00');
    expect(formatShanghai(c.sla.dueAt)).toBe('2026-11-05T23:59:59+08:00');
    const step = dueStep(policy, calendar, c, at('2026-11-12T15:00:00+08:00'));
    expect(step).toMatchObject({ id: 'overdue-5', level: 3, overdueDays: 5 });
  });

  it('urgent cases are warned 4 hours before the end of their day', () => {
    const c = openCase('2026-03-03T10:00:00+08:00', 'advice', true);
    expect(when(c, 0)).toBe('2026-03-03T19:59:59+08:00');
    expect(when(c, 1)).toBe('2026-03-04T00:00:00+08:00');
  });

  it('advice is warned when 1 working day is left', () => {
    // Received Wed 2026-03-04: due Wed 03-11; warned as Wednesday 03-11 begins.
    const c = openCase('2026-03-04T10:00:00+08:00', 'advice');
    expect(when(c, 0)).toBe('2026-03-11T00:00:00+08:00');
    // Due on a Monday: the warning comes as Saturday begins, with Monday the 1 working day left.
    const monday = openCase('2026-03-23T10:00:00+08:00', 'advice');
    expect(formatShanghai(monday.sla.dueAt)).toBe('2026-03-30T23:59:59+08:00');
    expect(when(monday, 0)).toBe('2026-03-28T00:00:00+08:00');
    expect(workingDaysLeft(calendar, monday, stepOfRank(policy, calendar, monday, 0).at)).toBe(1);
  });

  it('parses step ids and refuses others', () => {
    const stepRank = (id: string) => {
      const step = readStep(id);
      return step && rankOfStep(step);
    };
    expect(['warning', 'breach', 'overdue-1', 'overdue-12'].map(stepRank)).toEqual([0, 1, 2, 13]);
    expect(['overdue-0', 'overdue-', 'later', 'overdue-1x'].map(stepRank)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
