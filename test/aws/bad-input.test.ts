import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EKS_ISSUER, newStack } from './helpers';
import {
  CiDeployRole, CiOidcTrust, ClusterOidcIssuer, GitHubActionsTrustOptions, OidcIssuerTrustOptions,
  ProjectedServiceAccountToken, ProjectedServiceAccountTokenOptions, ServiceAccountBinding, WorkloadIdentity,
  WorkloadIdentityMode, WorkloadIdentityProps,
} from '../../lib';

const P = 'Test/PaymentService';
const EKS_HOST = 'oidc.eks.us-east-1.amazonaws.com';

function identity(overrides: Partial<WorkloadIdentityProps>, issuer = EKS_ISSUER) {
  const stack = newStack();
  try {
    new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production',
      serviceAccountName: 'payment-service',
      mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromIssuerUrl(issuer)),
      ...overrides,
    });
  } finally {
    // Nothing half-emitted: a refused identity leaves no resource behind.
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources ?? {})).toEqual([]);
  }
}

describe('WorkloadIdentity bad input', () => {
  test.each<[string, Partial<WorkloadIdentityProps>, string]>([
    ['uppercase namespace', { namespace: 'Production' },
      `${P}: namespace "Production" is not a valid Kubernetes namespace. Use an RFC 1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit (e.g. "production").`],
    ['wildcard namespace', { namespace: '*' },
      `${P}: namespace "*" is not a valid Kubernetes namespace. Use an RFC 1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit (e.g. "production").`],
    ['dotted namespace', { namespace: 'prod.eu' },
      `${P}: namespace "prod.eu" is not a valid Kubernetes namespace. Use an RFC 1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit (e.g. "production").`],
    ['64-character namespace', { namespace: 'a'.repeat(64) },
      `${P}: namespace "${'a'.repeat(64)}" is not a valid Kubernetes namespace. Use an RFC 1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit (e.g. "production").`],
    ['empty ServiceAccount', { serviceAccountName: '' },
      `${P}: serviceAccountName "" is not a valid Kubernetes ServiceAccount name. Use an RFC 1123 subdomain: at most 253 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit (e.g. "payment-service").`],
    ['wildcard ServiceAccount', { serviceAccountName: 'payment-*' },
      `${P}: serviceAccountName "payment-*" is not a valid Kubernetes ServiceAccount name. Use an RFC 1123 subdomain: at most 253 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit (e.g. "payment-service").`],
    ['ServiceAccount with a colon (sub injection)', { serviceAccountName: 'payment-service:x' },
      `${P}: serviceAccountName "payment-service:x" is not a valid Kubernetes ServiceAccount name. Use an RFC 1123 subdomain: at most 253 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit (e.g. "payment-service").`],
    ['session below 1 hour', { maxSessionDuration: Duration.minutes(15) },
      `${P}: maxSessionDuration of 900 seconds is out of range. IAM accepts 3600 to 43200 seconds (1 to 12 hours); use e.g. Duration.hours(1).`],
    ['session above 12 hours', { maxSessionDuration: Duration.hours(13) },
      `${P}: maxSessionDuration of 46800 seconds is out of range. IAM accepts 3600 to 43200 seconds (1 to 12 hours); use e.g. Duration.hours(1).`],
    ['role name with a slash', { roleName: 'team/payment' },
      `${P}: roleName "team/payment" is not a valid IAM role name. Use 1 to 64 characters among letters, digits and + = , . @ _ -.`],
    ['path without trailing slash', { rolePath: '/workloads' },
      `${P}: rolePath "/workloads" is not a valid IAM path. Start and end it with '/', e.g. "/" or "/workloads/production/".`],
  ])('%s', (_name, overrides, message) => {
    expect(() => identity(overrides)).toThrow(message);
  });
});

