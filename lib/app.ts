import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { deploymentOptionsFromContext } from './deployment-options.ts';
import type { HandlerCodeMode } from './constructs/service-function.ts';
import { RemoteSupportStack } from './remote-support-stack.ts';

export const defaultStackName = 'RemoteSupport';

/** The feature flags (and any other context) in cdk.json, which the CLI passes to `cdk synth`. */
export function cdkJsonContext(): Record<string, unknown> {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cdk.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}

export interface CreateAppProps {
  /** The app to add the stack to (the CLI's, with its context); a new one otherwise. */
  readonly app?: App;
  readonly siteDirectory: string;
  readonly handlerCode: HandlerCodeMode;
  /** dist/apps from `npm run build:apps -- --server ...`; without it redeem offers only the Node.js script. */
  readonly appsDirectory?: string;
  /** Extra CDK context (tests); the CLI passes -c values through the environment. */
  readonly context?: Record<string, unknown>;
  readonly outdir?: string;
  /** Account and region; both optional so synth needs no credentials. */
  readonly env?: { readonly account?: string; readonly region?: string };
}

/**
 * The CDK app: one stack, named by context "stackName" (several deployments can
 * share an account), with cdk-nag's AwsSolutions pack validating every synth:
 * an unacknowledged finding fails synthesis.
 */
export function createApp(props: CreateAppProps): { app: App; stack: RemoteSupportStack } {
  // An app made here (tests) gets cdk.json's context as the CLI would give it, so it synthesizes what `cdk synth` does.
  const appProps: AppProps = { context: { ...cdkJsonContext(), ...props.context }, ...(props.outdir ? { outdir: props.outdir } : {}) };
  const app = props.app ?? new App(appProps);
  const stackName = String(app.node.tryGetContext('stackName') ?? defaultStackName);
  if (!/^[A-Za-z][A-Za-z0-9-]{0,100}$/.test(stackName)) {
    throw new Error(`context "stackName" must start with a letter and contain letters, digits and dashes, got "${stackName}"`);
  }
  const stack = new RemoteSupportStack(app, stackName, {
    description: 'PIN-code remote-support sessions (HTTP + WebSocket APIs, DynamoDB, Cognito, CloudFront)',
    env: props.env,
    options: deploymentOptionsFromContext(app.node),
    siteDirectory: props.siteDirectory,
    handlerCode: props.handlerCode,
    appsDirectory: props.appsDirectory,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
