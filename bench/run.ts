import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createDynamoClient } from '../shared/adapters/dynamo/client';
import { ITEM } from '../shared/adapters/dynamo/table';
import { startDynalite, type LocalDynamo } from '../shared/adapters/local/dynalite';
import { loadApiConfig } from '../shared/config';
import { startLocalRuntime, type LocalRuntime } from '../functions/local/runtime';
import { hotlineCase } from '../test/support/harness';
import { itemBytes, startBaseline, type Baseline } from './baseline';
import { benchDeadline } from './deadline';
import { runLoad, summarize, type LoadOptions, type LoadResult, type LoadSample } from './load';
import { benchRouting, ROUTING, type RoutingResult } from './routing';
import { benchReports, REPORTS, type ReportsResult } from './reports';
import { benchTimers, TIMERS, type TimersResult } from './timers';
import { benchBundles, BUNDLES, bundleNotes, bundleRows, type BundleResult } from './bundles';
import { benchSoak, SOAK, type SoakResult } from './soak';
import { benchConsole, CONSOLE_BENCH, type ConsoleResult } from './console';

const TARGETS = { deadlinePerSecond: 1_000_000, ratio: 0.35 } as const;
/**
 * Per endpoint: 2 s warm-up, then 10 s measured in two 5 s slices taken in turn with the other
 * endpoint (I B I B), each after a 0.5 s re-warm, so background noise and table growth hit both alike.
 */
const LOAD = { connections: 50, warmupMs: 2_000, durationMs: 10_000, slices: 2, sliceWarmupMs: 500 } as const;

