import { homedir } from 'node:os';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, chmod, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildAppMainScript } from '../build.ts';
import { writeServerConfigIntoApp, type AppletServerConfig } from '../server-config.ts';
import { inspectExecutable, problemsWithApp, seaMachoSegment, seaResourceName, seaSentinelFuse } from './executable-format.ts';
import { nativeAddonAssets, robotjsVersion, wrtcVersion } from './native-addons.ts';
import { nodeBinaryFor } from './node-runtime.ts';
import { hostAppPlatform, nodeRuntimes, pinnedNodeVersion, type AppPlatform } from './platforms.ts';
import { gzipDirectoryName, type Signature } from './manifest.ts';
export { appsManifestName, type AppsManifest } from './manifest.ts';

const run = promisify(execFile);
const postjectCli = createRequire(import.meta.url).resolve('postject/dist/cli.js');

/**
 * Outside git (.gitignore): Node binaries and unconfigured builds, about 1.1 GB with all five.
 * SUPPORT_APP_CACHE moves it, e.g. to a folder CI keeps between fresh clones.
 */
// In the user's cache, not the clone: a fresh clone of the same machine (CI) reuses the Node binaries and builds.
export const defaultAppCacheDirectory = path.resolve(
  process.env.SUPPORT_APP_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'pin-remote-support', 'sea'),
);
export const defaultAppsOutputDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'apps');

/** The file every platform's app is stored as; downloads rename it to carry the ticket. */
export function appFileName(platform: AppPlatform): string {
  return `RemoteSupport${nodeRuntimes[platform].fileSuffix}`;
}

export interface UnconfiguredApps {
  /** Directory holding `<platform>/RemoteSupport[.exe]`, with an empty server-config slot. */
  readonly directory: string;
  readonly files: ReadonlyMap<AppPlatform, string>;
}

export interface BuildLog {
  (line: string): void;
}

/**
 * Builds the support app for each platform as a Node single-executable
 * application: the applet bundle becomes the SEA blob (made by the pinned
 * Node itself), postject injects it into that platform's official binary.
 * The result has no server config yet (an empty slot) and is cached under
 * `<cacheDir>/apps/<key>/`, the key being the hash of the main script and the
 * Node version: a second build of unchanged sources reuses it (decision 0831).
 * Older keys are deleted, so the cache holds one build.
 */
export async function buildUnconfiguredApps(
  platforms: readonly AppPlatform[],
  cacheDir: string,
  log: BuildLog = () => undefined,
): Promise<UnconfiguredApps> {
  const appsRoot = path.join(cacheDir, 'apps');
  await mkdir(appsRoot, { recursive: true });
  // Names unique to this process: parallel test workers may build at the same time; renames publish atomically.
  const unique = `${process.pid}-${Date.now()}`;
  const scratchScript = path.join(appsRoot, `main-${unique}.cjs`);
  await buildAppMainScript(scratchScript);
  const script = await readFile(scratchScript);
  const key = createHash('sha256')
    .update(`${pinnedNodeVersion}\0wrtc ${wrtcVersion}\0robotjs ${robotjsVersion}\0`)
    .update(script)
    .digest('hex')
    .slice(0, 16);
  const directory = path.join(appsRoot, key);
  await pruneOtherBuilds(appsRoot, key);
  await mkdir(directory, { recursive: true });
  const mainScript = path.join(directory, 'main.cjs');
  await rename(scratchScript, mainScript);

  const files = new Map<AppPlatform, string>();
  for (const platform of platforms) {
    const target = path.join(directory, platform, appFileName(platform));
    const done = `${target}.built`;
    if (!(await exists(done))) {
      // One blob per platform: each carries only its own native libraries.
      const assets = await nativeAddonAssets(platform, cacheDir, log);
      const blob = await seaBlob(mainScript, directory, `${platform}-${unique}`, cacheDir, log, assets);
      log(`${platform}: injecting the app into Node ${pinnedNodeVersion}`);
      try {
        await injectBlob(platform, blob, target, cacheDir, log);
      } finally {
        for (const scratch of [blob, path.join(directory, `sea-config-${platform}-${unique}.json`)]) await rm(scratch, { force: true });
      }
      await writeFile(done, `${new Date().toISOString()}\n`);
    }
    files.set(platform, target);
  }
  return { directory, files };
}

