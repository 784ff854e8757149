#!/usr/bin/env -S npx tsx
import { existsSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { appsManifestName } from '../applet/native/manifest.ts';
import { createApp } from '../lib/app.ts';
import { DeploymentOptionError } from '../lib/deployment-options.ts';
import { buildSite, defaultSiteDirectory } from '../scripts/build-site.ts';

const defaultAppsOutputDirectory = path.join(path.dirname(defaultSiteDirectory), 'apps');

// `cdk synth|deploy` runs this file. The site is built fresh so the upload matches the source;
// -c siteDirectory=<dir> uses a prebuilt one, -c handlerCode=placeholder skips esbuild.
async function main(): Promise<void> {
  const app = new App();
  const handlerCode = String(app.node.tryGetContext('handlerCode') ?? 'bundled');
  if (handlerCode !== 'bundled' && handlerCode !== 'placeholder') {
    throw new DeploymentOptionError(`context "handlerCode" must be bundled or placeholder, got "${handlerCode}"`);
  }
  const prebuilt = app.node.tryGetContext('siteDirectory') as string | undefined;
  const siteDirectory = prebuilt ? String(prebuilt) : await buildSite(defaultSiteDirectory);
  // The apps go up when build:apps wrote them (dist/apps/manifest.json), or from -c appsDirectory=<dir>.
  const appsDirectory = String(app.node.tryGetContext('appsDirectory') ?? defaultAppsOutputDirectory);
  createApp({
    app,
    siteDirectory,
    handlerCode,
    appsDirectory: existsSync(path.join(appsDirectory, appsManifestName)) ? appsDirectory : undefined,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION },
  });
  app.synth();
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`remote-support: ${message}`);
  process.exitCode = 1;
});
