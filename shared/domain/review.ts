import type { WorkingCalendar } from './calendar';
import type { CaseRecord } from './case';
import type { EscalationPolicy } from './sla';
import { shanghaiDayOf, startOfShanghaiDay } from './time';

/** The timer step that reminds the supervisor of a send-back still waiting for review. */
export const RETURN_REVIEW_STEP = 'return-review' as const;

/**
 * When a send-back has waited its working days for review (退单审核): the same time of day, the
 * policy's working days after the day it was sent back (a send-back on Friday 16:00 with one
 * working day: Monday 16:00). Undefined when nothing waits or the supervisor was already reminded.
 */
export function returnReviewStep(
  policy: Pick<EscalationPolicy, 'returnReviewWorkingDays'>,
  calendar: WorkingCalendar,
  c: Pick<CaseRecord, 'status' | 'returnReview'>,
): { id: typeof RETURN_REVIEW_STEP; at: number } | undefined {
  const review = c.returnReview;
  if (c.status !== 'returned' || !review || review.remindedAt !== undefined) return undefined;
  const day = shanghaiDayOf(review.at);
  const timeOfDay = review.at - startOfShanghaiDay(day);
  return { id: RETURN_REVIEW_STEP, at: startOfShanghaiDay(calendar.addWorkingDays(day, policy.returnReviewWorkingDays)) + timeOfDay };
}
