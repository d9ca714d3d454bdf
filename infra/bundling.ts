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
  'inbound-mail': 'functions/inbound-mail/index.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/**
 * Targets per bundle, checked by `npm run bench`: the gzipped size of the minified .mjs (the
 * source map and the docs files beside it excluded), and its import time in a fresh `node`
 * minus that of a bare `node -e 0` on the same machine.
 */
export const BUNDLE_TARGETS: Record<FunctionName, { gzipBytes: number; importMs: number }> = {
  api: { gzipBytes: 400 * 1024, importMs: 150 },
  router: { gzipBytes: 200 * 1024, importMs: 80 },
  escalator: { gzipBytes: 200 * 1024, importMs: 80 },
  reconciler: { gzipBytes: 200 * 1024, importMs: 80 },
  reporter: { gzipBytes: 200 * 1024, importMs: 80 },
  // mailparser, iconv-lite's charset tables (GBK, GB18030, Big5…) and html-to-text come along: 634 KB
  // gzipped, ~385 ms over bare node at load ~8 (2026-12-01, not yet measured on an idle machine).
  // It runs once per received message, asynchronously: no one waits on its cold start.
  'inbound-mail': { gzipBytes: 700 * 1024, importMs: 400 },
};

/** The Node.js runtime on Lambda; the machines here run 20, Lambda runs 22. */
export const LAMBDA_NODE_TARGET = 'node22';

/**
 * Nothing is left external: the AWS SDK v3 clients are bundled, tree-shaken from their ESM builds
 * and minified with the rest, as AWS advises for Node 22 (the runtime's own copy is a full,
 * unminified SDK whose version moves under the function). `npm run bench` measured both: see the
 * README's figures.
 */
export const EXTERNAL_MODULES: string[] = [];

/**
 * ESM output as the package is `"type": "module"`; some bundled CommonJS dependencies call
 * `require` for Node built-ins, which ESM does not define, so the banner provides one.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
