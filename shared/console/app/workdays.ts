import { WorkingCalendar } from '../../domain/calendar';
import { signedWorkingDays } from '../../domain/report';
import { api, ok } from './api';

/**
 * Working days left or over, counted in the browser by the same pure calendar code the server
 * uses (shared/domain), on the years the API serves (GET /v1/calendar/{year}: shipped official
 * data or an admin's upload). Loaded once per page load.
 */
let loading: Promise<WorkingCalendar> | undefined;

export function loadCalendar(): Promise<WorkingCalendar> {
  loading ??= (async () => {
    const year = new Date().getFullYear();
    const years = await Promise.all([year - 1, year, year + 1].map((y) => ok(api.v1.calendar[':year'].$get({ param: { year: String(y) } }))));
    return new WorkingCalendar(years.flatMap((y) => (y.source === 'estimated' ? [] : [{ year: y.year, holidays: y.holidays, workdays: y.workdays, ...(y.festivals && { festivals: y.festivals }), source: y.source }])));
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

/** Positive: working days left including today; negative: working days over; 0 on the due day. */
export const workingDaysLeft = (calendar: WorkingCalendar, dueAtIso: string, now = Date.now()) => signedWorkingDays(calendar, now, Date.parse(dueAtIso));
