#!/usr/bin/env -S npx tsx
import { App } from 'aws-cdk-lib';
import { createApp } from '../lib/app.ts';
import { DeploymentOptionError } from '../lib/deployment-options.ts';
import { buildSite, defaultSiteDirectory } from '../scripts/build-site.ts';

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
  createApp({
    app,
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
