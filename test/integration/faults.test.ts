import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  InternalServerException,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { SendEmailCommand, SESv2Client, TooManyRequestsException, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouterHandler } from '../../functions/router/handler';
import { startSqsPoller } from '../../shared/adapters/local/sqs-poller';
import { sesV2Mailer } from '../../shared/adapters/mail/ses-mailer';
import { EventBridgeTimers, scheduleName } from '../../shared/adapters/scheduler/eventbridge-timers';
import { CATEGORIES, type CaseRecord, type Category } from '../../shared/domain/case';
import type { Mailer, MailMessage, QueueDepth, TimerPayload } from '../../shared/ports';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { escalate, type EscalateOutcome } from '../../shared/usecases/escalate';
import { reconcile } from '../../shared/usecases/reconcile';
import type { RouterDeps } from '../../shared/usecases/route-case';
import { RoutingConfigCache } from '../../shared/usecases/routing-config';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { body, createOk, listAll, postCase, sequenceOf, type CaseBody } from '../support/http';
import { waitFor } from '../support/wait';
import { prng } from '../support/random';

/**
 * Fault injection at each port, and proof that the system converges: every acknowledged case is
 * stored once, assigned once, its office e-mailed once, and every open case ends with the timer its
 * record names. The real use cases run against the embedded engines (dynalite through the harness,
 * fauxqs with the real router batch handler and the local SQS poller); the AWS-only ports
 * (EventBridge Scheduler, SES v2) are their real adapters over aws-sdk-client-mock.
 */

const REGION = 'ap-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const GRACE_MS = 60_000;

async function seedOffices(h: Harness): Promise<void> {
  const ladder = { head: ['head@union.example.org'], supervisor: ['supervisor@union.example.org'], chairman: ['chairman@union.example.org'] };
  for (const id of ['rights', 'general']) {
    await putOffice(h.deps, { id, name: id, email: `${id}@union.example.org`, locale: 'zh-CN', escalation: ladder }, 'test');
  }
  await putRouting(h.deps, { rules: [{ when: { category: 'complaint' }, office: 'rights' }], defaultOffice: 'general' }, 'test');
}

const officeOf = (category: Category) => (category === 'complaint' ? 'rights' : 'general');

function routerDeps(h: Harness, mailer: Mailer = h.deps.mailer): RouterDeps {
  return {
    cases: h.deps.cases,
    routing: new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0),
    notices: h.deps.notices,
    mailer,
    timers: h.deps.timers,
    calendar: h.deps.calendar,
    policy: h.deps.policy,
    clock: h.clock,
    logger: h.deps.logger,
    publicBaseUrl: h.deps.publicBaseUrl,
  };
}

/**
 * What Lambda's event source mapping does: the real router batch handler fed by the local poller of
 * each category queue (partial batch failures come back after the harness's 1 s visibility timeout,
 * and land in the dead-letter queue after 5 receives). Returns once no message is visible or in flight.
 */
async function routeAll(h: Harness, deps: RouterDeps, ms = 20_000): Promise<{ depths: QueueDepth[]; deliveries(caseId: string): number }> {
  const routed = createRouterHandler(deps);
  const delivered: string[] = [];
  const handler: typeof routed = (event) => {
    for (const r of event.Records) delivered.push((JSON.parse(r.body) as { caseId: string }).caseId);
    return routed(event);
  };
  const pollers = CATEGORIES.map((c) => startSqsPoller({ client: h.sqs.client, queueUrl: h.sqs.queues[c].url, handler, logger: h.deps.logger }));
  try {
    const depths = await waitFor(
      () => h.sqs.queue.depths(),
      (ds) => ds.every((d) => d.visible === 0 && d.inFlight === 0),
      ms,
    );
    return { depths, deliveries: (caseId) => delivered.filter((id) => id === caseId).length };
  } finally {
    await Promise.all(pollers.map((p) => p.stop()));
  }
}

/**
 * A stopped poller's long poll (1 s) may still be handed a message by fauxqs, as SQS may: not lost,
 * but it counts as a receive. Tests that count receives wait for such polls to end first.
 */
const settleLongPolls = () => new Promise((r) => setTimeout(r, 1_100));

/** The real mailer, counting what it accepted per case. */
function countingMailer(real: Mailer): { mailer: Mailer; sent: MailMessage[]; forCase(id: string): number } {
  const sent: MailMessage[] = [];
  return {
    sent,
    forCase: (id) => sent.filter((m) => m.headers?.['X-Case-Id'] === id).length,
    mailer: {
      send: async (m) => {
        const id = await real.send(m);
        sent.push(m);
        return id;
      },
    },
  };
}

async function inPool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// DynamoDB: faults inside the SDK's retry loop
// ---------------------------------------------------------------------------------------------

