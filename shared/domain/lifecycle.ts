import type { WorkingCalendar } from './calendar';
import { OPEN_STATUSES, replyFollowedUp, type CaseRecord, type Category, type Satisfaction, type Status } from './case';
import { computeDeadline } from './deadline';
import type { ActionChange, Actor, CaseEvent } from './history';
import type { Principal, Role } from './principal';
import { endOfShanghaiDay, shanghaiDayOf, DAY_MS } from './time';

/**
 * The case lifecycle (办理流程) as a pure state machine: which action is allowed in which status, by
 * whom, and what it does to the case. The use case adds the clock, the calendar and the storage.
 */
export const ACTIONS = ['accept', 'return', 'assign', 'recategorize', 'extend', 'pause', 'resume', 'note', 'reply', 'follow-up', 'reopen', 'close', 'link'] as const;
export type Action = (typeof ACTIONS)[number];

export type { Satisfaction } from './case';

export type ActionInput =
  | { action: 'accept' }
  | { action: 'return'; reason: string }
  | { action: 'assign'; office: string; reason: string }
  | { action: 'recategorize'; category: Category; reason: string }
  | { action: 'extend'; reason: string }
  | { action: 'pause'; reason: string }
  | { action: 'resume' }
  | { action: 'note'; text: string }
  | { action: 'reply'; text: string }
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
}

export const DEFAULT_LIFECYCLE_POLICY: LifecyclePolicy = { signWithinWorkingDays: 1, maxPauses: 2, reopenWithinDays: 30 };

/** Where each action may be taken. */
const FROM: Record<Action, readonly Status[]> = {
  accept: ['assigned'],
  return: ['assigned', 'in_progress'],
  assign: ['received', 'assigned', 'in_progress'],
  recategorize: ['received', 'assigned', 'in_progress', 'paused'],
  extend: ['assigned', 'in_progress'],
  pause: ['in_progress'],
  resume: ['paused'],
  note: ['received', 'assigned', 'in_progress', 'paused', 'replied', 'closed'],
  reply: ['in_progress'],
  'follow-up': ['replied'],
  reopen: ['replied', 'closed'],
  close: ['received', 'assigned', 'in_progress', 'paused', 'replied'],
  // Only an open case repeats another: once replied, its complainant has had an answer of its own.
  link: OPEN_STATUSES,
};

/** Who may take each action: the assigned office's staff, or supervisors (and admins). */
const OFFICE_ACTIONS: ReadonlySet<Action> = new Set(['accept', 'return', 'extend', 'pause', 'resume', 'note', 'reply', 'follow-up', 'link']);
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
      const { office: _office, assignedAt: _at, acceptedAt: _acc, acceptedLate: _late, ...rest } = c;
      return { record: { ...rest, status: 'received', returns: (c.returns ?? 0) + 1 }, action: 'return', detail: { reason: input.reason, from: c.office } };
    }
    case 'assign':
      return {
        record: { ...c, status: 'assigned', office: input.office, assignedAt: now, acceptedAt: undefined, acceptedLate: undefined },
        action: 'assign',
        detail: { reason: input.reason, from: c.office ?? null, to: input.office },
      };
    case 'recategorize': {
      if (input.category === c.category) throw new LifecycleRuleError(`The case is already ${c.category}`);
      const d = deadline(input.category);
      return {
        record: { ...c, category: input.category, sla: { ...c.sla, dueAt: d.dueAt, workingDays: d.workingDays, calendarEstimated: d.calendarEstimated } },
        action: 'recategorize',
        detail: { reason: input.reason, from: c.category, to: input.category, dueAt: d.dueAt },
      };
    }
    case 'extend': {
      if (c.extended) throw new LifecycleRuleError('The case was already extended once');
      if (c.category !== 'complaint') throw new LifecycleRuleError('Only a complaint can be extended into an investigation');
      const d = deadline('investigation');
      return {
        record: { ...c, category: 'investigation', extended: true, sla: { ...c.sla, dueAt: d.dueAt, workingDays: d.workingDays, calendarEstimated: d.calendarEstimated } },
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
      const met = now <= c.sla.dueAt;
      return {
        record: { ...c, status: 'replied', reply: { at: now, text: input.text }, sla: { ...c.sla, state: met ? 'met' : 'missed' } },
        action: 'reply',
        // The text is kept in the history too: a reopen and a second reply replace `reply`.
        detail: { onTime: met, text: input.text },
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
      return {
        record: { ...rest, status: 'in_progress', reopened: (c.reopened ?? 0) + 1, reopenedAt: now, sla: { ...c.sla, dueAt: d.dueAt, workingDays: d.workingDays, calendarEstimated: d.calendarEstimated, state: 'on_track', lastStep: undefined } },
        action: 'reopen',
        detail: { reason: input.reason, dueAt: d.dueAt },
      };
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
