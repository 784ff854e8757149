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

export interface Synthesized {
  readonly stack: RemoteSupportStack;
  readonly template: Template;
}

/** Synthesizes the app as `cdk synth` would, but with placeholder function code (no esbuild). */
export function synthesize(context: Record<string, unknown> = {}, region = 'eu-central-1'): Synthesized {
  const siteDirectory = siteFixture();
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-out-'));
  try {
    const { stack } = createApp({
      siteDirectory,
      handlerCode: 'placeholder',
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
