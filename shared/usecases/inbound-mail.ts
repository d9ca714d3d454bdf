/**
 * Files a message sent to the mailbox's e-mail address: a new case (the sender as complainant, the
 * text as description, the files by the mailbox's rules), a supplement (补充材料) to the case it
 * answers, nothing (loops, bounces, automatic replies), or held for review (spam, virus, a flood).
 * The same message delivered twice (an MTA's retry, SES's, a fetchmail re-run) is filed once: it
 * is claimed by its Message-ID first, and its outcome recorded; a redelivery gets that outcome.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CaseInput, CaseRecord } from '../domain/case';
import type { CaseEvent } from '../domain/history';
import { VersionConflictError } from '../domain/errors';
import {
  caseSubjectOf,
  decideFiling,
  FLOOD_WINDOW_MS,
  HELD_KEEP_MS,
  MAX_DESCRIPTION_CHARS,
  MESSAGE_REMEMBER_MS,
  normalizeMessageId,
  threadReferences,
  ticketNumbersIn,
  triageMail,
  type CaseCandidate,
  type FilingDecision,
  type HoldReason,
  type InboundLetter,
  type NoReceiptReason,
  type OwnMail,
} from '../domain/inbound-mail';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_TOTAL_BYTES, sniffContentType, type Attachment } from '../domain/letter';
import { supplementNotice } from '../notifications/supplement';
import type { AttachmentStore, HeldMail, InboundMailStore, Mailer, MailOutcome, NoticeLedger, OfficeStore } from '../ports';
import { createCase, type IntakeDeps } from './intake';
import { sendOnce } from './notices';

export interface InboundMailDeps extends IntakeDeps {
  inboundMail: InboundMailStore;
  /** Where letters' files go; without it, files are listed as not received. */
  attachments?: AttachmentStore;
  /** The office is told of a supplement once (notice key `supplement:<message>`). */
  notices: NoticeLedger;
  mailer: Mailer;
  offices: Pick<OfficeStore, 'get'>;
  publicBaseUrl: string;
  /** What counts as our own mail (never filed). */
  own: OwnMail;
}

export interface InboundMessage {
  raw: Uint8Array;
  letter: InboundLetter;
  /** Where the raw message stays, should it be held. */
  source: HeldMail['raw'];
}

export interface FiledMail {
  outcome: MailOutcome;
  /** True when the message had been filed before (a redelivery): nothing was done now. */
  duplicate: boolean;
}

/** Another delivery of the same message is being filed right now: try again later. */
export class MailBusyError extends Error {}

/** Who filed: the mailbox address itself (the events' `by.sub`, the cases' `createdBy`). */
export const MAIL_SUBJECT = 'mailbox-email';
const LEASE_MS = 60_000;
/** A supplement's text on its event; a longer body goes along whole as a text file. */
const MAX_SUPPLEMENT_CHARS = 5_000;
const HELD_EXCERPT_CHARS = 1_000;

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The key a message is filed once by: its Message-ID, or its bytes when it has none. */
export function messageKeyOf(raw: Uint8Array, letter: Pick<InboundLetter, 'messageId'>): string {
  const id = letter.messageId ? normalizeMessageId(letter.messageId) : undefined;
  return sha256(id ?? `raw:${sha256(raw)}`).slice(0, 32);
}

export async function fileInboundMail(deps: InboundMailDeps, message: InboundMessage): Promise<FiledMail> {
  const key = messageKeyOf(message.raw, message.letter);
  const now = deps.clock.now();
  const log = deps.logger.child({ messageKey: key });
  const claim = await deps.inboundMail.claim(key, now, now + LEASE_MS, now + MESSAGE_REMEMBER_MS);
  if (!claim.claimed) {
    if (!claim.outcome) throw new MailBusyError('this message is being filed by another delivery');
    log.info('mail.duplicate', { outcome: claim.outcome.kind });
    return { outcome: claim.outcome, duplicate: true };
  }
  try {
    const outcome = await file(deps, message, key);
    await deps.inboundMail.settle(key, outcome, deps.clock.now());
    log.info('mail.filed', { outcome: outcome.kind, ...('caseId' in outcome && { caseId: outcome.caseId }), ...('reason' in outcome && { reason: outcome.reason }) });
    return { outcome, duplicate: false };
  } catch (err) {
    await deps.inboundMail.release(key).catch(() => undefined);
    throw err;
  }
}

