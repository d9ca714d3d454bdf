import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/**
 * The console's built files, as the server holds them: the app shell (index.html, served for every
 * /console/ path so deep links work) and the hashed script and style it names. Built by
 * shared/console/build.ts: in memory at `npm start` and in tests, into the API function's bundle
 * (console/) when the CDK app synthesizes.
 */
export interface ConsoleAssets {
  /** The app shell. */
  shell: string;
  /** File name → body and type: app-<hash>.js, app-<hash>.css. */
  files: ReadonlyMap<string, { body: Uint8Array; type: string }>;
}

export const CONSOLE_SHELL = 'index.html';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export const contentTypeOf = (name: string) => TYPES[extname(name)] ?? 'application/octet-stream';

/** The built console in a directory (the Lambda's console/), or undefined when it was not built there. */
export function loadConsoleAssets(dir: string): ConsoleAssets | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  if (!names.includes(CONSOLE_SHELL)) return undefined;
  const files = new Map<string, { body: Uint8Array; type: string }>();
  for (const name of names) if (name !== CONSOLE_SHELL) files.set(name, { body: readFileSync(join(dir, name)), type: contentTypeOf(name) });
  return { shell: readFileSync(join(dir, CONSOLE_SHELL), 'utf8'), files };
}
