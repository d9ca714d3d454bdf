import type { WorkingCalendar } from './calendar';
import { OPEN_STATUSES, replyFollowedUp, type CaseRecord, type Category, type ExtensionReason, type ProblemReason, type ReplyOutcome, type Satisfaction, type Status } from './case';
import { computeDeadline } from './deadline';
import type { ActionChange, Actor, CaseEvent } from './history';
import type { Principal, Role } from './principal';
import { endOfShanghaiDay, shanghaiDayOf, DAY_MS } from './time';

/**
 * The case lifecycle (办理流程) as a pure state machine: which action is allowed in which status, by
 * whom, and what it does to the case. The use case adds the clock, the calendar and the storage.
 */
export const ACTIONS = [
  'accept',
  'return',
  'reject-return',
  'assign',
  'recategorize',
  'request-extension',
  'approve-extension',
  'deny-extension',
  'extend',
  'pause',
  'resume',
  'note',
  'reply',
  'follow-up',
  'reopen',
  'close',
  'link',
] as const;
export type Action = (typeof ACTIONS)[number];

export type { Satisfaction } from './case';

export type ActionInput =
  | { action: 'accept' }
  /** `reasonLabel`: the configured label of `reasonCode` (the use case checks the code against the list). */
  | { action: 'return'; reasonCode: string; reasonLabel: string; note: string }
  | { action: 'reject-return'; reason: string }
  | { action: 'assign'; office: string; reason: string }
  | { action: 'recategorize'; category: Category; reason: string }
  | { action: 'request-extension'; reasonCode: ExtensionReason; reason: string }
  | { action: 'approve-extension'; note?: string }
  | { action: 'deny-extension'; reason: string }
  | { action: 'extend'; reason: string }
  | { action: 'pause'; reason: string }
  | { action: 'resume' }
  | { action: 'note'; text: string }
  | { action: 'reply'; text: string; outcome: ReplyOutcome; remedies?: string }
  | { action: 'follow-up'; resolved: boolean; satisfaction: Satisfaction; comment?: string }
  | { action: 'reopen'; reason: string }
  | { action: 'close'; reason: string; /** Set by the automatic close (办结 without follow-up): the working days it waited. */ afterWorkingDays?: number }
  /** 重复件: closes the case as a repeat of the one with `ticketNo`; the use case resolves `original` from it. */
  | { action: 'link'; ticketNo: string; reason: string; original?: { caseId: string; ticketNo: string } };

export interface LifecyclePolicy {
  /** Working days an office has from assignment to sign for a case. */
  signWithinWorkingDays: number;
  maxPauses: number;
  /** A supervisor may reopen a replied case within this many calendar days of the reply. */
  reopenWithinDays: number;
  /** 问题工单 thresholds: sent back, transferred, reopened after an unhappy follow-up this many times. */
  problemAfter: Readonly<Record<ProblemReason, number>>;
}

export const DEFAULT_LIFECYCLE_POLICY: LifecyclePolicy = {
  signWithinWorkingDays: 1,
  maxPauses: 2,
  reopenWithinDays: 30,
  problemAfter: { returns: 3, transfers: 3, reworks: 2 },
};

/** Where each action may be taken. */
const FROM: Record<Action, readonly Status[]> = {
  accept: ['assigned'],
  return: ['assigned', 'in_progress'],
  // The supervisor's review of a send-back: 转办 (assign to another office) or reject it.
  'reject-return': ['returned'],
  assign: ['received', 'assigned', 'returned', 'in_progress'],
  recategorize: ['received', 'assigned', 'returned', 'in_progress', 'paused'],
  'request-extension': ['assigned', 'in_progress', 'paused'],
  'approve-extension': ['assigned', 'in_progress', 'paused'],
  'deny-extension': ['assigned', 'in_progress', 'paused'],
  extend: ['assigned', 'in_progress'],
  pause: ['in_progress'],
  resume: ['paused'],
  note: ['received', 'assigned', 'returned', 'in_progress', 'paused', 'replied', 'closed'],
  reply: ['in_progress'],
  'follow-up': ['replied'],
  reopen: ['replied', 'closed'],
  close: ['received', 'assigned', 'returned', 'in_progress', 'paused', 'replied'],
  // Only an open case repeats another: once replied, its complainant has had an answer of its own.
  link: OPEN_STATUSES,
};

