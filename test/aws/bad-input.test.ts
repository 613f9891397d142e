import { Duration, Lazy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Chart, Duration as K8sDuration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EKS_ISSUER, newStack } from './helpers';
import { ProjectedServiceAccountToken, ProjectedServiceAccountTokenOptions } from '../../lib';
import {
  CiDeployRole, CiOidcTrust, ClusterOidcIssuer, GitHubActionsTrustOptions, OidcIssuerTrustOptions,
  ServiceAccountBinding, WorkloadIdentity, WorkloadIdentityMode, WorkloadIdentityProps,
} from '../../lib/aws';

const P = 'Test/PaymentService';

/** The exact message of a refusal: `[path] problem. Fix: fix.` */
function refusal(path: string, problem: string, fix: string): string {
  return `[${path}] ${problem}. Fix: ${fix}.`;
}

const NAMESPACE_FIX = 'use an RFC 1123 label of at most 63 lowercase letters, digits or \'-\', starting and ending with a letter or digit (e.g. "production")';
const SERVICE_ACCOUNT_FIX = 'use an RFC 1123 subdomain of at most 253 lowercase letters, digits, \'-\' or \'.\', starting and ending with a letter or digit (e.g. "payment-service")';
const EKS_PATH_FIX = 'copy the issuer from `aws eks describe-cluster --query cluster.identity.oidc.issuer`, with no trailing \'/\' or extra path';
const HOST_FIX = 'pass the host alone, e.g. "token.actions.githubusercontent.com"';
const QUERY_FIX = 'remove everything from \'?\' or \'#\': an issuer is a host, plus /id/<ID> for EKS';
const SESSION_FIX = 'IAM accepts 3600 to 43200 seconds (1 to 12 hours); use e.g. Duration.hours(1)';
const EXPIRATION_FIX = 'use Duration.minutes(10) (the Kubernetes minimum) to Duration.hours(24), in whole seconds: this library keeps tokens short-lived';
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
      refusal(P, 'namespace "Production" is not a valid Kubernetes namespace', NAMESPACE_FIX)],
    ['wildcard namespace', { namespace: '*' },
      refusal(P, 'namespace "*" is not a valid Kubernetes namespace', NAMESPACE_FIX)],
    ['dotted namespace', { namespace: 'prod.eu' },
      refusal(P, 'namespace "prod.eu" is not a valid Kubernetes namespace', NAMESPACE_FIX)],
    ['64-character namespace', { namespace: 'a'.repeat(64) },
      refusal(P, `namespace "${'a'.repeat(64)}" is not a valid Kubernetes namespace`, NAMESPACE_FIX)],
    ['empty ServiceAccount', { serviceAccountName: '' },
      refusal(P, 'serviceAccountName "" is not a valid Kubernetes ServiceAccount name', SERVICE_ACCOUNT_FIX)],
    ['wildcard ServiceAccount', { serviceAccountName: 'payment-*' },
      refusal(P, 'serviceAccountName "payment-*" is not a valid Kubernetes ServiceAccount name', SERVICE_ACCOUNT_FIX)],
    ['ServiceAccount with a colon (sub injection)', { serviceAccountName: 'payment-service:x' },
      refusal(P, 'serviceAccountName "payment-service:x" is not a valid Kubernetes ServiceAccount name', SERVICE_ACCOUNT_FIX)],
    ['session below 1 hour', { maxSessionDuration: Duration.minutes(15) },
      refusal(P, 'maxSessionDuration of 900 seconds is out of range', SESSION_FIX)],
    ['session above 12 hours', { maxSessionDuration: Duration.hours(13) },
      refusal(P, 'maxSessionDuration of 46800 seconds is out of range', SESSION_FIX)],
    ['role name with a slash', { roleName: 'team/payment' },
      refusal(P, 'roleName "team/payment" is not a valid IAM role name', 'use 1 to 64 letters, digits or + = , . @ _ -')],
    ['path without trailing slash', { rolePath: '/workloads' },
      refusal(P, 'rolePath "/workloads" is not a valid IAM path', 'start and end it with \'/\', e.g. "/" or "/workloads/production/"')],
  ])('%s', (_name, overrides, message) => {
    expect(() => identity(overrides)).toThrow(message);
  });
});

test.each([
  ['namespace', { namespace: Lazy.string({ produce: () => 'production' }) }],
  ['serviceAccountName', { serviceAccountName: Lazy.string({ produce: () => 'payment-service' }) }],
])('a token %s is refused: the trust pins literal names', (option, overrides) => {
  expect(() => identity(overrides)).toThrow(new RegExp(
    `^\\[${P}\\] ${option} is an unresolved token \\(\\$\\{Token\\[TOKEN\\.\\d+\\]\\}\\), but it is pinned in a trust condition\\. Fix: pass the literal value\\.$`));
});

