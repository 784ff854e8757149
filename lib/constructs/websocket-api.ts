import { Stack, Validations } from 'aws-cdk-lib';
import { WebSocketApi as WebSocketApiL2, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { webSocketRouteSelectionExpression, type HandlerDeclaration, type WebSocketRoute } from '#routes';
import type { ServiceFunction } from './service-function.ts';

export const webSocketStageName = 'live';
export const webSocketThrottling = { rateLimit: 100, burstLimit: 200 } as const;

/**
 * The WebSocket API that technicians' consoles and customers' applets hold open.
 * `$connect` is guarded by the Lambda authorizer (technician JWT or applet
 * ticket); every other route runs on an already authorized connection.
 */
export class WebSocketApi extends Construct {
  readonly api: WebSocketApiL2;
  readonly stage: WebSocketStage;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.api = new WebSocketApiL2(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-websocket`,
      description: 'Remote support WebSocket API (consoles and applets)',
      routeSelectionExpression: webSocketRouteSelectionExpression,
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: webSocketStageName,
      autoDeploy: true,
      throttle: webSocketThrottling,
    });
    Validations.of(this.stage).acknowledge({
      id: 'AwsSolutions-APIG1',
      reason:
        'WebSocket access logging needs the account-wide API Gateway CloudWatch role (AWS::ApiGateway::Account), a setting this stack must not take over in a shared account; every route handler logs each message it handles as structured JSON instead.',
    });
  }

  /** wss://<api id>.execute-api.<region>.amazonaws.com/<stage> */
  get url(): string {
    return this.stage.url;
  }

  /** The host for the site's CSP connect-src. */
  get host(): string {
    return `${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
  }

  addRoutes(
    routes: readonly WebSocketRoute[],
    authorizerDeclaration: HandlerDeclaration,
    functions: ReadonlyMap<string, ServiceFunction>,
  ): void {
    const lookup = (name: string): ServiceFunction => {
      const found = functions.get(name);
      if (!found) throw new Error(`no function for WebSocket handler ${name}`);
      return found;
    };
    // No identity source: the token arrives as ?token= or the ticket as ?ticket=, and either one
    // suffices, so API Gateway must call the authorizer on every $connect (this also disables caching).
    const authorizer = new WebSocketLambdaAuthorizer('ConnectAuthorizer', lookup(authorizerDeclaration.name).function, {
      identitySource: [],
    });
    for (const route of routes) {
      const created = this.api.addRoute(route.routeKey, {
        integration: new WebSocketLambdaIntegration(`${route.name}-integration`, lookup(route.name).function),
        ...(route.routeKey === '$connect' ? { authorizer } : {}),
      });
      if (route.routeKey !== '$connect') {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `API Gateway authorizes WebSocket connections once, on $connect (Lambda authorizer); route ${route.routeKey} runs on an already authorized connection and cannot carry its own authorizer.`,
        });
      }
    }
  }
}
