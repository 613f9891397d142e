import { AddressRange, ipBlocksMatch } from './ip-blocks';
import { claimValues, RequestAuth } from './jwt';
import { pathPatternMatch } from './paths';
import { and, istioMatch, not, or, Tri } from './tri';
import { IstioCondition, IstioOperation, IstioRule, IstioSource } from '../estate/model';

/** What the analyzer knows about one request or connection at the destination's sidecar. */
export interface RequestContext {
  /** `<trust-domain>/ns/<ns>/sa/<sa>`; empty for a plaintext peer; a known prefix when `partial` is set. */
  readonly principal: string;
  /** Source namespace; empty for a plaintext peer (or unknown, see `partial`). */
  readonly namespace: string;
  /** `<ns>/<sa>`; empty for a plaintext peer; a known prefix when `partial` is set. */
  readonly serviceAccount: string;
  /** Trust domain of the peer certificate; empty for a plaintext peer. */
  readonly trustDomain: string;
  /**
   * A representative endpoint's identity is partly unknown: its ServiceAccount (`serviceAccount`),
   * or its namespace too (`namespace`). The fields above then hold the known prefix.
   */
  readonly partial?: 'serviceAccount' | 'namespace';
  readonly port: number;
  /** Undefined for raw TCP traffic. `path` is already normalized. */
  readonly http?: { readonly method: string; readonly path: string };
  /** The validated token; undefined when the request has none (so no request principal). */
  readonly auth?: RequestAuth;
  /** Namespace of the policy being evaluated: `serviceAccounts: [sa]` means `<that namespace>/sa`. */
  readonly policyNamespace?: string;
  /** For a plaintext peer outside the manifests known by its address range: that range (decides `ipBlocks`). */
  readonly address?: AddressRange;
}

export type RuleAction = 'ALLOW' | 'DENY';

/** Collects why a match came out 'unknown', and which inputs are not modelled at all. */
export interface MatchNotes {
  readonly unknown: Set<string>;
  readonly unsupported: Set<string>;
}

/** Condition keys resolved from the source identity, the port or the request token. */
const RESOLVABLE_KEYS = new Set(['source.principal', 'source.namespace', 'source.serviceAccount', 'destination.port',
  'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter']);
const CLAIM_KEY = /^request\.auth\.claims(\[[^\][]+\])+$/;
/** Istio keys that exist but depend on data the manifests do not hold (IPs, headers, SNI). */
const UNRESOLVABLE_KEY = /^(source\.ip|remote\.ip|destination\.ip|connection\.sni|request\.headers\[.+\]|request\.regex\.headers\[.+\]|experimental\.envoy\.filters\..+)$/;
const HTTP_ONLY_KEY = /^request\./;

/** Whether the analyzer resolves a `when` key, knows it but cannot resolve it, or does not know it. */
export function conditionKeySupport(key: string): 'resolved' | 'unresolvable' | 'unknown' {
  if (RESOLVABLE_KEYS.has(key) || CLAIM_KEY.test(key)) return 'resolved';
  return UNRESOLVABLE_KEY.test(key) ? 'unresolvable' : 'unknown';
}

/**
 * Istio rule semantics: a rule matches when all of its present parts match (from: any source;
 * to: any operation; when: every condition); absent parts match everything. For raw TCP traffic
 * an ALLOW rule with HTTP-only fields matches nothing, while a DENY rule ignores those fields.
 * A field the analyzer does not know makes its part `unknown`, never "absent".
 */
export function ruleMatches(rule: IstioRule, ctx: RequestContext, action: RuleAction, notes: MatchNotes): Tri {
  // Istio builds the TCP filter chain without any ALLOW rule that has an HTTP-only field, so such
  // a rule admits no raw TCP even through another operation of its own that has none.
  if (action === 'ALLOW' && !ctx.http && ruleHasHttpFields(rule)) return 'no';
  return and([
    unknownFields(rule.unknownFields, 'rule', notes),
    rule.from ? or(rule.from.map(s => sourceMatches(s, ctx, action, notes))) : 'yes',
    rule.to ? or(rule.to.map(o => operationMatches(o, ctx, action, notes))) : 'yes',
    ...(rule.when ?? []).map(c => conditionMatches(c, ctx, action, notes)),
  ]);
}

