import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CDK synthesis and the in-process DynamoDB are CPU-heavy: keep the 2-core CI machine responsive.
    maxWorkers: 2,
  },
});