interface Row {
  figure: string;
  value: string;
  target: string;
  pass?: boolean;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(1);
const sec = (n: number | null) => (n === null ? 'timed out' : `${(n / 1000).toFixed(2)} s`);
const rate = (n: number | null) => (n === null ? '—' : int(n));
const tally = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';

async function main(): Promise<void> {
  // As in functions/local/main.ts: the SDK's Node 22 notice is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  console.log(`bench: node ${process.version}, ${availableParallelism()} CPUs, ${LOAD.connections} connections, ${LOAD.warmupMs / 1000} s warm-up + ${LOAD.durationMs / 1000} s measured per endpoint\n`);

  if (process.argv.includes('soak')) {
    // `npm run bench -- soak`: only the soak, for a quicker look at disk, memory and start-up.
    console.log(soakBanner());
    const soak = await benchSoak();
    printRows(soakRows(soak));
    return;
  }
  console.log('1/8 deadline computations…');
  const deadline = benchDeadline();
  const { intake, base, caseItemBytes } = await benchIntake();
  console.log(`4/8 routing: burst of ${int(ROUTING.cases)} cases over ${ROUTING.connections} connections on a fresh runtime, then drain…`);
  const routing = await benchRouting();
  console.log(`5/8 timers: ${int(TIMERS.total)} in the table, ${int(TIMERS.due)} falling due over ${TIMERS.dueWindowMs / 1000} s, then a restart with ${int(TIMERS.catchUp)} overdue…`);
  const timers = await benchTimers();
  console.log(`6/8 reports: seed ${int(REPORTS.cases)} cases over 2026 on a fresh on-disk engine, then time each report ${REPORTS.runs} times over HTTP…`);
  const reports = await benchReports();
  console.log(`7/8 bundles: esbuild each Lambda as deployed, then ${BUNDLES.runs} imports of each in a fresh node, beside as many bare node -e 0…`);
  const bundles = await benchBundles();
  console.log(`8/8 ${soakBanner()}`);
  const soak = await benchSoak();
  console.log(`console (own section, also npm run bench:console): its JavaScript gzipped, then the queue page with ${int(CONSOLE_BENCH.openCases)} open cases in Chromium…`);
  const consoleResult = await benchConsole();
  await report(deadline, intake, base, caseItemBytes, routing, timers, reports, bundles, soak, consoleResult);
}

/** Intake vs the bare-PutItem baseline, on one runtime over an on-disk dynalite; everything is closed after. */
async function benchIntake(): Promise<{ intake: LoadResult; base: LoadResult; caseItemBytes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'union-bench-'));
  let engine: LocalDynamo | undefined;
  let runtime: LocalRuntime | undefined;
  let baseline: Baseline | undefined;
  try {
    engine = await startDynalite({ path: join(dir, 'dynamo') });
    // The request path's own cost against the bare engine: intakes are not held for routing here
    // (ROUTING_BACKLOG_LIMIT=0); the soak measures intake with the hold, as npm start runs it.
    const env = { DATA_DIR: dir, DYNAMODB_ENDPOINT: engine.endpoint, PORT: '0', LOG_LEVEL: 'error', ROUTING_BACKLOG_LIMIT: '0' };
    const config = loadApiConfig(env);
    runtime = await startLocalRuntime({ env });

    const body = JSON.stringify(hotlineCase());
    const headers = { authorization: `Bearer ${runtime.tokens.operator}`, 'content-type': 'application/json' };
    const caseItemBytes = await probeIntake(`${runtime.url}/v1/cases`, headers, body, engine.endpoint, config.TABLE_NAME, config.AWS_REGION);
    baseline = await startBaseline({ endpoint: engine.endpoint, tableName: config.TABLE_NAME, region: config.AWS_REGION, itemBytes: caseItemBytes });

    const shape = { body, expectStatus: 201, connections: LOAD.connections } satisfies Partial<LoadOptions>;
    const targets: Omit<LoadOptions, 'warmupMs' | 'durationMs'>[] = [
      { ...shape, url: `${runtime.url}/v1/cases`, headers },
      { ...shape, url: baseline.url, headers: { 'content-type': 'application/json' } },
    ];
    console.log('2/8 warm-up: intake POST /v1/cases, then baseline bare PutItem…');
    for (const t of targets) await runLoad({ ...t, warmupMs: LOAD.warmupMs, durationMs: 0 });
    console.log(`3/8 measuring: ${LOAD.slices} × (intake ${LOAD.durationMs / LOAD.slices / 1000} s, baseline ${LOAD.durationMs / LOAD.slices / 1000} s)…`);
    const samples: LoadSample[][] = [[], []];
    for (let i = 0; i < LOAD.slices; i++) {
      for (const [k, t] of targets.entries()) samples[k]?.push(await runLoad({ ...t, warmupMs: LOAD.sliceWarmupMs, durationMs: LOAD.durationMs / LOAD.slices }));
    }
    const [intake, base] = samples.map(summarize) as [LoadResult, LoadResult];
    return { intake, base, caseItemBytes };
  } finally {
    await baseline?.close();
    await runtime?.close();
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Informational figures, except that every case must be created, assigned and mailed in time. */
function routingRows(r: RoutingResult): Row[] {
  const all = int(r.cases);
  return [
    { figure: `Routing burst: ${all} POSTs, ${ROUTING.connections} conns`, value: `${sec(r.intakeMs)} (${int((r.created * 1000) / r.intakeMs)} req/s)`, target: '' },
    { figure: 'Routing burst errors (non-201)', value: `${r.intakeErrors} of ${all}`, target: '= 0', pass: r.intakeErrors === 0 },
    { figure: 'Routing backlog at last 201 (unassigned)', value: int(r.backlogAtLast201), target: '' },
    { figure: 'Routing drain: last 201 → all assigned', value: sec(r.drainMs), target: '' },
    { figure: 'Assignments / s, first POST → all assigned', value: rate(r.perSecondTotal), target: '' },
    { figure: 'Assignments / s over the drain', value: rate(r.perSecondDrain), target: '' },
    { figure: 'Burst cases assigned (status=assigned)', value: `${int(r.assigned)} of ${all}`, target: `all in ${ROUTING.timeoutMs / 1000} s`, pass: r.allAssigned && r.assigned === r.cases },
    { figure: 'E-mails written (.eml in outbox)', value: `${int(r.emails)} of ${all}`, target: `= ${all}`, pass: r.emails === r.cases },
    { figure: 'Last e-mail written, after last 201', value: sec(r.emailsMs), target: '' },
  ];
}

/** Lateness = handler start − fireAt, over the due timers; only its maximum has a target. */
function timerRows(t: TimersResult): Row[] {
  const late = t.lateness;
  return [
    { figure: `Timers: write ${int(t.total)} (${int(t.pending)} pending)`, value: `${sec(t.writeMs)} (${int((t.total * 1000) / t.writeMs)}/s)`, target: '' },
    { figure: `Timers fired, of ${int(t.due)} due over ${TIMERS.dueWindowMs / 1000} s`, value: `${int(t.fired)} of ${int(t.due)}`, target: `= ${int(t.due)}`, pass: t.fired === t.due },
    { figure: 'Timers fired twice / pending fired', value: `${t.duplicates} / ${t.early}`, target: '= 0', pass: t.duplicates === 0 && t.early === 0 },
    { figure: 'Timer lateness p50 / p99 (ms)', value: late ? `${int(late.p50)} / ${int(late.p99)}` : '—', target: '' },
    { figure: 'Timer lateness max (ms)', value: late ? int(late.max) : '—', target: `<= ${int(TIMERS.maxLatenessMs)}`, pass: late !== null && late.max <= TIMERS.maxLatenessMs },
    { figure: 'Pending timers left in the table', value: `${int(t.pendingLeft)} of ${int(t.pending)}`, target: `= ${int(t.pending)}`, pass: t.pendingLeft === t.pending },
    { figure: `Restart: ${int(t.catchUp.timers)} overdue timers fired in`, value: t.catchUp.ms === null ? `timed out (${int(t.catchUp.fired)})` : `${sec(t.catchUp.ms)} (${int((t.catchUp.timers * 1000) / t.catchUp.ms)}/s)`, target: '' },
  ];
}

/** Report times over HTTP: the median of the runs after a first one has target ≤ 1 s; the maximum is shown beside it. */
function reportRows(r: ReportsResult): Row[] {
  const timed = (name: string, t: { medianMs: number; maxMs: number; bytes: number }, target?: number): Row => ({
    figure: name,
    value: `${int(t.medianMs)} / ${int(t.maxMs)} ms`,
    target: target === undefined ? '' : `median <= ${int(target)} ms`,
    ...(target !== undefined && { pass: t.medianMs <= target }),
  });
  return [
    { figure: `Reports: seed ${int(REPORTS.cases)} cases + facts`, value: `${sec(r.seedMs)}`, target: '' },
    timed('Quarter summary by office, median / max', r.summary, REPORTS.targetMs),
    timed(`Chase list Dec (${int(r.supervision.rows)} rows), median / max`, r.supervision, REPORTS.targetMs),
    timed('Quarterly analysis (2 quarters), median / max', r.quarterly),
  ];
}

/** The office console: its JavaScript gzipped, and the queue page from navigation start to the list on screen. */
function consoleRows(c: ConsoleResult): Row[] {
  const kb = (n: number) => (n / 1024).toFixed(1);
  return [
    { figure: 'Console JS (minified / gzip)', value: `${kb(c.jsBytes)} / ${kb(c.jsGzipBytes)} KB`, target: `gzip <= ${int(CONSOLE_BENCH.jsGzipLimitBytes / 1024)} KB`, pass: c.jsGzipBytes <= CONSOLE_BENCH.jsGzipLimitBytes },
    {
      figure: `Console queue, ${int(c.openCount)} open: cold / median / max`,
      value: `${int(c.coldMs)} / ${int(c.medianMs)} / ${int(c.maxMs)} ms`,
      target: `median <= ${int(CONSOLE_BENCH.queueTargetMs)} ms`,
      pass: c.medianMs <= CONSOLE_BENCH.queueTargetMs && c.openCount === CONSOLE_BENCH.openCases,
    },
    { figure: 'Console queue counts shown, median', value: `${int([...c.countsMs].sort((a, b) => a - b)[Math.floor(c.countsMs.length / 2)] ?? 0)} ms`, target: '' },
  ];
}

/** One request before the load: the body must be accepted; returns the size of the stored case item. */
async function probeIntake(url: string, headers: Record<string, string>, body: string, endpoint: string, tableName: string, region?: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers, body });
  if (res.status !== 201) throw new Error(`probe POST /v1/cases answered ${res.status}: ${await res.text()}`);
  const id = ((await res.json()) as { id: string }).id;
  const db = createDynamoClient({ tableName, endpoint, region });
  try {
    const out = await db.send(new GetItemCommand({ TableName: tableName, Key: marshall(ITEM.case(id)) }));
    if (!out.Item) throw new Error(`probe case ${id} not found in the table`);
    return itemBytes(out.Item);
  } finally {
    db.destroy();
  }
}

