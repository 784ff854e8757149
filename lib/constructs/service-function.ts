import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration, Validations, type CfnResource, type RemovalPolicy } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { USER_POOL_ID } from '#shared/technician-directory';
import { Construct } from 'constructs';
import type { HandlerDeclaration } from '#routes';
import { tableActions, type TableAccess } from '../../lambdas/handler-access.ts';
import { nagPseudo, nagRef } from '../nag.ts';

/**
 * How function code is produced. `bundled`: esbuild bundles each route's entry
 * file (real synth and deploy). `placeholder`: an inline stub, so template tests
 * synthesize in milliseconds and do not depend on the handlers existing.
 */
export type HandlerCodeMode = 'bundled' | 'placeholder';

export interface ServiceFunctionProps {
  readonly declaration: HandlerDeclaration;
  readonly codeMode: HandlerCodeMode;
  /** Repository root: entry paths in the route table are relative to it. */
  readonly projectRoot: string;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Tunables every handler reads through loadConfig(). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
}

export { tableActions, type TableAccess } from '../../lambdas/handler-access.ts';

/**
 * One Lambda function of the product with the defaults built in: Node 22 on
 * arm64, esbuild ESM bundle with minification and source maps, its own log
 * group with retention, JSON logs, X-Ray tracing, and its own role that starts
 * with nothing but writing to that log group. Its environment is given whole
 * (handlerEnvironment() of its `needs`, as the local runtime builds it too);
 * access is added only through the bind* methods, each the least grant on
 * one resource.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  readonly declaration: HandlerDeclaration;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { declaration } = props;
    this.declaration = declaration;

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    // Own role instead of AWSLambdaBasicExecutionRole: log writes scoped to this log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${declaration.name} handler`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      description: `${declaration.name} (${declaration.entry})`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      ...codeProps(props),
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is deliberate: it is the LTS line the handlers are developed and tested against (AWS supports it into 2027); moving to a newer runtime is a tested upgrade, not an automatic one.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (added by tracing: ACTIVE) support no resource-level permissions; nothing else in this role is wildcarded.',
    });
  }

  /** Exactly the actions of the access level on the table and its indexes (no index wildcard). */
  bindTable(table: ITableV2, access: TableAccess, indexNames: readonly string[]): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...tableActions[access]],
        resources: [table.tableArn, ...indexNames.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
    return this;
  }

  /** GetSecretValue on the PIN secret only. */
  bindPinSecret(secret: ISecret): this {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    return this;
  }

  /** GetSecretValue on the origin-verify secret only: lets the function trust CloudFront's viewer address. */
  bindOriginVerifySecret(secret: ISecret): this {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    return this;
  }

  /**
   * The two read calls that yield TURN
   * credentials, on those channels only (no channel is created, written or
   * connected to by the function).
   */
  bindSignalingChannels(channelArns: readonly string[]): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kinesisvideo:GetSignalingChannelEndpoint', 'kinesisvideo:GetIceServerConfig'],
        resources: [...channelArns],
      }),
    );
    return this;
  }

  /** ManageConnections on that stage's @connections only. */
  bindConnectionsApi(stage: WebSocketStage): this {
    stage.grantManagementApiAccess(this.role);
    const { partition, region, account } = nagPseudo(this);
    const apiRef = nagRef(stage.api.node.defaultChild as CfnResource);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${partition}:execute-api:${region}:${account}:${apiRef}/${stage.stageName}/*/@connections/*]`,
      reason:
        'Posting to a WebSocket client needs the connection id in the ARN; ids are only known at run time. Scoped to this API and stage, @connections only.',
    });
    return this;
  }

  /** PutEvents on that one bus (EVENT_BUS_NAME comes with the handler's environment). */
  bindEventBus(bus: IEventBus): this {
    bus.grantPutEventsTo(this.role);
    return this;
  }

  /** USER_POOL_ID + reading one technician and their groups: integration clients act for technicians by user name. */
  bindTechnicianDirectory(userPool: IUserPool): this {
    this.function.addEnvironment(USER_POOL_ID, userPool.userPoolId);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser'],
        resources: [userPool.userPoolArn],
      }),
    );
    return this;
  }
}

function codeProps(props: ServiceFunctionProps): Partial<ConstructorParameters<typeof NodejsFunction>[2]> {
  if (props.codeMode === 'placeholder') {
    return {
      code: Code.fromInline(
        `exports.handler = async () => { throw new Error('placeholder for ${props.declaration.name}: synthesized without bundling'); };`,
      ),
      handler: 'index.handler',
    };
  }
  const entry = path.join(props.projectRoot, props.declaration.entry);
  if (!existsSync(entry)) {
    throw new Error(
      `Handler "${props.declaration.name}" declares entry ${props.declaration.entry}, which does not exist. ` +
        'Fix the route table (lambdas/routes.ts) or synthesize without bundling: -c handlerCode=placeholder',
    );
  }
  return {
    entry,
    handler: 'handler',
    projectRoot: props.projectRoot,
    depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      sourceMapMode: SourceMapMode.DEFAULT,
      sourcesContent: false,
      // Bundle the SDK too: the versions the tests ran against are the versions that run.
      bundleAwsSDK: true,
      externalModules: [],
      mainFields: ['module', 'main'],
      // ESM output still meets CommonJS-only dependencies that call require().
      banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      forceDockerBundling: false,
      tsconfig: path.join(props.projectRoot, 'tsconfig.json'),
    },
  };
}
