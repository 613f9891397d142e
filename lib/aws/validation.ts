import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail, requireInstance, requireString } from '../validation';

/**
 * Input checks shared by the AWS identity constructs. Each check throws a ZeroTrustError:
 * `[<construct path>] <problem naming the value>. Fix: <fix>.`
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// The generic checks live in the core (no aws-cdk-lib there); the AWS constructs use them too.
export { fail, requireInstance, requireString } from '../validation';

/** A value that ends up in a trust condition or YAML must be a literal, not a CDK token. */
export function requireLiteral(scope: IConstruct, what: string, value: string): void {
  requireString(scope, what, value, `pass the ${what} as a string`);
  if (Token.isUnresolved(value)) {
    fail(scope, `${what} is an unresolved token (${value}), but it is pinned in a trust condition`, 'pass the literal value');
  }
}

/** Kubernetes namespaces are RFC 1123 labels. */
export function validateNamespace(scope: IConstruct, namespace: string): void {
  requireLiteral(scope, 'namespace', namespace);
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    fail(scope, `namespace "${namespace}" is not a valid Kubernetes namespace`,
      'use an RFC 1123 label of at most 63 lowercase letters, digits or \'-\', starting and ending with a letter or digit (e.g. "production")');
  }
}

/** ServiceAccount names are RFC 1123 subdomains. */
export function validateServiceAccountName(scope: IConstruct, name: string): void {
  requireLiteral(scope, 'serviceAccountName', name);
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    fail(scope, `serviceAccountName "${name}" is not a valid Kubernetes ServiceAccount name`,
      'use an RFC 1123 subdomain of at most 253 lowercase letters, digits, \'-\' or \'.\', starting and ending with a letter or digit (e.g. "payment-service")');
  }
}

/** IAM role names: 1-64 characters of [A-Za-z0-9+=,.@_-]. */
export function validateRoleName(scope: IConstruct, roleName: string | undefined): void {
  if (roleName !== undefined) requireString(scope, 'roleName', roleName, 'pass the IAM role name as a string, or omit it');
  if (roleName === undefined || Token.isUnresolved(roleName)) return;
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) {
    fail(scope, `roleName "${roleName}" is not a valid IAM role name`, 'use 1 to 64 letters, digits or + = , . @ _ -');
  }
}

/** IAM paths: "/" or "/segment/.../" using printable ASCII, at most 512 characters. */
export function validateRolePath(scope: IConstruct, path: string): void {
  requireLiteral(scope, 'rolePath', path);
  if (path.length > 512 || !/^\/([\x21-\x2E\x30-\x7E]+\/)*$/.test(path)) {
    fail(scope, `rolePath "${path}" is not a valid IAM path`, 'start and end it with \'/\', e.g. "/" or "/workloads/production/"');
  }
}

/** IAM accepts a role's maximum session duration from 1 hour to 12 hours. */
export function validateMaxSessionDuration(scope: IConstruct, duration: Duration): number {
  requireInstance(scope, 'maxSessionDuration', duration, Duration, 'pass a Duration, e.g. Duration.hours(1)');
  if (duration.isUnresolved()) {
    fail(scope, 'maxSessionDuration is an unresolved token', 'pass a literal duration, e.g. Duration.hours(1)');
  }
  const seconds = duration.toSeconds();
  if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
    fail(scope, `maxSessionDuration of ${seconds} seconds is out of range`, 'IAM accepts 3600 to 43200 seconds (1 to 12 hours); use e.g. Duration.hours(1)');
  }
  return seconds;
}

const EKS_ISSUER_HOST = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const EKS_ISSUER_PATH = /^\/id\/[0-9A-Z]{32}$/;
const HOST = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/**
 * Normalizes an OIDC issuer to the form IAM uses in condition keys: host, or host + path,
 * without `https://`.
 *
 * The rule: an optional `https://` prefix, then a lowercase DNS host with no port or
 * credentials, then either nothing or, for EKS hosts only (`oidc.eks.<region>.amazonaws.com`),
 * exactly `/id/<32-character cluster ID>`. Every other path, a trailing slash, a query string
 * or a fragment is refused: IAM would match none of them against the token's `iss` claim,
 * and a pasted discovery/JWKS URL is the usual cause.
 */
export function normalizeIssuer(scope: IConstruct, input: string): string {
  requireLiteral(scope, 'issuer', input);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(input);
  if (scheme && scheme[0] !== 'https://') {
    fail(scope, `issuer "${input}" uses the scheme "${scheme[1]}://", but OIDC issuers are https only`,
      `pass "https://${input.slice(scheme[0].length)}" or the bare host`);
  }
  const rest = scheme ? input.slice(scheme[0].length) : input;
  if (/[?#]/.test(rest)) {
    fail(scope, `issuer "${input}" has a query string or fragment`, 'remove everything from \'?\' or \'#\': an issuer is a host, plus /id/<ID> for EKS');
  }
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  if (!HOST.test(host)) {
    fail(scope, `issuer "${input}" does not start with a valid lowercase DNS host (no port, no credentials)`,
      'pass the host alone, e.g. "token.actions.githubusercontent.com"');
  }
  if (EKS_ISSUER_HOST.test(host)) {
    if (!EKS_ISSUER_PATH.test(path)) {
      fail(scope, `issuer "${input}" is an EKS issuer whose path is not exactly "/id/<32-character cluster ID>"`,
        'copy the issuer from `aws eks describe-cluster --query cluster.identity.oidc.issuer`, with no trailing \'/\' or extra path');
    }
  } else if (path !== '') {
    fail(scope, `issuer "${input}" has a path "${path}", and only EKS issuers (oidc.eks.<region>.amazonaws.com/id/<ID>) carry one`,
      `pass the bare host "${host}"`);
  }
  return host + path;
}

/** Seconds as a literal integer within [min, max], or a failure naming the option and the fix. */
export function validateSeconds(scope: IConstruct, option: string, value: number, min: number, max: number, fix: string): number {
  if (Token.isUnresolved(value) || !Number.isInteger(value) || value < min || value > max) {
    fail(scope, `${option} of ${value} seconds is out of range`, fix);
  }
  return value;
}