async function seaBlob(
  mainScript: string,
  directory: string,
  unique: string,
  cacheDir: string,
  log: BuildLog,
  assets: Record<string, string>,
): Promise<string> {
  const host = hostAppPlatform();
  if (!host)
    throw new Error(
      `building the apps needs a machine Node ${pinnedNodeVersion} runs on (${process.platform}/${process.arch} is not one of them)`,
    );
  const node = await nodeBinaryFor(host, cacheDir, log);
  const blob = path.join(directory, `sea-prep-${unique}.blob`);
  const config = path.join(directory, `sea-config-${unique}.json`);
  await writeFile(
    config,
    JSON.stringify({
      main: mainScript,
      output: blob,
      disableExperimentalSEAWarning: true,
      // Snapshots and code caches are specific to the platform that made them; the blob serves five.
      useSnapshot: false,
      useCodeCache: false,
      // The customer's NODE_OPTIONS must not reach into the app (e.g. --require of a foreign script).
      execArgvExtension: 'none',
      // Native libraries (WebRTC, screen and input), extracted and loaded with process.dlopen (applet/src/native-addons.ts).
      assets,
    }),
  );
  await run(node, ['--experimental-sea-config', config], { cwd: directory });
  return blob;
}

async function injectBlob(platform: AppPlatform, blob: string, target: string, cacheDir: string, log: BuildLog): Promise<void> {
  const node = await nodeBinaryFor(platform, cacheDir, log);
  await mkdir(path.dirname(target), { recursive: true });
  const working = `${target}.${process.pid}.partial`;
  await copyFile(node, working);
  await chmod(working, 0o755);
  const format = nodeRuntimes[platform].format;
  if (format === 'mach-o' && process.platform === 'darwin') {
    // Node's signature would be invalid after the injection; the signing step adds the new one.
    await run('codesign', ['--remove-signature', working]);
  }
  const macho = format === 'mach-o' ? ['--macho-segment-name', seaMachoSegment] : [];
  await run(process.execPath, [postjectCli, working, seaResourceName, blob, '--sentinel-fuse', seaSentinelFuse, ...macho], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const problems = problemsWithApp(platform, inspectExecutable(await readFile(working)));
  if (problems.length > 0) throw new Error(`the ${platform} build is not a valid app: ${problems.join('; ')}`);
  await rename(working, target);
}

async function pruneOtherBuilds(appsRoot: string, keep: string): Promise<void> {
  for (const entry of await readdir(appsRoot, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== keep) await rm(path.join(appsRoot, entry.name), { recursive: true, force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export interface ConfiguredApp {
  readonly platform: AppPlatform;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes?: number;
  readonly sha256: string;
  readonly signature: Signature;
}

/**
 * Copies the apps into `outDir` with this deployment's server written into
 * their slot, so that what is downloaded later is never changed again (and a
 * signature made after this step stays valid).
 */
export async function configureApps(apps: UnconfiguredApps, config: AppletServerConfig, outDir: string): Promise<ConfiguredApp[]> {
  const configured: ConfiguredApp[] = [];
  for (const [platform, source] of apps.files) {
    const file = path.join(outDir, platform, appFileName(platform));
    await mkdir(path.dirname(file), { recursive: true });
    const bytes = writeServerConfigIntoApp(await readFile(source), config);
    await writeFile(file, bytes, { mode: 0o755 });
    await chmod(file, 0o755);
    configured.push({ platform, file, bytes: bytes.length, sha256: sha256(bytes), signature: 'unsigned' });
  }
  return configured;
}

/**
 * The gzip copy CloudFront serves (it compresses only objects up to 10 MB by
 * itself), written after signing so it holds the signed bytes.
 */
export async function writeGzipCopy(outDir: string, relativePath: string, bytes: Buffer): Promise<number> {
  const file = path.join(outDir, gzipDirectoryName, relativePath);
  await mkdir(path.dirname(file), { recursive: true });
  const compressed = gzipSync(bytes, { level: 9 });
  await writeFile(file, compressed);
  return compressed.length;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
