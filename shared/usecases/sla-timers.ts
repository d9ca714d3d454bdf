import type { CaseRecord } from '../domain/case';
import type { TimerService } from '../ports';

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