/**
 * Who may take each action: the assigned office's staff, or supervisors (and admins). An office
 * asks for more time (request-extension); extending is a supervisor's decision.
 */
const OFFICE_ACTIONS: ReadonlySet<Action> = new Set(['accept', 'return', 'request-extension', 'pause', 'resume', 'note', 'reply', 'follow-up', 'link']);
const SUPERVISOR_ROLES: readonly Role[] = ['supervisor', 'admin'];

export function allowedActions(status: Status): Action[] {
  return ACTIONS.filter((a) => FROM[a].includes(status));
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly status: Status,
    readonly action: Action,
    readonly allowed: Action[],
  ) {
    super(`Cannot ${action} a case that is ${status}; allowed now: ${allowed.join(', ') || 'none'}`);
  }
}

export class LifecycleRuleError extends Error {}

/** Whether the caller may act on this case at all (office staff only on their office's cases). */
export function mayAct(p: Principal, c: Pick<CaseRecord, 'office'>, action: Action): boolean {
  if (p.roles.some((r) => SUPERVISOR_ROLES.includes(r))) return true;
  return OFFICE_ACTIONS.has(action) && p.roles.includes('office') && p.office !== undefined && p.office === c.office;
}

export interface LifecycleContext {
  now: number;
  calendar: WorkingCalendar;
  policy: LifecyclePolicy;
}

/** What the action did: the changed case without its bookkeeping (version, timers, history), and its detail for the history. */
export type Transition = { record: CaseRecord } & ActionChange;

/**
 * Applies an action to a case. Throws IllegalTransitionError for a status the action does not
 * apply to, LifecycleRuleError for a rule it breaks (a second extension, a third pause…).
 */
