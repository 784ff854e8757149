import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildUnconfiguredApps, defaultAppCacheDirectory } from '../../applet/native/build-apps.ts';
import { appPlatforms } from '../../applet/native/platforms.ts';
import { getToken, startRuntimeProcess, type RuntimeProcess } from '../support/runtime.ts';
import { AppRun } from '../support/support-app.ts';

/**
 * The customer without Node.js: the PIN page's linux-x64 download, made
 * executable and run with nothing on PATH, takes the session from connecting
 * to closed. The first run builds the app (about 25 s, more on a busy
 * machine); later runs take it from the cache.
 */

interface Download {
  readonly platform: string;
  readonly fileName: string;
  readonly downloadUrl: string;
  readonly bytes: number;
}

let runtime: RuntimeProcess;
let workDir: string;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ BUILD_APPS: 'linux-x64' }, { startTimeoutMs: 400_000 });
  workDir = await mkdtemp(path.join(os.tmpdir(), 'e2e-support-app-'));
}, 420_000);

afterAll(async () => {
  await runtime?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function api<T>(method: string, route: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${runtime.url}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function redeemNewSession(token: string): Promise<{ id: string; downloads: Download[] }> {
  const { session } = await api<{ session: { id: string } }>('POST', '/api/sessions', token, { customerName: 'Erika Mustermann' });
  const { pin } = await api<{ pin: string }>('POST', `/api/sessions/${session.id}/pin`, token);
  const redeemed = await api<{ applet: { downloads: Download[] } }>('POST', '/api/pin/redeem', undefined, { pin });
  return { id: session.id, downloads: redeemed.applet.downloads };
}

describe('the linux-x64 support app', () => {
  it('is downloaded as RemoteSupport_<ticket>, runs with no Node.js on PATH and carries the whole session', async () => {
    const token = await getToken(runtime.url, 'alice');
    const { id, downloads } = await redeemNewSession(token);
    const linux = downloads.find((download) => download.platform === 'linux-x64');
    expect(linux?.fileName).toMatch(/^RemoteSupport_[A-Za-z0-9_-]{22,64}$/);
    expect(linux?.downloadUrl).toBe(`/applet/linux-x64/${linux?.fileName}`);
    expect(downloads.find((download) => download.platform === 'node')?.fileName).toBe(`${linux?.fileName}.cjs`);

    const response = await fetch(`${runtime.url}${linux!.downloadUrl}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${linux!.fileName}"`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(linux!.bytes);
    const file = path.join(workDir, linux!.fileName);
    await writeFile(file, bytes);
    await chmod(file, 0o755);

    const app = new AppRun(file, ['--yes'], { HOME: workDir, LANG: 'de_DE.UTF-8' });
    await app.waitFor(/^connecting to 127\.0\.0\.1:\d+$/);
    await app.waitFor(/^status: waiting$/);
    await app.waitFor(/^Bitte warten: Ihr Techniker tritt der Sitzung gleich bei\.$/);
    const waiting = await api<{ sessions: { id: string; status: string; customer?: { systemInfo?: { nodeVersion?: string } } }[] }>(
      'GET',
      '/api/sessions',
      token,
    );
    const session = waiting.sessions.find((candidate) => candidate.id === id);
    expect(session?.status).toBe('waiting');
    // The app's own Node, not the one running these tests.
    expect(session?.customer?.systemInfo?.nodeVersion).toBe('v22.23.2');

    await api('POST', `/api/sessions/${id}/start`, token);
    await app.waitFor(/^status: active \(technician: Alice Adler\)$/);
    await app.waitFor(/^Ihr Techniker ist verbunden\./);
    app.type('/quit');
    await app.waitFor(/^status: closed \(customer_ended\)$/);
    expect(await app.exited).toBe(0);
  });

  it('says what is wrong and exits 3 when its ticket is spent, with nothing on PATH', async () => {
    const token = await getToken(runtime.url, 'alice');
    const { downloads } = await redeemNewSession(token);
    const linux = downloads.find((download) => download.platform === 'linux-x64')!;
    const file = path.join(workDir, linux.fileName);
    await writeFile(file, Buffer.from(await (await fetch(`${runtime.url}${linux.downloadUrl}`)).arrayBuffer()));
    await chmod(file, 0o755);
    const first = new AppRun(file, ['--yes'], { HOME: workDir, LANG: 'en_US.UTF-8' });
    await first.waitFor(/^status: waiting$/);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);

    const again = new AppRun(file, ['--yes'], { HOME: workDir, LANG: 'en_US.UTF-8' });
    expect(await again.exited).toBe(3);
    expect(again.lines.join('\n')).toContain('The ticket is not valid or the session has ended.');
  });

  it('is not rebuilt when nothing changed: a second build fetches and injects nothing', async () => {
    const log: string[] = [];
    const apps = await buildUnconfiguredApps(['linux-x64'], defaultAppCacheDirectory, (line) => log.push(line));
    expect(log).toEqual([]);
    expect((await stat(apps.files.get('linux-x64')!)).size).toBeGreaterThan(50_000_000);
  });

  it('is offered with every other system, each with its size', async () => {
    const token = await getToken(runtime.url, 'alice');
    const { downloads } = await redeemNewSession(token);
    const platforms = downloads.map((download) => download.platform);
    expect(platforms).toContain('linux-x64');
    expect(platforms).toContain('node');
    for (const download of downloads) {
      expect(download.bytes).toBeGreaterThan(0);
      expect([...appPlatforms, 'node']).toContain(download.platform);
    }
    const unknown = await fetch(`${runtime.url}/applet/linux-x64/RemoteSupport_${'a'.repeat(30)}.exe`);
    expect(unknown.status).toBe(404);
  });
});
