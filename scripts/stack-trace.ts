import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Lambdas run without `--enable-source-maps` (it costs every cold start; see README, Deploy to
 * AWS), so a stack trace in CloudWatch names positions in the minified bundle. This maps them back
 * through the source map that ships beside the bundle in the same asset:
 *
 *   npm run stack-trace -- cdk.out/asset.<hash> < trace.txt
 *
 * Every `index.mjs:<line>:<column>` in the input becomes `<source file>:<line>:<column>`; the rest
 * of the text is kept as it is.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `mapDir`: the folder of the map, which its source paths are relative to. */
export function mapStack(stack: string, map: SourceMapPayload, mapDir: string): string {
  const sm = new SourceMap(map);
  return stack.replace(/(?:file:\/\/)?[^\s()]*index\.mjs:(\d+):(\d+)/g, (whole, line: string, column: string) => {
    // findEntry takes 0-based positions; stack traces give 1-based ones.
    const entry = sm.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number; name?: string };
    if (!entry.originalSource) return whole;
    const source = resolve(mapDir, entry.originalSource.replace(/^file:\/\//, ''));
    return `${relative(ROOT, source)}:${(entry.originalLine ?? 0) + 1}:${(entry.originalColumn ?? 0) + 1}`;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv.slice(2).find((a) => a !== '--');
  if (!target) {
    console.error('usage: npm run stack-trace -- <asset folder or index.mjs.map> < stack.txt');
    process.exit(2);
  }
  const mapFile = target.endsWith('.map') ? target : join(target, 'index.mjs.map');
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload;
  process.stdout.write(mapStack(readFileSync(0, 'utf8'), map, dirname(mapFile)));
}