/** The parts of a rule that do not depend on HTTP attributes (used to enumerate allowed requests). */
export function ruleMatchesIgnoringHttp(rule: IstioRule, ctx: RequestContext, notes: MatchNotes): Tri {
  // DENY semantics on TCP treat HTTP-only fields as matching, which is exactly "ignore them".
  const tcp = { ...ctx, http: undefined };
  return and([
    unknownFields(rule.unknownFields, 'rule', notes),
    rule.from ? or(rule.from.map(s => sourceMatches(s, tcp, 'DENY', notes))) : 'yes',
    ...(rule.when ?? []).map(c => conditionMatches(c, tcp, 'DENY', notes)),
  ]);
}

export function operationPortMatches(op: IstioOperation, port: number): boolean {
  if (op.ports && !op.ports.includes(String(port))) return false;
  if (op.notPorts && op.notPorts.includes(String(port))) return false;
  return true;
}

/** True when any part of a rule needs an HTTP request: operation methods/paths/hosts, request principals, `request.*` conditions. */
export function ruleHasHttpFields(rule: IstioRule): boolean {
  return (rule.to ?? []).some(hasHttpFields)
    || (rule.from ?? []).some(s => Boolean(s.requestPrincipals || s.notRequestPrincipals))
    || (rule.when ?? []).some(c => HTTP_ONLY_KEY.test(c.key));
}

export function hasHttpFields(op: IstioOperation): boolean {
  return Boolean(op.methods || op.notMethods || op.paths || op.notPaths || op.hosts || op.notHosts);
}

/** Whether a rule's source or conditions read the request token. */
export function usesToken(rule: IstioRule): boolean {
  return (rule.from ?? []).some(s => s.requestPrincipals || s.notRequestPrincipals)
    || (rule.when ?? []).some(c => c.key.startsWith('request.auth.'));
}

function unknownFields(fields: readonly string[] | undefined, what: string, notes: MatchNotes): Tri {
  if (!fields || fields.length === 0) return 'yes';
  notes.unsupported.add(`${what} field(s) ${fields.join(', ')} not known to the analyzer`);
  return 'unknown';
}

function sourceMatches(s: IstioSource, ctx: RequestContext, action: RuleAction, notes: MatchNotes): Tri {
  const sa = (p: string) => (p.includes('/') ? p : `${ctx.policyNamespace ?? ''}/${p}`);
  const unknownIf = (present: boolean, why: string): Tri => {
    if (!present) return 'yes';
    notes.unknown.add(why);
    return 'unknown';
  };
  const tokenKnown = (values: readonly string[] | undefined, negated: readonly string[] | undefined): Tri =>
    httpOnly(ctx, action, () => positiveNegative(values, negated, p => istioMatch(p, ctx.auth?.principal ?? '') ? 'yes' : 'no'));
  return and([
    unknownFields(s.unknownFields, 'source', notes),
    positiveNegative(s.principals, s.notPrincipals, p => identityMatch(p, ctx.principal, ctx.partial !== undefined)),
    positiveNegative(s.namespaces, s.notNamespaces, p => identityMatch(p, ctx.namespace, ctx.partial === 'namespace')),
    positiveNegative(s.serviceAccounts?.map(sa), s.notServiceAccounts?.map(sa), p => identityMatch(p, ctx.serviceAccount, ctx.partial !== undefined)),
    positiveNegative(s.trustDomains, s.notTrustDomains, p => identityMatch(p, ctx.trustDomain, false)),
    s.requestPrincipals || s.notRequestPrincipals ? tokenKnown(s.requestPrincipals, s.notRequestPrincipals) : 'yes',
    ctx.address && (s.ipBlocks || s.notIpBlocks) ? ipBlocksMatch(s.ipBlocks, s.notIpBlocks, ctx.address) : 'yes',
    unknownIf(Boolean(((s.ipBlocks || s.notIpBlocks) && !ctx.address) || s.remoteIpBlocks || s.notRemoteIpBlocks), 'ipBlocks depend on pod IPs, which the manifests do not hold'),
  ]);
}

/** `values` (any matches) and `notValues` (none matches), each absent meaning "no constraint". */
function positiveNegative(values: readonly string[] | undefined, negated: readonly string[] | undefined, test: (pattern: string) => Tri): Tri {
  return and([
    values ? or(values.map(test)) : 'yes',
    negated ? not(or(negated.map(test))) : 'yes',
  ]);
}

/**
 * Istio's string match against an identity. When only a prefix of the identity is known (a
 * representative endpoint, whose ServiceAccount is unknown), a pattern can match every
 * completion (`yes`), none (`no`), or some (`unknown`).
 */
