import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouterHandler } from '../../functions/router/handler';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { DynamoTimerStore } from '../../shared/adapters/dynamo/timer-store';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/domain/sla';
import { outboxMailer } from '../../shared/adapters/mail/nodemailer-mailer';
import type { RoutingMessage } from '../../shared/ports';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { RetryLaterError } from '../../shared/domain/errors';
import { routeCase, type RouterDeps } from '../../shared/usecases/route-case';
import { RoutingConfigCache } from '../../shared/usecases/routing-config';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { createOk } from '../support/http';

/** The router's batch handler and use case on the real stores (dynalite) and a real outbox. */
let h: Harness;
let outbox: string;
let deps: RouterDeps;

beforeAll(async () => {
  h = await createHarness();
  outbox = await mkdtemp(join(tmpdir(), 'router-outbox-'));
  const admin = h.deps;
  for (const id of ['rights', 'general']) {
    await putOffice(admin, { id, name: id, email: `${id}@union.example.org`, locale: 'en', escalation: { head: [], supervisor: [], chairman: [] } }, 'test');
  }
  await putRouting(admin, { rules: [{ when: { category: 'complaint' }, office: 'rights' }], defaultOffice: 'general' }, 'test');
  deps = {
    cases: h.deps.cases,
    notices: dynamoStores(h.db, h.tableName).notices,
    routing: new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0),
    mailer: outboxMailer({ dir: outbox, from: 'cases@union.example.org' }),
    timers: new DynamoTimerStore(h.db, h.tableName),
    calendar: h.deps.calendar,
    policy: DEFAULT_ESCALATION_POLICY,
    clock: h.clock,
    logger: h.deps.logger,
    publicBaseUrl: 'https://cases.example.org',
  };
});
afterAll(async () => {
  await h.close();
  await rm(outbox, { recursive: true, force: true });
});

const record = (id: string, body: string): SQSRecord =>
  ({
    messageId: id,
    receiptHandle: id,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-east-1:000000000000:q',
    awsRegion: 'ap-east-1',
  }) as SQSRecord;

const message = (c: { id: string; category: RoutingMessage['category'] }, version = 1) => JSON.stringify({ caseId: c.id, category: c.category, version });
const mails = async () => (await readdir(outbox)).filter((f) => f.endsWith('.eml')).length;

describe('router batch handler', () => {
  it('reports only the failing record of a batch; the others are routed', async () => {
    const a = await createOk(h, hotlineCase({ hotline: { callId: 'a' } }));
    const b = await createOk(h, hotlineCase({ category: 'advice', hotline: { callId: 'b' } }));
    const before = await mails();
    const handler = createRouterHandler(deps);
    const res = await handler({
      Records: [record('m-a', message(a)), record('m-missing', JSON.stringify({ caseId: 'no-such-case', category: 'advice', version: 1 })), record('m-b', message(b))],
    });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-missing' }]);
    expect(await h.deps.cases.get(a.id)).toMatchObject({ status: 'assigned', office: 'rights', routing: { ruleIndex: 0 } });
    expect(await h.deps.cases.get(b.id)).toMatchObject({ status: 'assigned', office: 'general', routing: { ruleIndex: null } });
    expect(await mails()).toBe(before + 2);
  });

  it.each([
    ['not JSON', 'not json'],
    ['a wrong shape', JSON.stringify({ caseId: 1 })],
    ['an unknown category', JSON.stringify({ caseId: 'x', category: 'gossip', version: 1 })],
  ])('fails a record with %s (it will end in the dead-letter queue)', async (_name, body) => {
    const handler = createRouterHandler(deps);
    const c = await createOk(h, hotlineCase({ hotline: { callId: `ok-${Math.random()}` } }));
    const res = await handler({ Records: [record('bad', body), record('good', message(c))] });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
  });
});

describe('routeCase', () => {
  it('assigns once and e-mails once when the same message is delivered twice at the same moment', async () => {
    const c = await createOk(h, hotlineCase({ hotline: { callId: 'race' } }));
    const before = await mails();
    const results = await Promise.allSettled([routeCase(deps, JSON.parse(message(c))), routeCase(deps, JSON.parse(message(c)))]);
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason instanceof RetryLaterError ? 'retry' : 'error'));
    // Which delivery reports what depends on timing (the one that assigned may find the notice
    // claimed by the other's retry and ask to be retried itself); the invariants are below.
    expect(outcomes).not.toContain('error');
    expect(outcomes.every((o) => ['assigned', 'notified', 'no_op', 'retry'].includes(o))).toBe(true);
    // A delivery that found the notice being sent asks to be retried; its retry finds it sent.
    expect(await routeCase(deps, JSON.parse(message(c)))).toBe('no_op');
    expect(await mails()).toBe(before + 1);
    expect((await h.deps.cases.get(c.id))?.version).toBe(2);
  });

  it('ignores a message older than the case', async () => {
    const c = await createOk(h, hotlineCase({ hotline: { callId: 'old' } }));
    const stored = await h.deps.cases.get(c.id);
    if (!stored) throw new Error('missing');
    // The case moved on (e.g. recategorised) while still waiting for routing.
    await h.deps.cases.replace({ ...stored, version: 2 }, 1);
    expect(await routeCase(deps, JSON.parse(message(c, 1)))).toBe('no_op');
    expect((await h.deps.cases.get(c.id))?.status).toBe('received');
    expect(await routeCase(deps, JSON.parse(message(c, 2)))).toBe('assigned');
  });

  it('retries later, changing nothing, when no routing is stored or it names a missing office', async () => {
    const empty = await createHarness();
    try {
      const c = await createOk(empty, hotlineCase());
      const bare: RouterDeps = { ...deps, cases: empty.deps.cases, routing: new RoutingConfigCache({ routing: empty.deps.routing, offices: empty.deps.offices, clock: empty.clock }, 0) };
      await expect(routeCase(bare, JSON.parse(message(c)))).rejects.toBeInstanceOf(RetryLaterError);
      expect((await empty.deps.cases.get(c.id))?.status).toBe('received');
    } finally {
      await empty.close();
    }
  });
});
