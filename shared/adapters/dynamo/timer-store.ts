import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { scrub } from '../../observability/logger';
import type { TimerRequest, TimerService } from '../../ports';
import { isConditionFailed, sortableInstant } from './client';
import { INDEX, ITEM } from './table';

/** A timer as stored: the request plus what the runner keeps about its attempts. */
export interface StoredTimer extends TimerRequest {
  /** Failed handler runs so far; 0 for a freshly scheduled timer. */
  attempts: number;
  /** The byFireAt sort key the timer was read with: `<UTC ISO fireAt>#<caseId>#<step>`. */
  fireKey: string;
}

export interface DeadTimer extends StoredTimer {
  deadAt: number;
  /** Error name and scrubbed message of the last failure. */
  lastError: string;
}

/** byFireAt partitions: pending timers, and dead letters kept for inspection. */
export const TIMERS_KEY = 'TIMERS';
export const DEAD_TIMERS_KEY = 'TIMERS#DEAD';

/** Above every `<caseId>#<step>` suffix, so `<instant>#\uffff` bounds all timers of that millisecond. */
const AFTER_ALL = '\uffff';
const MAX_ERROR_CHARS = 500;

/**
 * The local engine's timers, in the single table (AWS uses EventBridge Scheduler instead). One item
 * per (caseId, step); pending timers sit in the `TIMERS` partition of byFireAt, so "what is due" is
 * one ascending range query that never reads the pending future, however many timers wait.
 *
 * The runner's writes (complete, retryLater, deadLetter) are conditional on the stored timer still
 * being the one it read (same fireKey, dueAt and version): a timer moved or rescheduled while its
 * handler ran is never deleted or pushed back by that run. A cancelled one stays cancelled. Only
 * single-item writes; no transactions, no TTL.
 */
export class DynamoTimerStore implements TimerService {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** Same name → the item is replaced: moved to the new fire time, attempts back to 0, out of the dead letters. */
  async schedule(timer: TimerRequest): Promise<void> {
    await this.db.send(new PutItemCommand({ TableName: this.table, Item: timerItem(timer) }));
  }

  /** Missing is fine. */
  async cancel(caseId: string, step: string): Promise<void> {
    await this.db.send(new DeleteItemCommand({ TableName: this.table, Key: marshall(ITEM.timer(caseId, step)) }));
  }

  /** The pending timers due at `now` (epoch ms) or before, earliest first, at most `limit`. */
  async due(now: number, limit: number): Promise<StoredTimer[]> {
    return this.query(TIMERS_KEY, `${sortableInstant(now)}#${AFTER_ALL}`, limit);
  }

  /** Dead-lettered timers, earliest fire time first: for inspection. */
  async deadLetters(limit: number): Promise<DeadTimer[]> {
    return (await this.query(DEAD_TIMERS_KEY, AFTER_ALL, limit)) as DeadTimer[];
  }

