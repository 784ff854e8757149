// Jest runs the TypeScript sources as native ES modules (node
// --experimental-vm-modules, see scripts/run-tests.ts): @swc/jest strips the
// types and keeps `import`/`export` and `import.meta.url`; Jest's resolver
// follows package.json "imports" (#domain/*, ...) to the .ts files.
// Why Jest with @swc/jest: docs/decisions/0800-jest-with-swc.md.

/** Six projects, cheapest first; `rtc` runs only inside a network namespace (scripts/run-tests.ts). */
function project(name, testMatch, options = {}) {
  const { testTimeoutMs = 5_000, coverage = false, ...rest } = options;
  return {
    displayName: name,
    testMatch: [`<rootDir>/${testMatch}`],
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
    transform: {
      '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, sourceMaps: 'inline' }],
    },
    // Jest has no per-project test timeout; test/support/jest-setup.ts applies this one.
    globals: { testTimeoutMs },
    setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
    // Line coverage of lambdas/ is measured by the cheap groups only (see coverageThreshold).
    ...(coverage ? {} : { coveragePathIgnorePatterns: ['.'] }),
    ...rest,
  };
}

export default {
  projects: [
    project('unit', 'test/unit/**/*.test.ts', { coverage: true }),
    project('integration', 'test/integration/**/*.integ.test.ts', {
      testTimeoutMs: 60_000,
      coverage: true,
      globalSetup: '<rootDir>/test/integration/dynamodb-local.global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/dynamodb-local.global-teardown.ts',
    }),
    project('e2e', 'test/e2e/**/*.e2e.test.ts', { testTimeoutMs: 120_000 }),
    project('browser', 'test/browser/**/*.browser.test.ts', { testTimeoutMs: 120_000, runner: '<rootDir>/test/support/serial-runner.js' }),
    project('infrastructure', 'test/infrastructure/**/*.test.ts', { testTimeoutMs: 120_000 }),
    // One file at a time: the support app's test streams a real X screen and would starve the relay test of CPU.
    project('rtc', 'test/rtc/**/*.rtc.test.ts', { testTimeoutMs: 60_000, runner: '<rootDir>/test/support/serial-runner.js' }),
  ],
  // Jest's default (cores - 1) means one worker on the 2-core CI machine; most tests wait on child processes and sockets.
  maxWorkers: 2,
  coverageProvider: 'v8',
  collectCoverageFrom: ['<rootDir>/lambdas/**/*.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: {
    // Measured 89.0 % lines and statements, 82.0 % branches, 85.9 % functions (unit + integration). Handlers the
    // integration tests reach through the local runtime run in worker threads, which this figure does not see;
    // the floor sits about two points below.
    './lambdas/': { lines: 87, statements: 87, functions: 84, branches: 80 },
  },
};
