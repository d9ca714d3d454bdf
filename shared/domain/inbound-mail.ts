/**
 * A letter to the chairman's mailbox sent as e-mail: what kind of message it is, and where it is
 * filed. Pure: the parser (shared/adapters/mail/parse-inbound.ts) hands over the decoded message,
 * the use case (shared/usecases/inbound-mail.ts) the cases it found; no I/O, no clock.
 *
 * The rules, in order:
 * 1. Nothing is filed for our own messages, bounces, or automatic replies (out-of-office and the
 *    like): they are the loops Zammad and osTicket users complain of.
 * 2. A message the receiving service judged spam or a virus is held for review, not filed.
 * 3. A message that replies to (In-Reply-To / References) a notice of a case, or carries a case's
 *    ticket number in its subject and comes from that case's writer, is a supplement (补充材料) to it.
 * 4. Otherwise it is a new case, unless its sender already opened more than FLOOD_LIMIT cases in
 *    the hour (held). Automatic, bulk, null-sender and no-reply mail is filed without a receipt.
 */
import { CASE_TICKET_NO } from './ticket';

/** More new cases than this from one sender within FLOOD_WINDOW_MS are held for review. */
export const FLOOD_LIMIT = 5;
export const FLOOD_WINDOW_MS = 3_600_000;
/** Held messages are kept this long for a supervisor to look at. */
export const HELD_KEEP_MS = 30 * 86_400_000;
/** The Message-IDs of a message this long after it was first filed are remembered (redeliveries, fetchmail re-runs). */
export const MESSAGE_REMEMBER_MS = 30 * 86_400_000;
/** At most this many Message-IDs of In-Reply-To/References are looked up. */
export const MAX_THREAD_REFERENCES = 20;

/** On AWS the receipt rule's S3 action stores each raw message as `${INBOUND_MAIL_PREFIX}<SES message id>`: the stack and the function agree here. */
export const INBOUND_MAIL_PREFIX = 'inbound/';

/** The domain of the Message-IDs our SMTP and outbox transports give notices: mail carrying one is ours. */
export const OWN_MESSAGE_ID_DOMAIN = 'union-cases';

export type Verdict = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';

/** The decoded message, as the parser gives it: only what the rules and the case need. */
export interface InboundLetter {
  /** Angle brackets included, as written; undefined when the message has none. */
  messageId?: string;
  /** The In-Reply-To and References headers' Message-IDs, angle brackets included (References oldest first, as written). */
  inReplyTo?: string;
  references: string[];
  /** The `From` address, lower-cased, and its display name. */
  from?: { address: string; name?: string };
  /** The envelope sender (SMTP MAIL FROM, Return-Path); '' is the null sender `<>`; undefined when unknown. */
  envelopeFrom?: string;
  subject: string;
  /** The text body; HTML-only mail converted to text. */
  text: string;
  /** Lower-cased header values that decide loops and bulk mail. */
  headers: { autoSubmitted?: string; precedence?: string; listId?: boolean; autoReply?: boolean; contentType?: string; reportType?: string };
  attachments: { name: string; bytes: Uint8Array }[];
  /** From the receiving service (SES on AWS); absent locally. */
  verdicts?: { spam?: Verdict; virus?: Verdict };
}

export const NO_RECEIPT_REASONS = ['auto_submitted', 'bulk', 'null_sender', 'noreply_sender'] as const;
export type NoReceiptReason = (typeof NO_RECEIPT_REASONS)[number];
export const DROP_REASONS = ['own_message', 'bounce', 'auto_reply'] as const;
export type DropReason = (typeof DROP_REASONS)[number];
export const HOLD_REASONS = ['spam', 'virus', 'flood'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** What kind of message it is, before anything is looked up. */
export type MailTriage =
  | { kind: 'drop'; reason: DropReason }
  | { kind: 'hold'; reason: Exclude<HoldReason, 'flood'> }
  | { kind: 'letter'; noReceipt?: NoReceiptReason };

export interface OwnMail {
  /** Addresses our own mail comes from (MAIL_FROM) and the mailbox itself, lower-cased. */
  addresses: readonly string[];
  /** Domains of the Message-IDs our transports write (nodemailer's `union-cases`). */
  messageIdDomains: readonly string[];
}

const NOREPLY = /^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply[-_.].*|.*[-_.]noreply|notifications?|bounces?)(?:[+].*)?@/i;
const DAEMON = /^(?:mailer-daemon|postmaster|mail-daemon)@/i;
/** Subjects of automatic replies as the usual clients write them (Outlook, Foxmail, QQ/163 web mail). */
const AUTO_REPLY_SUBJECT = /^(?:自动回复|自動回覆|自动答复|auto(?:matic)?[- ]?reply|out of (?:the )?office|abwesenheitsnotiz|réponse automatique)\b|^(?:自动回复|自動回覆|自动答复)/i;

const domainOf = (messageId: string) => /@([^>]+)>?\s*$/.exec(messageId)?.[1]?.toLowerCase();

