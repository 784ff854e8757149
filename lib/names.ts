import { createHash } from 'node:crypto';
import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The longest region name AWS uses (e.g. ap-southeast-5), for a region still unknown at synth. */
const longestRegionName = 15;

function shortened(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  // Cut, and keep names of long stacks apart by a hash of the whole name.
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${text.slice(0, Math.max(1, maxLength - hash.length - 1))}-${hash}`;
}

/**
 * A name that is unique in the account across regions and stacks and never
 * longer than `maxLength`: `<stack>-<region>-<purpose>`. For resources whose
 * names are account-wide (CloudFront policies, origin access controls), where
 * the same stack name in a second region must not collide.
 */
export function accountUniqueName(scope: IConstruct, purpose: string, maxLength: number): string {
  const stack = Stack.of(scope);
  const regionLength = Token.isUnresolved(stack.region) ? longestRegionName : stack.region.length;
  const stackPart = shortened(stack.stackName, maxLength - regionLength - purpose.length - 2);
  return `${stackPart}-${stack.region}-${purpose}`;
}

/** Words Cognito refuses in a domain prefix. */
const reservedInCognitoPrefix = /aws|amazon|cognito/g;

/**
 * The default Cognito hosted-UI domain prefix, `<stack>-<account id>`: lower case, without the
 * words Cognito reserves, and at most 63 characters whatever the stack name's length.
 */
export function cognitoDomainPrefixBase(stackName: string): string {
  const accountIdLength = 12;
  const cleaned = stackName
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(reservedInCognitoPrefix, 'x')
    .replace(/^-+/, '');
  return shortened(cleaned || 'remote-support', 63 - accountIdLength - 1);
}
