import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

/**
 * The office console ships inside the API function's asset, as console/ beside index.mjs, so one
 * deploy serves both: esbuild builds it (scripts/console-build.ts) right after the function is
 * bundled, on this machine like the function itself (no Docker).
 */
export const consoleCommandHooks = (): ICommandHooks => ({
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (_inputDir: string, outputDir: string) => [`"${process.execPath}" "${TSX_CLI}" "${ROOT}scripts/console-build.ts" "${outputDir}/console"`],
});
