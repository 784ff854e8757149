import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { api } from '../support/live-session.ts';
import { waitUntil } from '../support/eventually.ts';
import { assertInsideTestNetwork, launchRtcChromium } from '../support/rtc.ts';
import { getToken, startRuntimeProcess, type RuntimeProcess } from '../support/runtime.ts';
import { AppRun, downloadApp, startXvfb, type XServer } from '../support/support-app.ts';

/**
 * The support app (linux-x64 native build, from the runtime's download)
 * shares a real X screen (Xvfb, 1280x800) with alice's console in Chromium,
 * and with the customer's grant the console's clicks and keys act on it:
 * the X pointer is read back with xdotool, typed keys with xev, a window
 * that reports every key it receives. Everything runs inside netns-run.
 */

assertInsideTestNetwork();

const screen = { width: 1280, height: 800 };
/** xev's window: white on Xvfb's black root, focused whenever the pointer is over it (no window manager: PointerRoot). */
const keyWindow = { x: 0, y: 0, width: 320, height: 240 };

/** Records the data channels a page receives, so a test can send on one as a misbehaving console would. */
const recordDataChannels = () => {
  const Original = window.RTCPeerConnection;
  const channels: RTCDataChannel[] = [];
  (window as unknown as { dataChannels: RTCDataChannel[] }).dataChannels = channels;
  window.RTCPeerConnection = class extends Original {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      this.addEventListener('datachannel', (event) => channels.push(event.channel));
    }
  };
};

interface Download {
  readonly platform: string;
  readonly fileName: string;
  readonly downloadUrl: string;
}

let runtime: RuntimeProcess;
let browser: Browser;
let x: XServer;
let keyEvents: ChildProcess | undefined;
const keysSeen: string[] = [];
let workDir: string;
let alice: string;
let consolePage: Page;
const apps: AppRun[] = [];

async function appForNewSession(customerName: string, args: readonly string[]): Promise<{ app: AppRun; sessionId: string }> {
  const created = await api<{ session: { id: string } }>(runtime.url, 'POST', '/api/sessions', alice, { customerName });
  const pin = await api<{ pin: string }>(runtime.url, 'POST', `/api/sessions/${created.body.session.id}/pin`, alice);
  const redeemed = await api<{ applet: { downloads: Download[] } }>(runtime.url, 'POST', '/api/pin/redeem', undefined, {
    pin: pin.body.pin,
  });
  const directory = await mkdtemp(path.join(workDir, 'app-'));
  const file = await downloadApp(runtime.url, redeemed.body.applet.downloads, 'linux-x64', directory);
  const app = new AppRun(file, args, { HOME: directory, LANG: 'en_US.UTF-8', DISPLAY: x.display });
  apps.push(app);
  return { app, sessionId: created.body.session.id };
}

async function logTypes(sessionId: string): Promise<string[]> {
  const log = await api<{ entries: { type: string }[] }>(runtime.url, 'GET', `/api/sessions/${sessionId}/log`, alice);
  return log.body.entries.map((entry) => entry.type);
}

/** Page coordinates of a point of the picture (the video letterboxes it: object-fit contain). */
async function pointOnPicture(video: ReturnType<Page['locator']>, fraction: { x: number; y: number }): Promise<{ x: number; y: number }> {
  return video.evaluate((element: HTMLVideoElement, at) => {
    const box = element.getBoundingClientRect();
    const scale = Math.min(box.width / element.videoWidth, box.height / element.videoHeight);
    const width = element.videoWidth * scale;
    const height = element.videoHeight * scale;
    return { x: box.left + (box.width - width) / 2 + at.x * width, y: box.top + (box.height - height) / 2 + at.y * height };
  }, fraction);
}

/** Brightness (0..255) of one point of the current frame, read through a canvas. */
async function brightnessAt(video: ReturnType<Page['locator']>, at: { x: number; y: number }): Promise<number> {
  return video.evaluate((element: HTMLVideoElement, point) => {
    const canvas = document.createElement('canvas');
    canvas.width = element.videoWidth;
    canvas.height = element.videoHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(element, 0, 0);
    const [r, g, b] = context.getImageData(point.x, point.y, 1, 1).data;
    return Math.round((r! + g! + b!) / 3);
  }, at);
}

const refusal = 'control: input refused (not granted)';
/** Under load the first frame of a fresh app and console can take a while; every wait inside is bounded. */
const slowStepMs = 120_000;

