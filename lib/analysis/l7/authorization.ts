import { clientTls } from './client-tls';
import { AddressRange } from './ip-blocks';
import { applicableJwtRules, authenticate, RequestAuth } from './jwt';
import { effectiveMtls } from './mtls';
import { normalizePath, pathPatternMatch, samplePath } from './paths';
import { rulesFor } from './rule-index';
import { hasHttpFields, MatchNotes, operationPortMatches, RequestContext, ruleHasHttpFields, ruleMatches, ruleMatchesIgnoringHttp, usesToken } from './rules';
import { or, Tri } from './tri';
import { AuthorizationPolicyInfo, Estate, IstioOperation, IstioRule, Workload } from '../estate/model';
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
  /** What the request's token must show (issuer, claims), when the rule reads it. */
  readonly token?: string;
}

/** Inbound ports the sidecar does not capture: pilot-agent status/health (15020, 15021) and Envoy metrics (15090). */
export const UNCAPTURED_PORTS: ReadonlySet<number> = new Set([15020, 15021, 15090]);

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
  /** Per namespace: its namespace-wide policies, and the others under their selector's first label pair. */
  private readonly byNamespace = new Map<string, { wide: AuthorizationPolicyInfo[]; byLabel: Map<string, AuthorizationPolicyInfo[]> }>();
  /** Input order, the tie-break of policies with the same reference. */
  private readonly order = new Map<AuthorizationPolicyInfo, number>();

  constructor(private readonly estate: Estate) {
    for (const p of estate.authorizationPolicies) {
      if (p.hasTargetRefs || p.action === 'AUDIT') continue;
      this.order.set(p, this.order.size);
      let ns = this.byNamespace.get(p.namespace);
      if (!ns) this.byNamespace.set(p.namespace, ns = { wide: [], byLabel: new Map() });
      const first = p.selector ? Object.entries(p.selector)[0] : undefined;
      if (!first) {
        ns.wide.push(p);
        continue;
      }
      const key = `${first[0]}\u0000${first[1]}`;
      const list = ns.byLabel.get(key);
      if (list) list.push(p);
      else ns.byLabel.set(key, [p]);
    }
  }

  /** Policies of `namespace` that may select `destination`: namespace-wide ones and those keyed by one of its labels. */
  private candidates(namespace: string, destination: Workload): AuthorizationPolicyInfo[] {
    const ns = this.byNamespace.get(namespace);
    if (!ns) return [];
    const out = [...ns.wide];
    for (const [k, v] of Object.entries(destination.labels)) out.push(...ns.byLabel.get(`${k}\u0000${v}`) ?? []);
    return out;
  }

  public of(destination: Workload): ApplicablePolicies {
    let hit = this.cache.get(destination.id);
    if (!hit) {
      const root = this.estate.settings.rootNamespace;
      const own = destination.namespace === root ? [] : this.candidates(destination.namespace, destination);
      const candidates = [...this.candidates(root, destination), ...own];
      const applies = candidates.filter(p => !p.selector || selectorMatches({ matchLabels: p.selector }, destination.labels))
        .sort((a, b) => compareText(ref(a), ref(b)) || this.order.get(a)! - this.order.get(b)!);
      hit = { enforced: applies.filter(p => !p.dryRun), dryRun: applies.filter(p => p.dryRun) };
      this.cache.set(destination.id, hit);
    }
    return hit;
  }
}

