import type { WorkingCalendar } from './calendar';
import type { CaseInput, CaseRecord } from './case';
import { computeDeadline, type Deadline } from './deadline';
import { DAY_MS } from './time';

/** Entries may be backdated (letters received on paper are entered later) but not by more than this. */
export const MAX_BACKDATE_MS = 366 * DAY_MS;
/** Clocks drift: allow a receipt time slightly ahead of ours. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** Why a receipt time is not acceptable, or undefined when it is. */
export function receivedAtProblem(receivedAt: number, now: number): string | undefined {
  if (receivedAt > now + MAX_FUTURE_SKEW_MS) return 'must not be more than 5 minutes in the future';
  if (receivedAt < now - MAX_BACKDATE_MS) return 'must not be more than 366 days in the past';
  return undefined;
}

/** The deadline a case is held to under its current facts. Later rules (extension, pauses) join here. */
export function deadlineOf(record: Pick<CaseRecord, 'receivedAt' | 'category' | 'urgent'>, calendar: WorkingCalendar): Deadline {
  return computeDeadline(calendar, record.receivedAt, record.category, record.urgent);
}

export interface NewCaseContext {
  id: string;
  ticketNo: string;
  trackingCode: string;
  createdBy: string;
  now: number;
  deadline: Deadline;
}

export function newCase(input: CaseInput, ctx: NewCaseContext): CaseRecord {
  return {
    ...input,
    // A visit is at least one person, so walk-in statistics (persons, 人次) never miss one.
    ...(input.channel === 'walk_in' && !input.walkIn && { walkIn: { visitors: 1 } }),
    id: ctx.id,
    ticketNo: ctx.ticketNo,
    trackingCode: ctx.trackingCode,
    status: 'received',
    sla: { ...ctx.deadline, state: 'on_track' },
    createdBy: ctx.createdBy,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
}
