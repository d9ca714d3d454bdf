import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/child-runtime';

/**
 * `npm run test:chaos`: the local runtime (`npm start`) as a child process on an on-disk engine,
 * 1,000 hotline intakes from 20 clients with Idempotency-Keys, killed with SIGKILL twice under load
 * and restarted on the same DATA_DIR; clients retry whatever got no answer, as an API client would.
 * Then: every acknowledged case exists, no key made two cases, ticket numbers are unique, every
 * case ends up assigned with an SLA timer (the reconciler repairs what the crashes dropped), and no
 * e-mail went out twice.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CASES = 1_000;
const CLIENTS = 20;
const KILLS_AT = [250, 600];

let dataDir: string;
let port: number;
let child: ChildProcess | undefined;
let token = '';
let operatorToken = '';
const base = () => `http://127.0.0.1:${port}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `npm start`'s entry point (node + tsx directly, so SIGKILL hits the server itself) and waits for /health. */
async function start(): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      // Often, but with a grace period longer than routing a backlog takes, so the reconciler repairs
      // what a crash dropped without flooding the queues with copies of messages still on their way.
      RECONCILE_INTERVAL_SECONDS: '3',
      RECONCILE_GRACE_SECONDS: '15',
      QUEUE_VISIBILITY_SECONDS: '2',
      TIMER_POLL_MS: '500',
      PUBLIC_BASE_URL: 'https://cases.union.example.org',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Ready when it answers and has written its tokens (after the server starts listening).
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base()}/health`)).ok) {
        const tokens = (JSON.parse(await readFile(join(dataDir, 'dev-tokens.json'), 'utf8')) as { tokens: Record<string, string> }).tokens;
        token = tokens.supervisor ?? '';
        operatorToken = tokens.operator ?? '';
        if (token && operatorToken) return;
      }
    } catch {
      // not up yet
    }
    if (Date.now() > until || child.exitCode !== null) throw new Error(`the runtime did not start:\n${stderr}`);
    await sleep(100);
  }
}

async function kill(): Promise<void> {
  const c = child;
  if (!c || c.exitCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGKILL');
  await exited;
}

interface Outcome {
  key: string;
  id: string;
  ticketNo: string;
  attempts: number;
}

const acknowledged: Outcome[] = [];
let unanswered = 0;

/** One intake, retried with the same key until the API answers 201 (network errors and 5xx: try again). */
async function intake(n: number): Promise<void> {
  const key = `chaos-${String(n).padStart(4, '0')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${base()}/v1/cases`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${operatorToken}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify({
          channel: 'hotline',
          category: (['advice', 'complaint', 'investigation'] as const)[n % 3],
          subject: `混沌测试 ${n}`,
          description: '进程被强制终止时登记的来电。',
          hotline: { callId: key },
        }),
      });
      if (res.status === 201) {
        const c = (await res.json()) as { id: string; ticketNo: string };
        acknowledged.push({ key, id: c.id, ticketNo: c.ticketNo, attempts: attempt });
        return;
      }
      if (res.status < 500) throw new Error(`${key}: ${res.status} ${await res.text()}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(key)) throw err;
      unanswered++;
    }
    await sleep(Math.min(50 * attempt, 1_000));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chaos-'));
  port = await freePort();
  await start();

  // 20 clients take numbers from one counter; a watcher kills and restarts the runtime twice.
  let next = 0;
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (next < CASES) await intake(next++);
  });
  const chaos = (async () => {
    for (const at of KILLS_AT) {
      while (acknowledged.length < at) await sleep(10);
      await kill();
      await sleep(300);
      await start();
    }
  })();
  await Promise.all([...clients, chaos]);
}, 240_000);

afterAll(async () => {
  await kill();
  if (!process.env.CHAOS_KEEP) await rm(dataDir, { recursive: true, force: true });
  else console.log(`chaos data kept in ${dataDir}`);
});

const api = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${base()}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

interface CaseView {
  id: string;
  ticketNo: string;
  status: string;
  hotline?: { callId: string };
  sla: { nextStep?: { step: string } };
}

async function allCases(): Promise<CaseView[]> {
  const items: CaseView[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: CaseView[]; nextCursor: string | null } = await api(`/v1/cases?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe('two SIGKILLs during 1,000 intakes', () => {
  it('the clients saw the crashes and every key was acknowledged once', () => {
    expect(unanswered).toBeGreaterThan(0);
    expect(new Set(acknowledged.map((a) => a.key)).size).toBe(CASES);
  });

  it('every acknowledged case exists; no key made two cases; ticket numbers are unique', async () => {
    const cases = await allCases();
    expect(cases).toHaveLength(CASES);
    const byId = new Map(cases.map((c) => [c.id, c]));
    for (const a of acknowledged) expect(byId.get(a.id)?.ticketNo, a.key).toBe(a.ticketNo);
    expect(new Set(cases.map((c) => c.hotline?.callId)).size).toBe(CASES);
    expect(new Set(cases.map((c) => c.ticketNo)).size).toBe(CASES);
  });

  it('every case ends up assigned with its SLA timer (the reconciler repairs what the crashes dropped)', async () => {
    let cases = await allCases();
    const until = Date.now() + 150_000;
    while (cases.some((c) => c.status !== 'assigned' || !c.sla.nextStep) && Date.now() < until) {
      await sleep(1_000);
      cases = await allCases();
    }
    const stuck = cases.filter((c) => c.status !== 'assigned' || !c.sla.nextStep).map((c) => `${c.ticketNo} ${c.status} ${c.sla.nextStep?.step ?? 'no timer'}`);
    expect(stuck).toEqual([]);
  }, 180_000);

  it('every office is told once: one assignment notice per case (a notice a crash dropped is re-queued by the reconciler), none twice', async () => {
    const dir = join(dataDir, 'outbox');
    const notices = async () => {
      const seen = new Map<string, number>();
      for (const f of (await readdir(dir)).filter((x) => x.endsWith('.eml'))) {
        const head = (await readFile(join(dir, f), 'utf8')).split(/\r?\n\r?\n/)[0] ?? '';
        const id = /^X-Case-Id: (.+)$/im.exec(head)?.[1]?.trim() ?? '';
        const step = /^X-SLA-Step: (.+)$/im.exec(head)?.[1]?.trim() ?? 'assignment';
        seen.set(`${id} ${step}`, (seen.get(`${id} ${step}`) ?? 0) + 1);
      }
      return seen;
    };
    const cases = await allCases();
    const untold = (seen: Map<string, number>) => cases.filter((c) => !seen.has(`${c.id} assignment`)).map((c) => `${c.ticketNo} ${c.status}`);
    let seen = await notices();
    // A notice claimed just before a kill waits out its 60 s lease, then the reconciler's next pass
    // and the router: give it well beyond that (the loop stops as soon as every office is told).
    const until = Date.now() + 150_000;
    while (untold(seen).length && Date.now() < until) {
      await sleep(1_000);
      seen = await notices();
    }
    expect(untold(seen)).toEqual([]);
    expect([...seen.entries()].filter(([, n]) => n > 1)).toEqual([]);
  }, 180_000);
});
