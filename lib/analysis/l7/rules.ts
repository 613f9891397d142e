import { AddressRange, ipBlocksMatch } from './ip-blocks';
import { and, matchesAny, or, Tri } from './tri';
import { IstioCondition, IstioOperation, IstioRule, IstioSource } from '../estate/model';

/** What the analyzer knows about one request or connection at the destination's sidecar. */
export interface RequestContext {
  /** `<trust-domain>/ns/<ns>/sa/<sa>`; empty for a plaintext peer. */
  readonly principal: string;
  /** Source namespace; empty for a plaintext peer. */
  readonly namespace: string;
  /** `<ns>/<sa>`; empty for a plaintext peer. */
  readonly serviceAccount: string;
  readonly port: number;
  /** Undefined for raw TCP traffic. */
  readonly http?: { readonly method: string; readonly path: string };
  /** For a plaintext peer outside the manifests known by its address range: that range (decides `ipBlocks`). */
  readonly address?: AddressRange;
}

export type RuleAction = 'ALLOW' | 'DENY';

/** Collects why a match came out 'unknown', and which inputs are not modelled at all. */
export interface MatchNotes {
  readonly unknown: Set<string>;
  readonly unsupported: Set<string>;
}

/** Condition keys resolved from the source identity or the port. */
const RESOLVABLE_KEYS = new Set(['source.principal', 'source.namespace', 'source.serviceAccount', 'destination.port']);
/** Istio keys that exist but depend on data the manifests do not hold (IPs, headers, JWTs, SNI). */
const UNRESOLVABLE_KEY = /^(source\.ip|remote\.ip|destination\.ip|connection\.sni|request\.headers\[.+\]|request\.auth\.(principal|audiences|presenter|claims\[.+\])|request\.regex\.headers\[.+\]|experimental\.envoy\.filters\..+)$/;
const HTTP_ONLY_KEY = /^request\./;

/** Whether the analyzer resolves a `when` key, knows it but cannot resolve it, or does not know it. */
export function conditionKeySupport(key: string): 'resolved' | 'unresolvable' | 'unknown' {
  if (RESOLVABLE_KEYS.has(key)) return 'resolved';
  return UNRESOLVABLE_KEY.test(key) ? 'unresolvable' : 'unknown';
}

/**
 * Istio rule semantics: a rule matches when all of its present parts match (from: any source;
 * to: any operation; when: every condition); absent parts match everything. For raw TCP traffic
 * an ALLOW rule with HTTP-only fields matches nothing, while a DENY rule ignores those fields.
 */
export function ruleMatches(rule: IstioRule, ctx: RequestContext, action: RuleAction, notes: MatchNotes): Tri {
  return and([
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
    rule.from ? or(rule.from.map(s => sourceMatches(s, tcp, 'DENY', notes))) : 'yes',
    ...(rule.when ?? []).map(c => conditionMatches(c, tcp, 'DENY', notes)),
  ]);
}

export function operationPortMatches(op: IstioOperation, port: number): boolean {
  if (op.ports && !op.ports.includes(String(port))) return false;
  if (op.notPorts && op.notPorts.includes(String(port))) return false;
  return true;
}

export function hasHttpFields(op: IstioOperation): boolean {
  return Boolean(op.methods || op.notMethods || op.paths || op.notPaths || op.hosts || op.notHosts);
}

function sourceMatches(s: IstioSource, ctx: RequestContext, action: RuleAction, notes: MatchNotes): Tri {
  const known = (values: readonly string[] | undefined, negated: readonly string[] | undefined, value: string): Tri => and([
    values ? (matchesAny(values, value) ? 'yes' : 'no') : 'yes',
    negated ? (matchesAny(negated, value) ? 'no' : 'yes') : 'yes',
  ]);
  const unknownIf = (present: boolean, why: string): Tri => {
    if (!present) return 'yes';
    notes.unknown.add(why);
    return 'unknown';
  };
  const jwt = Boolean(s.requestPrincipals || s.notRequestPrincipals);
  return and([
    known(s.principals, s.notPrincipals, ctx.principal),
    known(s.namespaces, s.notNamespaces, ctx.namespace),
    known(s.serviceAccounts, s.notServiceAccounts, ctx.serviceAccount),
    jwt ? httpOnly(ctx, action, () => unknownIf(true, 'requestPrincipals depend on the request JWT')) : 'yes',
    ctx.address && (s.ipBlocks || s.notIpBlocks) ? ipBlocksMatch(s.ipBlocks, s.notIpBlocks, ctx.address) : 'yes',
    unknownIf(Boolean(((s.ipBlocks || s.notIpBlocks) && !ctx.address) || s.remoteIpBlocks || s.notRemoteIpBlocks), 'ipBlocks depend on pod IPs, which the manifests do not hold'),
  ]);
}

function operationMatches(op: IstioOperation, ctx: RequestContext, action: RuleAction, notes: MatchNotes): Tri {
  const port: Tri = operationPortMatches(op, ctx.port) ? 'yes' : 'no';
  if (!hasHttpFields(op)) return port;
  return and([port, httpOnly(ctx, action, () => {
    const http = ctx.http!;
    const hosts: Tri = op.hosts || op.notHosts ? (notes.unknown.add('hosts depend on the request Host header'), 'unknown') : 'yes';
    // Path templates (`/users/{*}/info`, `{**}`) are newer Istio syntax the analyzer does not evaluate.
    const templates = [...(op.paths ?? []), ...(op.notPaths ?? [])].some(p => p.includes('{'));
    if (templates) notes.unsupported.add('path templates ({*}, {**}) are not modelled');
    return and([
      op.methods ? (matchesAny(op.methods, http.method) ? 'yes' : 'no') : 'yes',
      op.notMethods ? (matchesAny(op.notMethods, http.method) ? 'no' : 'yes') : 'yes',
      templates ? 'unknown' : op.paths ? (matchesAny(op.paths, http.path) ? 'yes' : 'no') : 'yes',
      templates ? 'unknown' : op.notPaths ? (matchesAny(op.notPaths, http.path) ? 'no' : 'yes') : 'yes',
      hosts,
    ]);
  })]);
}

function conditionMatches(c: IstioCondition, ctx: RequestContext, action: RuleAction, notes: MatchNotes): Tri {
  const test = (value: string): Tri => and([
    c.values ? (matchesAny(c.values, value) ? 'yes' : 'no') : 'yes',
    c.notValues ? (matchesAny(c.notValues, value) ? 'no' : 'yes') : 'yes',
  ]);
  switch (c.key) {
    case 'source.principal': return test(ctx.principal);
    case 'source.namespace': return test(ctx.namespace);
    case 'source.serviceAccount': return test(ctx.serviceAccount);
    case 'destination.port': return test(String(ctx.port));
  }
  if (UNRESOLVABLE_KEY.test(c.key)) {
    const unknown = (): Tri => {
      notes.unknown.add(`when ${c.key} depends on data the manifests do not hold`);
      return 'unknown';
    };
    return HTTP_ONLY_KEY.test(c.key) ? httpOnly(ctx, action, unknown) : unknown();
  }
  if (!RESOLVABLE_KEYS.has(c.key)) notes.unsupported.add(`when key '${c.key}' is not modelled`);
  return 'unknown';
}

/** HTTP-only attributes on raw TCP: an ALLOW rule cannot match; a DENY rule ignores them. */
function httpOnly(ctx: RequestContext, action: RuleAction, evaluate: () => Tri): Tri {
  if (ctx.http) return evaluate();
  return action === 'ALLOW' ? 'no' : 'yes';
}
