import { timingSafeEqual } from 'node:crypto';
import type { CaseRecord } from '../domain/case';
import { NotFoundError } from '../domain/errors';
import type { CaseStore } from '../ports';

export type PublicCaseView = Pick<CaseRecord, 'ticketNo' | 'status' | 'category' | 'receivedAt'> & { dueAt: number };

/**
 * What a complainant may see with ticket number and tracking code: status and dates, nothing personal.
 * An unknown ticket and a wrong code are indistinguishable to the caller.
 */
export async function trackCase(cases: CaseStore, ticketNo: string, code: string): Promise<PublicCaseView> {
  const record = await cases.getByTicket(ticketNo);
  if (!record || !sameCode(record.trackingCode, code.toUpperCase())) {
    throw new NotFoundError('No case matches this ticket number and tracking code');
  }
  return { ticketNo: record.ticketNo, status: record.status, category: record.category, receivedAt: record.receivedAt, dueAt: record.sla.dueAt };
}

function sameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
