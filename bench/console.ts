import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startLocalRuntime, type LocalRuntime } from '../functions/local/runtime';
import { toItem } from '../shared/adapters/dynamo/case-store';
import { createDynamoClient } from '../shared/adapters/dynamo/client';
import { factBucketItems } from '../shared/adapters/dynamo/report-store';
import { startDynalite, type LocalDynamo } from '../shared/adapters/local/dynalite';
import { shippedCalendarYears } from '../shared/calendar/shipped';
import { buildConsole } from '../shared/console/build';
import { WorkingCalendar } from '../shared/domain/calendar';
import type { CaseRecord, Category, Status } from '../shared/domain/case';
import { computeDeadline } from '../shared/domain/deadline';
import { launchChromium } from '../test/support/browser';
import { prng } from '../test/support/random';
import { batchPut } from './reports';

/**
 * The console's budgets: its JavaScript gzipped, and the queue page with 10,000 open cases on the
 * embedded default (dynalite on disk, the local runtime), measured in Chromium from navigation
 * start to the list on screen (the page's `console:queue-rendered` mark), signed in as the
 * office that holds them all. The first load is cold; the median is over the reloads after it.
 */
export const CONSOLE_BENCH = { openCases: 10_000, loads: 6, jsGzipLimitBytes: 150 * 1024, queueTargetMs: 1_000 } as const;

export interface ConsoleResult {
  jsBytes: number;
  jsGzipBytes: number;
  cssGzipBytes: number;
  seedMs: number;
  /** Navigation start → list rendered, per load (the first one cold). */
  listMs: number[];
  /** Navigation start → the counts per state shown. */
  countsMs: number[];
  coldMs: number;
  medianMs: number;
  maxMs: number;
  rows: number;
  openCount: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function benchConsole(): Promise<ConsoleResult> {
  const assets = await buildConsole();
  const js = [...assets.files].filter(([n]) => n.endsWith('.js')).map(([, f]) => f.body);
  const css = [...assets.files].filter(([n]) => n.endsWith('.css')).map(([, f]) => f.body);
  const gz = (parts: Uint8Array[]) => parts.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);

  const dir = await mkdtemp(join(tmpdir(), 'union-bench-console-'));
  let engine: LocalDynamo | undefined;
  let runtime: LocalRuntime | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    engine = await startDynalite({ path: join(dir, 'dynamo') });
    runtime = await startLocalRuntime({ env: { DATA_DIR: dir, DYNAMODB_ENDPOINT: engine.endpoint, PORT: '0', LOG_LEVEL: 'error', RECONCILE_INTERVAL_SECONDS: '3600', TIMER_POLL_MS: '60000' } });
    const db = createDynamoClient({ tableName: 'union-cases', endpoint: engine.endpoint });
    const t0 = performance.now();
    const records = openCases(CONSOLE_BENCH.openCases, Date.now());
    await batchPut(db, [...records.map((r) => toItem(r)), ...factBucketItems(records)]);
    const seedMs = performance.now() - t0;
    db.destroy();

