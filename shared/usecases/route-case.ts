import type { CaseRecord } from '../domain/case';
import { RetryLaterError, VersionConflictError } from '../domain/errors';
import { decideRoute } from '../domain/routing';
import { assignmentNotice } from '../notifications/assignment';
import { receiptNotice } from '../notifications/receipt';
import { nextVersion } from '../domain/sla';
import type { RoutingMessage } from '../ports';
import { sendOnce } from './notices';
import type { RoutingConfigCache } from './routing-config';
import { syncTimer, type CaseMailDeps } from './sla-timers';

export interface RouterDeps extends CaseMailDeps {
  routing: RoutingConfigCache;
}

export type RouteOutcome = 'assigned' | 'notified' | 'no_op';

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
  const assigned = nextVersion(deps.policy, await deps.calendar.current(), record, { ...record, status: 'assigned', office: decision.office, assignedAt: now, routing: { ...decision, at: now } }, now);
  try {
    await deps.cases.replace(assigned, record.version);
    return assigned;
  } catch (err) {
    if (err instanceof VersionConflictError) return undefined;
    throw err;
  }
}

/** The ledger key of the e-mail that tells an office of its assignment. */
export const assignmentNoticeKey = (record: Pick<CaseRecord, 'office' | 'assignedAt'>) => `assigned:${record.office}:${record.assignedAt}`;

/** Sends the new-case e-mail unless it already went; true when this call sent it. */
export async function notifyOffice(deps: Pick<RouterDeps, 'notices' | 'routing' | 'mailer' | 'clock' | 'logger' | 'publicBaseUrl'>, record: CaseRecord): Promise<boolean> {
  const outcome = await sendOnce(deps, { owner: record.id, key: assignmentNoticeKey(record) }, async () => {
    const office = (await deps.routing.get())?.offices.get(record.office ?? '');
    if (!office) throw new RetryLaterError(`office ${record.office} not found`);
    return assignmentNotice({ record, office, publicBaseUrl: deps.publicBaseUrl });
  });
  if (outcome === 'busy') throw new RetryLaterError('the notice is being sent by another delivery');
  if (outcome === 'sent') deps.logger.info('router.office_notified', { caseId: record.id, office: record.office });
  return outcome === 'sent';
}

/** The ledger key of the receipt (受理告知) to the writer: one per case. */
export const RECEIPT_NOTICE_KEY = 'receipt';

/**
 * Sends the writer's receipt once, when the case has an e-mail address; true when this call sent
 * it. It goes out with the first routing of the case, so a failed send is retried with the
 * message like the office's e-mail.
 */
export async function sendReceipt(deps: Pick<RouterDeps, 'notices' | 'mailer' | 'clock' | 'logger' | 'publicBaseUrl'>, record: CaseRecord): Promise<boolean> {
  const message = receiptNotice(record, deps.publicBaseUrl);
  if (!message) return false;
  const outcome = await sendOnce(deps, { owner: record.id, key: RECEIPT_NOTICE_KEY }, () => message);
  if (outcome === 'busy') throw new RetryLaterError('the receipt is being sent by another delivery');
  if (outcome === 'sent') deps.logger.info('router.receipt_sent', { caseId: record.id });
  return outcome === 'sent';
}
