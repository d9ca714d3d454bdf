import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { isOpenStatus, OPEN_STATUSES, type CaseRecord, type Status } from '../../domain/case';
import { DuplicateError, VersionConflictError } from '../../domain/errors';
import type { CaseListQuery, CasePage, CaseStore, ReportFactStore } from '../../ports';
import { isConditionFailed, queryItems, sortableInstant } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { encodeFact, OPEN_KEY } from './report-store';
import { FACT_ATTRIBUTE, INDEX, ITEM, KEY } from './table';

/** A list request reads at most this many index pages before answering with what it has. */
const MAX_PAGES_PER_LIST = 10;

export class DynamoCaseStore implements CaseStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
    /**
     * Report facts follow every change (replace); one missed here (a crash, a throttle) is re-synced
     * by the reconciler. Not on create: intake stays one write, and a new case gets its facts when
     * the router assigns it seconds later (or from the reconciler's sweep, if routing is held up).
     */
    private readonly facts?: ReportFactStore,
  ) {}

  private async syncFacts(record: CaseRecord): Promise<void> {
    await this.facts?.sync(record).catch(() => undefined);
  }

  /**
   * Requests that arrive while an increment for the same year is in flight are served by the next
   * single `ADD n`: one write hands out a block of consecutive numbers in arrival order. The
   * counter item is the hottest in the table; this keeps it from serialising a busy process.
   * Atomicity is DynamoDB's: no number is handed out twice, across processes too.
   */
  nextTicketSequence(year: number): Promise<number> {
    return new Promise((resolve, reject) => {
      let queue = this.sequenceQueues.get(year);
      if (!queue) this.sequenceQueues.set(year, (queue = { waiting: [], running: false }));
      queue.waiting.push({ resolve, reject });
      if (!queue.running) void this.drainSequence(year, queue);
    });
  }

  private readonly sequenceQueues = new Map<number, SequenceQueue>();

  private async drainSequence(year: number, queue: SequenceQueue): Promise<void> {
    queue.running = true;
    while (queue.waiting.length) {
      const batch = queue.waiting.splice(0, MAX_SEQUENCE_BLOCK);
      try {
        const top = await this.addToSequence(year, batch.length);
        batch.forEach((w, i) => w.resolve(top - batch.length + 1 + i));
      } catch (err) {
        batch.forEach((w) => w.reject(err));
      }
    }
    queue.running = false;
  }

  private async addToSequence(year: number, n: number): Promise<number> {
    const out = await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: marshall(ITEM.ticketSequence(year)),
        UpdateExpression: 'ADD #v :n',
        ExpressionAttributeNames: { '#v': 'value' },
        ExpressionAttributeValues: { ':n': { N: String(n) } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const top = Number(out.Attributes?.value?.N);
    if (!Number.isSafeInteger(top)) throw new Error('ticket sequence returned no value');
    return top;
  }

  async create(record: CaseRecord): Promise<void> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY.pk },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new DuplicateError(`case ${record.id} exists`);
      throw err;
    }
  }

  async get(id: string, options: { consistent?: boolean } = {}): Promise<CaseRecord | undefined> {
    const out = await this.db.send(
      new GetItemCommand({ TableName: this.table, Key: marshall(ITEM.case(id)), ConsistentRead: options.consistent ?? true }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async getByTicket(ticketNo: string): Promise<CaseRecord | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: INDEX.byTicket.name,
        KeyConditionExpression: '#t = :t',
        ExpressionAttributeNames: { '#t': INDEX.byTicket.pk },
        ExpressionAttributeValues: { ':t': { S: ticketNo } },
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item ? fromItem(item) : undefined;
  }

  async list(query: CaseListQuery): Promise<CasePage> {
    if (query.ticketNo !== undefined) return this.listByTicket(query);
    // The most selective index for the filters given; the others become filter expressions.
    const [index, partition] = query.office
      ? [INDEX.byOfficeDue, officeKey(query.office)]
      : query.status
        ? [INDEX.byStatusDue, statusKey(query.status)]
        : query.slaState
          ? [INDEX.bySlaDue, slaKey(query.slaState)]
          : [INDEX.byDue, ALL_KEY];
    const names: Record<string, string> = { '#pk': index.pk };
    const values: Record<string, AttributeValue> = { ':pk': { S: partition } };
    let keyCondition = '#pk = :pk';
    if (query.dueBefore !== undefined) {
      keyCondition += ' AND #due < :before';
      names['#due'] = index.sk;
      values[':before'] = { S: sortableInstant(query.dueBefore) };
    }
    const filters: string[] = [];
    for (const field of ['category', 'channel'] as const) {
      const value = query[field];
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = { S: value };
      filters.push(`#${field} = :${field}`);
    }
    if (query.status && index !== INDEX.byStatusDue) {
      names['#status'] = 'status';
      values[':status'] = { S: query.status };
      filters.push('#status = :status');
    }
    if (query.slaState && index !== INDEX.bySlaDue) {
      names['#sla'] = 'sla';
      names['#state'] = 'state';
      values[':slaState'] = { S: query.slaState };
      filters.push('#sla.#state = :slaState');
    }
    if (query.flag === 'problem') {
      // 问题工单 are few: a filter on the index chosen above (a sparse index would need a table change dynalite cannot make on existing data).
      names['#problem'] = 'problem';
      filters.push('attribute_exists(#problem)');
    }
    if (query.createdBy !== undefined) {
      names['#createdBy'] = 'createdBy';
      values[':createdBy'] = { S: query.createdBy };
      filters.push('#createdBy = :createdBy');
    }
    // The cursor is bound to the query that produced it: reusing it with other filters is an error.
    const fingerprint = JSON.stringify([index.name, query.office, query.createdBy, query.status, query.slaState, query.category, query.channel, query.dueBefore, query.flag]);
    let startKey = query.cursor
      ? decodeCursor(query.cursor, fingerprint, [KEY.pk, KEY.sk, index.pk, index.sk], {
          [index.pk]: (v) => v === partition,
          [KEY.pk]: (v) => v.startsWith('CASE#'),
          [KEY.sk]: (v) => v === 'CASE',
          [index.sk]: (v) => DUE_KEY.test(v),
        })
      : undefined;

    const items: CaseRecord[] = [];
    for (let page = 0; page < MAX_PAGES_PER_LIST && items.length < query.limit; page++) {
      const input: QueryCommandInput = {
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: keyCondition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        // Never read more than still fits: filtered pages can only come back shorter, never longer.
        Limit: query.limit - items.length,
        ExclusiveStartKey: startKey ? marshall(startKey) : undefined,
      };
      if (filters.length) input.FilterExpression = filters.join(' AND ');
      const out = await this.db.send(new QueryCommand(input));
      for (const item of out.Items ?? []) items.push(fromItem(item));
      startKey = out.LastEvaluatedKey ? (unmarshall(out.LastEvaluatedKey) as Record<string, string>) : undefined;
      if (!startKey) break;
    }
    return { items, nextCursor: startKey ? encodeCursor(startKey, fingerprint) : null };
  }

  /** A ticket number names at most one case: the scope and filters still apply to it. */
  private async listByTicket(query: CaseListQuery): Promise<CasePage> {
    const found = await this.getByTicket(query.ticketNo ?? '');
    const matches =
      found &&
      (query.office === undefined || found.office === query.office) &&
      (query.createdBy === undefined || found.createdBy === query.createdBy) &&
      (query.status === undefined || found.status === query.status) &&
      (query.slaState === undefined || found.sla.state === query.slaState) &&
      (query.category === undefined || found.category === query.category) &&
      (query.channel === undefined || found.channel === query.channel) &&
      (query.dueBefore === undefined || found.sla.dueAt < query.dueBefore) &&
      (query.flag === undefined || found.problem !== undefined);
    return { items: matches ? [found] : [], nextCursor: null };
  }

  async *openCasesDueFrom(from: number, statuses: readonly Status[] = OPEN_STATUSES): AsyncIterable<CaseRecord> {
    for (const status of statuses) {
      const items = queryItems(this.db, {
        TableName: this.table,
        IndexName: INDEX.byStatusDue.name,
        KeyConditionExpression: '#pk = :pk AND #due >= :from',
        ExpressionAttributeNames: { '#pk': INDEX.byStatusDue.pk, '#due': INDEX.byStatusDue.sk },
        ExpressionAttributeValues: { ':pk': { S: statusKey(status) }, ':from': { S: sortableInstant(from) } },
      });
      for await (const item of items) yield fromItem(item);
    }
  }

  async *updatedSince(since: number, until: number): AsyncIterable<CaseRecord> {
    // One partition per UTC day: the days from `since` to `until`, each from `since` on.
    for (let day = Date.parse(sortableInstant(since).slice(0, 10)); day <= until; day += 86_400_000) {
      const items = queryItems(this.db, {
        TableName: this.table,
        IndexName: INDEX.byUpdate.name,
        KeyConditionExpression: '#pk = :pk AND #sk >= :since',
        ExpressionAttributeNames: { '#pk': INDEX.byUpdate.pk, '#sk': INDEX.byUpdate.sk },
        ExpressionAttributeValues: { ':pk': { S: updateKey(day) }, ':since': { S: sortableInstant(since) } },
      });
      for await (const item of items) yield fromItem(item);
    }
  }

  async *receivedBefore(sentBefore: number): AsyncIterable<CaseRecord> {
    // Cases are `received` only for the seconds before routing, so this partition stays small. The
    // last send is `queuedAt` once the reconciler re-sent a case, else the intake's (its createdAt).
    const items = queryItems(this.db, {
      TableName: this.table,
      IndexName: INDEX.byStatusDue.name,
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: '(attribute_not_exists(#queued) AND #created < :before) OR #queued < :before',
      ExpressionAttributeNames: { '#pk': INDEX.byStatusDue.pk, '#created': 'createdAt', '#queued': QUEUED_AT },
      ExpressionAttributeValues: { ':pk': { S: statusKey('received') }, ':before': { N: String(sentBefore) } },
    });
    for await (const item of items) yield fromItem(item);
  }

  async markQueued(id: string, at: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(ITEM.case(id)),
          UpdateExpression: 'SET #queued = :at',
          ConditionExpression: '#status = :received',
          ExpressionAttributeNames: { '#queued': QUEUED_AT, '#status': 'status' },
          ExpressionAttributeValues: { ':at': { N: String(at) }, ':received': { S: 'received' } },
        }),
      );
    } catch (err) {
      // Routed meanwhile: nothing to remember.
      if (!isConditionFailed(err)) throw err;
    }
  }

  async hasOpenCases(office: string): Promise<boolean> {
    const items = queryItems(this.db, {
      TableName: this.table,
      IndexName: INDEX.byOfficeDue.name,
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: `#status IN (${OPEN_STATUSES.map((_, i) => `:s${i}`).join(', ')})`,
      ExpressionAttributeNames: { '#pk': INDEX.byOfficeDue.pk, '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': { S: officeKey(office) },
        ...Object.fromEntries(OPEN_STATUSES.map((s, i) => [`:s${i}`, { S: s }])),
      },
    });
    for await (const _ of items) return true;
    return false;
  }

  async replace(record: CaseRecord, expectedVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem(record),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new VersionConflictError(`case ${record.id} is no longer at version ${expectedVersion}`);
      throw err;
    }
    await this.syncFacts(record);
  }
}

