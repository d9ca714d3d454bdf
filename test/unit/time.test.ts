import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DAY_MS,
  civilFromDays,
  daysFromCivil,
  endOfShanghaiDay,
  formatDay,
  formatShanghai,
  parseDay,
  shanghaiDayOf,
  startOfShanghaiDay,
  weekdayOf,
  yearOf,
} from '../../shared/domain/time';

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number): number =>
  [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? Number.NaN;

/** Independent reference: the proleptic Gregorian day number via Date (setUTCFullYear handles years < 100 and negative years). */
const refDayNumber = (y: number, m: number, d: number): number => {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return Math.round(t.getTime() / DAY_MS);
};

/** A valid (year, month, day) over a wide range of years, including BCE (astronomical) years and leap days. */
const civilArb = fc
  .record({ y: fc.integer({ min: -4000, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => ({ y, m, d: Math.min(d, daysInMonth(y, m)) }));

describe('daysFromCivil / civilFromDays', () => {
  it('anchors 1970-01-01 at day 0 and agrees with known values', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    expect(daysFromCivil(2000, 3, 1)).toBe(11_017);
    expect(daysFromCivil(2026, 1, 1)).toBe(20_454);
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    expect(civilFromDays(0)).toEqual({ year: 1970, month: 1, day: 1 });
    expect(civilFromDays(20_454)).toEqual({ year: 2026, month: 1, day: 1 });
  });

  it('handles leap days (400-year rule)', () => {
    expect(civilFromDays(daysFromCivil(2024, 2, 29))).toEqual({ year: 2024, month: 2, day: 29 });
    expect(civilFromDays(daysFromCivil(2000, 2, 29))).toEqual({ year: 2000, month: 2, day: 29 });
    // 1900 and 2100 are not leap years: the day after Feb 28 is Mar 1.
    expect(daysFromCivil(1900, 3, 1) - daysFromCivil(1900, 2, 28)).toBe(1);
    expect(daysFromCivil(2100, 3, 1) - daysFromCivil(2100, 2, 28)).toBe(1);
    expect(daysFromCivil(2000, 3, 1) - daysFromCivil(2000, 2, 28)).toBe(2);
    expect(daysFromCivil(2027, 1, 1) - daysFromCivil(2026, 1, 1)).toBe(365);
    expect(daysFromCivil(2025, 1, 1) - daysFromCivil(2024, 1, 1)).toBe(366);
  });

  it('civil → day → civil round-trips and matches Date for any valid date', () => {
    fc.assert(
      fc.property(civilArb, ({ y, m, d }) => {
        const day = daysFromCivil(y, m, d);
        expect(day).toBe(refDayNumber(y, m, d));
        expect(civilFromDays(day)).toEqual({ year: y, month: m, day: d });
      }),
      { numRuns: 2000 },
    );
  });

  it('day → civil → day round-trips over a wide range including negative day numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3_000_000, max: 3_000_000 }), (day) => {
        const c = civilFromDays(day);
        expect(c.month).toBeGreaterThanOrEqual(1);
        expect(c.month).toBeLessThanOrEqual(12);
        expect(c.day).toBeGreaterThanOrEqual(1);
        expect(c.day).toBeLessThanOrEqual(daysInMonth(c.year, c.month));
        expect(daysFromCivil(c.year, c.month, c.day)).toBe(day);
      }),
      { numRuns: 2000 },
    );
  });

  it('consecutive day numbers are consecutive civil dates', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (day) => {
        const a = civilFromDays(day);
        const b = civilFromDays(day + 1);
        if (a.day < daysInMonth(a.year, a.month)) expect(b).toEqual({ ...a, day: a.day + 1 });
        else if (a.month < 12) expect(b).toEqual({ year: a.year, month: a.month + 1, day: 1 });
        else expect(b).toEqual({ year: a.year + 1, month: 1, day: 1 });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('weekdayOf', () => {
  it.each([
    ['1970-01-01', 4], // Thursday
    ['1969-12-31', 3], // Wednesday (negative day number)
    ['1900-01-01', 1], // Monday
    ['1600-03-01', 3], // Wednesday
    ['2000-01-01', 6], // Saturday
    ['2024-02-29', 4], // Thursday
    ['2025-01-26', 0], // Sunday (a makeup working day)
    ['2026-01-01', 4], // Thursday
    ['2026-02-14', 6], // Saturday
    ['2027-01-01', 5], // Friday
  ] as const)('%s is weekday %i', (text, expected) => {
    const [y, m, d] = text.split('-').map(Number) as [number, number, number];
    expect(weekdayOf(daysFromCivil(y, m, d))).toBe(expected);
  });

  it('matches Date#getUTCDay everywhere', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (day) => {
        expect(weekdayOf(day)).toBe(new Date(day * DAY_MS).getUTCDay());
      }),
    );
  });
});

