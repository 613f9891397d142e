import { AddressRange } from './ip-blocks';
import { effectiveMtls } from './mtls';
import { hasHttpFields, MatchNotes, operationPortMatches, RequestContext, ruleMatches, ruleMatchesIgnoringHttp } from './rules';
import { istioMatch, or, Tri } from './tri';
import { AuthorizationPolicyInfo, Estate, IstioOperation, Workload } from '../estate/model';
import { selectorMatches } from '../l4/selectors';
import { compareText } from '../order';

export type L7Verdict = 'allow' | 'deny' | 'unknown' | 'n/a';

/** One family of HTTP requests an ALLOW rule admits; no fields means any request. */
export interface RequestShape {
  readonly methods?: readonly string[];
  readonly notMethods?: readonly string[];
  readonly paths?: readonly string[];
  readonly notPaths?: readonly string[];
  readonly hosts?: readonly string[];
}

export interface L7Decision {
  readonly verdict: L7Verdict;
  /** For 'allow' on a port: the request families admitted; empty means any traffic. */
  readonly requests: readonly RequestShape[];
  readonly reasons: readonly string[];
  /** Things that limit what the verdict proves (DENY exceptions, CUSTOM, unresolvable conditions). */
  readonly caveats: readonly string[];
  /** What the verdict would be if dry-run policies were enforced, when it differs. */
  readonly dryRunVerdict?: L7Verdict;
  readonly mtls?: string;
}

/** The source side of a connection: a workload, or a plaintext peer outside the manifests. */
export interface L7Source {
  readonly workload?: Workload;
  readonly sidecar: boolean;
  /** The address range of a peer outside the manifests (an `ipBlock` grant), when known. */
  readonly address?: AddressRange;
}

export interface ApplicablePolicies {
  readonly enforced: readonly AuthorizationPolicyInfo[];
  readonly dryRun: readonly AuthorizationPolicyInfo[];
}

/**
 * Which AuthorizationPolicies a sidecar enforces: root-namespace policies mesh-wide, and the
 * destination namespace's own, each either namespace-wide or narrowed by `selector`. Policies
 * attached with `targetRef(s)` bind to gateways or waypoints, never to sidecars.
 */
export class PolicyScope {
  private readonly cache = new Map<string, ApplicablePolicies>();
  private readonly byNamespace = new Map<string, AuthorizationPolicyInfo[]>();

  constructor(private readonly estate: Estate) {
    for (const p of estate.authorizationPolicies) {
      if (p.hasTargetRefs || p.action === 'AUDIT') continue;
      if (!this.byNamespace.has(p.namespace)) this.byNamespace.set(p.namespace, []);
      this.byNamespace.get(p.namespace)!.push(p);
    }
  }

  public of(destination: Workload): ApplicablePolicies {
    let hit = this.cache.get(destination.id);
    if (!hit) {
      const root = this.estate.settings.rootNamespace;
      const own = destination.namespace === root ? [] : this.byNamespace.get(destination.namespace) ?? [];
      const candidates = [...(this.byNamespace.get(root) ?? []), ...own];
      const applies = candidates.filter(p => !p.selector || selectorMatches({ matchLabels: p.selector }, destination.labels))
        .sort((a, b) => compareText(ref(a), ref(b)));
      hit = { enforced: applies.filter(p => !p.dryRun), dryRun: applies.filter(p => p.dryRun) };
      this.cache.set(destination.id, hit);
    }
    return hit;
  }
}

export function sourceContext(
  estate: Estate, source: L7Source, mtls: boolean, port: number, http?: { method: string; path: string },
): RequestContext {
  const w = source.workload;
  if (!mtls || !w) return { principal: '', namespace: '', serviceAccount: '', port, http, ...(source.address ? { address: source.address } : {}) };
  return {
    principal: `${estate.settings.trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount}`,
    namespace: w.namespace,
    serviceAccount: `${w.namespace}/${w.serviceAccount}`,
    port,
    http,
  };
}

/** A concrete decision for one connection (http undefined) or one HTTP request. */
export function decideRequest(
  estate: Estate, scope: PolicyScope, source: L7Source, destination: Workload, port: number,
  http?: { method: string; path: string },
): L7Decision {
  if (!destination.sidecar) return { verdict: 'n/a', requests: [], reasons: ['destination has no sidecar'], caveats: [] };
  const mtls = effectiveMtls(estate, destination, port);
  const mtlsText = `${mtls.mode} (${mtls.decidedBy})`;
  if (mtls.mode === 'STRICT' && !source.sidecar) {
    return { verdict: 'deny', requests: [], reasons: [`STRICT mTLS refuses plaintext from a source without sidecar (${mtls.decidedBy})`], caveats: [], mtls: mtlsText };
  }
  const ctx = sourceContext(estate, source, source.sidecar && mtls.mode !== 'DISABLE', port, http);
  const policies = scope.of(destination);
  const enforced = evaluatePolicies(policies.enforced, ctx);
  const all = policies.dryRun.length > 0 ? evaluatePolicies([...policies.enforced, ...policies.dryRun], ctx) : enforced;
  return {
    ...enforced,
    mtls: mtlsText,
    dryRunVerdict: all.verdict !== enforced.verdict ? all.verdict : undefined,
  };
}