const ALL_KEY = 'CASES';
const DUE_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#.+$/;
/** Most numbers one counter write hands out. */
const MAX_SEQUENCE_BLOCK = 100;

interface SequenceQueue {
  waiting: { resolve: (n: number) => void; reject: (err: unknown) => void }[];
  running: boolean;
}
const statusKey = (status: string) => `STATUS#${status}`;
const officeKey = (office: string) => `OFFICE#${office}`;
const slaKey = (state: string) => `SLA#${state}`;
const updateKey = (at: number) => `UPD#${sortableInstant(at).slice(0, 10)}`;

/** The stored item: the record plus the key attributes its indexes need (exported for the benchmark's bulk seeding). */
export function toItem(record: CaseRecord): Record<string, AttributeValue> {
  const dueKey = `${sortableInstant(record.sla.dueAt)}#${record.id}`;
  return marshall(
    {
      ...record,
      ...ITEM.case(record.id),
      [INDEX.byStatusDue.pk]: statusKey(record.status),
      [INDEX.byDue.pk]: ALL_KEY,
      [INDEX.byStatusDue.sk]: dueKey,
      [INDEX.bySlaDue.pk]: slaKey(record.sla.state),
      // Sparse: only assigned cases appear in an office's list.
      ...(record.office !== undefined && { [INDEX.byOfficeDue.pk]: officeKey(record.office) }),
      // Open cases only, by receipt (the chase list's stragglers); a closed case drops out of the index.
      ...(isOpenStatus(record.status) && { [INDEX.byOpenReceipt.pk]: OPEN_KEY, [INDEX.byOpenReceipt.sk]: `${sortableInstant(record.receivedAt)}#${record.id}` }),
      [FACT_ATTRIBUTE]: encodeFact(record),
      [INDEX.byUpdate.pk]: updateKey(record.updatedAt),
      [INDEX.byUpdate.sk]: `${sortableInstant(record.updatedAt)}#${record.id}`,
    },
    { removeUndefinedValues: true },
  );
}

/** When the reconciler last put a still-received case on its queue (epoch ms); absent: only the intake did. */
const QUEUED_AT = 'queuedAt';

const INTERNAL_ATTRIBUTES = new Set<string>([
  KEY.pk,
  KEY.sk,
  INDEX.byStatusDue.pk,
  INDEX.bySlaDue.pk,
  INDEX.byDue.pk,
  INDEX.byStatusDue.sk,
  INDEX.byOfficeDue.pk,
  INDEX.byOpenReceipt.sk,
  INDEX.byUpdate.pk,
  INDEX.byUpdate.sk,
  INDEX.byOpenReceipt.pk,
  FACT_ATTRIBUTE,
  QUEUED_AT,
]);

function fromItem(item: Record<string, AttributeValue>): CaseRecord {
  const plain = unmarshall(item);
  for (const attr of INTERNAL_ATTRIBUTES) delete plain[attr];
  return plain as CaseRecord;
}