/** Loops, bounces and bulk first: what kind of message this is, from its headers alone. */
export function triageMail(letter: InboundLetter, own: OwnMail): MailTriage {
  const from = letter.from?.address ?? '';
  if (own.addresses.includes(from)) return { kind: 'drop', reason: 'own_message' };
  const idDomain = letter.messageId ? domainOf(letter.messageId) : undefined;
  if (idDomain && own.messageIdDomains.includes(idDomain)) return { kind: 'drop', reason: 'own_message' };

  const type = letter.headers.contentType ?? '';
  const isReport = type === 'multipart/report' && /delivery-status|disposition-notification/.test(letter.headers.reportType ?? '');
  if (isReport || DAEMON.test(from) || (letter.envelopeFrom === '' && !from)) return { kind: 'drop', reason: 'bounce' };
  const auto = letter.headers.autoSubmitted;
  if (auto?.startsWith('auto-replied') || letter.headers.autoReply || letter.headers.precedence === 'auto_reply' || AUTO_REPLY_SUBJECT.test(letter.subject.trim())) {
    return { kind: 'drop', reason: 'auto_reply' };
  }
  // A null sender that is not a report: still never answered (RFC 5321 §4.5.5).
  if (letter.envelopeFrom === '') return { kind: 'drop', reason: 'bounce' };

  if (letter.verdicts?.virus === 'FAIL') return { kind: 'hold', reason: 'virus' };
  if (letter.verdicts?.spam === 'FAIL') return { kind: 'hold', reason: 'spam' };

  if (auto && auto !== 'no') return { kind: 'letter', noReceipt: 'auto_submitted' };
  if (['bulk', 'list', 'junk'].includes(letter.headers.precedence ?? '') || letter.headers.listId) return { kind: 'letter', noReceipt: 'bulk' };
  if (!from) return { kind: 'letter', noReceipt: 'null_sender' };
  if (NOREPLY.test(from)) return { kind: 'letter', noReceipt: 'noreply_sender' };
  return { kind: 'letter' };
}

/** Ticket numbers written in a subject (回复：【受理告知】…工单号M2026-000107). */
export function ticketNumbersIn(subject: string): string[] {
  return [...new Set(subject.match(new RegExp(CASE_TICKET_NO.source, 'g')) ?? [])].slice(0, 5);
}

/** The Message-IDs a reply names, most telling first (In-Reply-To, then References newest first), normalised, at most MAX_THREAD_REFERENCES. */
export function threadReferences(letter: Pick<InboundLetter, 'inReplyTo' | 'references'>): string[] {
  const ids = [letter.inReplyTo, ...[...letter.references].reverse()].map((id) => (id ? normalizeMessageId(id) : undefined)).filter((id): id is string => id !== undefined);
  return [...new Set(ids)].slice(0, MAX_THREAD_REFERENCES);
}

/** `<local@domain>` with the domain lower-cased (it is case-insensitive, the local part is not); undefined when it is not one. */
export function normalizeMessageId(id: string): string | undefined {
  const m = /^\s*<?([^<>\s@]+)@([^<>\s@]+)>?\s*$/.exec(id);
  return m ? `<${m[1]}@${m[2]?.toLowerCase()}>` : undefined;
}

/** A case the message may belong to, as the use case found it. */
export interface CaseCandidate {
  id: string;
  /** The writer's e-mail on the case, if any. */
  email?: string;
}

export type FilingDecision =
  | { kind: 'drop'; reason: DropReason }
  | { kind: 'hold'; reason: HoldReason }
  | { kind: 'supplement'; caseId: string; via: 'reference' | 'ticket' }
  | { kind: 'new_case'; noReceipt?: NoReceiptReason };

export interface FilingFacts {
  /** The case whose notice the message replies to, if any. */
  referenced?: CaseCandidate;
  /** The cases whose ticket numbers the subject names. */
  ticketed: readonly CaseCandidate[];
  /** New cases this sender opened in the flood window, this one not counted. */
  newCasesInWindow: number;
}

/** Where a letter goes, once the cases it names were looked up. */
export function decideFiling(triage: MailTriage, letter: Pick<InboundLetter, 'from'>, facts: FilingFacts): FilingDecision {
  if (triage.kind !== 'letter') return triage;
  if (facts.referenced) return { kind: 'supplement', caseId: facts.referenced.id, via: 'reference' };
  const sender = letter.from?.address;
  // A ticket number alone is public enough (it is on the tracking page's URL): only its writer adds to a case by it.
  const own = sender ? facts.ticketed.find((c) => c.email !== undefined && c.email.toLowerCase() === sender) : undefined;
  if (own) return { kind: 'supplement', caseId: own.id, via: 'ticket' };
  if (facts.newCasesInWindow >= FLOOD_LIMIT) return { kind: 'hold', reason: 'flood' };
  return { kind: 'new_case', ...(triage.noReceipt && { noReceipt: triage.noReceipt }) };
}

/** Reply and forward prefixes clients put before a subject (Re:, 回复：, 答复:, Fwd:, 转发：, AW:, SV:). */
const PREFIX = /^\s*(?:(?:re|fw|fwd|aw|sv|antw|回复|回覆|答复|转发|轉寄)\s*(?:\[\d+\])?\s*[:：]\s*)+/i;

/** The subject of a new case from a mail subject: prefixes dropped, one line, at most 200 characters; undefined when empty. */
export function caseSubjectOf(subject: string): string | undefined {
  const s = subject.replace(PREFIX, '').replace(/\s+/g, ' ').trim();
  if (!s) return undefined;
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

/** The longest description a case takes; a longer body goes along whole as a text file. */
export const MAX_DESCRIPTION_CHARS = 10_000;
