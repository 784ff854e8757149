import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, RemovalPolicy, SecretValue, Stack, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { CfnSignalingChannel } from 'aws-cdk-lib/aws-kinesisvideo';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import { statSync } from 'node:fs';
import { defaultConfig, environmentVariables, type AppletDownloadSize } from '#domain/config';
import { readAppsManifest, type AppsManifest } from '../applet/native/manifest.ts';
import { httpRoutes, scheduledJobs, streamConsumers, webSocketAuthorizer, webSocketRoutes } from '#routes';
import { retainAllLogs } from './cdk-function-logs.ts';
import { nagGetAtt, nagPseudo } from './nag.ts';
import { removalPolicyOf, type DeploymentOptions } from './deployment-options.ts';
import { Auth } from './constructs/auth.ts';
import { Handlers } from './constructs/handlers.ts';
import { HttpApi } from './constructs/http-api.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { ScheduledJobs } from './constructs/scheduled-jobs.ts';
import { SessionEventBus, StreamConsumers } from './constructs/session-events.ts';
import type { HandlerCodeMode } from './constructs/service-function.ts';
import { Site, appletBundleKey } from './constructs/site.ts';
import { Storage } from './constructs/storage.ts';
import { WebSocketApi } from './constructs/websocket-api.ts';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The route-table handler whose logs carry failed PIN redemptions. */
export const redeemHandlerName = 'redeem-pin';

export interface RemoteSupportStackProps extends StackProps {
  readonly options: DeploymentOptions;
  /** A built site (scripts/build-site.ts): index.html, console/, applet/RemoteSupport.cjs. */
  readonly siteDirectory: string;
  /** `placeholder` skips esbuild (tests). @default bundled */
  readonly handlerCode?: HandlerCodeMode;
  /** The apps `npm run build:apps -- --server ...` wrote for this deployment (dist/apps). @default none: only the Node.js script */
  readonly appsDirectory?: string;
}

/**
 * What redeem offers: the apps of the manifest and the Node.js script. The
 * script's size is the bundle's before CloudFormation writes the endpoints
 * in, a few hundred bytes off, which a size shown in MB does not show.
 */
export function appletDownloadSizes(siteDirectory: string, manifest: AppsManifest | undefined): AppletDownloadSize[] {
  const scriptBytes = statSync(path.join(siteDirectory, appletBundleKey)).size;
  return [...(manifest?.apps ?? []).map(({ platform, bytes }) => ({ platform, bytes })), { platform: 'node', bytes: scriptBytes }];
}

/**
 * Signaling channels whose managed STUN/TURN screen view uses. Channels only
 * scope TURN credentials (our WebSocket API signals), and each costs a flat
 * monthly fee, so a few serve every session: sessions are spread by id.
 */
export const screenViewChannelCount = 3;

/** The tunables every handler reads through loadConfig(), from the deployment options. */
export function serviceEnvironment(options: DeploymentOptions): Record<string, string> {
  const v = environmentVariables;
  return {
    [v.pinValiditySeconds]: String(options.pinValidityMinutes * 60),
    [v.connectingTimeoutSeconds]: String(options.connectingTimeoutMinutes * 60),
    [v.waitingTimeoutSeconds]: String(options.waitingTimeoutMinutes * 60),
    [v.redeemFailuresPerClient]: String(options.redeemFailuresPerClient),
    [v.redeemFailuresGlobal]: String(options.redeemFailuresGlobal),
    [v.redeemFailureWindowSeconds]: String(defaultConfig.redeemFailureWindowSeconds),
    [v.appletFilePrefix]: defaultConfig.appletFilePrefix,
    // Requests through CloudFront carry CloudFront-Viewer-Address, trusted where x-origin-verify proves the path.
    [v.trustViewerAddress]: 'true',
  };
}

/**
 * The whole product in one stack: storage, identities, both APIs with one
 * function per route-table entry, the site behind CloudFront, the sweeper
 * schedule and the alarms.
 */
