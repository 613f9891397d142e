import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/** A role ARN known at synth time, or the reason it is not. */
export type LiteralRoleArn = { readonly arn: string } | { readonly missing: string };

/**
 * Computes `arn:<partition>:iam::<account>:role<path><name>` without CloudFormation, so it can
 * be written into Kubernetes YAML. Possible only with an explicit role name, a concrete
 * account, and a partition known from the stack (or its concrete region).
 */
export function literalRoleArn(stack: Stack, roleName: string | undefined, path: string): LiteralRoleArn {
  const missing: string[] = [];
  if (roleName === undefined || Token.isUnresolved(roleName)) missing.push('the role has no explicit roleName');
  if (Token.isUnresolved(stack.account)) missing.push(`stack ${stack.stackName} has no concrete account (env.account)`);
  const partition = literalPartition(stack);
  if (partition === undefined) missing.push(`stack ${stack.stackName} has no concrete region (env.region) to tell its partition`);
  if (missing.length > 0) return { missing: missing.join(', ') };
  return { arn: `arn:${partition}:iam::${stack.account}:role${path}${roleName}` };
}

/** The stack's partition as a literal, when its region (or a feature flag) tells it. */
export function literalPartition(stack: Stack): string | undefined {
  if (!Token.isUnresolved(stack.partition)) return stack.partition;
  if (Token.isUnresolved(stack.region)) return undefined;
  return RegionInfo.get(stack.region).partition;
}
