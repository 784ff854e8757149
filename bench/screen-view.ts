/**
 * Screen-view benchmark: the real local runtime, the PIN page (fake screen)
 * and the console in two Chromium processes, WebRTC between them. Opens
 * peer connections, so it runs only inside the test network namespace:
 *
 *   ../shared/tools/netns-run -- npx tsx bench/screen-view.ts [--shares 10] [--relay]
 *
 * Measures, per share: Share screen click -> first frame playing in the
 * console (p50, p95), and the signaling messages both sides sent; plus the
 * PIN page's gzip weight against its 30 KiB budget. `--relay` sends every
 * share through a local coturn (iceTransportPolicy "relay") for the same-run
 * ratio against host candidates. Writes bench/results/screen-view.{md,json}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { api } from '../test/support/live-session.ts';
import { waitUntil } from '../test/support/eventually.ts';
import { assertInsideTestNetwork, launchRtcChromium, startCoturn, type Coturn } from '../test/support/rtc.ts';
import { getToken, startRuntimeProcess, type RuntimeProcess } from '../test/support/runtime.ts';
import { percentile, round } from './stats.ts';

const pinPageBudgetBytes = 30 * 1024;

/** Counts the screen signals a page sends and notes when a video first plays, in the page's own clock. */
const instrument = () => {
  const counters = { screenSignals: 0, firstFrameAt: 0 };
  (window as unknown as { bench: typeof counters }).bench = counters;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the socket as `this`
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    if (typeof data === 'string' && data.includes('"action":"screen"')) counters.screenSignals += 1;
    return send.call(this, data);
  };
  document.addEventListener('playing', () => (counters.firstFrameAt ||= Date.now()), true);
};

interface Sample {
  readonly firstFrameMs: number;
  readonly signals: number;
}

async function counters(page: Page): Promise<{ screenSignals: number; firstFrameAt: number }> {
  return page.evaluate(() => (window as unknown as { bench: { screenSignals: number; firstFrameAt: number } }).bench);
}

async function measure(runtime: RuntimeProcess, shares: number): Promise<Sample[]> {
  const [customerBrowser, technicianBrowser]: [Browser, Browser] = await Promise.all([
    launchRtcChromium({ sharesScreen: true }),
    launchRtcChromium({ sharesScreen: false }),
  ]);
  try {
    const alice = await getToken(runtime.url, 'alice');
    const created = await api<{ session: { id: string } }>(runtime.url, 'POST', '/api/sessions', alice, { customerName: 'Bench Customer' });
    const pin = await api<{ pin: string }>(runtime.url, 'POST', `/api/sessions/${created.body.session.id}/pin`, alice);
    const customerContext = await customerBrowser.newContext();
    await customerContext.addInitScript(instrument);
    const customer = await customerContext.newPage();
    await customer.goto(runtime.url);
    await customer.getByLabel('PIN').fill(pin.body.pin);
    await customer.getByRole('button', { name: 'Connect to technician' }).click();
    await customer.getByRole('button', { name: 'Continue in the browser' }).click();
    await customer.getByRole('group', { name: 'Verification code' }).waitFor();
    const technicianContext = await technicianBrowser.newContext({ viewport: { width: 1400, height: 1000 } });
    await technicianContext.addInitScript(instrument);
    const technician = await technicianContext.newPage();
    await technician.goto(`${runtime.url}/console/`);
    await technician.getByRole('button', { name: 'Sign in as Alice Adler' }).click();
    await technician.getByRole('button', { name: 'Bench Customer' }).first().click();
    const panel = technician.getByRole('tabpanel', { name: 'Bench Customer' });
    await panel.getByRole('button', { name: 'Start' }).click();
    const samples: Sample[] = [];
    for (let share = 0; share < shares; share += 1) {
      await technician.evaluate(() => Object.assign((window as unknown as { bench: object }).bench, { screenSignals: 0, firstFrameAt: 0 }));
      await customer.evaluate(() => Object.assign((window as unknown as { bench: object }).bench, { screenSignals: 0 }));
      await panel.getByRole('button', { name: 'View screen' }).click();
      const shareButton = customer.getByRole('dialog').getByRole('button', { name: 'Share screen' });
      await shareButton.waitFor();
      const clickedAt = Date.now();
      await shareButton.click();
      await waitUntil(async () => (await counters(technician)).firstFrameAt > 0, 'the first frame plays', 30_000);
      const firstFrameAt = (await counters(technician)).firstFrameAt;
      await panel.getByRole('button', { name: 'Stop viewing' }).click();
      await customer.getByRole('button', { name: 'Stop sharing' }).waitFor({ state: 'hidden' });
      const signals = (await counters(technician)).screenSignals + (await counters(customer)).screenSignals;
      samples.push({ firstFrameMs: firstFrameAt - clickedAt, signals });
    }
    return samples;
  } finally {
    await Promise.allSettled([customerBrowser.close(), technicianBrowser.close()]);
  }
}

