import { isOpenStatus, isTimedStatus, type CaseRecord } from '../domain/case';
import { RetryLaterError, VersionConflictError } from '../domain/errors';
import { lastHandledRank, readStep, stepRank, type EscalationStep } from '../domain/escalation';
import { DEFAULT_LIFECYCLE_POLICY, recordAction } from '../domain/lifecycle';
import { AUTO_CLOSE_STEP, autoCloseAt, dueStep, nextVersion, stateAfter, stepOfRank, workingDaysLeft, type SlaStep } from '../domain/sla';
import { escalationNotice } from '../notifications/escalation';
import type { Logger } from '../observability/logger';
import type { OfficeStore, TimerPayload } from '../ports';
import type { CalendarService } from './calendar';
import { RETURN_REVIEW_STEP } from '../domain/review';
import { remindReturnReview } from './return-review';
import { sendOnce } from './notices';
import { replaceAndSync, syncTimer, type CaseMailDeps } from './sla-timers';

export interface EscalatorDeps extends CaseMailDeps {
  offices: OfficeStore;
}

export type EscalateOutcome = 'escalated' | 'stale' | 'not_due' | 'closed' | 'auto_closed' | 'reminded';

/**
 * Handles a fired SLA timer. A timer for a closed case, a moved deadline or an older version does
 * nothing. Otherwise the most severe step now due is handled — one e-mail, not one per missed day —
 * exactly once per (case, step): the step is claimed in the notice ledger before sending, marked
 * sent after, then recorded on the case with the next timer. A failed send releases the claim and
 * is retried; a retry after a crash finds the e-mail sent and only records.
 */
export async function escalate(deps: EscalatorDeps, fired: TimerPayload): Promise<EscalateOutcome> {
  const log = deps.logger.child({ caseId: fired.caseId, step: fired.step });
  if (fired.step === AUTO_CLOSE_STEP) return autoClose(deps, fired, log);
  if (fired.step === RETURN_REVIEW_STEP) return remindReturnReview(deps, fired, log);
  // The one reading of the payload's step: an id no step has is handled as whatever step is due.
  const firedStep = readStep(fired.step);
  let record = await deps.cases.get(fired.caseId);
  // Closed, replied, paused (the clock stops) or back to be dispatched: nothing to escalate.
  if (!record || !isTimedStatus(record.status) || record.office === undefined) {
    log.info('escalator.closed', { status: record?.status });
    return 'closed';
  }
  if (fired.dueAt !== record.sla.dueAt || fired.version !== record.version) {
    log.info('escalator.stale_timer', { caseVersion: record.version, timerVersion: fired.version });
    return 'stale';
  }
  const calendar = await deps.calendar.current();
  const now = effectiveNow(deps, calendar, record, firedStep);
  const step = dueStep(deps.policy, calendar, record, now);
  const last = lastHandledRank(record.sla);
  if (!step) {
    // Fired before its time (beyond the scheduler's precision): ask to be invoked again later.
    // Re-creating the timer that is firing right now would be undone when this firing completes.
    throw new RetryLaterError(`timer ${fired.step} fired before its time`);
  }
  if (step.rank <= last) {
    // Already handled (a duplicate firing): make sure the next timer the record names exists.
    if (record.sla.timer && record.sla.timer.step !== fired.step) await syncTimer(deps.timers, undefined, record);
    log.info('escalator.already_handled', { due: step.id, last: record.sla.lastStep });
    return 'not_due';
  }

  await notifyStep(deps, record, step, workingDaysLeft(calendar, record, now));

  for (let attempt = 0; attempt < 3; attempt++) {
    const skipped = Array.from({ length: step.rank - last - 1 }, (_, i) => stepOfRank(deps.policy, calendar, record as CaseRecord, last + 1 + i).id);
    const next = nextVersion(deps.policy, calendar, record, {
      ...record,
      sla: { ...record.sla, state: stateAfter(step), lastStep: step.id },
      escalations: [...(record.escalations ?? []), { step: step.id, level: step.level, at: now, ...(skipped.length && { skipped }) }],
    }, now);
    try {
      await deps.cases.replace(next, record.version);
      await syncTimer(deps.timers, record, next);
      // `handled` is what the breach-per-day metric on AWS counts (infra/alarms.ts).
      log.info('escalator.escalated', { handled: step.id, level: step.level, skipped: skipped.length, next: next.sla.timer?.step });
      return 'escalated';
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
      const fresh = await deps.cases.get(fired.caseId);
      if (!fresh || !isOpenStatus(fresh.status) || lastHandledRank(fresh.sla) >= step.rank) return 'stale';
      record = fresh;
    }
  }
  throw new RetryLaterError('the case kept changing while the escalation was recorded');
}

