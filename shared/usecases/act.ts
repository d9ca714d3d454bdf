import { mayReadCase } from '../domain/access';
import type { CaseRecord } from '../domain/case';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, ValidationError, VersionConflictError } from '../domain/errors';
import type { Actor } from '../domain/history';
import { allowedActions, IllegalTransitionError, LifecycleRuleError, mayAct, recordAction, type ActionInput, type LifecyclePolicy } from '../domain/lifecycle';
import type { Principal } from '../domain/principal';
import { DEFAULT_RETURN_REASONS, type ReturnReason } from '../domain/vocabulary';
import { nextVersion, type EscalationPolicy } from '../domain/sla';
import type { Logger } from '../observability/logger';
import type { CaseQueue, CaseStore, Clock, Mailer, NoticeLedger, OfficeStore, TimerService } from '../ports';
import type { CalendarService } from './calendar';
import { sendCaseNotices } from './case-notices';
import { notifyOffice } from './route-case';
import type { RoutingConfigCache } from './routing-config';
import { syncTimer } from './sla-timers';

export interface ActDeps {
  cases: CaseStore;
  offices: OfficeStore;
  timers: TimerService;
  calendar: CalendarService;
  policy: EscalationPolicy;
  lifecycle: LifecyclePolicy;
  /** For the e-mail to the office a case is transferred to (sent now, and queued for the router as its retry). */
  notices: NoticeLedger;
  queue: CaseQueue;
  routing: RoutingConfigCache;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  publicBaseUrl: string;
  /** The send-back reasons in force (RETURN_REASONS); default: 非本部门职责, 信息不全, 重复件, 其他. */
  returnReasons?: readonly ReturnReason[];
}

/** An action as a caller asks for it: a send-back names its reason by code (its label comes from the list in force). */
export type ActionRequest = Exclude<ActionInput, { action: 'return' }> | { action: 'return'; reasonCode: string; note: string };

/** The action with a send-back's reason code checked against the list in force and its label added. */
function resolve(deps: Pick<ActDeps, 'returnReasons'>, request: ActionRequest): ActionInput {
  if (request.action !== 'return') return request;
  const reasons = deps.returnReasons ?? DEFAULT_RETURN_REASONS;
  const reason = reasons.find((r) => r.code === request.reasonCode);
  if (!reason) {
    throw new ValidationError('Unknown send-back reason', [{ path: 'reasonCode', message: `must be one of ${reasons.map((r) => r.code).join(', ')} (GET /v1/return-reasons)` }]);
  }
  return { ...request, reasonLabel: reason.label['zh-CN'] };
}

/**
 * One lifecycle action, as one conditional write on the version the caller saw (If-Match): the
 * new state, its event in the history, and the SLA timer it needs, together. Two offices acting
 * at once cannot both win: the second gets 412. Timers and the transfer e-mail follow the write.
 */
export async function act(deps: ActDeps, id: string, request: ActionRequest, principal: Principal, ifMatch: number): Promise<CaseRecord> {
  const input = resolve(deps, request);
  const record = await deps.cases.get(id);
  if (!record || !mayReadCase(principal, record)) throw new NotFoundError(`No case with id ${id}`);
  if (!mayAct(principal, record, input.action)) throw new ForbiddenError(`Your roles may not ${input.action} this case`);
  if (ifMatch !== record.version) {
    throw new PreconditionFailedError(`The case is at version ${record.version}, not ${ifMatch}; read it again`, { currentVersion: record.version });
  }
  if (input.action === 'assign' && !(await deps.offices.get(input.office))) {
    throw new ValidationError('No such office', [{ path: 'office', message: `no office ${input.office}` }]);
  }
  const resolved = input.action === 'link' ? { ...input, original: await originalOf(deps.cases, record, input.ticketNo) } : input;
  return commitAction(deps, record, resolved, { sub: principal.sub, roles: principal.roles, ...(principal.office && { office: principal.office }) });
}

/** The case a repeat is linked to: another case, itself no repeat (link to the first one, so a chain never forms). */
async function originalOf(cases: CaseStore, record: CaseRecord, ticketNo: string): Promise<{ caseId: string; ticketNo: string }> {
  const original = await cases.getByTicket(ticketNo);
  if (!original) throw new ValidationError('No such case', [{ path: 'ticketNo', message: `no case with ticket number ${ticketNo}` }]);
  if (original.id === record.id) throw new ValidationError('A case cannot repeat itself', [{ path: 'ticketNo', message: 'is this case’s own ticket number' }]);
  if (original.duplicateOf) {
    throw new ValidationError('That case is itself a repeat', [{ path: 'ticketNo', message: `is a repeat of ${original.duplicateOf.ticketNo}: link to that one` }]);
  }
  return { caseId: original.id, ticketNo: original.ticketNo };
}

/**
 * Apply an action the caller was found allowed to take to `record` as read, and write it
 * conditionally on that version (412 when the case moved meanwhile). The complainant's own
 * follow-up on the tracking page comes in here too, with `by` naming the complainant.
 */
export async function commitAction(deps: ActDeps, record: CaseRecord, input: ActionInput, by: Actor): Promise<CaseRecord> {
  const id = record.id;
  const now = deps.clock.now();
  const calendar = await deps.calendar.current();
  let applied;
  try {
    applied = recordAction(record, input, by, { now, calendar, policy: deps.lifecycle });
  } catch (err) {
    if (err instanceof IllegalTransitionError) {
      throw new ConflictError(err.message, { currentStatus: err.status, allowedActions: err.allowed });
    }
    if (err instanceof LifecycleRuleError) {
      throw new ConflictError(err.message, { currentStatus: record.status, allowedActions: allowedActions(record.status) });
    }
    throw err;
  }
  const next = nextVersion(deps.policy, calendar, record, applied.record, now);
  try {
    await deps.cases.replace(next, record.version);
  } catch (err) {
    if (err instanceof VersionConflictError) throw new PreconditionFailedError('The case changed while your action was applied; read it again');
    throw err;
  }
  deps.logger.info('case.action', { caseId: id, action: input.action, from: record.status, to: next.status, version: next.version });
  // The action is committed: what follows may fail without undoing it, and the reconciler repairs it
  // (it gives every open case the timer its record names), so the caller still gets 200.
  await syncTimer(deps.timers, record, next).catch((err: unknown) => deps.logger.warn('case.timer_sync_failed', { caseId: id, error: err }));
  // The e-mails the action made owed (a reply's or an extension's notice to the writer, a 问题工单's
  // to the supervisor) go now; one that fails goes through the router's queue, as a transfer's does.
  const noticeFailed = await sendCaseNotices({ ...deps, office: (office) => deps.offices.get(office) }, next).then(
    () => false,
    (err: unknown) => (deps.logger.warn('case.notice_failed', { caseId: id, error: err }), true),
  );
  if (input.action === 'assign' || input.action === 'reject-return') {
    // The new office is told as a routed case's office is: now, and through the router's queue, which
    // retries until the notice is sent (the ledger lets one e-mail out). If even the send fails, the
    // reconciler re-enqueues assigned cases whose notice is still owed.
    await notifyOffice(deps, next).catch((err: unknown) => deps.logger.warn('case.assign_notice_failed', { caseId: id, error: err }));
  }
  if (input.action === 'assign' || input.action === 'reject-return' || noticeFailed) {
    await deps.queue
      .send({ caseId: id, category: next.category, version: next.version })
      .catch((err: unknown) => deps.logger.warn('case.enqueue_failed', { caseId: id, error: err }));
  }
  return next;
}
