import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CiDeployRole, CiOidcTrust } from '../../lib/aws';

/**
 * CI deploys `acme/payments` from its `main` branch with GitHub Actions, through OIDC
 * federation: no IAM user, no access key, sessions of 15 minutes (900 s) requested by the
 * workflow within the role's one-hour maximum.
 */
export class CiDeployRoleStack extends Stack {
  public readonly deployRole: CiDeployRole;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.deployRole = new CiDeployRole(this, 'PaymentsDeploy', {
      trust: CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', branch: 'main' }),
      roleName: 'payments-github-deploy',
    });
    // `cdk deploy` from CI assumes the environment's bootstrap roles, and needs nothing else.
    this.deployRole.grantAssumeCdkBootstrapRoles();
  }
}
