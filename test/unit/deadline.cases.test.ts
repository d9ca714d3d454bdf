import { describe, it, expect } from 'vitest';
import { WorkingCalendar, type CalendarSource } from '../../shared/domain/calendar';
import { computeDeadline } from '../../shared/domain/deadline';
import { shippedCalendarYears } from '../../shared/calendar/shipped';
import { formatShanghai } from '../../shared/domain/time';
import type { Category } from '../../shared/domain/case';

/*
 * Hand-checked deadlines from the official schedules (State Council notices, as shipped):
 * 2025: New Year off 01-01 (Wed). Spring Festival off 01-28 (Tue)..02-04 (Tue), makeup Sun 01-26 and Sat 02-08.
 *       Qingming off 04-04..04-06. National Day + Mid-Autumn off 10-01 (Wed)..10-08 (Wed), makeup Sun 09-28 and Sat 10-11.
 * 2026: New Year off 01-01 (Thu)..01-03, makeup Sun 01-04. Spring Festival off 02-15 (Sun)..02-23 (Mon), makeup
 *       Sat 02-14 and Sat 02-28. Qingming off 04-04..04-06. Mid-Autumn off 09-25 (Fri)..09-27.
 *       National Day off 10-01 (Thu)..10-07, makeup Sun 09-20 and Sat 10-10. No holidays in November/December.
 * 2027: no shipped data → weekends only, flagged as estimated. 2027-01-01 is a Friday.
 * Every "(k)" below is the k-th counted working day; the receipt day itself is never counted.
 */

const shipped = shippedCalendarYears();
const calendar = new WorkingCalendar(shipped.map((y) => ({ ...y, source: 'shipped' as const })));
/** Shipped data plus an override for 2027 in which only New Year's Day is a holiday. */
const with2027 = new WorkingCalendar([
  ...shipped.map((y) => ({ ...y, source: 'shipped' as const })),
  { year: 2027, holidays: ['2027-01-01'], workdays: [], source: 'override' as const },
]);

function check(
  receivedAt: string,
  category: Category,
  urgent: boolean,
  expectedDueDay: string,
  expectedEstimated = false,
  cal: WorkingCalendar = calendar,
): void {
  const d = computeDeadline(cal, Date.parse(receivedAt), category, urgent);
  expect(formatShanghai(d.dueAt)).toBe(`${expectedDueDay}T23:59:59+08:00`);
  expect(d.dueAt).toBe(Date.parse(`${expectedDueDay}T23:59:59+08:00`));
  expect(d.workingDays).toBe(urgent ? 0 : { advice: 5, complaint: 20, investigation: 30 }[category]);
  expect(d.calendarEstimated).toBe(expectedEstimated);
}

describe('Spring Festival 2025', () => {
  it('received Mon 2025-01-27, the last working day before the break', () => {
    // (1) 02-05 (2) 02-06 (3) 02-07 (4) Sat 02-08 makeup (5) Mon 02-10.
    check('2025-01-27T10:00:00+08:00', 'advice', false, '2025-02-10');
    // … (6) 02-11 (7) 02-12 (8) 02-13 (9) 02-14 (10) 02-17 … (14) 02-21 (15) 02-24 … (19) 02-28 (20) Mon 03-03.
    check('2025-01-27T10:00:00+08:00', 'complaint', false, '2025-03-03');
    // … (21) 03-04 (22) 03-05 (23) 03-06 (24) 03-07 (25) 03-10 … (29) 03-14 (30) Mon 03-17.
    check('2025-01-27T10:00:00+08:00', 'investigation', false, '2025-03-17');
  });

  it('received Fri 2025-01-24, the Friday before the makeup Sunday 01-26', () => {
    // (1) Sun 01-26 makeup (2) Mon 01-27, break 01-28..02-04, (3) 02-05 (4) 02-06 (5) Fri 02-07.
    check('2025-01-24T09:00:00+08:00', 'advice', false, '2025-02-07');
    // … (6) Sat 02-08 makeup (7) 02-10 … (11) 02-14 (12) 02-17 … (16) 02-21 (17) 02-24 (18) 02-25 (19) 02-26 (20) Thu 02-27.
    check('2025-01-24T09:00:00+08:00', 'complaint', false, '2025-02-27');
    // … (21) Fri 02-28 (22) 03-03 … (26) 03-07 (27) 03-10 (28) 03-11 (29) 03-12 (30) Thu 03-13.
    check('2025-01-24T09:00:00+08:00', 'investigation', false, '2025-03-13');
  });

  it('received ON a holiday (Thu 2025-01-30) counts from the first working day after the break', () => {
    // (1) 02-05 (2) 02-06 (3) 02-07 (4) Sat 02-08 makeup (5) Mon 02-10 — same as a receipt on 01-27.
    check('2025-01-30T14:00:00+08:00', 'advice', false, '2025-02-10');
    // Last day of the break (Tue 02-04) gives the same count.
    check('2025-02-04T23:00:00+08:00', 'advice', false, '2025-02-10');
  });

  it('received on a makeup working day: counting starts the next day', () => {
    // Received Sun 01-26 (makeup, not counted): (1) Mon 01-27 (2) 02-05 (3) 02-06 (4) 02-07 (5) Sat 02-08 makeup.
    check('2025-01-26T11:00:00+08:00', 'advice', false, '2025-02-08');
    // Received Sat 02-08 (makeup, not counted): (1) 02-10 (2) 02-11 (3) 02-12 (4) 02-13 (5) Fri 02-14.
    check('2025-02-08T11:00:00+08:00', 'advice', false, '2025-02-14');
  });
});