export function applyAction(c: CaseRecord, input: ActionInput, ctx: LifecycleContext): Transition {
  if (!FROM[input.action].includes(c.status)) throw new IllegalTransitionError(c.status, input.action, allowedActions(c.status));
  const { now, calendar } = ctx;
  // A reopen starts a new handling period: its deadline counts from the reopen, and only its pauses count.
  const periodStart = c.reopenedAt ?? c.receivedAt;
  const periodPauses = (c.pauses ?? []).filter((p) => p.from >= (c.reopenedAt ?? -Infinity));
  const pausedDays = periodPauses.reduce((n, p) => n + (p.workingDays ?? 0), 0);
  /** The deadline for a category, counted from the period's start (or `from`), moved by the working days paused. */
  const deadline = (category: Category, from = periodStart, paused = pausedDays) => {
    const d = computeDeadline(calendar, from, category, c.urgent);
    return { ...d, dueAt: paused ? endOfShanghaiDay(calendar.addWorkingDays(shanghaiDayOf(d.dueAt), paused)) : d.dueAt };
  };

  switch (input.action) {
    case 'accept': {
      const signBy = endOfShanghaiDay(calendar.addWorkingDays(shanghaiDayOf(c.assignedAt ?? now), ctx.policy.signWithinWorkingDays));
      const late = now > signBy;
      return { record: { ...c, status: 'in_progress', acceptedAt: now, acceptedLate: late }, action: 'accept', detail: { late } };
    }
    case 'return': {
      // The case leaves the office and waits for a supervisor: 转办 elsewhere, or back (不当退单).
      const { office, assignedAt: _at, acceptedAt: _acc, acceptedLate: _late, ...rest } = c;
      const review = { at: now, office: office ?? '', reasonCode: input.reasonCode, reasonLabel: input.reasonLabel, note: input.note };
      return flagged({ record: { ...rest, status: 'returned', returns: (c.returns ?? 0) + 1, returnReview: review }, action: 'return', detail: { reasonCode: input.reasonCode, reasonLabel: input.reasonLabel, note: input.note, from: office } }, ctx);
    }
    case 'reject-return': {
      const review = c.returnReview;
      if (!review) throw new LifecycleRuleError('The case has no send-back waiting for review');
      // Back to the office that sent it back, to be signed for again; the send-back counts as 不当退单.
      const { returnReview: _r, ...rest } = c;
      return {
        record: { ...rest, status: 'assigned', office: review.office, assignedAt: now, improperReturns: (c.improperReturns ?? 0) + 1 },
        action: 'reject-return',
        detail: { reason: input.reason, to: review.office, reasonCode: review.reasonCode, improper: true },
      };
    }
    case 'assign': {
      const from = c.office ?? c.returnReview?.office;
      if (c.status === 'returned' && input.office === from) {
        throw new LifecycleRuleError(`The case was sent back by ${from}: to give it back to that office, reject the send-back (reject-return)`);
      }
      // A move from one office to another (a re-dispatch after a send-back too) is a transfer (转办); a first dispatch is not.
      const transfer = from !== undefined && from !== input.office;
      const { returnReview: _r, ...rest } = c;
      return flagged(
        {
          record: { ...rest, status: 'assigned', office: input.office, assignedAt: now, acceptedAt: undefined, acceptedLate: undefined, ...(transfer && { transfers: (c.transfers ?? 0) + 1 }) },
          action: 'assign',
          detail: { reason: input.reason, from: from ?? null, to: input.office, ...(c.status === 'returned' && { returnReviewed: true }) },
        },
        ctx,
      );
    }
    case 'recategorize': {
      if (input.category === c.category) throw new LifecycleRuleError(`The case is already ${c.category}`);
      const d = deadline(input.category);
      return {
        record: { ...c, category: input.category, sla: { ...c.sla, dueAt: d.dueAt, workingDays: d.workingDays, calendarEstimated: d.calendarEstimated } },
        action: 'recategorize',
        detail: { reason: input.reason, from: c.category, to: input.category, dueAt: d.dueAt },
      };
    }
    case 'request-extension': {
      mayBeExtended(c);
      if (c.extensionRequest?.state === 'pending') throw new LifecycleRuleError('An extension request is already waiting for a decision');
      // 延期 is asked for before expiry, never after.
      if (now > c.sla.dueAt) throw new LifecycleRuleError('An extension must be requested before the deadline; the case is already overdue');
      const request = { at: now, ...(c.office !== undefined && { office: c.office }), reasonCode: input.reasonCode, reason: input.reason, state: 'pending' as const };
      return { record: { ...c, extensionRequest: request }, action: 'request-extension', detail: { reasonCode: input.reasonCode, reason: input.reason } };
    }
    case 'approve-extension':
    case 'deny-extension': {
      const request = c.extensionRequest;
      if (request?.state !== 'pending') throw new LifecycleRuleError('The case has no extension request waiting for a decision');
      if (input.action === 'deny-extension') {
        return { record: { ...c, extensionRequest: { ...request, state: 'denied', decidedAt: now, decisionNote: input.reason } }, action: 'deny-extension', detail: { reason: input.reason, reasonCode: request.reasonCode } };
      }
      mayBeExtended(c);
      const d = deadline('investigation');
      return {
        record: {
          ...c,
          category: 'investigation',
          extended: true,
          extendedAt: now,
          extensionReason: request.reasonCode,
          extensionRequest: { ...request, state: 'approved', decidedAt: now, ...(input.note !== undefined && { decisionNote: input.note }) },
          sla: { ...c.sla, dueAt: d.dueAt, workingDays: d.workingDays, calendarEstimated: d.calendarEstimated },
        },
        action: 'approve-extension',
        detail: { reasonCode: request.reasonCode, dueAt: d.dueAt, ...(input.note !== undefined && { note: input.note }) },
      };
    }
    case 'extend': {
      mayBeExtended(c);
      const d = deadline('investigation');
      // A supervisor extending directly also settles a request waiting for a decision.
      const request = c.extensionRequest?.state === 'pending' ? { extensionRequest: { ...c.extensionRequest, state: 'approved' as const, decidedAt: now } } : {};
      return {
        record: { ...c, ...request, category: 'investigation', extended: true, extendedAt: now, sla: { ...c.sla, dueAt: d.dueAt, workingDays: d.workingDays, calendarEstimated: d.calendarEstimated } },
        action: 'extend',
        detail: { reason: input.reason, dueAt: d.dueAt },
      };
    }
    case 'pause': {
      if (periodPauses.length >= ctx.policy.maxPauses) throw new LifecycleRuleError(`A case can be paused at most ${ctx.policy.maxPauses} times`);
      return { record: { ...c, status: 'paused', pauses: [...(c.pauses ?? []), { from: now, reason: input.reason }] }, action: 'pause', detail: { reason: input.reason } };
    }
    case 'resume': {
      const pauses = [...(c.pauses ?? [])];
      const open = pauses.at(-1);
      if (!open || open.to !== undefined) throw new LifecycleRuleError('The case has no open pause');
      // Working days after the pause began, through the day it ends, are not counted.
      const workingDays = calendar.countWorkingDays(shanghaiDayOf(open.from), shanghaiDayOf(now));
      pauses[pauses.length - 1] = { ...open, to: now, workingDays };
      const dueAt = workingDays ? endOfShanghaiDay(calendar.addWorkingDays(shanghaiDayOf(c.sla.dueAt), workingDays)) : c.sla.dueAt;
      return { record: { ...c, status: 'in_progress', pauses, sla: { ...c.sla, dueAt } }, action: 'resume', detail: { pausedWorkingDays: workingDays, dueAt } };
    }
    case 'note':
      return { record: { ...c, notes: [...(c.notes ?? []), { at: now, text: input.text }] }, action: 'note' };
    case 'reply': {
      if (input.outcome === 'reject' && !input.remedies) throw new LifecycleRuleError('A reply that does not support the request (reject) must say how to pursue it further (remedies)');
      const met = now <= c.sla.dueAt;
      const reply = { at: now, text: input.text, outcome: input.outcome, ...(input.remedies !== undefined && { remedies: input.remedies }) };
      return {
        record: { ...c, status: 'replied', reply, sla: { ...c.sla, state: met ? 'met' : 'missed' } },
        action: 'reply',
        // The text is kept in the history too: a reopen and a second reply replace `reply`.
        detail: { onTime: met, text: input.text, outcome: input.outcome, ...(input.remedies !== undefined && { remedies: input.remedies }) },
      };
    }
    case 'follow-up': {
      // One rating per reply: a dissatisfied complainant is offered a reopen, not a second vote.
      if (replyFollowedUp(c)) throw new LifecycleRuleError('This reply was already followed up; a supervisor may reopen or close the case');
      const satisfied = input.resolved && input.satisfaction !== 'dissatisfied';
      const followUp = { at: now, resolved: input.resolved, satisfaction: input.satisfaction, ...(input.comment !== undefined && { comment: input.comment }) };
      return { record: { ...c, status: satisfied ? 'closed' : 'replied', followUp, ...(satisfied && { closedAt: now }) }, action: 'follow-up', detail: { ...followUp, reopenOffered: !satisfied } };
    }
    case 'reopen': {
      const repliedAt = c.reply?.at;
      if (repliedAt === undefined || now - repliedAt > ctx.policy.reopenWithinDays * DAY_MS) {
        throw new LifecycleRuleError(`A case can be reopened only within ${ctx.policy.reopenWithinDays} days of its reply`);
      }
      // A new deadline of the category's working days, counted from the reopen date.
      const d = deadline(c.category, now, 0);
      const { closedAt: _closed, ...rest } = c;
      // 重办: reopened because the follow-up of this reply found it unresolved or unsatisfying.
      const rework = replyFollowedUp(c) && c.followUp !== undefined && !(c.followUp.resolved && c.followUp.satisfaction !== 'dissatisfied');
      return flagged(
        {
          record: {
            ...rest,
            status: 'in_progress',
            reopened: (c.reopened ?? 0) + 1,
            ...(rework && { reworks: (c.reworks ?? 0) + 1 }),
            reopenedAt: now,
            sla: { ...c.sla, dueAt: d.dueAt, workingDays: d.workingDays, calendarEstimated: d.calendarEstimated, state: 'on_track', lastStep: undefined },
          },
          action: 'reopen',
          detail: { reason: input.reason, dueAt: d.dueAt, ...(rework && { rework: true }) },
        },
        ctx,
      );
    }
    case 'close':
      return {
        record: { ...c, status: 'closed', closedAt: now },
        action: 'close',
        detail: { reason: input.reason, ...(input.afterWorkingDays !== undefined && { afterWorkingDays: input.afterWorkingDays }) },
      };
    case 'link': {
      // Closed with the reference and nothing else: no reply, no notice; its timers stop with it.
      const original = input.original;
      if (!original) throw new LifecycleRuleError('The original case must be resolved from its ticket number first');
      if (original.caseId === c.id) throw new LifecycleRuleError('A case cannot be a duplicate of itself');
      return { record: { ...c, status: 'closed', closedAt: now, duplicateOf: original }, action: 'link', detail: { reason: input.reason, duplicateOf: original.ticketNo, originalId: original.caseId } };
    }
  }
}

