import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildUnconfiguredApps, defaultAppCacheDirectory, type UnconfiguredApps } from '../../applet/native/build-apps.ts';
import { inspectExecutable, problemsWithApp } from '../../applet/native/executable-format.ts';
import { appGzipBudgetBytes, type AppPlatform } from '../../applet/native/platforms.ts';
import { APPLET_CONFIG_PLACEHOLDER, decodeServerConfig, writeServerConfigIntoApp } from '../../applet/server-config.ts';

/**
 * The builds this machine cannot run (and linux-x64, which the session test
 * runs), checked by their structure: the right
 * executable format and machine, the SEA blob where Node looks for it, the
 * fuse flipped, our script inside, and the gzip size within budget. Built
 * once (several minutes on a busy machine), then taken from the cache.
 */
const foreign: readonly AppPlatform[] = ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-arm64', 'linux-x64'];
let apps: UnconfiguredApps;

beforeAll(async () => {
  apps = await buildUnconfiguredApps(foreign, defaultAppCacheDirectory);
}, 900_000);

describe.each(foreign)('the %s app', (platform) => {
  it('is a valid executable for its system with the SEA blob injected, within the size budget', async () => {
    const bytes = await readFile(apps.files.get(platform)!);
    expect(problemsWithApp(platform, inspectExecutable(bytes))).toEqual([]);
    expect(bytes.includes(Buffer.from(APPLET_CONFIG_PLACEHOLDER))).toBe(true);
    expect(gzipSync(bytes, { level: 6 }).length).toBeLessThanOrEqual(appGzipBudgetBytes);
  });

  it('takes a server config in its slot without changing size or structure', async () => {
    const bytes = await readFile(apps.files.get(platform)!);
    const config = { httpOrigin: 'https://support.example.com', webSocketUrl: 'wss://abc123.execute-api.eu-central-1.amazonaws.com/prod' };
    const configured = writeServerConfigIntoApp(bytes, config);
    expect(configured.length).toBe(bytes.length);
    expect(problemsWithApp(platform, inspectExecutable(configured))).toEqual([]);
    expect(configured.includes(Buffer.from(APPLET_CONFIG_PLACEHOLDER))).toBe(false);
    const at = configured.indexOf(Buffer.from(Buffer.from(JSON.stringify(config)).toString('base64')));
    expect(decodeServerConfig(configured.toString('latin1', at, at + 1024))).toEqual(config);
    expect(() => writeServerConfigIntoApp(configured, config)).toThrow(/no empty server-config slot/);
  });
});

describe('an executable that is not an app', () => {
  it('is told apart: the plain Node binary has no blob, and junk is no executable', async () => {
    const plainNode = await readFile(process.execPath);
    const facts = inspectExecutable(plainNode);
    expect(facts?.fuseFlipped).toBe(false);
    expect(problemsWithApp('linux-x64', facts)).toContain('linux-x64: the SEA fuse is not flipped');
    expect(problemsWithApp('windows-x64', inspectExecutable(Buffer.from('MZ not really')))).toEqual([
      'windows-x64: not a PE, Mach-O or ELF executable',
    ]);
  });
});
