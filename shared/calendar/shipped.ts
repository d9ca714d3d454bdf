import type { CalendarYearData } from '../domain/calendar';
import { SHIPPED_CALENDAR } from './shipped-data';

/**
 * The official calendars shipped with the code: State Council holiday notices as collected by the
 * `chinese-days` package (holidays, and makeup working days 调休), kept as dates only in
 * shipped-data.ts (`npm run calendar:data`; a test holds it to the installed package). Years
 * published later are stored through PUT /v1/admin/calendar/{year}, which overrides these
 * without a deploy, or given at deployment (CALENDAR_OVERRIDES).
 */
export function shippedCalendarYears(): CalendarYearData[] {
  const days = (year: number, list: string) => (list ? list.split(' ').map((md) => `${year}-${md.slice(0, 2)}-${md.slice(2)}`) : []);
  return Object.entries(SHIPPED_CALENDAR)
    .map(([y, [holidays, workdays]]) => ({ year: Number(y), holidays: days(Number(y), holidays), workdays: days(Number(y), workdays) }))
    .sort((a, b) => a.year - b.year);
}
