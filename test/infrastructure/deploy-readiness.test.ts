import { beforeAll, describe, expect, it } from '@jest/globals';
import { explained } from '../support/explained.ts';
import { readFileSync } from 'node:fs';
import { scheduledJobs } from '#routes';
import { apiForwardedHeaders } from '../../lib/constructs/site.ts';
import { synthesize, type Synthesized } from './synth.ts';

/**
 * What the template must hold so the stack deploys, in any account and region, and can be
 * operated: rotation that reaches CloudFront, the viewer address forwarded, names valid and
 * unique, alarms, retention, tags, least grants.
 */
type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

function resourcesOf(synthesized: Synthesized): Record<string, Resource> {
  return synthesized.template.toJSON().Resources as Record<string, Resource>;
}

function ofType(resources: Record<string, Resource>, type: string): Resource[] {
  return Object.values(resources).filter((resource) => resource.Type === type);
}

/** The names of the account-wide CloudFront resources (policies, origin access control). */
function cloudFrontNames(resources: Record<string, Resource>): string[] {
  const configs: [string, string][] = [
    ['AWS::CloudFront::OriginAccessControl', 'OriginAccessControlConfig'],
    ['AWS::CloudFront::ResponseHeadersPolicy', 'ResponseHeadersPolicyConfig'],
    ['AWS::CloudFront::OriginRequestPolicy', 'OriginRequestPolicyConfig'],
    ['AWS::CloudFront::CachePolicy', 'CachePolicyConfig'],
  ];
  return configs.flatMap(([type, key]) => ofType(resources, type).map((resource) => (resource.Properties[key] as { Name: string }).Name));
}

function distributionOf(resources: Record<string, Resource>): {
  Origins: { OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[] }[];
} {
  return ofType(resources, 'AWS::CloudFront::Distribution')[0]!.Properties.DistributionConfig as never;
}

let standard: Record<string, Resource>;

beforeAll(() => {
  standard = resourcesOf(synthesize());
}, 120_000);

