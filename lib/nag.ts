import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag spells a stack's pseudo parameters inside a finding id: a literal
 * when the environment is known at synth, `<AWS::Region>` style when not. Used
 * to acknowledge the exact finding rather than a whole rule.
 */
export function nagPseudo(scope: IConstruct): { readonly partition: string; readonly region: string; readonly account: string } {
  const stack = Stack.of(scope);
  return {
    partition: Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition,
    region: Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region,
    account: Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account,
  };
}

/** `<LogicalId>` as cdk-nag renders a Ref to a resource of this stack. */
export function nagRef(resource: IConstruct): string {
  const stack = Stack.of(resource);
  return `<${stack.getLogicalId(resource as never)}>`;
}

/** `<LogicalId.Attribute>` as cdk-nag renders a Fn::GetAtt. */
export function nagGetAtt(resource: IConstruct, attribute: string): string {
  const stack = Stack.of(resource);
  return `<${stack.getLogicalId(resource as never)}.${attribute}>`;
}
