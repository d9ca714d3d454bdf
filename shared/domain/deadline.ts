import type { Festival, WorkingCalendar } from './calendar';
import type { Category } from './case';
import { endOfShanghaiDay, formatDay, shanghaiDayOf } from './time';

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

/** A working day a count went through; `makeup` when it is a weekend worked in exchange (调休). */
export interface CountedDay {
  date: string;
  makeup?: true;
  festival?: Festival;
}

/** A day a count passed over: a weekend, or a public holiday with its festival. */
export interface SkippedDay {
  date: string;
  kind: 'weekend' | 'holiday';
  festival?: Festival;
}

/** How a deadline was counted: the day counting started after, each working day counted, each day off passed over. */
export interface DeadlineExplanation {
  /** YYYY-MM-DD (Asia/Shanghai): the day of receipt, not counted itself (urgent: counted if it is a working day). */
  receiptDay: string;
  countedDays: CountedDay[];
  skippedDays: SkippedDay[];
}

/**
 * The days behind a deadline, so a caller can be told why it falls where it does: every day after
 * the day of receipt up to the due day is either counted (a working day, perhaps a makeup
 * Saturday) or skipped (a weekend, a holiday and its festival). Urgent cases count from the day of
 * receipt itself. Pure; cost grows with the days spanned (at most ~45 for 30 working days).
 */
export function explainDeadline(calendar: WorkingCalendar, receivedAt: number, dueAt: number, urgent: boolean): DeadlineExplanation {
  const receiptDay = shanghaiDayOf(receivedAt);
  const countedDays: CountedDay[] = [];
  const skippedDays: SkippedDay[] = [];
  for (let day = urgent ? receiptDay : receiptDay + 1, last = shanghaiDayOf(dueAt); day <= last; day++) {
    const k = calendar.dayKind(day);
    const festival = k.festival ? { festival: k.festival } : {};
    if (k.working) countedDays.push({ date: formatDay(day), ...(k.kind === 'makeup' && { makeup: true as const }), ...festival });
    else skippedDays.push({ date: formatDay(day), kind: k.kind === 'holiday' ? 'holiday' : 'weekend', ...festival });
  }
  return { receiptDay: formatDay(receiptDay), countedDays, skippedDays };
}
