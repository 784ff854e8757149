import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { HandlerDeclaration, ScheduledJob } from '#routes';
import { handlerEnvironment, type HandlerResources } from '../../lambdas/handler-access.ts';
import { ServiceFunction, type HandlerCodeMode } from './service-function.ts';

export interface HandlersProps {
  /** Every declaration of the route table: HTTP routes, WebSocket routes, the authorizer, scheduled jobs. */
  readonly declarations: readonly HandlerDeclaration[];
  readonly codeMode: HandlerCodeMode;
  readonly projectRoot: string;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly environment: Readonly<Record<string, string>>;
  readonly table: ITableV2;
  readonly indexNames: readonly string[];
  readonly pinSecret: ISecret;
  readonly originVerifySecret: ISecret;
  readonly webSocketStage: WebSocketStage;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  /** Browser origins allowed to open the WebSocket (the site's); the JWT-verifying handler gets them. */
  readonly siteOrigins: readonly string[];
  /** The bus session events are published on. */
  readonly eventBus: IEventBus;
  /** The technicians' pool, read by routes integration clients may use. */
  readonly userPool: IUserPool;
  /** Kinesis Video Streams signaling channels whose managed STUN/TURN screen view hands out. */
  readonly signalingChannelArns: readonly string[];
}

/**
 * One function per route-table declaration, granted exactly what its `needs`
 * says. Adding a route to lambdas/routes.ts adds its function here.
 */
export class Handlers extends Construct {
  readonly byName: ReadonlyMap<string, ServiceFunction>;

  constructor(scope: Construct, id: string, props: HandlersProps) {
    super(scope, id);
    const byName = new Map<string, ServiceFunction>();
    const resources: HandlerResources = {
      tunables: props.environment,
      tableName: props.table.tableName,
      pinSecret: { arn: props.pinSecret.secretArn },
      originVerifySecret: { arn: props.originVerifySecret.secretArn },
      managementEndpoint: props.webSocketStage.callbackUrl,
      jwtIssuer: props.jwtIssuer,
      jwtAudience: props.jwtAudience,
      allowedOrigins: props.siteOrigins.join(','),
      eventBusName: props.eventBus.eventBusName,
      signalingChannelArns: props.signalingChannelArns.join(','),
    };
    for (const declaration of props.declarations) {
      if (byName.has(declaration.name)) throw new Error(`route table declares "${declaration.name}" twice`);
      const isScheduled = 'everyMinutes' in declaration;
      const fn = new ServiceFunction(this, declaration.name, {
        declaration,
        codeMode: props.codeMode,
        projectRoot: props.projectRoot,
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
        environment: handlerEnvironment(declaration.needs, resources),
        // A sweep may finalize many sessions and notify their technicians; requests must answer fast.
        timeout: isScheduled ? Duration.seconds(Math.max(30, (declaration as ScheduledJob).everyMinutes * 50)) : Duration.seconds(10),
      });
      const { needs } = declaration;
      if (needs.table !== 'none') fn.bindTable(props.table, needs.table, props.indexNames);
      if (needs.pinSecret) fn.bindPinSecret(props.pinSecret);
      if (needs.viewerAddress) fn.bindOriginVerifySecret(props.originVerifySecret);
      if (needs.postsToConnections) fn.bindConnectionsApi(props.webSocketStage);
      if (needs.publishesEvents) fn.bindEventBus(props.eventBus);
      if ('clientScope' in declaration && declaration.clientScope) fn.bindTechnicianDirectory(props.userPool);
      if (needs.iceServers) fn.bindSignalingChannels(props.signalingChannelArns);
      byName.set(declaration.name, fn);
    }
    this.byName = byName;
  }

  get(name: string): ServiceFunction {
    const found = this.byName.get(name);
    if (!found) throw new Error(`the route table declares no handler "${name}"`);
    return found;
  }
}
