import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedFetch } from '../support/contract';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import type { CaseBody } from '../support/http';

/**
 * The whole flow over HTTP on the local runtime, as `npm start` runs it: intake → category queue →
 * router → office (by the seeded rules) → one e-mail in the outbox.
 */
let runtime: LocalRuntime;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'routing-e2e-'));
  runtime = await startLocalRuntime({
    inMemory: true,
    env: {
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      QUEUE_VISIBILITY_SECONDS: '1',
      ROUTING_CACHE_SECONDS: '0',
      RECONCILE_GRACE_SECONDS: '0',
      // The interval is not what these tests exercise: they call reconcileNow().
      RECONCILE_INTERVAL_SECONDS: '3600',
      PUBLIC_BASE_URL: 'https://cases.union.example.org',
    },
  });
});
afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const auth = (role: string) => ({ Authorization: `Bearer ${runtime.tokens[role]}` });

async function create(body: Record<string, unknown>, role = 'operator'): Promise<CaseBody> {
  const res = await checkedFetch(`${runtime.url}/v1/cases`, { method: 'POST', headers: { ...auth(role), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as CaseBody;
}

async function read(id: string): Promise<CaseBody> {
  return (await (await checkedFetch(`${runtime.url}/v1/cases/${id}`, { headers: auth('supervisor') })).json()) as CaseBody;
}

/** Polls until the case is assigned, up to `ms`; returns it either way. */
async function assigned(id: string, ms = 8000): Promise<CaseBody> {
  const until = Date.now() + ms;
  let c = await read(id);
  while (c.status !== 'assigned' && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    c = await read(id);
  }
  return c;
}

/** The e-mails so far for a ticket; with `atLeast`, waits (up to 5 s) until that many have come. */
async function mailsFor(ticketNo: string, atLeast = 0) {
  const until = Date.now() + 5000;
  let mails = await readMails(ticketNo);
  while (mails.length < atLeast && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    mails = await readMails(ticketNo);
  }
  return mails;
}

async function readMails(ticketNo: string) {
  const files = await readdir(runtime.outboxDir).catch(() => [] as string[]);
  const parsed = await Promise.all(files.filter((f) => f.endsWith('.eml')).map(async (f) => simpleParser(await readFile(join(runtime.outboxDir, f)))));
  // The offices' e-mails; the caller's receipt (受理告知) is tested in receipt.test.ts.
  return parsed.filter((m) => m.headers.get('x-ticket-no') === ticketNo && !m.subject?.startsWith('【受理告知】'));
}

const hotline = (over: Record<string, unknown>) => ({
  channel: 'hotline',
  category: 'complaint',
  subject: '来电反映问题',
  description: '来电人反映单位问题，联系电话13800138000。',
  complainant: { name: '赵六', phone: '13800138000', email: 'zhao@example.com' },
  hotline: { callId: `call-${Math.random()}` },
  ...over,
});

describe('routing on the local runtime', () => {
  it.each([
    ['advice about wages → rights (rule 9: topic wages)', { category: 'advice', topic: 'wages' }, 'rights', 8],
    ['a complaint about dismissal → legal aid (rule 2)', { category: 'complaint', topic: 'dismissal' }, 'legal-aid', 1],
    ['an investigation into safety → labour protection (rule 5)', { category: 'investigation', topic: 'safety' }, 'labour-protection', 4],
    ['advice asking for psychological support → care station (rule 4)', { category: 'advice', topic: 'psychological' }, 'psych', 3],
    ['a complaint on another topic → rights (rule 7: category complaint)', { category: 'complaint', topic: 'other' }, 'rights', 6],
    ['advice without a topic → the general office (default)', { category: 'advice' }, 'general', null],
  ])('%s, with one e-mail to that office', async (_name, over, office, ruleIndex) => {
    const c = await create(hotline(over));
    const done = await assigned(c.id);
    expect(done).toMatchObject({ status: 'assigned', office, version: 2, routing: { office, ruleIndex, rulesVersion: 1, messageVersion: 1 } });
    expect(done.assignedAt).toMatch(/\+08:00$/);

    const until = Date.now() + 5000;
    let mails = await mailsFor(c.ticketNo);
    while (mails.length === 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      mails = await mailsFor(c.ticketNo);
    }
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    const to = Array.isArray(mail?.to) ? mail.to : mail?.to ? [mail.to] : [];
    expect(to.flatMap((a) => a.value.map((v) => v.address))).toEqual([`${office === 'psych' ? 'care' : office === 'labour-protection' ? 'safety' : office === 'general' ? 'office' : office}@union.example.org`]);
    expect(mail?.subject).toContain(c.ticketNo);
    expect(mail?.subject).toMatch(/^【新案件】/);
    // The link opens the case in the office console (sign-in first), not the API's JSON.
    expect(mail?.text).toContain(`https://cases.union.example.org/console/cases/${c.id}`);
    expect(`${mail?.text}${mail?.html}`).not.toContain('/v1/cases/');
    // Never the complainant's contact details.
    const whole = `${mail?.subject}\n${mail?.text}\n${mail?.html}`;
    for (const secret of ['13800138000', 'zhao@example.com', '赵六']) expect(whole).not.toContain(secret);
  });

  it('a case whose SendMessage failed at intake still gets 201 and is assigned after the next reconciler run', async () => {
    let failNext = true;
    const name = 'inject-send-failure';
    runtime.queues.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (failNext && context.commandName === 'SendMessageCommand') {
          failNext = false;
          throw new Error('injected: SQS unavailable');
        }
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      const c = await create(hotline({ category: 'advice', topic: 'wages' }));
      expect(failNext).toBe(false);
      await new Promise((r) => setTimeout(r, 1500));
      expect((await read(c.id)).status).toBe('received');
      expect((await runtime.reconcileNow(0)).requeued).toBeGreaterThanOrEqual(1);
      expect(await assigned(c.id)).toMatchObject({ status: 'assigned', office: 'rights' });
      expect(await mailsFor(c.ticketNo, 1)).toHaveLength(1);
    } finally {
      runtime.queues.client.middlewareStack.remove(name);
    }
  });

  it('duplicate deliveries (and a reconciler pass) change nothing and send no second e-mail', async () => {
    const c = await create(hotline({ category: 'complaint', topic: 'wages' }));
    const first = await assigned(c.id);
    expect(first.status).toBe('assigned');
    await new Promise((r) => setTimeout(r, 300));
    const send = (version: number) =>
      runtime.queues.client.send(
        new SendMessageCommand({ QueueUrl: runtime.queues.queues.complaint.url, MessageBody: JSON.stringify({ caseId: c.id, category: 'complaint', version }) }),
      );
    // The same message three times at once, and the reconciler on top.
    await Promise.all([send(1), send(1), send(1), runtime.reconcileNow(0)]);
    await new Promise((r) => setTimeout(r, 2500));
    const after = await read(c.id);
    expect(after).toEqual(first);
    expect(await mailsFor(c.ticketNo)).toHaveLength(1);
  });

  it('a poison message lands in the dead-letter queue after 5 receives, visible to admins, and can be redriven', async () => {
    await runtime.queues.client.send(new SendMessageCommand({ QueueUrl: runtime.queues.queues.investigation.url, MessageBody: 'not json at all' }));
    const depth = async () => {
      const res = await checkedFetch(`${runtime.url}/v1/admin/queues`, { headers: auth('supervisor') });
      expect(res.status).toBe(200);
      const { queues } = (await res.json()) as { queues: { category: string; deadLetters: number }[] };
      return queues.find((q) => q.category === 'investigation')?.deadLetters ?? 0;
    };
    const until = Date.now() + 15_000;
    while ((await depth()) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(await depth()).toBe(1);
    const redrive = await checkedFetch(`${runtime.url}/v1/admin/queues/investigation/redrive`, { method: 'POST', headers: auth('admin') });
    expect(await redrive.json()).toEqual({ category: 'investigation', moved: 1 });
  });
});
