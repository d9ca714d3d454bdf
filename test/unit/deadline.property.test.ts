import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { WorkingCalendar } from '../../shared/domain/calendar';
import { computeDeadline } from '../../shared/domain/deadline';
import { shippedCalendarYears } from '../../shared/calendar/shipped';
import type { Category } from '../../shared/domain/case';

// ---------------------------------------------------------------------------------------------
// Independent naive oracle. Days are represented as day numbers (days since 1970-01-01) but every
// civil-date computation goes through Date in UTC, never through shared/domain/time.ts.
// ---------------------------------------------------------------------------------------------
const DAY = 86_400_000;
const OFFSET = 8 * 3_600_000;

const shipped = shippedCalendarYears();
const HOLIDAYS = new Set(shipped.flatMap((y) => y.holidays));
const WORKDAYS = new Set(shipped.flatMap((y) => y.workdays));
const SHIPPED_YEARS = new Set(shipped.map((y) => y.year));

const calendar = new WorkingCalendar(shipped.map((y) => ({ ...y, source: 'shipped' as const })));

const isoOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
const yearOfDay = (day: number): number => new Date(day * DAY).getUTCFullYear();
const dayOfIso = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY;
/** The Shanghai civil date of an instant: the UTC date of the +08:00 wall clock. */
const receiptDayOf = (t: number): number => dayOfIso(new Date(t + OFFSET).toISOString().slice(0, 10));

function oracleIsWorking(day: number): boolean {
  const iso = isoOf(day);
  if (WORKDAYS.has(iso)) return true;
  if (HOLIDAYS.has(iso)) return false;
  const wd = new Date(day * DAY).getUTCDay();
  return wd !== 0 && wd !== 6;
}

/** Working days in (from, to], counted one day at a time. */
function oracleCount(from: number, to: number): number {
  let n = 0;
  for (let d = from + 1; d <= to; d++) if (oracleIsWorking(d)) n++;
  return n;
}

/** The n-th working day strictly after `day`, one day at a time. */
function oracleNth(day: number, n: number): number {
  let d = day;
  let seen = 0;
  while (seen < n) {
    d++;
    if (oracleIsWorking(d)) seen++;
  }
  return d;
}

function oracleEstimated(from: number, to: number): boolean {
  for (let d = from; d <= to; d++) if (!SHIPPED_YEARS.has(yearOfDay(d))) return true;
  return false;
}

/** The due day of a dueAt, after checking that dueAt is exactly 23:59:59.000 +08:00. */
function dueDayOf(dueAt: number): number {
  const wall = new Date(dueAt + OFFSET).toISOString();
  expect(wall.slice(10)).toBe('T23:59:59.000Z');
  return dayOfIso(wall.slice(0, 10));
}

const N: Record<Category, number> = { advice: 5, complaint: 20, investigation: 30 };

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------
/** 2004-01-01 00:00:00.000 +08:00 … 2026-10-31 23:59:59.999 +08:00: every deadline stays inside shipped data. */
const shippedRange = fc.integer({ min: Date.parse('2004-01-01T00:00:00+08:00'), max: Date.parse('2026-10-31T23:59:59.999+08:00') });
/** 2026-11-01 … 2028-12-31 (+08:00): deadlines cross into 2027/2028, which have no shipped data. */
const estimatedRange = fc.integer({ min: Date.parse('2026-11-01T00:00:00+08:00'), max: Date.parse('2028-12-31T23:59:59.999+08:00') });
/** Instants near Shanghai midnight, where UTC and Shanghai dates differ. */
const nearMidnight = (range: fc.Arbitrary<number>) =>
  fc.tuple(range, fc.integer({ min: -2000, max: 2000 })).map(([t, jitter]) => Math.floor((t + OFFSET) / DAY) * DAY - OFFSET + jitter);
const categoryArb = fc.constantFrom<Category>('advice', 'complaint', 'investigation');

const ranges = [
  ['2004-01-01..2026-10-31 (shipped data)', fc.oneof(shippedRange, nearMidnight(shippedRange))],
  ['2026-11-01..2028-12-31 (crossing into estimated years)', fc.oneof(estimatedRange, nearMidnight(estimatedRange))],
] as const;

const RUNS = 500;

