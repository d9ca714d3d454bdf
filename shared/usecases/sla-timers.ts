import type { CaseRecord } from '../domain/case';
import { VersionConflictError } from '../domain/errors';
import type { EscalationPolicy } from '../domain/sla';
import type { Logger } from '../observability/logger';
import type { CaseStore, Clock, TimerService } from '../ports';
import type { CalendarService } from './calendar';
import type { NoticeDeps } from './notices';

/** What every use case that writes a case and keeps its SLA timer in step needs. */
export interface TimedCaseDeps {
  cases: CaseStore;
  timers: TimerService;
  calendar: CalendarService;
  policy: EscalationPolicy;
  clock: Clock;
  logger: Logger;
}

/** …and, for those that also e-mail about the case once (the router, the escalator): the ledger, the mailer, the links' base. */
export interface CaseMailDeps extends TimedCaseDeps, NoticeDeps {
  publicBaseUrl: string;
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

/**
 * Writes `next` over the version `record` was read at, then brings the timers in step. False when
 * the case moved on meanwhile (a version conflict): whoever moved it planned its own timer.
 */
export async function replaceAndSync(deps: Pick<TimedCaseDeps, 'cases' | 'timers'>, record: CaseRecord, next: CaseRecord): Promise<boolean> {
  try {
    await deps.cases.replace(next, record.version);
  } catch (err) {
    if (err instanceof VersionConflictError) return false;
    throw err;
  }
  await syncTimer(deps.timers, record, next);
  return true;
}