async function file(deps: InboundMailDeps, message: InboundMessage, key: string): Promise<MailOutcome> {
  const { letter } = message;
  const triage = triageMail(letter, deps.own);
  if (triage.kind === 'drop') return { kind: 'dropped', reason: triage.reason };
  if (triage.kind === 'hold') return hold(deps, message, key, triage.reason);

  const facts = { referenced: await referencedCase(deps, letter), ticketed: await ticketedCases(deps, letter.subject), newCasesInWindow: 0 };
  let decision: FilingDecision = decideFiling(triage, letter, facts);
  if (decision.kind === 'new_case') {
    const sender = sha256(letter.from?.address ?? '(none)').slice(0, 22);
    const opened = await deps.inboundMail.countNewCase(sender, deps.clock.now(), FLOOD_WINDOW_MS);
    decision = decideFiling(triage, letter, { ...facts, newCasesInWindow: opened - 1 });
  }
  switch (decision.kind) {
    case 'drop':
      return { kind: 'dropped', reason: decision.reason };
    case 'hold':
      return hold(deps, message, key, decision.reason);
    case 'supplement':
      await supplement(deps, letter, key, decision.caseId, decision.via);
      return { kind: 'supplement', caseId: decision.caseId };
    case 'new_case':
      return { kind: 'case', caseId: await newCase(deps, letter, key, decision.noReceipt) };
  }
}

/** The case whose notice the message replies to (In-Reply-To first, then References, newest first). */
async function referencedCase(deps: InboundMailDeps, letter: InboundLetter): Promise<CaseCandidate | undefined> {
  const found = await Promise.all(threadReferences(letter).map((id) => deps.inboundMail.caseOfMessageId(id)));
  for (const caseId of found) {
    if (!caseId) continue;
    const record = await deps.cases.get(caseId);
    if (record) return candidate(record);
  }
  return undefined;
}

async function ticketedCases(deps: InboundMailDeps, subject: string): Promise<CaseCandidate[]> {
  const records = await Promise.all(ticketNumbersIn(subject).map((t) => deps.cases.getByTicket(t)));
  return records.filter((r): r is CaseRecord => r !== undefined).map(candidate);
}

const candidate = (r: CaseRecord): CaseCandidate => ({ id: r.id, ...(r.complainant?.email && { email: r.complainant.email }) });

interface SelectedFiles {
  accepted: { attachment: Attachment; bytes: Uint8Array }[];
  /** Files not taken, with why (zh-CN, for the office reading the case). */
  refused: string[];
}

/** The mailbox's rules for files (shared/domain/letter.ts), applied to mail: what fits is kept, what does not is named on the case. */
function selectFiles(files: InboundLetter['attachments'], storing: boolean): SelectedFiles {
  const accepted: SelectedFiles['accepted'] = [];
  const refused: string[] = [];
  let total = 0;
  for (const f of files) {
    const why = !storing
      ? '本信箱暂不接收附件'
      : f.bytes.length === 0
        ? '空文件'
        : f.bytes.length > MAX_ATTACHMENT_BYTES
          ? `超过${MAX_ATTACHMENT_BYTES / 1048576}MB`
          : accepted.length >= MAX_ATTACHMENTS
            ? `超过${MAX_ATTACHMENTS}个附件`
            : total + f.bytes.length > MAX_ATTACHMENTS_TOTAL_BYTES
              ? `附件合计超过${MAX_ATTACHMENTS_TOTAL_BYTES / 1048576}MB`
              : undefined;
    const contentType = why ? undefined : sniffContentType(f.bytes, f.name);
    if (why || !contentType) {
      refused.push(`“${f.name}”（${why ?? '文件类型不能接收'}）`);
      continue;
    }
    total += f.bytes.length;
    accepted.push({ attachment: { id: randomUUID(), name: f.name.split(/[\\/]/).pop() || '附件', size: f.bytes.length, contentType, sha256: sha256(f.bytes) }, bytes: f.bytes });
  }
  return { accepted, refused };
}

/** The body as text for the case (bounded), and the files: a longer body goes along whole as a text file. */
function bodyAndFiles(deps: InboundMailDeps, letter: InboundLetter, max: number): { text: string; files: SelectedFiles } {
  const whole = letter.text;
  const attachments = [...letter.attachments];
  let text = whole;
  if (whole.length > max && deps.attachments) {
    attachments.unshift({ name: '邮件正文全文.txt', bytes: new TextEncoder().encode(whole) });
    text = `${whole.slice(0, max - 40)}\n…（正文较长，全文见附件“邮件正文全文.txt”）`;
  } else if (whole.length > max) {
    text = `${whole.slice(0, max - 20)}\n…（正文过长，已截断）`;
  }
  const files = selectFiles(attachments, deps.attachments !== undefined);
  if (files.refused.length) text = `${text}\n\n（以下附件未能接收：${files.refused.join('、')}）`.trim();
  return { text: text || '（邮件无正文）', files };
}

async function storeFiles(deps: InboundMailDeps, files: SelectedFiles): Promise<void> {
  for (const f of files.accepted) await deps.attachments?.put(f.attachment.id, f.bytes, { contentType: f.attachment.contentType });
}