const soakBanner = () =>
  `soak: npm start as a child on disk; ${int(SOAK.probe)} + a ${int(SOAK.burst)} burst + more to ${int(SOAK.cases)} + ${int(SOAK.probe)} intakes at ${SOAK.connections} connections, then a restart…`;

/** The embedded default under sustained load: disk and memory beside the live size, routing keeping up, start-up. */
function soakRows(r: SoakResult): Row[] {
  const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`;
  const ratio = r.folderBytes / r.liveBytes;
  return [
    { figure: `Soak: ${int(r.stored)} stored; data folder`, value: `${mb(r.folderBytes)}, ${int(r.folderFiles)} files`, target: '' },
    { figure: 'Soak: live data (fresh copy) / folder÷live', value: `${mb(r.liveBytes)}, ${int(r.liveFiles)} files / ${ratio.toFixed(2)}`, target: '<= 3', pass: ratio <= 3 },
    { figure: `Soak: RSS after ${int(SOAK.probe)} / after the burst / at ${int(r.stored)}`, value: `${mb(r.rssAfterFirstBytes)} / ${mb(r.rssAfterBurstBytes)} / ${mb(r.rssBytes)}`, target: '' },
    // Flat once warm: from the drained burst to the end, while the stored data keeps growing.
    { figure: 'Soak: RSS at the end ÷ after the burst', value: (r.rssBytes / r.rssAfterBurstBytes).toFixed(2), target: '<= 1.1', pass: r.rssBytes / r.rssAfterBurstBytes <= 1.1 },
    { figure: 'Soak intake errors (non-201)', value: tally(r.errorKinds), target: 'none', pass: Object.keys(r.errorKinds).length === 0 },
    { figure: `Burst ${int(SOAK.burst)}: POSTs (req/s)`, value: `${sec(r.burst.intakeMs)} (${int((r.burst.cases * 1000) / r.burst.intakeMs)}/s)`, target: '' },
    { figure: 'Burst: last 201 → last office e-mail', value: sec(r.burst.lastMailAfterMs), target: '' },
    { figure: 'Burst: next case 201 → assigned', value: sec(r.burst.nextAssignedAfterMs), target: '<= 10 s', pass: r.burst.nextAssignedAfterMs !== null && r.burst.nextAssignedAfterMs <= 10_000 },
    { figure: `CPU per case: first ${int(SOAK.probe)} / at ${int(r.last.stored)} stored`, value: `${ms(r.first.cpuPerCaseMs)} / ${ms(r.last.cpuPerCaseMs)} ms`, target: '' },
    { figure: 'CPU per case, growth (last ÷ first)', value: r.cpuGrowth.toFixed(2), target: '<= 1.5', pass: r.cpuGrowth <= 1.5 },
    { figure: `Start-up on ${int(r.stored)} cases (spawn → /health)`, value: sec(r.startupMs), target: '<= 5 s', pass: r.startupMs <= 5_000 },
  ];
}

const W = [42, 20, 18];
function printRows(rows: Row[]): void {
  const line = (cells: string[]) => console.log(cells.map((c, i) => c.padEnd(W[i] ?? 0)).join('  '));
  console.log('');
  line(['Figure', 'Value', 'Target', 'Result']);
  line([...W.map((n) => '-'.repeat(n)), '------']);
  for (const r of rows) line([r.figure, r.value, r.target, r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL']);
}

async function report(
  deadline: ReturnType<typeof benchDeadline>,
  intake: LoadResult,
  base: LoadResult,
  caseItemBytes: number,
  routing: RoutingResult,
  timers: TimersResult,
  reports: ReportsResult,
  bundles: BundleResult[],
  soak: SoakResult,
  consoleResult: ConsoleResult,
): Promise<void> {
  const ratio = intake.rps / base.rps;
  const rows: Row[] = [
    { figure: 'Deadline computations / s', value: int(deadline.perSecond), target: `>= ${int(TARGETS.deadlinePerSecond)}`, pass: deadline.perSecond >= TARGETS.deadlinePerSecond },
    { figure: 'Intake throughput (req/s)', value: int(intake.rps), target: '' },
    { figure: 'Intake latency p50 / p99 (ms)', value: `${ms(intake.p50)} / ${ms(intake.p99)}`, target: '' },
    { figure: 'Intake errors (non-201)', value: `${intake.errors} of ${int(intake.requests)}`, target: '= 0', pass: intake.errors === 0 },
    { figure: 'Baseline throughput (req/s)', value: int(base.rps), target: '' },
    { figure: 'Baseline latency p50 / p99 (ms)', value: `${ms(base.p50)} / ${ms(base.p99)}`, target: '' },
    { figure: 'Baseline errors (non-201)', value: `${base.errors} of ${int(base.requests)}`, target: '= 0', pass: base.errors === 0 },
    { figure: 'Intake / baseline throughput', value: ratio.toFixed(3), target: `>= ${TARGETS.ratio}`, pass: ratio >= TARGETS.ratio },
    ...routingRows(routing),
    ...timerRows(timers),
    ...reportRows(reports),
    ...bundleRows(bundles),
    ...soakRows(soak),
    ...consoleRows(consoleResult),
  ];
  printRows(rows);
  console.log(`\n(case item ~${caseItemBytes} B, baseline item padded to match; deadline inputs ${(deadline.estimatedShare * 100).toFixed(1)} % estimated-calendar)`);
  for (const [name, r] of [['intake', intake], ['baseline', base], ['routing burst', { ...routing, errors: routing.intakeErrors }]] as const) {
    if (r.errors) console.log(`${name} errors by kind: ${JSON.stringify(r.errorKinds)}; first: ${r.firstError}`);
  }
  console.log(`(routing burst on a fresh runtime: by category ${tally(routing.byCategory)}; by office ${tally(routing.byOffice)})`);
  console.log(`(drain from the cases' assignedAt; the polls saw none received ${routing.observedDrainMs === null ? 'before the timeout' : `after ${sec(routing.observedDrainMs)}`}; runtime warnings: ${tally(routing.warnings)})`);
  console.log(`(timers: default runner settings, handler records lateness only; runner warnings: ${tally(timers.warnings)})`);
  for (const l of bundleNotes(bundles)) console.log(l);
  console.log(`(reports: ${int(reports.bucketItems)} fact buckets, largest ${int(reports.maxBucketBytes)} B; responses ${int(reports.summary.bytes)} / ${int(reports.supervision.bytes)} / ${int(reports.quarterly.bytes)} B)`);

  const misses = rows.filter((r) => r.pass === false);
  if (misses.length) {
    console.log(`\n${'!'.repeat(72)}\n!!! TARGET MISSED: ${misses.map((r) => `${r.figure} = ${r.value} (target ${r.target})`).join('; ')}\n${'!'.repeat(72)}`);
  } else {
    console.log('\nAll targets met.');
  }

  const json = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    load: LOAD,
    targets: TARGETS,
    deadline,
    intake,
    baseline: base,
    caseItemBytes,
    ratio,
    routingBurst: { settings: ROUTING, ...routing },
    timers: { settings: TIMERS, ...timers },
    reports: { settings: REPORTS, ...reports },
    bundles: { settings: BUNDLES, results: bundles },
    soak: { settings: SOAK, ...soak },
    console: { settings: CONSOLE_BENCH, ...consoleResult },
    pass: misses.length === 0,
    misses: misses.map((r) => r.figure),
  };
  await writeFile(new URL('./last.json', import.meta.url), `${JSON.stringify(json, null, 2)}\n`);
}

await main();
