import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { ensureTable } from '../../shared/adapters/dynamo/ensure-table';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { DynamoTimerStore } from '../../shared/adapters/dynamo/timer-store';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/domain/sla';
import { randomIds } from '../../shared/adapters/ids';
import { startDynalite, type LocalDynamo } from '../../shared/adapters/local/dynalite';
import { shippedCalendarYears } from '../../shared/calendar/shipped';
import type { CaseInput } from '../../shared/domain/case';
import { UnavailableError, UnprocessableError } from '../../shared/domain/errors';
import { createLogger } from '../../shared/observability/logger';
import type { CaseStore, Clock } from '../../shared/ports';
import { CalendarService } from '../../shared/usecases/calendar';
import { createCase, type IntakeDeps } from '../../shared/usecases/intake';
import { failingCreates } from '../support/faults';
import { TestClock } from '../support/harness';
import { loadApiConfig } from '../../shared/config';
import { startQueues, type LocalQueues } from '../../functions/local/engines';

/** Intake's idempotency under failure, on the real stores: a dead first attempt, a live one. */
let engine: LocalDynamo | undefined;
let stores: ReturnType<typeof dynamoStores>;
let sqs: LocalQueues;
let timers: DynamoTimerStore;

beforeAll(async () => {
  sqs = await startQueues(loadApiConfig({}), 1);
  const endpoint = process.env.DYNAMODB_TEST_ENDPOINT ?? (engine = await startDynalite()).endpoint;
  const db = createDynamoClient({ tableName: 'intake', endpoint });
  await ensureTable(db, 'intake');
  stores = dynamoStores(db, 'intake');
  timers = new DynamoTimerStore(db, 'intake');
});
afterAll(async () => {
  await sqs.close();
  await engine?.close();
});

function deps(clock: Clock, cases: CaseStore = stores.cases): IntakeDeps {
  const logger = createLogger({ write: () => undefined });
  const calendar = new CalendarService({
    shipped: shippedCalendarYears(),
    store: stores.calendarStore,
    cases,
    timers,
    policy: DEFAULT_ESCALATION_POLICY,
    clock,
    logger,
    cacheMs: 60_000,
  });
  return { cases, queue: sqs.queue, idempotency: stores.idempotency, contacts: stores.contacts, calendar, clock, ids: randomIds, logger };
}

const input = (receivedAt: number): CaseInput => ({
  channel: 'hotline',
  category: 'advice',
  urgent: false,
  subject: '咨询',
  description: '咨询劳动合同',
  receivedAt,
  hotline: { callId: 'c-1' },
});

describe('idempotent intake', () => {
  it('takes over a key whose first attempt died, once its lease ran out, and keeps one case', async () => {
    const clock = new TestClock(Date.parse('2026-03-02T09:30:00+08:00'));
    const idem = { scope: 'op-1', key: 'k-dead', requestHash: 'h' };
    const flaky = failingCreates(stores.cases, 1, () => new Error('injected: process died before writing the case'));
    await expect(createCase(deps(clock, flaky), input(clock.now()), 'op-1', idem)).rejects.toThrow(/injected/);

    clock.advance(11_000);
    const retried = await createCase(deps(clock), input(clock.now()), 'op-1', idem);
    expect(retried.replayed).toBe(false);
    const again = await createCase(deps(clock), input(clock.now()), 'op-1', idem);
    expect(again).toMatchObject({ replayed: true, record: { id: retried.record.id, ticketNo: retried.record.ticketNo } });
  });

  it('answers 503-worthy Unavailable, not a second case, while the first attempt still holds its lease', async () => {
    // A clock that moves a second each time it is read: the wait runs out quickly.
    let t = Date.parse('2026-03-02T09:30:00+08:00');
    const ticking: Clock = { now: () => (t += 1000) };
    const idem = { scope: 'op-1', key: 'k-busy', requestHash: 'h' };
    await stores.idempotency.claim({ ...idem, caseId: 'never-written', leaseUntil: t + 3_600_000, expiresAt: t + 86_400_000 }, t);
    await expect(createCase(deps(ticking), input(t), 'op-1', idem)).rejects.toBeInstanceOf(UnavailableError);
    expect(await stores.cases.get('never-written')).toBeUndefined();
  });

  it('refuses the same key with another body, whatever the timing', async () => {
    const clock = new TestClock(Date.parse('2026-03-02T09:30:00+08:00'));
    await createCase(deps(clock), input(clock.now()), 'op-2', { scope: 'op-2', key: 'k', requestHash: 'one' });
    await expect(createCase(deps(clock), input(clock.now()), 'op-2', { scope: 'op-2', key: 'k', requestHash: 'two' })).rejects.toBeInstanceOf(
      UnprocessableError,
    );
  });
});
