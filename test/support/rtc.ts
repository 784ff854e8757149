/**
 * What tests that open WebRTC peer connections share: the guard that they
 * run inside `../shared/tools/netns-run` (so media and ICE checks never leave
 * the machine), Chromium with the loopback-WebRTC flags, and a local coturn on
 * the namespace's test host.
 *
 *   assertInsideTestNetwork();
 *   const customerBrowser = await launchRtcChromium({ sharesScreen: true });
 *   const turn = await startCoturn();   // turn.iceServers for ICE_SERVERS
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { chromiumArgs, launchChromium } from './browser.ts';
import { eventually } from './eventually.ts';

/** The namespace's test host (netns-run): TURN listens here, never on a real interface. */
export const testHostAddress = '192.0.2.10';

/** Refuses to run peer connections anywhere but in the test network namespace. */
export function assertInsideTestNetwork(): void {
  const addresses = Object.values(os.networkInterfaces()).flatMap((entries) => entries ?? []);
  const foreign = addresses.filter(
    (entry) => !entry.internal && !entry.address.startsWith('192.0.2.') && !entry.address.startsWith('fe80:'),
  );
  if (!addresses.some((entry) => entry.address === testHostAddress) || foreign.length > 0) {
    throw new Error('WebRTC tests run only inside the test network namespace: ../shared/tools/netns-run -- npx vitest run test/rtc/...');
  }
}

export async function launchRtcChromium(options: { sharesScreen: boolean }): Promise<Browser> {
  return launchChromium({
    args: [
      ...chromiumArgs,
      '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      ...(options.sharesScreen ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] : []),
    ],
  });
}

/** An init script: records every RTCPeerConnection a page makes (`window.peerConnections`), so a test can read its stats. */
export const recordPeerConnections = () => {
  const Original = window.RTCPeerConnection;
  const made: RTCPeerConnection[] = [];
  (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = made;
  window.RTCPeerConnection = class extends Original {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      made.push(this);
    }
  };
};

/** [local, remote] candidate types of the selected pair of the page's newest connected peer connection (recordPeerConnections). */
export function selectedCandidateTypes(page: Page): Promise<unknown[]> {
  return page.evaluate(async () => {
    const connected = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.filter(
      (pc) => pc.connectionState === 'connected',
    );
    const report = await connected.at(-1)!.getStats();
    const entries: Record<string, unknown>[] = [];
    report.forEach((entry: Record<string, unknown>) => entries.push(entry));
    const pair = entries.find((entry) => entry.type === 'candidate-pair' && entry.nominated === true && entry.state === 'succeeded');
    const local = entries.find((entry) => entry.id === pair?.localCandidateId);
    const remote = entries.find((entry) => entry.id === pair?.remoteCandidateId);
    return [local?.candidateType, remote?.candidateType];
  });
}

async function freeUdpAndTcpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Coturn {
  readonly iceServers: { urls: string; username: string; credential: string }[];
  /** Lines coturn printed, e.g. to see allocations. */
  readonly lines: string[];
  stop(): Promise<void>;
}

/** Debian's coturn on the test host with one static user, no TLS, no CLI; stopped by the test. */
export async function startCoturn(): Promise<Coturn> {
  const port = await freeUdpAndTcpPort(testHostAddress);
  const username = 'rtc-test';
  const credential = 'rtc-test-secret';
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-n',
      `--listening-ip=${testHostAddress}`,
      `--relay-ip=${testHostAddress}`,
      `--listening-port=${port}`,
      '--min-port=49152',
      '--max-port=49300',
      '--lt-cred-mech',
      `--user=${username}:${credential}`,
      '--realm=rtc.test',
      '--fingerprint',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=${path.join(os.tmpdir(), `rtc-turnserver-${port}.pid`)}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // coturn prints no line when its listeners are up; its TCP listener answering is the sign.
  const listening = () =>
    new Promise<boolean>((resolve) => {
      const probe = connect(port, testHostAddress);
      probe.once('connect', () => (probe.destroy(), resolve(true)));
      probe.once('error', () => resolve(false));
    });
  await eventually(
    async () => {
      if (child.exitCode !== null || !(await listening())) {
        throw new Error(`coturn is not listening on ${testHostAddress}:${port} (${lines.slice(-3).join(' | ')})`);
      }
    },
    { timeoutMs: 10_000 },
  );
  return {
    iceServers: [{ urls: `turn:${testHostAddress}:${port}?transport=udp`, username, credential }],
    lines,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
