import type { CaseRecord } from '../../shared/domain/case';
import type { Harness } from './harness';

/**
 * Case records built by hand for report tests: stored through the real case store, so their
 * report facts are written as in production. Only what a test states differs from a plain case.
 */
export const t = (iso: string) => Date.parse(iso);
/** 23:59:59 +08:00 of a day: a deadline. */
export const end = (day: string) => t(`${day}T23:59:59+08:00`);

let serial = 0;
export function record(o: Partial<CaseRecord> & Pick<CaseRecord, 'channel' | 'category' | 'receivedAt' | 'status'> & { dueAt: number }): CaseRecord {
  const { dueAt, ...rest } = o;
  const n = ++serial;
  const year = new Date(o.receivedAt + 8 * 3_600_000).getUTCFullYear();
  return {
    id: `case-${String(n).padStart(4, '0')}`,
    ticketNo: `${{ hotline: 'H', mailbox: 'M', walk_in: 'W' }[o.channel]}${year}-${String(n).padStart(6, '0')}`,
    trackingCode: 'ABCDEFGH',
    urgent: false,
    subject: 's',
    description: 'd',
    sla: { dueAt, workingDays: 20, state: 'on_track', calendarEstimated: false },
    createdBy: 'op',
    createdAt: o.receivedAt,
    updatedAt: o.receivedAt,
    version: 4,
    ...rest,
  };
}

/** Stores a case as intake does and writes its report facts as the router's assignment would. */
export async function seed(h: Harness, r: CaseRecord): Promise<void> {
  await h.deps.cases.create(r);
  await h.deps.reports.sync(r);
}