export class RemoteSupportStack extends Stack {
  constructor(scope: Construct, id: string, props: RemoteSupportStackProps) {
    super(scope, id, { ...props, terminationProtection: props.terminationProtection ?? props.options.terminationProtection });
    const { options } = props;
    // On every resource that takes tags: who it belongs to, for cost reports and clean-up.
    Tags.of(this).add('project', 'pin-remote-support');
    Tags.of(this).add('stack', this.stackName);
    for (const [key, value] of Object.entries(options.tags)) Tags.of(this).add(key, value);
    const appsManifest = props.appsDirectory ? readAppsManifest(props.appsDirectory) : undefined;
    if (props.appsDirectory && !appsManifest)
      throw new Error(`${props.appsDirectory} has no manifest.json; run npm run build:apps -- --server <origin> first`);
    const removalPolicy = removalPolicyOf(options);
    const logRetention = options.logRetentionDays as RetentionDays;

    const storage = new Storage(this, 'Storage', { removalPolicy, deletionProtection: removalPolicy === RemovalPolicy.RETAIN });
    const auth = new Auth(this, 'Auth', {
      removalPolicy,
      mfa: options.mfa,
      domainPrefix: options.authDomainPrefix,
      sesFromAddress: options.sesFromAddress,
      sesRegion: options.sesRegion,
    });
    const webSocketApi = new WebSocketApi(this, 'WebSocketApi');
    const httpApi = new HttpApi(this, 'HttpApi', { logRetention, removalPolicy });
    const site = new Site(this, 'Site', {
      removalPolicy,
      httpApiDomain: httpApi.endpointDomain,
      webSocketHost: webSocketApi.host,
      hostedUiBaseUrl: auth.hostedUiBaseUrl,
      domainName: options.domainName,
      certificateArn: options.certificateArn,
      wafRateLimit: options.enableWaf ? options.wafRateLimit : undefined,
      webAclArn: options.webAclArn,
      hostedZone: options.hostedZoneId && options.hostedZoneName ? { id: options.hostedZoneId, name: options.hostedZoneName } : undefined,
      // A version id in the reference changes the template on rotation, so the deploy re-resolves it for CloudFront.
      originVerifyHeader: SecretValue.secretsManager(storage.originVerifySecret.secretArn, {
        ...(options.originVerifySecretVersion ? { versionId: options.originVerifySecretVersion } : {}),
      }).unsafeUnwrap(),
    });
    const consoleClient = auth.addConsoleClient(site.origin);
    const integrationClient = auth.addIntegrationClient();
    const sessionEvents = new SessionEventBus(this, 'SessionEvents');

    const signalingChannels = Array.from(
      { length: screenViewChannelCount },
      (_, index) => new CfnSignalingChannel(this, `ScreenViewChannel${index + 1}`, { type: 'SINGLE_MASTER', messageTtlSeconds: 5 }),
    );
    const handlers = new Handlers(this, 'Handlers', {
      signalingChannelArns: signalingChannels.map((channel) => channel.attrArn),
      declarations: [...httpRoutes, ...webSocketRoutes, webSocketAuthorizer, ...scheduledJobs, ...streamConsumers],
      codeMode: props.handlerCode ?? 'bundled',
      projectRoot,
      logRetention,
      removalPolicy,
      environment: {
        ...serviceEnvironment(options),
        [environmentVariables.appletDownloads]: JSON.stringify(appletDownloadSizes(props.siteDirectory, appsManifest)),
      },
      table: storage.table,
      indexNames: storage.indexNames,
      pinSecret: storage.pinSecret,
      originVerifySecret: storage.originVerifySecret,
      webSocketStage: webSocketApi.stage,
      jwtIssuer: auth.issuer,
      jwtAudience: consoleClient.userPoolClientId,
      siteOrigins: site.origins,
      eventBus: sessionEvents.bus,
      userPool: auth.userPool,
    });
    httpApi.addRoutes(
      httpRoutes,
      handlers.byName,
      new HttpJwtAuthorizer('TechnicianJwt', auth.issuer, {
        // Console ID tokens carry `aud`; client-credentials access tokens carry `client_id`, which API Gateway checks instead.
        jwtAudience: [consoleClient.userPoolClientId, integrationClient.userPoolClientId],
      }),
    );
    webSocketApi.addRoutes(webSocketRoutes, webSocketAuthorizer, handlers.byName);
    new ScheduledJobs(this, 'Schedules', scheduledJobs, handlers);
    const consumers = new StreamConsumers(this, 'StreamConsumers', {
      consumers: streamConsumers,
      handlers,
      table: storage.table,
      webhookFunctions: ['deliver-webhooks', 'retry-webhooks'],
    });

    site.deployContent(
      props.siteDirectory,
      {
        apiBaseUrl: '/api',
        webSocketUrl: webSocketApi.url,
        auth: {
          mode: 'cognito',
          domain: auth.hostedUiBaseUrl,
          clientId: consoleClient.userPoolClientId,
          redirectUri: `${site.origin}/console/`,
          logoutUri: `${site.origin}/console/`,
          scopes: ['openid', 'email', 'profile'],
        },
      },
      { httpOrigin: site.origin, webSocketUrl: webSocketApi.url },
    );
    if (props.appsDirectory && appsManifest) site.deployApps(props.appsDirectory, appsManifest);
    acknowledgeBucketDeploymentFindings(this, site.bucket.node.defaultChild as IConstruct);

    const monitoring = new Monitoring(this, 'Monitoring', {
      functions: [...handlers.byName.values()],
      redeemFunction: handlers.get(redeemHandlerName),
      failedRedeemThreshold: options.redeemFailureAlarmThreshold,
      alarmEmail: options.alarmEmail,
      httpApi: httpApi.api,
      webSocketApi: webSocketApi.api,
      webSocketStageName: webSocketApi.stage.stageName,
      table: storage.table,
      distribution: site.distribution,
      sweeper: { function: handlers.get(scheduledJobs[0]!.name), everyMinutes: scheduledJobs[0]!.everyMinutes },
    });

    retainAllLogs(this, logRetention, removalPolicy);
    for (const alarm of consumers.alarms) alarm.addAlarmAction(new SnsAction(monitoring.topic));

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('PinPageUrl', `${site.origin}/`, 'Give this to customers: they type the PIN here');
    output('ConsoleUrl', `${site.origin}/console/`, 'Technician console (Cognito sign-in)');
    output('HttpApiUrl', `${site.origin}/api`, 'HTTP API, same origin as the site (OpenAPI at /api/openapi.json)');
    output('WebSocketUrl', webSocketApi.url, 'WebSocket API for consoles and applets');
    output('UserPoolId', auth.userPool.userPoolId, 'Cognito user pool of the technicians (admin CLI)');
    output('ConsoleClientId', consoleClient.userPoolClientId, 'App client id of the console: the JWT audience');
    output('HostedUiUrl', auth.hostedUiBaseUrl, 'Cognito hosted UI');
    output('TableName', storage.table.tableName, 'DynamoDB table (group permissions are managed with the admin CLI)');
    output('DistributionDomainName', site.distribution.distributionDomainName, 'Point your custom domain (CNAME/alias) here');
    output('AlarmTopicArn', monitoring.topic.topicArn, 'Subscribe on-call endpoints to this topic');
    output('EventBusName', sessionEvents.bus.eventBusName, 'EventBridge bus of the session events (source remote-support)');
    output(
      'IntegrationClientId',
      integrationClient.userPoolClientId,
      'App client of the integration API (client credentials; allow it with npm run admin -- clients put)',
    );
    output('TokenUrl', `${auth.hostedUiBaseUrl}/oauth2/token`, 'OAuth 2.0 token endpoint for client-credentials tokens');
    output(
      'StreamFailureQueueUrl',
      consumers.deadLetterQueue.queueUrl,
      'Stream positions the event publisher or webhook deliverer gave up on',
    );
  }
}

/**
 * The bucket deployment's provider function is CDK's own singleton (one per stack),
 * outside this project's control; its findings are acknowledged one by one.
 */
function acknowledgeBucketDeploymentFindings(stack: Stack, contentBucket: IConstruct): void {
  const { partition, region, account } = nagPseudo(stack);
  const reason = (what: string) => `CDK-provided BucketDeployment provider: ${what}`;
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    Validations.of(child).acknowledge(
      { id: 'AwsSolutions-L1', reason: reason('its Python runtime is pinned by aws-cdk-lib and upgraded with it.') },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: reason('the managed policy only lets it write its own logs.'),
      },
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: reason('CDK grants read on the asset bucket and read-write on the site bucket with these action groups.'),
      })),
      {
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:s3:::cdk-hnb659fds-assets-${account}-${region}/*]`,
        reason: reason('reads the site archive from the CDK bootstrap asset bucket, whose object keys are content hashes.'),
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagGetAtt(contentBucket, 'Arn')}/*]`,
        reason: reason('replaces every object of the site bucket on deploy (prune).'),
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: reason('creates CloudFront invalidations, which support no resource-level permissions.'),
      },
    );
  }
}
