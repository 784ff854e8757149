import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { deploymentOptionsFromContext, defaultDeploymentOptions } from '../../lib/deployment-options.ts';
import { synthesize } from './synth.ts';

const optionsOf = (context: Record<string, unknown>) => deploymentOptionsFromContext(new App({ context }).node);

describe('deployment options', () => {
  it('defaults to the service defaults and retains data', () => {
    expect(optionsOf({})).toEqual(defaultDeploymentOptions);
    expect(defaultDeploymentOptions).toMatchObject({
      pinValidityMinutes: 10,
      connectingTimeoutMinutes: 10,
      waitingTimeoutMinutes: 60,
      removalPolicy: 'retain',
    });
  });

  it('reads context values given as strings, as `cdk deploy -c` passes them', () => {
    expect(optionsOf({ pinValidityMinutes: '5', waitingTimeoutMinutes: '0', enableWaf: 'true', logRetentionDays: '90' })).toMatchObject({
      pinValidityMinutes: 5,
      waitingTimeoutMinutes: 0,
      enableWaf: true,
      logRetentionDays: 90,
    });
  });

  it.each([
    [{ pinValidityMinutes: 'ten' }, 'context "pinValidityMinutes" must be an integer from 1 to 1440'],
    [{ logRetentionDays: 31 }, 'context "logRetentionDays" must be one of'],
    [{ removalPolicy: 'snapshot' }, 'context "removalPolicy" must be one of retain, destroy'],
    [{ domainName: 'support.example.com' }, '"domainName" and "certificateArn" go together'],
    [{ certificateArn: 'arn:aws:acm:eu-central-1:123456789012:certificate/abc' }, 'an ACM certificate ARN in us-east-1'],
    [{ enableWaf: 'yes' }, 'context "enableWaf" must be true or false'],
    [{ alarmEmail: 'ops' }, 'context "alarmEmail" must be an e-mail address'],
    [{ authDomainPrefix: 'my-cognito-login' }, 'must not contain "aws", "amazon" or "cognito"'],
    [{ redeemFailuresPerClient: 20, redeemFailuresGlobal: 19 }, '"redeemFailuresGlobal" must not be below "redeemFailuresPerClient"'],
  ])('rejects %j', (context, message) => {
    expect(() => optionsOf(context)).toThrow(message);
  });
});

describe('optional features in the template', () => {
  // One synthesis with every option switched on (WAF needs us-east-1): synthesis is the slow part.
  let synthesized: ReturnType<typeof synthesize>;
  beforeAll(() => {
    synthesized = synthesize(
      {
        domainName: 'support.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
        removalPolicy: 'destroy',
        alarmEmail: 'ops@example.com',
        mfa: 'required',
        enableWaf: true,
        wafRateLimit: 500,
      },
      'us-east-1',
    );
  }, 120_000);

  it('serves a custom domain with its certificate and TLS 1.2 and sends users there', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['support.example.com'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
      }),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['https://support.example.com/console/'] });
    expect((template.toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs.PinPageUrl?.Value).toBe(
      'https://support.example.com/',
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^websocket-authorizer '),
      Environment: {
        Variables: Match.objectLike({ ALLOWED_ORIGINS: { 'Fn::Join': ['', ['https://support.example.com,https://', Match.anyValue()]] } }),
      },
    });
  });

  it('requires MFA, deletes data on destroy and mails alarms when asked to', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', DeletionProtection: 'INACTIVE' });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('attaches a WAF web ACL with a per-IP rate rule', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: Match.arrayWith([
        Match.objectLike({ Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP' } }, Action: { Block: {} } }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] } }),
    });
  });

  it('stays free of unacknowledged cdk-nag findings with every option on', () => {
    expect(new AwsSolutionsChecks().validateScope(synthesized.stack).violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it('refuses WAF outside us-east-1 and says what to do instead', () => {
    expect(() => synthesize({ enableWaf: true }, 'eu-central-1')).toThrow(/only allows in us-east-1.*webAclArn/);
  });
});