async function pinPageGzipBytes(origin: string): Promise<number> {
  const html = await (await fetch(`${origin}/`)).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/pin\.[0-9a-f]+\.(?:js|css|svg))"/g)].map((match) => match[1]!);
  const bodies = await Promise.all([Promise.resolve(html), ...assets.map(async (asset) => (await fetch(`${origin}${asset}`)).text())]);
  return bodies.reduce((sum, body) => sum + gzipSync(body).length, 0);
}

function summary(samples: readonly Sample[]) {
  const sorted = samples.map((sample) => sample.firstFrameMs).sort((a, b) => a - b);
  return {
    shares: samples.length,
    firstFrameMs: {
      p50: round(percentile(sorted, 50), 0),
      p95: round(percentile(sorted, 95), 0),
      max: round(sorted.at(-1) ?? Number.NaN, 0),
    },
    signalingMessagesPerShare: round(samples.reduce((sum, sample) => sum + sample.signals, 0) / Math.max(1, samples.length), 1),
  };
}

async function main(): Promise<number> {
  assertInsideTestNetwork();
  const { values } = parseArgs({
    options: {
      shares: { type: 'string', default: '10' },
      relay: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/results' },
    },
  });
  const shares = Math.min(Math.max(Number(values.shares) || 10, 1), 50);
  const host = await startRuntimeProcess();
  let turn: Coturn | undefined;
  let relayRuntime: RuntimeProcess | undefined;
  try {
    const hostSamples = await measure(host, shares);
    const pageBytes = await pinPageGzipBytes(host.url);
    let relaySamples: Sample[] | undefined;
    if (values.relay) {
      turn = await startCoturn();
      relayRuntime = await startRuntimeProcess({ ICE_SERVERS: JSON.stringify(turn.iceServers), ICE_TRANSPORT_POLICY: 'relay' });
      relaySamples = await measure(relayRuntime, shares);
    }
    const results = {
      startedAt: new Date().toISOString(),
      host: summary(hostSamples),
      ...(relaySamples
        ? {
            relay: summary(relaySamples),
            relayToHostP50: round(summary(relaySamples).firstFrameMs.p50 / summary(hostSamples).firstFrameMs.p50, 2),
          }
        : {}),
      pinPage: { gzipBytes: pageBytes, budgetBytes: pinPageBudgetBytes, pass: pageBytes <= pinPageBudgetBytes },
    };
    const rows = [
      ['host candidates', results.host] as const,
      ...(results.relay ? ([['relay only (local coturn)', results.relay]] as const) : []),
    ].map(
      ([name, result]) =>
        `| ${name} | ${result.shares} | ${result.firstFrameMs.p50} | ${result.firstFrameMs.p95} | ${result.signalingMessagesPerShare} |`,
    );
    const report = [
      '# Screen view benchmark',
      '',
      `Run ${results.startedAt}, two Chromium processes in the test network namespace, the local runtime in between.`,
      '',
      '| path | shares | Share click -> first frame p50 (ms) | p95 (ms) | signaling messages per share |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      ...(results.relayToHostP50 !== undefined ? [`Relay / host first-frame p50, same run: ${results.relayToHostP50}.`, ''] : []),
      `PIN page, gzip on first load: ${round(pageBytes / 1024, 1)} KiB (budget ${pinPageBudgetBytes / 1024} KiB): ${results.pinPage.pass ? 'pass' : 'FAIL'}.`,
      '',
    ].join('\n');
    mkdirSync(values.out, { recursive: true });
    writeFileSync(path.join(values.out, 'screen-view.md'), report);
    writeFileSync(path.join(values.out, 'screen-view.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(report);
    return results.pinPage.pass ? 0 : 1;
  } finally {
    await Promise.allSettled([host.stop(), relayRuntime?.stop(), turn?.stop()]);
  }
}

process.exitCode = await main();