describe('origin-verify rotation', () => {
  it('a new secret version changes the distribution, so the deploy hands CloudFront the new value', () => {
    const rotated = resourcesOf(synthesize({ originVerifySecretVersion: '6f1c2a9e-0a11-4c1e-9a57-a11ce0000042' }));
    const header = (resources: Record<string, Resource>) =>
      JSON.stringify(
        distributionOf(resources)
          .Origins.flatMap((origin) => origin.OriginCustomHeaders ?? [])
          .find((h) => h.HeaderName === 'x-origin-verify')!.HeaderValue,
      );
    expect(header(rotated)).toContain(':SecretString:::6f1c2a9e-0a11-4c1e-9a57-a11ce0000042}}');
    expect(header(rotated)).not.toEqual(header(standard));
    expect(header(standard)).toMatch(/\{\{resolve:secretsmanager:/);
  }, 120_000);
});

describe('the API behaviour of the distribution', () => {
  it('forwards CloudFront-Viewer-Address and the headers the API reads by name, never Host, and Authorization through the cache key', () => {
    const policy = ofType(standard, 'AWS::CloudFront::OriginRequestPolicy')[0]!.Properties.OriginRequestPolicyConfig as {
      HeadersConfig: { HeaderBehavior: string; Headers: string[] };
      QueryStringsConfig: { QueryStringBehavior: string };
    };
    expect(policy.HeadersConfig.HeaderBehavior).toBe('whitelist');
    expect(policy.HeadersConfig.Headers).toContain('CloudFront-Viewer-Address');
    expect([...policy.HeadersConfig.Headers].sort()).toEqual([...apiForwardedHeaders].sort());
    expect(policy.HeadersConfig.Headers.map((name) => name.toLowerCase())).not.toContain('host');
    expect(policy.QueryStringsConfig.QueryStringBehavior).toBe('all');
    const cache = ofType(standard, 'AWS::CloudFront::CachePolicy')[0]!.Properties.CachePolicyConfig as {
      DefaultTTL: number;
      MaxTTL: number;
      ParametersInCacheKeyAndForwardedToOrigin: { HeadersConfig: { Headers: string[] } };
    };
    expect(cache.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig.Headers).toEqual(['Authorization']);
    expect([cache.DefaultTTL, cache.MaxTTL]).toEqual([0, 1]);
  });
});

describe('names valid and unique in any account', () => {
  it('gives the CloudFront resources of the same stack in two regions different names', () => {
    const frankfurt = cloudFrontNames(standard);
    const virginia = cloudFrontNames(resourcesOf(synthesize({}, 'us-east-1')));
    expect(frankfurt).toHaveLength(4);
    expect(frankfurt.filter((name) => virginia.includes(name))).toEqual([]);
  }, 120_000);

  it('keeps every name and the Cognito domain prefix within their limits for a 100-character stack name', () => {
    const longName = `R${'e'.repeat(89)}motesuppo`;
    expect(longName).toHaveLength(99);
    const long = resourcesOf(synthesize({ stackName: `${longName}x` }));
    const limits: Record<string, number> = {
      'AWS::CloudFront::OriginAccessControl': 64,
      'AWS::CloudFront::ResponseHeadersPolicy': 128,
      'AWS::CloudFront::OriginRequestPolicy': 128,
      'AWS::CloudFront::CachePolicy': 128,
    };
    expect(cloudFrontNames(long)).toHaveLength(4);
    for (const [type, limit] of Object.entries(limits)) {
      for (const name of cloudFrontNames(Object.fromEntries(Object.entries(long).filter(([, resource]) => resource.Type === type)))) {
        explained(type, () => expect(name.length).toBeLessThanOrEqual(limit));
      }
    }
    const domain = ofType(long, 'AWS::Cognito::UserPoolDomain')[0]!.Properties.Domain as { 'Fn::Join': [string, [string, unknown]] };
    const prefix = domain['Fn::Join'][1][0];
    // The account id (12 digits) and its dash follow.
    expect(prefix.length + 1 + 12).toBeLessThanOrEqual(63);
    expect(prefix).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  }, 120_000);

  it('names the two APIs apart, after the stack', () => {
    const names = ofType(standard, 'AWS::ApiGatewayV2::Api')
      .map((api) => api.Properties.Name)
      .sort();
    expect(names).toEqual(['RemoteSupport-http', 'RemoteSupport-websocket']);
  });

  it('keeps Cognito’s reserved words out of the default domain prefix', () => {
    const aws = resourcesOf(synthesize({ stackName: 'AwsCognitoSupport' }));
    const domain = ofType(aws, 'AWS::Cognito::UserPoolDomain')[0]!.Properties.Domain as { 'Fn::Join': [string, [string, unknown]] };
    expect(domain['Fn::Join'][1][0]).not.toMatch(/aws|amazon|cognito/);
  }, 120_000);
});

describe('what operations expects', () => {
  it('raises alarms for API 5xx and latency, DynamoDB throttles and system errors, and a sweeper that stopped', () => {
    const alarms = ofType(standard, 'AWS::CloudWatch::Alarm').map((alarm) => alarm.Properties);
    const byMetric = (namespace: string, metricName: string) =>
      alarms.filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === metricName);
    expect(byMetric('AWS/ApiGateway', '5xx')).toHaveLength(1);
    expect(byMetric('AWS/ApiGateway', 'Latency')).toHaveLength(1);
    expect(byMetric('AWS/DynamoDB', 'SystemErrors')).toHaveLength(1);
    expect(byMetric('AWS/DynamoDB', 'ReadThrottleEvents')).toHaveLength(1);
    expect(byMetric('AWS/DynamoDB', 'WriteThrottleEvents')).toHaveLength(1);
    const sweeper = byMetric('AWS/Lambda', 'Invocations');
    expect(sweeper).toHaveLength(1);
    expect(sweeper[0]).toMatchObject({ ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    expect(String(sweeper[0]!.AlarmDescription)).toContain(scheduledJobs[0]!.name);
  });

  it('raises a CloudFront 5xx alarm where CloudFront’s metrics are (us-east-1)', () => {
    const virginia = resourcesOf(synthesize({}, 'us-east-1'));
    const alarms = ofType(virginia, 'AWS::CloudWatch::Alarm').map((alarm) => alarm.Properties);
    expect(alarms.filter((alarm) => alarm.Namespace === 'AWS/CloudFront' && alarm.MetricName === '5xxErrorRate')).toHaveLength(1);
  }, 120_000);

  it('keeps every log group for the retention, CDK’s own functions’ included, also in a disposable stack', () => {
    const disposable = resourcesOf(synthesize({ removalPolicy: 'destroy', logRetentionDays: 7 }));
    const groups = ofType(disposable, 'AWS::Logs::LogGroup');
    expect(groups.every((group) => group.Properties.RetentionInDays === 7)).toBe(true);
    // Every function logs into a group of this stack: either named in its LoggingConfig or /aws/lambda/<its name>.
    const groupNames = groups.map((group) => JSON.stringify(group.Properties.LogGroupName ?? ''));
    for (const [logicalId, fn] of Object.entries(disposable).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')) {
      const named = (fn.Properties.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup !== undefined;
      explained(logicalId, () => expect(named || groupNames.some((name) => name.includes(`{"Ref":"${logicalId}"}`))).toBe(true));
    }
  }, 120_000);

  it('tags resources with the project, the stack and the operator’s tags', () => {
    const tagged = resourcesOf(synthesize({ tags: 'team=support,cost-center=42' }));
    const table = ofType(tagged, 'AWS::DynamoDB::GlobalTable')[0]!;
    const tags = JSON.stringify(table.Properties);
    for (const expected of ['pin-remote-support', '"team"', '"support"', '"cost-center"', '"42"']) expect(tags).toContain(expected);
    const fn = ofType(tagged, 'AWS::Lambda::Function')[0]!;
    expect(fn.Properties.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'project', Value: 'pin-remote-support' },
        { Key: 'team', Value: 'support' },
      ]),
    );
  }, 120_000);

  it('turns termination protection on when asked', () => {
    expect(synthesize().stack.terminationProtection).toBe(false);
    expect(synthesize({ terminationProtection: 'true' }).stack.terminationProtection).toBe(true);
  }, 120_000);

  it('sends Cognito’s mail through SES when an address is given', () => {
    const withSes = resourcesOf(synthesize({ sesFromAddress: 'support@example.com' }));
    const pool = ofType(withSes, 'AWS::Cognito::UserPool')[0]!.Properties;
    expect(pool.EmailConfiguration).toMatchObject({ EmailSendingAccount: 'DEVELOPER', From: 'support@example.com' });
    expect(JSON.stringify(pool.EmailConfiguration)).toContain(':ses:eu-central-1:');
  }, 120_000);

  it('creates the custom domain’s alias records in the given hosted zone', () => {
    const withZone = resourcesOf(
      synthesize({
        domainName: 'support.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        hostedZoneName: 'example.com',
      }),
    );
    const records = ofType(withZone, 'AWS::Route53::RecordSet').map((record) => record.Properties);
    expect(records.map((record) => record.Type).sort()).toEqual(['A', 'AAAA']);
    for (const record of records)
      expect(record).toMatchObject({
        Name: 'support.example.com.',
        HostedZoneId: 'Z0123456789ABCDEFGHIJ',
        AliasTarget: expect.any(Object),
      });
  }, 120_000);

  it('grants no DynamoDB action nobody calls', () => {
    const actions = ofType(standard, 'AWS::IAM::Policy').flatMap((policy) =>
      (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((statement) =>
        [statement.Action].flat(),
      ),
    );
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
    expect(actions).not.toContain('dynamodb:ConditionCheckItem');
  });

  it('uses the current CDK feature flags', () => {
    const recommended = JSON.parse(readFileSync('node_modules/aws-cdk-lib/recommended-feature-flags.json', 'utf8')) as Record<
      string,
      unknown
    >;
    const context = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }).context;
    const missing = Object.keys(recommended).filter((flag) => !(flag in context));
    expect(missing).toEqual([]);
  });
});
