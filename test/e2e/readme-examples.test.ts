import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { checkedFetch } from '../support/contract';
import { waitFor } from '../support/wait';

/**
 * The README's shell examples, run as a newcomer would run them: every ```sh block that talks to
 * localhost:3000, in the README's order, pasted into one bash session (variables carry over)
 * whose working folder holds the runtime's .data, against a freshly started local runtime. Only
 * the port is changed. What each block prints is held to what the README says it does.
 */

const README = new URL('../../README.md', import.meta.url);

async function localBlocks(): Promise<string[]> {
  const text = await readFile(README, 'utf8');
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '').filter((b) => b.includes('localhost:3000'));
}

/** curl prints JSON documents back to back without newlines: split them. */
function jsonDocuments(out: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < out.length; i++) {
    const ch = out[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      if (depth++ === 0) start = i;
    } else if ((ch === '}' || ch === ']') && --depth === 0) docs.push(JSON.parse(out.slice(start, i + 1)));
  }
  return docs;
}

/** One bash session fed like a terminal: each block is pasted, then a marker says it is done. */
class Shell {
  private out = '';
  private err = '';
  private readonly bash: ChildProcessWithoutNullStreams;
  private n = 0;
  constructor(cwd: string, env: Record<string, string>) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env: { ...process.env, ...env } });
    this.bash.stdout.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    this.bash.stderr.setEncoding('utf8').on('data', (d: string) => (this.err += d));
  }
  async paste(block: string): Promise<{ stdout: string; stderr: string }> {
    const marker = `@@block-${++this.n}-done@@`;
    this.out = '';
    this.err = '';
    this.bash.stdin.write(`${block}\nprintf '\\n%s\\n' '${marker}'\n`);
    const done = await waitFor(async () => this.out.includes(marker), (v) => v, 60_000);
    if (!done) throw new Error(`README block ${this.n} did not finish: ${this.out}${this.err}`);
    return { stdout: this.out.slice(0, this.out.indexOf(marker)), stderr: this.err };
  }
  close(): void {
    this.bash.stdin.end();
    this.bash.kill();
  }
}

let runtime: LocalRuntime;
let folder: string;
let shell: Shell;
let blocks: string[];
let port: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'readme-'));
  // As `npm start` in the folder the examples are run from: the engine on disk under ./.data.
  runtime = await startLocalRuntime({ env: { PORT: '0', DATA_DIR: join(folder, '.data'), LOG_LEVEL: 'error', TIMER_POLL_MS: '1000' } });
  port = new URL(runtime.url).port;
  blocks = (await localBlocks()).map((b) => b.replaceAll('localhost:3000', `localhost:${port}`));
  shell = new Shell(folder, { TMPDIR: folder });
});
afterAll(async () => {
  shell?.close();
  await runtime?.close();
  await rm(folder, { recursive: true, force: true });
});

type Doc = Record<string, unknown> & { items?: Record<string, unknown>[] };
const supervisorGet = async (path: string) => (await (await checkedFetch(`${runtime.url}${path}`, { headers: { Authorization: `Bearer ${runtime.tokens.supervisor}` } })).json()) as Doc;

