#!/usr/bin/env -S npx tsx
import { createApp } from '../lib/app.ts';
import { DeploymentOptionError } from '../lib/deployment-options.ts';
import { buildSite, defaultSiteDirectory } from '../scripts/build-site.ts';

// `cdk synth|deploy` runs this file. The site is built fresh so the upload matches the source;
// -c siteDirectory=<dir> uses a prebuilt one, -c handlerCode=placeholder skips esbuild.
async function main(): Promise<void> {
  const context = (name: string): string | undefined => {
    const raw = process.env.CDK_CONTEXT_JSON;
    if (!raw) return undefined;
    const value = (JSON.parse(raw) as Record<string, unknown>)[name];
    return value === undefined ? undefined : String(value);
  };
  const handlerCode = context('handlerCode') ?? 'bundled';
  if (handlerCode !== 'bundled' && handlerCode !== 'placeholder') {
    throw new DeploymentOptionError(`context "handlerCode" must be bundled or placeholder, got "${handlerCode}"`);
  }
  const siteDirectory = context('siteDirectory') ?? (await buildSite(defaultSiteDirectory));
  const { app } = createApp({
    siteDirectory,
    handlerCode,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION },
  });
  app.synth();
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`remote-support: ${message}`);
  process.exitCode = 1;
});
