import type { CaseRecord } from '../domain/case';
import { VersionConflictError } from '../domain/errors';
import { decideRoute } from '../domain/routing';
import { assignmentNotice } from '../notifications/assignment';
import { receiptNotice } from '../notifications/receipt';
import type { Logger } from '../observability/logger';
import type { EscalationPolicy } from '../domain/sla';
import { normalizeMessageId } from '../domain/inbound-mail';
import type { CaseStore, Clock, InboundMailStore, Mailer, NoticeLedger, RoutingMessage, TimerService } from '../ports';
import type { CalendarService } from './calendar';
import type { RoutingConfigCache } from './routing-config';
import { syncTimer, withPlannedTimer } from './sla-timers';

export interface RouterDeps {
  cases: CaseStore;
  routing: RoutingConfigCache;
  notices: NoticeLedger;
  mailer: Mailer;
  /** SLA timers start at assignment. */
  timers: TimerService;
  calendar: CalendarService;
  policy: EscalationPolicy;
  clock: Clock;
  logger: Logger;
  publicBaseUrl: string;
  /** The mailbox's e-mail address (MAILBOX_ADDRESS): receipts to e-mailed letters may be answered there. */
  mailboxAddress?: string;
  /** Where a receipt's Message-ID is remembered, so a reply to it finds its case. */
  inboundMail?: Pick<InboundMailStore, 'rememberMessageId'>;
}

export type RouteOutcome = 'assigned' | 'notified' | 'no_op';

/** How long a claimed notice is reserved for its sender before another may send it. */
const NOTICE_LEASE_MS = 60_000;

/** Thrown for messages that must be retried (and, if they keep failing, end in the dead-letter queue). */
export class RetryLaterError extends Error {}

/**
 * Handles one routing message. Idempotent: the assignment is a conditional write on the case's
 * version, so a duplicate delivery or an older message changes nothing; the office's e-mail is
 * claimed in the notice ledger first, so it goes out once even when deliveries race.
 */
export async function routeCase(deps: RouterDeps, message: RoutingMessage): Promise<RouteOutcome> {
  const log = deps.logger.child({ caseId: message.caseId, messageVersion: message.version });
  let record = await deps.cases.get(message.caseId);
  if (!record) throw new RetryLaterError('case not found');
  let outcome: RouteOutcome = 'no_op';

  if (record.status === 'received') {
    if (message.version < record.version) {
      log.info('router.stale_message', { caseVersion: record.version });
      return 'no_op';
    }
    if (message.version > record.version) throw new RetryLaterError(`message is ahead of the stored case (version ${record.version})`);
    const assigned = await assign(deps, record);
    if (!assigned) return routeCase(deps, message); // Changed under us: decide again on what is stored now.
    record = assigned;
    outcome = 'assigned';
    log.info('router.assigned', { office: record.office, ruleIndex: record.routing?.ruleIndex ?? null, rulesVersion: record.routing?.rulesVersion });
  }

  // The assignment this message made (now or on an earlier delivery) owes the office one e-mail,
  // and the case its SLA timer (scheduling again is harmless: timers are named).
  if (record.routing?.messageVersion === message.version && record.office && record.assignedAt !== undefined) {
    const sent = await notifyOffice(deps, record);
    if (sent && outcome === 'no_op') outcome = 'notified';
    await sendReceipt(deps, record);
    await syncTimer(deps.timers, undefined, record);
  } else if (record.status === 'assigned' && record.office && record.assignedAt !== undefined) {
    // A case transferred by a supervisor (or any message while it waits to be signed for): its
    // current office is owed one e-mail, which the ledger lets out once.
    if (await notifyOffice(deps, record)) outcome = 'notified';
  }
  return outcome;
}

