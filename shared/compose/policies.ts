/** The policies and the calendar every runtime builds the same way from its config (AWS and local alike). */
import { shippedCalendarYears } from '../calendar/shipped';
import type { ApiConfig } from '../config';
import { DEFAULT_LIFECYCLE_POLICY, type LifecyclePolicy } from '../domain/lifecycle';
import { DEFAULT_ESCALATION_POLICY, type EscalationPolicy } from '../domain/sla';
import type { Logger } from '../observability/logger';
import type { CalendarStore, CaseStore, Clock, TimerService } from '../ports';
import { CalendarService } from '../usecases/calendar';

/** The escalation policy: the defaults, with what ESCALATION_POLICY sets. */
export function escalationPolicy(config: Pick<ApiConfig, 'ESCALATION_POLICY'>): EscalationPolicy {
  const o = config.ESCALATION_POLICY;
  const d = DEFAULT_ESCALATION_POLICY;
  return {
    warnBeforeWorkingDays: { ...d.warnBeforeWorkingDays, ...o.warnBeforeWorkingDays },
    urgentWarnBeforeMs: o.urgentWarnBeforeHours !== undefined ? o.urgentWarnBeforeHours * 3_600_000 : d.urgentWarnBeforeMs,
    reminderHour: o.reminderHour ?? d.reminderHour,
    reminderMinute: o.reminderMinute ?? d.reminderMinute,
    chairmanFromOverdueDay: o.chairmanFromOverdueDay ?? d.chairmanFromOverdueDay,
    autoCloseAfterWorkingDays: o.autoCloseAfterWorkingDays ?? d.autoCloseAfterWorkingDays,
  };
}

/** The lifecycle policy (sign-for time, pauses, reopen window): the defaults, with what LIFECYCLE_POLICY sets. */
export function lifecyclePolicy(config: Pick<ApiConfig, 'LIFECYCLE_POLICY'>): LifecyclePolicy {
  return { ...DEFAULT_LIFECYCLE_POLICY, ...config.LIFECYCLE_POLICY };
}

/** The calendar in force, shared by whatever in one process computes deadlines or moves timers. */
export function calendarService(deps: { calendarStore: CalendarStore; cases: CaseStore; timers: TimerService; clock: Clock; logger: Logger; config: Pick<ApiConfig, 'CALENDAR_OVERRIDES' | 'CALENDAR_CACHE_SECONDS' | 'ESCALATION_POLICY'> }): CalendarService {
  const given = Object.entries(deps.config.CALENDAR_OVERRIDES).map(([year, y]) => ({ year: Number(year), ...y }));
  return new CalendarService({
    shipped: [...shippedCalendarYears().filter((y) => !given.some((g) => g.year === y.year)), ...given],
    store: deps.calendarStore,
    cases: deps.cases,
    timers: deps.timers,
    policy: escalationPolicy(deps.config),
    clock: deps.clock,
    logger: deps.logger,
    cacheMs: deps.config.CALENDAR_CACHE_SECONDS * 1000,
  });
}
