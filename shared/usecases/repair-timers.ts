import { OPEN_STATUSES, type CaseRecord } from '../domain/case';
import { VersionConflictError } from '../domain/errors';
import { nextVersion, withPlannedTimer } from '../domain/sla';
import type { CalendarService } from './calendar';
import { syncTimer, type TimedCaseDeps } from './sla-timers';

export interface TimerRepairDeps extends TimedCaseDeps {
  /** A timer this far past its time without the case moving on is taken to be lost. */
  graceMs: number;
}

/**
 * The reconciler's second duty: every case has the timer its record names (open, assigned cases
 * their SLA step; replied ones their automatic close). A case
 * whose record names no timer (or another one than the policy plans) is rewritten with the right
 * one; a timer long past its time with the case not moved on was lost (a crash between the case
 * write and the schedule, a dead-lettered firing) and is scheduled again — it fires at once.
 */
export async function repairTimers(deps: TimerRepairDeps): Promise<{ repaired: number }> {
  const calendar = await deps.calendar.current();
  const now = deps.clock.now();
  let repaired = 0;
  // Open cases carry SLA timers; replied ones their automatic close. The planner decides which.
  for await (const record of deps.cases.openCasesDueFrom(0, [...OPEN_STATUSES, 'replied'])) {
    if (await repairTimerOf(deps, calendar, record, now)) repaired++;
  }
  if (repaired) deps.logger.info('reconciler.timers_repaired', { repaired });
  return { repaired };
}

/** One case's timer put right (see repairTimers); true when it had to be. */
export async function repairTimerOf(deps: TimerRepairDeps, calendar: Awaited<ReturnType<CalendarService['current']>>, record: CaseRecord, now: number): Promise<boolean> {
  if (!TIMED_STATUSES.has(record.status)) return false;
  const planned = withPlannedTimer(deps.policy, calendar, record).sla.timer;
  const current = record.sla.timer;
  try {
    if (!current && !planned) return false;
    if (!current || current.step !== planned?.step || current.fireAt !== planned.fireAt || current.version !== record.version) {
      const next = nextVersion(deps.policy, calendar, record, record, now);
      await deps.cases.replace(next, record.version);
      await syncTimer(deps.timers, record, next);
      return true;
    }
    if (current.fireAt < now - deps.graceMs) {
      await syncTimer(deps.timers, undefined, record);
      return true;
    }
  } catch (err) {
    // Changed meanwhile: whoever changed it planned its timer; the next run looks again.
    if (!(err instanceof VersionConflictError)) deps.logger.warn('reconciler.timer_repair_failed', { caseId: record.id, error: err });
  }
  return false;
}

const TIMED_STATUSES = new Set<string>([...OPEN_STATUSES, 'replied']);
