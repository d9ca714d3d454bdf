import { describe, expect, it } from 'vitest';
import { shippedCalendarYears } from '../../shared/calendar/shipped';
import { CalendarDataError, WorkingCalendar } from '../../shared/domain/calendar';
import { computeDeadline, explainDeadline } from '../../shared/domain/deadline';
import { daysFromCivil } from '../../shared/domain/time';

const calendar = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));
const at = (iso: string) => Date.parse(iso);

describe('a deadline explains itself', () => {
  it.each([
    ['2026-09-30T10:00:00+08:00', 'advice', false],
    ['2026-02-13T10:00:00+08:00', 'complaint', false],
    ['2025-12-31T18:00:00+08:00', 'investigation', false],
    ['2026-10-03T09:00:00+08:00', 'advice', true],
    ['2027-06-01T09:00:00+08:00', 'complaint', false],
  ] as const)('received %s (%s, urgent %s): the counted days are the working days allowed, ending on the due day, and every other day is skipped', (received, category, urgent) => {
    const due = computeDeadline(calendar, at(received), category, urgent);
    const why = explainDeadline(calendar, at(received), due.dueAt, urgent);
    expect(why.countedDays).toHaveLength(Math.max(1, due.workingDays));
    expect(why.countedDays.at(-1)?.date).toBe(new Date(due.dueAt + 8 * 3_600_000).toISOString().slice(0, 10));
    const all = [...why.countedDays.map((d) => d.date), ...why.skippedDays.map((d) => d.date)].sort();
    // Every day from the first counted (the day after receipt, or receipt itself when urgent) to the due day, once.
    const first = Date.parse(`${why.receiptDay}T00:00:00Z`) + (urgent ? 0 : 86_400_000);
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10)));
  });

  it('names weekends, holidays with their festival, and makeup working days', () => {
    expect(calendar.dayKind(daysFromCivil(2026, 10, 1))).toEqual({ working: false, kind: 'holiday', festival: 'national_day' });
    expect(calendar.dayKind(daysFromCivil(2026, 10, 10))).toEqual({ working: true, kind: 'makeup', festival: 'national_day' });
    expect(calendar.dayKind(daysFromCivil(2026, 10, 11))).toEqual({ working: false, kind: 'weekend' });
    expect(calendar.dayKind(daysFromCivil(2026, 10, 12))).toEqual({ working: true, kind: 'workday' });
    expect(calendar.dayKind(daysFromCivil(2015, 9, 3))).toEqual({ working: false, kind: 'holiday', festival: 'victory_day' });
  });

  it('an uploaded year without festival names still explains its holidays, unnamed', () => {
    const c = new WorkingCalendar([{ year: 2027, holidays: ['2027-01-01'], workdays: [], source: 'override' }]);
    expect(c.dayKind(daysFromCivil(2027, 1, 1))).toEqual({ working: false, kind: 'holiday' });
  });

  it('refuses a festival named on a day that is neither a holiday nor a makeup working day', () => {
    expect(() => new WorkingCalendar([{ year: 2027, holidays: ['2027-01-01'], workdays: [], festivals: { '2027-01-04': 'new_year' }, source: 'override' }])).toThrow(CalendarDataError);
  });
});
