import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppletServerConfig } from '../server-config.ts';
import { isAppPlatform, type AppPlatform } from './platforms.ts';

export type Signature = 'authenticode' | 'developer-id' | 'ad-hoc' | 'unsigned';

export const appsManifestName = 'manifest.json';
/** Next to the apps: each one gzip-compressed under the same name, uploaded with Content-Encoding: gzip. */
export const gzipDirectoryName = 'gzip';

/** What `build:apps` leaves next to the apps: the stack reads it to upload them and to tell redeem their sizes. */
export interface AppsManifest {
  readonly nodeVersion: string;
  readonly serverConfig: AppletServerConfig;
  readonly builtAt: string;
  readonly apps: readonly {
    readonly platform: AppPlatform;
    /** Path relative to the manifest, e.g. windows-x64/RemoteSupport.exe. */
    readonly path: string;
    readonly bytes: number;
    readonly gzipBytes?: number;
    readonly sha256: string;
    readonly signature: Signature;
  }[];
}

/** The manifest of a dist/apps folder, or undefined when there is none; a damaged one is an error, not a silent skip. */
export function readAppsManifest(directory: string): AppsManifest | undefined {
  const file = path.join(directory, appsManifestName);
  if (!existsSync(file)) return undefined;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as AppsManifest;
  if (
    !manifest.serverConfig?.httpOrigin ||
    !Array.isArray(manifest.apps) ||
    manifest.apps.some((app: AppsManifest['apps'][number]) => !isAppPlatform(app.platform) || !(app.bytes > 0))
  ) {
    throw new Error(`${file} is not a manifest written by npm run build:apps`);
  }
  return manifest;
}
