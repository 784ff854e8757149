/**
 * `npm run build:apps -- [options]`: the support app for every platform
 * (docs/support-app.md). Without a server it only fills the build cache; with
 * one it writes dist/apps/ for that deployment: configured, signed where a
 * certificate is configured, and a manifest the CDK stack uploads from.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { webSocketUrlForOrigin, type AppletServerConfig } from '../applet/server-config.ts';
import {
  appsManifestName,
  buildUnconfiguredApps,
  configureApps,
  defaultAppCacheDirectory,
  defaultAppsOutputDirectory,
  sha256,
  writeGzipCopy,
  type AppsManifest,
} from '../applet/native/build-apps.ts';
import { appPlatforms, isAppPlatform, pinnedNodeVersion, type AppPlatform } from '../applet/native/platforms.ts';
import { signApp, signingSettingsFrom } from '../applet/native/signing.ts';

const usage = `Usage: npm run build:apps -- [options]
  --server <origin>        the deployment's site origin, e.g. https://support.example.com
  --ws-url <url>           its WebSocket URL (default: <origin>/ws, the local runtime's)
  --outputs-file <file>    take both from \`cdk deploy --outputs-file <file>\` (PinPageUrl, WebSocketUrl)
  --platforms <list>       comma-separated, default ${appPlatforms.join(',')}
  --out <dir>              default dist/apps
Signing (environment): WINDOWS_SIGNING_PFX, WINDOWS_SIGNING_PASSWORD, WINDOWS_TIMESTAMP_URL; MACOS_SIGNING_IDENTITY (on macOS)`;

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    'ws-url': { type: 'string' },
    'outputs-file': { type: 'string' },
    platforms: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const platforms = (values.platforms?.split(',').map((name) => name.trim()) ?? [...appPlatforms]).filter(Boolean);
const unknown = platforms.filter((name) => !isAppPlatform(name));
if (unknown.length > 0) {
  console.error(`unknown platform ${unknown.join(', ')}; choose from ${appPlatforms.join(', ')}`);
  process.exit(2);
}

const serverConfig = await serverConfigFromArguments();
const started = Date.now();
const apps = await buildUnconfiguredApps(platforms as AppPlatform[], defaultAppCacheDirectory, (line) => console.log(line));
console.log(
  `apps built from Node ${pinnedNodeVersion} in ${((Date.now() - started) / 1000).toFixed(1)} s (cache: ${path.relative(process.cwd(), apps.directory)})`,
);

if (!serverConfig) {
  console.log("No --server given: the apps are in the cache only, without a server. Pass the deployment's addresses to write dist/apps.");
} else {
  const outDir = path.resolve(values.out ?? defaultAppsOutputDirectory);
  await rm(outDir, { recursive: true, force: true });
  const configured = await configureApps(apps, serverConfig, outDir);
  const settings = signingSettingsFrom(process.env);
  const entries: AppsManifest['apps'][number][] = [];
  for (const app of configured) {
    const outcome = await signApp(app.platform, app.file, settings);
    const bytes = await readFile(app.file);
    console.log(`${app.platform}: ${outcome.note}`);
    const relativePath = path.relative(outDir, app.file);
    const gzipBytes = await writeGzipCopy(outDir, relativePath, bytes);
    entries.push({
      platform: app.platform,
      path: relativePath,
      bytes: bytes.length,
      gzipBytes,
      sha256: sha256(bytes),
      signature: outcome.signature,
    });
  }
  const manifest: AppsManifest = { nodeVersion: pinnedNodeVersion, serverConfig, builtAt: new Date().toISOString(), apps: entries };
  await writeFile(path.join(outDir, appsManifestName), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const entry of entries) {
    console.log(
      `${entry.platform.padEnd(12)} ${(entry.bytes / 1e6).toFixed(1).padStart(6)} MB  gzip ${((entry.gzipBytes ?? 0) / 1e6).toFixed(1).padStart(5)} MB  ${entry.signature}`,
    );
  }
  console.log(`apps for ${serverConfig.httpOrigin} written to ${path.relative(process.cwd(), outDir)}`);
}

async function serverConfigFromArguments(): Promise<AppletServerConfig | undefined> {
  if (values['outputs-file']) {
    const outputs = JSON.parse(await readFile(values['outputs-file'], 'utf8')) as Record<string, Record<string, string>>;
    const stack = Object.values(outputs).find((candidate) => candidate.PinPageUrl && candidate.WebSocketUrl);
    if (!stack) throw new Error(`${values['outputs-file']} has no stack with PinPageUrl and WebSocketUrl outputs`);
    return { httpOrigin: new URL(stack.PinPageUrl!).origin, webSocketUrl: stack.WebSocketUrl! };
  }
  if (!values.server) return undefined;
  const origin = new URL(values.server).origin;
  return { httpOrigin: origin, webSocketUrl: values['ws-url'] ? new URL(values['ws-url']).toString() : webSocketUrlForOrigin(origin) };
}
