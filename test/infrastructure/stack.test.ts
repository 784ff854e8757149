import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { explained } from '../support/explained.ts';
import { environmentVariables } from '#domain/config';
import { httpRoutes, scheduledJobs, streamConsumers, webSocketAuthorizer, webSocketRoutes, type HandlerDeclaration } from '#routes';
import { tableDefinition } from '#storage/table-definition';
import { tableActions } from '../../lib/constructs/service-function.ts';
import { screenViewChannelCount } from '../../lib/remote-support-stack.ts';
import { synthesize, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

const declarations: HandlerDeclaration[] = [...httpRoutes, ...webSocketRoutes, webSocketAuthorizer, ...scheduledJobs, ...streamConsumers];

let synthesized: Synthesized;
let resources: Record<string, Resource>;

// Synthesis takes seconds on a busy machine; one synthesis serves every assertion of this file.
beforeAll(() => {
  synthesized = synthesize();
  resources = synthesized.template.toJSON().Resources as Record<string, Resource>;
}, 120_000);

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/** The Lambda function of one route-table declaration (its description starts with the name). */
function functionOf(name: string): [string, Resource] {
  const found = ofType('AWS::Lambda::Function').filter(([, fn]) => String(fn.Properties.Description).startsWith(`${name} (`));
  explained(`exactly one function for ${name}`, () => expect(found).toHaveLength(1));
  return found[0]!;
}

function statementsOf(functionName: string): Statement[] {
  const [, fn] = functionOf(functionName);
  const roleLogicalId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = ofType('AWS::IAM::Policy').filter(([, policy]) =>
    (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId),
  );
  expect(policies).toHaveLength(1);
  return (policies[0]![1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

const actionsOf = (statement: Statement) => [statement.Action].flat();

describe('functions from the route table', () => {
  it('creates one Node 22 arm64 function with tracing and its own retained log group per declaration', () => {
    for (const declaration of declarations) {
      const [, fn] = functionOf(declaration.name);
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } });
    }
    const logGroups = ofType('AWS::Logs::LogGroup');
    expect(logGroups.every(([, group]) => group.Properties.RetentionInDays === 30)).toBe(true);
  });

  it('creates the small pool of Kinesis Video Streams signaling channels screen view takes its TURN servers from', () => {
    const channels = synthesized.template.findResources('AWS::KinesisVideo::SignalingChannel');
    expect(Object.values(channels)).toHaveLength(screenViewChannelCount);
    for (const channel of Object.values(channels)) expect(channel.Properties).toMatchObject({ Type: 'SINGLE_MASTER' });
  });

  it('grants each function exactly what its needs say, with the env var naming each resource', () => {
    for (const declaration of declarations) {
      const { needs } = declaration;
      const statements = statementsOf(declaration.name);
      const env = (functionOf(declaration.name)[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;

      const isStreamAction = (action: string) => /^dynamodb:(DescribeStream|GetRecords|GetShardIterator|ListStreams)$/.test(action);
      const tableStatements = statements.filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('dynamodb:') && !isStreamAction(action)),
      );
      if (needs.table === 'none') {
        explained(declaration.name, () => expect(tableStatements).toHaveLength(0));
        explained(declaration.name, () => expect(env[environmentVariables.tableName]).toBeUndefined());
      } else {
        const access = needs.table;
        explained(declaration.name, () => expect(tableStatements).toHaveLength(1));
        explained(declaration.name, () => expect(actionsOf(tableStatements[0]!).sort()).toEqual([...tableActions[access]].sort()));
        const tableResources = [tableStatements[0]!.Resource].flat().map((resource) => JSON.stringify(resource));
        expect(tableResources).toHaveLength(1 + tableDefinition.globalSecondaryIndexes.length);
        expect(tableResources.some((resource) => resource.includes('index/*'))).toBe(false);
        expect(env[environmentVariables.tableName]).toBeDefined();
      }

      const secretStatements = statements.filter((statement) => actionsOf(statement).includes('secretsmanager:GetSecretValue'));
      // One resource per secret (CDK merges statements with the same action into one).
      const secretResources = secretStatements.flatMap((statement) => [statement.Resource].flat());
      explained(declaration.name, () => expect(secretResources.length).toBe((needs.pinSecret ? 1 : 0) + (needs.viewerAddress ? 1 : 0)));
      explained(declaration.name, () =>
        expect(env[environmentVariables.originVerifySecretArn] !== undefined).toBe(needs.viewerAddress === true),
      );
      explained(declaration.name, () => expect(env[environmentVariables.pinSecretArn] !== undefined).toBe(needs.pinSecret === true));

      const connectionStatements = statements.filter((statement) => actionsOf(statement).includes('execute-api:ManageConnections'));
      explained(declaration.name, () => expect(connectionStatements.length).toBe(needs.postsToConnections ? 1 : 0));
      explained(declaration.name, () =>
        expect(env[environmentVariables.managementEndpoint] !== undefined).toBe(needs.postsToConnections === true),
      );
      if (needs.postsToConnections) {
        expect(JSON.stringify(connectionStatements[0]!.Resource)).toMatch(/\/live\/\*\/@connections\/\*"/);
      }

      explained(declaration.name, () => expect(env[environmentVariables.jwtIssuer] !== undefined).toBe(needs.verifiesJwt === true));
      explained(declaration.name, () => expect(env[environmentVariables.jwtAudience] !== undefined).toBe(needs.verifiesJwt === true));
      explained(declaration.name, () => expect(env[environmentVariables.allowedOrigins] !== undefined).toBe(needs.verifiesJwt === true));

      const eventStatements = statements.filter((statement) => actionsOf(statement).includes('events:PutEvents'));
      explained(declaration.name, () => expect(eventStatements.length).toBe(needs.publishesEvents ? 1 : 0));
      const directoryStatements = statements.filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('cognito-idp:')),
      );
      const actsForClients = 'clientScope' in declaration && declaration.clientScope !== undefined;
      explained(declaration.name, () =>
        expect(directoryStatements.map((statement) => actionsOf(statement).sort())).toEqual(
          actsForClients ? [['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser']] : [],
        ),
      );
      // The event source mapping adds reading the table's stream to the stream consumers, nothing else.
      const streamStatements = statements.filter((statement) => actionsOf(statement).some(isStreamAction));
      const isConsumer = streamConsumers.some((consumer) => consumer.name === declaration.name);
      explained(declaration.name, () => expect(streamStatements.length > 0).toBe(isConsumer));
      const queueStatements = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')));
      explained(declaration.name, () => expect(queueStatements.length > 0).toBe(isConsumer));

      const channelStatements = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('kinesisvideo:')));
      explained(declaration.name, () => expect(channelStatements.length).toBe(needs.iceServers ? 1 : 0));
      explained(declaration.name, () =>
        expect(env[environmentVariables.signalingChannelArns] !== undefined).toBe(needs.iceServers === true),
      );
      if (needs.iceServers) {
        // Read-only, on the stack's own channels: no wildcard, no channel created, connected to or written.
        expect(actionsOf(channelStatements[0]!).sort()).toEqual([
          'kinesisvideo:GetIceServerConfig',
          'kinesisvideo:GetSignalingChannelEndpoint',
        ]);
        const resources = [channelStatements[0]!.Resource].flat();
        expect(resources).toHaveLength(screenViewChannelCount);
        expect(JSON.stringify(resources)).not.toContain('*');
      }

      const known = new Set([
        ...tableStatements,
        ...secretStatements,
        ...connectionStatements,
        ...eventStatements,
        ...directoryStatements,
        ...streamStatements,
        ...queueStatements,
        ...channelStatements,
      ]);
      const rest = statements.filter((statement) => !known.has(statement)).map((statement) => actionsOf(statement).sort().join(','));
      explained(declaration.name, () =>
        expect(rest.sort()).toEqual(['logs:CreateLogStream,logs:PutLogEvents', 'xray:PutTelemetryRecords,xray:PutTraceSegments']),
      );
    }
  });

  it('uses no wildcard action in any policy of the stack’s own functions', () => {
    for (const declaration of declarations) {
      for (const statement of statementsOf(declaration.name)) {
        explained(declaration.name, () => expect(actionsOf(statement).filter((action) => action.includes('*'))).toEqual([]));
      }
    }
  });

  it('passes the deployment tunables to the handlers', () => {
    const env = (functionOf('redeem-pin')[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ PIN_VALIDITY_SECONDS: '600', REDEEM_FAILURES_PER_CLIENT: '10', WAITING_TIMEOUT_SECONDS: '3600' });
    // Behind CloudFront the rate limit must key on the viewer's address, not CloudFront's.
    expect(env[environmentVariables.trustViewerAddress]).toBe('true');
  });

  it('gives the WebSocket authorizer the same issuer and audience as the HTTP API authorizer', () => {
    const env = (functionOf(webSocketAuthorizer.name)[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const httpAuthorizer = ofType('AWS::ApiGatewayV2::Authorizer').find(([, a]) => a.Properties.AuthorizerType === 'JWT')![1];
    const jwt = httpAuthorizer.Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    expect(env[environmentVariables.jwtIssuer]).toEqual(jwt.Issuer);
    expect(env[environmentVariables.jwtAudience]).toEqual(jwt.Audience[0]);
  });

  it('lets only the site origin open the WebSocket from a browser', () => {
    const env = (functionOf(webSocketAuthorizer.name)[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env[environmentVariables.allowedOrigins]).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^SiteDistribution/), 'DomainName'] }]],
    });
  });

  it('runs each scheduled job on its EventBridge rate', () => {
    for (const job of scheduledJobs) {
      const [logicalId] = functionOf(job.name);
      synthesized.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${job.everyMinutes} minute${job.everyMinutes === 1 ? '' : 's'})`,
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId, 'Arn'] } })],
      });
    }
  });
});

describe('storage', () => {
  it('builds the table from the shared definition: keys, TTL, PITR, encryption, GSIs, on-demand, deletion protection', () => {
    expect(ofType('AWS::DynamoDB::GlobalTable')).toHaveLength(1);
    synthesized.template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    synthesized.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true }),
      ],
      GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
  });

  it('lets Secrets Manager generate the PIN hash key, so no value is in the template', () => {
    synthesized.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      SecretString: Match.absent(),
    });
  });
});

describe('APIs', () => {
  it('puts the JWT authorizer on every technician route and leaves only the declared public routes open', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
    for (const route of httpRoutes) {
      const found = routes.filter((candidate) => candidate.RouteKey === `${route.method} ${route.path}`);
      explained(route.name, () => expect(found).toHaveLength(1));
      explained(route.name, () => expect(found[0]!.AuthorizationType).toBe(route.auth === 'technician' ? 'JWT' : 'NONE'));
    }
    const openHttpRoutes = routes.filter((route) => route.AuthorizationType === 'NONE' && String(route.RouteKey).includes(' /api/'));
    expect(openHttpRoutes.map((route) => route.RouteKey).sort()).toEqual(
      httpRoutes
        .filter((route) => route.auth === 'public')
        .map((route) => `${route.method} ${route.path}`)
        .sort(),
    );
    expect(openHttpRoutes.map((route) => route.RouteKey)).toContain('POST /api/pin/redeem');
  });

  it('checks technician JWTs against the Cognito pool with the console and integration clients as audience', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: {
          'Fn::Join': ['', ['https://cognito-idp.eu-central-1.amazonaws.com/', { Ref: Match.stringLikeRegexp('^AuthTechnicians') }]],
        },
        // Console ID tokens by `aud`, the helpdesk client's access tokens by `client_id`.
        Audience: [{ Ref: Match.stringLikeRegexp('Console') }, { Ref: Match.stringLikeRegexp('Helpdesk') }],
      },
    });
  });

  it('throttles the stage and, harder, the public routes', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      RouteSettings: Match.objectLike({ 'POST /api/pin/redeem': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 } }),
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('guards $connect with the Lambda authorizer and routes every WebSocket route key of the table', () => {
    const [authorizerFunctionId] = functionOf(webSocketAuthorizer.name);
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer').filter(([, a]) => a.Properties.AuthorizerType === 'REQUEST');
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(authorizerFunctionId);
    expect(authorizer.Properties.IdentitySource).toEqual([]);

    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
    for (const route of webSocketRoutes) {
      const found = routes.filter((candidate) => candidate.RouteKey === route.routeKey);
      explained(route.routeKey, () => expect(found).toHaveLength(1));
      if (route.routeKey === '$connect')
        expect(found[0]).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
      else expect(found[0]!.AuthorizationType ?? 'NONE').toBe('NONE');
    }
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
  });
});

describe('site', () => {
  it('keeps the bucket private: public access blocked, TLS enforced, CloudFront reads through OAC', () => {
    synthesized.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
    synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' }),
        ]),
      },
    });
    synthesized.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
    });
    synthesized.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: Match.arrayWith([
          Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } }),
        ]),
      }),
    });
  });

  it('forwards /api/* to the HTTP API through its own cache and origin request policies', () => {
    synthesized.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({
            PathPattern: '/api/*',
            CachePolicyId: { Ref: Match.stringLikeRegexp('^SiteApiCache') },
            OriginRequestPolicyId: { Ref: Match.stringLikeRegexp('^SiteApiOriginRequest') },
            AllowedMethods: Match.arrayWith(['PUT', 'POST', 'DELETE']),
            ViewerProtocolPolicy: 'https-only',
          }),
        ]),
        Origins: Match.arrayWith([
          Match.objectLike({ DomainName: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('HttpApi') }])] } }),
        ]),
      }),
    });
  });

  it('proves the /api/* path with an origin-verify header resolved from Secrets Manager, never a literal', () => {
    const [, distribution] = ofType('AWS::CloudFront::Distribution')[0]!;
    const origins = (
      distribution.Properties.DistributionConfig as { Origins: { OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[] }[] }
    ).Origins;
    const headers = origins.flatMap((origin) => origin.OriginCustomHeaders ?? []);
    expect(headers.map((header) => header.HeaderName)).toEqual(['x-origin-verify']);
    expect(JSON.stringify(headers[0]!.HeaderValue)).toMatch(/\{\{resolve:secretsmanager:/);
  });

  it('renames applet downloads at the edge: viewer-request and viewer-response functions on /applet/*', () => {
    synthesized.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({
            PathPattern: '/applet/*',
            FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' }), Match.objectLike({ EventType: 'viewer-response' })],
          }),
        ]),
      }),
    });
  });

  it('sends CSP, HSTS, nosniff, DENY framing and no-referrer on every response', () => {
    const policy = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]![1];
    const headers = (policy.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> })
      .SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy!.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self' https://",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).toMatch(/connect-src 'self' wss:\/\//);
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true });
    expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer' });
    const behaviors = resources[ofType('AWS::CloudFront::Distribution')[0]![0]]!.Properties.DistributionConfig as {
      DefaultCacheBehavior: Record<string, unknown>;
      CacheBehaviors: Record<string, unknown>[];
    };
    for (const behavior of [behaviors.DefaultCacheBehavior, ...behaviors.CacheBehaviors]) {
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]![0] });
    }
  });

  it('writes /config.json and bakes the endpoints into the applet at deploy time', () => {
    const deployment = ofType('Custom::CDKBucketDeployment')[0]![1];
    const markers = JSON.stringify(deployment.Properties.SourceMarkers);
    expect(markers).toContain('Fn::Base64');
    expect(markers).toContain('\\"httpOrigin\\":\\"https://');
    expect(markers).toContain('\\"webSocketUrl\\":\\"wss://');
    expect(deployment.Properties).toMatchObject({ Prune: true, DistributionPaths: ['/*'] });
  });
});

describe('identity, alarms and outputs', () => {
  it('lets only administrators create technicians and gives the console a code + PKCE client without secret', () => {
    synthesized.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      MfaConfiguration: 'OPTIONAL',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
    });
    synthesized.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      CallbackURLs: [{ 'Fn::Join': ['', ['https://', Match.anyValue(), '/console/']] }],
    });
  });

  it('alarms on errors and throttles of every function and on a spike of failed PIN redemptions', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    expect(alarms.filter((alarm) => alarm.MetricName === 'Errors')).toHaveLength(declarations.length);
    expect(alarms.filter((alarm) => alarm.MetricName === 'Throttles')).toHaveLength(declarations.length);
    expect(alarms.every((alarm) => Array.isArray(alarm.AlarmActions) && alarm.AlarmActions.length === 1)).toBe(true);
    synthesized.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.event = "pin_redeem_failed" }',
      LogGroupName: { Ref: Match.stringLikeRegexp('redeempin') },
    });
    expect(alarms.some((alarm) => alarm.MetricName === 'PinRedeemFailures' && alarm.Threshold === 50)).toBe(true);
  });

  it('outputs what the operator and the admin CLI need', () => {
    const outputs = Object.keys(synthesized.template.toJSON().Outputs as object);
    expect(outputs).toEqual(
      expect.arrayContaining(['PinPageUrl', 'ConsoleUrl', 'HttpApiUrl', 'WebSocketUrl', 'UserPoolId', 'ConsoleClientId', 'TableName']),
    );
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(synthesized.stack);
    const findings = report.violations.map(
      (violation) =>
        `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('would report a finding the stack did not acknowledge (the check is live)', async () => {
    const { Bucket } = await import('aws-cdk-lib/aws-s3');
    const { Stack } = await import('aws-cdk-lib');
    const probe = new Stack(synthesized.stack.node.scope, 'NagProbe');
    new Bucket(probe, 'Unlogged');
    const ruleNames = new AwsSolutionsChecks().validateScope(probe).violations.map((violation) => violation.ruleName);
    expect(ruleNames).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });
});
