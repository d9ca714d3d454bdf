import { daysFromCivil, formatDay, parseDay, weekdayOf, yearOf, type DayNumber } from './time';

/**
 * The official working-day calendar (工作日): Monday–Friday, minus public holidays, plus the
 * makeup working days (调休) the State Council announces for each year. A year without data falls
 * back to weekends-only and is reported as `estimated` so callers can flag what depends on it.
 */
export type CalendarSource = 'shipped' | 'override' | 'estimated';

/** The statutory festivals (全国年节) a holiday or a makeup working day belongs to. */
export const FESTIVALS = ['new_year', 'spring_festival', 'qingming', 'labour_day', 'dragon_boat', 'mid_autumn', 'national_day', 'victory_day'] as const;
export type Festival = (typeof FESTIVALS)[number];

/** Where a year's rules come from: the State Council (General Office) notice, by title and date. */
export interface CalendarNotice {
  title: string;
  /** YYYY-MM-DD: the day the notice was published (required on upload; unknown for two early shipped years). */
  date?: string;
  url?: string;
  /** Later notices that changed the year's rules (2020's longer Spring Festival, for one). */
  amendments?: CalendarNotice[];
}

/** One year's rules as published: days off that would otherwise be working days, and vice versa. */
export interface CalendarYearData {
  year: number;
  /** Public holidays (YYYY-MM-DD); weekend days inside a holiday period may be listed too. */
  holidays: readonly string[];
  /** Makeup working days (YYYY-MM-DD), usually weekends. */
  workdays: readonly string[];
  /** The festival a holiday or makeup working day belongs to, by day (YYYY-MM-DD), where known. */
  festivals?: Readonly<Record<string, Festival>>;
  /** The notice the year was taken from (absent on years stored before notices were recorded). */
  notice?: CalendarNotice;
}

/** What one day is on the calendar, for explaining a count: a working day (plain or makeup) or a day off. */
export interface DayKind {
  working: boolean;
  kind: 'workday' | 'makeup' | 'weekend' | 'holiday';
  festival?: Festival;
}

export interface CalendarYear extends CalendarYearData {
  source: CalendarSource;
}

interface YearRules {
  source: Exclude<CalendarSource, 'estimated'>;
  data: CalendarYearData;
  holidays: ReadonlySet<DayNumber>;
  workdays: ReadonlySet<DayNumber>;
}

/** Built once per year on first use; makes every later look-up an array access. */
interface YearIndex {
  start: DayNumber;
  source: CalendarSource;
  /** rank[i]: working days among the year's days 0..i inclusive. */
  rank: Uint16Array;
  /** Offsets (from `start`) of the year's working days, in order. */
  workdays: Uint16Array;
}

export class CalendarDataError extends Error {}

export class WorkingCalendar {
  private readonly rules = new Map<number, YearRules>();
  private readonly index = new Map<number, YearIndex>();

  /** Later entries for the same year replace earlier ones (overrides after shipped data). */
  constructor(years: Iterable<CalendarYearData & { source: Exclude<CalendarSource, 'estimated'> }>) {
    for (const y of years) this.rules.set(y.year, toRules(y));
  }

  source(year: number): CalendarSource {
    return this.rules.get(year)?.source ?? 'estimated';
  }

  /** A year as this calendar sees it; an estimated year has no holidays or makeup days. */
  year(year: number): CalendarYear {
    const r = this.rules.get(year);
    return r ? { ...r.data, source: r.source } : { year, holidays: [], workdays: [], source: 'estimated' };
  }

  /** Years with official data (shipped or override), ascending. */
  knownYears(): number[] {
    return [...this.rules.keys()].sort((a, b) => a - b);
  }

  /** Why a day is or is not a working day: weekend, holiday (with its festival), makeup working day. */
  dayKind(day: DayNumber): DayKind {
    const r = this.rules.get(yearOf(day));
    const wd = weekdayOf(day);
    const weekend = wd === 0 || wd === 6;
    const festival = r?.data.festivals?.[formatDay(day)];
    const withFestival = (k: DayKind): DayKind => (festival ? { ...k, festival } : k);
    if (r?.workdays.has(day)) return withFestival({ working: true, kind: 'makeup' });
    if (r?.holidays.has(day)) return withFestival({ working: false, kind: 'holiday' });
    return weekend ? { working: false, kind: 'weekend' } : { working: true, kind: 'workday' };
  }

  isWorkingDay(day: DayNumber): boolean {
    const idx = this.yearIndex(yearOf(day));
    const i = day - idx.start;
    return idx.rank[i] !== (i === 0 ? 0 : idx.rank[i - 1]);
  }

