import { environmentVariables } from '#domain/config';
import type { HandlerDeclaration } from '#routes';
import { handlerEnvironment } from '../lambdas/handler-access.ts';
import { accessKeyIdFor } from './iam-guard.ts';
import { integrationEnvironment } from '#events/environment';

/** Local stand-ins of the integrations (the EventBridge endpoint, private webhook targets allowed) and their trial knobs. */
function localIntegrationVariables(): string[] {
  return [
    integrationEnvironment.eventBusEndpoint,
    integrationEnvironment.webhookAllowPrivate,
    integrationEnvironment.webhookRetrySchedule,
    'EVENT_BUS_QUIET',
  ];
}

/** What one local runtime offers its handlers; each gets only the part its `needs` names. */
export interface LocalHandlerResources {
  readonly tunables: Readonly<Record<string, string>>;
  readonly tableName: string;
  /** The IAM guard in front of DynamoDB Local. */
  readonly dynamoDbEndpoint: string;
  readonly region: string;
  readonly managementEndpoint: string;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly allowedOrigins: string;
  readonly pinSecret: string;
  readonly originVerifySecret: string;
  readonly eventBusName: string;
  /** The local stand-ins of the integrations and their trial knobs (localIntegrationVariables), as the runtime set them. */
  readonly integrationVariables?: Readonly<Record<string, string>>;
}

/**
 * What Lambda gives every function besides the stack's variables (its region
 * and its role's credentials), plus the local stand-ins for AWS endpoints.
 * Everything else a handler sees locally is exactly what the stack gives it.
 */
export const platformVariables: readonly string[] = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  environmentVariables.dynamoDbEndpoint,
  'LOG_LEVEL',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  ...localIntegrationVariables(),
];

/** Locally a secret arrives by value where in AWS its ARN does (the stack's variable → the local one). */
export const localSecretVariables: Readonly<Record<string, string>> = {
  [environmentVariables.pinSecretArn]: environmentVariables.pinSecret,
  [environmentVariables.originVerifySecretArn]: environmentVariables.originVerifySecret,
};

function pick(variables: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => variables[name]).map((name) => [name, variables[name] as string]));
}

/** One handler's whole process.env in the local runtime. */
export function localHandlerEnvironment(
  declaration: HandlerDeclaration,
  resources: LocalHandlerResources,
  parentEnvironment: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const passedThrough: Record<string, string> = {};
  for (const name of ['LOG_LEVEL', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']) {
    const value = parentEnvironment[name];
    if (value) passedThrough[name] = value;
  }
  return {
    ...handlerEnvironment(declaration.needs, {
      tunables: resources.tunables,
      tableName: resources.tableName,
      pinSecret: { value: resources.pinSecret },
      originVerifySecret: { value: resources.originVerifySecret },
      managementEndpoint: resources.managementEndpoint,
      jwtIssuer: resources.jwtIssuer,
      jwtAudience: resources.jwtAudience,
      allowedOrigins: resources.allowedOrigins,
      eventBusName: resources.eventBusName,
      signalingChannelArns: '',
    }),
    ...passedThrough,
    ...pick(resources.integrationVariables ?? {}, localIntegrationVariables()),
    AWS_REGION: resources.region,
    AWS_ACCESS_KEY_ID: accessKeyIdFor(declaration.name),
    AWS_SECRET_ACCESS_KEY: 'local',
    ...(declaration.needs.table === 'none' ? {} : { [environmentVariables.dynamoDbEndpoint]: resources.dynamoDbEndpoint }),
  };
}
