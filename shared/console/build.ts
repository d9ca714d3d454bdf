import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CONSOLE_SHELL, contentTypeOf, type ConsoleAssets } from './assets';

const ENTRY = fileURLToPath(new URL('./app/main.tsx', import.meta.url));

export interface BuildConsoleOptions {
  /** Also write the files here (the Lambda bundle's console/, or `npm run console:build`). */
  outDir?: string;
  /** Default true: what ships; tests of the build may turn it off to read the output. */
  minify?: boolean;
}

/**
 * Bundles the console (Preact + TypeScript, shared/console/app) with esbuild into one hashed
 * script and one stylesheet, and writes the shell that loads them: no inline script or style,
 * so the strict CSP of shared/http/routes/console.ts holds. Takes well under a second.
 */
export async function buildConsole(options: BuildConsoleOptions = {}): Promise<ConsoleAssets> {
  const result = await build({
    entryPoints: { app: ENTRY },
    bundle: true,
    write: false,
    outdir: '/console-out',
    entryNames: '[name]-[hash]',
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: options.minify ?? true,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const files = new Map<string, { body: Uint8Array; type: string }>();
  for (const f of result.outputFiles) files.set(basename(f.path), { body: f.contents, type: contentTypeOf(f.path) });
  const names = [...files.keys()];
  const script = names.find((n) => n.endsWith('.js'));
  const style = names.find((n) => n.endsWith('.css'));
  if (!script || !style) throw new Error(`The console build made no script or stylesheet: ${names.join(', ')}`);
  const shell = shellHtml(`/console/assets/${script}`, `/console/assets/${style}`);
  if (options.outDir) {
    await rm(options.outDir, { recursive: true, force: true });
    await mkdir(options.outDir, { recursive: true });
    await writeFile(join(options.outDir, CONSOLE_SHELL), shell);
    for (const [name, f] of files) await writeFile(join(options.outDir, name), f.body);
  }
  return { shell, files };
}

function shellHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>工会案件工作台 · Union case console</title>
<link rel="stylesheet" href="${style}">
<script type="module" src="${script}"></script>
</head>
<body>
<div id="app"><p class="boot">正在加载… Loading…</p></div>
<noscript>工作台需要启用 JavaScript。The console needs JavaScript.</noscript>
</body>
</html>
`;
}
