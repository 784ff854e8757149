import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Annotations, Duration, Fn, RemovalPolicy, Size, Stack, Token, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as EdgeFunction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AaaaRecord, ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { gzipDirectoryName, type AppsManifest } from '../../applet/native/manifest.ts';
import { APPLET_CONFIG_PLACEHOLDER, type AppletServerConfig } from '../../applet/server-config.ts';
import { accountUniqueName } from '../names.ts';
import type { SiteConfig } from '../../web/shared/site-config.ts';

export const appletBundleKey = 'applet/RemoteSupport.cjs';

/**
 * What CloudFront forwards from the viewer to the API, each listed (no managed policy whose
 * contents are not documented header by header): the viewer's address for the per-client PIN
 * limit, the body's type, the client's description for the session log, the browser's origin and
 * language. Host is never forwarded (API Gateway routes by its own host name); Authorization
 * travels through the cache policy, the only way CloudFront forwards it.
 */
export const apiForwardedHeaders = [
  'CloudFront-Viewer-Address',
  'Content-Type',
  'User-Agent',
  'Origin',
  'Accept',
  'Accept-Language',
] as const;
export const siteConfigKey = 'config.json';
const edgeDirectory = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'edge');

export interface SiteProps {
  readonly removalPolicy: RemovalPolicy;
  /** Host name of the HTTP API (execute-api), the origin of /api/*. */
  readonly httpApiDomain: string;
  /** Host of the WebSocket API, allowed in the CSP's connect-src. */
  readonly webSocketHost: string;
  /** Cognito hosted-UI base URL, allowed for the token exchange and the login form. */
  readonly hostedUiBaseUrl: string;
  readonly domainName?: string;
  readonly certificateArn?: string;
  /** Create a WAF web ACL with a rate-based rule of this many requests per 5 minutes per IP. */
  readonly wafRateLimit?: number;
  readonly webAclArn?: string;
  /** A Route 53 hosted zone to create domainName's alias records (A and AAAA) in. */
  readonly hostedZone?: { readonly id: string; readonly name: string };
  /** Added to every /api/* request as x-origin-verify (a dynamic reference, never a literal in the template). */
  readonly originVerifyHeader?: string;
}

/** The Content-Security-Policy of every page: only this origin, the WebSocket API and the Cognito hosted UI. */
export function contentSecurityPolicy(webSocketHost: string, hostedUiBaseUrl: string): string {
  return [
    "default-src 'self'",
    `connect-src 'self' wss://${webSocketHost} ${hostedUiBaseUrl}`,
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    `form-action 'self' ${hostedUiBaseUrl}`,
  ].join('; ');
}

/**
 * The PIN page, the console and the applet download: a private bucket served
 * only through CloudFront (Origin Access Control), with the HTTP API under the
 * same origin at /api/*, strict security headers on every response, and the
 * applet rename done at the edge.
 */
