import type { CaseInput, CaseRecord } from '../domain/case';
import { DuplicateError, UnavailableError, UnprocessableError, ValidationError } from '../domain/errors';
import { deadlineOf, newCase, receivedAtProblem } from '../domain/intake';
import { formatTicketNo } from '../domain/ticket';
import { shanghaiDayOf, yearOf } from '../domain/time';
import type { Logger } from '../observability/logger';
import { contactValues, DUPLICATE_WINDOW_MS, isPossibleOriginal, MAX_DUPLICATE_CANDIDATES } from '../domain/duplicates';
import type { CaseQueue, CaseStore, Clock, ContactIndex, IdGenerator, IdempotencyStore } from '../ports';
import type { CalendarService } from './calendar';

export interface IntakeDeps {
  cases: CaseStore;
  queue: CaseQueue;
  idempotency: IdempotencyStore;
  /** Cases by keyed hashes of their contacts: 重复件 at intake. */
  contacts: ContactIndex;
  calendar: CalendarService;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
}

export interface IdempotencyRequest {
  /** Keys are per caller: two callers may use the same key without meeting. */
  scope: string;
  key: string;
  /** Fingerprint of the request body; the same key with another body is refused. */
  requestHash: string;
  /** How long the key is remembered; default IDEMPOTENCY_TTL_MS. */
  ttlMs?: number;
}

export interface IntakeResult {
  record: CaseRecord;
  replayed: boolean;
}

/** Keys are remembered this long (the promise to clients is ≥ 24 h). */
export const IDEMPOTENCY_TTL_MS = 25 * 3_600_000;
/** A claimant that has not finished within this lease is presumed dead and may be taken over. */
const LEASE_MS = 10_000;
const POLL_MS = 50;
const MAX_POLLS = (2 * LEASE_MS) / POLL_MS;

/**
 * Logs a case: the table is written first and is the truth. With an Idempotency-Key, the first
 * request claims the key with a pre-chosen case id; racers with the same body wait for that case
 * and return it, so one key never makes two cases.
 */
export async function createCase(deps: IntakeDeps, input: CaseInput, createdBy: string, idem?: IdempotencyRequest): Promise<IntakeResult> {
  const now = deps.clock.now();
  const problem = receivedAtProblem(input.receivedAt, now);
  if (problem) throw new ValidationError('Invalid receipt time', [{ path: 'receivedAt', message: problem }]);

  if (!idem) return { record: await insert(deps, input, createdBy, deps.ids.caseId()), replayed: false };

  const caseId = deps.ids.caseId();
  const claim = await deps.idempotency.claim({ ...idem, caseId, leaseUntil: now + LEASE_MS, expiresAt: now + (idem.ttlMs ?? IDEMPOTENCY_TTL_MS) }, now);
  if (claim.claimed) return insertOrReplay(deps, input, createdBy, caseId);
  let existing = claim.existing;
  if (existing.requestHash !== idem.requestHash) {
    throw new UnprocessableError('This Idempotency-Key was already used with a different request body');
  }
  const deadline = now + 2 * LEASE_MS;
  // Bounded by time and by count, so a stalled clock cannot keep a request here forever.
  for (let polls = 0; ; polls++) {
    const record = await deps.cases.get(existing.caseId);
    if (record) return { record, replayed: true };
    const t = deps.clock.now();
    if (t > existing.leaseUntil && (await deps.idempotency.takeOver(existing, t + LEASE_MS))) {
      deps.logger.warn('intake.idempotency_takeover', { caseId: existing.caseId });
      return insertOrReplay(deps, input, createdBy, existing.caseId);
    }
    if (t > deadline || polls > MAX_POLLS) throw new UnavailableError('The original request with this Idempotency-Key is still in progress');
    await new Promise((r) => setTimeout(r, POLL_MS));
    // Someone may have taken the key over meanwhile: follow the lease they hold now.
    const again = await deps.idempotency.claim({ ...existing, leaseUntil: t + LEASE_MS }, deps.clock.now());
    if (again.claimed) return insertOrReplay(deps, input, createdBy, existing.caseId);
    existing = again.existing;
  }
}

async function insertOrReplay(deps: IntakeDeps, input: CaseInput, createdBy: string, caseId: string): Promise<IntakeResult> {
  try {
    return { record: await insert(deps, input, createdBy, caseId), replayed: false };
  } catch (err) {
    if (!(err instanceof DuplicateError)) throw err;
    const record = await deps.cases.get(caseId);
    if (!record) throw err;
    return { record, replayed: true };
  }
}

async function insert(deps: IntakeDeps, input: CaseInput, createdBy: string, id: string): Promise<CaseRecord> {
  const calendar = await deps.calendar.current();
  const year = yearOf(shanghaiDayOf(input.receivedAt));
  const sequence = await deps.cases.nextTicketSequence(year);
  const contacts = contactValues(input);
  const possibleDuplicates = await possibleOriginals(deps, input, contacts, id);
  // Filed before the case exists, as files are: a crash in between leaves an entry naming no case, which finds nothing.
  if (contacts.length) await deps.contacts.add(contacts, id, input.receivedAt);
  const created = newCase(input, {
    id,
    ticketNo: formatTicketNo(input.channel, year, sequence),
    trackingCode: deps.ids.trackingCode(),
    createdBy,
    now: deps.clock.now(),
    deadline: deadlineOf(input, calendar),
  });
  const record = possibleDuplicates.length ? { ...created, possibleDuplicates } : created;
  await deps.cases.create(record);
  deps.logger.info('case.received', { caseId: record.id, ticketNo: record.ticketNo, channel: record.channel, category: record.category });
  // The case is safe in the table: a queue failure must not fail the intake. The reconciler
  // re-enqueues cases still `received` after its grace period.
  try {
    await deps.queue.send({ caseId: record.id, category: record.category, version: record.version });
  } catch (err) {
    deps.logger.warn('case.enqueue_failed', { caseId: record.id, error: err });
  }
  return record;
}

/** Ticket numbers of open cases of the last 30 days with one of these contacts and the same topic, oldest first. */
async function possibleOriginals(deps: IntakeDeps, input: CaseInput, contacts: string[], id: string): Promise<string[]> {
  if (!contacts.length) return [];
  const until = Math.max(deps.clock.now(), input.receivedAt);
  const ids = await deps.contacts.find(contacts, input.receivedAt - DUPLICATE_WINDOW_MS, until, MAX_DUPLICATE_CANDIDATES);
  const found = await Promise.all(ids.filter((x) => x !== id).map((x) => deps.cases.get(x)));
  return found
    .filter((c): c is CaseRecord => c !== undefined && isPossibleOriginal(c, input, id))
    .sort((a, b) => a.receivedAt - b.receivedAt || a.ticketNo.localeCompare(b.ticketNo))
    .map((c) => c.ticketNo);
}