/**
 * An action applied and recorded: the changed case with its event appended to the history (by
 * whom, when, from which status to which, and the action's detail). The caller adds the version
 * and the timer the case needs, and writes it conditionally.
 */
export function recordAction(c: CaseRecord, input: ActionInput, by: Actor, ctx: LifecycleContext): { record: CaseRecord; event: CaseEvent } {
  const { record, ...change } = applyAction(c, input, ctx);
  // In the stored order: at, by, action, from, to, detail.
  const event: CaseEvent = Object.assign({ at: ctx.now, by, action: change.action, from: c.status, to: record.status }, change);
  return { record: { ...record, events: [...(c.events ?? []), event] }, event };
}

/** The rules every extension shares (direct, or approved on request). */
function mayBeExtended(c: CaseRecord): void {
  if (c.extended) throw new LifecycleRuleError('The case was already extended once');
  if (c.category !== 'complaint') throw new LifecycleRuleError('Only a complaint can be extended into an investigation');
}

/** The 问题工单 reasons a case has reached under the policy's thresholds. */
export function problemReasons(c: Pick<CaseRecord, 'returns' | 'transfers' | 'reworks'>, policy: LifecyclePolicy): ProblemReason[] {
  const counts: Record<ProblemReason, number> = { returns: c.returns ?? 0, transfers: c.transfers ?? 0, reworks: c.reworks ?? 0 };
  return (Object.keys(counts) as ProblemReason[]).filter((r) => counts[r] >= policy.problemAfter[r]);
}

/**
 * The transition, with the case flagged as a 问题工单 when it just reached a threshold (the first
 * flag keeps its time; a later reason is added to it). The event says which reasons are new.
 */
function flagged<T extends Extract<Transition, { action: 'return' | 'assign' | 'reopen' }>>(t: T, ctx: LifecycleContext): T {
  const reasons = problemReasons(t.record, ctx.policy);
  const before = t.record.problem?.reasons ?? [];
  const added = reasons.filter((r) => !before.includes(r));
  if (!added.length) return t;
  return { ...t, record: { ...t.record, problem: { at: t.record.problem?.at ?? ctx.now, reasons: [...before, ...added] } }, detail: { ...t.detail, problem: added } };
}
