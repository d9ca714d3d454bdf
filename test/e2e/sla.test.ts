import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedFetch } from '../support/contract';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { shippedCalendarYears } from '../../shared/calendar/shipped';
import { WorkingCalendar } from '../../shared/domain/calendar';
import { shanghaiDayOf, startOfShanghaiDay } from '../../shared/domain/time';
import type { CaseBody } from '../support/http';
import { waitFor } from '../support/wait';

/**
 * SLA timers end to end on the local runtime, with the real clock: a complaint entered 25 working
 * days after it arrived is already 5 working days overdue. The system must send one overdue e-mail
 * (not one per missed day), mark the case overdue, and send nothing again after a restart.
 */
let runtime: LocalRuntime | undefined;
let dataDir: string;
const env = () => ({
  PORT: '0',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'error',
  ROUTING_CACHE_SECONDS: '0',
  TIMER_POLL_MS: '100',
  RECONCILE_INTERVAL_SECONDS: '3600',
  PUBLIC_BASE_URL: 'https://cases.union.example.org',
});

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sla-e2e-'));
  runtime = await startLocalRuntime({ env: env() });
});
afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function slaMails(ticketNo: string) {
  if (!runtime) throw new Error('no runtime');
  const dir = runtime.outboxDir;
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));
  const mails = await Promise.all(files.map(async (f) => simpleParser(await readFile(join(dir, f)))));
  return mails.filter((m) => m.headers.get('x-ticket-no') === ticketNo && m.headers.get('x-sla-step'));
}

describe('SLA escalation on the local runtime', () => {
  let c: CaseBody;

  it('a complaint received 25 working days ago gets one overdue e-mail, at most one warning, and sla.state overdue', async () => {
    if (!runtime) throw new Error('no runtime');
    const calendar = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));
    const receiptDay = calendar.subtractWorkingDays(shanghaiDayOf(Date.now()), 25);
    const receivedAt = new Date(startOfShanghaiDay(receiptDay) + 10 * 3_600_000).toISOString();
    const res = await checkedFetch(`${runtime.url}/v1/cases`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${runtime.tokens.operator}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        channel: 'hotline',
        category: 'complaint',
        topic: 'wages',
        subject: '拖欠工资（补录）',
        description: '补录的来电：拖欠工资两个月。',
        receivedAt,
        complainant: { name: '钱七', phone: '13900001111' },
        hotline: { callId: 'backdated-1' },
      }),
    });
    expect(res.status).toBe(201);
    c = (await res.json()) as CaseBody;

    const read = async () => (await (await checkedFetch(`${runtime?.url}/v1/cases/${c.id}`, { headers: { Authorization: `Bearer ${runtime?.tokens.supervisor}` } })).json()) as CaseBody & {
      sla: { lastStep?: string };
    };
    const escalated = await waitFor(read, (r) => r.sla.state === 'overdue');
    expect(escalated.sla.state).toBe('overdue');
    // 4 before 09:00 on a working day, 5 after it (or on a rest day); 6 if the run straddles midnight.
    expect(escalated.sla.lastStep).toMatch(/^overdue-[456]$/);

    const mails = await waitFor(() => slaMails(c.ticketNo), (m) => m.length >= 1);
    const steps = mails.map((m) => String(m.headers.get('x-sla-step')));
    expect(steps.filter((s) => s.startsWith('overdue') || s === 'breach')).toHaveLength(1);
    expect(steps.filter((s) => s === 'warning').length).toBeLessThanOrEqual(1);
    const overdue = mails.find((m) => String(m.headers.get('x-sla-step')).startsWith('overdue'));
    expect(overdue?.subject).toMatch(/^【督办】.*超期[456]个工作日.*（已报主席）$/);
    const cc = Array.isArray(overdue?.cc) ? overdue.cc : overdue?.cc ? [overdue.cc] : [];
    expect(cc.flatMap((a) => a.value.map((v) => v.address))).toContain('chairman.office@union.example.org');
    for (const m of mails) expect(`${m.subject}${m.text}${m.html}`).not.toMatch(/钱七|13900001111/);

    // A few more passes of the timer runner send nothing more: the next reminder is tomorrow morning.
    await runtime.fireDueTimers();
    await new Promise((r) => setTimeout(r, 500));
    expect(await slaMails(c.ticketNo)).toHaveLength(mails.length);
  });

  it('after a restart on the same data, no e-mail repeats', async () => {
    const before = (await slaMails(c.ticketNo)).length;
    await runtime?.close();
    runtime = await startLocalRuntime({ env: env() });
    await runtime.fireDueTimers();
    await runtime.reconcileNow(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await slaMails(c.ticketNo)).toHaveLength(before);
    const r = (await (await checkedFetch(`${runtime.url}/v1/cases/${c.id}`, { headers: { Authorization: `Bearer ${runtime.tokens.supervisor}` } })).json()) as CaseBody;
    expect(r.sla.state).toBe('overdue');
  });

  it('lists overdue cases through the slaState index', async () => {
    if (!runtime) throw new Error('no runtime');
    const res = await checkedFetch(`${runtime.url}/v1/cases?slaState=overdue`, { headers: { Authorization: `Bearer ${runtime.tokens.supervisor}` } });
    const { items } = (await res.json()) as { items: CaseBody[] };
    expect(items.map((i) => i.id)).toContain(c.id);
    const onTrack = (await (await checkedFetch(`${runtime.url}/v1/cases?slaState=on_track`, { headers: { Authorization: `Bearer ${runtime.tokens.supervisor}` } })).json()) as { items: CaseBody[] };
    expect(onTrack.items.map((i) => i.id)).not.toContain(c.id);
  });
});
