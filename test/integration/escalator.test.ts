import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { DynamoTimerStore } from '../../shared/adapters/dynamo/timer-store';
import { outboxMailer } from '../../shared/adapters/mail/nodemailer-mailer';
import type { CaseRecord } from '../../shared/domain/case';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/domain/sla';
import type { Mailer, TimerPayload } from '../../shared/ports';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { escalate, type EscalatorDeps } from '../../shared/usecases/escalate';
import { reconcile } from '../../shared/usecases/reconcile';
import { repairTimers } from '../../shared/usecases/repair-timers';
import { RetryLaterError } from '../../shared/domain/errors';
import { routeCase } from '../../shared/usecases/route-case';
import { RoutingConfigCache } from '../../shared/usecases/routing-config';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { createOk } from '../support/http';

/** The escalator on the real stores (dynalite), the real table timers and a real outbox. */
let h: Harness;
let outbox: string;
let deps: EscalatorDeps;
let timers: DynamoTimerStore;

beforeAll(async () => {
  // Monday 2 March 2026: a complaint received now is due Monday 30 March, warned as 26 March begins.
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  outbox = await mkdtemp(join(tmpdir(), 'escalator-outbox-'));
  timers = new DynamoTimerStore(h.db, h.tableName);
  await putOffice(
    h.deps,
    {
      id: 'rights',
      name: '权益保障部',
      email: 'rights@union.example.org',
      locale: 'zh-CN',
      escalation: { head: ['head@union.example.org'], supervisor: ['supervisor@union.example.org'], chairman: ['chairman@union.example.org'] },
    },
    'test',
  );
  await putRouting(h.deps, { rules: [], defaultOffice: 'rights' }, 'test');
  const stores = dynamoStores(h.db, h.tableName);
  deps = {
    ...stores,
    timers,
    calendar: h.deps.calendar,
    mailer: outboxMailer({ dir: outbox, from: 'cases@union.example.org' }),
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

/** A complaint received now, routed to `rights`: it has its first SLA timer. */
async function assignedCase(callId: string): Promise<CaseRecord> {
  const c = await createOk(h, hotlineCase({ hotline: { callId } }));
  await routeCase(
    { ...deps, routing: new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0) },
    { caseId: c.id, category: 'complaint', version: 1 },
  );
  const stored = await h.deps.cases.get(c.id);
  if (!stored) throw new Error('missing');
  return stored;
}

const payloadOf = (r: CaseRecord): TimerPayload => {
  if (!r.sla.timer) throw new Error(`case ${r.id} has no timer`);
  return { caseId: r.id, step: r.sla.timer.step, dueAt: r.sla.dueAt, version: r.sla.timer.version };
};

async function mailsFor(ticketNo: string) {
  const files = (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
  const parsed = await Promise.all(files.map(async (f) => simpleParser(await readFile(join(outbox, f)))));
  return parsed.filter((m) => m.headers.get('x-ticket-no') === ticketNo && m.headers.get('x-sla-step'));
}

describe('escalator', () => {
  it('assignment plans the warning timer, in the table, for the assigned version', async () => {
    h.clock.set('2026-03-02T09:30:00+08:00');
    const r = await assignedCase('plan');
    expect(r.sla.timer).toEqual({ step: 'warning', fireAt: Date.parse('2026-03-26T00:00:00+08:00'), version: r.version });
    const due = await timers.due(Date.parse('2026-03-26T00:00:00+08:00'), 1000);
    expect(due.some((t) => t.caseId === r.id && t.step === 'warning' && t.version === r.version)).toBe(true);
  });

  it('the same step fired 20 times at once sends one e-mail and records one escalation', async () => {
    h.clock.set('2026-03-02T09:30:00+08:00');
    const r = await assignedCase('race');
    h.clock.set('2026-03-26T08:00:00+08:00');
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => escalate(deps, payloadOf(r))));
    const failures = results.filter((x) => x.status === 'rejected');
    for (const f of failures) expect((f as PromiseRejectedResult).reason).toBeInstanceOf(RetryLaterError);
    // The retries that were asked for: the step is found sent (or the timer stale), never sent twice.
    for (let i = 0; i < failures.length; i++) await escalate(deps, payloadOf(r)).catch(() => undefined);
    const mails = await mailsFor(r.ticketNo);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe(`【即将超期】${r.ticketNo} 求助申诉 剩余3个工作日`);
    const after = await h.deps.cases.get(r.id);
    expect(after?.escalations).toHaveLength(1);
    expect(after?.sla).toMatchObject({ state: 'due_soon', lastStep: 'warning', timer: { step: 'breach' } });
  });

  it('climbs the ladder and ignores stale and closed timers', async () => {
    h.clock.set('2026-03-02T09:30:00+08:00');
    let r = await assignedCase('ladder');
    const first = payloadOf(r);
    h.clock.set('2026-03-31T00:00:01+08:00');
    // Asleep through the warning: the breach is the most severe due step, the warning is skipped.
    expect(await escalate(deps, first)).toBe('escalated');
    r = (await h.deps.cases.get(r.id)) as CaseRecord;
    expect(r.escalations?.at(-1)).toMatchObject({ step: 'breach', level: 2, skipped: ['warning'] });
    expect(r.sla.state).toBe('overdue');
    // The first timer again: its version is gone.
    expect(await escalate(deps, first)).toBe('stale');
    h.clock.set('2026-04-02T09:00:00+08:00');
    expect(await escalate(deps, payloadOf(r))).toBe('escalated');
    r = (await h.deps.cases.get(r.id)) as CaseRecord;
    expect(r.escalations?.at(-1)).toMatchObject({ step: 'overdue-3', level: 3, skipped: ['overdue-1', 'overdue-2'] });
    const mails = await mailsFor(r.ticketNo);
    expect(mails.map((m) => m.headers.get('x-sla-step'))).toEqual(expect.arrayContaining(['breach', 'overdue-3']));
    expect(mails).toHaveLength(2);
    // Replied: the obligation ended, the next timer does nothing.
    await h.deps.cases.replace({ ...r, status: 'replied', version: r.version + 1 }, r.version);
    h.clock.set('2026-04-03T09:00:00+08:00');
    expect(await escalate(deps, { ...payloadOf(r), version: r.version + 1 })).toBe('closed');
    expect(await mailsFor(r.ticketNo)).toHaveLength(2);
  });

  it('a timer that arrives a little early (Scheduler fires up to a minute before) still sends its step', async () => {
    h.clock.set('2026-03-02T09:30:00+08:00');
    const r = await assignedCase('early');
    h.clock.set('2026-03-25T23:59:20+08:00');
    // 40 s before the warning's time: within Scheduler's precision, so it counts as due.
    expect(await escalate(deps, payloadOf(r))).toBe('escalated');
    expect((await mailsFor(r.ticketNo)).map((m) => m.headers.get('x-sla-step'))).toEqual(['warning']);
  });

  it('a failed send is retried later without a second e-mail', async () => {
    h.clock.set('2026-03-02T09:30:00+08:00');
    const r = await assignedCase('flaky-mail');
    h.clock.set('2026-03-26T08:00:00+08:00');
    let failures = 1;
    const flaky: Mailer = {
      send: async (m) => {
        if (failures-- > 0) throw new Error('injected: SMTP relay down');
        return deps.mailer.send(m);
      },
    };
    await expect(escalate({ ...deps, mailer: flaky }, payloadOf(r))).rejects.toThrow(/SMTP relay down/);
    expect((await h.deps.cases.get(r.id))?.sla.lastStep).toBeUndefined();
    expect(await escalate({ ...deps, mailer: flaky }, payloadOf(r))).toBe('escalated');
    expect(await escalate({ ...deps, mailer: flaky }, payloadOf(r))).toBe('stale');
    expect(await mailsFor(r.ticketNo)).toHaveLength(1);
  });

  it('the reconciler re-creates a lost timer and gives a record without one its timer', async () => {
    h.clock.set('2026-03-02T09:30:00+08:00');
    const lost = await assignedCase('lost-timer');
    const bare = await assignedCase('no-timer');
    // Lost: the timer item is gone (a crash between the case write and the schedule).
    await timers.cancel(lost.id, 'warning');
    // Bare: a record written without a timer (e.g. by an earlier version).
    const { timer: _t, ...sla } = bare.sla;
    await h.deps.cases.replace({ ...bare, sla, version: bare.version + 1 }, bare.version);

    h.clock.set('2026-03-26T09:00:00+08:00');
    const { repaired } = await repairTimers({ ...deps, graceMs: 60_000 });
    expect(repaired).toBeGreaterThanOrEqual(2);
    const due = await timers.due(h.clock.now(), 1000);
    expect(due.find((t) => t.caseId === lost.id)).toMatchObject({ step: 'warning', version: lost.version });
    const fixed = await h.deps.cases.get(bare.id);
    expect(fixed?.sla.timer).toMatchObject({ step: 'warning', version: fixed?.version });
    expect(due.find((t) => t.caseId === bare.id)).toMatchObject({ step: 'warning', version: fixed?.version });
    // Fired now, it escalates as it should have.
    expect(await escalate(deps, payloadOf((await h.deps.cases.get(lost.id)) as CaseRecord))).toBe('escalated');
  });

  it("the reconciler's light pass puts right the timers of cases changed lately and leaves the rest to the full pass", async () => {
    h.clock.set('2026-04-01T09:30:00+08:00');
    const old = await assignedCase('light-old');
    h.clock.set('2026-04-01T11:30:00+08:00');
    const recent = await assignedCase('light-recent');
    for (const r of [old, recent]) {
      const { timer: _t, ...sla } = r.sla;
      await h.deps.cases.replace({ ...r, sla, updatedAt: r.updatedAt, version: r.version + 1 }, r.version);
    }
    // Past the sweep's half hour for the first, within it for the second.
    h.clock.set('2026-04-01T11:40:00+08:00');
    const light = { ...deps, graceMs: 60_000, queue: h.deps.queue, reports: h.deps.reports, notices: h.deps.notices, allTimers: false };
    const recentUpdated = (await h.deps.cases.get(recent.id)) as CaseRecord;
    await h.deps.cases.replace({ ...recentUpdated, updatedAt: h.clock.now() - 60_000, version: recentUpdated.version + 1 }, recentUpdated.version);
    expect((await reconcile(light)).timersRepaired).toBeGreaterThanOrEqual(1);
    expect((await h.deps.cases.get(recent.id))?.sla.timer).toBeDefined();
    expect((await h.deps.cases.get(old.id))?.sla.timer).toBeUndefined();
    await reconcile({ ...light, allTimers: true });
    expect((await h.deps.cases.get(old.id))?.sla.timer).toMatchObject({ step: 'warning' });
  });

  it('the reconciler also gives a replied case its lost automatic-close timer', async () => {
    h.clock.set('2026-03-02T09:30:00+08:00');
    const r = await assignedCase('autoclose-repair');
    const { timer: _t, ...sla } = r.sla;
    // Replied Tue 3 March, and the timer write was lost.
    await h.deps.cases.replace({ ...r, status: 'replied', reply: { at: Date.parse('2026-03-03T10:00:00+08:00'), text: 'x' }, sla, version: r.version + 1 }, r.version);
    h.clock.set('2026-03-04T09:00:00+08:00');
    await repairTimers({ ...deps, graceMs: 60_000 });
    const fixed = await h.deps.cases.get(r.id);
    // 4–6, 9–13, 16–17 March are the 10 working days: it closes as 18 March begins.
    expect(fixed?.sla.timer).toEqual({ step: 'autoclose', fireAt: Date.parse('2026-03-18T00:00:00+08:00'), version: fixed?.version });
    const due = await timers.due(Date.parse('2026-03-18T00:00:00+08:00'), 1000);
    expect(due.some((t) => t.caseId === r.id && t.step === 'autoclose')).toBe(true);
  });
});
