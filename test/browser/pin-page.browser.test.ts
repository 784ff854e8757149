/**
 * The customer's PIN page against the real local runtime and the real applet:
 * a technician creates a session and PIN over the HTTP API, the page redeems
 * it, the personalized applet downloads and runs, and the page follows the
 * session to "technician joined" and "ended". Also German, 320 px,
 * keyboard-only use, axe-core, and the page without JavaScript.
 *
 * `SCREENSHOTS=1` additionally writes docs/screenshots/pin-*.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatViolations, launchChromium, runAxe, saveScreenshot, watchPageProblems } from '../support/browser.ts';
import { getToken, startRuntimeProcess } from '../support/runtime.ts';

let runtime: Awaited<ReturnType<typeof startRuntimeProcess>>;
let browser: Browser;
let technicianToken: string;
let downloadDirectory: string;
const applets: ChildProcess[] = [];

beforeAll(async () => {
  // Chromium first: when it is missing the file fails at once, with no runtime left to stop.
  browser = await launchChromium();
  [runtime, downloadDirectory] = await Promise.all([startRuntimeProcess(), mkdtemp(path.join(tmpdir(), 'pin-page-download-'))]);
  technicianToken = await getToken(runtime.url, 'alice');
});

afterAll(async () => {
  for (const applet of applets) if (applet.exitCode === null) applet.kill();
  await Promise.allSettled([browser?.close(), runtime?.stop()]);
  if (downloadDirectory) await rm(downloadDirectory, { recursive: true, force: true });
});

async function technicianCall<T>(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<T> {
  const response = await fetch(`${runtime.url}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${technicianToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${pathname} -> ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** What the technician does in steps 1-2: a session and a PIN to read to the customer. */
async function sessionWithPin(customerName: string): Promise<{ sessionId: string; pin: string }> {
  const { session } = await technicianCall<{ session: { id: string } }>('POST', '/api/sessions', { customerName });
  const { pin } = await technicianCall<{ pin: string }>('POST', `/api/sessions/${session.id}/pin`);
  return { sessionId: session.id, pin };
}

async function openPinPage(options: BrowserContextOptions = {}): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({
    locale: 'en-US',
    acceptDownloads: true,
    permissions: ['clipboard-read', 'clipboard-write'],
    ...options,
  });
  const page = await context.newPage();
  const problems = watchPageProblems(page).messages;
  await page.goto(runtime.url);
  return { page, problems };
}

function progressStatus(page: Page, status: string) {
  return page.locator(`#progress-status[data-status="${status}"]`);
}

function runApplet(file: string): { process: ChildProcess; output: () => string } {
  let output = '';
  const applet = spawn(process.execPath, [file, '--yes'], { cwd: path.dirname(file), stdio: ['ignore', 'pipe', 'pipe'] });
  applet.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  applet.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  applets.push(applet);
  return { process: applet, output: () => output };
}

