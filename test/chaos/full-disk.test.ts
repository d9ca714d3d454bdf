import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { runChildToExit } from '../support/child-runtime';
import { hotlineCase } from '../support/harness';

/**
 * `npm start`'s runtime on a real disk that fills up: a 24 MB tmpfs (mounting it needs root, as CI
 * runs). While full, intakes answer 503 problem+json with Retry-After and reads keep serving; once
 * space returns the same Idempotency-Keys succeed without a restart, and every case acknowledged
 * before, during or after is there.
 */
let mount: string;
let runtime: LocalRuntime;

beforeAll(async () => {
  mount = await mkdtemp(join(tmpdir(), 'full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`this test mounts a small tmpfs and needs root (CI runs as root): ${(err as Error).message}`, { cause: err });
  }
  runtime = await startLocalRuntime({ env: { PORT: '0', DATA_DIR: join(mount, 'data'), LOG_LEVEL: 'error' } });
});
afterAll(async () => {
  await runtime?.close();
  // The engine thread's LevelDB can still hold its files for a moment after close (CI once saw
  // "target is busy"): retry for a few seconds, then detach the mount lazily rather than fail cleanup.
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('umount', [mount], { stdio: 'pipe' });
      break;
    } catch {
      if (attempt >= 20) {
        execFileSync('umount', ['-l', mount], { stdio: 'pipe' });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  await rm(mount, { recursive: true, force: true });
});

const post = (key: string) =>
  fetch(`${runtime.url}/v1/cases`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${runtime.tokens.operator}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(hotlineCase({ hotline: { callId: key } })),
  });

describe('a full disk under the embedded engine', () => {
  it('is answered with 503 + Retry-After, keeps reads, and recovers by itself when space returns', async () => {
    const acknowledged: string[] = [];
    const first = await post('full-0');
    expect(first.status).toBe(201);
    acknowledged.push(((await first.json()) as { id: string }).id);

    await writeFile(join(mount, 'filler'), Buffer.alloc(40 * 1024 * 1024)).catch(() => undefined); // fills it: ENOSPC
    const refusedKeys: string[] = [];
    let refused = 0;
    for (let i = 1; i <= 60 && refused < 5; i++) {
      const res = await post(`full-${i}`);
      if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
      else {
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        refused++;
        refusedKeys.push(`full-${i}`);
      }
    }
    expect(refused).toBeGreaterThan(0);
    const read = await fetch(`${runtime.url}/v1/cases/${acknowledged[0]}`, { headers: { Authorization: `Bearer ${runtime.tokens.supervisor}` } });
    expect(read.status).toBe(200);

    await rm(join(mount, 'filler'));
    for (const key of refusedKeys) {
      let res = await post(key);
      // A key claimed just before the disk filled waits out its 10 s lease.
      for (let i = 0; res.status === 503 && i < 15; i++) {
        await new Promise((r) => setTimeout(r, 1_000));
        res = await post(key);
      }
      expect(res.status, key).toBe(201);
      acknowledged.push(((await res.json()) as { id: string }).id);
    }
    for (const id of acknowledged) {
      const res = await fetch(`${runtime.url}/v1/cases/${id}`, { headers: { Authorization: `Bearer ${runtime.tokens.supervisor}` } });
      expect(res.status, id).toBe(200);
    }
  });
});

describe('start-up on a read-only or full folder', () => {
  it.each([
    ['read-only', 'ro,size=4m', /read-only/],
    ['full', 'size=1m', /disk is full/],
  ])('on a %s DATA_DIR exits 1 with a message naming the folder and the cause', async (_kind, options, cause) => {
    const at = await mkdtemp(join(tmpdir(), 'startup-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'pipe' });
    try {
      if (!options.startsWith('ro')) await writeFile(join(at, 'filler'), Buffer.alloc(2 * 1024 * 1024)).catch(() => undefined);
      const { code, output } = await runChildToExit(at);
      expect(code).toBe(1);
      expect(output).toContain(`DATA_DIR ${at} cannot be used`);
      expect(output).toMatch(cause);
      expect(output).not.toContain('Database is closed');
    } finally {
      execFileSync('umount', [at], { stdio: 'pipe' });
      await rm(at, { recursive: true, force: true });
    }
  });
});
