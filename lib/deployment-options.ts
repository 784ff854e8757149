import { RemovalPolicy } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { defaultConfig } from '../lambdas/domain/config.ts';

/**
 * Everything a DevOps engineer can tune at deploy time, with `cdk deploy -c name=value`
 * (or in cdk.json "context"). docs/deployment.md lists each one; defaults match the
 * service defaults in lambdas/domain/config.ts so the local runtime and AWS behave alike.
 */
export interface DeploymentOptions {
  /** Minutes a PIN stays redeemable. @default 10 */
  readonly pinValidityMinutes: number;
  /** Minutes from PIN redemption until the applet must have connected. @default 10 */
  readonly connectingTimeoutMinutes: number;
  /** Minutes a connected customer waits for the technician; 0 = never times out. @default 60 */
  readonly waitingTimeoutMinutes: number;
  /** Failed PIN redemptions one client may make per 10-minute window. @default 10 */
  readonly redeemFailuresPerClient: number;
  /** Failed PIN redemptions all clients together may make per 10-minute window. @default 1000 */
  readonly redeemFailuresGlobal: number;
  /** Failed redemptions per 5 minutes that raise the brute-force alarm. @default 50 */
  readonly redeemFailureAlarmThreshold: number;
  /** Days CloudWatch keeps function and access logs. @default 30 */
  readonly logRetentionDays: number;
  /** What happens to the table, user pool, secret and buckets on stack deletion. @default retain */
  readonly removalPolicy: 'retain' | 'destroy';
  /** Whether technicians must use a TOTP second factor. @default optional */
  readonly mfa: 'optional' | 'required';
  /** Custom domain for the site, e.g. support.example.com (DNS is yours to point). @default none */
  readonly domainName?: string;
  /** ACM certificate in us-east-1 covering domainName. Required with domainName. */
  readonly certificateArn?: string;
  /** Create a WAF web ACL (rate-based rule + AWS managed rules) on CloudFront. Needs region us-east-1. @default false */
  readonly enableWaf: boolean;
  /** Requests per 5 minutes per client IP before the WAF rate rule blocks. @default 1000 */
  readonly wafRateLimit: number;
  /** An existing CLOUDFRONT-scope web ACL ARN to attach instead of creating one. @default none */
  readonly webAclArn?: string;
  /** E-mail subscribed to the alarm topic. @default none (topic without subscription) */
  readonly alarmEmail?: string;
  /** Prefix of the Cognito hosted-UI domain; must be globally unique per region. @default <stack name>-<account id> */
  readonly authDomainPrefix?: string;
  /**
   * Secrets Manager version id of the origin-verify value CloudFront sends. Changing it changes the
   * template, so a deploy really hands CloudFront the new value (an unchanged template is not
   * deployed, and a dynamic reference is only resolved when its resource changes). @default AWSCURRENT at first deploy
   */
  readonly originVerifySecretVersion?: string;
  /** Refuse `cdk destroy` / stack deletion until switched off. @default false */
  readonly terminationProtection: boolean;
  /** Send Cognito's invitation and password mails through this SES-verified address instead of Cognito's limited built-in sender. @default none */
  readonly sesFromAddress?: string;
  /** Region of the SES identity of sesFromAddress. @default the stack's region */
  readonly sesRegion?: string;
  /** Route 53 hosted zone to create the custom domain's alias records in (with domainName). @default none: DNS is yours */
  readonly hostedZoneId?: string;
  /** The hosted zone's name, e.g. example.com (with hostedZoneId). */
  readonly hostedZoneName?: string;
  /** Tags put on every resource, as key=value pairs separated by commas. @default project=pin-remote-support only */
  readonly tags: Readonly<Record<string, string>>;
}

export const defaultDeploymentOptions: DeploymentOptions = {
  pinValidityMinutes: defaultConfig.pinValiditySeconds / 60,
  connectingTimeoutMinutes: defaultConfig.connectingTimeoutSeconds / 60,
  waitingTimeoutMinutes: defaultConfig.waitingTimeoutSeconds / 60,
  redeemFailuresPerClient: defaultConfig.redeemFailuresPerClient,
  redeemFailuresGlobal: defaultConfig.redeemFailuresGlobal,
  redeemFailureAlarmThreshold: 50,
  logRetentionDays: 30,
  removalPolicy: 'retain',
  mfa: 'optional',
  enableWaf: false,
  wafRateLimit: 1000,
  terminationProtection: false,
  tags: {},
};

