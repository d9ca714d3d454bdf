import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
    srv.on('error', reject);
  });
}

export interface ChildRuntime {
  child: ChildProcess;
  base: string;
  tokens: Record<string, string>;
  /** Everything it printed so far (stdout and stderr: logs, banners, errors). */
  output(): string;
  exited: Promise<number | null>;
}

/**
 * `npm start`'s entry point as a child process (node + tsx directly, so a signal reaches the server
 * itself), on DATA_DIR and a free port; resolves once it answers /health and has written its tokens.
 */
export async function startChild(dataDir: string, env: Record<string, string> = {}): Promise<ChildRuntime> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'error', PUBLIC_BASE_URL: 'https://cases.union.example.org', ...env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) {
        const tokens = (JSON.parse(await readFile(join(dataDir, 'dev-tokens.json'), 'utf8')) as { tokens: Record<string, string> }).tokens;
        if (tokens.operator) return { child, base, tokens, output: () => out, exited };
      }
    } catch {
      // not up yet
    }
    if (Date.now() > until || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the runtime did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `npm start`'s entry point to its end (for start-up failures): exit code and output. */
export async function runChildToExit(dataDir: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'error', ...env, PORT: '0', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output: out };
}
