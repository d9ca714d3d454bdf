import type { CaseRecord, Category, Channel, ExtensionReason, ProblemReason, ReplyOutcome, Status } from './case';
import type { EscalationLevel, StepId } from './escalation';
import type { NoReceiptReason } from './inbound-mail';
import type { Action, Satisfaction } from './lifecycle';
import type { RoutingDecision } from './routing';

/**
 * The case's history (履历), pure. Every action appends one typed `CaseEvent` to `events[]` in the
 * write that makes the change; intake, the router's assignment and each escalation are kept on
 * the case itself. From these the staff history and the complainant's public timeline are derived
 * here, so no reader re-checks a detail's shape.
 */

/** Who: the token's subject and roles (never a name). */
export interface Actor {
  sub: string;
  roles: readonly string[];
  office?: string;
}

/** What each action records about itself, exactly as stored (old records read the same). */
export interface ActionDetails {
  accept: { late: boolean };
  /**
   * `from`: the office that sent it back. Since send-backs cite a configured reason: its code, its
   * label then, and the note; before, a free `reason`. `problem`: the 问题工单 reasons this step added.
   */
  return: { reason?: string; reasonCode?: string; reasonLabel?: string; note?: string; from?: string; problem?: ProblemReason[] };
  /** The send-back rejected (不当退单): the case back to the office that sent it back. */
  'reject-return': { reason: string; to: string; reasonCode: string; improper: true };
  /** `returnReviewed`: the re-dispatch of a sent-back case. */
  assign: { reason: string; from: string | null; to: string; returnReviewed?: true; problem?: ProblemReason[] };
  recategorize: { reason: string; from: Category; to: Category; dueAt: number };
  'request-extension': { reasonCode: ExtensionReason; reason: string };
  'approve-extension': { reasonCode: ExtensionReason; dueAt: number; note?: string };
  'deny-extension': { reason: string; reasonCode: ExtensionReason };
  extend: { reason: string; dueAt: number };
  pause: { reason: string };
  resume: { pausedWorkingDays: number; dueAt: number };
  /** The reply text is kept here too (a reopen and a second reply replace `reply`); replies written before the public timeline have none, before outcomes no outcome. */
  reply: { onTime: boolean; text?: string; outcome?: ReplyOutcome; remedies?: string };
  'follow-up': { at: number; resolved: boolean; satisfaction: Satisfaction; comment?: string; reopenOffered: boolean };
  /** `rework`: reopened after an unhappy follow-up (重办). */
  reopen: { reason: string; dueAt: number; rework?: true; problem?: ProblemReason[] };
  /** `afterWorkingDays`: the automatic close (办结 without follow-up) by `system`. */
  close: { reason: string; afterWorkingDays?: number };
  /** 重复件: the ticket number and id of the case this one repeats. */
  link: { reason: string; duplicateOf: string; originalId: string };
}

/** An action and its detail; a note records nothing but itself (its text is in `notes`). */
export type ActionChange = { [A in keyof ActionDetails]: { action: A; detail: ActionDetails[A] } }[keyof ActionDetails] | { action: 'note'; detail?: undefined };

/**
 * 补充材料: more from the writer by e-mail (shared/usecases/inbound-mail.ts) — a reply to the
 * receipt, or a message naming the ticket. Not a lifecycle action: the status stays as it was.
 */
export interface SupplementDetail {
  /** The message's key (a hash of its Message-ID): a redelivery finds its event and adds nothing. */
  messageKey: string;
  messageId?: string;
  via: 'reference' | 'ticket';
  text: string;
  /** Ids of the files it brought (listed on the case's `attachments`). */
  attachments?: string[];
}
export type SupplementChange = { action: 'supplement'; detail: SupplementDetail };

/** One entry of the append-only history of what people did to the case (and what the writer sent later). */
export type CaseEvent = { at: number; by: Actor; from: Status; to: Status } & (ActionChange | SupplementChange);

// Every lifecycle action has its event, and no event names another action.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _everyActionHasAnEvent: Same<ActionChange['action'], Action> = true;
void _everyActionHasAnEvent;

const SYSTEM: Actor = { sub: 'system', roles: [] };

/** The staff history: intake, routing and escalations (kept on the case) beside the actions' events. */
export type HistoryEntry =
  | CaseEvent
  | { at: number; by: Actor; action: 'received'; to: 'received'; detail: { channel: Channel; receivedAt: number; ignoredFields?: string[]; via?: 'email'; messageId?: string; noReceipt?: NoReceiptReason } }
  | { at: number; by: Actor; action: 'routed'; from: 'received'; to: 'assigned'; detail: Pick<RoutingDecision, 'office' | 'ruleIndex' | 'rulesVersion'> }
  | { at: number; by: Actor; action: `escalation:${StepId}`; detail: { level: EscalationLevel; skipped?: StepId[] } };

/**
 * The case's history, oldest first. Each part was written by the conditional write that made it
 * (intake, the router's assignment, each escalation, each action appends its event), so the
 * history never disagrees with the case; this only merges them in time order.
 */
