import { Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  HttpApi as HttpApiL2,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpRoute } from '#routes';
import type { ServiceFunction } from './service-function.ts';

export interface HttpApiProps {
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** Steady-state requests per second and burst, for the whole stage and for each public route. */
export const httpThrottling = {
  stage: { rateLimit: 200, burstLimit: 400 },
  publicRoute: { rateLimit: 20, burstLimit: 40 },
} as const;

/**
 * The HTTP API behind CloudFront's /api/*. Every route of the route table is a
 * Lambda integration; technician routes carry the Cognito JWT authorizer, public
 * routes (PIN redeem and the other customer endpoints) are explicitly open and
 * throttled harder.
 */
export class HttpApi extends Construct {
  readonly api: HttpApiL2;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.api = new HttpApiL2(this, 'Api', {
      // Both APIs would otherwise be called "Api" in the console.
      apiName: `${Stack.of(this).stackName}-http`,
      description: 'Remote support HTTP API (reached through CloudFront under /api)',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: httpThrottling.stage,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
  }

  /** https://<api id>.execute-api.<region>.amazonaws.com, without a trailing slash. */
  get endpointDomain(): string {
    return `${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
  }

  /** Adds every route of the table; `functions` maps route names to their functions. */
  addRoutes(routes: readonly HttpRoute[], functions: ReadonlyMap<string, ServiceFunction>, authorizer: HttpJwtAuthorizer): void {
    const publicRouteKeys: string[] = [];
    for (const route of routes) {
      const handler = functions.get(route.name);
      if (!handler) throw new Error(`no function for HTTP route ${route.name}`);
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}-integration`, handler.function),
        authorizer: route.auth === 'technician' ? authorizer : new HttpNoneAuthorizer(),
      });
      if (route.auth === 'public' && created) {
        publicRouteKeys.push(`${route.method} ${route.path}`);
        // API Gateway rejects route settings for routes that do not exist yet.
        this.stage.node.addDependency(created);
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is a customer endpoint by design (the customer signs in to nothing): the customer has only a PIN or ticket, checked by the handler, and the route is throttled to ${httpThrottling.publicRoute.rateLimit} rps.`,
        });
      }
    }
    // RouteSettings is untyped JSON in CloudFormation: keys are passed through, hence the CloudFormation casing.
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      publicRouteKeys.map((routeKey) => [
        routeKey,
        { ThrottlingRateLimit: httpThrottling.publicRoute.rateLimit, ThrottlingBurstLimit: httpThrottling.publicRoute.burstLimit },
      ]),
    );
  }
}