describe('National Day 2025', () => {
  it('received Fri 2025-09-26, the Friday before the makeup Sunday 09-28', () => {
    // (1) Sun 09-28 makeup (2) 09-29 (3) 09-30, break 10-01..10-08, (4) Thu 10-09 (5) Fri 10-10.
    check('2025-09-26T16:30:00+08:00', 'advice', false, '2025-10-10');
    // … (6) Sat 10-11 makeup (7) 10-13 … (11) 10-17 (12) 10-20 … (16) 10-24 (17) 10-27 (18) 10-28 (19) 10-29 (20) Thu 10-30.
    check('2025-09-26T16:30:00+08:00', 'complaint', false, '2025-10-30');
  });
});

describe('Spring Festival 2026', () => {
  it('received Fri 2026-02-13, the day before the makeup Saturday 02-14', () => {
    // (1) Sat 02-14 makeup, break 02-15..02-23, (2) 02-24 (3) 02-25 (4) 02-26 (5) Fri 02-27.
    check('2026-02-13T10:00:00+08:00', 'advice', false, '2026-02-27');
    // … (6) Sat 02-28 makeup (7) 03-02 … (11) 03-06 (12) 03-09 … (16) 03-13 (17) 03-16 (18) 03-17 (19) 03-18 (20) Thu 03-19.
    check('2026-02-13T10:00:00+08:00', 'complaint', false, '2026-03-19');
    // … (21) 03-20 (22) 03-23 … (26) 03-27 (27) 03-30 (28) 03-31 (29) Wed 04-01 (30) Thu 04-02 (Qingming starts 04-04).
    check('2026-02-13T10:00:00+08:00', 'investigation', false, '2026-04-02');
  });

  it('received Thu 2026-02-12', () => {
    // (1) Fri 02-13 (2) Sat 02-14 makeup (3) 02-24 (4) 02-25 (5) Thu 02-26.
    check('2026-02-12T10:00:00+08:00', 'advice', false, '2026-02-26');
  });

  it('received ON a holiday (Wed 2026-02-18)', () => {
    // (1) Tue 02-24 (2) 02-25 (3) 02-26 (4) 02-27 (5) Sat 02-28 makeup.
    check('2026-02-18T08:00:00+08:00', 'advice', false, '2026-02-28');
  });

  it('received on the makeup Saturday 2026-02-14 (not counted itself)', () => {
    // (1) Tue 02-24 (2) 02-25 (3) 02-26 (4) 02-27 (5) Sat 02-28 makeup.
    check('2026-02-14T10:00:00+08:00', 'advice', false, '2026-02-28');
  });
});