/**
 * What one source may send to one destination port: the request families admitted by ALLOW
 * rules, each confirmed by a concrete representative request so DENY policies are applied.
 */
export function decidePort(estate: Estate, scope: PolicyScope, source: L7Source, destination: Workload, port: number): L7Decision {
  if (!destination.sidecar) return { verdict: 'n/a', requests: [], reasons: ['destination has no sidecar'], caveats: [] };
  const mtls = effectiveMtls(estate, destination, port);
  const mtlsText = `${mtls.mode} (${mtls.decidedBy})`;
  if (mtls.mode === 'STRICT' && !source.sidecar) {
    return { verdict: 'deny', requests: [], reasons: [`STRICT mTLS refuses plaintext from a source without sidecar (${mtls.decidedBy})`], caveats: [], mtls: mtlsText };
  }
  const ctx = sourceContext(estate, source, source.sidecar && mtls.mode !== 'DISABLE', port);
  const policies = scope.of(destination);
  const enforced = summarize(policies.enforced, ctx);
  const all = policies.dryRun.length > 0 ? summarize([...policies.enforced, ...policies.dryRun], ctx) : enforced;
  return { ...enforced, mtls: mtlsText, dryRunVerdict: all.verdict !== enforced.verdict ? all.verdict : undefined };
}

interface Outcome {
  readonly verdict: L7Verdict;
  readonly requests: readonly RequestShape[];
  readonly reasons: readonly string[];
  readonly caveats: readonly string[];
}

/** CUSTOM is reported, never evaluated; DENY wins over ALLOW; with any ALLOW policy one must match. */
function evaluatePolicies(policies: readonly AuthorizationPolicyInfo[], ctx: RequestContext): Outcome {
  const notes: MatchNotes = { unknown: new Set(), unsupported: new Set() };
  const caveats = customCaveats(policies);
  const deny = firstMatch(policies.filter(p => p.action === 'DENY'), ctx, 'DENY', notes);
  if (deny.tri === 'yes') return { verdict: 'deny', requests: [], reasons: [`denied by DENY ${deny.policy}`], caveats: [...caveats, ...noteText(notes)] };
  const allowPolicies = policies.filter(p => p.action === 'ALLOW');
  const allow = allowPolicies.length === 0
    ? { tri: 'yes' as Tri, policy: '' }
    : firstMatch(allowPolicies, ctx, 'ALLOW', notes);
  const verdict: L7Verdict = allow.tri === 'no' ? 'deny' : deny.tri === 'no' && allow.tri === 'yes' ? 'allow' : 'unknown';
  const reasons = allowPolicies.length === 0
    ? ['no ALLOW policy applies']
    : allow.tri === 'yes' ? [`allowed by ALLOW ${allow.policy}`]
      : allow.tri === 'no' ? [`no rule of ${allowPolicies.map(ref).join(', ')} matches`] : ['depends on attributes the manifests do not hold'];
  return { verdict, requests: [], reasons, caveats: [...caveats, ...noteText(notes)] };
}

