import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

/**
 * The office console ships inside the API function's asset, as console/ beside index.mjs, so one
 * deploy serves both: esbuild builds it (scripts/console-build.ts) right after the function is
 * bundled, on this machine like the function itself (no Docker). Run by infra/function.ts's
 * afterBundling hook, after the files it copies (the docs).
 */
export const consoleBuildCommands = (outputDir: string): string[] => [`"${process.execPath}" "${TSX_CLI}" "${ROOT}scripts/console-build.ts" "${outputDir}/console"`];
