import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedFetch } from '../support/contract';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { TestClock } from '../support/harness';
import type { CaseBody } from '../support/http';
import { waitFor } from '../support/wait';

/**
 * One case from the web form to a closed outcome, over HTTP on the local runtime as `npm start`
 * runs it (embedded DynamoDB and SQS, the router's poller, the timer runner, mail to .eml files),
 * with a clock the test moves: routed and e-mailed to the office, signed for, extended, paused,
 * warned, replied, rated unhappy by the complainant, reopened, replied again, closed automatically.
 * Then the outbox holds exactly one e-mail per notice and the history tells the whole story.
 */
let runtime: LocalRuntime;
let dataDir: string;
const clock = new TestClock(Date.parse('2026-10-12T09:00:00+08:00'));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lifecycle-e2e-'));
  runtime = await startLocalRuntime({
    inMemory: true,
    clock,
    env: {
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      ROUTING_CACHE_SECONDS: '0',
      // The test fires timers itself (fireDueTimers) after moving the clock.
      TIMER_POLL_MS: '60000',
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

async function api<T>(path: string, init: { method?: string; role?: string; json?: unknown; etag?: string; expect?: number } = {}): Promise<{ body: T; etag: string }> {
  const res = await checkedFetch(`${runtime.url}${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.role && auth(init.role)),
      ...(init.json !== undefined && { 'Content-Type': 'application/json', Accept: 'application/json' }),
      ...(init.etag && { 'If-Match': init.etag }),
    },
    ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
  });
  const text = await res.text();
  expect(res.status, `${path}: ${text}`).toBe(init.expect ?? 200);
  return { body: JSON.parse(text) as T, etag: res.headers.get('etag') ?? '' };
}

let id = '';
/** GET for the ETag, then the action as `role`. */
async function act(action: string, json: unknown, role = 'office'): Promise<CaseBody> {
  const { etag } = await api<CaseBody>(`/v1/cases/${id}`, { role: 'supervisor' });
  return (await api<CaseBody>(`/v1/cases/${id}/${action}`, { role, json, etag })).body;
}

async function allMailsFor(ticketNo: string): Promise<ParsedMail[]> {
  const files = (await readdir(runtime.outboxDir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
  const mails = await Promise.all(files.map(async (f) => simpleParser(await readFile(join(runtime.outboxDir, f)))));
  return mails.filter((m) => m.headers.get('x-ticket-no') === ticketNo);
}
const isReceipt = (m: ParsedMail) => m.subject?.startsWith('【受理告知】') ?? false;
/** What the writer is told: the receipt, the extension, each reply. */
const isToWriter = (m: ParsedMail) => /^【(受理|延期|答复)告知】/.test(m.subject ?? '');
/** The e-mails to staff about the case (the writer's notices aside). */
const mailsFor = async (ticketNo: string) => (await allMailsFor(ticketNo)).filter((m) => !isToWriter(m));

const recipients = (m: ParsedMail) => [m.to, m.cc].flatMap((a) => (a ? (Array.isArray(a) ? a : [a]) : [])).flatMap((a) => a.value.map((v) => v.address));

describe('a mailbox letter from intake to a closed, rated outcome on the local runtime', () => {
  let receipt: { ticketNo: string; trackingCode: string; dueAt: string };

  it('the web form files it; the router assigns it to the rights office and e-mails that office once', async () => {
    receipt = (
      await api<typeof receipt>('/v1/intake/mailbox', {
        json: { name: '吴春梅', phone: '13811112222', email: 'wu.chunmei@example.com', employer: '某电子厂', subject: '加班费未足额发放', message: '九月加班费按最低工资计算，未按实际工资发放。', category: 'complaint' },
        expect: 201,
      })
    ).body;
    const list = await api<{ items: CaseBody[] }>('/v1/cases?channel=mailbox&limit=50', { role: 'supervisor' });
    id = list.body.items.find((c) => c.ticketNo === receipt.ticketNo)?.id ?? '';
    expect(id).not.toBe('');
    const routed = await waitFor(() => api<CaseBody>(`/v1/cases/${id}`, { role: 'supervisor' }).then((r) => r.body), (c) => c.status === 'assigned');
    expect(routed).toMatchObject({ status: 'assigned', office: 'rights', sla: { dueAt: receipt.dueAt, state: 'on_track' } });
    const mails = await waitFor(() => mailsFor(receipt.ticketNo), (m) => m.length >= 1);
    expect(mails).toHaveLength(1);
    expect(recipients(mails[0] as ParsedMail)).toEqual(['rights@union.example.org']);
    expect(mails[0]?.headers.get('x-sla-step')).toBeUndefined();
    // The writer gave an e-mail address: the receipt (受理告知) with the tracking link goes to them alone.
    const receipts = await waitFor(async () => (await allMailsFor(receipt.ticketNo)).filter(isReceipt), (m) => m.length >= 1);
    expect(receipts.map(recipients)).toEqual([['wu.chunmei@example.com']]);
    expect(receipts[0]?.text).toContain(`#ticket=${receipt.ticketNo}&code=${receipt.trackingCode}`);
  });

  it('the office signs for it, asks for an extension a supervisor approves, pauses and resumes; the deadline follows', async () => {
    clock.set('2026-10-12T15:00:00+08:00');
    expect(await act('accept', {})).toMatchObject({ status: 'in_progress', acceptedAt: '2026-10-12T15:00:00+08:00' });
    expect(await act('request-extension', { reasonCode: 'needs_investigation', reason: '需到厂核查考勤与工资表' })).toMatchObject({ extensionRequest: { state: 'pending' } });
    // Received Mon 12 Oct: 30 working days → 13–16 (4), 19–23 (9), 26–30 (14), 2–6 Nov (19), 9–13 (24), 16–20 (29), Mon 23 Nov (30).
    const extended = await act('approve-extension', {}, 'supervisor');
    expect(extended).toMatchObject({ category: 'investigation', extensionReason: 'needs_investigation', sla: { dueAt: '2026-11-23T23:59:59+08:00' } });
    clock.set('2026-10-13T10:00:00+08:00');
    expect((await act('pause', { reason: '请来信人补充九月工资条' })).status).toBe('paused');
    clock.set('2026-10-15T10:00:00+08:00');
    // Paused Tue 13 → Thu 15 Oct: 14 and 15 Oct are not counted → Wed 25 Nov.
    expect(await act('resume', {})).toMatchObject({ status: 'in_progress', sla: { dueAt: '2026-11-25T23:59:59+08:00' } });
  });

  it('the warning timer fires once on its day and e-mails the office; firing again sends nothing', async () => {
    const { body } = await api<CaseBody>(`/v1/cases/${id}`, { role: 'supervisor' });
    expect(body.sla.nextStep?.step).toBe('warning');
    clock.set(body.sla.nextStep?.at ?? '');
    expect(await runtime.fireDueTimers()).toBe(1);
    expect(await runtime.fireDueTimers()).toBe(0);
    const warned = (await mailsFor(receipt.ticketNo)).filter((m) => m.headers.get('x-sla-step') === 'warning');
    expect(warned).toHaveLength(1);
    expect(recipients(warned[0] as ParsedMail)).toContain('rights@union.example.org');
    expect((await api<CaseBody>(`/v1/cases/${id}`, { role: 'supervisor' })).body.sla.state).toBe('due_soon');
  });

  it('the office replies on time; the complainant rates it unhappy on the tracking API; a supervisor reopens; a second reply', async () => {
    clock.advance(3_600_000);
    expect(await act('reply', { text: '已责成企业按实际工资补发九月加班费。', outcome: 'support' })).toMatchObject({ status: 'replied', sla: { state: 'met' } });
    const rated = await api<{ status: string; mayRate: boolean }>(`/v1/track/${receipt.ticketNo}/follow-up`, {
      json: { code: receipt.trackingCode, resolved: false, satisfaction: 'dissatisfied', comment: '企业只补了一部分' },
    });
    expect(rated.body).toMatchObject({ status: 'replied', mayRate: false });
    clock.advance(86_400_000);
    expect((await act('reopen', { reason: '来信人反映仍未足额补发' }, 'supervisor')).status).toBe('in_progress');
    clock.advance(2 * 86_400_000);
    expect((await act('reply', { text: '企业已于今日足额补发，附银行流水。', outcome: 'support' })).status).toBe('replied');
  });

  it('nobody follows up: the autoclose timer closes it after 10 working days', async () => {
    const { body } = await api<CaseBody>(`/v1/cases/${id}`, { role: 'supervisor' });
    expect(body.sla.nextStep?.step).toBe('autoclose');
    clock.set(body.sla.nextStep?.at ?? '');
    expect(await runtime.fireDueTimers()).toBe(1);
    expect((await api<CaseBody>(`/v1/cases/${id}`, { role: 'supervisor' })).body).toMatchObject({ status: 'closed' });
  });

  it('the outbox holds exactly the assignment notice and the one warning; the history has every step with who did it', async () => {
    const mails = await mailsFor(receipt.ticketNo);
    expect(mails.map((m) => m.headers.get('x-sla-step') ?? 'assignment')).toEqual(['assignment', 'warning']);
    // No personal data of the complainant in any e-mail to staff beyond what the office needs: never the tracking code.
    for (const m of mails) expect(`${m.subject} ${m.text}`).not.toContain(receipt.trackingCode);

    const { body } = await api<{ items: { action: string; by: { sub: string }; from?: string; to?: string; detail?: Record<string, unknown> }[] }>(`/v1/cases/${id}/events`, { role: 'supervisor' });
    expect(body.items.map((e) => [e.action, e.by.sub, e.to])).toEqual([
      ['received', 'public', 'received'],
      ['routed', 'system', 'assigned'],
      ['accept', 'dev-office', 'in_progress'],
      ['request-extension', 'dev-office', 'in_progress'],
      ['approve-extension', 'dev-supervisor', 'in_progress'],
      ['pause', 'dev-office', 'paused'],
      ['resume', 'dev-office', 'in_progress'],
      ['escalation:warning', 'system', undefined],
      ['reply', 'dev-office', 'replied'],
      ['follow-up', 'complainant', 'replied'],
      ['reopen', 'dev-supervisor', 'in_progress'],
      ['reply', 'dev-office', 'replied'],
      ['close', 'system', 'closed'],
    ]);
    expect(body.items.find((e) => e.action === 'request-extension')?.detail).toMatchObject({ reasonCode: 'needs_investigation', reason: '需到厂核查考勤与工资表' });
    expect(body.items.find((e) => e.action === 'approve-extension')?.detail).toMatchObject({ reasonCode: 'needs_investigation', dueAt: '2026-11-23T23:59:59+08:00' });
    // The writer was told of the receipt, the extension and each reply, once each, and nothing else.
    const toWriter = (await allMailsFor(receipt.ticketNo)).filter(isToWriter);
    expect(toWriter.map((m) => /^【(.+?)】/.exec(m.subject ?? '')?.[1])).toEqual(['受理告知', '延期告知', '答复告知', '答复告知']);
    for (const m of toWriter) expect(recipients(m)).toEqual(['wu.chunmei@example.com']);
    expect(body.items.find((e) => e.action === 'follow-up')?.detail).toMatchObject({ satisfaction: 'dissatisfied', resolved: false, reopenOffered: true });

    const tracked = await api<{ status: string; timeline: { kind: string }[] }>(`/v1/track/${receipt.ticketNo}?code=${receipt.trackingCode}`);
    expect(tracked.body.status).toBe('closed');
    expect(tracked.body.timeline.map((e) => e.kind)).toEqual(['received', 'assigned', 'accepted', 'extended', 'paused', 'resumed', 'replied', 'rated', 'reopened', 'replied', 'closed']);
  });
});