describe('issuer bad input', () => {
  test.each<[string, string, string]>([
    ['EKS issuer with an extra path', `https://${EKS_ISSUER}/extra`,
      refusal(P, `issuer "https://${EKS_ISSUER}/extra" is an EKS issuer whose path is not exactly "/id/<32-character cluster ID>"`, EKS_PATH_FIX)],
    ['EKS issuer with a trailing slash', `https://${EKS_ISSUER}/`,
      refusal(P, `issuer "https://${EKS_ISSUER}/" is an EKS issuer whose path is not exactly "/id/<32-character cluster ID>"`, EKS_PATH_FIX)],
    ['EKS discovery document URL', `https://${EKS_ISSUER}/.well-known/openid-configuration`,
      refusal(P, `issuer "https://${EKS_ISSUER}/.well-known/openid-configuration" is an EKS issuer whose path is not exactly "/id/<32-character cluster ID>"`, EKS_PATH_FIX)],
    ['EKS host without /id/', `https://${EKS_HOST}`,
      refusal(P, `issuer "https://${EKS_HOST}" is an EKS issuer whose path is not exactly "/id/<32-character cluster ID>"`, EKS_PATH_FIX)],
    ['non-EKS issuer with a path', 'https://issuer.example.com/realms/prod',
      refusal(P, 'issuer "https://issuer.example.com/realms/prod" has a path "/realms/prod", and only EKS issuers (oidc.eks.<region>.amazonaws.com/id/<ID>) carry one', 'pass the bare host "issuer.example.com"')],
    ['http scheme', `http://${EKS_ISSUER}`,
      refusal(P, `issuer "http://${EKS_ISSUER}" uses the scheme "http://", but OIDC issuers are https only`, `pass "https://${EKS_ISSUER}" or the bare host`)],
    ['query string', `https://${EKS_ISSUER}?x=1`,
      refusal(P, `issuer "https://${EKS_ISSUER}?x=1" has a query string or fragment`, QUERY_FIX)],
    ['fragment', `${EKS_ISSUER}#frag`,
      refusal(P, `issuer "${EKS_ISSUER}#frag" has a query string or fragment`, QUERY_FIX)],
    ['port', 'https://issuer.example.com:8443',
      refusal(P, 'issuer "https://issuer.example.com:8443" does not start with a valid lowercase DNS host (no port, no credentials)', HOST_FIX)],
    ['credentials', 'https://user@issuer.example.com',
      refusal(P, 'issuer "https://user@issuer.example.com" does not start with a valid lowercase DNS host (no port, no credentials)', HOST_FIX)],
  ])('%s', (_name, issuer, message) => {
    expect(() => identity({}, issuer)).toThrow(message);
  });

  test('a provider ARN that is not one is refused', () => {
    const stack = newStack();
    expect(() => new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production',
      serviceAccountName: 'payment-service',
      mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromProviderArn('arn:aws:iam::111122223333:role/oidc')),
    })).toThrow(refusal(P, '"arn:aws:iam::111122223333:role/oidc" is not an IAM OIDC provider ARN', 'pass arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer>'));
  });
});

