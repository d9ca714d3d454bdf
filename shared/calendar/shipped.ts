import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { CalendarYearData } from '../domain/calendar';

/**
 * The official calendars shipped with the code: State Council holiday notices as collected by the
 * `chinese-days` package (holidays, and makeup working days 调休). Years published later are
 * stored through PUT /v1/admin/calendar/{year}, which overrides these without a deploy.
 */
export function shippedCalendarYears(): CalendarYearData[] {
  const years = new Map<number, { holidays: string[]; workdays: string[] }>();
  const entry = (date: string) => {
    const year = Number(date.slice(0, 4));
    let e = years.get(year);
    if (!e) years.set(year, (e = { holidays: [], workdays: [] }));
    return e;
  };
  for (const date of Object.keys(data.holidays)) entry(date).holidays.push(date);
  for (const date of Object.keys(data.workdays)) entry(date).workdays.push(date);
  return [...years.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, e]) => ({ year, holidays: e.holidays.sort(), workdays: e.workdays.sort() }));
}
