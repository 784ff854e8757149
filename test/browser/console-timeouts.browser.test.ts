/**
 * The console's side exits (`expired`, `timed_out`), live: a PIN that runs out
 * ("PIN code expired"), a fresh PIN for the expired session, a customer who
 * never runs the applet ("Timed out"), and removing ended sessions. The real
 * runtime runs with second-long time-outs and a one-second sweeper.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatViolations, launchChromium, runAxe, watchPageProblems } from '../support/browser.ts';
import { startRuntimeProcess } from '../support/runtime.ts';

let runtime: Awaited<ReturnType<typeof startRuntimeProcess>>;
let browser: Browser;

beforeAll(async () => {
  // allSettled, so a missing Chromium still leaves the started runtime to afterAll to stop.
  const [startedRuntime, launchedBrowser] = await Promise.allSettled([
    startRuntimeProcess({ PIN_VALIDITY_SECONDS: '3', CONNECTING_TIMEOUT_SECONDS: '3', SWEEP_INTERVAL_SECONDS: '1' }),
    launchChromium(),
  ]);
  if (startedRuntime.status === 'fulfilled') runtime = startedRuntime.value;
  if (launchedBrowser.status === 'fulfilled') browser = launchedBrowser.value;
  for (const outcome of [startedRuntime, launchedBrowser]) if (outcome.status === 'rejected') throw outcome.reason;
});

afterAll(async () => {
  await Promise.allSettled([browser?.close(), runtime?.stop()]);
});

function statusCell(page: Page, customerName: string, status: string) {
  return page
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: customerName, exact: true }) })
    .locator('td.status', { hasText: new RegExp(`^${status}$`) });
}

describe('console time-outs with the real runtime', () => {
  it('shows an expired PIN, issues a fresh one, shows a connecting time-out and removes ended sessions', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const problems = watchPageProblems(page).messages;
    await page.goto(`${runtime.url}/console/`);
    await page.getByRole('button', { name: 'Sign in as Alice Adler' }).click();

    await page.getByRole('button', { name: 'New session' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create new session' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Short PIN');
    await dialog.getByRole('button', { name: 'Create PIN code' }).click();
    // Creating the session and its PIN are two handler cold starts, which a loaded machine can stretch past
    // the PIN's three seconds: wait for the PIN first, then for its expiry.
    await dialog.locator('.pin[data-pin]').waitFor({ timeout: 30_000 });
    await dialog.getByText('This PIN code has expired.').waitFor({ timeout: 10_000 });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await statusCell(page, 'Short PIN', 'PIN code expired').waitFor({ timeout: 10_000 });
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Short PIN', exact: true }) });
    expect(await row.locator('td.time').nth(1).innerText()).toBe('expired');
    expect(formatViolations(await runAxe(page))).toBe('');

    // Decision 0004: an expired session can get a fresh PIN from its session view.
    // A malformed redeem loads the redeem handler now, so its cold start cannot eat the fresh PIN's three seconds.
    const warmUp = await fetch(`${runtime.url}/api/pin/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(warmUp.status).toBe(400);
    await row.getByRole('button', { name: 'Short PIN' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Short PIN' });
    await panel.getByRole('button', { name: 'Create new PIN code' }).click();
    const pin = (await panel.locator('.pin').getAttribute('data-pin')) ?? '';
    expect(pin).toMatch(/^\d{6}$/);
    await statusCell(page, 'Short PIN', 'PIN code issued').waitFor();

    // Redeemed, but the applet never connects: the connecting time-out ends it.
    const redeemed = await fetch(`${runtime.url}/api/pin/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin }),
    });
    expect(redeemed.status).toBe(200);
    await statusCell(page, 'Short PIN', 'Timed out').waitFor({ timeout: 15_000 });
    expect(await panel.locator('.session-status').innerText()).toMatch(/^Status: Timed out for \d+:\d\d$/);

    await row.getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByText('No sessions yet. Use "New session" to create one.').waitFor();
    expect(problems).toEqual([]);
  });
});
