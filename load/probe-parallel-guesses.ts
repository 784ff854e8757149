/**
 * Probe for docs/security.md finding F7: the failure limits are checked before
 * the failure is counted, so guesses sent in parallel from ONE address all
 * pass the check. Starts a local runtime, fires `--parallel` wrong guesses at
 * once from one loopback address, and counts evaluated (404) vs blocked (429).
 *
 *   npx tsx load/probe-parallel-guesses.ts [--parallel 200]
 */
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startRuntimeProcess } from '../test/support/runtime.ts';
import { apiCall, closeHttpAgents } from './api-client.ts';

const { values } = parseArgs({ options: { parallel: { type: 'string', default: '200' } } });
const parallel = Math.min(2000, Math.max(1, Number(values.parallel) || 200));

const runtime = await startRuntimeProcess();
const counts: Record<string, number> = {};
try {
  // Warm the handler so the burst measures the limit, not the first import.
  await apiCall(runtime.url, 'POST', '/api/pin/redeem', { body: { pin: 'warm' }, localAddress: '127.88.0.2' });
  const responses = await Promise.all(
    Array.from({ length: parallel }, () =>
      apiCall(runtime.url, 'POST', '/api/pin/redeem', {
        body: { pin: String(randomInt(0, 1_000_000)).padStart(6, '0') },
        localAddress: '127.88.0.1',
      }),
    ),
  );
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
} finally {
  closeHttpAgents();
  await runtime.stop();
}
console.log(
  `${parallel} wrong guesses at once from one address (limit 10 per window): ${JSON.stringify(counts)} (404 = evaluated, 429 = blocked)`,
);
