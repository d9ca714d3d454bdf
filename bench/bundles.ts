import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_TARGETS, ESM_REQUIRE_BANNER, EXTERNAL_MODULES, FUNCTION_ENTRIES, LAMBDA_NODE_TARGET, type FunctionName } from '../infra/bundling';

/**
 * Each Lambda bundled as the CDK construct bundles it (infra/bundling.ts), then its cold import
 * timed as Lambda pays it: a fresh `node` that imports the bundle, spawn to exit, minus a bare
 * `node -e 0`, `runs` times each, taken in turn so background load hits all alike. Also timed: the
 * same import with `--enable-source-maps`, whose extra cost is why the template does not set it.
 */
export const BUNDLES = { runs: 15, childTimeoutMs: 30_000, largestInputs: 5 } as const;

export interface ColdImport {
  /** Median of (import in a fresh node) − median of (bare `node -e 0`): the figure held to the target. */
  overBareMs: number;
  /** Fastest import − fastest bare node: the cost without contention from other processes (informational). */
  minOverBareMs: number;
  bareMedianMs: number;
  importMedianMs: number;
  importMaxMs: number;
  /** Median extra time of the same import with `--enable-source-maps`. */
  sourceMapsExtraMs: number;
}

export interface BundleResult {
  name: FunctionName;
  entry: string;
  target: { gzipBytes: number; importMs: number };
  /** Minified .mjs, source map excluded; null when the build failed. */
  bytes: number | null;
  gzipBytes: number | null;
  mapBytes: number | null;
  sizePass: boolean;
  init: ColdImport | null;
  initPass: boolean;
  /** Largest contributors to the output, by package (node_modules) or "(project)". */
  largestInputs: { input: string; bytes: number }[];
  /** Non-built-in imports left external (none: the SDK is bundled). */
  externals: string[];
  buildWarnings: string[];
  /** Whatever the child wrote on stderr in its first run (warnings), if anything. */
  initStderr: string;
  /** The build or import failure, verbatim. */
  error?: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** Runs in each child: one import of the bundle and the `handler` check. */
const CHILD = `
const mod = await import(process.argv[1]);
process.stdout.write(JSON.stringify({ ok: typeof mod.handler === 'function', exports: Object.keys(mod) }));
`;

export async function benchBundles(): Promise<BundleResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'union-bench-bundles-'));
  try {
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
  const target = BUNDLE_TARGETS[name];
  const result: BundleResult = {
    name, entry, target, bytes: null, gzipBytes: null, mapBytes: null, sizePass: false,
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
      // As the CDK's sourceMap: true (esbuild --sourcemap): a .map beside it and the sourceMappingURL comment.
      sourcemap: 'linked',
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
  result.sizePass = result.gzipBytes <= target.gzipBytes;
  result.largestInputs = largestInputs(meta);
  result.externals = externalPackages(meta);

  const bare: number[] = [];
  const plain: number[] = [];
  const mapped: number[] = [];
  for (let i = 0; i < BUNDLES.runs; i++) {
    try {
      bare.push((await timeNode(['-e', '0'])).ms);
      const first = await timeNode(['--input-type=module', '--eval', CHILD, pathToFileURL(outfile).href]);
      plain.push(first.ms);
      mapped.push((await timeNode(['--enable-source-maps', '--input-type=module', '--eval', CHILD, pathToFileURL(outfile).href])).ms);
      if (i === 0) {
        result.initStderr = first.stderr;
        const out = JSON.parse(first.stdout) as { ok: boolean; exports: string[] };
        if (!out.ok) {
          result.error = `import: no \`handler\` function exported (exports: ${out.exports.join(', ') || 'none'})`;
          return result;
        }
      }
    } catch (err) {
      result.error = `import: ${describe(err)}`;
      return result;
    }
  }
  const importMedianMs = median(plain);
  const bareMedianMs = median(bare);
  result.init = {
    overBareMs: importMedianMs - bareMedianMs,
    minOverBareMs: Math.min(...plain) - Math.min(...bare),
    bareMedianMs,
    importMedianMs,
    importMaxMs: Math.max(...plain),
    sourceMapsExtraMs: median(mapped) - importMedianMs,
  };
  result.initPass = result.init.overBareMs <= target.importMs;
  return result;
}

/** One fresh `node`, spawn to exit, with no environment beyond PATH: importing a bundle must not depend on any variable. */
async function timeNode(args: string[]): Promise<{ ms: number; stdout: string; stderr: string }> {
  const started = performance.now();
  const { stdout, stderr } = await run(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, timeout: BUNDLES.childTimeoutMs });
  return { ms: performance.now() - started, stdout, stderr: stderr.trim() };
}

/** The bundle's imports left external that are not Node built-ins. */
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

const kb = (n: number) => (n / 1024).toFixed(1);

/** The rows `npm run bench` prints for the bundles (and `npm run bench:bundles` alone). */
export function bundleRows(bundles: BundleResult[]): { figure: string; value: string; target: string; pass?: boolean }[] {
  return bundles.flatMap((b) => [
    {
      figure: `Bundle ${b.name} (minified / gzip)`,
      value: b.bytes === null || b.gzipBytes === null ? 'build failed' : `${kb(b.bytes)} / ${kb(b.gzipBytes)} KB`,
      target: `gzip <= ${Math.round(b.target.gzipBytes / 1024)} KB`,
      pass: b.sizePass,
    },
    {
      figure: `Import ${b.name} over bare node (median)`,
      value: b.init ? `${Math.round(b.init.overBareMs)} ms (min ${Math.round(b.init.minOverBareMs)})` : b.bytes === null ? '—' : 'import failed',
      target: `<= ${b.target.importMs} ms`,
      pass: b.initPass,
    },
  ]);
}

/** The line under the table: what the figures are made of. */
export function bundleNotes(bundles: BundleResult[]): string[] {
  const r = (n: number) => Math.round(n);
  return [
    `(bundles: AWS SDK bundled, nothing external${bundles.some((b) => b.externals.length) ? ` — but left external: ${[...new Set(bundles.flatMap((b) => b.externals))].join(', ')}` : ''}; bare \`node -e 0\` median ${bundles[0]?.init ? r(bundles[0].init.bareMedianMs) : '—'} ms; --enable-source-maps would add ${bundles.map((b) => `${b.name} ${b.init ? r(b.init.sourceMapsExtraMs) : '—'}`).join(', ')} ms)`,
    ...bundles.filter((b) => b.error).map((b) => `bundle ${b.name} failed: ${b.error}`),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bundles = await benchBundles();
  for (const row of bundleRows(bundles)) console.log(`${row.figure.padEnd(42)}  ${row.value.padEnd(20)}  ${row.target.padEnd(18)}  ${row.pass ? 'PASS' : 'FAIL'}`);
  for (const line of bundleNotes(bundles)) console.log(line);
  for (const b of bundles) console.log(`  ${b.name}: largest ${b.largestInputs.map((i) => `${i.input} ${kb(i.bytes)} KB`).join(', ')}`);
  process.exitCode = bundles.every((b) => b.sizePass && b.initPass) ? 0 : 1;
}