type DynamoFault = 'throttle' | 'server';

interface DynamoCall {
  /** 'PutItem CASE', 'UpdateItem SEQ', 'Query CALENDAR'…: the command and the item kind it touches. */
  label: string;
  /** 1 for the first try; the SDK's retries count up to its maxAttempts (5). */
  attempt: number;
  /** Serial number of the call (all attempts of one send share it). */
  call: number;
}

const DYNAMO_ERRORS: Record<DynamoFault, { status: number; type: string; message: string }> = {
  throttle: { status: 400, type: 'ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded.' },
  server: { status: 500, type: 'InternalServerError', message: 'Internal server error' },
};

/**
 * A middleware in the DynamoDB client's deserialize step, that is inside the SDK's retry loop
 * (finalizeRequest) and below its deserializer: a chosen attempt never reaches dynalite and gets an
 * HTTP error response as DynamoDB sends it, which the SDK's own deserializer turns into the modelled
 * exception and its retry strategy classifies (throttling, or transient 5xx) and retries.
 */
class DynamoFaults {
  decide: ((call: DynamoCall) => DynamoFault | undefined) | undefined;
  readonly injected: Record<DynamoFault, number> = { throttle: 0, server: 0 };
  /** Calls that needed at least one retry. */
  readonly retried = new Set<number>();
  /** Every call's label, in order of first attempt. */
  readonly labels: string[] = [];
  private readonly calls = new WeakMap<object, number>();

