import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { conditionsAdmit, EKS_ISSUER, newStack, onlyTrustStatement } from './helpers';
import { CiDeployRole, CiOidcTrust, ClusterOidcIssuer, WorkloadIdentity, WorkloadIdentityMode } from '../../lib/aws';

// RFC 1123 labels: what a namespace or ServiceAccount name can be.
const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);

function trustFor(namespace: string, serviceAccountName: string) {
  const stack = newStack();
  new WorkloadIdentity(stack, 'Identity', {
    namespace, serviceAccountName, mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromIssuerUrl(EKS_ISSUER)),
  });
  return onlyTrustStatement(Template.fromStack(stack));
}

const irsaClaims = (namespace: string, serviceAccountName: string) => ({
  [`${EKS_ISSUER}:sub`]: `system:serviceaccount:${namespace}:${serviceAccountName}`,
  [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com',
});

test('an IRSA trust admits a ServiceAccount exactly when it is the declared one', () => {
  fc.assert(fc.property(label, label, label, label, (ns, sa, otherNs, otherSa) => {
    const statement = trustFor(ns, sa);
    expect(conditionsAdmit(statement, irsaClaims(ns, sa))).toBe(true);
    expect(conditionsAdmit(statement, irsaClaims(otherNs, otherSa))).toBe(ns === otherNs && sa === otherSa);
  }), { numRuns: 60 });
});

test('a GitHub Actions trust admits a run exactly when repository and branch are the declared ones', () => {
  const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,12}$/);
  // Branch names git accepts: no trailing '.', no '..'.
  const branch = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?(\/[a-z0-9][a-z0-9_-]{0,8})?$/).filter((b) => !b.includes('..'));
  fc.assert(fc.property(name, name, branch, name, name, branch, (owner, repository, ref, otherOwner, otherRepository, otherRef) => {
    const stack = newStack();
    new CiDeployRole(stack, 'Deploy', { trust: CiOidcTrust.gitHubActions({ owner, repository, branch: ref }), oidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' });
    const statement = onlyTrustStatement(Template.fromStack(stack));
    const claims = (o: string, r: string, b: string) => ({
      'token.actions.githubusercontent.com:sub': `repo:${o}/${r}:ref:refs/heads/${b}`,
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
    });
    expect(conditionsAdmit(statement, claims(owner, repository, ref))).toBe(true);
    const same = owner === otherOwner && repository === otherRepository && ref === otherRef;
    expect(conditionsAdmit(statement, claims(otherOwner, otherRepository, otherRef))).toBe(same);
  }), { numRuns: 40 });
});
