/**
 * Ports: what the use cases need from the outside world. AWS and local adapters implement them;
 * the domain core never sees them.
 */
import type { Account } from '../domain/account';
import type { CalendarYearData } from '../domain/calendar';
import type { CaseRecord, Category, Channel, SlaState, Status } from '../domain/case';
import type { Attachment } from '../domain/letter';
import type { Principal } from '../domain/principal';
import type { CaseFact } from '../domain/report';
import type { Office, RoutingConfig, VersionedRoutingConfig } from '../domain/routing';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface IdGenerator {
  caseId(): string;
  /** 8 characters from an unambiguous alphabet, handed to the complainant. */
  trackingCode(): string;
}

export interface CaseListQuery {
  status?: Status;
  slaState?: SlaState;
  /** Scope: only this office's cases (office staff). */
  office?: string;
  /** Scope: only cases this subject logged (operators, reception). */
  createdBy?: string;
  /** Look-up by ticket number. */
  ticketNo?: string;
  category?: Category;
  channel?: Channel;
  /** Epoch ms: only cases due strictly before it. */
  dueBefore?: number;
  /** Only cases with this flag: `problem` (问题工单). */
  flag?: 'problem';
  limit: number;
  cursor?: string;
}

export interface CasePage {
  items: CaseRecord[];
  nextCursor: string | null;
}

export interface CaseStore {
  /** Next ticket sequence number of a year: atomic, gap-tolerant, never reused. */
  nextTicketSequence(year: number): Promise<number>;
  /** Conditional put: fails with DuplicateError when the id exists. */
  create(record: CaseRecord): Promise<void>;
  get(id: string, options?: { consistent?: boolean }): Promise<CaseRecord | undefined>;
  getByTicket(ticketNo: string): Promise<CaseRecord | undefined>;
  /** Index query sorted by dueAt ascending; never a scan. */
  list(query: CaseListQuery): Promise<CasePage>;
  /** Cases in the given statuses (default: the open ones) whose deadline is at or after `from` (epoch ms). */
  openCasesDueFrom(from: number, statuses?: readonly Status[]): AsyncIterable<CaseRecord>;
  /** Conditional put on `version`: fails with VersionConflictError when the stored version differs. */
  replace(record: CaseRecord, expectedVersion: number): Promise<void>;
  /** Cases still `received` whose last send to their queue was before `sentBefore` (epoch ms): the reconciler's work. */
  receivedBefore(sentBefore: number): AsyncIterable<CaseRecord>;
  /** Records that a still-received case was put on its queue again at `at` (no-op once routed). */
  markQueued(id: string, at: number): Promise<void>;
  /** Whether any open case is assigned to the office. */
  hasOpenCases(office: string): Promise<boolean>;
  /** Cases changed at or after `since` (epoch ms), up to about `until`: the reconciler's sweep of report facts. */
  updatedSince(since: number, until: number): AsyncIterable<CaseRecord>;
}

/**
 * Cases by contact, for spotting 重复件 at intake. Values are the domain's normalized contacts
 * (shared/domain/duplicates.ts); the store keeps only keyed hashes of them, never the values.
 */
export interface ContactIndex {
  /** Case ids received within [from, to] (epoch ms) under any of these contact values, newest first, at most `limit` per value. */
  find(values: readonly string[], from: number, to: number, limit: number): Promise<string[]>;
  /** Files a case under its contact values (idempotent). */
  add(values: readonly string[], caseId: string, receivedAt: number): Promise<void>;
}

/** Report facts: one snapshot per case, kept as the case changes (see shared/domain/report.ts). */
export interface ReportFactStore {
  /** Stores the case's facts unless a same or newer version is there; true when it wrote. */
  sync(record: CaseRecord): Promise<boolean>;
  /** The facts of the cases received in these months (YYYY-MM). */
  factsForMonths(months: readonly string[]): Promise<CaseFact[]>;
  /** The facts of the cases still open that were received before `before` (epoch ms). */
  openFactsReceivedBefore(before: number): Promise<CaseFact[]>;
}

export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  caseId: string;
  /** Epoch ms until which the claimant owns the key and others wait. */
  leaseUntil: number;
  /** Epoch ms after which the key is forgotten. */
  expiresAt: number;
}

