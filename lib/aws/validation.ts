import { Duration, Token } from 'aws-cdk-lib';

/**
 * Input checks shared by the AWS identity constructs. Each check throws an Error whose
 * message starts with the construct path (`where`), names the offending value and the fix.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Throws `where: message`. */
export function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

/** A value that ends up in a trust condition or YAML must be a literal, not a CDK token. */
export function requireLiteral(where: string, what: string, value: string): void {
  if (Token.isUnresolved(value)) {
    fail(where, `${what} must be a literal string, not an unresolved token (${value}), because it is pinned in a trust condition. Pass the value itself.`);
  }
}

/** Kubernetes namespaces are RFC 1123 labels. */
export function validateNamespace(where: string, namespace: string): void {
  requireLiteral(where, 'namespace', namespace);
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    fail(where, `namespace "${namespace}" is not a valid Kubernetes namespace. Use an RFC 1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit (e.g. "production").`);
  }
}

/** ServiceAccount names are RFC 1123 subdomains. */
export function validateServiceAccountName(where: string, name: string): void {
  requireLiteral(where, 'serviceAccountName', name);
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    fail(where, `serviceAccountName "${name}" is not a valid Kubernetes ServiceAccount name. Use an RFC 1123 subdomain: at most 253 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit (e.g. "payment-service").`);
  }
}

/** IAM role names: 1-64 characters of [A-Za-z0-9+=,.@_-]. */
export function validateRoleName(where: string, roleName: string | undefined): void {
  if (roleName === undefined || Token.isUnresolved(roleName)) return;
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) {
    fail(where, `roleName "${roleName}" is not a valid IAM role name. Use 1 to 64 characters among letters, digits and + = , . @ _ -.`);
  }
}

/** IAM paths: "/" or "/segment/.../" using printable ASCII, at most 512 characters. */
export function validateRolePath(where: string, path: string): void {
  requireLiteral(where, 'rolePath', path);
  if (path.length > 512 || !/^\/([\x21-\x2E\x30-\x7E]+\/)*$/.test(path)) {
    fail(where, `rolePath "${path}" is not a valid IAM path. Start and end it with '/', e.g. "/" or "/workloads/production/".`);
  }
}

/** IAM accepts a role's maximum session duration from 1 hour to 12 hours. */
export function validateMaxSessionDuration(where: string, duration: Duration): number {
  if (duration.isUnresolved()) {
    fail(where, 'maxSessionDuration must be a literal duration, not a token. Pass e.g. Duration.hours(1).');
  }
  const seconds = duration.toSeconds();
  if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
    fail(where, `maxSessionDuration of ${seconds} seconds is out of range. IAM accepts 3600 to 43200 seconds (1 to 12 hours); use e.g. Duration.hours(1).`);
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
export function normalizeIssuer(where: string, input: string): string {
  requireLiteral(where, 'issuer', input);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(input);
  if (scheme && scheme[0] !== 'https://') {
    fail(where, `issuer "${input}" uses the scheme "${scheme[1]}://". OIDC issuers are https only: pass "https://${input.slice(scheme[0].length)}" or the bare host.`);
  }
  const rest = scheme ? input.slice(scheme[0].length) : input;
  if (/[?#]/.test(rest)) {
    fail(where, `issuer "${input}" has a query string or fragment. An issuer is a host (plus /id/<ID> for EKS): remove everything from '?' or '#'.`);
  }
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  if (!HOST.test(host)) {
    fail(where, `issuer "${input}" does not start with a valid lowercase DNS host (no port, no credentials), e.g. "token.actions.githubusercontent.com".`);
  }
  if (EKS_ISSUER_HOST.test(host)) {
    if (!EKS_ISSUER_PATH.test(path)) {
      fail(where, `issuer "${input}" is an EKS issuer whose path is not exactly "/id/<32-character cluster ID>". Copy the issuer from \`aws eks describe-cluster --query cluster.identity.oidc.issuer\`, with no trailing '/' or extra path.`);
    }
  } else if (path !== '') {
    fail(where, `issuer "${input}" has a path "${path}". Only EKS issuers (oidc.eks.<region>.amazonaws.com/id/<ID>) carry a path; pass the bare host "${host}".`);
  }
  return host + path;
}

/** Seconds as a literal integer within [min, max], or a failure naming the option. */
export function validateSeconds(where: string, option: string, value: number, min: number, max: number, hint: string): number {
  if (Token.isUnresolved(value) || !Number.isInteger(value) || value < min || value > max) {
    fail(where, `${option} of ${value} seconds is out of range. ${hint}`);
  }
  return value;
}
