import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { formatViolations, runAxe, watchPageProblems } from '../support/browser.ts';
import { api } from '../support/live-session.ts';
import { eventually } from '../support/eventually.ts';
import {
  assertInsideTestNetwork,
  launchRtcChromium,
  recordPeerConnections,
  selectedCandidateTypes,
  startCoturn,
  type Coturn,
} from '../support/rtc.ts';
import { getToken, startRuntimeProcess, type RuntimeProcess } from '../support/runtime.ts';

/**
 * Screen view end to end: the real local runtime, the customer's PIN page in
 * one Chromium process (fake screen, auto-accepted picker) and alice's
 * console in another, WebRTC between them inside the test network
 * namespace. Run with: ../shared/tools/netns-run -- npx vitest run test/rtc/
 */

assertInsideTestNetwork();

interface Sides {
  readonly runtime: RuntimeProcess;
  readonly customerBrowser: Browser;
  readonly technicianBrowser: Browser;
}

async function startSides(env: Record<string, string> = {}): Promise<Sides> {
  const [runtime, customerBrowser, technicianBrowser] = await Promise.all([
    startRuntimeProcess(env),
    launchRtcChromium({ sharesScreen: true }),
    launchRtcChromium({ sharesScreen: false }),
  ]);
  return { runtime, customerBrowser, technicianBrowser };
}

async function stopSides(sides: Sides | undefined): Promise<void> {
  await Promise.allSettled([sides?.customerBrowser.close(), sides?.technicianBrowser.close(), sides?.runtime.stop()]);
}

interface Customer {
  readonly page: Page;
  readonly problems: string[];
  readonly progressPolls: () => number;
  readonly sessionId: string;
}

async function customerJoinsInBrowser(sides: Sides, alice: string, customerName: string): Promise<Customer> {
  const created = await api<{ session: { id: string } }>(sides.runtime.url, 'POST', '/api/sessions', alice, { customerName });
  const pin = await api<{ pin: string }>(sides.runtime.url, 'POST', `/api/sessions/${created.body.session.id}/pin`, alice);
  const context = await sides.customerBrowser.newContext({ locale: 'en-US', viewport: { width: 1000, height: 900 } });
  await context.addInitScript(recordPeerConnections);
  const page = await context.newPage();
  const problems = watchPageProblems(page).messages;
  let polls = 0;
  page.on('request', (request) => {
    if (request.url().includes('/api/pin/progress')) polls += 1;
  });
  await page.goto(sides.runtime.url);
  await page.getByLabel('PIN').fill(pin.body.pin);
  await page.getByRole('button', { name: 'Connect to technician' }).click();
  await page.getByRole('button', { name: 'Continue in the browser' }).click();
  await page.getByRole('status').filter({ hasText: 'Status: Please wait' }).waitFor();
  return { page, problems, progressPolls: () => polls, sessionId: created.body.session.id };
}