function summarize(policies: readonly AuthorizationPolicyInfo[], ctx: RequestContext): Outcome {
  const notes: MatchNotes = { unknown: new Set(), unsupported: new Set() };
  const allowPolicies = policies.filter(p => p.action === 'ALLOW');
  const candidates: Array<{ shape: RequestShape; policy: string }> = [];
  if (allowPolicies.length === 0) candidates.push({ shape: {}, policy: '' });
  for (const p of allowPolicies) {
    for (const rule of p.rules) {
      if (ruleMatchesIgnoringHttp(rule, ctx, notes) === 'no') continue;
      for (const op of rule.to ?? [{} as IstioOperation]) {
        if (!operationPortMatches(op, ctx.port)) continue;
        candidates.push({ shape: shapeOf(op), policy: ref(p) });
      }
    }
  }
  const allowed: RequestShape[] = [];
  const reasons = new Set<string>();
  const caveats = new Set<string>();
  let unknown = false;
  const denyReasons = new Set<string>();
  for (const c of candidates) {
    // A rule without HTTP fields also admits raw TCP; check that too so TCP-level DENYs count.
    const tcpProbe = isAny(c.shape) ? [evaluatePolicies(policies, ctx)] : [];
    const probes = [...tcpProbe, ...representatives(c.shape).map(http => evaluatePolicies(policies, { ...ctx, http }))];
    // One admitted sample request proves the family is (at least partly) open; DENY exceptions become caveats.
    const admitted = probes.find(p => p.verdict === 'allow');
    probes.forEach(p => p.caveats.forEach(x => caveats.add(x)));
    if (admitted) {
      allowed.push(c.shape);
      reasons.add(allowPolicies.length === 0 ? 'no ALLOW policy applies' : `allowed by ALLOW ${c.policy}`);
    } else if (probes.some(p => p.verdict === 'unknown')) {
      unknown = true;
      probes.filter(p => p.verdict === 'unknown').forEach(p => p.reasons.forEach(r => reasons.add(r)));
    } else {
      probes.forEach(p => p.reasons.forEach(r => denyReasons.add(r)));
    }
  }
  for (const p of policies.filter(x => x.action === 'DENY')) {
    for (const rule of p.rules) {
      if (ruleMatchesIgnoringHttp(rule, ctx, notes) === 'no') continue;
      if ((rule.to ?? []).some(op => operationPortMatches(op, ctx.port) && hasHttpFields(op))) {
        caveats.add(`except requests DENY ${ref(p)} refuses`);
      }
    }
  }
  noteText(notes).forEach(x => caveats.add(x));
  customCaveats(policies).forEach(x => caveats.add(x));
  if (allowed.length > 0) {
    const any = allowed.some(isAny);
    return { verdict: 'allow', requests: any ? [] : dedupe(allowed), reasons: [...reasons], caveats: [...caveats] };
  }
  if (unknown) return { verdict: 'unknown', requests: [], reasons: [...reasons], caveats: [...caveats] };
  const why = candidates.length === 0 ? evaluatePolicies(policies, ctx).reasons : [...denyReasons];
  return { verdict: 'deny', requests: [], reasons: why, caveats: [...caveats] };
}

function firstMatch(policies: readonly AuthorizationPolicyInfo[], ctx: RequestContext, action: 'ALLOW' | 'DENY', notes: MatchNotes): { tri: Tri; policy: string } {
  let result: Tri = 'no';
  // PolicyScope hands policies over sorted by namespace/name, so the first match is stable.
  for (const p of policies) {
    const tri = or(p.rules.map(r => ruleMatches(r, ctx, action, notes)));
    if (tri === 'yes') return { tri, policy: ref(p) };
    if (tri === 'unknown') result = 'unknown';
  }
  return { tri: result, policy: '' };
}

function customCaveats(policies: readonly AuthorizationPolicyInfo[]): string[] {
  return policies.filter(p => p.action === 'CUSTOM').map(p => `CUSTOM ${ref(p)} delegates to an external authorizer, which is not modelled`);
}

function noteText(notes: MatchNotes): string[] {
  return [...notes.unknown, ...notes.unsupported].map(x => `unresolved: ${x}`);
}

function shapeOf(op: IstioOperation): RequestShape {
  return { methods: op.methods, notMethods: op.notMethods, paths: op.paths, notPaths: op.notPaths, hosts: op.hosts };
}

function isAny(s: RequestShape): boolean {
  return !s.methods && !s.notMethods && !s.paths && !s.notPaths && !s.hosts;
}

/**
 * Sample requests inside a request family, e.g. `/orders/*` gives `/orders/x` and `*.js` gives
 * `/x.js`; a family without methods or paths is sampled with common methods and a few paths.
 */
export function representatives(shape: RequestShape): Array<{ method: string; path: string }> {
  const methods = (shape.methods ?? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])
    .map(m => (m === '*' ? 'GET' : concretize(m)))
    .filter(m => !(shape.notMethods ?? []).some(n => istioMatch(n, m)));
  const paths = (shape.paths ?? ['/', '/x', '/api/x'])
    .map(p => concretize(p.startsWith('*') && p.length > 1 ? `/x${p.slice(1)}` : p))
    .filter(p => !(shape.notPaths ?? []).some(n => istioMatch(n, p)));
  return methods.flatMap(method => paths.map(path => ({ method, path })));
}

function concretize(pattern: string): string {
  if (pattern === '*') return '/x';
  if (pattern.endsWith('*')) return `${pattern.slice(0, -1)}x`;
  if (pattern.startsWith('*')) return `x${pattern.slice(1)}`;
  return pattern;
}

function dedupe(shapes: RequestShape[]): RequestShape[] {
  const seen = new Map<string, RequestShape>();
  for (const s of shapes) seen.set(JSON.stringify(s), s);
  return [...seen.values()];
}

function ref(p: AuthorizationPolicyInfo): string {
  return `${p.namespace}/${p.name}`;
}
