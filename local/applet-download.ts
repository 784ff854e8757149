import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { appletBundleName } from '../applet/build.ts';
import { appletFileName, embedServerConfig, type AppletServerConfig } from '../applet/server-config.ts';
import { sendNotFoundPage } from './static-site.ts';

/**
 * `/applet/<prefix>_<ticket>.cjs`: the built applet with this server baked in,
 * under the very name the customer's browser will save it as, so the applet
 * can read its ticket back from its own file name. The ticket is not checked
 * here: the file is the same for everyone and reveals nothing; the ticket is
 * checked when the applet connects ($connect).
 */
export interface AppletDownloadOptions {
  readonly siteDirectory: string;
  /** APPLET_FILE_PREFIX, e.g. RemoteSupport. */
  readonly filePrefix: string;
  /** Evaluated per download because the port is known only after listen. */
  readonly serverConfig: () => AppletServerConfig;
  readonly headers: () => Record<string, string>;
}

/**
 * Size of the Node.js script as this server hands it out (the baked-in config is part of it);
 * undefined when the site folder has no applet (a test's hand-made site), which then offers none.
 */
export async function nodeScriptBytes(siteDirectory: string, config: AppletServerConfig): Promise<number | undefined> {
  const bundle = await readFile(path.join(siteDirectory, 'applet', appletBundleName), 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  return bundle === undefined ? undefined : Buffer.byteLength(embedServerConfig(bundle, config), 'utf8');
}

export type AppletDownload = (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<void>;

export function createAppletDownload(options: AppletDownloadOptions): AppletDownload {
  const escapedPrefix = options.filePrefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const namePattern = new RegExp(`^/applet/(${escapedPrefix}_([A-Za-z0-9_-]{22,64})\\.cjs)$`);
  const bundlePath = path.join(options.siteDirectory, 'applet', appletBundleName);

  return async (request, response, pathname) => {
    const headers = options.headers();
    const match = namePattern.exec(pathname);
    const ticket = match?.[2];
    if (!ticket || (request.method !== 'GET' && request.method !== 'HEAD')) return sendNotFoundPage(response, headers);
    // Read per download so that a rebuilt applet is served without a restart.
    const bundle = await readFile(bundlePath, 'utf8');
    const content = Buffer.from(embedServerConfig(bundle, options.serverConfig()), 'utf8');
    const fileName = appletFileName(options.filePrefix, ticket);
    response.writeHead(200, {
      ...headers,
      'content-type': 'application/javascript; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName}"`,
      'content-length': content.length,
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : content);
  };
}
