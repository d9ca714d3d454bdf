import { readFile } from 'node:fs/promises';
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { CALENDAR_DATA_PATH, renderCalendarData } from '../../scripts/calendar-data';
import { shippedCalendarYears } from '../../shared/calendar/shipped';

describe('shipped calendar data', () => {
  it('is what the installed chinese-days says (run `npm run calendar:data` after upgrading it)', async () => {
    expect(await readFile(CALENDAR_DATA_PATH, 'utf8')).toBe(renderCalendarData());
  });

  it('gives back every holiday and makeup working day of the package, by year', () => {
    const years = shippedCalendarYears();
    expect(years.flatMap((y) => y.holidays).sort()).toEqual(Object.keys(data.holidays).sort());
    expect(years.flatMap((y) => y.workdays).sort()).toEqual(Object.keys(data.workdays).sort());
    expect(years.map((y) => y.year)).toEqual([...new Set(Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))))].sort());
    expect(years.find((y) => y.year === 2026)?.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });
});
