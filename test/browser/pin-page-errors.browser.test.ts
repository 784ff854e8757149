/**
 * What the customer sees when redeeming does not work. The page and the API
 * are the real local runtime; only the failures a healthy local service
 * cannot produce on demand (429 with a short Retry-After, 503, a dropped
 * connection, a failing progress endpoint) are stubbed with `page.route`.
 */
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatViolations, launchChromium, runAxe, saveScreenshot, watchPageProblems } from '../support/browser.ts';
import { getToken, startRuntimeProcess } from '../support/runtime.ts';

let runtime: Awaited<ReturnType<typeof startRuntimeProcess>>;
let browser: Browser;
let technicianToken: string;

beforeAll(async () => {
  // Chromium first: when it is missing the file fails at once, with no runtime left to stop.
  browser = await launchChromium();
  runtime = await startRuntimeProcess();
  technicianToken = await getToken(runtime.url, 'alice');
});

afterAll(async () => {
  await Promise.allSettled([browser?.close(), runtime?.stop()]);
});

async function livePin(): Promise<string> {
  const headers = { authorization: `Bearer ${technicianToken}`, 'content-type': 'application/json' };
  const created = await fetch(`${runtime.url}/api/sessions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ customerName: 'Error Path' }),
  });
  const { session } = (await created.json()) as { session: { id: string } };
  const generated = await fetch(`${runtime.url}/api/sessions/${session.id}/pin`, { method: 'POST', headers });
  return ((await generated.json()) as { pin: string }).pin;
}

/** `running`: page time flows but can be moved on; `paused`: it moves only when the test says so. */
type PageClock = 'real' | 'running' | 'paused';

async function openPage(
  clock: PageClock = 'real',
  webSocketUrl?: string,
): Promise<{ page: Page; redeemRequests: string[]; problems: string[] }> {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  if (webSocketUrl) await page.route('**/config.json', (route) => route.fulfill({ json: { apiBaseUrl: '/api', webSocketUrl } }));
  const start = Date.now();
  if (clock !== 'real') await page.clock.install({ time: start });
  if (clock === 'paused') await page.clock.pauseAt(start + 1000);
  const problems = watchPageProblems(page).messages;
  const redeemRequests: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/pin/redeem')) redeemRequests.push(request.postData() ?? '');
  });
  await page.goto(runtime.url);
  return { page, redeemRequests, problems };
}

async function submit(page: Page, pin: string): Promise<void> {
  await page.getByLabel('PIN').fill(pin);
  await page.getByRole('button', { name: 'Connect to technician' }).click();
}

async function errorShown(page: Page, text: string): Promise<void> {
  await page.locator('#pin-error', { hasText: text }).waitFor();
}

/**
 * Moves the page's fake clock a second at a time until `condition` holds:
 * the poll back-off (2, 4, 8 s ...) runs in milliseconds of real time.
 */
async function advanceClockUntil(page: Page, condition: () => Promise<boolean>, maxSeconds = 120): Promise<void> {
  for (let second = 0; second < maxSeconds; second++) {
    if (await condition()) return;
    await page.clock.runFor(1000);
  }
  throw new Error(`condition not reached within ${maxSeconds} s of page time`);
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id);

// The browser reports failed requests and refused WebSocket handshakes on the console itself; those are the point here.
const unexpected = (problems: string[]) =>
  problems.filter((line) => !line.includes('Failed to load resource') && !/WebSocket connection to .* failed/.test(line));

async function stubRedeem(page: Page, answer: (route: Route) => Promise<void>): Promise<void> {
  await page.route('**/api/pin/redeem', answer);
}

describe('PIN page error paths', () => {
  it('asks for all six digits without calling the service', async () => {
    const { page, redeemRequests } = await openPage();
    await submit(page, '12 34');
    await errorShown(page, 'Please enter all 6 digits of the PIN.');
    expect(await page.getByLabel('PIN').getAttribute('aria-invalid')).toBe('true');
    expect(redeemRequests).toEqual([]);
  });

  it('says an unknown PIN is not valid or expired, the same words as for a used one, and passes axe', async () => {
    const { page, redeemRequests, problems } = await openPage();
    await submit(page, '000000');
    const invalid = 'This PIN is not valid or has expired. Please ask your technician for a new one.';
    await errorShown(page, invalid);
    expect(await focusedId(page)).toBe('pin-error');
    expect(await page.locator('#pin-error').getAttribute('aria-live')).toBe('assertive');
    expect(await page.locator('#pin-error').textContent()).toBe(invalid);
    await saveScreenshot(page, 'docs/screenshots/pin-error-invalid.png');
    expect(formatViolations(await runAxe(page))).toBe('');

    const pin = await livePin();
    const other = await browser.newContext();
    const first = await other.newPage();
    await first.goto(runtime.url);
    await submit(first, pin);
    await first.locator('#download-step').waitFor();
    await other.close();

    await submit(page, pin);
    await page.waitForFunction(() => document.activeElement?.id === 'pin-error' && !document.getElementById('pin-step')?.hidden);
    expect(await page.locator('#pin-error').textContent()).toBe(invalid);
    expect(redeemRequests).toEqual(['{"pin":"000000"}', `{"pin":"${pin}"}`]);
    expect(unexpected(problems)).toEqual([]);
  });

  it('counts down Retry-After on too many attempts, then lets the customer try again', async () => {
    const { page, problems } = await openPage('paused');
    await stubRedeem(page, (route) =>
      route.fulfill({
        status: 429,
        headers: { 'retry-after': '3' },
        json: { error: { code: 'too_many_attempts', message: 'Too many attempts.' } },
      }),
    );
    await submit(page, '123456');
    await errorShown(page, 'Too many attempts. Please wait 3 seconds, then try again.');
    expect(await focusedId(page)).toBe('pin-error');
    const button = page.getByRole('button', { name: 'Connect to technician' });
    expect(await button.isDisabled()).toBe(true);
    const countdown = page.locator('#retry-countdown');
    expect(await countdown.textContent()).toBe('You can try again in 3 seconds.');
    await page.clock.runFor(1000);
    expect(await countdown.textContent()).toBe('You can try again in 2 seconds.');
    await page.clock.runFor(1000);
    expect(await countdown.textContent()).toBe('You can try again in 1 second.');
    expect(await button.isDisabled()).toBe(true);
    await page.clock.runFor(1000);
    await errorShown(page, 'You can try again now.');
    expect(await button.isDisabled()).toBe(false);
    expect(await page.locator('#retry-countdown').isHidden()).toBe(true);
    expect(unexpected(problems)).toEqual([]);
  });

  it('passes axe while a long 429 wait counts down in real time', async () => {
    // axe and screenshots need running timers, so this one keeps the real clock.
    const { page, problems } = await openPage();
    await stubRedeem(page, (route) =>
      route.fulfill({ status: 429, headers: { 'retry-after': '125' }, json: { error: { code: 'too_many_attempts', message: 'x' } } }),
    );
    await submit(page, '123456');
    await errorShown(page, 'Too many attempts. Please wait 2:05 minutes, then try again.');
    expect(await page.locator('#retry-countdown').textContent()).toMatch(/^You can try again in 2:0[0-5] minutes\.$/);
    await saveScreenshot(page, 'docs/screenshots/pin-error-too-many.png');
    expect(formatViolations(await runAxe(page))).toBe('');
    expect(unexpected(problems)).toEqual([]);
  });

  it('explains a network failure and retries on request, reaching the real service', async () => {
    const { page, redeemRequests, problems } = await openPage();
    await stubRedeem(page, (route) => route.abort('internetdisconnected'));
    const pin = await livePin();
    await submit(page, pin);
    await errorShown(page, 'We could not reach the service. Please check your internet connection and try again.');
    expect(await focusedId(page)).toBe('pin-error');

    await page.unroute('**/api/pin/redeem');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { level: 1, name: 'Alice Adler is ready to help you' }).waitFor();
    expect(redeemRequests).toHaveLength(2);
    expect(unexpected(problems)).toEqual([]);
  });

  it('says the service is temporarily unavailable on 503, in German too', async () => {
    const { page, problems } = await openPage();
    await stubRedeem(page, (route) => route.fulfill({ status: 503, json: { error: { code: 'unavailable', message: 'x' } } }));
    await submit(page, '123456');
    await errorShown(page, 'The service is temporarily unavailable. Please try again in a moment.');
    expect(await page.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Deutsch' }).click();
    await errorShown(page, 'Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es gleich noch einmal.');
    expect(await page.getByRole('button', { name: 'Erneut versuchen' }).isVisible()).toBe(true);
    expect(unexpected(problems)).toEqual([]);
  });

  it('falls back to polling while the live socket cannot connect, through a failing status endpoint, and says when the status is gone', async () => {
    // The gateway answers this path with 404: the page's WebSocket cannot connect, so it polls.
    const { page, problems } = await openPage('running', `${runtime.url.replace(/^http/, 'ws')}/not-the-websocket`);
    let progressAnswer: 'fail' | 'gone' = 'fail';
    await page.route('**/api/pin/progress', (route) =>
      progressAnswer === 'fail'
        ? route.fulfill({ status: 502, body: 'Bad Gateway' })
        : route.fulfill({ status: 401, json: { error: { code: 'unauthorized', message: 'x' } } }),
    );
    await submit(page, await livePin());
    await page.locator('#download-step').waitFor();
    const trouble = page.locator('#progress-trouble', { hasText: 'We are having trouble getting the latest status.' });
    await advanceClockUntil(page, () => trouble.isVisible());
    expect(await page.locator('#progress-status').getAttribute('data-status')).toBe('connecting');
    progressAnswer = 'gone';
    await advanceClockUntil(page, () => page.locator('#progress-status[data-status="gone"]').isVisible());
    expect(await page.locator('#progress-status').textContent()).toContain('The status of this session is no longer available.');
    expect(await page.locator('#progress-trouble').textContent()).toBe('');
    expect(unexpected(problems)).toEqual([]);
  });
});
