import type { CaseRecord } from '../domain/case';
import type { Office } from '../domain/routing';
import { extensionNotice, replyNotice } from '../notifications/writer';
import { problemNotice } from '../notifications/supervision';
import type { Logger } from '../observability/logger';
import type { Clock, Mailer, MailMessage, NoticeLedger } from '../ports';
import { RetryLaterError } from '../domain/errors';
import { sendOnce } from './notices';

/**
 * The e-mails a case owes because of what was done to it, each once (the notice ledger): the
 * writer's 答复告知 per reply and 延期告知, and the supervisor's 问题工单 notice. The action that
 * makes one owed sends it after its write; if that fails, the reconciler's sweep puts the case on
 * its queue and the router, which sends whatever a case owes, tries again.
 */
export interface CaseNoticeDeps {
  notices: NoticeLedger;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  publicBaseUrl: string;
  /** The office a case is with (for the supervisor's addresses). */
  office(id: string): Promise<Office | undefined>;
}

interface OwedNotice {
  key: string;
  message(office: Office | undefined): MailMessage | undefined;
}

/** Ledger keys: one 答复告知 per reply, one 延期告知 and one 问题工单 notice per case. */
export const replyNoticeKey = (at: number) => `reply:${at}`;
export const EXTENSION_NOTICE_KEY = 'extension';
export const PROBLEM_NOTICE_KEY = 'problem';

/** What the record says it owes (the ledger then says what already went). */
function owed(record: CaseRecord, publicBaseUrl: string): OwedNotice[] {
  const out: OwedNotice[] = [];
  if (record.reply?.outcome && record.complainant?.email) out.push({ key: replyNoticeKey(record.reply.at), message: () => replyNotice(record, publicBaseUrl) });
  if (record.extendedAt !== undefined && record.complainant?.email) out.push({ key: EXTENSION_NOTICE_KEY, message: () => extensionNotice(record, publicBaseUrl) });
  if (record.problem) out.push({ key: PROBLEM_NOTICE_KEY, message: (office) => (office ? problemNotice(record, office, publicBaseUrl) : undefined) });
  return out;
}

/** The office whose supervisor hears of the case: the one it is with, or the one that sent it back. */
const officeOf = (r: CaseRecord) => r.office ?? r.returnReview?.office;

/** Whether any notice the record names is not yet sent (for the reconciler's sweep). */
export async function owesNotice(notices: NoticeLedger, record: CaseRecord): Promise<boolean> {
  for (const n of owed(record, '')) if (!(await notices.isSent(record.id, n.key))) return true;
  return false;
}

/** Sends every notice the case owes and has not sent; returns how many this call sent. */
export async function sendCaseNotices(deps: CaseNoticeDeps, record: CaseRecord): Promise<number> {
  let sent = 0;
  let office: Office | undefined | null = null;
  for (const notice of owed(record, deps.publicBaseUrl)) {
    if (await deps.notices.isSent(record.id, notice.key)) continue;
    const id = officeOf(record);
    if (office === null) office = id === undefined ? undefined : await deps.office(id);
    const message = notice.message(office);
    if (!message) {
      // Nobody to tell (an office without supervisor addresses): nothing is owed, and nothing is claimed.
      deps.logger.warn('case.notice_no_recipient', { caseId: record.id, notice: notice.key, office: id });
      continue;
    }
    const outcome = await sendOnce(deps, { owner: record.id, key: notice.key }, () => message);
    if (outcome === 'busy') throw new RetryLaterError(`notice ${notice.key} is being sent by another delivery`);
    if (outcome === 'sent') {
      sent++;
      deps.logger.info('case.notice_sent', { caseId: record.id, notice: notice.key });
    }
  }
  return sent;
}
