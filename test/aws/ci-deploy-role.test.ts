import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, conditionsAdmit, newStack, onlyTrustStatement, policyActionsAndResources } from './helpers';
import { CiDeployRole, CiOidcTrust } from '../../lib/aws';

const GITHUB = 'token.actions.githubusercontent.com';
const GITHUB_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB}`;

/** `null` = no provider ARN: the role creates its provider. */
function deployRole(trust: CiOidcTrust, oidcProviderArn: string | null = GITHUB_PROVIDER_ARN) {
  const stack = newStack();
  const role = new CiDeployRole(stack, 'Deploy', { trust, oidcProviderArn: oidcProviderArn ?? undefined, roleName: 'payments-deploy' });
  // Synthesized on first read, so a test can still add grants before.
  return { stack, role, get template() { return Template.fromStack(stack); } };
}

const githubClaims = (sub: string, aud = 'sts.amazonaws.com') => ({ [`${GITHUB}:sub`]: sub, [`${GITHUB}:aud`]: aud });

describe('GitHub Actions preset', () => {
  test('pins sub to one repository and branch, aud to STS, sessions to one hour', () => {
    const { template } = deployRole(CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', branch: 'main' }));
    expect(onlyTrustStatement(template)).toEqual({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: GITHUB_PROVIDER_ARN },
      Condition: {
        StringEquals: {
          [`${GITHUB}:aud`]: 'sts.amazonaws.com',
          [`${GITHUB}:sub`]: 'repo:acme/payments:ref:refs/heads/main',
        },
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 3600, RoleName: 'payments-deploy' });
    expect(CiDeployRole.DEPLOY_SESSION_SECONDS).toBe(900);
  });

  test('admits main of that repository only', () => {
    const statement = onlyTrustStatement(deployRole(CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', branch: 'main' })).template);
    expect(conditionsAdmit(statement, githubClaims('repo:acme/payments:ref:refs/heads/main'))).toBe(true);
    for (const other of [
      'repo:acme/payments:ref:refs/heads/feature',
      'repo:acme/payments:ref:refs/heads/main-evil',
      'repo:acme/payments:pull_request',
      'repo:acme/payments:environment:production',
      'repo:acme/payments-fork:ref:refs/heads/main',
      'repo:evil/payments:ref:refs/heads/main',
      'repo:acme/payments:ref:refs/tags/main',
    ]) {
      expect(conditionsAdmit(statement, githubClaims(other))).toBe(false);
    }
    expect(conditionsAdmit(statement, githubClaims('repo:acme/payments:ref:refs/heads/main', 'https://github.com/acme'))).toBe(false);
  });

  test('an environment pins sub to repo:<owner>/<repo>:environment:<env>', () => {
    const statement = onlyTrustStatement(deployRole(CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', environment: 'production' })).template);
    expect(statement.Condition!.StringEquals[`${GITHUB}:sub`]).toBe('repo:acme/payments:environment:production');
    expect(conditionsAdmit(statement, githubClaims('repo:acme/payments:environment:production'))).toBe(true);
    expect(conditionsAdmit(statement, githubClaims('repo:acme/payments:environment:staging'))).toBe(false);
    expect(conditionsAdmit(statement, githubClaims('repo:acme/payments:ref:refs/heads/main'))).toBe(false);
  });

  test('any branch only through allowAnyBranchUnsafe, as a StringLike on that repository', () => {
    const statement = onlyTrustStatement(deployRole(CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', allowAnyBranchUnsafe: true })).template);
    expect(statement.Condition).toEqual({
      StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' },
      StringLike: { [`${GITHUB}:sub`]: 'repo:acme/payments:ref:refs/heads/*' },
    });
    expect(conditionsAdmit(statement, githubClaims('repo:acme/payments:ref:refs/heads/feature/x'))).toBe(true);
    expect(conditionsAdmit(statement, githubClaims('repo:acme/other:ref:refs/heads/main'))).toBe(false);
    expect(conditionsAdmit(statement, githubClaims('repo:acme/payments:pull_request'))).toBe(false);
  });
});

describe('any issuer', () => {
  test('an exact subject from another issuer, with a custom audience', () => {
    const { template } = deployRole(CiOidcTrust.issuer({
      issuer: 'https://gitlab.com', subject: 'project_path:acme/payments:ref_type:branch:ref:main', audience: 'https://gitlab.com',
    }), `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`);
    expect(onlyTrustStatement(template).Condition).toEqual({
      StringEquals: {
        'gitlab.com:aud': 'https://gitlab.com',
        'gitlab.com:sub': 'project_path:acme/payments:ref_type:branch:ref:main',
      },
    });
  });

  test('without a provider ARN, an IAM OIDC provider is created for the issuer and audience', () => {
    const { template } = deployRole(CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', branch: 'main' }), null);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: `https://${GITHUB}`, ClientIdList: ['sts.amazonaws.com'] });
    expect(onlyTrustStatement(template).Principal).toEqual({ Federated: { Ref: expect.stringMatching(/^DeployOidcProvider/) } });
  });
});

describe('permissions', () => {
  test('no policy until granted; grantAssumeCdkBootstrapRoles names the four bootstrap roles, no wildcard', () => {
    const ungranted = deployRole(CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', branch: 'main' }));
    expect(policyActionsAndResources(ungranted.template).actions).toEqual([]);
    const { stack, role } = deployRole(CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', branch: 'main' }));
    role.grantAssumeCdkBootstrapRoles();
    const { actions, resources } = policyActionsAndResources(Template.fromStack(stack));
    expect(actions).toEqual(['sts:AssumeRole']);
    expect(resources.map((r) => JSON.stringify(r).replace(/.*:role\/(.*?)".*/, '$1')).sort()).toEqual([
      `cdk-hnb659fds-deploy-role-${ACCOUNT}-us-east-1`,
      `cdk-hnb659fds-file-publishing-role-${ACCOUNT}-us-east-1`,
      `cdk-hnb659fds-image-publishing-role-${ACCOUNT}-us-east-1`,
      `cdk-hnb659fds-lookup-role-${ACCOUNT}-us-east-1`,
    ]);
    expect(JSON.stringify(resources)).not.toContain('*');
  });

  test('the library defines no IAM user and no access key', () => {
    const { stack, role } = deployRole(CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', branch: 'main' }), null);
    role.grantAssumeCdkBootstrapRoles();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::User', 0);
    template.resourceCountIs('AWS::IAM::AccessKey', 0);
  });
});

test('no source file of the library creates an IAM user or an access key', () => {
  const sources: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (full.endsWith('.ts')) sources.push(full);
    }
  };
  walk(path.join(__dirname, '..', '..', 'lib'));
  expect(sources.length).toBeGreaterThan(5);
  const offenders = sources.filter((file) => /\biam\.(User|CfnUser|AccessKey|CfnAccessKey)\b|AWS::IAM::(User|AccessKey)/.test(fs.readFileSync(file, 'utf8')));
  expect(offenders).toEqual([]);
});
