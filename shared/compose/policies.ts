/** The policies and the calendar every runtime builds the same way from its config (AWS and local alike). */
import { shippedCalendarYears } from '../calendar/shipped';
import { addressOf, type ApiConfig } from '../config';
import { OWN_MESSAGE_ID_DOMAIN, type OwnMail } from '../domain/inbound-mail';
import { DEFAULT_LIFECYCLE_POLICY, type LifecyclePolicy } from '../domain/lifecycle';
import { DEFAULT_RETURN_REASONS, type ReturnReason } from '../domain/vocabulary';
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
    returnReviewWorkingDays: o.returnReviewWorkingDays ?? d.returnReviewWorkingDays,
  };
}

/** The lifecycle policy (sign-for time, pauses, reopen window): the defaults, with what LIFECYCLE_POLICY sets. */
export function lifecyclePolicy(config: Pick<ApiConfig, 'LIFECYCLE_POLICY'>): LifecyclePolicy {
  const { problemAfter, ...rest } = config.LIFECYCLE_POLICY;
  return { ...DEFAULT_LIFECYCLE_POLICY, ...rest, problemAfter: { ...DEFAULT_LIFECYCLE_POLICY.problemAfter, ...problemAfter } };
}

/** The send-back reasons in force: RETURN_REASONS when set (a label without English keeps the zh-CN one), else the defaults. */
export function returnReasons(config: Pick<ApiConfig, 'RETURN_REASONS'>): readonly ReturnReason[] {
  const given = Object.entries(config.RETURN_REASONS);
  if (!given.length) return DEFAULT_RETURN_REASONS;
  return given.map(([code, label]) => ({ code, label: typeof label === 'string' ? { 'zh-CN': label, en: label } : { 'zh-CN': label['zh-CN'], en: label.en ?? label['zh-CN'] } }));
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

/** What counts as our own mail for the mailbox address (never filed): our sender, the mailbox itself, our transports' Message-IDs. */
export function ownMail(config: Pick<ApiConfig, 'MAIL_FROM' | 'MAILBOX_ADDRESS'>): OwnMail {
  return { addresses: [...new Set([addressOf(config.MAIL_FROM), ...(config.MAILBOX_ADDRESS ? [config.MAILBOX_ADDRESS.toLowerCase()] : [])])], messageIdDomains: [OWN_MESSAGE_ID_DOMAIN] };
}
