import type { WorkingCalendar } from './calendar';
import type { Category } from './case';
import { endOfShanghaiDay, shanghaiDayOf } from './time';

/** 办理时限: working days allowed per category, counted from the day after receipt. */
export const WORKING_DAYS_BY_CATEGORY: Readonly<Record<Category, number>> = {
  advice: 5,
  complaint: 20,
  investigation: 30,
};

export interface Deadline {
  /** Epoch milliseconds of 23:59:59 +08:00 on the last working day. */
  dueAt: number;
  /** Working days allowed; 0 for urgent cases (same working day). */
  workingDays: number;
  /** True when any day the count depends on lies in a year without official calendar data. */
  calendarEstimated: boolean;
}

/**
 * The legal deadline of a case received at `receivedAt` (epoch ms).
 * - Normal: the day of receipt (Asia/Shanghai) is not counted; the deadline is the end of the N-th
 *   working day after it. A case received on a holiday therefore starts counting on the next working day.
 * - Urgent: the end of the day of receipt if that is a working day, else of the next working day.
 */
export function computeDeadline(
  calendar: WorkingCalendar,
  receivedAt: number,
  category: Category,
  urgent: boolean,
): Deadline {
  const receiptDay = shanghaiDayOf(receivedAt);
  if (urgent) {
    const dueDay = calendar.firstWorkingDayFrom(receiptDay);
    return { dueAt: endOfShanghaiDay(dueDay), workingDays: 0, calendarEstimated: calendar.isEstimated(receiptDay, dueDay) };
  }
  const workingDays = WORKING_DAYS_BY_CATEGORY[category];
  const dueDay = calendar.addWorkingDays(receiptDay, workingDays);
  return {
    dueAt: endOfShanghaiDay(dueDay),
    workingDays,
    calendarEstimated: calendar.isEstimated(receiptDay + 1, dueDay),
  };
}