export function caseHistory(r: CaseRecord): HistoryEntry[] {
  const items: HistoryEntry[] = [
    {
      at: r.createdAt,
      by: { sub: r.createdBy, roles: [] },
      action: 'received',
      to: 'received',
      detail: { channel: r.channel, receivedAt: r.receivedAt, ...(r.ignoredFields?.length && { ignoredFields: r.ignoredFields }), ...(r.mail && { via: 'email' as const, ...r.mail }) },
    },
  ];
  if (r.routing?.at !== undefined) {
    items.push({ at: r.routing.at, by: SYSTEM, action: 'routed', from: 'received', to: 'assigned', detail: { office: r.routing.office, ruleIndex: r.routing.ruleIndex, rulesVersion: r.routing.rulesVersion } });
  }
  for (const e of r.escalations ?? []) items.push({ at: e.at, by: SYSTEM, action: `escalation:${e.step}`, detail: { level: e.level, ...(e.skipped && { skipped: e.skipped }) } });
  for (const e of r.events ?? []) items.push(e);
  return items.sort((a, b) => a.at - b.at);
}

/** What the complainant sees happen to their case. Offices are named by id; the reader puts their names. */
export type PublicStep =
  | { at: number; kind: 'received' | 'paused' | 'closed' }
  /** Closed as a repeat: the complainant's own earlier case, by ticket number only. */
  | { at: number; kind: 'closed'; mergedInto: string }
  | { at: number; kind: 'assigned' | 'accepted'; officeId?: string }
  | { at: number; kind: 'category_changed'; category: Category; dueAt: number }
  | { at: number; kind: 'extended'; category: 'investigation'; dueAt: number; extensionReason?: ExtensionReason }
  | { at: number; kind: 'resumed' | 'reopened'; dueAt: number }
  | { at: number; kind: 'replied'; text: string; outcome?: ReplyOutcome; remedies?: string }
  | { at: number; kind: 'rated'; resolved: boolean; satisfaction: Satisfaction };

const withOffice = (officeId: string | undefined) => (officeId === undefined ? {} : { officeId });

/**
 * The public timeline, oldest first: received, assigned, signed for, category changes and
 * extensions with their new deadline, pauses, replies with their text, ratings, reopenings,
 * closing. Notes, reasons, returns and escalations are internal and left out.
 */
export function publicTimeline(r: CaseRecord): PublicStep[] {
  const steps: PublicStep[] = [{ at: r.receivedAt, kind: 'received' }];
  if (r.routing?.at !== undefined) steps.push({ at: r.routing.at, kind: 'assigned', officeId: r.routing.office });
  for (const e of r.events ?? []) {
    switch (e.action) {
      case 'assign':
        steps.push({ at: e.at, kind: 'assigned', officeId: e.detail.to });
        break;
      case 'accept':
        steps.push({ at: e.at, kind: 'accepted', ...withOffice(e.by.office ?? officeAt(r, e.at)) });
        break;
      case 'recategorize':
        steps.push({ at: e.at, kind: 'category_changed', category: e.detail.to, dueAt: e.detail.dueAt });
        break;
      case 'extend':
        steps.push({ at: e.at, kind: 'extended', category: 'investigation', dueAt: e.detail.dueAt });
        break;
      case 'approve-extension':
        steps.push({ at: e.at, kind: 'extended', category: 'investigation', dueAt: e.detail.dueAt, extensionReason: e.detail.reasonCode });
        break;
      case 'pause':
        steps.push({ at: e.at, kind: 'paused' });
        break;
      case 'resume':
        steps.push({ at: e.at, kind: 'resumed', dueAt: e.detail.dueAt });
        break;
      case 'reopen':
        steps.push({ at: e.at, kind: 'reopened', dueAt: e.detail.dueAt });
        break;
      case 'reply':
        // Replies before the text was kept on the event have it only on the case.
        steps.push({
          at: e.at,
          kind: 'replied',
          text: e.detail.text ?? (r.reply?.at === e.at ? r.reply.text : ''),
          ...(e.detail.outcome && { outcome: e.detail.outcome }),
          ...(e.detail.remedies !== undefined && { remedies: e.detail.remedies }),
        });
        break;
      case 'follow-up':
        steps.push({ at: e.at, kind: 'rated', resolved: e.detail.resolved, satisfaction: e.detail.satisfaction });
        if (e.to === 'closed') steps.push({ at: e.at, kind: 'closed' });
        break;
      case 'close':
        steps.push({ at: e.at, kind: 'closed' });
        break;
      case 'link':
        steps.push({ at: e.at, kind: 'closed', mergedInto: e.detail.duplicateOf });
        break;
    }
  }
  return steps.sort((a, b) => a.at - b.at);
}

/** The office a case was with at `at` (the last assignment before it), for an accept by a supervisor. */
function officeAt(r: CaseRecord, at: number): string | undefined {
  let office = r.routing?.at !== undefined && r.routing.at <= at ? r.routing.office : undefined;
  for (const e of r.events ?? []) if (e.at <= at && e.action === 'assign') office = e.detail.to;
  return office;
}
