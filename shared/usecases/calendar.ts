import { CalendarDataError, WorkingCalendar, type CalendarYear, type CalendarYearData, type Festival } from '../domain/calendar';
import { ValidationError, VersionConflictError } from '../domain/errors';
import { deadlineOf } from '../domain/intake';
import { daysFromCivil, shanghaiDayOf, startOfShanghaiDay } from '../domain/time';
import type { Logger } from '../observability/logger';
import { nextVersion, type EscalationPolicy } from '../domain/sla';
import type { CalendarStore, CaseStore, Clock, TimerService } from '../ports';
import { syncTimer } from './sla-timers';

export interface CalendarServiceDeps {
  shipped: readonly CalendarYearData[];
  store: CalendarStore;
  cases: CaseStore;
  /** Deadlines that move take their SLA timers with them. */
  timers: TimerService;
  policy: EscalationPolicy;
  clock: Clock;
  logger: Logger;
  /** How long overrides read from the table are trusted before being read again. */
  cacheMs: number;
}

/**
 * The working calendar in force: shipped official data, overridden by years an administrator
 * stored. Overrides are read through a short cache; a change made here takes effect at once.
 */
export class CalendarService {
  private cached?: { calendar: WorkingCalendar; until: number };
  private loading?: Promise<WorkingCalendar>;

  constructor(private readonly deps: CalendarServiceDeps) {}

  async current(): Promise<WorkingCalendar> {
    const now = this.deps.clock.now();
    if (this.cached && this.cached.until > now) return this.cached.calendar;
    // One read of the table however many requests arrive while it runs.
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  async year(year: number): Promise<Omit<CalendarYear, 'holidays' | 'workdays' | 'festivals'> & { holidays: string[]; workdays: string[]; festivals?: Record<string, Festival>; workingDayCount: number }> {
    const calendar = await this.current();
    const y = calendar.year(year);
    return {
      ...y,
      holidays: [...y.holidays],
      workdays: [...y.workdays],
      ...(y.festivals && { festivals: { ...y.festivals } }),
      workingDayCount: calendar.countWorkingDays(daysFromCivil(year, 1, 1) - 1, daysFromCivil(year + 1, 1, 1) - 1),
    };
  }

  /**
   * Stores a newly published year and moves the deadlines of open cases it affects: those whose
   * counting window (day after receipt … deadline) touches that year.
   */
  async putYear(data: CalendarYearData, actor: string): Promise<{ recomputedCases: number }> {
    const calendar = this.build(await this.deps.store.overrides(), data);
    await this.deps.store.put(data, actor, this.deps.clock.now());
    this.cached = { calendar, until: this.deps.clock.now() + this.deps.cacheMs };
    const recomputedCases = await this.recompute(calendar, data.year);
    this.deps.logger.info('calendar.year_stored', { year: data.year, recomputedCases });
    return { recomputedCases };
  }

  private async recompute(calendar: WorkingCalendar, year: number): Promise<number> {
    const lastDayOfYear = daysFromCivil(year + 1, 1, 1) - 1;
    let changed = 0;
    for await (const found of this.deps.cases.openCasesDueFrom(startOfShanghaiDay(daysFromCivil(year, 1, 1)))) {
      if (shanghaiDayOf(found.receivedAt) > lastDayOfYear) continue;
      let record = found;
      for (let attempt = 0; attempt < 3; attempt++) {
        const due = deadlineOf(record, calendar);
        if (due.dueAt === record.sla.dueAt && due.calendarEstimated === record.sla.calendarEstimated) break;
        const now = this.deps.clock.now();
        try {
          const next = nextVersion(this.deps.policy, calendar, record, { ...record, sla: { ...record.sla, ...due } }, now);
          await this.deps.cases.replace(next, record.version);
          await syncTimer(this.deps.timers, record, next);
          changed++;
          break;
        } catch (err) {
          if (!(err instanceof VersionConflictError)) throw err;
          const fresh = await this.deps.cases.get(record.id);
          if (!fresh) break;
          record = fresh;
        }
      }
    }
    return changed;
  }

  private async load(): Promise<WorkingCalendar> {
    const calendar = this.build(await this.deps.store.overrides());
    this.cached = { calendar, until: this.deps.clock.now() + this.deps.cacheMs };
    return calendar;
  }

  private build(overrides: readonly CalendarYearData[], extra?: CalendarYearData): WorkingCalendar {
    try {
      return new WorkingCalendar([
        ...this.deps.shipped.map((y) => ({ ...y, source: 'shipped' as const })),
        ...overrides.map((y) => ({ ...y, source: 'override' as const })),
        ...(extra ? [{ ...extra, source: 'override' as const }] : []),
      ]);
    } catch (err) {
      if (err instanceof CalendarDataError) throw new ValidationError('Invalid calendar', [{ path: '', message: err.message }]);
      throw err;
    }
  }
}
