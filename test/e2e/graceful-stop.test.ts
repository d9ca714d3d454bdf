import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild, type ChildRuntime } from '../support/child-runtime';

/**
 * SIGTERM to `npm start` under load: the requests it had accepted finish and are answered (their
 * responses say Connection: close), the process exits 0 after its pollers and engines close, and
 * nothing a client saw fail was committed (a retry with the same Idempotency-Key after a restart
 * makes the case; it is never a replay).
 */
const SLOW = 12; // requests whose body is still being sent when the signal arrives
const CLIENTS = 16; // clients sending intakes back to back

let dataDir: string;
let first: ChildRuntime;
let second: ChildRuntime | undefined;

const body = (key: string) =>
  JSON.stringify({ channel: 'hotline', category: 'complaint', subject: `停机测试 ${key}`, description: '进程收到 SIGTERM 时正在登记的来电。', hotline: { callId: key } });

interface Answer {
  key: string;
  status?: number;
  id?: string;
  connection?: string;
  error?: string;
}

/** An intake whose headers go out now and whose body only when `release` resolves. */
function slowIntake(rt: ChildRuntime, key: string, release: Promise<void>): Promise<Answer> {
  return new Promise((resolve) => {
    const payload = Buffer.from(body(key));
    const req = request(`${rt.base}/v1/cases`, {
      method: 'POST',
      agent: false,
      headers: { Authorization: `Bearer ${rt.tokens.operator}`, 'Content-Type': 'application/json', 'Content-Length': payload.length, 'Idempotency-Key': key },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ key, status: res.statusCode, id: (JSON.parse(text) as { id?: string }).id, connection: res.headers.connection }));
    });
    req.on('error', (err) => resolve({ key, error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.write(payload.subarray(0, 10));
    void release.then(() => req.end(payload.subarray(10)));
  });
}

async function fastIntake(rt: ChildRuntime, key: string): Promise<Answer> {
  try {
    const res = await fetch(`${rt.base}/v1/cases`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${rt.tokens.operator}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: body(key),
    });
    const json = (await res.json()) as { id?: string };
    return { key, status: res.status, id: json.id };
  } catch (err) {
    const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
    return { key, error: cause?.code ?? String(cause ?? err) };
  }
}

const slow: Answer[] = [];
const fast: Answer[] = [];
let exitCode: number | null = null;
let stoppedInMs = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'graceful-stop-'));
  first = await startChild(dataDir, { LOG_LEVEL: 'info' });
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const slowDone = Array.from({ length: SLOW }, (_, i) => slowIntake(first, `slow-${i}`, released));
  let signalled = false;
  let n = 0;
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (!signalled || fast.length < 400) {
      const answer = await fastIntake(first, `fast-${n++}`);
      fast.push(answer);
      if (answer.error && signalled) return; // the server is gone: this client stops, as a tool would
    }
  });
  // Signal once the server has been busy for a while (the slow requests' headers are long in).
  while (fast.length < 3 * CLIENTS) await new Promise((r) => setTimeout(r, 10));
  const signalledAt = performance.now();
  first.child.kill('SIGTERM');
  signalled = true;
  await new Promise((r) => setTimeout(r, 500));
  release();
  slow.push(...(await Promise.all(slowDone)));
  await Promise.all(clients);
  exitCode = await first.exited;
  stoppedInMs = performance.now() - signalledAt;
}, 120_000);

afterAll(async () => {
  first?.child.kill('SIGKILL');
  second?.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('SIGTERM under load', () => {
  it('answers every request it had accepted, with Connection: close', () => {
    expect(slow.map((a) => a.error ?? a.status)).toEqual(Array.from({ length: SLOW }, () => 201));
    for (const a of slow) expect(a.connection, a.key).toBe('close');
  });

  it('exits 0 within the grace, after closing its workers, with no 500 and no closed-database error', () => {
    expect(exitCode).toBe(0);
    expect(stoppedInMs).toBeLessThan(25_000);
    const out = first.output();
    expect(out).toContain('runtime.stopped');
    expect(out).not.toMatch(/"status":5\d\d/);
    expect(out).not.toContain('Database is closed');
    expect(out).not.toContain('http.unhandled_error');
  });

  it('committed nothing a client saw fail: after a restart every failed key makes a new case', async () => {
    const failed = fast.filter((a) => a.error);
    const answered = fast.filter((a) => a.status);
    expect(answered.every((a) => a.status === 201)).toBe(true);
    second = await startChild(dataDir);
    const rt = second;
    for (const a of [...answered, ...slow]) {
      const res = await fetch(`${rt.base}/v1/cases/${a.id}`, { headers: { Authorization: `Bearer ${rt.tokens.operator}` } });
      expect(res.status, a.key).toBe(200);
    }
    for (const a of failed) {
      const res = await fetch(`${rt.base}/v1/cases`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${rt.tokens.operator}`, 'Content-Type': 'application/json', 'Idempotency-Key': a.key },
        body: body(a.key),
      });
      expect(res.status, a.key).toBe(201);
      expect(res.headers.get('idempotent-replayed'), `${a.key} failed with ${a.error} but was committed`).toBeNull();
    }
  }, 120_000);
});