describe('PIN page with the real runtime and applet', () => {
  it('takes the customer from PIN to download, applet, waiting, technician joined and ended', async () => {
    const { sessionId, pin } = await sessionWithPin('Happy Path Customer');
    const { page, problems } = await openPinPage();
    await saveScreenshot(page, 'docs/screenshots/pin-entry.png');
    expect(formatViolations(await runAxe(page))).toBe('');

    await page.getByLabel('PIN').fill(`${pin.slice(0, 3)} ${pin.slice(3)}`);
    expect(await page.getByLabel('PIN').inputValue()).toBe(pin);
    await page.getByRole('button', { name: 'Connect to technician' }).click();

    const heading = page.getByRole('heading', { level: 1, name: 'Alice Adler is ready to help you' });
    await heading.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('download-heading');
    await progressStatus(page, 'connecting').waitFor();
    expect(await page.locator('#progress-status').textContent()).toContain('Connecting');
    await page.getByText('Instructions for other systems').click();
    await saveScreenshot(page, 'docs/screenshots/pin-download.png');
    expect(formatViolations(await runAxe(page))).toBe('');
    await page.getByText('Instructions for other systems').click();

    const link = page.getByRole('link', { name: 'Download the support app' });
    const fileName = await link.getAttribute('download');
    expect(fileName).toMatch(/^RemoteSupport_[A-Za-z0-9_-]{22,}\.cjs$/);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(fileName);
    const appletFile = path.join(downloadDirectory, download.suggestedFilename());
    await download.saveAs(appletFile);
    expect((await stat(appletFile)).size).toBeGreaterThan(1000);

    // Run exactly what the page tells the customer to run, taken from its copy button.
    await page
      .getByRole('button', { name: `Copy: node ${fileName}` })
      .first()
      .click();
    await page.locator('#copy-status', { hasText: 'Command copied.' }).waitFor({ state: 'attached' });
    const copiedCommand = await page.evaluate(() => navigator.clipboard.readText());
    expect(copiedCommand).toBe(`node ${fileName}`);
    const [program, fileArgument] = copiedCommand.split(' ');
    expect(program).toBe('node');
    const applet = runApplet(path.join(downloadDirectory, fileArgument ?? ''));
    await progressStatus(page, 'waiting')
      .waitFor({ timeout: 20_000 })
      .catch((error: unknown) => {
        throw new Error(`page never showed waiting; applet output:\n${applet.output()}`, { cause: error });
      });
    expect(await page.locator('#progress-status').textContent()).toContain('Please wait');
    await saveScreenshot(page, 'docs/screenshots/pin-waiting.png');
    await page.reload();
    await progressStatus(page, 'waiting').waitFor();
    expect(await page.getByRole('link', { name: 'Download the support app' }).getAttribute('download')).toBe(fileName);

    await technicianCall('POST', `/api/sessions/${sessionId}/start`);
    await progressStatus(page, 'active').waitFor();
    expect(await page.locator('#progress-status').textContent()).toContain('Alice Adler has joined the session.');
    expect(await page.locator('#progress-track [aria-current="step"]').textContent()).toBe('Active');
    expect(await page.locator('#status-summary').textContent()).toBe('Status: Active');
    await saveScreenshot(page, 'docs/screenshots/pin-active.png');

    await technicianCall('POST', `/api/sessions/${sessionId}/close`);
    await progressStatus(page, 'closed').waitFor();
    expect(await page.locator('#progress-status').textContent()).toContain('The session has ended.');
    await saveScreenshot(page, 'docs/screenshots/pin-ended.png');
    await page.reload();
    await page.getByRole('button', { name: 'Connect to technician' }).waitFor();
    expect(await page.locator('#script-note').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('speaks German to a German browser, passes axe, and remembers a switch to English', async () => {
    const { pin } = await sessionWithPin('Deutscher Kunde');
    const { page, problems } = await openPinPage({ locale: 'de-DE' });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Verbindung zu Ihrem Techniker');
    await page.getByLabel('PIN').waitFor();
    await saveScreenshot(page, 'docs/screenshots/pin-entry-de.png');
    expect(formatViolations(await runAxe(page))).toBe('');

    await page.getByLabel('PIN').fill(pin);
    await page.getByRole('button', { name: 'Verbindung zum Techniker herstellen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Alice Adler ist bereit, Ihnen zu helfen' }).waitFor();
    await progressStatus(page, 'connecting').waitFor();
    expect(await page.locator('#progress-status').textContent()).toContain('Verbindung wird hergestellt');
    expect(await page.getByRole('link', { name: 'Support-App herunterladen' }).isVisible()).toBe(true);
    await saveScreenshot(page, 'docs/screenshots/pin-download-de.png');
    expect(formatViolations(await runAxe(page))).toBe('');

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('#progress-status').textContent()).toContain('Connecting');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Alice Adler is ready to help you' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(problems).toEqual([]);
  });

  it('works with the keyboard alone on a 320 px wide phone and at 200 % zoom', async () => {
    const { pin } = await sessionWithPin('Keyboard Customer');
    const { page, problems } = await openPinPage({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
    const horizontalOverflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await horizontalOverflow()).toBe(0);
    await saveScreenshot(page, 'docs/screenshots/pin-phone-320.png');

    const focusedId = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('English');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('Deutsch');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('pin');
    const focusRing = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(focusRing).not.toBe('none');
    await page.keyboard.type(`${pin.slice(0, 3)}-${pin.slice(3)}x7`);
    expect(await page.getByLabel('PIN').inputValue()).toBe(pin);
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('connect');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 1, name: /Alice Adler/ }).waitFor();
    expect(await focusedId()).toBe('download-heading');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('download-link');
    const focusedName = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName);
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Copy: cd ~/Downloads');
    await page.keyboard.press('Tab');
    expect(await focusedName()).toMatch(/^Copy: node RemoteSupport_/);
    await page.keyboard.press('Enter');
    await page.locator('#copy-status', { hasText: 'Command copied.' }).waitFor({ state: 'attached' });
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('SUMMARY');
    await page.keyboard.press('Enter');
    expect(await page.locator('details.other-systems').getAttribute('open')).not.toBeNull();
    expect(await horizontalOverflow()).toBe(0);
    // A 1280 x 720 window at 200 % zoom lays out like 640 x 360 CSS pixels.
    await page.setViewportSize({ width: 640, height: 360 });
    expect(await horizontalOverflow()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows the form and a note when JavaScript is off or its script cannot load', async () => {
    const { page } = await openPinPage({ javaScriptEnabled: false });
    expect(await page.getByLabel('PIN').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Connect to technician' }).isVisible()).toBe(true);
    await page.getByText('This page needs JavaScript').waitFor();
    expect(await page.getByText('Diese Seite benötigt JavaScript').isVisible()).toBe(true);

    const context = await browser.newContext();
    const blocked = await context.newPage();
    await blocked.route(/\/pin\.[0-9a-f]+\.js$/, (route) => route.abort('blockedbyclient'));
    await blocked.goto(runtime.url);
    await blocked.getByText('This page needs JavaScript').waitFor();
    await context.close();
  });
});