  /** The n-th working day strictly after `day` (n ≥ 1): `day` itself is never counted. */
  addWorkingDays(day: DayNumber, n: number): DayNumber {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
    let year = yearOf(day);
    let idx = this.yearIndex(year);
    let target = (idx.rank[day - idx.start] ?? 0) + n;
    while (target > idx.workdays.length) {
      target -= idx.workdays.length;
      idx = this.yearIndex(++year);
    }
    return idx.start + (idx.workdays[target - 1] ?? 0);
  }

  /** The n-th working day strictly before `day` (n ≥ 1). */
  subtractWorkingDays(day: DayNumber, n: number): DayNumber {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
    let year = yearOf(day);
    let idx = this.yearIndex(year);
    const i = day - idx.start;
    // Working days strictly before `day` in its year, then step back n of them (1-based index).
    let target = (i === 0 ? 0 : (idx.rank[i - 1] ?? 0)) - n + 1;
    while (target < 1) {
      idx = this.yearIndex(--year);
      target += idx.workdays.length;
    }
    return idx.start + (idx.workdays[target - 1] ?? 0);
  }

  /** `day` if it is a working day, else the first working day after it. */
  firstWorkingDayFrom(day: DayNumber): DayNumber {
    return this.isWorkingDay(day) ? day : this.addWorkingDays(day, 1);
  }

  /** Working days in (from, to]: `from` not counted, `to` counted. Cost grows with the years spanned. */
  countWorkingDays(from: DayNumber, to: DayNumber): number {
    if (to <= from) return 0;
    const lastYear = yearOf(to);
    let year = yearOf(from);
    let idx = this.yearIndex(year);
    let count = -(idx.rank[from - idx.start] ?? 0);
    for (; year < lastYear; idx = this.yearIndex(++year)) count += idx.workdays.length;
    return count + (idx.rank[to - idx.start] ?? 0);
  }

  /** Whether any day in [from, to] falls in a year without official data. */
  isEstimated(from: DayNumber, to: DayNumber): boolean {
    const last = yearOf(to);
    for (let y = yearOf(from); y <= last; y++) if (!this.rules.has(y)) return true;
    return false;
  }

  private yearIndex(year: number): YearIndex {
    let idx = this.index.get(year);
    if (!idx) {
      idx = buildIndex(year, this.rules.get(year));
      this.index.set(year, idx);
    }
    return idx;
  }
}

function toRules(y: CalendarYearData & { source: Exclude<CalendarSource, 'estimated'> }): YearRules {
  const days = (list: readonly string[], what: string): Set<DayNumber> =>
    new Set(
      list.map((text) => {
        const day = parseDay(text);
        if (day === undefined || yearOf(day) !== y.year) throw new CalendarDataError(`${what} ${text} is not a date in ${y.year}`);
        return day;
      }),
    );
  const holidays = days(y.holidays, 'holiday');
  const workdays = days(y.workdays, 'makeup working day');
  for (const d of holidays) if (workdays.has(d)) throw new CalendarDataError(`${formatDay(d)} is both a holiday and a working day`);
  const sorted = (s: Set<DayNumber>) => [...s].sort((a, b) => a - b).map(formatDay);
  for (const [day, festival] of Object.entries(y.festivals ?? {})) {
    const d = parseDay(day);
    if (d === undefined || (!holidays.has(d) && !workdays.has(d))) throw new CalendarDataError(`${day} is named ${festival} but is neither a holiday nor a makeup working day of ${y.year}`);
    if (!(FESTIVALS as readonly string[]).includes(festival)) throw new CalendarDataError(`${festival} is not a festival (${FESTIVALS.join(', ')})`);
  }
  return {
    source: y.source,
    data: {
      year: y.year,
      holidays: sorted(holidays),
      workdays: sorted(workdays),
      ...(y.festivals && Object.keys(y.festivals).length > 0 && { festivals: y.festivals }),
      ...(y.notice && { notice: y.notice }),
    },
    holidays,
    workdays,
  };
}

function buildIndex(year: number, rules: YearRules | undefined): YearIndex {
  const start = daysFromCivil(year, 1, 1);
  const length = daysFromCivil(year + 1, 1, 1) - start;
  const rank = new Uint16Array(length);
  const offsets: number[] = [];
  for (let i = 0; i < length; i++) {
    const day = start + i;
    const wd = weekdayOf(day);
    let working = wd !== 0 && wd !== 6;
    if (rules?.holidays.has(day)) working = false;
    if (rules?.workdays.has(day)) working = true;
    if (working) offsets.push(i);
    rank[i] = offsets.length;
  }
  return { start, source: rules?.source ?? 'estimated', rank, workdays: Uint16Array.from(offsets) };
}
