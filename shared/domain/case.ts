/** The case model and its vocabulary. Pure: no I/O, no clock of its own. */
import type { EscalationLevel, StepId } from './escalation';
import type { CaseEvent } from './history';
import type { NoReceiptReason } from './inbound-mail';
import type { Attachment } from './letter';
import type { RoutingDecision } from './routing';
import type { TimerStepId } from './sla';

export const CHANNELS = ['hotline', 'mailbox', 'walk_in'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CATEGORIES = ['advice', 'complaint', 'investigation'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Lifecycle statuses; later steps (assignment, reply…) arrive with their issues. */
export const STATUSES = ['received', 'assigned', 'returned', 'in_progress', 'paused', 'replied', 'closed'] as const;
export type Status = (typeof STATUSES)[number];
/** Statuses in which the legal deadline still binds. `returned`: sent back by its office, waiting for a supervisor's review. */
export const OPEN_STATUSES: readonly Status[] = ['received', 'assigned', 'returned', 'in_progress', 'paused'];
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

/** 答复 outcomes: 支持 · 解释 · 不予支持 (which must say how to pursue it further). */
export const REPLY_OUTCOMES = ['support', 'explain', 'reject'] as const;
export type ReplyOutcome = (typeof REPLY_OUTCOMES)[number];

/** Why an office asks for more time (延期申请): the category shown to the complainant on /track. */
export const EXTENSION_REASONS = ['needs_investigation', 'multiple_parties', 'awaiting_others', 'complex', 'other'] as const;
export type ExtensionReason = (typeof EXTENSION_REASONS)[number];

/** What turns a case into a 问题工单: sent back, transferred or reworked again and again. */
export const PROBLEM_REASONS = ['returns', 'transfers', 'reworks'] as const;
export type ProblemReason = (typeof PROBLEM_REASONS)[number];

/** The send-back waiting for a supervisor (status `returned`): the office that sent it back, the reason, the note. */
export interface ReturnReview {
  at: number;
  office: string;
  reasonCode: string;
  /** The reason's label when it was given (the configured list may change later). */
  reasonLabel: string;
  note: string;
  /** When the supervisor was reminded that the decision is waiting. */
  remindedAt?: number;
}

/** An office's request for more time, and the supervisor's decision. */
export interface ExtensionRequest {
  at: number;
  office?: string;
  reasonCode: ExtensionReason;
  reason: string;
  state: 'pending' | 'approved' | 'denied';
  decidedAt?: number;
  /** The supervisor's reason for a denial. */
  decisionNote?: string;
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
  /** A letter that came as e-mail to the mailbox address: its Message-ID (the receipt replies to it), and why no receipt goes back, if none does. */
  mail?: { messageId?: string; noReceipt?: NoReceiptReason };
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
  /** The send-back waiting for review (status `returned`); cleared by the supervisor's decision. */
  returnReview?: ReturnReview;
  /** 不当退单: send-backs a supervisor rejected (the case went back to the same office). */
  improperReturns?: number;
  /** 转办: times the case was moved from one office to another (a first dispatch is not one). */
  transfers?: number;
  /** 重办: reopens after an unhappy follow-up (not resolved, or dissatisfied). */
  reworks?: number;
  /** 延期: a complaint extended into an investigation (once). */
  extended?: boolean;
  /** When the case was extended (direct or approved): the writer's 延期告知 is owed from then. */
  extendedAt?: number;
  /** The category of the reason of an approved extension request (shown on /track). */
  extensionReason?: ExtensionReason;
  /** 延期申请: the latest request, and its decision. */
  extensionRequest?: ExtensionRequest;
  /** 问题工单: flagged when a threshold is reached, with the reasons; never unflagged. */
  problem?: { at: number; reasons: ProblemReason[] };
  /** Waiting for the complainant's materials: working days paused are not counted. */
  pauses?: { from: number; to?: number; reason: string; workingDays?: number }[];
  notes?: { at: number; text: string }[];
  /** 答复; replies from before outcomes were required have none. */
  reply?: { at: number; text: string; outcome?: ReplyOutcome; remedies?: string };
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