describe('New Year and autumn 2026', () => {
  it('received Wed 2025-12-31, across the New Year break into 2026', () => {
    // Break 01-01..01-03, (1) Sun 01-04 makeup (2) 01-05 (3) 01-06 (4) 01-07 (5) Thu 01-08; both years shipped.
    check('2025-12-31T12:00:00+08:00', 'advice', false, '2026-01-08');
  });

  it('received Fri 2026-09-18, the Friday before the makeup Sunday 09-20', () => {
    // (1) Sun 09-20 makeup (2) 09-21 (3) 09-22 (4) 09-23 (5) Thu 09-24.
    check('2026-09-18T10:00:00+08:00', 'advice', false, '2026-09-24');
    // Mid-Autumn 09-25..27 off, (6) 09-28 (7) 09-29 (8) 09-30, National Day 10-01..07 off, (9) 10-08 (10) 10-09
    // (11) Sat 10-10 makeup (12) 10-12 … (16) 10-16 (17) 10-19 (18) 10-20 (19) 10-21 (20) Thu 10-22.
    check('2026-09-18T10:00:00+08:00', 'complaint', false, '2026-10-22');
  });
});

describe('timezone edge: the Shanghai date decides the receipt day', () => {
  it('23:59:59 +08:00 and 00:00:00 +08:00 the next day are on different receipt days', () => {
    // 2026-02-12T15:59:59Z = Thu 02-12 23:59:59 in Shanghai → receipt day 02-12 → (5) Thu 02-26.
    check('2026-02-12T15:59:59Z', 'advice', false, '2026-02-26');
    // 2026-02-12T16:00:00Z is still Feb 12 in UTC but Fri 02-13 00:00 in Shanghai → receipt day 02-13 → (5) Fri 02-27.
    check('2026-02-12T16:00:00Z', 'advice', false, '2026-02-27');
    // Same instants written in +08:00.
    check('2026-02-12T23:59:59+08:00', 'advice', false, '2026-02-26');
    check('2026-02-13T00:00:00+08:00', 'advice', false, '2026-02-27');
  });

  it('an instant late on the UTC day before a holiday already falls on the holiday in Shanghai (urgent)', () => {
    // 2026-02-14T16:30:00Z = Sun 02-15 00:30 in Shanghai (holiday) → urgent due the first working day, Tue 02-24.
    check('2026-02-14T16:30:00Z', 'advice', true, '2026-02-24');
    // 2026-02-14T15:30:00Z = Sat 02-14 23:30 in Shanghai (makeup working day) → urgent due that same day.
    check('2026-02-14T15:30:00Z', 'advice', true, '2026-02-14');
  });
});

describe('urgent cases', () => {
  it('on a holiday: the end of the next working day', () => {
    // Wed 2026-02-18 is inside the Spring Festival break → first working day Tue 02-24.
    check('2026-02-18T09:00:00+08:00', 'complaint', true, '2026-02-24');
    // Wed 2025-10-01 is inside the National Day break (10-01..10-08) → Thu 10-09.
    check('2025-10-01T09:00:00+08:00', 'investigation', true, '2025-10-09');
  });

  it('on a makeup weekend day: that same day', () => {
    // Sat 2026-02-14 is a makeup working day.
    check('2026-02-14T09:00:00+08:00', 'advice', true, '2026-02-14');
    // Sun 2025-01-26 is a makeup working day.
    check('2025-01-26T20:00:00+08:00', 'complaint', true, '2025-01-26');
  });

  it('on a normal weekday: that same day; on a normal weekend: the Monday', () => {
    // Tue 2026-03-10 is an ordinary working day.
    check('2026-03-10T09:00:00+08:00', 'advice', true, '2026-03-10');
    // Sat 2026-03-07 is an ordinary weekend → Mon 03-09.
    check('2026-03-07T09:00:00+08:00', 'advice', true, '2026-03-09');
    // Sat 2025-01-25 → the next working day is the makeup Sunday 01-26.
    check('2025-01-25T09:00:00+08:00', 'advice', true, '2025-01-26');
  });

  it('late on the last day of 2026 vs the first day of 2027', () => {
    // Thu 2026-12-31 is a working day in shipped data → same day, not estimated.
    check('2026-12-31T23:30:00+08:00', 'advice', true, '2026-12-31');
    // Fri 2027-01-01 has no data → a weekday, so a working day by estimate → same day, estimated.
    check('2027-01-01T00:00:00+08:00', 'advice', true, '2027-01-01', true);
    // With the 2027 override, 01-01 is a holiday and 01-02/03 a weekend → Mon 01-04, no longer estimated.
    check('2027-01-01T00:00:00+08:00', 'advice', true, '2027-01-04', false, with2027);
  });
});

