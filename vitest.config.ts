import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CDK synthesis and the in-process DynamoDB are CPU-heavy: keep the 2-core CI machine responsive.
    maxWorkers: 2,
    // The SDK warns on every client that future releases need Node 22; the Lambda runtime is Node 22.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
