import { rmSync } from 'node:fs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { environmentVariables } from '#domain/config';
import { appsFixture, synthesize, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

const customDomain = { domainName: 'support.example.com', certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' };
let appsDirectory: string;
let synthesized: Synthesized;
let resources: Record<string, Resource>;

beforeAll(() => {
  appsDirectory = appsFixture('https://support.example.com');
  synthesized = synthesize(customDomain, 'eu-central-1', appsDirectory);
  resources = synthesized.template.toJSON().Resources as Record<string, Resource>;
}, 120_000);

afterAll(() => rmSync(appsDirectory, { recursive: true, force: true }));

const deployments = () => Object.values(resources).filter((resource) => resource.Type === 'Custom::CDKBucketDeployment');

describe('the support apps in AWS', () => {
  it('uploads the gzip copies to applet/ with Content-Encoding gzip and invalidates only /applet/*', () => {
    const apps = deployments().find((resource) => resource.Properties.DestinationBucketKeyPrefix === 'applet/');
    expect(apps?.Properties).toMatchObject({ Prune: true, DistributionPaths: ['/applet/*'], Exclude: ['RemoteSupport.cjs'] });
    expect(JSON.stringify(apps?.Properties.SystemMetadata)).toContain('"content-encoding":"gzip"');
    // Nothing is substituted into an app at deploy time: it is uploaded as build:apps left (and signed) it.
    expect(apps?.Properties.SourceMarkers).toBeUndefined();
    const site = deployments().find((resource) => resource.Properties.DestinationBucketKeyPrefix === undefined);
    expect(site?.Properties.Exclude).toEqual(['applet/*/*']);
  });

  it('tells redeem every download and its size', () => {
    const redeem = Object.values(resources).find(
      (resource) => resource.Type === 'AWS::Lambda::Function' && String(resource.Properties.Description).startsWith('redeem-pin ('),
    );
    const variables = (redeem?.Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(JSON.parse(variables[environmentVariables.appletDownloads]!)).toEqual([
      { platform: 'windows-x64', bytes: 87_312_640 },
      { platform: 'linux-x64', bytes: 125_045_952 },
      { platform: 'node', bytes: expect.any(Number) },
    ]);
  });

  it('reports no unacknowledged cdk-nag finding with the second deployment', () => {
    const report = new AwsSolutionsChecks().validateScope(synthesized.stack);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it("refuses apps built for another deployment's address", () => {
    const foreign = appsFixture('https://other.example.org');
    try {
      expect(() => synthesize(customDomain, 'eu-central-1', foreign)).toThrow(
        /built for https:\/\/other\.example\.org, but this deployment is https:\/\/support\.example\.com/,
      );
    } finally {
      rmSync(foreign, { recursive: true, force: true });
    }
  });
});