async function openConsole(sides: Sides, locale = 'en-US'): Promise<Page> {
  const context = await sides.technicianBrowser.newContext({ locale, viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(recordPeerConnections);
  const page = await context.newPage();
  await page.goto(`${sides.runtime.url}/console/`);
  await page.getByRole('button', { name: locale.startsWith('de') ? 'Als Alice Adler anmelden' : 'Sign in as Alice Adler' }).click();
  return page;
}

/** Frames arrive and play: the video has a size and its clock advances. */
async function expectFramesPlaying(video: ReturnType<Page['locator']>): Promise<void> {
  await eventually(async () => expect(await video.evaluate((element: HTMLVideoElement) => element.videoWidth)).toBeGreaterThan(0), {
    timeoutMs: 20_000,
  });
  const first = await video.evaluate((element: HTMLVideoElement) => element.currentTime);
  await eventually(
    async () => expect(await video.evaluate((element: HTMLVideoElement) => element.currentTime)).toBeGreaterThan(first + 0.2),
    { timeoutMs: 20_000 },
  );
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  expect(formatViolations(await runAxe(page))).toBe('');
}

async function logOf(sides: Sides, alice: string, sessionId: string) {
  const log = await api<{ entries: { type: string; details?: Record<string, unknown> }[] }>(
    sides.runtime.url,
    'GET',
    `/api/sessions/${sessionId}/log`,
    alice,
  );
  return log.body.entries;
}

describe('screen view between the PIN page and the console', () => {
  let sides: Sides;
  let alice: string;
  let customer: Customer;
  let consolePage: Page;
  const panel = () => consolePage.getByRole('tabpanel', { name: 'Erika Browser' });
  const video = () => panel().getByLabel("Customer's screen");

  beforeAll(async () => {
    sides = await startSides();
    alice = await getToken(sides.runtime.url, 'alice');
    customer = await customerJoinsInBrowser(sides, alice, 'Erika Browser');
    consolePage = await openConsole(sides);
  });

  afterAll(async () => {
    await stopSides(sides);
  });

  it('shows the same verification code on the page and beside Start, and follows the session without polling', async () => {
    const pageCode = (await customer.page.getByRole('group', { name: 'Verification code' }).locator('strong').textContent()) ?? '';
    expect(pageCode).toMatch(/^[0-9]{2}$/);
    await consolePage.getByRole('button', { name: 'Erika Browser' }).first().click();
    await expect(panel().locator('.verification').textContent()).resolves.toBe(`Verification code: ${pageCode}`);
    await panel().getByText('Browser (no app)').waitFor();
    await expectNoAxeViolations(customer.page);
    await customer.page.getByRole('button', { name: 'Deutsch' }).click();
    await customer.page.getByRole('group', { name: 'Bestätigungscode' }).waitFor();
    await expectNoAxeViolations(customer.page);
    await customer.page.getByRole('button', { name: 'English' }).click();

    await panel().getByRole('button', { name: 'Start' }).click();
    await customer.page.getByRole('status').filter({ hasText: 'Status: Active' }).waitFor();
    expect(customer.progressPolls()).toBe(0);
  });

  it('carries the chat both ways on the page', async () => {
    await customer.page.getByRole('textbox', { name: 'Message' }).fill('Mein Drucker druckt nicht');
    await customer.page.getByRole('button', { name: 'Send' }).click();
    await panel().getByRole('log').getByText('Mein Drucker druckt nicht').waitFor();
    await panel().getByRole('textbox', { name: 'Message' }).fill('Ich sehe es mir an');
    await panel().getByRole('button', { name: 'Send' }).click();
    await customer.page.getByRole('log').getByText('Ich sehe es mir an').waitFor();
  });

  it('View screen -> Share screen plays the customer\u2019s screen, with live figures; Stop viewing ends it on both sides', async () => {
    await panel().getByRole('button', { name: 'View screen' }).click();
    const dialog = customer.page.getByRole('dialog', { name: 'Alice Adler asks to see your screen' });
    await dialog.waitFor();
    await expectNoAxeViolations(customer.page);
    await dialog.getByRole('button', { name: 'Share screen' }).click();
    await expectFramesPlaying(video());
    await customer.page.getByText('You are sharing your screen with Alice Adler.').waitFor();
    await panel()
      .getByText(/\d+×\d+ · \d+ frames\/s · round trip/)
      .waitFor();
    expect(await video().evaluate((element: HTMLVideoElement) => getComputedStyle(element).objectFit)).toBe('contain');
    await panel().getByRole('button', { name: 'Full screen' }).waitFor();
    await expectNoAxeViolations(customer.page);
    await expectNoAxeViolations(consolePage);

    await customer.page.setViewportSize({ width: 320, height: 800 });
    expect(await customer.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await customer.page.setViewportSize({ width: 1000, height: 900 });

    await panel().getByRole('button', { name: 'Stop viewing' }).click();
    await customer.page.getByRole('button', { name: 'Stop sharing' }).waitFor({ state: 'hidden' });
    await customer.page.getByText('Screen sharing has ended.').waitFor();
    await video().waitFor({ state: 'hidden' });
    expect((await logOf(sides, alice, customer.sessionId)).filter((entry) => entry.type === 'screen_stopped').at(-1)?.details).toEqual({
      by: 'technician',
    });
  });

  it('works again after a stop, and Stop sharing on the page ends it', async () => {
    await panel().getByRole('button', { name: 'View screen' }).click();
    await customer.page.getByRole('dialog').getByRole('button', { name: 'Share screen' }).click();
    await expectFramesPlaying(video());
    await customer.page.getByRole('button', { name: 'Stop sharing' }).click();
    await panel().getByText('The screen view has ended.').waitFor();
    await video().waitFor({ state: 'hidden' });
    expect((await logOf(sides, alice, customer.sessionId)).filter((entry) => entry.type === 'screen_stopped').at(-1)?.details).toEqual({
      by: 'customer',
    });
  });

  it('Decline streams nothing and is shown to the technician; the German states are axe clean too', async () => {
    await customer.page.getByRole('button', { name: 'Deutsch' }).click();
    await panel().getByRole('button', { name: 'View screen' }).click();
    const dialog = customer.page.getByRole('dialog', { name: 'Alice Adler möchte Ihren Bildschirm sehen' });
    await dialog.waitFor();
    await expectNoAxeViolations(customer.page);
    await dialog.getByRole('button', { name: 'Ablehnen' }).click();
    await panel().getByText('Erika Browser declined to share the screen.').waitFor();
    expect(await video().isVisible()).toBe(false);
    const connections = await customer.page.evaluate(
      () => (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.length,
    );
    expect(connections).toBe(2);

    const germanConsole = await openConsole(sides, 'de-DE');
    await germanConsole.getByRole('button', { name: 'Erika Browser' }).first().click();
    await germanConsole.getByRole('tabpanel', { name: 'Erika Browser' }).getByRole('button', { name: 'Bildschirm anzeigen' }).click();
    await customer.page.getByRole('dialog').getByRole('button', { name: 'Bildschirm freigeben' }).click();
    await customer.page.getByText('Sie geben Ihren Bildschirm für Alice Adler frei.').waitFor();
    await expectFramesPlaying(germanConsole.getByRole('tabpanel', { name: 'Erika Browser' }).getByLabel('Bildschirm des Kunden'));
    await expectNoAxeViolations(customer.page);
    await expectNoAxeViolations(germanConsole);
    await customer.page.getByRole('button', { name: 'Freigabe beenden' }).click();
    await germanConsole.getByText('Die Bildschirmansicht ist beendet.').waitFor();
    await customer.page.getByRole('button', { name: 'English' }).click();
    await germanConsole.context().close();
  });

  it('closing the session ends a running stream on both sides', async () => {
    await panel().getByRole('button', { name: 'View screen' }).click();
    await customer.page.getByRole('dialog').getByRole('button', { name: 'Share screen' }).click();
    await expectFramesPlaying(video());
    await panel().getByRole('button', { name: 'Close', exact: true }).click();
    await customer.page.getByRole('status').filter({ hasText: 'Status: Session ended' }).waitFor();
    await customer.page.getByRole('button', { name: 'Stop sharing' }).waitFor({ state: 'hidden' });
    // Every peer connection on the page is closed.
    const openPeerConnections = () =>
      customer.page.evaluate(() =>
        (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections
          .map((pc) => pc.connectionState)
          .filter((state) => state !== 'closed'),
      );
    await eventually(async () => expect(await openPeerConnections()).toEqual([]), { timeoutMs: 20_000 });
    const types = (await logOf(sides, alice, customer.sessionId)).map((entry) => entry.type);
    expect(types.filter((type) => type === 'screen_requested').length).toBe(5);
    expect(types).toContain('screen_declined');
    expect(customer.problems).toEqual([]);
  });
});

describe('screen view relayed through TURN only', () => {
  let sides: Sides | undefined;
  let turn: Coturn | undefined;

  afterAll(async () => {
    await stopSides(sides);
    await turn?.stop();
  });

  it('plays through a local coturn with iceTransportPolicy "relay"', async () => {
    turn = await startCoturn();
    sides = await startSides({ ICE_SERVERS: JSON.stringify(turn.iceServers), ICE_TRANSPORT_POLICY: 'relay' });
    const alice = await getToken(sides.runtime.url, 'alice');
    const customer = await customerJoinsInBrowser(sides, alice, 'Erika Relay');
    const consolePage = await openConsole(sides);
    await consolePage.getByRole('button', { name: 'Erika Relay' }).first().click();
    const panel = consolePage.getByRole('tabpanel', { name: 'Erika Relay' });
    await panel.getByRole('button', { name: 'Start' }).click();
    await panel.getByRole('button', { name: 'View screen' }).click();
    await customer.page.getByRole('dialog').getByRole('button', { name: 'Share screen' }).click();
    await expectFramesPlaying(panel.getByLabel("Customer's screen"));
    expect(await selectedCandidateTypes(consolePage)).toEqual(['relay', 'relay']);
  });
});
