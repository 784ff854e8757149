import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { APPLET_CONFIG_PLACEHOLDER } from '../../applet/server-config.ts';
import { createApp } from '../../lib/app.ts';
import type { RemoteSupportStack } from '../../lib/remote-support-stack.ts';

/** A minimal built site (what scripts/build-site.ts produces), so these tests need no web build. */
export function siteFixture(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'site-fixture-'));
  mkdirSync(path.join(directory, 'console'));
  mkdirSync(path.join(directory, 'applet'));
  writeFileSync(path.join(directory, 'index.html'), '<!doctype html><title>PIN</title>');
  writeFileSync(path.join(directory, 'console', 'index.html'), '<!doctype html><title>Console</title>');
  writeFileSync(path.join(directory, 'applet', 'RemoteSupport.cjs'), `const config = "${APPLET_CONFIG_PLACEHOLDER}";\n`);
  return directory;
}

/** A dist/apps as `npm run build:apps -- --server <origin>` leaves it, with stand-in files. */
export function appsFixture(httpOrigin: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'apps-fixture-'));
  const apps = [
    {
      platform: 'windows-x64',
      path: 'windows-x64/RemoteSupport.exe',
      bytes: 87_312_640,
      gzipBytes: 34_000_000,
      sha256: 'a'.repeat(64),
      signature: 'authenticode',
    },
    {
      platform: 'linux-x64',
      path: 'linux-x64/RemoteSupport',
      bytes: 125_045_952,
      gzipBytes: 42_700_000,
      sha256: 'b'.repeat(64),
      signature: 'unsigned',
    },
  ];
  for (const app of apps) {
    mkdirSync(path.join(directory, 'gzip', path.dirname(app.path)), { recursive: true });
    writeFileSync(path.join(directory, 'gzip', app.path), 'stand-in');
  }
  const manifest = {
    nodeVersion: '22.23.2',
    serverConfig: { httpOrigin, webSocketUrl: 'wss://abc.execute-api.eu-central-1.amazonaws.com/prod' },
    builtAt: '2026-12-01T00:00:00Z',
    apps,
  };
  writeFileSync(path.join(directory, 'manifest.json'), JSON.stringify(manifest));
  return directory;
}

export interface Synthesized {
  readonly stack: RemoteSupportStack;
  readonly template: Template;
}

/** Synthesizes the app as `cdk synth` would, but with placeholder function code (no esbuild). */
export function synthesize(context: Record<string, unknown> = {}, region = 'eu-central-1', appsDirectory?: string): Synthesized {
  const siteDirectory = siteFixture();
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-out-'));
  try {
    const { stack } = createApp({
      siteDirectory,
      handlerCode: 'placeholder',
      appsDirectory,
      // Stack traces on every construct make synthesis slower; tests do not read them.
      context: { 'aws:cdk:disable-stack-trace': true, ...context },
      outdir,
      env: { region },
    });
    return { stack, template: Template.fromStack(stack) };
  } finally {
    // The assembly holds a 20 MB copy of CDK's AWS CLI layer; the template is in memory now.
    rmSync(outdir, { recursive: true, force: true });
    rmSync(siteDirectory, { recursive: true, force: true });
  }
}