describe('CI deploy role bad input', () => {
  const D = 'Test/Deploy';
  const gh = (options: Partial<GitHubActionsTrustOptions>) => CiOidcTrust.gitHubActions({ owner: 'acme', repository: 'payments', ...options });
  const any = (options: Partial<OidcIssuerTrustOptions>) => CiOidcTrust.issuer({ issuer: 'gitlab.com', ...options });

  test.each<[string, CiOidcTrust, string]>([
    ['wildcard branch', gh({ branch: '*' }),
      refusal(D, 'branch "*" contains a wildcard', 'name one branch, or set allowAnyBranchUnsafe: true to admit every branch')],
    ['wildcard in a branch name', gh({ branch: 'release/*' }),
      refusal(D, 'branch "release/*" contains a wildcard', 'name one branch, or set allowAnyBranchUnsafe: true to admit every branch')],
    ['wildcard environment', gh({ environment: 'prod?' }),
      refusal(D, 'environment "prod?" contains a wildcard', 'name one GitHub environment')],
    ['wildcard subject', any({ subject: 'project_path:acme/*' }),
      refusal(D, 'subject "project_path:acme/*" contains a wildcard', 'give the exact subject, or pass the pattern as subjectPatternUnsafe to admit every subject it matches')],
    ['pattern matching everything', any({ subjectPatternUnsafe: '*' }),
      refusal(D, 'subjectPatternUnsafe "*" matches every subject of gitlab.com', 'keep at least a fixed prefix, e.g. "repo:acme/payments:*"')],
    ['no subject', any({}),
      refusal(D, 'trust in gitlab.com needs exactly one of subject or subjectPatternUnsafe', 'pin the exact subject, e.g. "project_path:acme/payments:ref_type:branch:ref:main"')],
    ['branch and environment', gh({ branch: 'main', environment: 'production' }),
      refusal(D, 'GitHub Actions trust for acme/payments needs exactly one of branch, environment or allowAnyBranchUnsafe (got 2)', 'pin it, e.g. { branch: \'main\' }')],
    ['nothing pinned', gh({}),
      refusal(D, 'GitHub Actions trust for acme/payments needs exactly one of branch, environment or allowAnyBranchUnsafe (got 0)', 'pin it, e.g. { branch: \'main\' }')],
    ['owner/repo in repository', gh({ repository: 'acme/payments', branch: 'main' }),
      refusal(D, 'GitHub repository "acme/payments" is not valid', 'use the repository name alone (letters, digits, \'.\', \'_\', \'-\'), without the owner')],
    ['branch with ..', gh({ branch: 'main/../x' }),
      refusal(D, 'branch "main/../x" is not a valid branch name', 'use letters, digits, \'.\', \'_\', \'-\' and \'/\' (e.g. "main")')],
    ['wildcard audience', any({ subject: 'x', audience: '*' }),
      refusal(D, 'audience "*" is not one literal value without spaces or wildcards', 'pass e.g. "sts.amazonaws.com"')],
    ['issuer with a path', any({ issuer: 'https://gitlab.com/acme', subject: 'x' }),
      refusal(D, 'issuer "https://gitlab.com/acme" has a path "/acme", and only EKS issuers (oidc.eks.<region>.amazonaws.com/id/<ID>) carry one', 'pass the bare host "gitlab.com"')],
  ])('%s', (_name, trust, message) => {
    expect(() => new CiDeployRole(newStack(), 'Deploy', { trust })).toThrow(message);
  });

  test('a provider ARN of another issuer is refused', () => {
    expect(() => new CiDeployRole(newStack(), 'Deploy', {
      trust: gh({ branch: 'main' }), oidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/gitlab.com',
    })).toThrow(refusal(D, 'oidcProviderArn "arn:aws:iam::111122223333:oidc-provider/gitlab.com" is not the IAM OIDC provider of token.actions.githubusercontent.com',
      'pass arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com, or omit it to create the provider'));
  });

  test('a bad bootstrap qualifier is refused', () => {
    const role = new CiDeployRole(newStack(), 'Deploy', { trust: gh({ branch: 'main' }) });
    expect(() => role.grantAssumeCdkBootstrapRoles({ qualifier: '*' }))
      .toThrow(refusal(D, 'CDK bootstrap qualifier "*" is not valid', 'use up to 10 letters, digits, \'_\' or \'-\' (the default is "hnb659fds")'));
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
    ['expiration below 10 minutes', { expiration: K8sDuration.seconds(599) },
      refusal(W, 'expiration of 599 seconds is out of range', EXPIRATION_FIX)],
    ['expiration above a day', { expiration: K8sDuration.seconds(86401) },
      refusal(W, 'expiration of 86401 seconds is out of range', EXPIRATION_FIX)],
    ['fractional expiration', { expiration: K8sDuration.millis(600500) },
      refusal(W, 'expiration of 600.5 seconds is out of range', EXPIRATION_FIX)],
    ['empty audience', { audience: '' },
      refusal(W, 'audience "" is empty or contains spaces', 'pass one audience, e.g. "vault"')],
    ['path escaping the volume', { path: '../token' },
      refusal(W, 'path "../token" is not a relative file path inside the volume', 'use a path without \'..\' or a leading \'/\', e.g. "token"')],
    ['relative mountPath', { mountPath: 'tokens' },
      refusal(W, 'mountPath "tokens" is not an absolute path without \'..\'', 'use e.g. "/var/run/secrets/tokens"')],
  ])('%s', (_name, options, message) => {
    expect(() => mount(options)).toThrow(message);
  });

  test('automounted API token is refused', () => {
    expect(() => mount({}, true)).toThrow(refusal(W, 'automountServiceAccountToken is on, which mounts a long-lived API token beside the projected one', 'set automountServiceAccountToken: false on the workload'));
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
      .toThrow(refusal(P, `tokenExpiration of ${seconds} seconds is out of range`, 'the EKS webhook accepts 600 to 86400 seconds (10 minutes to 24 hours)'));
    // Validation happens before any annotation is written.
    expect(Testing.synth(chart)[0].metadata.annotations).toBeUndefined();
  });
});
