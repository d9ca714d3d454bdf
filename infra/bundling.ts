/**
 * How each Lambda is bundled, in one place: the CDK construct (infra/function.ts) and the
 * benchmark's bundle-size and cold-init figures (bench/bundles.ts) both read it, so what is
 * measured is what is deployed.
 */

/** One Lambda per folder under functions/, each exporting `handler`. */
export const FUNCTION_ENTRIES = {
  api: 'functions/api/index.ts',
  router: 'functions/router/index.ts',
  escalator: 'functions/escalator/index.ts',
  reconciler: 'functions/reconciler/index.ts',
  reporter: 'functions/reporter/index.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/** Size targets for the minified bundle (bytes, source map excluded). */
export const BUNDLE_LIMITS: Record<FunctionName, number> = {
  api: 350 * 1024,
  router: 150 * 1024,
  escalator: 150 * 1024,
  reconciler: 150 * 1024,
  reporter: 150 * 1024,
};

/** The Node.js runtime on Lambda; the machines here run 20, Lambda runs 22. */
export const LAMBDA_NODE_TARGET = 'node22';

/**
 * The AWS SDK v3 ships with the Lambda Node.js runtime: left out of the bundle. Everything else
 * (hono, zod, nodemailer, Powertools…) is bundled and tree-shaken.
 */
export const EXTERNAL_MODULES = ['@aws-sdk/*', '@smithy/*'];

/**
 * ESM output as the package is `"type": "module"`; some bundled CommonJS dependencies call
 * `require` for Node built-ins, which ESM does not define, so the banner provides one.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
