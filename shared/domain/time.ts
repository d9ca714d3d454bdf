/**
 * Civil dates in Asia/Shanghai without Date objects on the hot path.
 * China has had no daylight saving since 1991, so Asia/Shanghai is a fixed UTC+08:00.
 * A "day number" is the count of days since 1970-01-01 in that civil calendar.
 */
export const DAY_MS = 86_400_000;
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export type DayNumber = number;

/** Howard Hinnant's days_from_civil: proleptic Gregorian (y, m 1–12, d) → day number. */
export function daysFromCivil(y: number, m: number, d: number): DayNumber {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Inverse of daysFromCivil. */
export function civilFromDays(z: DayNumber): CivilDate {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: DayNumber): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function shanghaiDayOf(epochMs: number): DayNumber {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** 23:59:59 +08:00 of the given day, as epoch milliseconds. */
export function endOfShanghaiDay(day: DayNumber): number {
  return (day + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1000;
}

export function startOfShanghaiDay(day: DayNumber): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** "YYYY-MM-DD" for a day number. */
export function formatDay(day: DayNumber): string {
  const { year, month, day: d } = civilFromDays(day);
  return `${pad(year, 4)}-${pad(month)}-${pad(d)}`;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "YYYY-MM-DD" → day number, or undefined when it is not a real calendar date. */
export function parseDay(text: string): DayNumber | undefined {
  const m = ISO_DAY.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = daysFromCivil(y, mo, d);
  const back = civilFromDays(day);
  return back.year === y && back.month === mo && back.day === d ? day : undefined;
}

/** An instant as ISO 8601 in +08:00, e.g. 2026-11-27T23:59:59+08:00 (milliseconds only when non-zero). */
export function formatShanghai(epochMs: number): string {
  const local = epochMs + SHANGHAI_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  const msOfDay = local - day * DAY_MS;
  const h = Math.floor(msOfDay / 3_600_000);
  const mi = Math.floor((msOfDay % 3_600_000) / 60_000);
  const s = Math.floor((msOfDay % 60_000) / 1000);
  const ms = msOfDay % 1000;
  return `${formatDay(day)}T${pad(h)}:${pad(mi)}:${pad(s)}${ms ? `.${pad(ms, 3)}` : ''}+08:00`;
}

/** Calendar year of a Shanghai day number. */
export function yearOf(day: DayNumber): number {
  return civilFromDays(day).year;
}