describe('issuer bad input', () => {
  test.each<[string, string, string]>([
    ['EKS issuer with an extra path', `https://${EKS_ISSUER}/extra`,
      `${P}: issuer "https://${EKS_ISSUER}/extra" is an EKS issuer whose path is not exactly "/id/<32-character cluster ID>". Copy the issuer from \`aws eks describe-cluster --query cluster.identity.oidc.issuer\`, with no trailing '/' or extra path.`],
    ['EKS issuer with a trailing slash', `https://${EKS_ISSUER}/`,
      `${P}: issuer "https://${EKS_ISSUER}/" is an EKS issuer whose path is not exactly "/id/<32-character cluster ID>". Copy the issuer from \`aws eks describe-cluster --query cluster.identity.oidc.issuer\`, with no trailing '/' or extra path.`],
    ['EKS discovery document URL', `https://${EKS_ISSUER}/.well-known/openid-configuration`,
      `${P}: issuer "https://${EKS_ISSUER}/.well-known/openid-configuration" is an EKS issuer whose path is not exactly "/id/<32-character cluster ID>". Copy the issuer from \`aws eks describe-cluster --query cluster.identity.oidc.issuer\`, with no trailing '/' or extra path.`],
    ['EKS host without /id/', `https://${EKS_HOST}`,
      `${P}: issuer "https://${EKS_HOST}" is an EKS issuer whose path is not exactly "/id/<32-character cluster ID>". Copy the issuer from \`aws eks describe-cluster --query cluster.identity.oidc.issuer\`, with no trailing '/' or extra path.`],
    ['non-EKS issuer with a path', 'https://issuer.example.com/realms/prod',
      `${P}: issuer "https://issuer.example.com/realms/prod" has a path "/realms/prod". Only EKS issuers (oidc.eks.<region>.amazonaws.com/id/<ID>) carry a path; pass the bare host "issuer.example.com".`],
    ['http scheme', `http://${EKS_ISSUER}`,
      `${P}: issuer "http://${EKS_ISSUER}" uses the scheme "http://". OIDC issuers are https only: pass "https://${EKS_ISSUER}" or the bare host.`],
    ['query string', `https://${EKS_ISSUER}?x=1`,
      `${P}: issuer "https://${EKS_ISSUER}?x=1" has a query string or fragment. An issuer is a host (plus /id/<ID> for EKS): remove everything from '?' or '#'.`],
    ['fragment', `${EKS_ISSUER}#frag`,
      `${P}: issuer "${EKS_ISSUER}#frag" has a query string or fragment. An issuer is a host (plus /id/<ID> for EKS): remove everything from '?' or '#'.`],
    ['port', 'https://issuer.example.com:8443',
      `${P}: issuer "https://issuer.example.com:8443" does not start with a valid lowercase DNS host (no port, no credentials), e.g. "token.actions.githubusercontent.com".`],
    ['credentials', 'https://user@issuer.example.com',
      `${P}: issuer "https://user@issuer.example.com" does not start with a valid lowercase DNS host (no port, no credentials), e.g. "token.actions.githubusercontent.com".`],
  ])('%s', (_name, issuer, message) => {
    expect(() => identity({}, issuer)).toThrow(message);
  });

  test('a provider ARN that is not one is refused', () => {
    const stack = newStack();
    expect(() => new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production',
      serviceAccountName: 'payment-service',
      mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromProviderArn('arn:aws:iam::111122223333:role/oidc')),
    })).toThrow(`${P}: "arn:aws:iam::111122223333:role/oidc" is not an IAM OIDC provider ARN. Expected arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer>.`);
  });
});

describe('CI deploy role bad input', () => {
  const D = 'Test/Deploy';
  const gh = (options: Partial<GitHubActionsTrustOptions>) => CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', ...options });
  const any = (options: Partial<OidcIssuerTrustOptions>) => CiOidcTrust.issuer({ issuer: 'gitlab.com', ...options });

  test.each<[string, CiOidcTrust, string]>([
    ['wildcard branch', gh({ branch: '*' }),
      `${D}: branch "*" contains a wildcard. Name one branch, or set allowAnyBranchUnsafe: true to admit every branch.`],
    ['wildcard in a branch name', gh({ branch: 'release/*' }),
      `${D}: branch "release/*" contains a wildcard. Name one branch, or set allowAnyBranchUnsafe: true to admit every branch.`],
    ['wildcard environment', gh({ environment: 'prod?' }),
      `${D}: environment "prod?" contains a wildcard. Name one GitHub environment.`],
    ['wildcard subject', any({ subject: 'project_path:acme/*' }),
      `${D}: subject "project_path:acme/*" contains a wildcard. Give the exact subject, or pass the pattern as subjectPatternUnsafe to admit every subject it matches.`],
    ['pattern matching everything', any({ subjectPatternUnsafe: '*' }),
      `${D}: subjectPatternUnsafe "*" matches every subject of gitlab.com. Keep at least a fixed prefix, e.g. "repo:acme/payments:*".`],
    ['no subject', any({}),
      `${D}: trust in gitlab.com needs exactly one of subject or subjectPatternUnsafe. Pin the exact subject, e.g. "project_path:acme/payments:ref_type:branch:ref:main".`],
    ['branch and environment', gh({ branch: 'main', environment: 'production' }),
      `${D}: GitHub Actions trust for acme/payments needs exactly one of branch, environment or allowAnyBranchUnsafe (got 2). Pin it, e.g. { branch: 'main' }.`],
    ['nothing pinned', gh({}),
      `${D}: GitHub Actions trust for acme/payments needs exactly one of branch, environment or allowAnyBranchUnsafe (got 0). Pin it, e.g. { branch: 'main' }.`],
    ['owner/repo in repository', gh({ repository: 'acme/payments', branch: 'main' }),
      `${D}: GitHub repository "acme/payments" is not valid. Use the repository name alone (letters, digits, '.', '_', '-'), without the owner.`],
    ['branch with ..', gh({ branch: 'main/../x' }),
      `${D}: branch "main/../x" is not a valid branch name. Use letters, digits, '.', '_', '-' and '/' (e.g. "main").`],
    ['wildcard audience', any({ subject: 'x', audience: '*' }),
      `${D}: audience "*" must be one literal value without spaces or wildcards, e.g. "sts.amazonaws.com".`],
    ['issuer with a path', any({ issuer: 'https://gitlab.com/acme', subject: 'x' }),
      `${D}: issuer "https://gitlab.com/acme" has a path "/acme". Only EKS issuers (oidc.eks.<region>.amazonaws.com/id/<ID>) carry a path; pass the bare host "gitlab.com".`],
  ])('%s', (_name, trust, message) => {
    expect(() => new CiDeployRole(newStack(), 'Deploy', { trust })).toThrow(message);
  });

  test('a provider ARN of another issuer is refused', () => {
    expect(() => new CiDeployRole(newStack(), 'Deploy', {
      trust: gh({ branch: 'main' }), oidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/gitlab.com',
    })).toThrow(`${D}: oidcProviderArn "arn:aws:iam::111122223333:oidc-provider/gitlab.com" is not the IAM OIDC provider of token.actions.githubusercontent.com. Expected arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com.`);
  });

  test('a bad bootstrap qualifier is refused', () => {
    const role = new CiDeployRole(newStack(), 'Deploy', { trust: gh({ branch: 'main' }) });
    expect(() => role.grantAssumeCdkBootstrapRoles({ qualifier: '*' }))
      .toThrow(`${D}: CDK bootstrap qualifier "*" is not valid. Use up to 10 letters, digits, '_' or '-' (the default is "hnb659fds").`);
  });
});

