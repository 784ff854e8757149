/**
 * Support-app screen view and control benchmark, on a real X server (Xvfb
 * 1280x800): the linux-x64 app streams it to the console in Chromium, with
 * control granted (`--yes`). Runs inside the test network namespace:
 *
 *   npm run bench:control            (../shared/tools/netns-run -- tsx bench/support-app-control.ts)
 *
 * Measures, all against the one wall clock the X client, the bench and
 * Chromium share:
 * - frames per second the console displays (requestVideoFrameCallback) and
 *   decodes (getStats), and the received bitrate, over a fixed window;
 * - capture-to-display latency: a Tk window flips a square black/white and
 *   prints when; the console samples that pixel on every displayed frame;
 * - click-to-pointer latency: the console's pointerdown to the Tk window's
 *   Motion event at the clicked point.
 * Budgets: at least 15 frames/s displayed; click-to-pointer p50 at most 150 ms.
 * Writes bench/results/support-app-control.{md,json}.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { api } from '../test/support/live-session.ts';
import { waitUntil } from '../test/support/eventually.ts';
import { assertInsideTestNetwork, launchRtcChromium, recordPeerConnections } from '../test/support/rtc.ts';
import { getToken, startRuntimeProcess } from '../test/support/runtime.ts';
import { AppRun, downloadApp, startXvfb } from '../test/support/support-app.ts';
import { percentile, round } from './stats.ts';

const screen = { width: 1280, height: 800 };
const budgets = { minFramesPerSecond: 15, clickToPointerP50Ms: 150 };
const square = { size: 200, flipEveryMs: 400 };

/** The changing pattern and the pointer witness: a full-screen Tk window, a square that flips, every Motion event with its time. */
const tkScript = `
import time, tkinter as tk
root = tk.Tk(); root.overrideredirect(True); root.geometry('${screen.width}x${screen.height}+0+0')
c = tk.Canvas(root, width=${screen.width}, height=${screen.height}, bg='black', highlightthickness=0); c.pack()
sq = c.create_rectangle(0, 0, ${square.size}, ${square.size}, fill='black', outline='')
state = [0]
def flip():
    state[0] ^= 1
    c.itemconfigure(sq, fill='white' if state[0] else 'black'); root.update_idletasks()
    print('flip', state[0], int(time.time() * 1000), flush=True)
    root.after(${square.flipEveryMs}, flip)
c.bind('<Motion>', lambda e: print('move', e.x_root, e.y_root, int(time.time() * 1000), flush=True))
root.after(500, flip); print('ready', flush=True); root.mainloop()
`;

/**
 * On the live video: samples the square's pixel on every displayed frame and
 * notes pointerdown times. Plain JavaScript text: tsx would wrap named inner
 * functions in a helper the page does not have.
 */
const instrument = `(video) => {
  const bench = { frames: 0, transitions: [], downs: [] };
  window.bench = bench;
  const canvas = document.createElement('canvas');
  canvas.width = 1;
  canvas.height = 1;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let last = -1;
  const onFrame = () => {
    bench.frames += 1;
    context.drawImage(video, 100, 100, 1, 1, 0, 0, 1, 1);
    const value = context.getImageData(0, 0, 1, 1).data[0] > 128 ? 1 : 0;
    if (value !== last) bench.transitions.push({ value, at: Date.now() });
    last = value;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  video.addEventListener('pointerdown', () => bench.downs.push(Date.now()), true);
}`;

type Bench = { frames: number; transitions: { value: number; at: number }[]; downs: number[] };