  /** The stored timer of a name, pending or dead; undefined when there is none. */
  async get(caseId: string, step: string): Promise<StoredTimer | DeadTimer | undefined> {
    const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: marshall(ITEM.timer(caseId, step)), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  /** Deletes a fired timer unless it changed meanwhile; returns whether it did. */
  async complete(timer: StoredTimer): Promise<boolean> {
    const guard = unchanged(timer);
    return ifUnchanged(this.db.send(new DeleteItemCommand({ TableName: this.table, Key: marshall(ITEM.timer(timer.caseId, timer.step)), ...guard })));
  }

  /** Pushes a failed timer back to `nextFireAt` with its attempt count, unless it changed meanwhile. */
  async retryLater(timer: StoredTimer, nextFireAt: number, attempts: number): Promise<boolean> {
    const guard = unchanged(timer);
    return ifUnchanged(
      this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(ITEM.timer(timer.caseId, timer.step)),
          UpdateExpression: 'SET #fireAt = :fireAt, #fireKey = :newFireKey, #attempts = :attempts',
          ConditionExpression: guard.ConditionExpression,
          ExpressionAttributeNames: { ...guard.ExpressionAttributeNames, '#fireAt': 'fireAt', '#attempts': 'attempts' },
          ExpressionAttributeValues: {
            ...guard.ExpressionAttributeValues,
            ':fireAt': { N: String(nextFireAt) },
            ':newFireKey': { S: fireKey(nextFireAt, timer.caseId, timer.step) },
            ':attempts': { N: String(attempts) },
          },
        }),
      ),
    );
  }

  /**
   * Moves a timer that kept failing to the dead-letter partition, unless it changed meanwhile: it no
   * longer fires, the item stays for inspection, and scheduling the name again revives it.
   */
  async deadLetter(timer: StoredTimer, error: unknown, attempts: number, now: number): Promise<boolean> {
    const guard = unchanged(timer);
    return ifUnchanged(
      this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(ITEM.timer(timer.caseId, timer.step)),
          UpdateExpression: 'SET #timerKey = :dead, #attempts = :attempts, #deadAt = :now, #lastError = :error',
          ConditionExpression: guard.ConditionExpression,
          ExpressionAttributeNames: {
            ...guard.ExpressionAttributeNames,
            '#timerKey': INDEX.byFireAt.pk,
            '#attempts': 'attempts',
            '#deadAt': 'deadAt',
            '#lastError': 'lastError',
          },
          ExpressionAttributeValues: {
            ...guard.ExpressionAttributeValues,
            ':dead': { S: DEAD_TIMERS_KEY },
            ':attempts': { N: String(attempts) },
            ':now': { N: String(now) },
            ':error': { S: describeError(error) },
          },
        }),
      ),
    );
  }

  private async query(partition: string, upTo: string, limit: number): Promise<StoredTimer[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: INDEX.byFireAt.name,
        KeyConditionExpression: '#pk = :pk AND #sk <= :upTo',
        ExpressionAttributeNames: { '#pk': INDEX.byFireAt.pk, '#sk': INDEX.byFireAt.sk },
        ExpressionAttributeValues: { ':pk': { S: partition }, ':upTo': { S: upTo } },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(fromItem);
  }
}

/** The runner's writes apply only to the timer it read: same fire time, deadline and version. */
function unchanged(timer: StoredTimer) {
  return {
    ConditionExpression: '#fireKey = :fireKey AND #dueAt = :dueAt AND #version = :version',
    ExpressionAttributeNames: { '#fireKey': INDEX.byFireAt.sk, '#dueAt': 'dueAt', '#version': 'version' },
    ExpressionAttributeValues: {
      ':fireKey': { S: timer.fireKey },
      ':dueAt': { N: String(timer.dueAt) },
      ':version': { N: String(timer.version) },
    } satisfies Record<string, AttributeValue>,
  };
}

async function ifUnchanged(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** The stored item of a freshly scheduled timer (also what bulk loaders write). */
export function timerItem(timer: TimerRequest): Record<string, AttributeValue> {
  const { caseId, step, dueAt, version, fireAt } = timer;
  if (!Number.isFinite(fireAt)) throw new RangeError(`timer ${caseId}/${step}: fireAt is not a time`);
  return marshall({
    ...ITEM.timer(caseId, step),
    caseId,
    step,
    dueAt,
    version,
    fireAt,
    attempts: 0,
    [INDEX.byFireAt.pk]: TIMERS_KEY,
    [INDEX.byFireAt.sk]: fireKey(fireAt, caseId, step),
  });
}

export function fireKey(fireAt: number, caseId: string, step: string): string {
  return `${sortableInstant(fireAt)}#${caseId}#${step}`;
}

function fromItem(item: Record<string, AttributeValue>): StoredTimer {
  const plain = unmarshall(item);
  const timer: StoredTimer = {
    caseId: plain.caseId,
    step: plain.step,
    dueAt: plain.dueAt,
    version: plain.version,
    fireAt: plain.fireAt,
    attempts: plain.attempts ?? 0,
    fireKey: plain[INDEX.byFireAt.sk],
  };
  if (plain.deadAt !== undefined) Object.assign(timer, { deadAt: plain.deadAt, lastError: plain.lastError });
  return timer;
}

/** Kept on a dead letter: the name and the message, scrubbed of anything shaped like personal data. */
function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return (scrub(text) as string).slice(0, MAX_ERROR_CHARS);
}