/**
 * 办结 without follow-up: a replied case nobody followed up within the policy's working days closes
 * itself. The timer is stale if anything happened since (a follow-up, a reopen): version check.
 */
async function autoClose(deps: EscalatorDeps, fired: TimerPayload, log: Logger): Promise<EscalateOutcome> {
  const record = await deps.cases.get(fired.caseId);
  if (!record || record.status !== 'replied' || !record.reply || fired.version !== record.version) {
    log.info('escalator.autoclose_stale', { status: record?.status });
    return 'stale';
  }
  const calendar = await deps.calendar.current();
  const now = deps.clock.now();
  const at = autoCloseAt(deps.policy, calendar, record.reply.at);
  if (now + SCHEDULER_EARLY_MS < at) throw new RetryLaterError('auto-close fired before its time');
  // The lifecycle's own close, by the system (the lifecycle policy plays no part in a close).
  const closed = recordAction(
    record,
    { action: 'close', reason: 'no follow-up', afterWorkingDays: deps.policy.autoCloseAfterWorkingDays },
    { sub: 'system', roles: [] },
    { now, calendar, policy: DEFAULT_LIFECYCLE_POLICY },
  ).record;
  if (!(await replaceAndSync(deps, record, nextVersion(deps.policy, calendar, record, closed, now)))) return 'stale';
  log.info('escalator.auto_closed', {});
  return 'auto_closed';
}

/** EventBridge Scheduler fires up to a minute before the time asked for. */
const SCHEDULER_EARLY_MS = 90_000;

/** Now, or the fired step's own time when the timer came (by the scheduler's precision) just before it. */
function effectiveNow(deps: EscalatorDeps, calendar: Awaited<ReturnType<CalendarService['current']>>, record: CaseRecord, fired: EscalationStep | undefined): number {
  const now = deps.clock.now();
  if (fired === undefined) return now;
  const stepAt = stepOfRank(deps.policy, calendar, record, stepRank(fired)).at;
  return stepAt > now && stepAt - now <= SCHEDULER_EARLY_MS ? stepAt : now;
}

/** The step's notice, once per (case, step) through the notice ledger. */
async function notifyStep(deps: EscalatorDeps, record: CaseRecord, step: SlaStep, daysLeft: number): Promise<void> {
  const now = deps.clock.now();
  const outcome = await sendOnce(deps, { owner: record.id, key: `sla:${step.id}` }, async () => {
    const office = await deps.offices.get(record.office ?? '');
    if (!office) throw new RetryLaterError(`office ${record.office} not found`);
    return escalationNotice({
      record,
      office,
      step: step.step,
      level: step.level,
      ...(step.rank === 0 ? { workingDaysLeft: daysLeft } : { workingDaysOver: step.overdueDays }),
      // Urgent cases are due the same day: their warning counts hours, not working days.
      ...(step.rank === 0 && record.urgent && { hoursLeft: Math.max(0, (record.sla.dueAt - now) / 3_600_000) }),
      publicBaseUrl: deps.publicBaseUrl,
    });
  });
  if (outcome === 'busy') throw new RetryLaterError(`step ${step.id} is being sent by another invocation`);
}
