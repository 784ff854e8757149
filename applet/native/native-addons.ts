/**
 * The native libraries each platform's app carries as SEA assets (decision
 * 0860): libwebrtc from `@roamhq/wrtc-<os>-<arch>` (one registry package per
 * platform, fetched with `npm pack` like the Node binaries) and the
 * screen/input library from `@jitsi/robotjs`, whose one package holds the
 * prebuilt files of every platform.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AppPlatform } from './platforms.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Pinned with the package.json entries; a new version means a new cache folder. */
export const wrtcVersion = '0.10.0';
export const robotjsVersion = '0.6.24';

const triples: Readonly<Record<AppPlatform, { readonly wrtc: string; readonly robotjs: string }>> = {
  'windows-x64': { wrtc: 'win32-x64', robotjs: 'win32-x64' },
  'macos-arm64': { wrtc: 'darwin-arm64', robotjs: 'darwin-x64+arm64' },
  'macos-x64': { wrtc: 'darwin-x64', robotjs: 'darwin-x64+arm64' },
  'linux-x64': { wrtc: 'linux-x64', robotjs: 'linux-x64' },
  'linux-arm64': { wrtc: 'linux-arm64', robotjs: 'linux-arm64' },
};

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    (found) => found.size > 0,
    () => false,
  );
}

/** SEA asset name → file on this machine, for one platform's blob. */
export async function nativeAddonAssets(
  platform: AppPlatform,
  cacheDir: string,
  log: (line: string) => void = () => undefined,
): Promise<Record<string, string>> {
  const triple = triples[platform];
  const robotjs = path.join(
    path.dirname(require.resolve('@jitsi/robotjs/package.json')),
    'prebuilds',
    triple.robotjs,
    '@jitsi+robotjs.node',
  );
  if (!(await exists(robotjs))) throw new Error(`@jitsi/robotjs has no prebuilt library for ${platform} (${robotjs})`);
  return { 'robotjs.node': robotjs, 'wrtc.node': await wrtcLibrary(triple.wrtc, cacheDir, log) };
}

async function wrtcLibrary(triple: string, cacheDir: string, log: (line: string) => void): Promise<string> {
  const packageName = `@roamhq/wrtc-${triple}`;
  try {
    // The host's own package is installed already (an optional dependency of @roamhq/wrtc).
    const installed = path.join(path.dirname(require.resolve(`${packageName}/package.json`)), 'wrtc.node');
    if (await exists(installed)) return installed;
  } catch {
    // Not this machine's platform: fetched below.
  }
  const directory = path.join(cacheDir, `wrtc-${wrtcVersion}`, triple);
  const library = path.join(directory, 'wrtc.node');
  if (await exists(library)) return library;
  await mkdir(cacheDir, { recursive: true });
  const scratch = await mkdtemp(path.join(cacheDir, 'fetch-'));
  try {
    const spec = `${packageName}@${wrtcVersion}`;
    log(`fetching ${spec} from the npm registry`);
    await run('npm', ['pack', spec, '--pack-destination', scratch, '--ignore-scripts', '--silent'], { maxBuffer: 16 * 1024 * 1024 });
    const tarball = (await readdir(scratch)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${spec} produced no tarball`);
    await run('tar', ['-xzf', path.join(scratch, tarball), '-C', scratch, 'package/wrtc.node']);
    await mkdir(directory, { recursive: true });
    await rename(path.join(scratch, 'package', 'wrtc.node'), library);
    return library;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