export interface IdempotencyStore {
  /** Claims a key; returns the existing live record instead when someone holds it. */
  claim(record: IdempotencyRecord, now: number): Promise<{ claimed: true } | { claimed: false; existing: IdempotencyRecord }>;
  /** Takes over a key whose lease ran out (its claimant died mid-way). */
  takeOver(existing: IdempotencyRecord, leaseUntil: number): Promise<boolean>;
}

export interface CalendarStore {
  /** Years stored by an administrator; they override the shipped data. */
  overrides(): Promise<CalendarYearData[]>;
  put(year: CalendarYearData, updatedBy: string, now: number): Promise<void>;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the current window ends. */
  retryAfter: number;
}

export interface RateLimiter {
  hit(bucket: string, client: string, limitPerMinute: number, now: number): Promise<RateLimitDecision>;
}

export interface TokenVerifier {
  /** Resolves the caller, or throws UnauthorizedError. */
  verify(token: string): Promise<Principal>;
}

/**
 * Signs the bearer tokens local sign-in hands out (HS256, verified by the TokenVerifier above).
 * It keeps its own clock, the one its verifier checks `exp` against.
 */
export interface TokenIssuer {
  /** The token for this principal (signed in to a local account with this password version), and when it expires (epoch ms). */
  issue(principal: Principal, account: { passwordVersion: number }): Promise<{ token: string; expiresAt: number }>;
}

/** Password hashing (scrypt in shared/adapters/auth/password.ts). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** A hash nobody knows the password of, checked when the username does not exist (same cost as a wrong password). */
  decoy(): Promise<string>;
}

/** Local sign-in accounts (the embedded default). */
export interface AccountStore {
  get(username: string): Promise<Account | undefined>;
  /** Every account, by username. */
  list(): Promise<Account[]>;
  /**
   * Conditional put: a create when `expectedVersion` is 0 (fails if the username exists), else a
   * replace of exactly that version. Fails with VersionConflictError otherwise.
   */
  put(account: Account, expectedVersion: number): Promise<void>;
  /** Removes the account; false when there was none. */
  delete(username: string): Promise<boolean>;
}

/** Wrong passwords per username (keyed by a hash of it, never the name itself), and locks. */
export interface LoginAttemptStore {
  /** The recorded failures (epoch ms) and the lock, if any. */
  get(key: string): Promise<{ failures: number[]; lockedUntil?: number }>;
  /** Appends a failure at `now`; returns every failure recorded since the last lock or clear. */
  recordFailure(key: string, now: number, keepUntil: number): Promise<number[]>;
  /** Locks until `until` and forgets the failures that led to it. */
  lock(key: string, until: number, keepUntil: number): Promise<void>;
  /** Forgets failures and lock (a successful sign-in, a new password). */
  clear(key: string): Promise<void>;
}

/** What intake puts on a category's queue: enough for the router to find the case and skip stale news. */
export interface RoutingMessage {
  caseId: string;
  category: Category;
  version: number;
}

export interface QueueDepth {
  category: Category;
  /** ApproximateNumberOfMessages. */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received, being worked on. */
  inFlight: number;
  /** Messages in the category's dead-letter queue. */
  deadLetters: number;
}

export interface CaseQueue {
  /** Sends to the category's queue; throws when the queue did not take it. */
  send(message: RoutingMessage): Promise<void>;
  depths(): Promise<QueueDepth[]>;
  /** Moves the category's dead letters back to its queue; returns how many moved. */
  redrive(category: Category): Promise<number>;
}

export interface MailMessage {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. X-Case-Id for search, In-Reply-To/References for threading. */
  headers?: Record<string, string>;
  /** Where replies go (the mailbox address, for a receipt a writer may answer with more material). */
  replyTo?: string;
  /** Files, e.g. the monthly report's CSVs. */
  attachments?: { filename: string; content: string; contentType: string }[];
  /**
   * The same key means the same message (the notice ledger's case and key). A send can be repeated
   * after a crash between the transport taking it and the ledger recording it; transports that can
   * deliver such a repeat once: the outbox keeps one file per key, SMTP gets a Message-ID made from
   * it (mail clients drop a second copy). SES sets its own Message-ID: there a repeat stays possible.
   */
  dedupeKey?: string;
}

