import { jest } from '@jest/globals';

// Each Jest project sets `globals.testTimeoutMs` (jest.config.js); Jest itself only has one global timeout.
const { testTimeoutMs } = globalThis as { testTimeoutMs?: number };
if (testTimeoutMs) jest.setTimeout(testTimeoutMs);