export function sourceContext(
  estate: Estate, source: L7Source, mtls: boolean, port: number, http?: { method: string; path: string }, auth?: RequestAuth,
): RequestContext {
  const w = source.workload;
  const td = estate.settings.trustDomain;
  if (!mtls || !w) return { principal: '', namespace: '', serviceAccount: '', trustDomain: '', port, http, auth, ...(source.address ? { address: source.address } : {}) };
  if (w.representative) {
    // Only what the peer's selectors pin is known: the namespace at best, never the ServiceAccount.
    return w.representative.namespaceKnown
      ? { principal: `${td}/ns/${w.namespace}/sa/`, namespace: w.namespace, serviceAccount: `${w.namespace}/`, trustDomain: td, partial: 'serviceAccount', port, http, auth }
      : { principal: `${td}/ns/`, namespace: '', serviceAccount: '', trustDomain: td, partial: 'namespace', port, http, auth };
  }
  return {
    principal: `${td}/ns/${w.namespace}/sa/${w.serviceAccount}`,
    namespace: w.namespace,
    serviceAccount: `${w.namespace}/${w.serviceAccount}`,
    trustDomain: td,
    port,
    http,
    auth,
  };
}

/** What happens before authorization: no sidecar, an uncaptured port, STRICT refusing plaintext. */
interface PreCheck {
  readonly decision?: L7Decision;
  readonly plaintext: boolean;
  readonly mtlsText?: string;
  readonly mode?: string;
  readonly caveats: string[];
}

function preCheck(estate: Estate, source: L7Source, destination: Workload, port: number): PreCheck {
  if (!destination.sidecar) return { decision: { verdict: 'n/a', requests: [], reasons: ['destination has no sidecar'], caveats: [] }, plaintext: false, caveats: [] };
  if (destination.gateway) return { decision: { verdict: 'n/a', requests: [], reasons: ['the ingress gateway serves Gateway listeners; its inbound policies are not modelled'], caveats: [] }, plaintext: false, caveats: [] };
  if (UNCAPTURED_PORTS.has(port)) {
    return { decision: { verdict: 'n/a', requests: [], reasons: [`the sidecar does not capture inbound port ${port} (Istio status and metrics port): neither mTLS nor authorization applies`], caveats: [] }, plaintext: false, caveats: [] };
  }
  const mtls = effectiveMtls(estate, destination, port);
  const mtlsText = `${mtls.mode} (${mtls.decidedBy})`;
  const tls = source.sidecar && source.workload ? clientTls(estate, source.workload, destination, port) : {};
  const plaintext = !source.sidecar || Boolean(tls.plaintext);
  if (mtls.mode === 'STRICT' && plaintext) {
    const why = source.sidecar ? `STRICT mTLS refuses plaintext: ${tls.plaintext} (${mtls.decidedBy})` : `STRICT mTLS refuses plaintext from a source without sidecar (${mtls.decidedBy})`;
    return { decision: { verdict: 'deny', requests: [], reasons: [why], caveats: [], mtls: mtlsText }, plaintext, caveats: [] };
  }
  return { plaintext: plaintext || mtls.mode === 'DISABLE', mtlsText, mode: mtls.mode, caveats: [...(tls.caveat ? [tls.caveat] : []), ...(tls.plaintext ? [tls.plaintext] : [])] };
}

/** A concrete decision for one connection (http undefined) or one HTTP request, with the request's token if any. */
export function decideRequest(
  estate: Estate, scope: PolicyScope, source: L7Source, destination: Workload, port: number,
  http?: { method: string; path: string }, token?: Readonly<Record<string, unknown>>,
): L7Decision {
  const pre = preCheck(estate, source, destination, port);
  if (pre.decision) return pre.decision;
  const before: string[] = [];
  let request = http;
  if (http) {
    if (http.method !== http.method.toUpperCase()) {
      return { verdict: 'deny', requests: [], reasons: [`method '${http.method}' is not upper case: Istio refuses the request with HTTP 400`], caveats: [], mtls: pre.mtlsText };
    }
    const normalized = normalizePath(http.path);
    if ('rejected' in normalized) return { verdict: 'deny', requests: [], reasons: [normalized.rejected], caveats: [], mtls: pre.mtlsText };
    if (normalized.path !== http.path) before.push(`path '${http.path}' is compared as '${normalized.path}' (query and fragment dropped, BASE normalization)`);
    request = { method: http.method, path: normalized.path };
  }
  const authn = request ? authenticate(estate, destination, token) : { reasons: [] as string[], auth: undefined, rejected: undefined };
  if (authn.rejected) return { verdict: 'deny', requests: [], reasons: [authn.rejected], caveats: [], mtls: pre.mtlsText };
  const ctx = sourceContext(estate, source, !pre.plaintext, port, request, authn.auth);
  const policies = scope.of(destination);
  const enforced = evaluatePolicies(policies.enforced, ctx);
  const all = policies.dryRun.length > 0 ? evaluatePolicies([...policies.enforced, ...policies.dryRun], ctx) : enforced;
  return {
    ...enforced,
    reasons: [...before, ...authn.reasons, ...enforced.reasons],
    caveats: [...pre.caveats, ...enforced.caveats],
    mtls: pre.mtlsText,
    dryRunVerdict: all.verdict !== enforced.verdict ? all.verdict : undefined,
  };
}