export class Site extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  /** https://<custom domain or distribution domain>: where users are sent. */
  readonly origin: string;
  /** Every origin the site answers on (the distribution's own name works with a custom domain too). */
  readonly origins: readonly string[];

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);
    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: props.removalPolicy,
      // A disposable deployment (-c removalPolicy=destroy) must be able to go away in one `cdk destroy`.
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the access-log destination of the site bucket and the distribution; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'Content', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: accountUniqueName(this, 'security-headers', 128),
      comment: 'CSP, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.webSocketHost, props.hostedUiBaseUrl), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const viewerRequest = new EdgeFunction(this, 'ViewerRequest', {
      comment: 'Applet download rename and directory index',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromFile({ filePath: path.join(edgeDirectory, 'viewer-request.js') }),
    });
    const appletResponse = new EdgeFunction(this, 'AppletResponse', {
      comment: 'Saves the applet under the requested, ticket-bearing name',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromFile({ filePath: path.join(edgeDirectory, 'viewer-response.js') }),
    });

    const bucketOrigin = S3BucketOrigin.withOriginAccessControl(this.bucket, {
      originAccessControl: new S3OriginAccessControl(this, 'OriginAccess', {
        originAccessControlName: accountUniqueName(this, 'site', 64),
      }),
    });
    const apiOriginRequest = new OriginRequestPolicy(this, 'ApiOriginRequest', {
      originRequestPolicyName: accountUniqueName(this, 'api-origin-request', 128),
      comment: 'Viewer headers the API reads, by name, plus CloudFront-Viewer-Address',
      headerBehavior: OriginRequestHeaderBehavior.allowList(...apiForwardedHeaders),
      queryStringBehavior: OriginRequestQueryStringBehavior.all(),
      cookieBehavior: OriginRequestCookieBehavior.none(),
    });
    // Authorization must be part of the cache key to be forwarded; a max TTL of one second keeps that
    // harmless, and the API answers no-store anyway.
    const apiCache = new CachePolicy(this, 'ApiCache', {
      cachePolicyName: accountUniqueName(this, 'api-cache', 128),
      comment: 'No caching in effect; forwards Authorization and the query string',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      cookieBehavior: CacheCookieBehavior.none(),
    });
    const staticBehavior: BehaviorOptions = {
      origin: bucketOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: securityHeaders,
      compress: true,
      functionAssociations: [{ function: viewerRequest, eventType: FunctionEventType.VIEWER_REQUEST }],
    };

    const webAclArn = props.webAclArn ?? (props.wafRateLimit !== undefined ? this.createWebAcl(props.wafRateLimit) : undefined);

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Remote support site (${Stack.of(this).stackName})`,
      defaultRootObject: 'index.html',
      defaultBehavior: staticBehavior,
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(props.httpApiDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
            ...(props.originVerifyHeader ? { customHeaders: { 'x-origin-verify': props.originVerifyHeader } } : {}),
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: apiCache,
          originRequestPolicy: apiOriginRequest,
          responseHeadersPolicy: securityHeaders,
        },
        '/applet/*': {
          ...staticBehavior,
          functionAssociations: [
            { function: viewerRequest, eventType: FunctionEventType.VIEWER_REQUEST },
            { function: appletResponse, eventType: FunctionEventType.VIEWER_RESPONSE },
          ],
        },
      },
      ...(props.domainName && props.certificateArn
        ? {
            domainNames: [props.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(webAclArn ? { webAclId: webAclArn } : {}),
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Customers needing remote support can be anywhere; the PIN limits and the optional WAF protect the service, not geography.',
    });
    if (!webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'WAF costs at least $5/month plus $1/rule and is opt-in (-c enableWaf=true or -c webAclArn=...); PIN redemption is rate-limited per client and globally by the service itself.',
      });
    }
    if (!props.domainName) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution uses the *.cloudfront.net certificate, whose TLS policy CloudFront fixes; with -c domainName the policy is TLSv1.2_2021.',
      });
    }

    if (props.hostedZone && props.domainName) {
      const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: props.hostedZone.id,
        zoneName: props.hostedZone.name,
      });
      const target = RecordTarget.fromAlias(new CloudFrontTarget(this.distribution));
      new ARecord(this, 'AliasV4', { zone, recordName: props.domainName, target });
      new AaaaRecord(this, 'AliasV6', { zone, recordName: props.domainName, target });
    }

    const distributionOrigin = `https://${this.distribution.distributionDomainName}`;
    this.origin = props.domainName ? `https://${props.domainName}` : distributionOrigin;
    this.origins = props.domainName ? [this.origin, distributionOrigin] : [distributionOrigin];
  }

  /**
   * Uploads the built site and writes this deployment's endpoints into it at
   * deploy time: /config.json for the pages and the applet bundle with its
   * server config baked in (docs/decisions/0303-applet-config-at-deploy-time.md).
   */
  deployContent(siteDirectory: string, siteConfig: SiteConfig, appletConfig: AppletServerConfig): BucketDeployment {
    const bundlePath = path.join(siteDirectory, appletBundleKey);
    if (!existsSync(bundlePath)) {
      throw new Error(`the site in ${siteDirectory} has no ${appletBundleKey}; build it first (scripts/build-site.ts)`);
    }
    const bundle = readFileSync(bundlePath, 'utf8');
    if (!bundle.includes(APPLET_CONFIG_PLACEHOLDER)) {
      throw new Error(`${bundlePath} has no ${APPLET_CONFIG_PLACEHOLDER} placeholder; was it built from applet/?`);
    }
    // Endpoints are deploy-time tokens, so the base64 is taken by CloudFormation (Fn::Base64), and the
    // bucket deployment substitutes the result for the placeholder.
    const encodedConfig = Fn.base64(Stack.of(this).toJsonString(appletConfig));
    const appletWithConfig = bundle.split(APPLET_CONFIG_PLACEHOLDER).join(encodedConfig);

    const deployment = new BucketDeployment(this, 'Deploy', {
      sources: [
        Source.asset(siteDirectory, { exclude: [appletBundleKey, siteConfigKey] }),
        Source.data(appletBundleKey, appletWithConfig),
        Source.jsonData(siteConfigKey, siteConfig),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      // The apps under applet/<platform>/ come from their own deployment (deployApps); prune leaves them alone.
      exclude: ['applet/*/*'],
      memoryLimit: 512,
    });
    return deployment;
  }

  /**
   * Uploads the native apps `npm run build:apps` wrote for this deployment
   * (gzip copies, served with Content-Encoding: gzip) to applet/<platform>/.
   * They carry their server already, so nothing rewrites them: a signature
   * made by the build stays valid (decision 0833).
   */
  deployApps(appsDirectory: string, manifest: AppsManifest): BucketDeployment {
    if (!Token.isUnresolved(this.origin) && manifest.serverConfig.httpOrigin !== this.origin) {
      throw new Error(
        `the apps in ${appsDirectory} were built for ${manifest.serverConfig.httpOrigin}, but this deployment is ${this.origin}; ` +
          `rebuild them: npm run build:apps -- --server ${this.origin} --ws-url <WebSocketUrl output>`,
      );
    }
    Annotations.of(this).addInfo(
      `support apps built for ${manifest.serverConfig.httpOrigin} (${manifest.serverConfig.webSocketUrl}): ${manifest.apps.map((app) => `${app.platform} ${app.signature}`).join(', ')}`,
    );
    return new BucketDeployment(this, 'DeployApps', {
      sources: [Source.asset(path.join(appsDirectory, gzipDirectoryName))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'applet/',
      contentEncoding: 'gzip',
      contentType: 'application/octet-stream',
      // The Node.js script under applet/ belongs to the site deployment.
      exclude: [path.basename(appletBundleKey)],
      prune: true,
      distribution: this.distribution,
      distributionPaths: ['/applet/*'],
      // Five apps of about 40 MB each (gzip) pass through the provider function's disk.
      memoryLimit: 1024,
      ephemeralStorageSize: Size.gibibytes(2),
    });
  }

  private createWebAcl(rateLimit: number): string {
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region) || region !== 'us-east-1') {
      throw new Error(
        'enableWaf creates a CLOUDFRONT-scope web ACL, which AWS only allows in us-east-1. Deploy this stack to us-east-1, ' +
          'or create the web ACL there yourself and pass -c webAclArn=arn:aws:wafv2:us-east-1:...:global/webacl/...',
      );
    }
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const managedRule = (name: string, priority: number) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    const acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('remote-support'),
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
        managedRule('AWSManagedRulesAmazonIpReputationList', 1),
        managedRule('AWSManagedRulesCommonRuleSet', 2),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 3),
      ],
    });
    return acl.attrArn;
  }
}
