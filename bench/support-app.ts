import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { buildUnconfiguredApps, defaultAppCacheDirectory } from '../applet/native/build-apps.ts';
import { appPlatforms, hostAppPlatform, type AppPlatform } from '../applet/native/platforms.ts';
import { ticketFromFileName, writeServerConfigIntoApp } from '../applet/server-config.ts';
import type { BenchEnvironment } from './environment.ts';
import { getToken } from './operations.ts';
import { summarize, type Summary } from './stats.ts';

export interface AppSize {
  readonly platform: AppPlatform;
  readonly bytes: number;
  /** gzip -9, as build:apps uploads it and CloudFront serves it. */
  readonly gzipBytes: number;
}

export interface AppStartResult {
  readonly platform: AppPlatform;
  readonly runs: number;
  /** Spawn of the native app until it prints `status: waiting`. */
  readonly app: Summary;
  /** The same for `node RemoteSupport_<ticket>.cjs`, alternating with the app in the same run. */
  readonly script: Summary;
}

/** Every platform's app (built, or taken from the cache) by raw and gzip size. */
export async function measureAppSizes(log: (line: string) => void): Promise<AppSize[]> {
  const apps = await buildUnconfiguredApps(appPlatforms, defaultAppCacheDirectory, log);
  const sizes: AppSize[] = [];
  for (const [platform, file] of apps.files) {
    const bytes = await readFile(file);
    sizes.push({ platform, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length });
  }
  return sizes;
}

/**
 * Start-to-waiting of this machine's app against the Node.js script: each
 * run redeems two PINs, starts the app on one and the script on the other
 * (order alternating), and times spawn to the `status: waiting` line. The
 * ratio of the two p50s, from one run on one machine, cancels most of the
 * machine's load.
 */
export async function measureAppStart(env: BenchEnvironment, runs: number): Promise<AppStartResult | undefined> {
  const platform = hostAppPlatform();
  if (!platform) return undefined;
  const { url, webSocketUrl } = env.runtime;
  const apps = await buildUnconfiguredApps([platform], defaultAppCacheDirectory);
  const directory = mkdtempSync(path.join(os.tmpdir(), 'bench-app-'));
  const appFile = path.join(directory, 'RemoteSupport');
  writeFileSync(appFile, writeServerConfigIntoApp(await readFile(apps.files.get(platform)!), { httpOrigin: url, webSocketUrl }));
  chmodSync(appFile, 0o755);
  const token = await getToken(url, 'alice');
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const samples = { app: [] as number[], script: [] as number[] };
  const children: ChildProcess[] = [];
  // Real sockets here: the service's session.state must reach the processes.
  const previousMode = env.connections.mode;
  env.connections.mode = 'forward';
  try {
    for (let run = 0; run < runs; run += 1) {
      for (const kind of run % 2 === 0 ? (['app', 'script'] as const) : (['script', 'app'] as const)) {
        const created = (await (
          await fetch(`${url}/api/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ customerName: 'App start' }) })
        ).json()) as { session: { id: string } };
        const id = created.session.id;
        const { pin } = (await (await fetch(`${url}/api/sessions/${id}/pin`, { method: 'POST', headers: auth })).json()) as { pin: string };
        const redeemed = (await (
          await fetch(`${url}/api/pin/redeem`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ pin }),
          })
        ).json()) as {
          applet: { downloadUrl: string; fileName: string };
        };
        const ticket = ticketFromFileName(redeemed.applet.fileName) ?? '';
        let command: string;
        let args: string[];
        if (kind === 'app') {
          command = appFile;
          args = ['--yes', '--ticket', ticket];
        } else {
          const script = path.join(directory, redeemed.applet.fileName);
          writeFileSync(script, Buffer.from(await (await fetch(`${url}${redeemed.applet.downloadUrl}`)).arrayBuffer()));
          command = process.execPath;
          args = [script, '--yes'];
        }
        const started = performance.now();
        const child = spawn(command, args, {
          cwd: directory,
          env: { ...process.env, LANG: 'en_US.UTF-8' },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        const output: string[] = [];
        child.stderr.on('data', (chunk) => output.push(String(chunk)));
        children.push(child);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${kind} did not reach waiting within 20 s: ${output.join('').trim()}`)), 20_000);
          createInterface({ input: child.stdout }).on('line', (line) => {
            output.push(line);
            if (line === 'status: waiting') {
              clearTimeout(timer);
              resolve();
            }
          });
        });
        samples[kind].push(performance.now() - started);
        await fetch(`${url}/api/sessions/${id}/close`, { method: 'POST', headers: auth });
      }
    }
  } finally {
    env.connections.mode = previousMode;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(directory, { recursive: true, force: true });
  }
  return { platform, runs, app: summarize(samples.app), script: summarize(samples.script) };
}
