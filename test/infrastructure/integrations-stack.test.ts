import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { explained } from '../support/explained.ts';
import { streamConsumers } from '#routes';
import { synthesize, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

let synthesized: Synthesized;
const resources: Record<string, Resource> = {};

beforeAll(() => {
  synthesized = synthesize();
  Object.assign(resources, synthesized.template.toJSON().Resources);
}, 120_000);

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

function functionLogicalId(name: string): string {
  const found = ofType('AWS::Lambda::Function').filter(([, fn]) => String(fn.Properties.Description).startsWith(`${name} (`));
  expect(found).toHaveLength(1);
  return found[0]![0];
}

describe('session events', () => {
  it('streams new images of the table', () => {
    synthesized.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
  });

  it('creates the bus and lets only the publisher put events on it', () => {
    synthesized.template.resourceCountIs('AWS::Events::EventBus', 1);
    const putters = ofType('AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('events:PutEvents'),
    );
    expect(putters).toHaveLength(1);
    expect(JSON.stringify(putters[0]![1].Properties.PolicyDocument)).toContain('SessionEventsBus');
  });

  it('feeds each stream consumer through an event source mapping: inserted log items only, partial retries, bisect, DLQ', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties);
    expect(mappings).toHaveLength(streamConsumers.length);
    for (const consumer of streamConsumers) {
      const mapping = mappings.find((candidate) => JSON.stringify(candidate.FunctionName).includes(functionLogicalId(consumer.name)));
      explained(consumer.name, () =>
        expect(mapping).toMatchObject({
          StartingPosition: 'LATEST',
          BatchSize: consumer.batchSize,
          BisectBatchOnFunctionError: true,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumRecordAgeInSeconds: 86400,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/StreamFailures/), 'Arn'] } } },
        }),
      );
      const filter = JSON.parse((mapping!.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]!.Pattern) as unknown;
      expect(filter).toEqual({ eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['log'] } } } });
    }
    synthesized.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('alarms on the dead-letter queue and on a webhook disabled after persistent failure', () => {
    synthesized.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.event = "webhook_disabled" }',
      MetricName: Match.absent(),
    });
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    expect(alarms.filter((alarm) => alarm.MetricName === 'WebhooksDisabled').length).toBe(2);
    expect(alarms.some((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible')).toBe(true);
    expect(alarms.every((alarm) => Array.isArray(alarm.AlarmActions) && alarm.AlarmActions.length === 1)).toBe(true);
  });
});

describe('integration API', () => {
  it('declares the resource server scopes and a client-credentials app client with a secret', () => {
    synthesized.template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'remote-support',
      Scopes: [
        { ScopeName: 'sessions.read', ScopeDescription: Match.anyValue() },
        { ScopeName: 'sessions.write', ScopeDescription: Match.anyValue() },
      ],
    });
    synthesized.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['client_credentials'],
      GenerateSecret: true,
      AllowedOAuthScopes: Match.arrayWith([Match.objectLike({ 'Fn::Join': ['', [Match.anyValue(), '/sessions.write']] })]),
    });
  });

  it('outputs the bus, the integration client and the token URL', () => {
    const outputs = Object.keys(synthesized.template.toJSON().Outputs as object);
    expect(outputs).toEqual(expect.arrayContaining(['EventBusName', 'IntegrationClientId', 'TokenUrl', 'StreamFailureQueueUrl']));
  });
});