export interface Mailer {
  /** Resolves once the transport accepted the message; returns its Message-ID. */
  send(message: MailMessage): Promise<string>;
}

export interface OfficeStore {
  put(office: Office, updatedBy: string, now: number): Promise<void>;
  get(id: string): Promise<Office | undefined>;
  list(): Promise<Office[]>;
  delete(id: string): Promise<void>;
}

export interface RoutingStore {
  current(): Promise<VersionedRoutingConfig | undefined>;
  /** Stores the next version; fails with VersionConflictError when `expectedVersion` is no longer current. */
  put(config: RoutingConfig, expectedVersion: number, updatedBy: string, now: number): Promise<VersionedRoutingConfig>;
}

export type NoticeClaim = 'claimed' | 'already_sent' | 'busy';

/**
 * One e-mail per (case, notice key), across retries and concurrent deliveries: claim before
 * sending (a lease), mark sent after. A claim whose lease ran out may be taken again.
 */
export interface NoticeLedger {
  claim(caseId: string, key: string, leaseUntil: number, now: number): Promise<NoticeClaim>;
  markSent(caseId: string, key: string, messageId: string, now: number): Promise<void>;
  /** Whether the notice went out (a read, for the reconciler). */
  isSent(caseId: string, key: string): Promise<boolean>;
  /** Gives a claim up after a failed send, so the next attempt need not wait out the lease. */
  release(caseId: string, key: string): Promise<void>;
}

/** What a timer carries to the escalator: which step of which case, for which deadline and version. */
export interface TimerPayload {
  caseId: string;
  /** An SLA step id: 'warning', 'breach' or 'overdue-<n>'. */
  step: string;
  /** Epoch ms of the deadline the step was planned for: a moved deadline makes the timer stale. */
  dueAt: number;
  version: number;
}

export interface TimerRequest extends TimerPayload {
  /** Epoch ms; a time already past fires as soon as possible. */
  fireAt: number;
}

/**
 * One-time timers named by (caseId, step): scheduling the same name again moves it (idempotent),
 * cancelling a missing one is fine. EventBridge Scheduler on AWS; timers in the table and an
 * in-process runner locally.
 */
export interface TimerService {
  schedule(timer: TimerRequest): Promise<void>;
  cancel(caseId: string, step: string): Promise<void>;
}

/**
 * Files attached to letters, stored privately beside the table (which lists them on the case).
 * `DATA_DIR/attachments` locally (atomic writes, owner-only), S3 on AWS (SSE, lifecycle rule).
 */
export interface AttachmentStore {
  /** Stores the bytes under the id; replaces nothing else. */
  put(id: string, bytes: Uint8Array, meta: { contentType: string }): Promise<void>;
  /** The bytes, or undefined when there is no such file. */
  get(id: string): Promise<Uint8Array | undefined>;
  /** Where the store can hand out a short-lived download link itself (S3), that link; else undefined. */
  downloadUrl?(id: string, file: { name: string; contentType: string }): Promise<string | undefined>;
  delete(id: string): Promise<void>;
}

/** A file the browser declared before sending it: what its upload will be held to. */
export interface DeclaredUpload {
  /** The upload id (a UUID): the incoming object's name, and the attachment's id once the letter takes it. */
  id: string;
  name: string;
  size: number;
  contentType: string;
}

/** Where and how the browser sends one declared file itself: a form post of `fields` then the file (field `file`, last). */
export interface UploadTarget {
  url: string;
  fields: Record<string, string>;
  /** Epoch ms; a post after it is refused. */
  expiresAt: number;
}

/** An upload as it arrived: the name it was declared with, its size, and its bytes unless it is larger than asked. */
export interface ArrivedUpload {
  name: string;
  size: number;
  /** Absent when the upload is larger than the reader's limit (nothing past it is read). */
  bytes?: Uint8Array;
  /** The object's version tag, so that what is kept is what was read (S3's ETag). */
  etag?: string;
}

/**
 * Files a browser sends straight to storage before it posts the letter, so that a 20 MB letter
 * never passes through the API's request body (API Gateway 10 MB, Lambda 6 MB): S3 presigned POSTs
 * to `incoming/` on AWS; locally the app's own upload route into `$DATA_DIR/attachments/incoming`.
 * The letter names the upload ids; the intake reads each upload, judges it by its bytes, and keeps
 * it as the attachment with the same id. Uploads no letter took expire after a day.
 */