/** Sends an input event on the app's data channel directly, as a console that ignores the grant would. */
async function sendRawInput(event: Record<string, unknown>): Promise<void> {
  await consolePage.evaluate((message) => {
    const channels = (window as unknown as { dataChannels: RTCDataChannel[] }).dataChannels;
    channels.at(-1)!.send(message);
  }, JSON.stringify(event));
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'rtc-support-app-'));
  [x, runtime, browser] = await Promise.all([
    startXvfb(screen),
    startRuntimeProcess({ BUILD_APPS: 'linux-x64' }, { startTimeoutMs: 400_000 }),
    launchRtcChromium({ sharesScreen: false }),
  ]);
  keyEvents = spawn('xev', ['-geometry', `${keyWindow.width}x${keyWindow.height}+${keyWindow.x}+${keyWindow.y}`, '-event', 'keyboard'], {
    env: { ...process.env, DISPLAY: x.display },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let pressing = false;
  createInterface({ input: keyEvents.stdout! }).on('line', (line) => {
    if (/^Key(Press|Release) event/.test(line)) pressing = line.startsWith('KeyPress');
    const key = /keysym 0x[0-9a-f]+, (\w+)\)/.exec(line);
    if (key && pressing) keysSeen.push(key[1]!);
  });
  await waitUntil(
    async () => (await x.x('xwininfo', ['-root', '-children'])).includes('"Event Tester"'),
    'the key window is mapped',
    10_000,
  );
  alice = await getToken(runtime.url, 'alice');
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(recordDataChannels);
  consolePage = await context.newPage();
  await consolePage.goto(`${runtime.url}/console/`);
  await consolePage.getByRole('button', { name: 'Sign in as Alice Adler' }).click();
}, 420_000);

