/**
 * What a route-table entry's `needs` turns into, wherever the handler runs:
 * the environment it is given and the DynamoDB actions it may call. The CDK
 * stack (lib/constructs/handlers.ts) and the local runtime (local/runtime.ts)
 * both build each function's environment with handlerEnvironment(), and the
 * stack's IAM policy and the local IAM guard (local/iam-guard.ts) both allow
 * exactly tableActions, so a `needs` that is wrong fails locally the way it
 * would fail in AWS.
 */
import { environmentVariables } from '#domain/config';
import { integrationEnvironment } from '#events/environment';
import type { HandlerNeeds } from '#routes';

/** DynamoDB IAM actions per access level. TransactWriteItems is authorized per contained Put/Update/Delete. */
export const tableActions = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
} as const;

export type TableAccess = keyof typeof tableActions;

/** A secret as a function receives it: by ARN in AWS (read from Secrets Manager), by value locally. */
export type SecretSource = { readonly arn: string } | { readonly value: string };

/** The resources of one deployment (or one local runtime) a handler may be pointed at. */
export interface HandlerResources {
  /** The tunables every handler reads through loadConfig(); the same for all. */
  readonly tunables: Readonly<Record<string, string>>;
  readonly tableName: string;
  readonly pinSecret: SecretSource;
  readonly originVerifySecret: SecretSource;
  readonly managementEndpoint: string;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  /** Comma-separated browser origins that may open the WebSocket; empty = any (local development). */
  readonly allowedOrigins: string;
  /** The EventBridge bus session events go to. */
  readonly eventBusName: string;
  /** Kinesis Video Streams signaling channels for screen view's STUN/TURN; empty locally (ICE_SERVERS or host candidates). */
  readonly signalingChannelArns: string;
}

function secretVariable(source: SecretSource, inlineName: string, arnName: string): Record<string, string> {
  return 'arn' in source ? { [arnName]: source.arn } : { [inlineName]: source.value };
}

/** Exactly the variables `needs` entitles a handler to, and no others. */
export function handlerEnvironment(needs: HandlerNeeds, resources: HandlerResources): Record<string, string> {
  const v = environmentVariables;
  return {
    ...resources.tunables,
    ...(needs.table === 'none' ? {} : { [v.tableName]: resources.tableName }),
    ...(needs.pinSecret ? secretVariable(resources.pinSecret, v.pinSecret, v.pinSecretArn) : {}),
    ...(needs.viewerAddress ? secretVariable(resources.originVerifySecret, v.originVerifySecret, v.originVerifySecretArn) : {}),
    ...(needs.postsToConnections ? { [v.managementEndpoint]: resources.managementEndpoint } : {}),
    ...(needs.iceServers ? { [v.signalingChannelArns]: resources.signalingChannelArns } : {}),
    ...(needs.publishesEvents ? { [integrationEnvironment.eventBusName]: resources.eventBusName } : {}),
    ...(needs.verifiesJwt
      ? { [v.jwtIssuer]: resources.jwtIssuer, [v.jwtAudience]: resources.jwtAudience, [v.allowedOrigins]: resources.allowedOrigins }
      : {}),
  };
}
