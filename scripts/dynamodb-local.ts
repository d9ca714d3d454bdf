import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/**
 * The storage suite against AWS's DynamoDB Local instead of dynalite, so that no behaviour the
 * code relies on is a dynalite quirk. `npm run test:dynamodb-local [-- test files]`.
 *
 * DynamoDB Local comes from the npm package amplify-dynamodb-simulator, which ships the jar
 * (emulator/): it is fetched on demand with `npm pack` into a git-ignored cache, never into
 * node_modules or package.json, and run with the machine's Java (17 or later).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
/** emulator/sha256 of that version: the checksum of the DynamoDB Local release it bundles (1.25.1). */
const EMULATOR_SHA256 = '55b425a9a42cfc728436eaf0e4ae64d688b64d177c99c4f4c4d7e3dbb3ac6c09';
const CACHE = process.env.DYNAMODB_LOCAL_CACHE ?? join(ROOT, '.cache', 'dynamodb-local');
const EMULATOR = join(CACHE, 'emulator');

/**
 * The tests whose subject is storage, or the use cases' conditional writes, that take their engine
 * from DYNAMODB_TEST_ENDPOINT (directly, or through test/support/harness.ts). A test that starts its
 * own dynalite whatever the environment says (test/integration/intake.test.ts, for now) would only
 * run on dynalite again here, so it joins once it reads DYNAMODB_TEST_ENDPOINT as stores.test.ts does.
 */
export const STORAGE_SUITE = [
  // The adapters themselves: conditional puts, version checks, transactions, queries, pagination.
  'test/integration/stores.test.ts',
  'test/integration/intake.test.ts',
  // The table-backed timers: claim-by-condition, leases, retries.
  'test/integration/local-timers.test.ts',
  // Creating the table, and adding the indexes a table made by an earlier version lacks (which
  // DynamoDB Local does, unlike dynalite: the test checks whichever the engine does).
  'test/integration/ensure-table.test.ts',
  // The use cases' conditional writes, through the harness.
  'test/integration/router.test.ts',
  'test/integration/escalator.test.ts',
  'test/integration/calendar-overrides.test.ts',
  'test/e2e/idempotency.test.ts',
  'test/e2e/reports.test.ts',
  'test/e2e/lifecycle.test.ts',
  // Accounts (conditional create / replace on version) and sign-in failures (list_append, size()).
  'test/e2e/sign-in.test.ts',
];

const startedAt = Date.now();
const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
const say = (line: string) => console.log(`[dynamodb-local] ${line}`);

async function emulatorReady(): Promise<boolean> {
  if (!existsSync(join(EMULATOR, 'DynamoDBLocal.jar'))) return false;
  const sha = await readFile(join(EMULATOR, 'sha256'), 'utf8').catch(() => '');
  return sha.trim() === EMULATOR_SHA256;
}

/** `npm pack` the package into a scratch folder in the cache, take its emulator/, drop the rest. */
async function fetchEmulator(): Promise<void> {
  await mkdir(CACHE, { recursive: true });
  const scratch = await mkdtemp(join(CACHE, 'fetch-'));
  try {
    run('npm', ['pack', PACKAGE, '--pack-destination', scratch, '--silent', '--no-fund', '--no-audit']);
    const tarball = (await readdir(scratch)).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE} left no tarball in ${scratch}`);
    run('tar', ['-xzf', join(scratch, tarball), '-C', scratch, 'package/emulator']);
    const sha = (await readFile(join(scratch, 'package', 'emulator', 'sha256'), 'utf8')).trim();
    if (sha !== EMULATOR_SHA256) throw new Error(`${PACKAGE} bundles DynamoDB Local ${sha}, expected ${EMULATOR_SHA256}`);
    await rm(EMULATOR, { recursive: true, force: true });
    await rename(join(scratch, 'package', 'emulator'), EMULATOR).catch(async (err: unknown) => {
      // Another run put it there first.
      if (!(await emulatorReady())) throw err;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): void {
  const out = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (out.error) throw out.error;
  if (out.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${out.status ?? out.signal}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Java {
  proc: ChildProcess;
  output: () => string;
  /** Resolves when the process is gone, or could not be started (then with the reason). */
  exited: Promise<{ code: number | null; error?: Error }>;
}

function startJava(port: number): Java {
  const proc = spawn(
    'java',
    [
      `-Djava.library.path=${join(EMULATOR, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(EMULATOR, 'DynamoDBLocal.jar'),
      '-inMemory',
      // One database whatever the client's credentials and region, as one table on AWS would be.
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: EMULATOR, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    proc.once('error', (error) => resolve({ code: null, error }));
    proc.once('exit', (code) => resolve({ code }));
  });
  return { proc, output: () => output, exited };
}

async function waitUntilAnswering(endpoint: string, java: Java, timeoutMs = 60_000): Promise<void> {
  const db = new DynamoDBClient({ endpoint, region: 'ap-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  let gone: { code: number | null; error?: Error } | undefined;
  void java.exited.then((how) => (gone = how));
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await db.send(new ListTablesCommand({}));
        return;
      } catch (err) {
        if (gone?.error) throw new Error(`could not run java (${gone.error.message}): DynamoDB Local needs Java 17 or later on PATH`, { cause: err });
        if (gone) throw new Error(`DynamoDB Local exited with ${gone.code} before answering:\n${java.output()}`, { cause: err });
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs / 1000}s:\n${java.output()}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    db.destroy();
  }
}

async function stopJava(java: Java): Promise<void> {
  if (java.proc.exitCode !== null || java.proc.signalCode !== null) return;
  java.proc.kill('SIGTERM');
  const killed = setTimeout(() => java.proc.kill('SIGKILL'), 5_000);
  await java.exited;
  clearTimeout(killed);
}

function runVitest(endpoint: string, files: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const vitest = spawn('npx', ['vitest', 'run', ...files], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, DYNAMODB_TEST_ENDPOINT: endpoint },
    });
    vitest.once('error', reject);
    vitest.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** DynamoDB Local on a free loopback port, fetched first if need be; also used by the AWS suite (test/aws). */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  let t = Date.now();
  if (await emulatorReady()) {
    say(`${PACKAGE}'s DynamoDB Local is in ${EMULATOR}`);
  } else {
    say(`fetching ${PACKAGE} into ${CACHE}`);
    await fetchEmulator();
    say(`fetched and extracted in ${elapsed(t)}`);
  }
  t = Date.now();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const java = startJava(port);
  try {
    await waitUntilAnswering(endpoint, java);
  } catch (err) {
    await stopJava(java);
    throw err;
  }
  say(`DynamoDB Local answers on ${endpoint} after ${elapsed(t)}`);
  return { endpoint, stop: () => stopJava(java) };
}

async function main(): Promise<number> {
  const files = process.argv.slice(2).filter((a) => a !== '--');
  const local = await startDynamoDbLocal();
  const stop = () => void local.stop().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const t = Date.now();
    const code = await runVitest(local.endpoint, files.length ? files : STORAGE_SUITE);
    say(`vitest exited with ${code} after ${elapsed(t)}`);
    return code;
  } finally {
    await local.stop();
    say(`done in ${elapsed(startedAt)}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error('[dynamodb-local]', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
