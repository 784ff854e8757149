import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { HandlerDeclaration, ScheduledJob } from '#routes';
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
  /** Browser origins allowed to open the WebSocket (the site's). */
  readonly siteOrigins: readonly string[];
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
    for (const declaration of props.declarations) {
      if (byName.has(declaration.name)) throw new Error(`route table declares "${declaration.name}" twice`);
      const isScheduled = 'everyMinutes' in declaration;
      const fn = new ServiceFunction(this, declaration.name, {
        declaration,
        codeMode: props.codeMode,
        projectRoot: props.projectRoot,
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
        environment: props.environment,
        // A sweep may finalize many sessions and notify their technicians; requests must answer fast.
        timeout: isScheduled ? Duration.seconds(Math.max(30, (declaration as ScheduledJob).everyMinutes * 50)) : Duration.seconds(10),
      });
      const { needs } = declaration;
      if (needs.table !== 'none') fn.bindTable(props.table, needs.table, props.indexNames);
      if (needs.pinSecret) fn.bindPinSecret(props.pinSecret);
      if (needs.viewerAddress) fn.bindOriginVerifySecret(props.originVerifySecret);
      if (needs.postsToConnections) fn.bindConnectionsApi(props.webSocketStage);
      if (needs.verifiesJwt) fn.bindJwtVerification(props.jwtIssuer, props.jwtAudience, props.siteOrigins);
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
