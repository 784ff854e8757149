import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { appFileName, buildUnconfiguredApps, type UnconfiguredApps } from '../applet/native/build-apps.ts';
import { appPlatforms, isAppPlatform, nodeRuntimes, type AppPlatform } from '../applet/native/platforms.ts';
import { appletFileName, writeServerConfigIntoApp, type AppletServerConfig } from '../applet/server-config.ts';
import type { AppletDownloadSize } from '../lambdas/domain/config.ts';
import { sendNotFoundPage } from './static-site.ts';

export interface AppDownloadsOptions {
  /** The build cache (applet/native/build-apps.ts, default ~/.cache/pin-remote-support/sea). */
  readonly cacheDir: string;
  readonly filePrefix: string;
  /**
   * The apps to offer: these platforms, built at start if the cache lacks them (a
   * linux-x64 build takes about 25 s the first time), or `cached`: whatever
   * `npm run build:apps` left in the cache. None: only the Node.js script.
   */
  readonly offer: readonly AppPlatform[] | 'cached';
  readonly log: (line: string) => void;
}

export interface AppDownloads {
  /** The platforms with an app in the cache, and their sizes (writing the server in keeps the size). */
  readonly sizes: readonly AppletDownloadSize[];
  /** `/applet/<platform>/<prefix>_<ticket>[.exe]`; false when the path is not an app download. */
  handle(request: IncomingMessage, response: ServerResponse, pathname: string, headers: Record<string, string>): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The native apps as the local runtime serves them. At start it looks up the
 * unconfigured builds in the cache (building the ones it was asked to); the
 * first download of a platform writes this runtime's server into a copy that
 * every later download gets unchanged, like a deployment's (decision 0832).
 * The copies live in a temporary folder that `close()` removes.
 */
export async function prepareAppDownloads(options: AppDownloadsOptions, serverConfig: () => AppletServerConfig): Promise<AppDownloads> {
  const available =
    options.offer === 'cached' || options.offer.length > 0
      ? await cachedPlatforms(
          await buildUnconfiguredApps(options.offer === 'cached' ? [] : options.offer, options.cacheDir, options.log),
          options.offer,
        )
      : new Map<AppPlatform, { file: string; bytes: number }>();
  const escapedPrefix = options.filePrefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const namePattern = new RegExp(`^/applet/([a-z0-9-]+)/(${escapedPrefix}_([A-Za-z0-9_-]{22,64})(\\.exe)?)$`);
  let temporary: Promise<string> | undefined;
  const configured = new Map<AppPlatform, Promise<string>>();

  const configuredCopy = (platform: AppPlatform, source: string): Promise<string> => {
    let copy = configured.get(platform);
    if (!copy) {
      copy = (async () => {
        temporary ??= mkdtemp(path.join(os.tmpdir(), 'remote-support-apps-'));
        const file = path.join(await temporary, `${platform}-${appFileName(platform)}`);
        await writeFile(file, writeServerConfigIntoApp(await readFile(source), serverConfig()), { mode: 0o755 });
        return file;
      })();
      // A failed copy is retried by the next download instead of failing every later one.
      copy.catch(() => configured.delete(platform));
      configured.set(platform, copy);
    }
    return copy;
  };

  return {
    sizes: [...available].map(([platform, { bytes }]) => ({ platform, bytes })),
    async handle(request, response, pathname, headers) {
      const match = namePattern.exec(pathname);
      if (!match) return false;
      const [, platform = '', fileName = '', ticket = '', suffix = ''] = match;
      const app = isAppPlatform(platform) ? available.get(platform) : undefined;
      if (
        !app ||
        !isAppPlatform(platform) ||
        suffix !== nodeRuntimes[platform].fileSuffix ||
        fileName !== appletFileName(options.filePrefix, ticket, platform)
      ) {
        sendNotFoundPage(response, headers);
        return true;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        sendNotFoundPage(response, headers);
        return true;
      }
      const file = await configuredCopy(platform, app.file);
      response.writeHead(200, {
        ...headers,
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${fileName}"`,
        'content-length': app.bytes,
        'cache-control': 'no-store',
      });
      if (request.method === 'HEAD') {
        response.end();
        return true;
      }
      await new Promise<void>((resolve, reject) => {
        const stream = createReadStream(file);
        stream.on('error', reject);
        response.on('close', () => {
          stream.destroy();
          resolve();
        });
        stream.pipe(response);
      });
      return true;
    },
    async close() {
      if (temporary) await rm(await temporary, { recursive: true, force: true });
    },
  };
}

async function cachedPlatforms(
  built: UnconfiguredApps,
  offer: readonly AppPlatform[] | 'cached',
): Promise<Map<AppPlatform, { file: string; bytes: number }>> {
  const found = new Map<AppPlatform, { file: string; bytes: number }>();
  for (const platform of offer === 'cached' ? appPlatforms : offer) {
    const file = path.join(built.directory, platform, appFileName(platform));
    const complete = await stat(`${file}.built`).then(
      () => true,
      () => false,
    );
    if (complete) found.set(platform, { file, bytes: (await stat(file)).size });
  }
  return found;
}