afterAll(async () => {
  await Promise.allSettled(apps.map((app) => app.stop()));
  keyEvents?.kill('SIGKILL');
  await Promise.allSettled([browser?.close(), runtime?.stop(), x?.stop()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('screen view and remote control from the support app', () => {
  let app: AppRun;
  let sessionId: string;
  const panel = () => consolePage.getByRole('tabpanel', { name: 'Erika App' });
  const video = () => panel().getByLabel("Customer's screen");

  it(
    'streams the real X screen after the customer\u2019s yes, at the screen\u2019s size',
    async () => {
      ({ app, sessionId } = await appForNewSession('Erika App', ['--yes']));
      await app.waitFor(/^status: waiting$/);
      await consolePage.getByRole('button', { name: 'Erika App' }).first().click();
      await panel().getByRole('button', { name: 'Start' }).click();
      await app.waitFor(/^status: active \(technician: Alice Adler\)$/);

      await panel().getByRole('button', { name: 'View screen' }).click();
      await app.waitFor(/Alice Adler asks to see your screen\. Share your screen\? \[y\/N\] yes \(--yes\)$/);
      await app.waitFor(/^>>> Alice Adler is viewing your screen\./, 30_000);
      await waitUntil(
        async () => (await video().evaluate((element: HTMLVideoElement) => element.videoWidth)) > 0,
        'the video has frames',
        60_000,
      );
      expect(await video().evaluate((element: HTMLVideoElement) => [element.videoWidth, element.videoHeight])).toEqual([
        screen.width,
        screen.height,
      ]);
      // The real screen: xev's white window top left on the black root.
      await waitUntil(async () => (await brightnessAt(video(), { x: 100, y: 100 })) > 200, 'the key window shows white in the video');
      expect(await brightnessAt(video(), { x: 900, y: 600 })).toBeLessThan(50);
      expect(await logTypes(sessionId)).toEqual(expect.arrayContaining(['screen_requested', 'screen_shared']));
    },
    slowStepMs,
  );

  it('refuses input events while control is not granted: the pointer does not move', async () => {
    const before = await x.pointer();
    const refusedBefore = app.lines.filter((line) => line === refusal).length;
    await sendRawInput({ type: 'move', x: 0.9, y: 0.9 });
    await waitUntil(() => app.lines.filter((line) => line === refusal).length > refusedBefore, 'the app refuses input without a grant');
    expect(await x.pointer()).toEqual(before);
  });

  it('after Request control and the customer\u2019s yes, a click on the video moves the X pointer there and keys reach the focused window', async () => {
    await panel().getByRole('button', { name: 'Request control' }).click();
    await app.waitFor(/Alice Adler asks to control your mouse and keyboard\. Allow\? \[y\/N\] yes \(--yes\)$/);
    await app.waitFor(/^>>> Alice Adler is viewing and CONTROLLING your screen\./);
    await panel().getByText('You control the screen of Erika App').waitFor();

    const target = { x: 0.125, y: 0.25 };
    const point = await pointOnPicture(video(), target);
    await consolePage.mouse.click(point.x, point.y);
    await waitUntil(
      async () => {
        const at = await x.pointer();
        // A CSS pixel of the scaled-down video is about 1.3 screen pixels; a wrong mapping is off by far more.
        return Math.abs(at.x - target.x * (screen.width - 1)) <= 4 && Math.abs(at.y - target.y * (screen.height - 1)) <= 4;
      },
      'the X pointer is where the technician clicked',
      10_000,
    );

    // The pointer is over xev's window, which therefore has the keyboard focus.
    await consolePage.keyboard.press('KeyH');
    await consolePage.keyboard.press('KeyI');
    await consolePage.keyboard.press('Shift+KeyA');
    await waitUntil(
      () => ['h', 'i', 'A'].every((key) => keysSeen.includes(key)),
      `xev saw h, i and A (saw: ${keysSeen.join(' ')})`,
      10_000,
    );
    expect(await logTypes(sessionId)).toEqual(expect.arrayContaining(['control_requested', 'control_granted']));
  });

  it('Release control ends it: the console shows Request control again and the app refuses input', async () => {
    await panel().getByRole('button', { name: 'Release control' }).click();
    await app.waitFor(/^Alice Adler handed back control\.$/);
    await panel().getByRole('button', { name: 'Request control' }).waitFor();
    const before = await x.pointer();
    const refusedBefore = app.lines.filter((line) => line === refusal).length;
    await sendRawInput({ type: 'move', x: 0.8, y: 0.8 });
    await waitUntil(() => app.lines.filter((line) => line === refusal).length > refusedBefore, 'the app refuses input after release');
    expect(await x.pointer()).toEqual(before);
    expect(await logTypes(sessionId)).toContain('control_released');
  });

  it('the customer typing stop revokes control at once: the next input is refused', async () => {
    await panel().getByRole('button', { name: 'Request control' }).click();
    await panel().getByText('You control the screen of Erika App').waitFor();
    app.type('stop');
    await app.waitFor(/^You took back control;/);
    const before = await x.pointer();
    const refusedBefore = app.lines.filter((line) => line === refusal).length;
    await sendRawInput({ type: 'move', x: 0.7, y: 0.7 });
    await waitUntil(() => app.lines.filter((line) => line === refusal).length > refusedBefore, 'the app refuses input after revoke');
    expect(await x.pointer()).toEqual(before);
    await panel().getByText('Erika App took back control.').first().waitFor();
    await panel().getByRole('button', { name: 'Request control' }).waitFor();
    expect(await logTypes(sessionId)).toContain('control_revoked');
  });

  it('closing the session ends the view and the app', async () => {
    await api(runtime.url, 'POST', `/api/sessions/${sessionId}/close`, alice);
    expect(await app.exited).toBe(0);
    await waitUntil(async () => (await video().count()) === 0 || !(await video().isVisible()), 'the console no longer shows the screen');
  });
});

describe('declining in the support app', () => {
  it(
    'streams nothing: the console says so and the log has screen_declined',
    async () => {
      const { app, sessionId } = await appForNewSession('Erik Declines', []);
      await app.waitForOutput(/Connect to the technician\? \[y\/N\] $/);
      app.type('y');
      await app.waitFor(/^status: waiting$/);
      await api(runtime.url, 'POST', `/api/sessions/${sessionId}/start`, alice);
      await app.waitFor(/^status: active/);
      const panel = consolePage.getByRole('tabpanel', { name: 'Erik Declines' });
      await consolePage.getByRole('button', { name: 'Erik Declines' }).first().click();
      await panel.getByRole('button', { name: 'View screen' }).click();
      // A question has no line end until it is answered.
      await app.waitForOutput(/Alice Adler asks to see your screen\. Share your screen\? \[y\/N\] $/);
      app.type('n');
      await panel.getByText('Erik Declines declined to share the screen.').waitFor();
      expect(app.lines).toContain('You declined; your screen is not shared.');
      expect(await panel.getByLabel("Customer's screen").evaluate((element: HTMLVideoElement) => element.srcObject)).toBeNull();
      expect(await logTypes(sessionId)).toEqual(expect.arrayContaining(['screen_requested', 'screen_declined']));
      app.type('/quit');
      expect(await app.exited).toBe(0);
    },
    slowStepMs,
  );
});