describe('deadlines crossing into 2027 (no shipped data)', () => {
  it('a deadline inside 2026 is not estimated', () => {
    // Received Mon 12-21: (1) 12-22 (2) 12-23 (3) 12-24 (4) 12-25 (5) Mon 12-28.
    check('2026-12-21T10:00:00+08:00', 'advice', false, '2026-12-28');
    // Received Thu 12-24: (1) 12-25 (2) 12-28 (3) 12-29 (4) 12-30 (5) Thu 12-31 — the last day of 2026, still shipped.
    check('2026-12-24T10:00:00+08:00', 'advice', false, '2026-12-31');
    // Received Mon 11-16: (1) 11-17 … (10) 11-30 (11) 12-01 … (20) 12-14 … (29) 12-25 (30) Mon 12-28.
    check('2026-11-16T10:00:00+08:00', 'investigation', false, '2026-12-28');
  });

  it('a deadline crossing 2026→2027 is estimated', () => {
    // Received Mon 12-28: (1) 12-29 (2) 12-30 (3) 12-31 (4) Fri 2027-01-01 (weekday, no data) (5) Mon 01-04.
    check('2026-12-28T10:00:00+08:00', 'advice', false, '2027-01-04', true);
    // Received Mon 12-07: (1) 12-08 … (18) 12-31 (19) Fri 2027-01-01 (20) Mon 01-04.
    check('2026-12-07T10:00:00+08:00', 'complaint', false, '2027-01-04', true);
    // Received Thu 12-31 (itself shipped, but not counted): (1) 01-01 (2) 01-04 (3) 01-05 (4) 01-06 (5) Thu 01-07.
    check('2026-12-31T10:00:00+08:00', 'advice', false, '2027-01-07', true);
  });

  it("an 'override' year for 2027 changes the crossing deadline and clears the estimate", () => {
    // 01-01 is now a holiday: (1) 12-29 (2) 12-30 (3) 12-31 (4) Mon 01-04 (5) Tue 01-05.
    check('2026-12-28T10:00:00+08:00', 'advice', false, '2027-01-05', false, with2027);
    // (18) 12-31, 01-01 off, (19) Mon 01-04 (20) Tue 01-05.
    check('2026-12-07T10:00:00+08:00', 'complaint', false, '2027-01-05', false, with2027);
    // (1) Mon 01-04 (2) 01-05 (3) 01-06 (4) 01-07 (5) Fri 01-08.
    check('2026-12-31T10:00:00+08:00', 'advice', false, '2027-01-08', false, with2027);
    // Deadlines inside 2026 are unaffected by the override.
    check('2026-12-24T10:00:00+08:00', 'advice', false, '2026-12-31', false, with2027);
  });

  it('a receipt day without data does not make a non-urgent deadline estimated (it is not counted)', () => {
    // Received Wed 2003-12-31 (2003 has no data): 2004-01-01 off, (1) Fri 01-02 (2) Mon 01-05 (3) 01-06 (4) 01-07 (5) Thu 01-08.
    check('2003-12-31T10:00:00+08:00', 'advice', false, '2004-01-08', false);
    // Urgent depends on the receipt day itself: Wed 2003-12-31 is a weekday by estimate → same day, estimated.
    check('2003-12-31T10:00:00+08:00', 'advice', true, '2003-12-31', true);
  });

  it('the override is visible through the calendar API', () => {
    const sources: CalendarSource[] = [with2027.source(2026), with2027.source(2027), with2027.source(2028), calendar.source(2027)];
    expect(sources).toEqual(['shipped', 'override', 'estimated', 'estimated']);
    expect(with2027.year(2027)).toEqual({ year: 2027, holidays: ['2027-01-01'], workdays: [], source: 'override' });
  });

  it('a later entry for a shipped year replaces it', () => {
    // 2026 overridden with no holidays at all: received Fri 02-13 → (1) Mon 02-16 (2) 02-17 (3) 02-18 (4) 02-19 (5) Fri 02-20.
    const flat2026 = new WorkingCalendar([
      ...shipped.map((y) => ({ ...y, source: 'shipped' as const })),
      { year: 2026, holidays: [], workdays: [], source: 'override' as const },
    ]);
    check('2026-02-13T10:00:00+08:00', 'advice', false, '2026-02-20', false, flat2026);
    // Urgent on Sat 02-14: no longer a makeup day → Mon 02-16.
    check('2026-02-14T10:00:00+08:00', 'advice', true, '2026-02-16', false, flat2026);
    expect(flat2026.source(2026)).toBe('override');
  });
});
