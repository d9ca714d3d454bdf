/**
 * The single table's shape, in one place: the DynamoDB adapters, the local engine's table creation
 * and the CDK stack all read it, so they cannot drift apart. See ARCHITECTURE.md for access patterns.
 */
export const KEY = { pk: 'pk', sk: 'sk' } as const;

/** Epoch-seconds attribute for DynamoDB TTL: clean-up only, never relied on for correctness. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface IndexDefinition {
  name: string;
  pk: string;
  sk?: string;
  /** Project only these attributes (besides the keys); default: all. */
  include?: readonly string[];
}

/** The attribute on a case item holding its encoded report fact (see report-store.ts). */
export const FACT_ATTRIBUTE = 'fact';

/** An index's projection, as the SDK (and the local engine's table creation) want it. */
export function projectionOf(index: IndexDefinition): { ProjectionType: 'ALL' } | { ProjectionType: 'INCLUDE'; NonKeyAttributes: string[] } {
  return index.include ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] } : { ProjectionType: 'ALL' };
}

export const INDEX = {
  /** Tracking and look-up by ticket number (H2026-000042). */
  byTicket: { name: 'byTicket', pk: 'ticketNo' },
  /** Work lists: cases in one status, most pressing first. */
  byStatusDue: { name: 'byStatusDue', pk: 'statusKey', sk: 'dueKey' },
  /** All cases by deadline, for lists without a status filter. */
  byDue: { name: 'byDue', pk: 'allKey', sk: 'dueKey' },
  /** An office's cases by deadline (sparse: only assigned cases carry officeKey). */
  byOfficeDue: { name: 'byOfficeDue', pk: 'officeKey', sk: 'dueKey' },
  /**
   * Local timers by fire time: `timerKey` = `TIMERS` (pending) or `TIMERS#DEAD` (dead letters),
   * `fireKey` = `<UTC ISO fireAt>#<caseId>#<step>`. Only timer items carry these attributes.
   */
  byFireAt: { name: 'byFireAt', pk: 'timerKey', sk: 'fireKey' },
  /**
   * Open cases by receipt, with only their report fact (sparse: only open cases carry openKey):
   * the chase list's long-open stragglers, read small.
   */
  byOpenReceipt: { name: 'byOpenReceipt', pk: 'openKey', sk: 'receivedKey', include: [FACT_ATTRIBUTE] },
  /** Cases by when they last changed (UTC day partitions): the reconciler re-syncs report facts of recent changes. */
  byUpdate: { name: 'byUpdate', pk: 'updKey', sk: 'updatedKey' },
  /** Cases in one SLA state (on_track, due_soon, overdue, met, missed), most pressing first. */
  bySlaDue: { name: 'bySlaDue', pk: 'slaKey', sk: 'dueKey' },
} as const satisfies Record<string, IndexDefinition>;

export const INDEXES: readonly IndexDefinition[] = Object.values(INDEX);

/** Every key attribute is a string. */
export const ATTRIBUTE_NAMES: readonly string[] = [
  ...new Set([KEY.pk, KEY.sk, ...INDEXES.flatMap((i) => [i.pk, ...(i.sk ? [i.sk] : [])])]),
];

/** Partition-key prefixes of the item types kept in the table. */
export const ITEM = {
  case: (id: string) => ({ pk: `CASE#${id}`, sk: 'CASE' }),
  ticketSequence: (year: number) => ({ pk: `SEQ#ticket#${year}`, sk: 'SEQ' }),
  // The scope (a token's sub) may contain '#': escaped, so `a` + key `b#c` and `a#b` + key `c` differ.
  idempotency: (scope: string, key: string) => ({ pk: `IDEM#${scope.replace(/[%#]/g, encodeURIComponent)}#${key}`, sk: 'IDEM' }),
  // All calendar years share one partition so one Query lists them.
  calendar: (year: number) => ({ pk: 'CALENDAR', sk: String(year) }),
  rateWindow: (bucket: string, client: string, window: number) => ({ pk: `RATE#${bucket}#${client}#${window}`, sk: 'RATE' }),
  // One partition lists every office.
  office: (id: string) => ({ pk: 'OFFICE', sk: id }),
  // Every routing configuration ever stored, newest last; the highest version is in force.
  routing: (version: number) => ({ pk: 'ROUTING', sk: `v#${String(version).padStart(8, '0')}` }),
  // Beside its case: one item per notice, so claiming an e-mail never races a case update.
  notice: (caseId: string, key: string) => ({ pk: `CASE#${caseId}`, sk: `NOTICE#${key}` }),
  // A local SLA timer, named by (case, step): scheduling the same name again replaces (moves) it.
  timer: (caseId: string, step: string) => ({ pk: `TIMER#${caseId}#${step}`, sk: 'TIMER' }),
  // Local sign-in accounts; one partition lists them all.
  account: (username: string) => ({ pk: 'ACCOUNT', sk: username }),
  // Wrong passwords of one username, keyed by a hash of it (usernames are personal data).
  loginAttempts: (key: string) => ({ pk: `LOGIN#${key}`, sk: 'LOGIN' }),
  // 重复件 look-up: cases by a keyed hash of a contact (phone or e-mail), newest receipt last.
  contact: (hash: string, sk: string) => ({ pk: `CONTACT#${hash}`, sk }),
  // The contact hashes' HMAC key when none is configured: generated once.
  contactKey: () => ({ pk: 'SECRET', sk: 'contact-hash' }),
  // Report facts of the cases received in a month, in buckets by receipt day and shard.
  reportFacts: (month: string, bucket: string) => ({ pk: `REPORT#${month}`, sk: bucket }),
  // A message to the mailbox address, by a hash of its Message-ID: claimed while filed, then its outcome.
  inboundMail: (key: string) => ({ pk: `MAIL#${key}`, sk: 'MAIL' }),
  // A notice's Message-ID → its case: what a reply's In-Reply-To/References is looked up by.
  mailReference: (messageId: string) => ({ pk: `MAILREF#${messageId}`, sk: 'MAILREF' }),
  // New cases one sender (a hash of the address) opened, in 10-minute buckets: the flood rule reads the last hour.
  mailFlood: (sender: string, bucket: number) => ({ pk: `MAILFLOOD#${sender}`, sk: String(bucket).padStart(10, '0') }),
  // Held messages in one partition, newest last by receipt time: the supervisors' review list.
  heldMail: (receivedAt: number, id: string) => ({ pk: 'MAILHELD', sk: `${new Date(receivedAt).toISOString()}#${id}` }),
} as const;