describe('parseDay / formatDay', () => {
  it('parses real dates', () => {
    expect(parseDay('1970-01-01')).toBe(0);
    expect(parseDay('2026-01-01')).toBe(20_454);
    expect(parseDay('2024-02-29')).toBe(daysFromCivil(2024, 2, 29));
    expect(parseDay('2000-02-29')).toBe(daysFromCivil(2000, 2, 29));
    expect(parseDay('2026-12-31')).toBe(daysFromCivil(2026, 12, 31));
  });

  it.each([
    '2026-02-29', // 2026 is not a leap year
    '1900-02-29', // century, not divisible by 400
    '2100-02-29',
    '2026-13-01', // month 13
    '2026-00-10', // month 0
    '2026-04-31', // April has 30 days
    '2026-01-00', // day 0
    '2026-01-32',
    '2026-1-1', // not zero-padded
    '2026-01-1',
    '26-01-01',
    '2026/01/01',
    '2026-01-01T00:00:00',
    ' 2026-01-01',
    '2026-01-01 ',
    '',
    'garbage',
    'yyyy-mm-dd',
  ])('rejects %j', (text) => {
    expect(parseDay(text)).toBeUndefined();
  });

  it('formatDay zero-pads and round-trips with parseDay', () => {
    expect(formatDay(0)).toBe('1970-01-01');
    expect(formatDay(daysFromCivil(2026, 2, 3))).toBe('2026-02-03');
    expect(formatDay(daysFromCivil(999, 1, 9))).toBe('0999-01-09');
    fc.assert(
      fc.property(fc.integer({ min: daysFromCivil(1000, 1, 1), max: daysFromCivil(9999, 12, 31) }), (day) => {
        const text = formatDay(day);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(text).toBe(new Date(day * DAY_MS).toISOString().slice(0, 10));
        expect(parseDay(text)).toBe(day);
      }),
    );
  });
});

describe('Shanghai instants', () => {
  it('shanghaiDayOf switches day at 16:00 UTC (midnight +08:00)', () => {
    const nye = daysFromCivil(2025, 12, 31);
    // 2025-12-31T15:59:59.999Z is 2025-12-31 23:59:59.999 in Shanghai.
    expect(shanghaiDayOf(Date.parse('2025-12-31T15:59:59.999Z'))).toBe(nye);
    // 2025-12-31T16:00:00Z is already 2026-01-01 00:00 in Shanghai, although still Dec 31 in UTC.
    expect(shanghaiDayOf(Date.parse('2025-12-31T16:00:00Z'))).toBe(nye + 1);
    expect(formatDay(shanghaiDayOf(Date.parse('2025-12-31T16:00:00Z')))).toBe('2026-01-01');
    // 2026-01-01T15:59:59Z is 23:59:59 on Jan 1 in Shanghai; a second later it is Jan 2.
    expect(shanghaiDayOf(Date.parse('2026-01-01T15:59:59Z'))).toBe(nye + 1);
    expect(shanghaiDayOf(Date.parse('2026-01-01T16:00:00Z'))).toBe(nye + 2);
    // Early UTC morning is the same civil day in Shanghai.
    expect(shanghaiDayOf(Date.parse('2026-01-01T00:00:00Z'))).toBe(nye + 1);
    // Before the epoch.
    expect(shanghaiDayOf(Date.parse('1969-12-31T15:59:59Z'))).toBe(-1);
    expect(shanghaiDayOf(Date.parse('1969-12-31T16:00:00Z'))).toBe(0);
  });

  it('shanghaiDayOf agrees with the date of the +08:00 wall clock', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (t) => {
        const wall = new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
        expect(formatDay(shanghaiDayOf(t))).toBe(wall);
        expect(startOfShanghaiDay(shanghaiDayOf(t))).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(startOfShanghaiDay(shanghaiDayOf(t) + 1));
      }),
    );
  });

  it('endOfShanghaiDay / startOfShanghaiDay', () => {
    const day = daysFromCivil(2026, 11, 27);
    expect(endOfShanghaiDay(day)).toBe(Date.parse('2026-11-27T23:59:59+08:00'));
    expect(startOfShanghaiDay(day)).toBe(Date.parse('2026-11-27T00:00:00+08:00'));
    expect(shanghaiDayOf(endOfShanghaiDay(day))).toBe(day);
    expect(shanghaiDayOf(endOfShanghaiDay(day) + 1000)).toBe(day + 1);
  });

  it('formatShanghai prints ISO 8601 at +08:00, milliseconds only when non-zero', () => {
    expect(formatShanghai(Date.parse('2026-11-27T23:59:59+08:00'))).toBe('2026-11-27T23:59:59+08:00');
    expect(formatShanghai(Date.parse('2026-11-27T15:59:59Z'))).toBe('2026-11-27T23:59:59+08:00');
    expect(formatShanghai(Date.parse('2025-12-31T16:00:00Z'))).toBe('2026-01-01T00:00:00+08:00');
    expect(formatShanghai(Date.parse('2025-12-31T16:00:00.005Z'))).toBe('2026-01-01T00:00:00.005+08:00');
    expect(formatShanghai(Date.parse('2026-03-04T01:02:03.450Z'))).toBe('2026-03-04T09:02:03.450+08:00');
    expect(formatShanghai(0)).toBe('1970-01-01T08:00:00+08:00');
    expect(formatShanghai(-1)).toBe('1970-01-01T07:59:59.999+08:00');
  });

  it('formatShanghai output parses back to the same instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 0, 1) }), (t) => {
        const text = formatShanghai(t);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00$/);
        expect(text.includes('.')).toBe(t % 1000 !== 0);
        expect(Date.parse(text)).toBe(t);
      }),
      { numRuns: 1000 },
    );
  });

  it('yearOf', () => {
    expect(yearOf(daysFromCivil(2026, 12, 31))).toBe(2026);
    expect(yearOf(daysFromCivil(2027, 1, 1))).toBe(2027);
    expect(yearOf(-1)).toBe(1969);
  });
});