async function main(): Promise<number> {
  assertInsideTestNetwork();
  const { values } = parseArgs({
    options: {
      clicks: { type: 'string', default: '30' },
      seconds: { type: 'string', default: '10' },
      out: { type: 'string', default: 'bench/results' },
    },
  });
  const clicks = Math.min(Math.max(Number(values.clicks) || 30, 1), 200);
  const windowSeconds = Math.min(Math.max(Number(values.seconds) || 10, 2), 60);
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'bench-control-'));
  const [x, runtime, browser] = await Promise.all([
    startXvfb(screen),
    startRuntimeProcess({ BUILD_APPS: 'linux-x64' }, { startTimeoutMs: 400_000 }),
    launchRtcChromium({ sharesScreen: false }),
  ]);
  const tk = spawn('python3', ['-c', tkScript], { env: { ...process.env, DISPLAY: x.display }, stdio: ['ignore', 'pipe', 'inherit'] });
  const flips: { value: number; at: number }[] = [];
  const moves: { x: number; y: number; at: number }[] = [];
  let tkReady = false;
  createInterface({ input: tk.stdout }).on('line', (line) => {
    const [kind, a, b, c] = line.split(' ');
    if (kind === 'ready') tkReady = true;
    if (kind === 'flip') flips.push({ value: Number(a), at: Number(b) });
    if (kind === 'move') moves.push({ x: Number(a), y: Number(b), at: Number(c) });
  });
  let app: AppRun | undefined;
  try {
    await waitUntil(() => tkReady, 'the Tk window is up', 10_000);
    const alice = await getToken(runtime.url, 'alice');
    const created = await api<{ session: { id: string } }>(runtime.url, 'POST', '/api/sessions', alice, { customerName: 'Bench App' });
    const pin = await api<{ pin: string }>(runtime.url, 'POST', `/api/sessions/${created.body.session.id}/pin`, alice);
    const redeemed = await api<{ applet: { downloads: { platform: string; fileName: string; downloadUrl: string }[] } }>(
      runtime.url,
      'POST',
      '/api/pin/redeem',
      undefined,
      { pin: pin.body.pin },
    );
    const file = await downloadApp(runtime.url, redeemed.body.applet.downloads, 'linux-x64', workDir);
    app = new AppRun(file, ['--yes'], { HOME: workDir, LANG: 'en_US.UTF-8', DISPLAY: x.display });
    await app.waitFor(/^status: waiting$/);
    await api(runtime.url, 'POST', `/api/sessions/${created.body.session.id}/start`, alice);
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 1400 } });
    await context.addInitScript(recordPeerConnections);
    const page = await context.newPage();
    await page.goto(`${runtime.url}/console/`);
    await page.getByRole('button', { name: 'Sign in as Alice Adler' }).click();
    await page.getByRole('button', { name: 'Bench App' }).first().click();
    const panel = page.getByRole('tabpanel', { name: 'Bench App' });
    await panel.getByRole('button', { name: 'View screen' }).click();
    const video = panel.getByLabel("Customer's screen");
    await waitUntil(async () => (await video.evaluate((element: HTMLVideoElement) => element.videoWidth)) > 0, 'frames arrive', 30_000);
    await panel.getByRole('button', { name: 'Request control' }).click();
    await panel.getByText('You control the screen of Bench App').waitFor();
    // The instrumentation is a function's source, so the page runs the same code the benchmark reads back.
    await video.evaluate(
      (element, source) => (globalThis.eval as (code: string) => (target: Element) => unknown)(source)(element),
      instrument,
    );

    // Frames and bitrate over a fixed window.
    const stats = () =>
      page.evaluate(async () => {
        const connection = (window as unknown as { peerConnections?: RTCPeerConnection[] }).peerConnections?.at(-1);
        let framesDecoded = 0;
        let bytesReceived = 0;
        let width = 0;
        let height = 0;
        (await connection?.getStats())?.forEach((entry: Record<string, unknown>) => {
          if (entry.type === 'inbound-rtp' && entry.kind === 'video') {
            framesDecoded = Number(entry.framesDecoded ?? 0);
            bytesReceived = Number(entry.bytesReceived ?? 0);
            width = Number(entry.frameWidth ?? 0);
            height = Number(entry.frameHeight ?? 0);
          }
        });
        return {
          framesDecoded,
          bytesReceived,
          width,
          height,
          displayed: (window as unknown as { bench: Bench }).bench.frames,
          at: performance.now(),
        };
      });
    const first = await stats();
    await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
    const second = await stats();
    const seconds = (second.at - first.at) / 1000;

    // Click-to-pointer: distinct points in the right half (away from the flipping square), one at a time.
    await video.scrollIntoViewIfNeeded();
    const box = await video.evaluate((element: HTMLVideoElement) => {
      const rect = element.getBoundingClientRect();
      const scale = Math.min(rect.width / element.videoWidth, rect.height / element.videoHeight);
      return {
        left: rect.left + (rect.width - element.videoWidth * scale) / 2,
        top: rect.top + (rect.height - element.videoHeight * scale) / 2,
        scale,
      };
    });
    const clickLatencies: number[] = [];
    for (let index = 0; index < clicks; index += 1) {
      const target = { x: 700 + ((index * 37) % 500), y: 100 + ((index * 53) % 600) };
      const before = await page.evaluate(() => (window as unknown as { bench: Bench }).bench.downs.length);
      await page.mouse.move(box.left + target.x * box.scale, box.top + target.y * box.scale);
      const movesBefore = moves.length;
      await page.mouse.down();
      await page.mouse.up();
      await waitUntil(
        () => moves.slice(movesBefore).some((move) => Math.abs(move.x - target.x) <= 3 && Math.abs(move.y - target.y) <= 3),
        `the pointer reaches click ${index + 1}`,
        5000,
      );
      const downAt = (await page.evaluate((n) => (window as unknown as { bench: Bench }).bench.downs[n], before))!;
      const reached = moves.slice(movesBefore).find((move) => Math.abs(move.x - target.x) <= 3 && Math.abs(move.y - target.y) <= 3)!;
      clickLatencies.push(Math.max(0, reached.at - downAt));
    }

    const transitions = await page.evaluate(() => (window as unknown as { bench: Bench }).bench.transitions);
    const displayLatencies = flips
      .map((flip) => {
        const seen = transitions.find((transition) => transition.value === flip.value && transition.at >= flip.at);
        return seen ? seen.at - flip.at : undefined;
      })
      .filter((latency): latency is number => latency !== undefined && latency < square.flipEveryMs * 2);
    const sortedDisplay = [...displayLatencies].sort((a, b) => a - b);
    const sortedClicks = [...clickLatencies].sort((a, b) => a - b);
    const results = {
      startedAt: new Date().toISOString(),
      screen: `${second.width}x${second.height}`,
      windowSeconds: round(seconds, 1),
      displayedFramesPerSecond: round((second.displayed - first.displayed) / seconds, 1),
      decodedFramesPerSecond: round((second.framesDecoded - first.framesDecoded) / seconds, 1),
      bitrateKbps: round(((second.bytesReceived - first.bytesReceived) * 8) / seconds / 1000, 0),
      captureToDisplayMs: {
        samples: sortedDisplay.length,
        p50: round(percentile(sortedDisplay, 50), 0),
        p95: round(percentile(sortedDisplay, 95), 0),
      },
      clickToPointerMs: {
        samples: sortedClicks.length,
        p50: round(percentile(sortedClicks, 50), 0),
        p95: round(percentile(sortedClicks, 95), 0),
      },
      budgets,
    };
    const pass =
      results.displayedFramesPerSecond >= budgets.minFramesPerSecond && results.clickToPointerMs.p50 <= budgets.clickToPointerP50Ms;
    const report = [
      '# Support app: screen view and control benchmark',
      '',
      `Run ${results.startedAt}: the linux-x64 app on Xvfb ${screen.width}x${screen.height}, the console in Chromium, the local runtime, inside the test network namespace (host candidates).`,
      '',
      '| measure | value | budget |',
      '|---|---|---|',
      `| video size in the console | ${results.screen} | the screen's |`,
      `| frames/s displayed (requestVideoFrameCallback, ${results.windowSeconds} s) | ${results.displayedFramesPerSecond} | >= ${budgets.minFramesPerSecond} |`,
      `| frames/s decoded (getStats) | ${results.decodedFramesPerSecond} | |`,
      `| bitrate received | ${results.bitrateKbps} kbit/s | |`,
      `| capture to display p50 / p95 (${results.captureToDisplayMs.samples} flips) | ${results.captureToDisplayMs.p50} / ${results.captureToDisplayMs.p95} ms | |`,
      `| click to pointer p50 / p95 (${results.clickToPointerMs.samples} clicks) | ${results.clickToPointerMs.p50} / ${results.clickToPointerMs.p95} ms | p50 <= ${budgets.clickToPointerP50Ms} ms |`,
      '',
      `Budgets: ${pass ? 'pass' : 'FAIL'}.`,
      '',
    ].join('\n');
    mkdirSync(values.out, { recursive: true });
    writeFileSync(path.join(values.out, 'support-app-control.md'), report);
    writeFileSync(path.join(values.out, 'support-app-control.json'), `${JSON.stringify({ ...results, pass }, null, 2)}\n`);
    console.log(report);
    return pass ? 0 : 1;
  } finally {
    await app?.stop();
    tk.kill('SIGKILL');
    await Promise.allSettled([browser.close(), runtime.stop(), x.stop()]);
    await rm(workDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