/** The assigned case, or undefined when another writer got there first. */
async function assign(deps: RouterDeps, record: CaseRecord): Promise<CaseRecord | undefined> {
  const snapshot = await deps.routing.get();
  if (!snapshot) throw new RetryLaterError('no routing configuration stored yet');
  const decision = decideRoute(snapshot.config, record);
  if (!snapshot.offices.has(decision.office)) throw new RetryLaterError(`routing names unknown office ${decision.office}`);
  const now = deps.clock.now();
  const assigned = withPlannedTimer(deps.policy, await deps.calendar.current(), {
    ...record,
    status: 'assigned',
    office: decision.office,
    assignedAt: now,
    routing: { ...decision, at: now },
    updatedAt: now,
    version: record.version + 1,
  });
  try {
    await deps.cases.replace(assigned, record.version);
    return assigned;
  } catch (err) {
    if (err instanceof VersionConflictError) return undefined;
    throw err;
  }
}

/** Sends the new-case e-mail unless it already went; true when this call sent it. */
/** The ledger key of the e-mail that tells an office of its assignment. */
export const assignmentNoticeKey = (record: Pick<CaseRecord, 'office' | 'assignedAt'>) => `assigned:${record.office}:${record.assignedAt}`;

export async function notifyOffice(deps: Pick<RouterDeps, 'notices' | 'routing' | 'mailer' | 'clock' | 'logger' | 'publicBaseUrl'>, record: CaseRecord): Promise<boolean> {
  const key = assignmentNoticeKey(record);
  const now = deps.clock.now();
  const claim = await deps.notices.claim(record.id, key, now + NOTICE_LEASE_MS, now);
  if (claim === 'already_sent') return false;
  if (claim === 'busy') throw new RetryLaterError('the notice is being sent by another delivery');
  const snapshot = await deps.routing.get();
  const office = snapshot?.offices.get(record.office ?? '');
  if (!office) throw new RetryLaterError(`office ${record.office} not found`);
  let messageId: string;
  try {
    messageId = await deps.mailer.send({ ...assignmentNotice({ record, office, publicBaseUrl: deps.publicBaseUrl }), dedupeKey: `${record.id}/${key}` });
  } catch (err) {
    await deps.notices.release(record.id, key);
    throw err;
  }
  await deps.notices.markSent(record.id, key, messageId, deps.clock.now());
  deps.logger.info('router.office_notified', { caseId: record.id, office: office.id });
  return true;
}

/** The ledger key of the receipt (受理告知) to the writer: one per case. */
export const RECEIPT_NOTICE_KEY = 'receipt';

/**
 * Sends the writer's receipt once, when the case has an e-mail address; true when this call sent
 * it. It goes out with the first routing of the case, so a failed send is retried with the
 * message like the office's e-mail.
 */
export async function sendReceipt(deps: Pick<RouterDeps, 'notices' | 'mailer' | 'clock' | 'logger' | 'publicBaseUrl' | 'mailboxAddress' | 'inboundMail'>, record: CaseRecord): Promise<boolean> {
  const message = receiptNotice(record, deps.publicBaseUrl, deps.mailboxAddress);
  if (!message) return false;
  const now = deps.clock.now();
  const claim = await deps.notices.claim(record.id, RECEIPT_NOTICE_KEY, now + NOTICE_LEASE_MS, now);
  if (claim === 'already_sent') return false;
  if (claim === 'busy') throw new RetryLaterError('the receipt is being sent by another delivery');
  let messageId: string;
  try {
    messageId = await deps.mailer.send({ ...message, dedupeKey: `${record.id}/${RECEIPT_NOTICE_KEY}` });
  } catch (err) {
    await deps.notices.release(record.id, RECEIPT_NOTICE_KEY);
    throw err;
  }
  // Remembered before the ledger says sent: a crash in between sends again (the outbox and SMTP keep one copy), never loses the thread.
  const threadId = normalizeMessageId(messageId);
  if (threadId) await deps.inboundMail?.rememberMessageId(threadId, record.id, deps.clock.now());
  await deps.notices.markSent(record.id, RECEIPT_NOTICE_KEY, messageId, deps.clock.now());
  deps.logger.info('router.receipt_sent', { caseId: record.id });
  return true;
}
