import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const EKS_ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';

/** A stack with aws-cdk-lib's slow built-in validation off (one full-stack test keeps it on). */
export function newStack(env: { account?: string; region?: string } = { account: ACCOUNT, region: REGION }): Stack {
  const app = new App({ builtinCloudFormationValidation: false });
  return new Stack(app, 'Test', { env });
}

export interface TrustStatement {
  readonly Action: string | string[];
  readonly Effect: string;
  readonly Principal: Record<string, unknown>;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** The single AssumeRolePolicyDocument statement of the only role (whose logical ID has the prefix). */
export function onlyTrustStatement(template: Template, logicalIdPrefix = ''): TrustStatement {
  const roles = Object.entries(template.findResources('AWS::IAM::Role'))
    .filter(([logicalId]) => logicalId.startsWith(logicalIdPrefix)).map(([, role]) => role);
  expect(roles).toHaveLength(1);
  const statements = roles[0].Properties.AssumeRolePolicyDocument.Statement;
  expect(statements).toHaveLength(1);
  return statements[0];
}

/**
 * Evaluates a trust statement's conditions the way IAM does for the operators the library
 * emits: every operator and every key must match; a key absent from the request fails.
 */
export function conditionsAdmit(statement: TrustStatement, request: Record<string, string>): boolean {
  const operators = statement.Condition ?? {};
  return Object.entries(operators).every(([operator, keys]) => Object.entries(keys).every(([key, expected]) => {
    const actual = request[key];
    if (actual === undefined) return false;
    const candidates = Array.isArray(expected) ? expected : [expected];
    switch (operator) {
      case 'StringEquals': return candidates.includes(actual);
      case 'StringLike': return candidates.some((pattern) => globMatches(pattern, actual));
      default: throw new Error(`operator ${operator} not modelled`);
    }
  }));
}

function globMatches(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** Every Action and Resource of every IAM policy document in the template. */
export function policyActionsAndResources(template: Template): { actions: string[]; resources: unknown[] } {
  const actions: string[] = [];
  const resources: unknown[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      actions.push(...[statement.Action].flat());
      resources.push(...[statement.Resource].flat());
    }
  }
  return { actions, resources };
}
