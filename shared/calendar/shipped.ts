import { FESTIVALS, type CalendarYearData, type Festival } from '../domain/calendar';
import { SHIPPED_NOTICES } from './notices';
import { SHIPPED_CALENDAR } from './shipped-data';

/**
 * The official calendars shipped with the code: State Council holiday notices as collected by the
 * `chinese-days` package (holidays, and makeup working days 调休, each with its festival), kept
 * compact in shipped-data.ts (`npm run calendar:data`; a test holds it to the installed package),
 * and the notice each year comes from (notices.ts). Years published later are stored through
 * PUT /v1/admin/calendar/{year}, which overrides these without a deploy, or given at deployment
 * (CALENDAR_OVERRIDES).
 */
export function shippedCalendarYears(): CalendarYearData[] {
  return Object.entries(SHIPPED_CALENDAR)
    .map(([y, [holidayList, workdayList]]) => {
      const year = Number(y);
      const festivals: Record<string, Festival> = {};
      const days = (list: string) =>
        (list ? list.split(' ') : []).map((entry) => {
          const date = `${year}-${entry.slice(0, 2)}-${entry.slice(2, 4)}`;
          const festival = FESTIVALS[entry.charCodeAt(4) - 97];
          if (festival) festivals[date] = festival;
          return date;
        });
      const notice = SHIPPED_NOTICES[year];
      return { year, holidays: days(holidayList), workdays: days(workdayList), festivals, ...(notice && { notice }) };
    })
    .sort((a, b) => a.year - b.year);
}