describe('projected token and annotation bad input', () => {
  const W = 'production/payment-service';
  function mount(options: Partial<ProjectedServiceAccountTokenOptions>, automount = false) {
    const chart = new Chart(Testing.app(), 'production', { namespace: 'production' });
    const workload = new kplus.Deployment(chart, 'payment-service', {
      containers: [{ name: 'app', image: 'payments:1.0', portNumber: 8080 }], automountServiceAccountToken: automount,
    });
    ProjectedServiceAccountToken.mount(workload, { audience: 'vault', ...options });
  }

  test.each<[string, Partial<ProjectedServiceAccountTokenOptions>, string]>([
    ['expirationSeconds below 600', { expirationSeconds: 599 },
      `${W}: expirationSeconds of 599 seconds is out of range. Kubernetes requires at least 600 seconds, and this library keeps tokens short-lived (at most 86400).`],
    ['expirationSeconds above a day', { expirationSeconds: 86401 },
      `${W}: expirationSeconds of 86401 seconds is out of range. Kubernetes requires at least 600 seconds, and this library keeps tokens short-lived (at most 86400).`],
    ['fractional expirationSeconds', { expirationSeconds: 600.5 },
      `${W}: expirationSeconds of 600.5 seconds is out of range. Kubernetes requires at least 600 seconds, and this library keeps tokens short-lived (at most 86400).`],
    ['empty audience', { audience: '' },
      `${W}: audience "" must be one non-empty value without spaces, e.g. "vault".`],
    ['path escaping the volume', { path: '../token' },
      `${W}: path "../token" must be a relative file path inside the volume without '..', e.g. "token".`],
    ['relative mountPath', { mountPath: 'tokens' },
      `${W}: mountPath "tokens" must be an absolute path without '..', e.g. "/var/run/secrets/tokens".`],
  ])('%s', (_name, options, message) => {
    expect(() => mount(options)).toThrow(message);
  });

  test('automounted API token is refused', () => {
    expect(() => mount({}, true)).toThrow(`${W}: automountServiceAccountToken is on, which mounts a long-lived API token beside the projected one. Set automountServiceAccountToken: false on the workload.`);
  });

  test.each([[Duration.minutes(5), 300], [Duration.hours(25), 90000]])('token-expiration annotation %s is refused', (duration, seconds) => {
    const stack = newStack();
    const id = new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production',
      serviceAccountName: 'payment-service',
      mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromIssuerUrl(EKS_ISSUER)),
      roleName: 'payment-service',
    });
    const chart = new Chart(Testing.app(), 'production', { namespace: 'production' });
    const sa = new kplus.ServiceAccount(chart, 'payment-service', { metadata: { name: 'payment-service' } });
    expect(() => id.bindServiceAccount(ServiceAccountBinding.fromServiceAccount(sa), { tokenExpiration: duration }))
      .toThrow(`${P}: tokenExpiration of ${seconds} seconds is out of range. The EKS webhook accepts 600 to 86400 seconds (10 minutes to 24 hours).`);
    // Validation happens before any annotation is written.
    expect(Testing.synth(chart)[0].metadata.annotations).toBeUndefined();
  });
});
