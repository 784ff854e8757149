import { beforeAll, describe, expect, it } from '@jest/globals';
import { explained } from '../support/explained.ts';
import { httpRoutes, scheduledJobs, streamConsumers, webSocketAuthorizer, webSocketRoutes, type HandlerDeclaration } from '#routes';
import { environmentVariables } from '#domain/config';
import { defaultDeploymentOptions } from '../../lib/deployment-options.ts';
import { serviceEnvironment } from '../../lib/remote-support-stack.ts';
import { localHandlerEnvironment, localSecretVariables, platformVariables } from '../../local/handler-environment.ts';
import { synthesize } from './synth.ts';

/**
 * What runs locally is what runs in AWS: per handler, the variables the
 * synthesized template gives the Lambda function are the variables the local
 * runtime gives that handler's sandbox, apart from what Lambda provides itself
 * (region, the role's credentials) and secrets arriving by value instead of ARN.
 */
type Resource = { Type: string; Properties: Record<string, unknown> };

const declarations: HandlerDeclaration[] = [...httpRoutes, ...webSocketRoutes, webSocketAuthorizer, ...scheduledJobs, ...streamConsumers];
/**
 * Only in AWS, with the reasons: tsx maps source lines locally, the bundle needs Node's source-map
 * support; locally the technicians an integration client acts for are in the table, not a user pool.
 */
const stackOnlyVariables = ['NODE_OPTIONS', 'USER_POOL_ID'];

let functions: Resource[];

beforeAll(() => {
  const resources = synthesize().template.toJSON().Resources as Record<string, Resource>;
  functions = Object.values(resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
}, 120_000);

function templateVariables(name: string): Record<string, unknown> {
  const found = functions.filter((fn) => String(fn.Properties.Description).startsWith(`${name} (`));
  explained(`one function for ${name}`, () => expect(found).toHaveLength(1));
  return (found[0]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

function runtimeVariables(declaration: HandlerDeclaration): Record<string, string> {
  return localHandlerEnvironment(
    declaration,
    {
      // The stack adds the download sizes redeem lists to the tunables; the runtime does the same.
      tunables: { ...serviceEnvironment(defaultDeploymentOptions), [environmentVariables.appletDownloads]: '[]' },
      tableName: 'remote-support',
      dynamoDbEndpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      managementEndpoint: 'http://127.0.0.1:2',
      jwtIssuer: 'http://127.0.0.1:2/dev',
      jwtAudience: 'local-console',
      allowedOrigins: '',
      pinSecret: 'p'.repeat(64),
      originVerifySecret: 'o'.repeat(48),
      eventBusName: 'remote-support',
    },
    {},
  );
}

/** The runtime's variable names as the stack spells them. */
function asStackNames(variables: Record<string, string>): string[] {
  const stackNameOf = Object.fromEntries(Object.entries(localSecretVariables).map(([stackName, localName]) => [localName, stackName]));
  return Object.keys(variables)
    .filter((name) => !platformVariables.includes(name))
    .map((name) => stackNameOf[name] ?? name)
    .sort();
}

describe('each handler’s environment, template versus local runtime', () => {
  it.each(declarations.map((declaration) => [declaration.name, declaration] as const))(
    '%s gets the same variables in both',
    (_, declaration) => {
      const inTemplate = Object.keys(templateVariables(declaration.name))
        .filter((name) => !stackOnlyVariables.includes(name))
        .sort();
      expect(asStackNames(runtimeVariables(declaration))).toEqual(inTemplate);
    },
  );

  it('gives the tunables the same values in both', () => {
    const tunables = serviceEnvironment(defaultDeploymentOptions);
    for (const declaration of declarations) {
      const inTemplate = templateVariables(declaration.name);
      const local = runtimeVariables(declaration);
      for (const name of Object.keys(tunables))
        explained(`${declaration.name} ${name}`, () => expect([inTemplate[name], local[name]]).toEqual([tunables[name], tunables[name]]));
    }
  });

  it('gives the session log handler the PIN secret it unseals the log’s PIN entries with', () => {
    expect(templateVariables('get-session-log').PIN_SECRET_ARN).toBeDefined();
    expect(runtimeVariables(httpRoutes.find((route) => route.name === 'get-session-log')!).PIN_SECRET).toBeDefined();
  });

  it('gives no handler a secret or endpoint its needs do not name', () => {
    const openapi = runtimeVariables(httpRoutes.find((route) => route.name === 'openapi')!);
    expect(Object.keys(openapi).filter((name) => /SECRET|TABLE|ENDPOINT|JWT/.test(name) && name !== 'AWS_SECRET_ACCESS_KEY')).toEqual([]);
  });
});
