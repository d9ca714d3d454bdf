import { readdir, readFile, rm, stat, mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CATEGORIES, TOPICS } from '../shared/domain/case';
import { hotlineCase } from '../test/support/harness';
import { startChild, type ChildRuntime } from '../test/support/child-runtime';
import { runBurst } from './burst';

/**
 * `npm start` as a user runs it (a child process on an on-disk folder), driven the way the issue's
 * load tool did: a first 1,000 (the CPU a case costs on a near-empty table), a 5,000-case burst at 50
 * connections (last 201 → last office e-mail, and how soon a case sent after it is assigned), more
 * up to SOAK.cases stored (folder size, file count and RSS beside the live size: the same entries
 * copied into a fresh LevelDB), a last 1,000 (the CPU per case with all that stored), then a
 * restart on the full folder (start-up time).
 */
export const SOAK = {
  cases: Number(process.env.SOAK_CASES ?? 10_000),
  burst: Number(process.env.SOAK_BURST ?? 5_000),
  probe: Number(process.env.SOAK_PROBE ?? 1_000),
  connections: 50,
  drainTimeoutMs: 600_000,
} as const;

export interface SoakPhase {
  cases: number;
  intakeMs: number;
  errors: number;
  /** Last 201 → last office e-mail of the phase; null on timeout. */
  lastMailAfterMs: number | null;
  /** Process CPU (all threads) from the first POST to the last e-mail, per case. */
  cpuPerCaseMs: number;
}

export interface SoakResult {
  first: SoakPhase;
  burst: SoakPhase & { nextAssignedAfterMs: number | null };
  last: SoakPhase & { stored: number };
  cpuGrowth: number;
  stored: number;
  folderBytes: number;
  folderFiles: number;
  liveBytes: number;
  liveFiles: number;
  rssBytes: number;
  rssAfterFirstBytes: number;
  /** After the 5,000-case burst has drained: warmed up (caches, heap high-water), the baseline the end is held to. */
  rssAfterBurstBytes: number;
  startupMs: number;
  errorKinds: Record<string, number>;
}

const TICK_MS = 10; // /proc CPU times are in clock ticks of 1/100 s on Linux

async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}
async function rss(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}
async function folder(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const f of await readdir(dir)) {
    // The running engine compacts meanwhile: a file listed a moment ago may be gone.
    const size = await stat(join(dir, f)).then((s) => s.size, (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
    if (size === undefined) continue;
    bytes += size;
    files++;
  }
  return { bytes, files };
}
const emlCount = async (dir: string) => {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.eml') && !n.startsWith('.')).length;
  } catch {
    return 0;
  }
};

function bodies(from: number, n: number): string[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return JSON.stringify(
      hotlineCase({ category: CATEGORIES[i % CATEGORIES.length], topic: TOPICS[Math.floor(i / 3) % TOPICS.length], hotline: { callId: `soak-${i}`, operatorId: 'op-9' } }),
    );
  });
}

export async function benchSoak(): Promise<SoakResult> {
  const dir = await mkdtemp(join(tmpdir(), 'union-bench-soak-'));
  const outbox = join(dir, 'outbox');
  const errorKinds: Record<string, number> = {};
  let rt: ChildRuntime | undefined;
  let sent = 0;
  try {
    rt = await startChild(dir);
    const pid = rt.child.pid ?? 0;
    const headers = { authorization: `Bearer ${rt.tokens.operator}`, 'content-type': 'application/json' };
    const phase = async (n: number): Promise<SoakPhase> => {
      const mailBefore = await emlCount(outbox);
      const cpu0 = await cpuMs(pid);
      const b = await runBurst({ url: `${rt?.base}/v1/cases`, headers, bodies: bodies(sent, n), connections: SOAK.connections, expectStatus: 201 });
      sent += n;
      for (const [k, v] of Object.entries(b.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + v;
      const until = Date.now() + SOAK.drainTimeoutMs;
      let mailed = await emlCount(outbox);
      while (mailed - mailBefore < b.ids.length && Date.now() < until) {
        await sleep(200);
        mailed = await emlCount(outbox);
      }
      const done = mailed - mailBefore >= b.ids.length;
      const cpu = (await cpuMs(pid)) - cpu0;
      return { cases: n, intakeMs: b.lastOkAt - b.startedAt, errors: b.errors, lastMailAfterMs: done ? Date.now() - b.lastOkAt : null, cpuPerCaseMs: cpu / Math.max(1, b.ids.length) };
    };
    const first = await phase(SOAK.probe);
    const rssAfterFirstBytes = await rss(pid);
    const burst = await phase(SOAK.burst);
    // One more case right after the burst has drained: how soon is it assigned?
    const res = await fetch(`${rt.base}/v1/cases`, { method: 'POST', headers, body: bodies(sent++, 1)[0] });
    const answeredAt = Date.now();
    const { id } = (await res.json()) as { id: string };
    let nextAssignedAfterMs: number | null = null;
    while (Date.now() - answeredAt < 60_000) {
      const c = (await (await fetch(`${rt.base}/v1/cases/${id}`, { headers: { authorization: `Bearer ${rt.tokens.supervisor}` } })).json()) as { status: string };
      if (c.status !== 'received') {
        nextAssignedAfterMs = Date.now() - answeredAt;
        break;
      }
      await sleep(50);
    }
    const rssAfterBurstBytes = await rss(pid);
    await phase(Math.max(0, SOAK.cases - sent));
    const last = { ...(await phase(SOAK.probe)), stored: sent - SOAK.probe };
    // Folder and memory with everything stored, beside a fresh copy of the same entries below.
    const rssBytes = await rss(pid);
    const { bytes: folderBytes, files: folderFiles } = await folder(join(dir, 'dynamo'));

    rt.child.kill('SIGTERM');
    await rt.exited;
    const live = await freshCopy(join(dir, 'dynamo'));
    const started = performance.now();
    rt = await startChild(dir);
    const startupMs = performance.now() - started;
    return {
      first,
      burst: { ...burst, nextAssignedAfterMs },
      last,
      cpuGrowth: last.cpuPerCaseMs / first.cpuPerCaseMs,
      stored: sent,
      folderBytes,
      folderFiles,
      liveBytes: live.bytes,
      liveFiles: live.files,
      rssBytes,
      rssAfterFirstBytes,
      rssAfterBurstBytes,
      startupMs,
      errorKinds,
    };
  } finally {
    rt?.child.kill('SIGTERM');
    if (rt) await rt.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

/** The live data's size: every entry of the folder copied into a fresh LevelDB, compacted. */
async function freshCopy(path: string): Promise<{ bytes: number; files: number }> {
  const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level') as {
    Level: new (p: string, o?: object) => {
      open(): Promise<void>;
      close(): Promise<void>;
      iterator(o?: object): AsyncIterable<[string, string]>;
      batch(): { put(k: string, v: string): void; write(): Promise<void>; length: number };
      compactRange(a: string, b: string): Promise<void>;
    };
  };
  const target = await mkdtemp(join(tmpdir(), 'union-bench-live-'));
  const source = new Level(path, { valueEncoding: 'utf8' });
  const copy = new Level(target, { valueEncoding: 'utf8' });
  try {
    await source.open();
    await copy.open();
    let batch = copy.batch();
    for await (const [k, v] of source.iterator()) {
      batch.put(k, v);
      if (batch.length >= 1000) {
        await batch.write();
        batch = copy.batch();
      }
    }
    await batch.write();
    await copy.compactRange('\x00', '\xff');
    await copy.close();
    return await folder(target);
  } finally {
    await source.close().catch(() => undefined);
    await rm(target, { recursive: true, force: true });
  }
}
