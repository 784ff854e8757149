import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { ticketFromFileName } from '../applet/server-config.ts';
import type { BenchEnvironment } from './environment.ts';
import { getToken } from './operations.ts';
import { summarize, type Summary } from './stats.ts';

/**
 * The customer's path, API level, over the real gateway: the PIN page's
 * redeem call, the applet download, the applet started (the real bundle,
 * `node <file> --yes`) until the technician's console socket receives
 * session.updated with status waiting. The browser adds its own page time on
 * top (see the page figures); the console reacts to that very message.
 */
export interface CustomerPathResult {
  readonly runs: number;
  readonly appletMode: 'real applet process' | 'stand-in WebSocket client (applet not built yet)';
  readonly total: Summary;
  readonly redeem: Summary;
  readonly download: Summary;
  /** Applet process start (or socket open) until the console sees waiting. */
  readonly appletToWaiting: Summary;
  /** `node <applet> --version` spawn to exit: the applet program starting, nothing else (the path's floor with the redeem call). */
  readonly appletStartFloor: Summary;
  readonly appletBytes: number;
  readonly appletGzipBytes: number;
}

export async function measureCustomerPath(env: BenchEnvironment, runs: number): Promise<CustomerPathResult> {
  const { url, webSocketUrl } = env.runtime;
  const token = await getToken(url, 'alice');
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const waiters = new Map<string, () => void>();
  const consoleSocket = new WebSocket(`${webSocketUrl}?token=${encodeURIComponent(token)}`);
  consoleSocket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type?: string; session?: { id?: string; status?: string } };
    if (message.type === 'session.updated' && message.session?.status === 'waiting' && message.session.id)
      waiters.get(message.session.id)?.();
  });
  await new Promise<void>((resolve, reject) => {
    consoleSocket.once('open', () => resolve());
    consoleSocket.once('error', reject);
  });
  const directory = mkdtempSync(path.join(os.tmpdir(), 'bench-applet-'));
  const samples = {
    total: [] as number[],
    redeem: [] as number[],
    download: [] as number[],
    appletToWaiting: [] as number[],
    floor: [] as number[],
  };
  let appletBytes = 0;
  let appletGzipBytes = 0;
  let realApplet = true;
  const leftovers: (ChildProcess | WebSocket)[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      const created = (await (
        await fetch(`${url}/api/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ customerName: 'Path' }) })
      ).json()) as { session: { id: string } };
      const id = created.session.id;
      const { pin } = (await (await fetch(`${url}/api/sessions/${id}/pin`, { method: 'POST', headers: auth })).json()) as { pin: string };
      const waiting = new Promise<number>((resolve) => waiters.set(id, () => resolve(performance.now())));

      const started = performance.now();
      const redeemResponse = await fetch(`${url}/api/pin/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pin }),
      });
      if (redeemResponse.status !== 200) throw new Error(`customer path: redeem answered ${redeemResponse.status}`);
      const redeemed = (await redeemResponse.json()) as { applet: { downloadUrl: string; fileName: string } };
      const redeemedAt = performance.now();
      const download = await fetch(`${url}${redeemed.applet.downloadUrl}`);
      const bundle = Buffer.from(await download.arrayBuffer());
      const downloadedAt = performance.now();
      appletBytes = bundle.length;
      appletGzipBytes = gzipSync(bundle, { level: 9 }).length;
      realApplet = !bundle.toString('utf8').includes('applet under construction');
      if (realApplet) {
        const file = path.join(directory, redeemed.applet.fileName);
        writeFileSync(file, bundle);
        const floorStarted = performance.now();
        await new Promise<void>((resolve) =>
          spawn(process.execPath, [file, '--version'], { cwd: directory, stdio: 'ignore' }).once('exit', () => resolve()),
        );
        samples.floor.push(performance.now() - floorStarted);
        const child = spawn(process.execPath, [file, '--yes'], {
          cwd: directory,
          stdio: 'ignore',
          env: { ...process.env, LANG: 'en_US.UTF-8' },
        });
        leftovers.push(child);
      } else {
        const ticket = ticketFromFileName(redeemed.applet.fileName);
        const applet = new WebSocket(`${webSocketUrl}?ticket=${ticket}`);
        applet.once('open', () => applet.send(JSON.stringify({ action: 'hello', systemInfo: { os: 'linux', appletVersion: 'bench' } })));
        leftovers.push(applet);
      }
      const appletStartedAt = performance.now();
      const waitingAt = await Promise.race([
        waiting,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('customer path: the console never saw waiting within 15 s')), 15_000),
        ),
      ]);
      // The floor run sits between download and start; it is not part of the customer's time.
      samples.redeem.push(redeemedAt - started);
      samples.download.push(downloadedAt - redeemedAt);
      samples.appletToWaiting.push(waitingAt - appletStartedAt);
      samples.total.push(redeemedAt - started + (downloadedAt - redeemedAt) + (waitingAt - appletStartedAt));
      waiters.delete(id);
      // Closing ends the applet the way a technician would; the next run starts from a quiet server.
      await fetch(`${url}/api/sessions/${id}/close`, { method: 'POST', headers: auth });
    }
  } finally {
    for (const leftover of leftovers) {
      if (leftover instanceof WebSocket) leftover.close();
      else if (leftover.exitCode === null) leftover.kill('SIGTERM');
    }
    consoleSocket.close();
    rmSync(directory, { recursive: true, force: true });
  }
  return {
    runs,
    appletMode: realApplet ? 'real applet process' : 'stand-in WebSocket client (applet not built yet)',
    total: summarize(samples.total),
    redeem: summarize(samples.redeem),
    download: summarize(samples.download),
    appletToWaiting: summarize(samples.appletToWaiting),
    appletStartFloor: summarize(samples.floor),
    appletBytes,
    appletGzipBytes,
  };
}