/** CloudWatch Logs accepts only these retention periods. */
export const allowedLogRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export class DeploymentOptionError extends Error {
  override readonly name = 'DeploymentOptionError';
}

type ContextValue = unknown;

function integerOption(name: string, value: ContextValue, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = typeof value === 'number' ? value : Number(String(value));
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new DeploymentOptionError(`context "${name}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function booleanOption(name: string, value: ContextValue, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new DeploymentOptionError(`context "${name}" must be true or false, got ${JSON.stringify(value)}`);
}

function choiceOption<T extends string>(name: string, value: ContextValue, fallback: T, choices: readonly T[]): T {
  if (value === undefined || value === null || value === '') return fallback;
  const text = String(value);
  if (!(choices as readonly string[]).includes(text)) {
    throw new DeploymentOptionError(`context "${name}" must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return text as T;
}

function stringOption(name: string, value: ContextValue, pattern: RegExp, description: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value);
  if (!pattern.test(text)) throw new DeploymentOptionError(`context "${name}" must be ${description}, got ${JSON.stringify(value)}`);
  return text;
}

/** Reads and validates the options from CDK context; every bad value fails synthesis with the option's name. */
export function deploymentOptionsFromContext(node: Node): DeploymentOptions {
  const get = (name: string): ContextValue => node.tryGetContext(name);
  const d = defaultDeploymentOptions;
  const logRetentionDays = integerOption('logRetentionDays', get('logRetentionDays'), d.logRetentionDays, 1, 3653);
  if (!(allowedLogRetentionDays as readonly number[]).includes(logRetentionDays)) {
    throw new DeploymentOptionError(
      `context "logRetentionDays" must be one of ${allowedLogRetentionDays.join(', ')}, got ${logRetentionDays}`,
    );
  }
  const options: DeploymentOptions = {
    pinValidityMinutes: integerOption('pinValidityMinutes', get('pinValidityMinutes'), d.pinValidityMinutes, 1, 1440),
    connectingTimeoutMinutes: integerOption(
      'connectingTimeoutMinutes',
      get('connectingTimeoutMinutes'),
      d.connectingTimeoutMinutes,
      1,
      1440,
    ),
    waitingTimeoutMinutes: integerOption('waitingTimeoutMinutes', get('waitingTimeoutMinutes'), d.waitingTimeoutMinutes, 0, 10_080),
    redeemFailuresPerClient: integerOption(
      'redeemFailuresPerClient',
      get('redeemFailuresPerClient'),
      d.redeemFailuresPerClient,
      1,
      1_000_000,
    ),
    redeemFailuresGlobal: integerOption('redeemFailuresGlobal', get('redeemFailuresGlobal'), d.redeemFailuresGlobal, 1, 100_000_000),
    redeemFailureAlarmThreshold: integerOption(
      'redeemFailureAlarmThreshold',
      get('redeemFailureAlarmThreshold'),
      d.redeemFailureAlarmThreshold,
      1,
      1_000_000,
    ),
    logRetentionDays,
    removalPolicy: choiceOption('removalPolicy', get('removalPolicy'), d.removalPolicy, ['retain', 'destroy']),
    mfa: choiceOption('mfa', get('mfa'), d.mfa, ['optional', 'required']),
    domainName: stringOption(
      'domainName',
      get('domainName'),
      /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'a lower-case DNS name like support.example.com',
    ),
    certificateArn: stringOption(
      'certificateArn',
      get('certificateArn'),
      /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      'an ACM certificate ARN in us-east-1',
    ),
    enableWaf: booleanOption('enableWaf', get('enableWaf'), d.enableWaf),
    wafRateLimit: integerOption('wafRateLimit', get('wafRateLimit'), d.wafRateLimit, 10, 2_000_000_000),
    webAclArn: stringOption(
      'webAclArn',
      get('webAclArn'),
      /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/.+$/,
      'a CLOUDFRONT-scope WAFv2 web ACL ARN (arn:aws:wafv2:us-east-1:...:global/webacl/...)',
    ),
    alarmEmail: stringOption('alarmEmail', get('alarmEmail'), /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an e-mail address'),
    authDomainPrefix: stringOption(
      'authDomainPrefix',
      get('authDomainPrefix'),
      /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
      'lower-case letters, digits and dashes (Cognito domain prefix)',
    ),
    originVerifySecretVersion: stringOption(
      'originVerifySecretVersion',
      get('originVerifySecretVersion'),
      /^[A-Za-z0-9-]{32,64}$/,
      'a Secrets Manager version id (the VersionId put-secret-value prints)',
    ),
    terminationProtection: booleanOption('terminationProtection', get('terminationProtection'), d.terminationProtection),
    sesFromAddress: stringOption(
      'sesFromAddress',
      get('sesFromAddress'),
      /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
      'an e-mail address verified in SES',
    ),
    sesRegion: stringOption('sesRegion', get('sesRegion'), /^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region like eu-west-1'),
    hostedZoneId: stringOption('hostedZoneId', get('hostedZoneId'), /^Z[A-Z0-9]{1,31}$/, 'a Route 53 hosted zone id (Z...)'),
    hostedZoneName: stringOption(
      'hostedZoneName',
      get('hostedZoneName'),
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z]{2,63}$/,
      "the hosted zone's DNS name like example.com",
    ),
    tags: tagsOption(get('tags')),
  };
  return validateDeploymentOptions(options);
}

/** `team=support,cost-center=42` (or a JSON object in cdk.json) → tags. */
function tagsOption(value: ContextValue): Record<string, string> {
  if (value === undefined || value === null || value === '') return {};
  const pairs: [string, unknown][] =
    typeof value === 'object'
      ? Object.entries(value as Record<string, unknown>)
      : String(value)
          .split(',')
          .map((pair) => {
            const at = pair.indexOf('=');
            return [pair.slice(0, at).trim(), at < 0 ? undefined : pair.slice(at + 1).trim()];
          });
  const tags: Record<string, string> = {};
  for (const [key, tagValue] of pairs) {
    if (
      !/^[\w.:/=+@ -]{1,128}$/.test(key) ||
      key.startsWith('aws:') ||
      typeof tagValue !== 'string' ||
      !/^[\w.:/=+@ -]{0,256}$/.test(tagValue)
    ) {
      throw new DeploymentOptionError(
        `context "tags" must be key=value pairs separated by commas (keys up to 128, values up to 256 characters, no "aws:" prefix), got ${JSON.stringify(value)}`,
      );
    }
    tags[key] = tagValue;
  }
  return tags;
}

/** Cross-field rules, shared by context and props. */
export function validateDeploymentOptions(options: DeploymentOptions): DeploymentOptions {
  if ((options.domainName === undefined) !== (options.certificateArn === undefined)) {
    throw new DeploymentOptionError('context "domainName" and "certificateArn" go together: give both or neither');
  }
  if (options.enableWaf && options.webAclArn) {
    throw new DeploymentOptionError('give either "enableWaf" (create a web ACL) or "webAclArn" (use an existing one), not both');
  }
  if ((options.hostedZoneId === undefined) !== (options.hostedZoneName === undefined)) {
    throw new DeploymentOptionError('context "hostedZoneId" and "hostedZoneName" go together: give both or neither');
  }
  if (options.hostedZoneName && !options.domainName) {
    throw new DeploymentOptionError('context "hostedZoneId" needs "domainName" (the record to create) and "certificateArn"');
  }
  if (options.hostedZoneName && options.domainName && !`.${options.domainName}`.endsWith(`.${options.hostedZoneName}`)) {
    throw new DeploymentOptionError(`context "domainName" (${options.domainName}) must lie in the hosted zone "${options.hostedZoneName}"`);
  }
  if (options.sesRegion && !options.sesFromAddress) {
    throw new DeploymentOptionError('context "sesRegion" needs "sesFromAddress"');
  }
  if (options.authDomainPrefix && /aws|amazon|cognito/.test(options.authDomainPrefix)) {
    throw new DeploymentOptionError('context "authDomainPrefix" must not contain "aws", "amazon" or "cognito" (Cognito rejects them)');
  }
  if (options.redeemFailuresGlobal < options.redeemFailuresPerClient) {
    throw new DeploymentOptionError(
      'context "redeemFailuresGlobal" must not be below "redeemFailuresPerClient": one client alone could switch on "under attack" mode',
    );
  }
  return options;
}

export function removalPolicyOf(options: DeploymentOptions): RemovalPolicy {
  return options.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}
