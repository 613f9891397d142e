import { Estate, JwtRuleInfo, RequestAuthenticationInfo, Workload } from '../estate/model';
import { selectorMatches } from '../l4/selectors';

/** What a validated token makes known to AuthorizationPolicy. */
export interface RequestAuth {
  /** `<iss>/<sub>`: the request principal. */
  readonly principal: string;
  readonly audiences: readonly string[];
  readonly presenter?: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** The outcome of presenting a token (or none) to a destination sidecar. */
export interface Authentication {
  readonly auth?: RequestAuth;
  /** Set when the sidecar refuses the request (HTTP 401) before authorization. */
  readonly rejected?: string;
  readonly reasons: readonly string[];
}

/**
 * RequestAuthentications that apply to a destination: the root namespace's without selector
 * (mesh-wide), and its own namespace's without selector or with a selector matching its pods.
 */
export function applicableJwtRules(estate: Estate, destination: Workload): Array<{ rule: JwtRuleInfo; policy: RequestAuthenticationInfo }> {
  const root = estate.settings.rootNamespace;
  return estate.requestAuthentications
    .filter(p => (p.namespace === root && !p.selector) || (p.namespace === destination.namespace
      && (!p.selector || selectorMatches({ matchLabels: p.selector }, destination.labels))))
    .flatMap(policy => policy.jwtRules.map(rule => ({ rule, policy })));
}

/**
 * Istio request authentication: a request without a token passes with no request principal; a
 * token is validated against the jwtRules of the applicable RequestAuthentications, and one no
 * rule accepts (unknown issuer, wrong audience) is refused with 401. Signature and lifetime
 * are assumed valid: the analyzer holds claims, not keys.
 */
export function authenticate(estate: Estate, destination: Workload, token: Readonly<Record<string, unknown>> | undefined): Authentication {
  if (!token) return { reasons: [] };
  const rules = applicableJwtRules(estate, destination);
  if (rules.length === 0) {
    return { reasons: ['no RequestAuthentication applies: the token is not validated, so the request has no request principal'] };
  }
  const iss = typeof token.iss === 'string' ? token.iss : '';
  const audiences = stringsOf(token.aud);
  const byIssuer = rules.filter(r => r.rule.issuer === iss);
  const ref = (p: RequestAuthenticationInfo) => `${p.namespace}/${p.name}`;
  if (byIssuer.length === 0) {
    return { rejected: `token issuer '${iss}' is not one RequestAuthentication accepts (${[...new Set(rules.map(r => r.rule.issuer))].join(', ')}): refused with 401`, reasons: [] };
  }
  const accepted = byIssuer.find(r => r.rule.audiences.length === 0 || r.rule.audiences.some(a => audiences.includes(a)));
  if (!accepted) {
    return { rejected: `token audience ${JSON.stringify(audiences)} is not one RequestAuthentication ${ref(byIssuer[0].policy)} accepts (${byIssuer[0].rule.audiences.join(', ')}): refused with 401`, reasons: [] };
  }
  const sub = typeof token.sub === 'string' ? token.sub : '';
  return {
    auth: { principal: `${iss}/${sub}`, audiences, presenter: typeof token.azp === 'string' ? token.azp : undefined, claims: token },
    reasons: [`token of ${iss} validated by RequestAuthentication ${ref(accepted.policy)}; request principal ${iss}/${sub}`],
  };
}

/** The string values of a (nested) claim: a string, or the strings of a list; nothing otherwise. */
export function claimValues(claims: Readonly<Record<string, unknown>>, path: readonly string[]): string[] {
  let v: unknown = claims;
  for (const key of path) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
    v = (v as Record<string, unknown>)[key];
  }
  return stringsOf(v);
}

function stringsOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  if (Array.isArray(v)) return v.filter(x => typeof x === 'string');
  return [];
}
