/** The case model and its vocabulary. Pure: no I/O, no clock of its own. */
import type { EscalationLevel, StepId } from './escalation';
import type { CaseEvent } from './history';
import type { Attachment } from './letter';
import type { RoutingDecision } from './routing';
import type { TimerStepId } from './sla';

export const CHANNELS = ['hotline', 'mailbox', 'walk_in'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CATEGORIES = ['advice', 'complaint', 'investigation'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Lifecycle statuses; later steps (assignment, reply…) arrive with their issues. */
export const STATUSES = ['received', 'assigned', 'in_progress', 'paused', 'replied', 'closed'] as const;
export type Status = (typeof STATUSES)[number];
/** Statuses in which the legal deadline still binds. */
export const OPEN_STATUSES: readonly Status[] = ['received', 'assigned', 'in_progress', 'paused'];
/** Open statuses whose deadline clock runs: paused cases wait for the complainant's materials. */
export const TIMED_STATUSES: readonly Status[] = ['assigned', 'in_progress'];

export function isOpenStatus(status: Status): boolean {
  return OPEN_STATUSES.includes(status);
}

export function isTimedStatus(status: Status): boolean {
  return TIMED_STATUSES.includes(status);
}

/** The follow-up's (回访) answer to "are you satisfied"; stored facts encode them by index, so only append. */
export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

/** Whether the reply in force was already followed up (回访 is once per reply). */
export function replyFollowedUp(c: { reply?: { at: number }; followUp?: { at: number } }): boolean {
  return c.reply !== undefined && c.followUp !== undefined && c.followUp.at >= c.reply.at;
}

export const SLA_STATES = ['on_track', 'due_soon', 'overdue', 'met', 'missed'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/** Suggested topic codes; any short lowercase code is accepted. */
export const TOPICS = ['wages', 'dismissal', 'injury', 'social_insurance', 'safety', 'legal_aid', 'psychological', 'other'] as const;

export const CHANNEL_LETTER: Readonly<Record<Channel, string>> = { hotline: 'H', mailbox: 'M', walk_in: 'W' };

export interface Complainant {
  name?: string;
  phone?: string;
  email?: string;
  employer?: string;
  anonymous?: boolean;
}

export interface HotlineDetails {
  callId: string;
  operatorId?: string;
  callerNumber?: string;
}

export interface WalkInDetails {
  visitors: number;
  batchId?: string;
}

/** What intake accepts, already validated. */
export interface CaseInput {
  channel: Channel;
  category: Category;
  urgent: boolean;
  subject: string;
  description: string;
  topic?: string;
  region?: string;
  /** Epoch milliseconds. */
  receivedAt: number;
  complainant?: Complainant;
  hotline?: HotlineDetails;
  walkIn?: WalkInDetails;
  /** Files the writer attached to a mailbox letter (stored beside the case, never public). */
  attachments?: Attachment[];
  /** Names of the form fields the mailbox did not know and ignored (never their values). */
  ignoredFields?: string[];
}

export interface Sla {
  /** Epoch milliseconds: 23:59:59 +08:00 of the last working day allowed. */
  dueAt: number;
  workingDays: number;
  state: SlaState;
  calendarEstimated: boolean;
  /** The most severe escalation step handled so far ('warning', 'breach', 'overdue-<n>'). */
  lastStep?: StepId;
  /** The timer the case should have now (an SLA step, or 'autoclose'); the reconciler re-creates it when it goes missing. */
  timer?: { step: TimerStepId; fireAt: number; version: number };
}

/** 督办 record: one entry per escalation step handled, kept on the case for the audit trail. */
export interface EscalationEvent {
  step: StepId;
  level: EscalationLevel;
  at: number;
  /** Steps passed over because a more severe one was already due (catch-up without floods). */
  skipped?: StepId[];
}

export interface CaseRecord extends CaseInput {
  id: string;
  ticketNo: string;
  trackingCode: string;
  status: Status;
  sla: Sla;
  /** Set when the router assigns the case (分派): the office, when, and why (the rule that matched). */
  office?: string;
  assignedAt?: number;
  routing?: RoutingDecision;
  escalations?: EscalationEvent[];
  /** 签收: when the office signed for it, and whether after its sign-for time. */
  acceptedAt?: number;
  acceptedLate?: boolean;
  /** 退单: times an office sent it back as misrouted. */
  returns?: number;
  /** 延期: a complaint extended into an investigation (once). */
  extended?: boolean;
  /** Waiting for the complainant's materials: working days paused are not counted. */
  pauses?: { from: number; to?: number; reason: string; workingDays?: number }[];
  notes?: { at: number; text: string }[];
  reply?: { at: number; text: string };
  /** 回访 */
  followUp?: { at: number; resolved: boolean; satisfaction: Satisfaction; comment?: string };
  closedAt?: number;
  reopened?: number;
  /** The last reopen: the current handling period's deadline counts from here. */
  reopenedAt?: number;
  events?: CaseEvent[];
  /** 重复件 suspected at intake: open cases of the last 30 days with the same contact (keyed hashes) and topic, by ticket number. */
  possibleDuplicates?: string[];
  /** 重复件: linked by staff to the case it repeats, and closed with that reference. */
  duplicateOf?: { caseId: string; ticketNo: string };
  /** Who logged it: the token's subject, or "public" for the web form. */
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  version: number;
}
