import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { api } from '../support/live-session.ts';
import { waitUntil } from '../support/eventually.ts';
import {
  assertInsideTestNetwork,
  launchRtcChromium,
  recordPeerConnections,
  selectedCandidateTypes,
  startCoturn,
  type Coturn,
} from '../support/rtc.ts';
import { getToken, startRuntimeProcess, type RuntimeProcess } from '../support/runtime.ts';
import { AppRun, downloadApp, startXvfb, type XServer } from '../support/support-app.ts';

/**
 * The support app behind a network that allows no direct path: the runtime
 * hands out a local coturn with ICE_TRANSPORT_POLICY=relay, so the app's
 * stream reaches alice's console only through TURN. Then the customer closes
 * the app (Ctrl+C) while control is granted, and the log says control ended.
 * Last, on an X server with two screens, --display picks the second one.
 */

assertInsideTestNetwork();

const screen = { width: 640, height: 480 };
const slowStepMs = 120_000;

let runtime: RuntimeProcess;
let browser: Browser;
let turn: Coturn;
let x: XServer;
let workDir: string;
let alice: string;
let consolePage: Page;
let twoScreens: XServer;
const apps: AppRun[] = [];
/** The second X screen of `twoScreens`, a size no other screen here has. */
const secondScreen = { width: 800, height: 600 };

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'rtc-support-app-relay-'));
  turn = await startCoturn();
  [x, twoScreens, runtime, browser] = await Promise.all([
    startXvfb(screen),
    startXvfb(screen, [secondScreen]),
    startRuntimeProcess(
      { BUILD_APPS: 'linux-x64', ICE_SERVERS: JSON.stringify(turn.iceServers), ICE_TRANSPORT_POLICY: 'relay' },
      { startTimeoutMs: 400_000 },
    ),
    launchRtcChromium({ sharesScreen: false }),
  ]);
  alice = await getToken(runtime.url, 'alice');
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(recordPeerConnections);
  consolePage = await context.newPage();
  await consolePage.goto(`${runtime.url}/console/`);
  await consolePage.getByRole('button', { name: 'Sign in as Alice Adler' }).click();
}, 420_000);

afterAll(async () => {
  await Promise.allSettled(apps.map((app) => app.stop()));
  await Promise.allSettled([browser?.close(), runtime?.stop(), x?.stop(), twoScreens?.stop(), turn?.stop()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function logTypes(sessionId: string): Promise<string[]> {
  const log = await api<{ entries: { type: string }[] }>(runtime.url, 'GET', `/api/sessions/${sessionId}/log`, alice);
  return log.body.entries.map((entry) => entry.type);
}

async function appForNewSession(
  customerName: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ app: AppRun; sessionId: string }> {
  const created = await api<{ session: { id: string } }>(runtime.url, 'POST', '/api/sessions', alice, { customerName });
  const sessionId = created.body.session.id;
  const pin = await api<{ pin: string }>(runtime.url, 'POST', `/api/sessions/${sessionId}/pin`, alice);
  const redeemed = await api<{ applet: { downloads: { platform: string; fileName: string; downloadUrl: string }[] } }>(
    runtime.url,
    'POST',
    '/api/pin/redeem',
    undefined,
    {
      pin: pin.body.pin,
    },
  );
  const directory = await mkdtemp(path.join(workDir, 'app-'));
  const file = await downloadApp(runtime.url, redeemed.body.applet.downloads, 'linux-x64', directory);
  const started = new AppRun(file, args, { HOME: directory, LANG: 'en_US.UTF-8', ...env });
  apps.push(started);
  return { app: started, sessionId };
}

/** Starts the customer's session in the console and asks to view; resolves when the video has frames. */
async function viewFromConsole(run: AppRun, customerName: string): Promise<ReturnType<Page['locator']>> {
  const panel = consolePage.getByRole('tabpanel', { name: customerName });
  await run.waitFor(/^status: waiting$/);
  await consolePage.getByRole('button', { name: customerName }).first().click();
  await panel.getByRole('button', { name: 'Start' }).click();
  await run.waitFor(/^status: active \(technician: Alice Adler\)$/);
  await panel.getByRole('button', { name: 'View screen' }).click();
  await run.waitFor(/^>>> Alice Adler is viewing your screen\./, 30_000);
  const video = panel.getByLabel("Customer's screen");
  await waitUntil(
    async () => (await video.evaluate((element: HTMLVideoElement) => element.videoWidth)) > 0,
    'the video has frames',
    60_000,
  );
  return video;
}

describe('the support app through TURN only', () => {
  let app: AppRun;
  let sessionId: string;
  const panel = () => consolePage.getByRole('tabpanel', { name: 'Erika Relay App' });

  it(
    'streams to the console through the local coturn: frames arrive and the selected pair is relay on both ends',
    async () => {
      ({ app, sessionId } = await appForNewSession('Erika Relay App', ['--yes'], { DISPLAY: x.display }));
      const video = await viewFromConsole(app, 'Erika Relay App');
      expect(await video.evaluate((element: HTMLVideoElement) => [element.videoWidth, element.videoHeight])).toEqual([
        screen.width,
        screen.height,
      ]);
      const framesBefore = await video.evaluate((element: HTMLVideoElement) => element.getVideoPlaybackQuality().totalVideoFrames);
      await waitUntil(
        async () =>
          (await video.evaluate((element: HTMLVideoElement) => element.getVideoPlaybackQuality().totalVideoFrames)) > framesBefore,
        'frames keep arriving',
        20_000,
      );
      expect(await selectedCandidateTypes(consolePage)).toEqual(['relay', 'relay']);
    },
    slowStepMs,
  );

  it(
    'Ctrl+C in the app while control is granted logs control_revoked after applet_disconnected',
    async () => {
      await panel().getByRole('button', { name: 'Request control' }).click();
      await app.waitFor(/^>>> Alice Adler is viewing and CONTROLLING your screen\./);
      await waitUntil(async () => (await logTypes(sessionId)).includes('control_granted'), 'control_granted is logged');
      app.child.kill('SIGINT');
      expect(await app.exited).toBe(130);
      await waitUntil(async () => (await logTypes(sessionId)).includes('control_revoked'), 'control_revoked is logged', 20_000);
      const types = await logTypes(sessionId);
      expect(types.lastIndexOf('control_revoked')).toBeGreaterThan(types.lastIndexOf('applet_disconnected'));
      expect(types.lastIndexOf('applet_disconnected')).toBeGreaterThan(types.lastIndexOf('control_granted'));
    },
    slowStepMs,
  );
});

describe('choosing the display', () => {
  it(
    '--display :N.1 shares the second X screen, not the one DISPLAY names',
    async () => {
      const { app } = await appForNewSession('Dora Display', ['--yes', '--display', `${twoScreens.display}.1`], {
        DISPLAY: `${twoScreens.display}.0`,
      });
      const video = await viewFromConsole(app, 'Dora Display');
      expect(await video.evaluate((element: HTMLVideoElement) => [element.videoWidth, element.videoHeight])).toEqual([
        secondScreen.width,
        secondScreen.height,
      ]);
    },
    slowStepMs,
  );
});