async function newCase(deps: InboundMailDeps, letter: InboundLetter, key: string, noReceipt: NoReceiptReason | undefined): Promise<string> {
  const { text, files } = bodyAndFiles(deps, letter, MAX_DESCRIPTION_CHARS);
  // Files first: a case never lists a file that is not stored.
  await storeFiles(deps, files);
  const messageId = letter.messageId ? normalizeMessageId(letter.messageId) : undefined;
  const from = letter.from;
  const input: CaseInput = {
    channel: 'mailbox',
    category: 'advice',
    urgent: false,
    subject: caseSubjectOf(letter.subject) ?? firstLine(text),
    description: text,
    receivedAt: deps.clock.now(),
    ...(from && { complainant: { email: from.address, ...(from.name && { name: from.name.slice(0, 100) }) } }),
    ...(files.accepted.length && { attachments: files.accepted.map((f) => f.attachment) }),
    mail: { ...(messageId && { messageId }), ...(noReceipt && { noReceipt }) },
  };
  // The same key as the message's claim: a retry after a crash between the case and its outcome finds this case.
  const result = await createCase(deps, input, MAIL_SUBJECT, { scope: 'mail', key, requestHash: key, ttlMs: MESSAGE_REMEMBER_MS });
  if (result.replayed) for (const f of files.accepted) await deps.attachments?.delete(f.attachment.id);
  return result.record.id;
}

function firstLine(text: string): string {
  const first = text.split('\n', 1)[0]?.trim() ?? '';
  return first.length > 60 ? `${first.slice(0, 59)}…` : first || '（无标题）';
}

/** 补充材料: the text and files appended to the case as one event (a conditional write on its version), then the office told once. */
async function supplement(deps: InboundMailDeps, letter: InboundLetter, key: string, caseId: string, via: 'reference' | 'ticket'): Promise<void> {
  const { text, files } = bodyAndFiles(deps, letter, MAX_SUPPLEMENT_CHARS);
  let stored = false;
  let record: CaseRecord | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await deps.cases.get(caseId, { consistent: true });
    if (!current) throw new Error(`case ${caseId} vanished`);
    // Recorded already (a retry after a crash before the outcome): only the notice may be owed.
    if (current.events?.some((e) => e.action === 'supplement' && e.detail?.messageKey === key)) {
      record = current;
      if (stored) for (const f of files.accepted) await deps.attachments?.delete(f.attachment.id);
      break;
    }
    if (!stored) {
      await storeFiles(deps, files);
      stored = true;
    }
    const now = deps.clock.now();
    const messageId = letter.messageId ? normalizeMessageId(letter.messageId) : undefined;
    const event: CaseEvent = {
      at: now,
      by: { sub: MAIL_SUBJECT, roles: [] },
      action: 'supplement',
      from: current.status,
      to: current.status,
      detail: {
        messageKey: key,
        ...(messageId && { messageId }),
        via,
        text,
        ...(files.accepted.length && { attachments: files.accepted.map((f) => f.attachment.id) }),
      },
    };
    const next: CaseRecord = {
      ...current,
      ...(files.accepted.length && { attachments: [...(current.attachments ?? []), ...files.accepted.map((f) => f.attachment)] }),
      events: [...(current.events ?? []), event],
      updatedAt: now,
      version: current.version + 1,
    };
    try {
      await deps.cases.replace(next, current.version);
      record = next;
      break;
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
    }
  }
  if (!record) throw new MailBusyError(`case ${caseId} kept changing; the supplement is retried`);
  await tellOffice(deps, record, key, files.accepted.length);
}

async function tellOffice(deps: InboundMailDeps, record: CaseRecord, key: string, files: number): Promise<void> {
  // Not routed yet: its office learns of the case, supplement included, with the assignment.
  if (!record.office) return;
  const office = await deps.offices.get(record.office);
  if (!office) return;
  const at = deps.clock.now();
  const outcome = await sendOnce(deps, { owner: record.id, key: `supplement:${key}` }, () => supplementNotice({ record, office, at, files, publicBaseUrl: deps.publicBaseUrl }));
  if (outcome === 'busy') throw new MailBusyError('the supplement notice is being sent by another delivery');
}

async function hold(deps: InboundMailDeps, message: InboundMessage, key: string, reason: HoldReason): Promise<MailOutcome> {
  const now = deps.clock.now();
  const { letter } = message;
  await deps.inboundMail.hold({
    id: key,
    receivedAt: now,
    expiresAt: now + HELD_KEEP_MS,
    reason,
    ...(letter.from && { from: letter.from }),
    subject: letter.subject.slice(0, 200),
    excerpt: letter.text.slice(0, HELD_EXCERPT_CHARS),
    attachments: letter.attachments.map((a) => ({ name: a.name, size: a.bytes.length })),
    raw: message.source,
  });
  return { kind: 'held', heldId: key, reason };
}

/** Held messages for supervisors, newest first. */
export function listHeldMail(deps: Pick<InboundMailDeps, 'inboundMail' | 'clock'>, limit: number, cursor?: string) {
  return deps.inboundMail.listHeld(deps.clock.now(), limit, cursor);
}
