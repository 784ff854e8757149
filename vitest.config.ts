import { defineConfig } from 'vitest/config';

// Four projects, cheapest first. Integration tests share one DynamoDB Local
// (started in globalSetup); end-to-end and browser tests start the real local
// runtime on a free port, each file its own.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.integ.test.ts'],
          globalSetup: ['test/integration/dynamodb-local.global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // Opens WebRTC peer connections: only inside ../shared/tools/netns-run (the tests refuse to run elsewhere).
        test: {
          name: 'rtc',
          include: ['test/rtc/**/*.rtc.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'infrastructure',
          include: ['test/infrastructure/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
