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
import { Construct } from 'constructs';
import { environmentVariables } from '#domain/config';
import type { HandlerDeclaration } from '#routes';
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

/** DynamoDB actions per access level of the route table's `needs.table`. */
export const tableActions = {
  /** Point reads, batch reads, index queries, and ConditionCheck for TransactWriteItems guards. */
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  /** Plus single and batch writes; TransactWriteItems is authorized per contained action. */
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
} as const;

export type TableAccess = keyof typeof tableActions;

/**
 * One Lambda function of the product with the defaults built in: Node 22 on
 * arm64, esbuild ESM bundle with minification and source maps, its own log
 * group with retention, JSON logs, X-Ray tracing, and its own role that starts
 * with nothing but writing to that log group. Access is added only through the
 * bind* methods, each of which sets the environment variable naming the
 * resource together with the least grant on it.
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
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (added by tracing: ACTIVE) support no resource-level permissions; nothing else in this role is wildcarded.',
    });
  }

  /** TABLE_NAME + exactly the actions of the access level on the table and its indexes (no index wildcard). */
  bindTable(table: ITableV2, access: TableAccess, indexNames: readonly string[]): this {
    this.function.addEnvironment(environmentVariables.tableName, table.tableName);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...tableActions[access]],
        resources: [table.tableArn, ...indexNames.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
    return this;
  }

  /** PIN_SECRET_ARN + GetSecretValue on that one secret. */
  bindPinSecret(secret: ISecret): this {
    this.function.addEnvironment(environmentVariables.pinSecretArn, secret.secretArn);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    return this;
  }

  /** ORIGIN_VERIFY_SECRET_ARN + GetSecretValue on that one secret: lets the function trust CloudFront's viewer address. */
  bindOriginVerifySecret(secret: ISecret): this {
    this.function.addEnvironment(environmentVariables.originVerifySecretArn, secret.secretArn);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    return this;
  }

  /**
   * KVS_SIGNALING_CHANNEL_ARNS + the two read calls that yield TURN
   * credentials, on those channels only (no channel is created, written or
   * connected to by the function).
   */
  bindSignalingChannels(channelArns: readonly string[]): this {
    this.function.addEnvironment(environmentVariables.signalingChannelArns, channelArns.join(','));
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kinesisvideo:GetSignalingChannelEndpoint', 'kinesisvideo:GetIceServerConfig'], resources: [...channelArns] }),
    );
    return this;
  }

  /** WEBSOCKET_MANAGEMENT_ENDPOINT + ManageConnections on that stage's @connections only. */
  bindConnectionsApi(stage: WebSocketStage): this {
    this.function.addEnvironment(environmentVariables.managementEndpoint, stage.callbackUrl);
    stage.grantManagementApiAccess(this.role);
    const { partition, region, account } = nagPseudo(this);
    const apiRef = nagRef(stage.api.node.defaultChild as CfnResource);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${partition}:execute-api:${region}:${account}:${apiRef}/${stage.stageName}/*/@connections/*]`,
      reason: 'Posting to a WebSocket client needs the connection id in the ARN; ids are only known at run time. Scoped to this API and stage, @connections only.',
    });
    return this;
  }

  /**
   * JWT_ISSUER + JWT_AUDIENCE for the handler that verifies Cognito tokens itself (no grant: the
   * JWKS is public), and ALLOWED_ORIGINS: the only browser origins that may open the WebSocket.
   */
  bindJwtVerification(issuer: string, audience: string, allowedOrigins: readonly string[]): this {
    this.function.addEnvironment(environmentVariables.jwtIssuer, issuer);
    this.function.addEnvironment(environmentVariables.jwtAudience, audience);
    this.function.addEnvironment(environmentVariables.allowedOrigins, allowedOrigins.join(','));
    return this;
  }
}

function codeProps(props: ServiceFunctionProps): Partial<ConstructorParameters<typeof NodejsFunction>[2]> {
  if (props.codeMode === 'placeholder') {
    return {
      code: Code.fromInline(`exports.handler = async () => { throw new Error('placeholder for ${props.declaration.name}: synthesized without bundling'); };`),
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