/**
 * What one source may send to one destination port: the request families admitted by ALLOW
 * rules, each confirmed by a concrete representative request so DENY policies are applied.
 */
export function decidePort(estate: Estate, scope: PolicyScope, source: L7Source, destination: Workload, port: number): L7Decision {
  const pre = preCheck(estate, source, destination, port);
  if (pre.decision) return pre.decision;
  const ctx = { ...sourceContext(estate, source, !pre.plaintext, port), policyNamespace: destination.namespace };
  const policies = scope.of(destination);
  const tokens = sampleTokens(estate, destination);
  const enforced = summarize(policies.enforced, ctx, tokens);
  const all = policies.dryRun.length > 0 ? summarize([...policies.enforced, ...policies.dryRun], ctx, tokens) : enforced;
  const dryRunVerdict = all.verdict !== enforced.verdict ? all.verdict : undefined;
  return { ...enforced, caveats: [...pre.caveats, ...enforced.caveats], mtls: pre.mtlsText, dryRunVerdict };
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
  const { caveats, denyPolicies, allowPolicies } = byAction(policies);
  const deny = firstMatch(denyPolicies, ctx, 'DENY', notes);
  if (deny.tri === 'yes') return { verdict: 'deny', requests: [], reasons: [`denied by DENY ${deny.policy}`], caveats: [...caveats, ...noteText(notes)] };
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

interface PoliciesByAction {
  readonly caveats: string[];
  readonly denyPolicies: AuthorizationPolicyInfo[];
  readonly allowPolicies: AuthorizationPolicyInfo[];
  readonly readsToken: boolean;
}

const BY_ACTION = new WeakMap<readonly AuthorizationPolicyInfo[], PoliciesByAction>();

/** A destination's policies split by action, once per list: every probe of one port reads the same list. */
function byAction(policies: readonly AuthorizationPolicyInfo[]): PoliciesByAction {
  let hit = BY_ACTION.get(policies);
  if (!hit) {
    hit = {
      caveats: customCaveats(policies),
      denyPolicies: policies.filter(p => p.action === 'DENY'),
      allowPolicies: policies.filter(p => p.action === 'ALLOW'),
      readsToken: policies.some(p => p.rules.some(usesToken)),
    };
    BY_ACTION.set(policies, hit);
  }
  return hit;
}

/** Sample tokens a destination accepts: one per jwtRule, claims filled in per rule later. */
function sampleTokens(estate: Estate, destination: Workload): Array<Record<string, unknown>> {
  return applicableJwtRules(estate, destination).map(({ rule }) => ({ iss: rule.issuer, sub: 'x', ...(rule.audiences.length > 0 ? { aud: rule.audiences[0] } : {}) }));
}

/**
 * A token shaped for one rule: its request principal and the claims its conditions ask for,
 * from an issuer the destination accepts. Undefined when the rule's principal names no such issuer.
 */
function tokenFor(rule: IstioRule, base: Record<string, unknown>): Record<string, unknown> | undefined {
  const token: Record<string, unknown> = { ...base };
  const iss = String(base.iss);
  const principals = (rule.from ?? []).flatMap(s => s.requestPrincipals ?? []);
  if (principals.length > 0) {
    const fit = principals.map(p => ({ p, sample: p === '*' ? `${iss}/x` : samplePrincipal(p, iss) })).find(x => x.sample !== undefined);
    if (!fit) return undefined;
    token.sub = fit.sample!.slice(iss.length + 1);
  }
  for (const c of rule.when ?? []) {
    if (!c.values || c.values.length === 0) continue;
    const v = sampleValue(c.values[0]);
    if (c.key === 'request.auth.principal') {
      if (!v.startsWith(`${iss}/`)) return undefined;
      token.sub = v.slice(iss.length + 1);
    } else if (c.key === 'request.auth.audiences') {
      token.aud = [...new Set([...(Array.isArray(token.aud) ? token.aud : token.aud ? [token.aud] : []), v])];
    } else if (c.key === 'request.auth.presenter') {
      token.azp = v;
    } else if (c.key.startsWith('request.auth.claims[')) {
      const path = [...c.key.matchAll(/\[([^\][]+)\]/g)].map(m => m[1]);
      let at = token;
      path.slice(0, -1).forEach(k => {
        at[k] = at[k] && typeof at[k] === 'object' && !Array.isArray(at[k]) ? { ...(at[k] as object) } : {};
        at = at[k] as Record<string, unknown>;
      });
      const last = path[path.length - 1];
      at[last] = [...(Array.isArray(at[last]) ? at[last] as unknown[] : []), v];
    }
  }
  return token;
}

function samplePrincipal(pattern: string, iss: string): string | undefined {
  const sample = sampleValue(pattern.startsWith('*') ? `${iss}/x${pattern.slice(1)}` : pattern);
  return sample.startsWith(`${iss}/`) && sample.length > iss.length + 1 && pathPatternMatch(pattern, sample) !== 'no' ? sample : undefined;
}

function sampleValue(pattern: string): string {
  if (pattern.endsWith('*')) return `${pattern.slice(0, -1)}x`;
  if (pattern.startsWith('*')) return `x${pattern.slice(1)}`;
  return pattern;
}

/** What a rule asks of the token, for reports: `JWT https://issuer/* with groups=engineering, amr=mfa`. */
function tokenRequirement(rule: IstioRule): string {
  const principals = [...new Set((rule.from ?? []).flatMap(s => s.requestPrincipals ?? []))];
  const claims = (rule.when ?? []).filter(c => c.key.startsWith('request.auth.')).map(c => {
    const key = c.key.replace(/^request\.auth\.claims/, '').replace(/^\[|\]$/g, '').replace(/\]\[/g, '.').replace(/^request\.auth\./, '');
    return `${key}${c.values ? `=${c.values.join('|')}` : ''}${c.notValues ? `!=${c.notValues.join('|')}` : ''}`;
  }).sort();
  return `JWT ${principals.length > 0 ? principals.join('|') : 'any'}${claims.length > 0 ? ` with ${claims.join(', ')}` : ''}`;
}

function summarize(policies: readonly AuthorizationPolicyInfo[], ctx: RequestContext, tokens: ReadonlyArray<Record<string, unknown>>): Outcome {
  const notes: MatchNotes = { unknown: new Set(), unsupported: new Set() };
  const { allowPolicies, denyPolicies } = byAction(policies);
  const candidates: Array<{ shape: RequestShape; policy: string; rule?: IstioRule }> = [];
  if (allowPolicies.length === 0) candidates.push({ shape: ANY_SHAPE, policy: '' });
  for (const p of allowPolicies) {
    for (const rule of rulesFor(p, ctx)) {
      if (ruleMatchesIgnoringHttp(rule, inPolicy(ctx, p), notes) === 'no') continue;
      for (const op of rule.to ?? ANY_OPERATION) {
        if (!operationPortMatches(op, ctx.port)) continue;
        candidates.push({ shape: shapeOf(op), policy: ref(p), rule });
      }
    }
  }
  const allowed: RequestShape[] = [];
  const reasons = new Set<string>();
  const caveats = new Set<string>();
  let unknown = false;
  const denyReasons = new Set<string>();
  // When no rule that can match this source reads the request (methods, paths, hosts, token), every
  // probe has the same outcome as the first: evaluate it once.
  const blind = httpBlind(allowPolicies, denyPolicies, ctx);
  let shared: Outcome | undefined;
  const probe = (c: RequestContext): Outcome => (blind ? (shared ??= evaluatePolicies(policies, c)) : evaluatePolicies(policies, c));
  for (const c of candidates) {
    // A rule without HTTP fields also admits raw TCP; check that too so TCP-level DENYs count.
    const tcpProbe = isAny(c.shape) ? [probe(ctx)] : [];
    const requests = representativesOf(c.shape);
    const probes = [...tcpProbe, ...requests.map(http => probe({ ...ctx, http }))];
    let shape = c.shape;
    // A rule that reads the token is probed again with a token it asks for, from an issuer the destination accepts.
    // A DENY rule on `notRequestPrincipals` can also make a token the key: then any valid token is.
    const ruleReads = c.rule !== undefined && usesToken(c.rule);
    if ((ruleReads || byAction(policies).readsToken) && !probes.some(p => p.verdict === 'allow')) {
      const withToken = tokens.map(t => (ruleReads ? tokenFor(c.rule!, t) : t)).filter((t): t is Record<string, unknown> => t !== undefined)
        .flatMap(t => requests.map(http => probe({ ...ctx, http, auth: authOf(t) })));
      if (withToken.some(p => p.verdict === 'allow')) {
        shape = { ...c.shape, token: ruleReads ? tokenRequirement(c.rule!) : `JWT of ${[...new Set(tokens.map(t => String(t.iss)))].join('|')}` };
      }
      probes.push(...withToken);
    }
    // One admitted sample request proves the family is (at least partly) open; DENY exceptions become caveats.
    const admitted = probes.find(p => p.verdict === 'allow');
    probes.forEach(p => p.caveats.forEach(x => caveats.add(x)));
    if (admitted) {
      allowed.push(shape);
      reasons.add(allowPolicies.length === 0 ? 'no ALLOW policy applies' : `allowed by ALLOW ${c.policy}${shape.token ? ` for requests with a ${shape.token}` : ''}`);
    } else if (probes.some(p => p.verdict === 'unknown')) {
      unknown = true;
      probes.filter(p => p.verdict === 'unknown').forEach(p => p.reasons.forEach(r => reasons.add(r)));
    } else {
      probes.forEach(p => p.reasons.forEach(r => denyReasons.add(r)));
    }
  }
  for (const p of denyPolicies) {
    for (const rule of rulesFor(p, ctx)) {
      if (ruleMatchesIgnoringHttp(rule, inPolicy(ctx, p), notes) === 'no') continue;
      if ((rule.to ?? []).some(op => operationPortMatches(op, ctx.port) && hasHttpFields(op))) {
        caveats.add(`except requests DENY ${ref(p)} refuses`);
      }
    }
  }
  noteText(notes).forEach(x => caveats.add(x));
  byAction(policies).caveats.forEach(x => caveats.add(x));
  if (allowed.length > 0) {
    const any = allowed.some(isAny);
    return { verdict: 'allow', requests: any ? [] : dedupe(allowed), reasons: [...reasons], caveats: [...caveats] };
  }
  if (unknown) return { verdict: 'unknown', requests: [], reasons: [...reasons], caveats: [...caveats] };
  const why = candidates.length === 0 ? probe(ctx).reasons : [...denyReasons];
  return { verdict: 'deny', requests: [], reasons: why, caveats: [...caveats] };
}

const READS_REQUEST = new WeakMap<IstioRule, boolean>();

/** True when none of the rules of these policies that can match the source reads an HTTP attribute or the token. */
function httpBlind(allow: readonly AuthorizationPolicyInfo[], deny: readonly AuthorizationPolicyInfo[], ctx: RequestContext): boolean {
  const reads = (p: AuthorizationPolicyInfo) => rulesFor(p, ctx).some(rule => {
    let hit = READS_REQUEST.get(rule);
    if (hit === undefined) READS_REQUEST.set(rule, hit = ruleHasHttpFields(rule));
    return hit;
  });
  return !allow.some(reads) && !deny.some(reads);
}

function authOf(token: Record<string, unknown>): RequestAuth {
  const aud = token.aud;
  return {
    principal: `${String(token.iss)}/${String(token.sub)}`,
    audiences: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(String) : [],
    presenter: typeof token.azp === 'string' ? token.azp : undefined,
    claims: token,
  };
}

/** The context for one policy's rules: a ServiceAccount without a namespace means the policy's. Reused when it already is. */
function inPolicy(ctx: RequestContext, policy: AuthorizationPolicyInfo): RequestContext {
  return ctx.policyNamespace === policy.namespace ? ctx : { ...ctx, policyNamespace: policy.namespace };
}

function firstMatch(policies: readonly AuthorizationPolicyInfo[], ctx: RequestContext, action: 'ALLOW' | 'DENY', notes: MatchNotes): { tri: Tri; policy: string } {
  let result: Tri = 'no';
  // PolicyScope hands policies over sorted by namespace/name, so the first match is stable.
  for (const p of policies) {
    const rules = rulesFor(p, ctx);
    if (rules.length === 0) continue;
    const pctx = inPolicy(ctx, p);
    const tri = or(rules.map(r => ruleMatches(r, pctx, action, notes)));
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

const ANY_OPERATION: readonly IstioOperation[] = [{}];
const ANY_SHAPE: RequestShape = {};
const SHAPES = new WeakMap<IstioOperation, RequestShape>();
const REPRESENTATIVES = new WeakMap<RequestShape, ReadonlyArray<{ method: string; path: string }>>();

/** The request family of an operation, one object per operation so its sample requests are built once. */
function shapeOf(op: IstioOperation): RequestShape {
  let shape = SHAPES.get(op);
  if (!shape) SHAPES.set(op, shape = { methods: op.methods, notMethods: op.notMethods, paths: op.paths, notPaths: op.notPaths, hosts: op.hosts });
  return shape;
}

function representativesOf(shape: RequestShape): ReadonlyArray<{ method: string; path: string }> {
  let requests = REPRESENTATIVES.get(shape);
  if (!requests) REPRESENTATIVES.set(shape, requests = representatives(shape));
  return requests;
}

function isAny(s: RequestShape): boolean {
  return !s.methods && !s.notMethods && !s.paths && !s.notPaths && !s.hosts && !s.token;
}

/**
 * Sample requests inside a request family, e.g. `/orders/*` gives `/orders/x`, `*.js` gives
 * `/x.js` and `/users/{*}` gives `/users/x`; a family without methods or paths is sampled with
 * common methods and a few paths.
 */
export function representatives(shape: RequestShape): Array<{ method: string; path: string }> {
  const methods = (shape.methods ?? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])
    .map(m => (m === '*' ? 'GET' : sampleValue(m)))
    .filter(m => !(shape.notMethods ?? []).some(n => pathPatternMatch(n, m) === 'yes'));
  const paths = (shape.paths ?? ['/', '/x', '/api/x'])
    .map(samplePath)
    .filter(p => !(shape.notPaths ?? []).some(n => pathPatternMatch(n, p) === 'yes'));
  return methods.flatMap(method => paths.map(path => ({ method, path })));
}

function dedupe(shapes: RequestShape[]): RequestShape[] {
  const seen = new Map<string, RequestShape>();
  for (const s of shapes) seen.set(JSON.stringify(s), s);
  return [...seen.values()];
}

function ref(p: AuthorizationPolicyInfo): string {
  return `${p.namespace}/${p.name}`;
}
