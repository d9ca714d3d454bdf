import type { WorkingCalendar } from './calendar';
import { isTimedStatus, replyFollowedUp, type CaseRecord, type Category, type SlaState } from './case';
import { lastHandledRank, stepAtRank, stepId, type EscalationLevel, type EscalationStep, type StepId } from './escalation';
import { endOfShanghaiDay, shanghaiDayOf, startOfShanghaiDay } from './time';

/**
 * 督办: when an open case's office is warned (yellow card, 即将超期), when the case is escalated
 * (red card, 已超期) and reminded every working day after, and to whom. Pure: the clock and the
 * calendar are passed in.
 */
export interface EscalationPolicy {
  /** Warning this many working days before the deadline, per category. */
  warnBeforeWorkingDays: Readonly<Record<Category, number>>;
  /** Urgent cases are due the same working day: warn this long before instead. */
  urgentWarnBeforeMs: number;
  /** Overdue reminders go out on each working day after the breach at this time (+08:00). */
  reminderHour: number;
  reminderMinute: number;
  /** From this many working days overdue the chairman's addresses are added (level 3). */
  chairmanFromOverdueDay: number;
  /** A replied case nobody followed up closes itself after this many working days (办结). */
  autoCloseAfterWorkingDays: number;
}

export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = {
  warnBeforeWorkingDays: { advice: 1, complaint: 3, investigation: 5 },
  urgentWarnBeforeMs: 4 * 3_600_000,
  reminderHour: 9,
  reminderMinute: 0,
  chairmanFromOverdueDay: 3,
  autoCloseAfterWorkingDays: 10,
};

/** The timer step that closes a replied case nobody followed up. */
export const AUTO_CLOSE_STEP = 'autoclose';

/** What a timer is for: an SLA step, or the automatic close. */
export type TimerStepId = StepId | typeof AUTO_CLOSE_STEP;

/** A step of this case's plan: the step, its time and its level. */
export interface SlaStep {
  step: EscalationStep;
  /** 'warning', 'breach', or 'overdue-<n>' for the reminder on the n-th working day overdue. */
  id: StepId;
  /** Severity order: warning 0, breach 1, overdue-n 1 + n. */
  rank: number;
  level: EscalationLevel;
  /** Epoch ms when the step falls due. */
  at: number;
  /** Working days past the deadline at this step (0 for warning and breach). */
  overdueDays: number;
}

type Timed = Pick<CaseRecord, 'category' | 'urgent' | 'sla'>;

/** The step of a given rank for this case under this policy and calendar. */
export function stepOfRank(policy: EscalationPolicy, calendar: WorkingCalendar, c: Timed, rank: number): SlaStep {
  const dueDay = shanghaiDayOf(c.sla.dueAt);
  if (rank === 0) {
    // N working days before the deadline: from the first second of the day after the N-th working
    // day before the due day, exactly N working days (today through the due day) remain.
    const at = c.urgent
      ? c.sla.dueAt - policy.urgentWarnBeforeMs
      : endOfShanghaiDay(calendar.subtractWorkingDays(dueDay, policy.warnBeforeWorkingDays[c.category])) + 1000;
    return planned(stepAtRank(rank), rank, 1, at, 0);
  }
  // The first instant past the deadline (23:59:59 of the due day).
  if (rank === 1) return planned(stepAtRank(rank), rank, 2, c.sla.dueAt + 1000, 0);
  const n = rank - 1;
  const day = calendar.addWorkingDays(dueDay, n);
  const at = startOfShanghaiDay(day) + (policy.reminderHour * 60 + policy.reminderMinute) * 60_000;
  return planned(stepAtRank(rank), rank, n >= policy.chairmanFromOverdueDay ? 3 : 2, at, n);
}

function planned(step: EscalationStep, rank: number, level: EscalationLevel, at: number, overdueDays: number): SlaStep {
  return { step, id: stepId(step), rank, level, at, overdueDays };
}

/** The most severe step whose time has come, or undefined before the warning. */
export function dueStep(policy: EscalationPolicy, calendar: WorkingCalendar, c: Timed, now: number): SlaStep | undefined {
  const warning = stepOfRank(policy, calendar, c, 0);
  if (now < warning.at) return undefined;
  if (now < c.sla.dueAt + 1000) return warning;
  // Reminders passed: working days in (due day, today], less today's if its hour has not come.
  const dueDay = shanghaiDayOf(c.sla.dueAt);
  const today = shanghaiDayOf(now);
  let n = calendar.countWorkingDays(dueDay, today);
  if (n > 0 && calendar.isWorkingDay(today) && now < stepOfRank(policy, calendar, c, 1 + n).at) n--;
  return stepOfRank(policy, calendar, c, 1 + n);
}

/** When a replied case closes itself: the first second after the N-th working day after the reply. */
export function autoCloseAt(policy: EscalationPolicy, calendar: WorkingCalendar, repliedAt: number): number {
  return endOfShanghaiDay(calendar.addWorkingDays(shanghaiDayOf(repliedAt), policy.autoCloseAfterWorkingDays)) + 1000;
}

/**
 * The timer a case should have: for an open, assigned case the SLA step after the last one
 * handled (its time may be past — the escalator then sends only the most severe due step); for a
 * replied case the automatic close; otherwise none.
 */
export function plannedStep(
  policy: EscalationPolicy,
  calendar: WorkingCalendar,
  c: Timed & Pick<CaseRecord, 'status' | 'office' | 'reply' | 'followUp'>,
): { id: TimerStepId; at: number } | undefined {
  // Replied and not followed up since the latest reply: it will close itself. A dissatisfied
  // follow-up leaves it replied, waiting for a supervisor to reopen or close it.
  if (c.status === 'replied' && c.reply && !replyFollowedUp(c)) {
    return { id: AUTO_CLOSE_STEP, at: autoCloseAt(policy, calendar, c.reply.at) };
  }
  if (!isTimedStatus(c.status) || c.office === undefined) return undefined;
  return stepOfRank(policy, calendar, c, lastHandledRank(c.sla) + 1);
}

/**
 * The record as it should be written, with `sla.timer` naming the timer it needs now (or none once
 * the obligation ended). Call it on the final record, version included, before the write.
 */
export function withPlannedTimer(policy: EscalationPolicy, calendar: WorkingCalendar, record: CaseRecord): CaseRecord {
  const step = plannedStep(policy, calendar, record);
  const { timer: _old, ...sla } = record.sla;
  return { ...record, sla: step ? { ...sla, timer: { step: step.id, fireAt: step.at, version: record.version } } : sla };
}

/** What is written over `before`: the changed case stamped `now`, one version on, with the timer it then needs. */
export function nextVersion(policy: EscalationPolicy, calendar: WorkingCalendar, before: Pick<CaseRecord, 'version'>, changed: CaseRecord, now: number): CaseRecord {
  return withPlannedTimer(policy, calendar, { ...changed, updatedAt: now, version: before.version + 1 });
}

/** The SLA state once a step has been handled. */
export function stateAfter(step: SlaStep): SlaState {
  return step.rank === 0 ? 'due_soon' : 'overdue';
}

/** Working days from today through the due day, both counted: what a warning says is left. */
export function workingDaysLeft(calendar: WorkingCalendar, c: Timed, now: number): number {
  return calendar.countWorkingDays(shanghaiDayOf(now) - 1, shanghaiDayOf(c.sla.dueAt));
}