  constructor(db: DynamoDBClient) {
    db.middlewareStack.add(
      (next, context) => async (args) => {
        let call = this.calls.get(context);
        if (call === undefined) {
          call = this.labels.push(labelOf(context.commandName ?? '?', args.input as Record<string, unknown>));
          this.calls.set(context, call);
        }
        const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
        const attempt = Number(/attempt=(\d+)/.exec(headers['amz-sdk-request'] ?? '')?.[1] ?? '1');
        if (attempt > 1) this.retried.add(call);
        const fault = this.decide?.({ label: this.labels[call - 1] ?? '?', attempt, call });
        if (!fault) return next(args);
        this.injected[fault]++;
        const e = DYNAMO_ERRORS[fault];
        const response = {
          statusCode: e.status,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `injected-${call}-${attempt}` },
          body: new TextEncoder().encode(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${e.type}`, message: e.message })),
        };
        return { response, output: undefined as never };
      },
      { step: 'deserialize', priority: 'low', name: 'faultInjection' },
    );
  }
}

function labelOf(command: string, input: Record<string, unknown>): string {
  const key = (input.Item ?? input.Key) as Record<string, { S?: string }> | undefined;
  const values = input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined;
  const pk = key?.pk?.S ?? Object.values(values ?? {}).find((v) => v.S)?.S ?? String(input.IndexName ?? '');
  return `${command.replace(/Command$/, '')} ${pk.split('#')[0]}`;
}

describe('DynamoDB throttling and 5xx', () => {
  let h: Harness;
  let faults: DynamoFaults;
  let mail: ReturnType<typeof countingMailer>;

  beforeAll(async () => {
    h = await createHarness();
    await seedOffices(h);
    faults = new DynamoFaults(h.db);
    mail = countingMailer(h.deps.mailer);
  });
  afterAll(async () => {
    await h.close();
  });

  /** Each case with this callId prefix exists exactly once, is assigned (once: version 2) to its office, and its office got one e-mail. */
  async function expectConverged(prefix: string, expected: Map<string, string>): Promise<CaseBody[]> {
    const mine = (await listAll(h)).filter((c) => c.hotline?.callId?.startsWith(prefix));
    expect(mine.map((c) => c.hotline?.callId).sort()).toEqual([...expected.keys()].sort());
    expect(new Set(mine.map((c) => c.ticketNo)).size).toBe(mine.length);
    for (const c of mine) {
      expect(c.id, c.hotline?.callId).toBe(expected.get(c.hotline?.callId ?? ''));
      const stored = await h.deps.cases.get(c.id);
      expect(stored, c.id).toMatchObject({ status: 'assigned', office: officeOf(c.category), version: 2, sla: { timer: { version: 2 } } });
      expect(mail.forCase(c.id), `notices for ${c.id}`).toBe(1);
    }
    const depths = await h.sqs.queue.depths();
    expect(depths.map((d) => d.deadLetters)).toEqual([0, 0, 0]);
    return mine;
  }

  it('absorbs throttling and 500s on about one call in eight: 100 keyed intakes become 100 cases, each assigned once with one notice', async () => {
    const random = prng(20260302);
    // First tries: 12 % fail (half throttled, half 500). Retries: 30 % fail again with a 500 (short
    // backoff), never the fifth and last attempt, so the SDK's own retries must absorb every one.
    faults.decide = ({ attempt }) => {
      const r = random();
      if (attempt === 1) return r < 0.06 ? 'throttle' : r < 0.12 ? 'server' : undefined;
      return attempt < 5 && r < 0.3 ? 'server' : undefined;
    };
    const started = faults.labels.length;
    try {
      const cases = Array.from({ length: 100 }, (_, i) => ({
        key: `dyn-key-${i}`,
        json: hotlineCase({ category: CATEGORIES[i % 3], hotline: { callId: `dyn-${String(i).padStart(3, '0')}` } }),
        // Every fifth request is sent twice at once, as a client retrying on a timeout would.
        copies: i % 5 === 0 ? 2 : 1,
      }));
      const answers = await inPool(cases, 10, async (c) => {
        const responses = await Promise.all(Array.from({ length: c.copies }, () => postCase(h, c.json, ['operator'], { 'Idempotency-Key': c.key })));
        return Promise.all(responses.map(async (res) => ({ status: res.status, replayed: res.headers.get('idempotent-replayed'), body: await body<CaseBody>(res) })));
      });
      const expected = new Map<string, string>();
      for (const [i, copies] of answers.entries()) {
        expect(copies.map((a) => a.status)).toEqual(copies.map(() => 201));
        // Both copies of a doubled request answer with the same case, one of them as a replay.
        expect(new Set(copies.map((a) => a.body.id)).size).toBe(1);
        expect(copies.filter((a) => a.replayed === 'true')).toHaveLength(copies.length - 1);
        const first = copies[0]?.body;
        if (first) expected.set(`dyn-${String(i).padStart(3, '0')}`, first.id);
      }
      // Ticket numbers are drawn once per case: no number reused under retries.
      const tickets = answers.map((a) => sequenceOf(a[0]?.body.ticketNo ?? ''));
      expect(new Set(tickets).size).toBe(100);

      // The router runs under the same faults.
      const { depths } = await routeAll(h, routerDeps(h, mail.mailer), 45_000);
      expect(depths.every((d) => d.visible === 0 && d.inFlight === 0)).toBe(true);

      // Faults really happened, on both kinds, and were retried by the SDK.
      expect(faults.injected.throttle).toBeGreaterThan(20);
      expect(faults.injected.server).toBeGreaterThan(20);
      expect([...faults.retried].filter((c) => c > started).length).toBeGreaterThan(40);

      faults.decide = undefined;
      await expectConverged('dyn-', expected);
      // Not one delivery failed: partial (one record) or whole-batch failures are both logged.
      expect(h.logs.filter((l) => l.message === 'router.message_failed' || String(l.message).startsWith('sqs batch'))).toEqual([]);
    } finally {
      faults.decide = undefined;
    }
  }, 60_000);

  it('an outage longer than the retries at any one DynamoDB call of an intake answers a 5xx problem, and a retry with the same key makes exactly one case', async () => {
    // Which calls does one keyed intake make? (Past the calendar cache, so it reads the calendar too.)
    h.clock.advance(61_000);
    const from = faults.labels.length;
    const probe = await postCase(h, hotlineCase({ hotline: { callId: 'outage-probe' } }), ['operator'], { 'Idempotency-Key': 'outage-probe' });
    expect(probe.status).toBe(201);
    const expected = new Map([['outage-probe', (await body<CaseBody>(probe)).id]]);
    const labels = [...new Set(faults.labels.slice(from))];
    expect(labels).toEqual(expect.arrayContaining(['PutItem IDEM', 'UpdateItem SEQ', 'PutItem CASE']));

    try {
      for (const label of labels) {
        h.clock.advance(61_000);
        const json = hotlineCase({ hotline: { callId: `outage-${label}` } });
        const key = `outage-${label.replace(' ', '-')}`;
        let target: number | undefined;
        const before = faults.injected.server;
        // Every attempt of the first call with this label fails: DynamoDB down for longer than the SDK retries.
        faults.decide = (call) => {
          if (target === undefined && call.label === label) target = call.call;
          return call.call === target ? 'server' : undefined;
        };
        const failed = await postCase(h, json, ['operator'], { 'Idempotency-Key': key });
        faults.decide = undefined;
        expect(failed.status, label).toBeGreaterThanOrEqual(500);
        expect(failed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(faults.injected.server - before, `${label}: every attempt refused`).toBe(5);

        // The client retries with the same key, after the first attempt's 10 s lease.
        h.clock.advance(11_000);
        const retried = await postCase(h, json, ['operator'], { 'Idempotency-Key': key });
        expect(retried.status, label).toBe(201);
        const created = await body<CaseBody>(retried);
        const replay = await postCase(h, json, ['operator'], { 'Idempotency-Key': key });
        expect(replay.headers.get('idempotent-replayed')).toBe('true');
        expect((await body<CaseBody>(replay)).id).toBe(created.id);
        expected.set(`outage-${label}`, created.id);
      }
    } finally {
      faults.decide = undefined;
    }
    await routeAll(h, routerDeps(h, mail.mailer));
    await expectConverged('outage-', expected);
  });
});

// ---------------------------------------------------------------------------------------------
// SQS: the send after the case write fails
// ---------------------------------------------------------------------------------------------

describe('SQS send failure at intake', () => {
  let h: Harness;
  let sqsDown = false;
  let refusedSends = 0;
  let mail: ReturnType<typeof countingMailer>;

  beforeAll(async () => {
    h = await createHarness();
    await seedOffices(h);
    mail = countingMailer(h.deps.mailer);
    // SQS unreachable for SendMessage (every attempt of the SDK's retries): the router's receives still work.
    h.sqs.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (sqsDown && context.commandName === 'SendMessageCommand') {
          refusedSends++;
          throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
        }
        return next(args);
      },
      { step: 'deserialize', priority: 'low', name: 'sqsOutage' },
    );
  });
  afterAll(async () => {
    await h.close();
  });

  it('stores the case and answers 201; the reconciler re-enqueues it and the router assigns it once', async () => {
    sqsDown = true;
    const created: CaseBody[] = [];
    for (const category of CATEGORIES) created.push(await createOk(h, hotlineCase({ category, hotline: { callId: `sqs-${category}` } })));
    // The SDK retried each send before intake gave up on it (and logged, not failed).
    expect(refusedSends).toBe(15);
    expect(h.logs.filter((l) => l.message === 'case.enqueue_failed').map((l) => l.caseId)).toEqual(created.map((c) => c.id));
    expect((await h.sqs.queue.depths()).map((d) => d.visible)).toEqual([0, 0, 0]);
    for (const c of created) expect((await h.deps.cases.get(c.id))?.status).toBe('received');

    const deps = { ...h.deps, graceMs: GRACE_MS };
    // Within the grace period the reconciler leaves them alone; past it, with SQS still down, it fails softly.
    expect(await reconcile(deps)).toMatchObject({ requeued: 0, failed: 0 });
    h.clock.advance(GRACE_MS + 1000);
    expect(await reconcile(deps)).toMatchObject({ requeued: 0, failed: 3 });

    sqsDown = false;
    expect(await reconcile(deps)).toMatchObject({ requeued: 3, failed: 0 });
    // A run right after leaves them alone: their last send is younger than the grace.
    expect(await reconcile(deps)).toMatchObject({ requeued: 0, failed: 0 });
    // Still waiting a grace later (a router that is down): sent again, so each is on its queue twice.
    h.clock.advance(GRACE_MS + 1000);
    expect(await reconcile(deps)).toMatchObject({ requeued: 3, failed: 0 });
    expect((await h.sqs.queue.depths()).map((d) => d.visible)).toEqual([2, 2, 2]);

    await routeAll(h, routerDeps(h, mail.mailer));
    for (const c of created) {
      expect(await h.deps.cases.get(c.id)).toMatchObject({ status: 'assigned', office: officeOf(c.category), version: 2 });
      expect(mail.forCase(c.id)).toBe(1);
    }
    expect(mail.sent).toHaveLength(3);
    expect((await listAll(h)).filter((c) => c.hotline?.callId?.startsWith('sqs-'))).toHaveLength(3);
    expect((await h.sqs.queue.depths()).map((d) => d.deadLetters)).toEqual([0, 0, 0]);
    // Nothing left for the reconciler to do.
    expect(await reconcile(deps)).toMatchObject({ requeued: 0, failed: 0 });
  });
});

describe('the reconciler during a backlog', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    await seedOffices(h);
  });
  afterAll(async () => {
    await h.close();
  });

  it('never re-sends a case whose last send is younger than the queue visibility plus the grace', async () => {
    const VISIBILITY_MS = 30_000;
    const deps = { ...h.deps, graceMs: GRACE_MS, redeliveryMs: VISIBILITY_MS };
    const waiting: CaseBody[] = [];
    for (let i = 0; i < 5; i++) waiting.push(await createOk(h, hotlineCase({ category: 'advice', hotline: { callId: `backlog-${i}` } })));
    const depth = async () => (await h.sqs.queue.depths()).find((d) => d.category === 'advice')?.visible;
    expect(await depth()).toBe(5);

    // Past the grace but within grace + visibility: a router slow to reach them may still be on its way.
    h.clock.advance(GRACE_MS + VISIBILITY_MS - 1000);
    expect(await reconcile(deps)).toMatchObject({ requeued: 0 });
    h.clock.advance(2000);
    expect(await reconcile(deps)).toMatchObject({ requeued: 5 });
    expect(await depth()).toBe(10);
    // Every later run counts from that send, not from the intake.
    h.clock.advance(GRACE_MS);
    expect(await reconcile(deps)).toMatchObject({ requeued: 0 });
    h.clock.advance(VISIBILITY_MS + 1000);
    expect(await reconcile(deps)).toMatchObject({ requeued: 5 });

    await routeAll(h, routerDeps(h, h.deps.mailer));
    for (const c of waiting) expect((await h.deps.cases.get(c.id))?.status).toBe('assigned');
    expect(await reconcile(deps)).toMatchObject({ requeued: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// EventBridge Scheduler and SES v2: the real adapters over aws-sdk-client-mock
// ---------------------------------------------------------------------------------------------

const injectedSchedulerError = () => new InternalServerException({ message: 'injected: Scheduler unavailable', Message: 'injected: Scheduler unavailable', $metadata: { httpStatusCode: 500 } });

/**
 * EventBridge Scheduler as far as the timers use it: named one-time schedules in one group
 * (Create refuses an existing name, Update and Delete a missing one), with failures on demand.
 */
class FakeScheduler {
  readonly client = new SchedulerClient({ region: REGION, credentials: CREDENTIALS });
  readonly mock = mockClient(this.client);
  readonly schedules = new Map<string, CreateScheduleCommandInput>();
  /** The next n calls of each kind fail with InternalServerException (HTTP 500). */
  readonly failNext = { create: 0, update: 0, delete: 0 };
  /** Every call fails: Scheduler unavailable. */
  down = false;

  constructor() {
    this.mock.on(CreateScheduleCommand).callsFake(async (input: CreateScheduleCommandInput) => {
      this.maybeFail('create');
      const name = input.Name ?? '';
      if (this.schedules.has(name)) throw new ConflictException({ message: `Schedule ${name} already exists.`, Message: 'exists', $metadata: { httpStatusCode: 409 } });
      this.schedules.set(name, input);
      return { ScheduleArn: `arn:aws:scheduler:${REGION}:123456789012:schedule/${input.GroupName}/${name}` };
    });
    this.mock.on(UpdateScheduleCommand).callsFake(async (input: CreateScheduleCommandInput) => {
      this.maybeFail('update');
      const name = input.Name ?? '';
      if (!this.schedules.has(name)) throw this.notFound(name);
      this.schedules.set(name, input);
      return { ScheduleArn: `arn:aws:scheduler:${REGION}:123456789012:schedule/${input.GroupName}/${name}` };
    });
    this.mock.on(DeleteScheduleCommand).callsFake(async (input: { Name?: string }) => {
      this.maybeFail('delete');
      if (!this.schedules.delete(input.Name ?? '')) throw this.notFound(input.Name ?? '');
      return {};
    });
  }

  private maybeFail(kind: keyof FakeScheduler['failNext']): void {
    if (this.down) throw injectedSchedulerError();
    if (this.failNext[kind] > 0) {
      this.failNext[kind]--;
      throw injectedSchedulerError();
    }
  }

  private notFound(name: string): ResourceNotFoundException {
    return new ResourceNotFoundException({ message: `Schedule ${name} does not exist.`, Message: 'not found', $metadata: { httpStatusCode: 404 } });
  }

  /** CreateSchedule calls (failed ones included) for a schedule name. */
  creates(name: string): number {
    return this.mock.commandCalls(CreateScheduleCommand).filter((c) => c.args[0].input.Name === name).length;
  }

  payload(name: string): TimerPayload | undefined {
    const input = this.schedules.get(name)?.Target?.Input;
    return input === undefined ? undefined : (JSON.parse(input) as TimerPayload);
  }

  /**
   * Scheduler runs a schedule: invokes the escalator with its input, again after a failed
   * invocation (its RetryPolicy), then deletes it (ActionAfterCompletion DELETE).
   */
  async fire(name: string, invoke: (p: TimerPayload) => Promise<EscalateOutcome>): Promise<{ outcome: EscalateOutcome; errors: unknown[] }> {
    const payload = this.payload(name);
    if (!payload) throw new Error(`no schedule ${name}`);
    const errors: unknown[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const outcome = await invoke(payload);
        this.schedules.delete(name);
        return { outcome, errors };
      } catch (err) {
        errors.push(err);
      }
    }
    throw errors.at(-1);
  }
}

interface SesAttempt {
  caseId: string | undefined;
  step: string | undefined;
  accepted: boolean;
}

/** SES v2 SendEmail: accepts, or refuses the next n messages with TooManyRequestsException. */
class FakeSes {
  readonly client = new SESv2Client({ region: REGION, credentials: CREDENTIALS });
  readonly mock = mockClient(this.client);
  readonly attempts: SesAttempt[] = [];
  failNext = 0;

  constructor() {
    this.mock.on(SendEmailCommand).callsFake(async (input: SendEmailCommandInput) => {
      const headers = new Map((input.Content?.Simple?.Headers ?? []).map((x) => [x.Name, x.Value]));
      const attempt: SesAttempt = { caseId: headers.get('X-Case-Id'), step: headers.get('X-SLA-Step'), accepted: false };
      this.attempts.push(attempt);
      if (this.failNext > 0) {
        this.failNext--;
        throw new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: { httpStatusCode: 429 } });
      }
      attempt.accepted = true;
      return { MessageId: `010001-${this.attempts.length}` };
    });
  }

  /** SendEmail calls for a case's assignment notice (no step) or an escalation step. */
  tried(caseId: string, step?: string): number {
    return this.attempts.filter((a) => a.caseId === caseId && a.step === step).length;
  }

  accepted(caseId: string, step?: string): number {
    return this.attempts.filter((a) => a.accepted && a.caseId === caseId && a.step === step).length;
  }
}

describe('EventBridge Scheduler and SES failures', () => {
  let h: Harness;
  let scheduler: FakeScheduler;
  let ses: FakeSes;
  const reconcileDeps = () => ({ ...h.deps, graceMs: GRACE_MS });
  const fireEscalator = (p: TimerPayload) => escalate(h.deps, p);

  beforeAll(async () => {
    scheduler = new FakeScheduler();
    ses = new FakeSes();
    const timers = new EventBridgeTimers(scheduler.client, {
      groupName: 'union-sla-timers',
      targetArn: 'arn:aws:lambda:ap-east-1:123456789012:function:union-escalator',
      roleArn: 'arn:aws:iam::123456789012:role/union-scheduler-invoke-escalator',
      now: () => h.clock.now(),
    });
    h = await createHarness({ deps: { timers, mailer: sesV2Mailer({ client: ses.client, from: 'cases@union.example.org' }) } });
    await seedOffices(h);
  });
  afterAll(async () => {
    scheduler.mock.restore();
    ses.mock.restore();
    scheduler.client.destroy();
    ses.client.destroy();
    await h.close();
  });

  async function stored(id: string): Promise<CaseRecord> {
    const r = await h.deps.cases.get(id);
    if (!r) throw new Error(`case ${id} missing`);
    return r;
  }

  /** A complaint received Monday 2 March 09:30, routed to `rights`: its warning is due as 26 March begins. */
  async function assignedCase(callId: string): Promise<CaseRecord> {
    h.clock.set('2026-03-02T09:30:00+08:00');
    const c = await createOk(h, hotlineCase({ hotline: { callId } }));
    await routeAll(h, routerDeps(h));
    return stored(c.id);
  }

  const act = (id: string, action: string, version: number, json: unknown = {}) =>
    h.request(`/v1/cases/${id}/${action}`, { method: 'POST', roles: ['supervisor'], json, headers: { 'If-Match': `"${version}"` } });

  describe('Scheduler', () => {
    it('a CreateSchedule refused at assignment is made by the redelivered message; the office is e-mailed once', async () => {
      h.clock.set('2026-03-02T09:30:00+08:00');
      const c = await createOk(h, hotlineCase({ hotline: { callId: 'sched-create' } }));
      scheduler.failNext.create = 1;
      const routed = await routeAll(h, routerDeps(h));

      const r = await stored(c.id);
      expect(r).toMatchObject({ status: 'assigned', office: 'rights', version: 2, sla: { timer: { step: 'warning', fireAt: Date.parse('2026-03-26T00:00:00+08:00'), version: 2 } } });
      const name = scheduleName(c.id, 'warning');
      expect(scheduler.creates(name)).toBe(2);
      expect(scheduler.payload(name)).toEqual({ caseId: c.id, step: 'warning', dueAt: r.sla.dueAt, version: 2 });
      expect(scheduler.schedules.get(name)?.ScheduleExpression).toBe('at(2026-03-26T00:00:00)');
      expect(ses.tried(c.id)).toBe(1);
      expect(ses.accepted(c.id)).toBe(1);
      // The first delivery failed after the assignment and the e-mail; the second found both done.
      expect(routed.deliveries(c.id)).toBe(2);
    });

    it('Scheduler down through every delivery of the assignment: the case keeps its planned timer, and the reconciler re-creates the schedule, which escalates once', async () => {
      h.clock.set('2026-03-02T09:30:00+08:00');
      await settleLongPolls();
      const c = await createOk(h, hotlineCase({ hotline: { callId: 'sched-down' } }));
      const name = scheduleName(c.id, 'warning');
      scheduler.down = true;
      let routed;
      try {
        routed = await routeAll(h, routerDeps(h));
      } finally {
        scheduler.down = false;
      }
      // Five receives, then the dead-letter queue; the case was assigned and notified on the first.
      expect(routed.depths.find((d) => d.category === 'complaint')?.deadLetters).toBe(1);
      expect(routed.deliveries(c.id)).toBe(5);
      expect(scheduler.creates(name)).toBe(5);
      expect(scheduler.schedules.has(name)).toBe(false);
      const r = await stored(c.id);
      expect(r).toMatchObject({ status: 'assigned', version: 2, sla: { timer: { step: 'warning', fireAt: Date.parse('2026-03-26T00:00:00+08:00'), version: 2 } } });
      expect(ses.accepted(c.id)).toBe(1);

      // Past the timer's time and the grace period, the reconciler takes it to be lost and re-creates it
      // (a minute from now), for the version the record names.
      h.clock.set('2026-03-26T00:01:01+08:00');
      await reconcile(reconcileDeps());
      expect(scheduler.creates(name)).toBe(6);
      expect(scheduler.payload(name)).toEqual({ caseId: c.id, step: 'warning', dueAt: r.sla.dueAt, version: 2 });
      expect(scheduler.schedules.get(name)?.ScheduleExpression).toBe('at(2026-03-26T00:02:01)');

      h.clock.set('2026-03-26T00:02:01+08:00');
      expect((await scheduler.fire(name, fireEscalator)).outcome).toBe('escalated');
      const escalated = await stored(c.id);
      expect(escalated.escalations?.map((e) => e.step)).toEqual(['warning']);
      expect(escalated.sla).toMatchObject({ lastStep: 'warning', timer: { step: 'breach', version: 3 } });
      expect(scheduler.payload(scheduleName(c.id, 'breach'))).toMatchObject({ version: 3 });
      expect(ses.accepted(c.id, 'warning')).toBe(1);

      // An admin redrives the dead letter: the router finds the case assigned and notified. Nothing doubles.
      expect(await h.sqs.queue.redrive('complaint')).toBe(1);
      await routeAll(h, routerDeps(h));
      expect((await stored(c.id)).version).toBe(3);
      expect(ses.accepted(c.id)).toBe(1);
      expect((await h.sqs.queue.depths()).map((d) => d.deadLetters)).toEqual([0, 0, 0]);
    }, 40_000);

    it('Scheduler down during an action: the write stands with its planned timer, the old schedule fires stale, and the reconciler re-creates it', async () => {
      const r = await assignedCase('sched-action');
      const name = scheduleName(r.id, 'warning');
      expect(scheduler.payload(name)?.version).toBe(2);
      h.clock.set('2026-03-03T10:00:00+08:00');
      scheduler.down = true;
      try {
        // The answer is not asserted: the timers are synced after the write, so today the API answers
        // 500 for an action whose write stood. What must hold either way is the state below.
        await act(r.id, 'accept', 2);
      } finally {
        scheduler.down = false;
      }
      const accepted = await stored(r.id);
      expect(accepted).toMatchObject({ status: 'in_progress', version: 3, sla: { timer: { step: 'warning', version: 3 } } });
      // The schedule still carries the version before the action.
      expect(scheduler.payload(name)?.version).toBe(2);

      // At its time the old schedule fires: stale, nothing sent, nothing written.
      h.clock.set('2026-03-26T00:00:00+08:00');
      expect((await scheduler.fire(name, fireEscalator)).outcome).toBe('stale');
      expect(ses.tried(r.id, 'warning')).toBe(0);
      expect((await stored(r.id)).version).toBe(3);

      // The reconciler's next run past the grace period re-creates it for the version the record names.
      const before = scheduler.creates(name);
      h.clock.set('2026-03-26T00:01:01+08:00');
      await reconcile(reconcileDeps());
      expect(scheduler.creates(name)).toBe(before + 1);
      expect(scheduler.payload(name)).toEqual({ caseId: r.id, step: 'warning', dueAt: accepted.sla.dueAt, version: 3 });
      h.clock.set('2026-03-26T00:02:01+08:00');
      expect((await scheduler.fire(name, fireEscalator)).outcome).toBe('escalated');
      expect(ses.accepted(r.id, 'warning')).toBe(1);
      expect((await stored(r.id)).escalations).toHaveLength(1);
    });

    it('a DeleteSchedule refused after a reply does not undo the reply; the stale timer is a no-op and the automatic close still happens', async () => {
      const r = await assignedCase('sched-reply');
      h.clock.set('2026-03-03T10:00:00+08:00');
      expect((await act(r.id, 'accept', 2)).status).toBe(200);
      const warning = scheduleName(r.id, 'warning');
      expect(scheduler.payload(warning)?.version).toBe(3);

      h.clock.set('2026-03-05T10:00:00+08:00');
      scheduler.failNext.delete = 1;
      // Not asserted, as above: the reply's write stands whatever the answer.
      await act(r.id, 'reply', 3, { text: '已协调用人单位补发工资。', outcome: 'support' });
      expect(scheduler.failNext.delete).toBe(0);
      const replied = await stored(r.id);
      expect(replied).toMatchObject({ status: 'replied', version: 4, sla: { timer: { step: 'autoclose', version: 4 } } });
      expect(replied.events?.filter((e) => e.action === 'reply')).toHaveLength(1);
      // The same reply sent again (a client retrying) is refused on its version: replied once.
      expect((await act(r.id, 'reply', 3, { text: '已协调用人单位补发工资。', outcome: 'support' })).status).toBe(412);
      expect(scheduler.schedules.has(warning)).toBe(true);

      // The automatic close: the reconciler makes sure its schedule exists by the time it is due.
      const autoclose = scheduleName(r.id, 'autoclose');
      const closeAt = replied.sla.timer?.fireAt ?? NaN;
      h.clock.set(new Date(closeAt + GRACE_MS + 1000).toISOString());
      await reconcile(reconcileDeps());
      expect(scheduler.payload(autoclose)).toMatchObject({ caseId: r.id, step: 'autoclose', version: 4 });
      expect((await scheduler.fire(autoclose, fireEscalator)).outcome).toBe('auto_closed');
      expect(await stored(r.id)).toMatchObject({ status: 'closed', version: 5 });

      // The warning schedule nobody deleted fires at its time: nothing sent, nothing written.
      h.clock.set('2026-03-26T00:00:00+08:00');
      expect((await scheduler.fire(warning, fireEscalator)).outcome).toBe('closed');
      expect(ses.tried(r.id, 'warning')).toBe(0);
      expect((await stored(r.id)).version).toBe(5);
    });
  });

  describe('SES', () => {
    it('the assignment notice refused by SES: the claim is released, the redelivered message sends it, exactly one accepted', async () => {
      h.clock.set('2026-03-02T09:30:00+08:00');
      const c = await createOk(h, hotlineCase({ hotline: { callId: 'ses-assign' } }));
      ses.failNext = 2;
      await routeAll(h, routerDeps(h));

      expect(ses.tried(c.id)).toBe(3);
      expect(ses.accepted(c.id)).toBe(1);
      const r = await stored(c.id);
      // Assigned once: the redeliveries found the case assigned by their own message and only sent the notice.
      expect(r).toMatchObject({ status: 'assigned', office: 'rights', version: 2 });
      expect(await h.deps.notices.claim(c.id, `assigned:rights:${r.assignedAt}`, h.clock.now() + 60_000, h.clock.now())).toBe('already_sent');
      expect(scheduler.payload(scheduleName(c.id, 'warning'))).toMatchObject({ version: 2 });
      expect((await h.sqs.queue.depths()).map((d) => d.deadLetters)).toEqual([0, 0, 0]);
    });

    it('an escalation e-mail refused by SES: the claim is released, the escalator retry sends it, exactly one accepted and one escalation recorded', async () => {
      const r = await assignedCase('ses-escalate');
      const name = scheduleName(r.id, 'warning');
      const payload = scheduler.payload(name);
      if (!payload) throw new Error('no warning schedule');
      h.clock.set('2026-03-26T08:00:00+08:00');
      ses.failNext = 1;
      const { outcome, errors } = await scheduler.fire(name, fireEscalator);
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).name).toBe('TooManyRequestsException');
      // The retry at the same instant was not told 'busy': the failed send gave its claim up.
      expect(outcome).toBe('escalated');
      expect(ses.tried(r.id, 'warning')).toBe(2);
      expect(ses.accepted(r.id, 'warning')).toBe(1);

      const escalated = await stored(r.id);
      expect(escalated.escalations?.map((e) => e.step)).toEqual(['warning']);
      expect(escalated).toMatchObject({ version: 3, sla: { state: 'due_soon', lastStep: 'warning', timer: { step: 'breach', version: 3 } } });
      expect(scheduler.payload(scheduleName(r.id, 'breach'))).toMatchObject({ step: 'breach', version: 3 });
      // Scheduler delivers at least once: the same firing again sends and writes nothing.
      expect(await escalate(h.deps, payload)).toBe('stale');
      expect(ses.tried(r.id, 'warning')).toBe(2);
      expect((await stored(r.id)).version).toBe(3);
    });
  });
});
