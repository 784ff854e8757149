/**
 * Probe for docs/security.md finding F2: with TRUST_CLOUDFRONT_VIEWER_ADDRESS=true
 * (what the stack sets), a caller that reaches the API without CloudFront can
 * name any client address in `CloudFront-Viewer-Address`. This starts a local
 * runtime in that mode with a small global budget and guesses PINs from ONE
 * socket address, each request claiming a fresh viewer address, and counts
 * how many guesses were evaluated (404) versus blocked (429).
 *
 *   npx tsx load/probe-viewer-address.ts [--guesses 300] [--global-budget 50]
 */
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startRuntimeProcess } from '../test/support/runtime.ts';
import { apiCall, closeHttpAgents, rawRequest } from './api-client.ts';

const { values } = parseArgs({
  options: { guesses: { type: 'string', default: '300' }, 'global-budget': { type: 'string', default: '50' } },
});
const guesses = Math.min(5000, Math.max(1, Number(values.guesses) || 300));
const globalBudget = Math.min(100_000, Math.max(1, Number(values['global-budget']) || 50));

const runtime = await startRuntimeProcess({ TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true', REDEEM_FAILURES_GLOBAL: String(globalBudget) });
const counts = { forged: { 404: 0, 429: 0, other: 0 }, honest: { 404: 0, 429: 0, other: 0 } };
try {
  for (let index = 0; index < guesses; index += 1) {
    const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const response = await rawRequest(runtime.url, {
      method: 'POST',
      path: '/api/pin/redeem',
      headers: {
        'content-type': 'application/json',
        'cloudfront-viewer-address': `198.51.${Math.floor(index / 250) % 250}.${(index % 250) + 1}:443`,
      },
      body: JSON.stringify({ pin }),
    });
    const bucket = response.status === 404 ? 404 : response.status === 429 ? 429 : 'other';
    counts.forged[bucket] += 1;
  }
  // The same number of guesses without the header, for comparison: one real client.
  for (let index = 0; index < Math.min(guesses, 30); index += 1) {
    const response = await apiCall(runtime.url, 'POST', '/api/pin/redeem', {
      body: { pin: String(randomInt(0, 1_000_000)).padStart(6, '0') },
      localAddress: '127.77.0.1',
    });
    const bucket = response.status === 404 ? 404 : response.status === 429 ? 429 : 'other';
    counts.honest[bucket] += 1;
  }
} finally {
  closeHttpAgents();
  await runtime.stop();
}
console.log(`Global budget ${globalBudget}, per client 10 (defaults otherwise).
${guesses} guesses from one socket, each with a fresh CloudFront-Viewer-Address: ${counts.forged[404]} evaluated (404), ${counts.forged[429]} blocked (429), ${counts.forged.other} other
${Math.min(guesses, 30)} guesses from one address without the header: ${counts.honest[404]} evaluated (404), ${counts.honest[429]} blocked (429), ${counts.honest.other} other`);