describe.each(ranges)('computeDeadline over %s', (_label, instantArb) => {
  it('the due day is a working day and dueAt is exactly 23:59:59 +08:00 of it', () => {
    fc.assert(
      fc.property(instantArb, categoryArb, fc.boolean(), (t, category, urgent) => {
        const { dueAt } = computeDeadline(calendar, t, category, urgent);
        const due = dueDayOf(dueAt);
        expect(oracleIsWorking(due)).toBe(true);
        expect(dueAt).toBe(Date.parse(`${isoOf(due)}T23:59:59+08:00`));
        // Never before the receipt day (an urgent case received after 23:59:59 on a working day is due that same second).
        expect(due).toBeGreaterThanOrEqual(receiptDayOf(t));
        if (!urgent) expect(dueAt).toBeGreaterThan(t);
      }),
      { numRuns: RUNS },
    );
  });

  it('non-urgent: exactly N working days lie in (receipt day, due day] and the due day is the N-th', () => {
    fc.assert(
      fc.property(instantArb, categoryArb, (t, category) => {
        const d = computeDeadline(calendar, t, category, false);
        const receipt = receiptDayOf(t);
        const due = dueDayOf(d.dueAt);
        expect(d.workingDays).toBe(N[category]);
        expect(due).toBeGreaterThan(receipt);
        expect(oracleCount(receipt, due)).toBe(N[category]);
        // No earlier day already has N working days after the receipt day.
        expect(oracleCount(receipt, due - 1)).toBe(N[category] - 1);
        expect(due).toBe(oracleNth(receipt, N[category]));
      }),
      { numRuns: RUNS },
    );
  });

  it('urgent: the receipt day when it is a working day, else the first working day after it', () => {
    fc.assert(
      fc.property(instantArb, categoryArb, (t, category) => {
        const d = computeDeadline(calendar, t, category, true);
        const receipt = receiptDayOf(t);
        const due = dueDayOf(d.dueAt);
        expect(d.workingDays).toBe(0);
        expect(due).toBe(oracleIsWorking(receipt) ? receipt : oracleNth(receipt, 1));
        for (let day = receipt; day < due; day++) expect(oracleIsWorking(day)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('monotonic: a later receipt never gets an earlier deadline', () => {
    fc.assert(
      fc.property(instantArb, instantArb, categoryArb, fc.boolean(), (a, b, category, urgent) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const de = computeDeadline(calendar, early, category, urgent);
        const dl = computeDeadline(calendar, late, category, urgent);
        expect(dl.dueAt).toBeGreaterThanOrEqual(de.dueAt);
      }),
      { numRuns: RUNS },
    );
  });

  it('monotonic for receipts one day / one millisecond apart', () => {
    fc.assert(
      fc.property(instantArb, fc.constantFrom(1, 1000, DAY), categoryArb, fc.boolean(), (t, step, category, urgent) => {
        const a = computeDeadline(calendar, t, category, urgent);
        const b = computeDeadline(calendar, t + step, category, urgent);
        expect(b.dueAt).toBeGreaterThanOrEqual(a.dueAt);
      }),
      { numRuns: RUNS },
    );
  });

  it('calendarEstimated iff a day the count depends on lies in a year without data', () => {
    fc.assert(
      fc.property(instantArb, categoryArb, fc.boolean(), (t, category, urgent) => {
        const d = computeDeadline(calendar, t, category, urgent);
        const receipt = receiptDayOf(t);
        const due = dueDayOf(d.dueAt);
        expect(d.calendarEstimated).toBe(urgent ? oracleEstimated(receipt, due) : oracleEstimated(receipt + 1, due));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('computeDeadline with shipped data only', () => {
  it('is never estimated for receipts up to 2026-10-31', () => {
    fc.assert(
      fc.property(shippedRange, categoryArb, fc.boolean(), (t, category, urgent) => {
        expect(computeDeadline(calendar, t, category, urgent).calendarEstimated).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('is always estimated for receipts in 2027–2028', () => {
    const range = fc.integer({ min: Date.parse('2027-01-01T00:00:00+08:00'), max: Date.parse('2028-12-31T23:59:59.999+08:00') });
    fc.assert(
      fc.property(range, categoryArb, fc.boolean(), (t, category, urgent) => {
        expect(computeDeadline(calendar, t, category, urgent).calendarEstimated).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('WorkingCalendar against the naive oracle', () => {
  it('shipped data covers exactly 2004–2026', () => {
    expect([...SHIPPED_YEARS].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    expect(calendar.knownYears()).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    expect(calendar.source(2026)).toBe('shipped');
    expect(calendar.source(2027)).toBe('estimated');
  });

  it('isWorkingDay equals the oracle for every day 2004–2027', () => {
    const first = dayOfIso('2004-01-01');
    const last = dayOfIso('2027-12-31');
    const mismatches: string[] = [];
    for (let d = first; d <= last; d++) if (calendar.isWorkingDay(d) !== oracleIsWorking(d)) mismatches.push(isoOf(d));
    expect(mismatches).toEqual([]);
  });

  it('countWorkingDays(from, to) equals the naive count (2000–2030)', () => {
    const dayArb = fc.integer({ min: dayOfIso('2000-01-01'), max: dayOfIso('2030-12-31') });
    fc.assert(
      fc.property(dayArb, dayArb, (from, to) => {
        expect(calendar.countWorkingDays(from, to)).toBe(oracleCount(from, to));
      }),
      { numRuns: 300 },
    );
  });

  it('countWorkingDays over short spans equals the naive count', () => {
    const dayArb = fc.integer({ min: dayOfIso('2003-12-01'), max: dayOfIso('2028-01-31') });
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -3, max: 60 }), (from, span) => {
        expect(calendar.countWorkingDays(from, from + span)).toBe(oracleCount(from, from + span));
      }),
      { numRuns: 2000 },
    );
  });

  it('addWorkingDays(day, n) equals the naive n-th working day', () => {
    const dayArb = fc.integer({ min: dayOfIso('2003-06-01'), max: dayOfIso('2028-06-30') });
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 1, max: 400 }), (day, n) => {
        expect(calendar.addWorkingDays(day, n)).toBe(oracleNth(day, n));
      }),
      { numRuns: 1000 },
    );
  });

  it('countWorkingDays is correct across 1900 (far from shipped data, weekends only)', () => {
    // Weekends-only years: 1899-12-29 was a Friday, 1900-01-01 a Monday, 1900-01-02 a Tuesday.
    // (1899-12-29, 1900-01-02] = Sat, Sun, Mon, Tue → 2 working days.
    expect(calendar.countWorkingDays(dayOfIso('1899-12-29'), dayOfIso('1900-01-02'))).toBe(2);
    expect(calendar.countWorkingDays(dayOfIso('1898-12-30'), dayOfIso('1899-01-02'))).toBe(oracleCount(dayOfIso('1898-12-30'), dayOfIso('1899-01-02')));
  });
});
