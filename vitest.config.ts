import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The crash test runs alone (`npm run test:chaos`): it starts and kills its own server processes.
    // The AWS suite (`npm run test:aws`) needs Java and a `cdk synth`.
    exclude: ['test/chaos/**', 'test/aws/**', '**/node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // See functions/local/main.ts: the SDK's Node 22 notice is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