export interface UploadStore {
  /** Where the page's script posts files, as a CSP source (`'self'`, or the bucket's origin) for its connect-src. */
  cspSource(): Promise<string>;
  /** A short-lived target for exactly this file: its key, its type, at most its declared size. */
  target(upload: DeclaredUpload, ttlSeconds: number): Promise<UploadTarget>;
  /** The upload (its bytes if at most maxBytes); undefined when nothing arrived, or it expired. */
  read(id: string, maxBytes: number): Promise<ArrivedUpload | undefined>;
  /**
   * Keeps the upload as the attachment of the same id (type and hash as judged), bound to the letter
   * that took it (`letter`: a hash of its idempotency key and content); the incoming copy stays until `discard`.
   */
  keep(upload: { attachment: Attachment; letter: string; bytes: Uint8Array; etag?: string }): Promise<void>;
  /** An upload a letter already took: its attachment and that letter's binding (a resubmission of the same letter finds it here). */
  kept(id: string): Promise<{ attachment: Attachment; letter: string } | undefined>;
  /** Removes the incoming copy (a letter took it). */
  discard(id: string): Promise<void>;
  /** Locally only: takes the browser's post to a target this store handed out; S3 takes its own. */
  receive?(id: string, fields: Record<string, string>, file: { bytes: Uint8Array; contentType: string }, now: number): Promise<UploadRefusal | undefined>;
}

/** Why a direct upload was refused (as S3 refuses a POST outside its policy). */
export type UploadRefusal = 'unknown' | 'expired' | 'too-large' | 'wrong-type';

/** Where a message filed from the mailbox address came to rest (what a redelivery of it is answered with). */
export type MailOutcome =
  | { kind: 'case'; caseId: string }
  | { kind: 'supplement'; caseId: string }
  | { kind: 'held'; heldId: string; reason: string }
  | { kind: 'dropped'; reason: string };

/** A message held for a supervisor's review instead of filed (spam or virus verdict, a flood). */
export interface HeldMail {
  id: string;
  /** Epoch ms. */
  receivedAt: number;
  /** Epoch ms after which it is forgotten (TTL; reads skip it from then on). */
  expiresAt: number;
  reason: string;
  from?: { address: string; name?: string };
  subject: string;
  /** The start of the text body. */
  excerpt: string;
  attachments: { name: string; size: number }[];
  /** Where the raw message is kept meanwhile: an S3 object (AWS) or a file under DATA_DIR/inbox/held (local). */
  raw: { kind: 's3'; bucket: string; key: string } | { kind: 'file'; name: string };
}

/**
 * The mailbox address's bookkeeping beside the cases: each message filed once by its Message-ID
 * (a claim with a lease, then its outcome), the Message-IDs of the notices each case sent (what a
 * reply's In-Reply-To is looked up by), new cases per sender for the flood rule, held messages.
 */
export interface InboundMailStore {
  /** Claims a message for filing; returns its recorded outcome instead when it was filed before, nothing when another is filing it now. */
  claim(key: string, now: number, leaseUntil: number, keepUntil: number): Promise<{ claimed: true } | { claimed: false; outcome?: MailOutcome }>;
  settle(key: string, outcome: MailOutcome, now: number): Promise<void>;
  /** Gives a claim up after a failure, so the next delivery need not wait out the lease. */
  release(key: string): Promise<void>;
  /** The case a Message-ID (angle brackets included) was sent for. */
  caseOfMessageId(messageId: string): Promise<string | undefined>;
  rememberMessageId(messageId: string, caseId: string, now: number): Promise<void>;
  /** Counts one more new case of this sender (a hash of the address) and returns how many it opened in the last `windowMs`, this one included. */
  countNewCase(sender: string, now: number, windowMs: number): Promise<number>;
  hold(item: HeldMail): Promise<void>;
  /** Held messages not yet expired, newest first. */
  listHeld(now: number, limit: number, cursor?: string): Promise<{ items: HeldMail[]; nextCursor: string | null }>;
}
