import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCalendarYears } from '../../shared/calendar/shipped';
import { WorkingCalendar } from '../../shared/domain/calendar';
import { daysFromCivil, formatDay, parseDay } from '../../shared/domain/time';

const cal = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));

describe('subtractWorkingDays', () => {
  it('is the inverse of addWorkingDays on working days', () => {
    fc.assert(
      fc.property(fc.integer({ min: daysFromCivil(2004, 2, 1), max: daysFromCivil(2027, 12, 1) }), fc.integer({ min: 1, max: 40 }), (d, n) => {
        const day = cal.firstWorkingDayFrom(d);
        const back = cal.subtractWorkingDays(day, n);
        expect(cal.isWorkingDay(back)).toBe(true);
        expect(cal.addWorkingDays(back, n)).toBe(day);
        expect(cal.countWorkingDays(back, day)).toBe(n);
      }),
    );
  });

  it('steps back over Spring Festival 2026 and across a year boundary', () => {
    // 2026-02-24 (Tue) is the first working day after the holiday; 1 before it is the makeup Saturday 02-14.
    expect(formatDay(cal.subtractWorkingDays(parseDay('2026-02-24') ?? 0, 1))).toBe('2026-02-14');
    // 2026-01-05 (Mon): before it, 01-04 is a makeup Sunday, then 2025-12-31 (01-01..03 off).
    expect(formatDay(cal.subtractWorkingDays(parseDay('2026-01-05') ?? 0, 1))).toBe('2026-01-04');
    expect(formatDay(cal.subtractWorkingDays(parseDay('2026-01-05') ?? 0, 2))).toBe('2025-12-31');
    // From a non-working day: the n-th working day before it.
    expect(formatDay(cal.subtractWorkingDays(parseDay('2026-10-04') ?? 0, 1))).toBe('2026-09-30');
  });
});
