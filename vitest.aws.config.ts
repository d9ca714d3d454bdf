import { defineConfig } from 'vitest/config';

/**
 * `npm run test:aws`: the AWS configuration end to end without an account (test/aws). Needs Java
 * 17+ for DynamoDB Local (fetched on first use) and runs `cdk synth` once, so it stays out of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/aws/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