describe("the README's shell examples, in order, against npm start", () => {
  it('finds the seven blocks that talk to the local API', () => {
    expect(blocks).toHaveLength(7);
  });

  it('"The API in five lines": logs a call, lists it, tells the deadline, posts a letter and tracks it', async () => {
    const { stdout, stderr } = await shell.paste(blocks[0] ?? '');
    const [created, list, deadline, receipt, tracked, ...rest] = jsonDocuments(stdout) as Doc[];
    expect(rest, stdout).toEqual([]);
    expect(created, stderr).toMatchObject({ ticketNo: expect.stringMatching(/^H\d{4}-\d{6}$/), channel: 'hotline', category: 'complaint', status: 'received' });
    expect(list?.items?.map((c) => c.id)).toEqual([created?.id]);
    expect(['received', 'assigned']).toContain(list?.items?.[0]?.status);
    expect(deadline).toMatchObject({ category: 'advice', workingDays: 5, dueAt: '2026-10-13T23:59:59+08:00', calendarEstimated: false });
    expect(receipt).toMatchObject({ ticketNo: expect.stringMatching(/^M\d{4}-\d{6}$/), trackingCode: expect.any(String) });
    expect(tracked).toMatchObject({ ticketNo: receipt?.ticketNo, category: 'advice' });
    expect(tracked?.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'received' })]));
  });

  it('"Routing to offices": shows the rules, stores an office, shows the queues', async () => {
    const { stdout } = await shell.paste(blocks[1] ?? '');
    const [routing, office, queues, ...rest] = jsonDocuments(stdout) as Doc[];
    expect(rest, stdout).toEqual([]);
    expect(routing).toMatchObject({ version: 1, defaultOffice: expect.any(String), rules: expect.any(Array) });
    expect(office).toMatchObject({ id: 'wages-desk', name: '欠薪维权窗口', escalation: { head: ['head@union.example.org'], supervisor: [], chairman: [] } });
    expect(queues).toMatchObject({ queues: expect.arrayContaining([expect.objectContaining({ category: 'complaint', deadLetters: 0 })]) });
  });

  it('"Working a case": office staff sign for the call assigned to their office', async () => {
    // A reader gets here after the router has had its second; the test waits for it likewise.
    const assigned = await waitFor(() => supervisorGet('/v1/cases?status=assigned'), (l) => l.items?.some((c) => c.office === 'rights') ?? false, 30_000);
    expect(assigned.items?.map((c) => c.office)).toContain('rights');
    const { stdout, stderr } = await shell.paste(blocks[2] ?? '');
    const [accepted, ...rest] = jsonDocuments(stdout) as Doc[];
    expect(rest, stdout).toEqual([]);
    expect(accepted, stderr).toMatchObject({ channel: 'hotline', status: 'in_progress', office: 'rights' });
  });

  it('"Reports": the summary by office and the chase list as CSV for Excel', async () => {
    const { stdout } = await shell.paste(blocks[3] ?? '');
    const [summary, ...rest] = jsonDocuments(stdout) as Doc[];
    expect(rest, stdout).toEqual([]);
    expect(summary).toMatchObject({ groupBy: 'office', total: expect.objectContaining({ received: 2, hotlineCalls: 1, mailboxLetters: 1 }) });
    const csv = await readFile(join(folder, 'chase-list.csv'), 'utf8');
    expect(csv.startsWith('\uFEFF工单号,')).toBe(true);
    expect(csv.trim().split('\n')).toHaveLength(3);
  });

  it('"Sign-in": a dev account signs in with the password dev-accounts.json holds, and its token works', async () => {
    const { stdout, stderr } = await shell.paste(blocks[4] ?? '');
    const [signedIn, ...rest] = jsonDocuments(stdout) as Doc[];
    expect(rest, stdout).toEqual([]);
    expect(signedIn, stderr).toMatchObject({ token: expect.any(String), roles: ['office'], office: 'rights', expiresAt: expect.stringMatching(/\+08:00$/) });
    const me = await checkedFetch(`${runtime.url}/v1/auth/me`, { headers: { Authorization: `Bearer ${String(signedIn?.token)}` } });
    expect(await me.json()).toMatchObject({ sub: 'office', roles: ['office'], office: 'rights' });
  });

  it('"Sign-in": an admin creates an office account', async () => {
    const { stdout, stderr } = await shell.paste(blocks[5] ?? '');
    const [account, ...rest] = jsonDocuments(stdout) as Doc[];
    expect(rest, stdout).toEqual([]);
    expect(account, stderr).toEqual({ username: 'wang.li', displayName: '王丽', roles: ['office'], office: 'rights', updatedAt: expect.any(String) });
  });

  it('"Next year\'s calendar": an admin stores 2027', async () => {
    const { stdout, stderr } = await shell.paste(blocks[6] ?? '');
    const [stored, ...rest] = jsonDocuments(stdout) as Doc[];
    expect(rest, stdout).toEqual([]);
    expect(stored, stderr).toMatchObject({ year: 2027, source: 'override', holidays: ['2027-01-01'], workdays: [], recomputedCases: expect.any(Number) });
  });
});
