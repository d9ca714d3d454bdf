import type { CaseRecord } from '../domain/case';
import { returnReviewStep } from '../domain/review';
import { nextVersion } from '../domain/sla';
import { returnReviewNotice } from '../notifications/supervision';
import type { Logger } from '../observability/logger';
import type { TimerPayload } from '../ports';
import { sendOnce } from './notices';
import type { EscalateOutcome, EscalatorDeps } from './escalate';
import { RetryLaterError } from '../domain/errors';
import { replaceAndSync } from './sla-timers';

/** The ledger key of the reminder for one send-back (a later send-back of the same case has its own). */
export const returnReviewNoticeKey = (review: NonNullable<CaseRecord['returnReview']>) => `return-review:${review.at}`;

/** EventBridge Scheduler fires up to a minute before the time asked for. */
const SCHEDULER_EARLY_MS = 90_000;

/**
 * The send-back has waited its working day for the supervisor's review: remind the supervisor
 * (the returning office's ladder's `supervisor` addresses) once, then record it on the case, which
 * then needs no timer. A decision taken meanwhile (another version) makes the timer stale.
 */
export async function remindReturnReview(deps: EscalatorDeps, fired: TimerPayload, log: Logger): Promise<EscalateOutcome> {
  const record = await deps.cases.get(fired.caseId);
  if (!record || record.status !== 'returned' || !record.returnReview || fired.version !== record.version) {
    log.info('escalator.return_review_stale', { status: record?.status });
    return 'stale';
  }
  const calendar = await deps.calendar.current();
  const step = returnReviewStep(deps.policy, calendar, record);
  if (!step) return 'not_due';
  const now = deps.clock.now();
  if (now + SCHEDULER_EARLY_MS < step.at) throw new RetryLaterError('the send-back review reminder fired before its time');
  const review = record.returnReview;
  const office = await deps.offices.get(review.office);
  const message = office && returnReviewNotice(record, office, deps.publicBaseUrl);
  if (message) {
    const outcome = await sendOnce(deps, { owner: record.id, key: returnReviewNoticeKey(review) }, () => message);
    if (outcome === 'busy') throw new RetryLaterError('the send-back review reminder is being sent by another invocation');
  } else log.warn('escalator.return_review_no_recipient', { office: review.office });
  const next = nextVersion(deps.policy, calendar, record, { ...record, returnReview: { ...review, remindedAt: now } }, now);
  // Decided meanwhile: the reminder went (or was not needed); the decision planned its own timer.
  if (!(await replaceAndSync(deps, record, next))) return 'stale';
  log.info('escalator.return_review_reminded', { sent: message !== undefined });
  return 'reminded';
}
