import type { WorkingCalendar } from '../domain/calendar';
import type { CaseRecord } from '../domain/case';
import { plannedStep, type EscalationPolicy } from '../domain/sla';
import type { TimerService } from '../ports';

/**
 * The record as it should be written, with `sla.timer` naming the timer it needs now (or none once
 * the obligation ended). Call it on the final record, version included, before the write.
 */
export function withPlannedTimer(policy: EscalationPolicy, calendar: WorkingCalendar, record: CaseRecord): CaseRecord {
  const step = plannedStep(policy, calendar, record);
  const { timer: _old, ...sla } = record.sla;
  return { ...record, sla: step ? { ...sla, timer: { step: step.id, fireAt: step.at, version: record.version } } : sla };
}

/**
 * After a successful write: make the timers match what the record says. Idempotent — scheduling a
 * name again moves it — so a retry after a crash between the write and this call is harmless.
 */
export async function syncTimer(timers: TimerService, before: CaseRecord | undefined, after: CaseRecord): Promise<void> {
  const old = before?.sla.timer;
  const next = after.sla.timer;
  // The new timer first: a failed cancel leaves only a stale timer, which fires as a no-op.
  if (next) await timers.schedule({ caseId: after.id, step: next.step, fireAt: next.fireAt, dueAt: after.sla.dueAt, version: next.version });
  if (old && old.step !== next?.step) await timers.cancel(after.id, old.step);
}