export function identityMatch(pattern: string, value: string, prefixOnly: boolean): Tri {
  if (!prefixOnly) return istioMatch(pattern, value) ? 'yes' : 'no';
  if (pattern === '*') return 'yes';
  if (pattern.endsWith('*')) {
    const p = pattern.slice(0, -1);
    if (value.startsWith(p)) return 'yes';
    return p.startsWith(value) ? 'unknown' : 'no';
  }
  if (pattern.startsWith('*')) return 'unknown';
  return pattern.startsWith(value) && pattern.length > value.length ? 'unknown' : 'no';
}

function operationMatches(op: IstioOperation, ctx: RequestContext, action: RuleAction, notes: MatchNotes): Tri {
  const port: Tri = operationPortMatches(op, ctx.port) ? 'yes' : 'no';
  const unknown = unknownFields(op.unknownFields, 'operation', notes);
  if (!hasHttpFields(op)) return and([unknown, port]);
  return and([unknown, port, httpOnly(ctx, action, () => {
    const http = ctx.http!;
    const hosts: Tri = op.hosts || op.notHosts ? (notes.unknown.add('hosts depend on the request Host header'), 'unknown') : 'yes';
    const path = (p: string): Tri => {
      const m = pathPatternMatch(p, http.path);
      if (m === 'unknown') notes.unsupported.add(`path pattern '${p}' is not a valid Istio path template`);
      return m;
    };
    return and([
      positiveNegative(op.methods, op.notMethods, m => istioMatch(m, http.method) ? 'yes' : 'no'),
      positiveNegative(op.paths, op.notPaths, path),
      hosts,
    ]);
  })]);
}

function conditionMatches(c: IstioCondition, ctx: RequestContext, action: RuleAction, notes: MatchNotes): Tri {
  const test = (value: string, prefixOnly = false): Tri => positiveNegative(c.values, c.notValues, p => identityMatch(p, value, prefixOnly));
  // A multi-valued attribute (audiences, list claims) matches when any of its values does.
  const testAny = (values: readonly string[]): Tri => positiveNegative(c.values, c.notValues, p => values.some(v => istioMatch(p, v)) ? 'yes' : 'no');
  const sa = (v: string) => (v.includes('/') ? v : `${ctx.policyNamespace ?? ''}/${v}`);
  const unknown = unknownFields(c.unknownFields, `condition '${c.key}'`, notes);
  switch (c.key) {
    case 'source.principal': return and([unknown, test(ctx.principal, ctx.partial !== undefined)]);
    case 'source.namespace': return and([unknown, test(ctx.namespace, ctx.partial === 'namespace')]);
    case 'source.serviceAccount': return and([unknown, positiveNegative(c.values?.map(sa), c.notValues?.map(sa), p => identityMatch(p, ctx.serviceAccount, ctx.partial !== undefined))]);
    case 'destination.port': return and([unknown, test(String(ctx.port))]);
    case 'request.auth.principal': return httpOnly(ctx, action, () => and([unknown, test(ctx.auth?.principal ?? '')]));
    case 'request.auth.audiences': return httpOnly(ctx, action, () => and([unknown, testAny(ctx.auth?.audiences ?? [])]));
    case 'request.auth.presenter': return httpOnly(ctx, action, () => and([unknown, test(ctx.auth?.presenter ?? '')]));
  }
  if (CLAIM_KEY.test(c.key)) {
    const path = [...c.key.matchAll(/\[([^\][]+)\]/g)].map(m => m[1]);
    return httpOnly(ctx, action, () => and([unknown, testAny(ctx.auth ? claimValues(ctx.auth.claims, path) : [])]));
  }
  if (UNRESOLVABLE_KEY.test(c.key)) {
    const unresolved = (): Tri => {
      notes.unknown.add(`when ${c.key} depends on data the manifests do not hold`);
      return 'unknown';
    };
    return HTTP_ONLY_KEY.test(c.key) ? httpOnly(ctx, action, unresolved) : unresolved();
  }
  notes.unsupported.add(`when key '${c.key}' is not modelled`);
  return 'unknown';
}

/** HTTP-only attributes on raw TCP: an ALLOW rule cannot match; a DENY rule ignores them. */
function httpOnly(ctx: RequestContext, action: RuleAction, evaluate: () => Tri): Tri {
  if (ctx.http) return evaluate();
  return action === 'ALLOW' ? 'no' : 'yes';
}
