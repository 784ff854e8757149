import { CfnResource, Fn, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnLogGroup, LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * Every log group of the stack keeps logs for the deployment's retention, CDK's own included:
 * groups CDK creates for its functions get that retention, and a CDK function that names no log
 * group (a custom resource provider) gets /aws/lambda/<name> created up front, before any custom
 * resource runs it, so Lambda never creates one that keeps logs forever.
 */
export function retainAllLogs(stack: Stack, retention: RetentionDays, removalPolicy: RemovalPolicy): void {
  const resources = stack.node.findAll().filter((construct): construct is CfnResource => CfnResource.isCfnResource(construct));
  for (const group of resources) {
    if (group instanceof CfnLogGroup) group.retentionInDays = retention;
  }
  const customResources = resources.filter(
    (resource) => resource.cfnResourceType.startsWith('Custom::') || resource.cfnResourceType === 'AWS::CloudFormation::CustomResource',
  );
  const namedGroups = resources
    .filter((resource): resource is CfnLogGroup => resource instanceof CfnLogGroup)
    .map((group) => JSON.stringify(stack.resolve(group.logGroupName) ?? ''));
  const providers = resources.filter((resource) => {
    if (resource.cfnResourceType !== 'AWS::Lambda::Function' || (resource instanceof CfnFunction && resource.loggingConfig)) return false;
    // CDK itself may have created /aws/lambda/<this function> already (feature flag @aws-cdk/aws-lambda:useCdkManagedLogGroup).
    const reference = JSON.stringify({ Ref: stack.resolve(resource.logicalId) as string });
    return !namedGroups.some((name) => name.includes(reference));
  });
  providers.forEach((provider, index) => {
    const group = new LogGroup(stack, `CdkProviderLogs${index}`, {
      logGroupName: Fn.join('', ['/aws/lambda/', provider.ref]),
      retention,
      removalPolicy,
    });
    for (const customResource of customResources) customResource.node.addDependency(group);
  });
}
