import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_LIMITS, ESM_REQUIRE_BANNER, EXTERNAL_MODULES, FUNCTION_ENTRIES, LAMBDA_NODE_TARGET, type FunctionName } from '../infra/bundling';

/**
 * Each Lambda bundled as the CDK construct bundles it (infra/bundling.ts), then its cold init timed:
 * `await import()` of the bundle in a fresh `node` process, `runs` times. The bundle's external
 * AWS SDK modules come from the repository's node_modules (linked beside the bundles), where on
 * Lambda the runtime provides them; the time to import those alone is taken beside it, as their
 * share of the figure.
 */
export const BUNDLES = { runs: 7, initTargetMs: 150, childTimeoutMs: 30_000, largestInputs: 5 } as const;

export interface ColdInit {
  /** Time of `await import(bundle)` plus the `handler` check, measured inside the child. */
  medianMs: number;
  maxMs: number;
  samplesMs: number[];
  /** Whole child process, spawn to exit (Node start-up included), median; informational. */
  processMedianMs: number;
  /** Median time to import the bundle's external packages alone (the AWS SDK clients), in the same way; informational. */
  externalsMedianMs: number;
}

export interface BundleResult {
  name: FunctionName;
  entry: string;
  limitBytes: number;
  /** Minified .mjs, source map excluded; null when the build failed. */
  bytes: number | null;
  gzipBytes: number | null;
  mapBytes: number | null;
  sizePass: boolean;
  init: ColdInit | null;
  initPass: boolean;
  /** Largest contributors to the output, by package (node_modules) or "(project)". */
  largestInputs: { input: string; bytes: number }[];
  /** Non-built-in imports left external (resolved from the repository's node_modules here, from the Lambda runtime on AWS). */
  externals: string[];
  buildWarnings: string[];
  /** Whatever the child wrote on stderr in its first run (warnings), if anything. */
  initStderr: string;
  /** The build or import failure, verbatim. */
  error?: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** Runs in each child: one import of the bundle, timed, and the `handler` check. */
const CHILD = `
const t0 = performance.now();
const mod = await import(process.argv[1]);
const ok = typeof mod.handler === 'function';
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, ok, exports: Object.keys(mod) }));
`;

export async function benchBundles(): Promise<BundleResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'union-bench-bundles-'));
  try {
    // ESM resolves bare specifiers from the importing file, ignoring NODE_PATH and the cwd: the
    // bundles find the external @aws-sdk/* and @smithy/* through this link to the repository's.
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const results: BundleResult[] = [];
    for (const [name, entry] of Object.entries(FUNCTION_ENTRIES) as [FunctionName, string][]) {
      results.push(await benchOne(name, entry, join(dir, name, 'index.mjs')));
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchOne(name: FunctionName, entry: string, outfile: string): Promise<BundleResult> {
  const limitBytes = BUNDLE_LIMITS[name];
  const result: BundleResult = {
    name, entry, limitBytes, bytes: null, gzipBytes: null, mapBytes: null, sizePass: false,
    init: null, initPass: false, largestInputs: [], externals: [], buildWarnings: [], initStderr: '',
  };
  let meta: Metafile;
  try {
    const out = await build({
      absWorkingDir: ROOT,
      entryPoints: [join(ROOT, entry)],
      outfile,
      bundle: true,
      minify: true,
      sourcemap: 'external',
      format: 'esm',
      platform: 'node',
      target: LAMBDA_NODE_TARGET,
      mainFields: ['module', 'main'],
      external: EXTERNAL_MODULES,
      banner: { js: ESM_REQUIRE_BANNER },
      metafile: true,
      logLevel: 'silent',
    });
    result.buildWarnings = out.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`);
    meta = out.metafile;
  } catch (err) {
    result.error = `build: ${describe(err)}`;
    return result;
  }
  const code = await readFile(outfile);
  result.bytes = code.byteLength;
  result.gzipBytes = gzipSync(code).byteLength;
  result.mapBytes = (await readFile(`${outfile}.map`)).byteLength;
  result.sizePass = result.bytes <= limitBytes;

  result.largestInputs = largestInputs(meta);
  const externals = externalPackages(meta);
  result.externals = externals;
  const externalsFile = join(dirname(outfile), 'externals.mjs');
  await writeFile(externalsFile, externals.map((e) => `import ${JSON.stringify(e)};\n`).join(''));

  // Taken in turn, the bundle then its external imports alone, so background load hits both alike.
  const bundle: ChildRun[] = [];
  const alone: ChildRun[] = [];
  for (let i = 0; i < BUNDLES.runs; i++) {
    try {
      bundle.push(await timeImport(outfile));
    } catch (err) {
      result.error = `import: ${describe(err)}`;
      return result;
    }
    try {
      alone.push(await timeImport(externalsFile));
    } catch (err) {
      result.error = `import of the external packages alone (${externals.join(', ')}): ${describe(err)}`;
      return result;
    }
    const first = bundle[0];
    if (first && !first.ok) {
      result.error = `import: no \`handler\` function exported (exports: ${first.exports.join(', ') || 'none'})`;
      return result;
    }
  }
  result.initStderr = bundle[0]?.stderr ?? '';
  const samples = bundle.map((r) => r.ms);
  const medianMs = median(samples);
  result.init = {
    medianMs,
    maxMs: Math.max(...samples),
    samplesMs: samples,
    processMedianMs: median(bundle.map((r) => r.processMs)),
    externalsMedianMs: median(alone.map((r) => r.ms)),
  };
  result.initPass = medianMs <= BUNDLES.initTargetMs;
  return result;
}

interface ChildRun {
  ms: number;
  ok: boolean;
  exports: string[];
  processMs: number;
  stderr: string;
}

/** One fresh `node`, with no environment beyond PATH: importing a bundle must not depend on any variable. */
async function timeImport(file: string): Promise<ChildRun> {
  const started = performance.now();
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '--eval', CHILD, pathToFileURL(file).href], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    timeout: BUNDLES.childTimeoutMs,
  });
  const processMs = performance.now() - started;
  return { ...(JSON.parse(stdout) as { ms: number; ok: boolean; exports: string[] }), processMs, stderr: stderr.trim() };
}

/** The bundle's imports left external that are not Node built-ins: the AWS SDK packages. */
function externalPackages(meta: Metafile): string[] {
  const output = Object.entries(meta.outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
  const paths = (output?.imports ?? []).filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path);
  return [...new Set(paths)].sort();
}

/** Bytes in the output per package (the path after the last node_modules/), the project's own files together. */
function largestInputs(meta: Metafile): { input: string; bytes: number }[] {
  const output = Object.entries(meta.outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
  const byInput = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(path);
    const key = m?.[1] ?? '(project)';
    byInput.set(key, (byInput.get(key) ?? 0) + bytesInOutput);
  }
  return [...byInput.entries()]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, BUNDLES.largestInputs);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** esbuild's errors with their locations, a child's exit and stderr, or the error's message. */
function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'errors' in err && Array.isArray(err.errors) && err.errors.length) {
    return (err.errors as { text: string; location?: { file: string; line: number } | null }[])
      .map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`)
      .join('; ');
  }
  if (err && typeof err === 'object' && 'stderr' in err) {
    const { code, signal } = err as { code?: number | string | null; signal?: string | null };
    return `child ${signal ? `killed by ${signal}` : `exited ${code}`}: ${String(err.stderr).trim() || '(no stderr)'}`;
  }
  return err instanceof Error ? err.message : String(err);
}
