import { mkdtemp, rm, stat, writeFile, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { runChildToExit } from '../support/child-runtime';

/**
 * `npm start` on a DATA_DIR it cannot use stops at once with a message naming the folder and the
 * cause (not a later "Database is closed"); on one it can, it keeps the folder and its secrets to
 * its owner. Read-only and full folders need a mount: `npm run test:chaos` (test/chaos/full-disk).
 */
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'startup-faults-'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('start-up on a folder it cannot use', () => {
  it('exits 1 naming the folder when another server holds it', { timeout: 90_000 }, async () => {
    const dataDir = join(root, 'held');
    const holder: LocalRuntime = await startLocalRuntime({ env: { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' } });
    try {
      const { code, output } = await runChildToExit(dataDir);
      expect(code).toBe(1);
      expect(output).toContain(join(dataDir, 'dynamo'));
      expect(output).toMatch(/lock/i);
      expect(output).toContain('Another server is probably running on this folder');
      expect(output).not.toContain('Database is closed');
      expect(output).not.toMatch(/^\s+at /m); // a message, not a stack trace
    } finally {
      await holder.close();
    }
  });

  it('exits 1 naming the folder when DATA_DIR is a file', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'not a folder');
    const { code, output } = await runChildToExit(join(file, 'data'));
    expect(code).toBe(1);
    expect(output).toContain(`DATA_DIR ${join(file, 'data')} cannot be used`);
    expect(output).not.toMatch(/^\s+at /m);
  });
});

describe('the folder it uses', () => {
  it('is made 0700 and dev-tokens.json 0600, also when they existed wider', async () => {
    const dataDir = join(root, 'wide');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    await writeFile(join(dataDir, 'dev-tokens.json'), '{}', { mode: 0o644 });
    await chmod(join(dataDir, 'dev-tokens.json'), 0o644);
    const rt = await startLocalRuntime({ inMemory: true, env: { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' } });
    try {
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dataDir, 'dev-tokens.json'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dataDir, 'jwt-secret'))).mode & 0o777).toBe(0o600);
    } finally {
      await rt.close();
    }
  });
});