    const office = runtime.devAccounts.find((a) => a.username === 'office');
    if (!office) throw new Error('no dev account "office"');
    const login = await fetch(`${runtime.url}/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: office.username, password: office.password }) });
    if (login.status !== 200) throw new Error(`sign-in answered ${login.status}`);
    const s = (await login.json()) as { token: string; expiresAt: string; roles: string[]; office?: string; displayName: string };
    const session = JSON.stringify({ token: s.token, expiresAt: Date.parse(s.expiresAt), roles: s.roles, office: s.office, displayName: s.displayName, sub: office.username, provider: 'local' });

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    // Signed in already (as after the sign-in form), so the load measured is the queue's alone.
    await context.addInitScript(`sessionStorage.setItem('union-console.session', ${JSON.stringify(session)})`);
    const page = await context.newPage();
    const listMs: number[] = [];
    const countsMs: number[] = [];
    let rows = 0;
    let openCount = 0;
    for (let i = 0; i < CONSOLE_BENCH.loads; i++) {
      if (i === 0) await page.goto(`${runtime.url}/console/`);
      else await page.reload();
      await page.locator('#queue tbody tr').first().waitFor({ timeout: 60_000 });
      // Polled through the DevTools protocol (waitForFunction would need eval, which the page's CSP forbids).
      const marked = "performance.getEntriesByName('console:queue-rendered').length > 0 && performance.getEntriesByName('console:queue-counts').length > 0";
      for (const until = Date.now() + 60_000; !(await page.evaluate<boolean>(marked)) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
      listMs.push(await page.evaluate<number>("performance.getEntriesByName('console:queue-rendered')[0].startTime"));
      countsMs.push(await page.evaluate<number>("performance.getEntriesByName('console:queue-counts')[0].startTime"));
      rows = await page.locator('#queue tbody tr').count();
      openCount = Number(await page.textContent('[data-count=open]'));
    }
    const warm = listMs.slice(1);
    return {
      jsBytes: js.reduce((n, b) => n + b.length, 0),
      jsGzipBytes: gz(js),
      cssGzipBytes: gz(css),
      seedMs,
      listMs,
      countsMs,
      coldMs: listMs[0] ?? 0,
      medianMs: median(warm),
      maxMs: Math.max(...warm),
      rows,
      openCount,
    };
  } finally {
    await browser?.close();
    await runtime?.close();
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const DAY = 86_400_000;

/** Open cases of the last six weeks, all with office `rights`: to sign for, in progress, paused; some overdue, some due soon. */
function openCases(n: number, now: number): CaseRecord[] {
  const calendar = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));
  const random = prng(16_000);
  const out: CaseRecord[] = [];
  for (let i = 0; i < n; i++) {
    const receivedAt = now - Math.floor(random() * 42 * DAY);
    const category: Category = random() < 0.4 ? 'advice' : random() < 0.9 ? 'complaint' : 'investigation';
    const d = computeDeadline(calendar, receivedAt, category, false);
    const r = random();
    const status: Status = r < 0.2 ? 'assigned' : r < 0.92 ? 'in_progress' : 'paused';
    const overdue = status !== 'paused' && d.dueAt < now;
    const dueSoon = !overdue && status !== 'paused' && d.dueAt - now < 3 * DAY;
    const seq = String(i + 1).padStart(6, '0');
    out.push({
      id: `console-bench-${seq}`,
      ticketNo: `M2026-${seq}`,
      trackingCode: 'BENCHCDE',
      channel: 'mailbox',
      category,
      urgent: false,
      subject: `职工来信反映问题 ${seq}`,
      description: '来信反映单位存在拖欠工资、加班费计算不当等问题，请求工会协调处理。',
      topic: 'wages',
      receivedAt,
      complainant: { name: '职工', employer: `employer-${i % 300}` },
      status,
      sla: { dueAt: d.dueAt, workingDays: d.workingDays, state: overdue ? 'overdue' : dueSoon ? 'due_soon' : 'on_track', calendarEstimated: d.calendarEstimated },
      office: 'rights',
      assignedAt: receivedAt + 600_000,
      ...(status !== 'assigned' && { acceptedAt: receivedAt + DAY, acceptedLate: false }),
      ...(status === 'paused' && { pauses: [{ from: now - DAY, reason: '等待材料' }] }),
      ...(overdue && { escalations: [{ step: 'breach', level: 2 as const, at: d.dueAt + 1000 }] }),
      ...(dueSoon && { escalations: [{ step: 'warning', level: 1 as const, at: now - 3_600_000 }] }),
      createdBy: 'bench',
      createdAt: receivedAt,
      updatedAt: receivedAt,
      version: 3,
    });
  }
  return out;
}

/** `npm run bench:console`: this section alone. */
if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const r = await benchConsole();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`console JS ${kb(r.jsBytes)} minified, ${kb(r.jsGzipBytes)} gzipped (target <= ${kb(CONSOLE_BENCH.jsGzipLimitBytes)}); CSS ${kb(r.cssGzipBytes)} gzipped`);
  console.log(`queue with ${r.openCount.toLocaleString('en-US')} open cases (${r.rows} rows shown): cold ${r.coldMs.toFixed(0)} ms, then median ${r.medianMs.toFixed(0)} / max ${r.maxMs.toFixed(0)} ms (target <= ${CONSOLE_BENCH.queueTargetMs} ms); counts shown at ${r.countsMs.map((x) => x.toFixed(0)).join(', ')} ms; seeded in ${(r.seedMs / 1000).toFixed(1)} s`);
}
