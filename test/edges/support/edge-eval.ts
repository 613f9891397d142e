/**
 * An evaluator for what the edges emit, beside the core's policy-eval: label selectors
 * with matchExpressions, NetworkPolicy ipBlocks (checked with Node's own net.BlockList,
 * independent of the library's CIDR parser), JWT request authentication and `when`
 * conditions, and the sidecar's outbound registry (ServiceEntry + Sidecar).
 *
 * Like policy-eval, it throws on anything it does not model instead of guessing.
 */
import { BlockList, isIPv4 } from 'net';
import { istioMatch, namespaceLabels, Pod } from '../../support/policy-eval';

type Manifest = any;

/** Kubernetes label selector semantics, including matchExpressions. */
export function selects(selector: any, labels: { [k: string]: string }): boolean {
  if (selector === undefined || selector === null) return true;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e: any) => {
    switch (e.operator) {
      case 'In': return e.key in labels && e.values.includes(labels[e.key]);
      case 'NotIn': return !(e.key in labels) || !e.values.includes(labels[e.key]);
      case 'Exists': return e.key in labels;
      case 'DoesNotExist': return !(e.key in labels);
      default: throw new Error(`edge-eval: operator ${e.operator} is not modelled`);
    }
  });
  return byLabels && byExpressions;
}

/** True when `ip` is inside `ipBlock.cidr` and outside every `except`. */
export function inIpBlock(ipBlock: { cidr: string; except?: string[] }, ip: string): boolean {
  const family = isIPv4(ip) ? 'ipv4' : 'ipv6';
  const list = (cidrs: string[]) => {
    const b = new BlockList();
    for (const c of cidrs) {
      const [net, prefix] = c.split('/');
      if ((isIPv4(net) ? 'ipv4' : 'ipv6') === family) b.addSubnet(net, Number(prefix), family);
    }
    return b;
  };
  return list([ipBlock.cidr]).check(ip, family) && !list(ipBlock.except ?? []).check(ip, family);
}

function policiesSelecting(manifests: Manifest[], pod: Pod, type: string): Manifest[] {
  return manifests.filter(m => m.kind === 'NetworkPolicy' && m.metadata.namespace === pod.namespace
    && (m.spec.policyTypes ?? ['Ingress']).includes(type) && selects(m.spec.podSelector, pod.labels));
}

function portOk(ports: any[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some(p => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || (port >= p.port && port <= (p.endPort ?? p.port))));
}

/** Names of the NetworkPolicies that select a pod (for either direction). */
export function policiesOn(manifests: Manifest[], pod: Pod): string[] {
  return manifests.filter(m => m.kind === 'NetworkPolicy' && m.metadata.namespace === pod.namespace && selects(m.spec.podSelector, pod.labels))
    .map(m => m.metadata.name).sort();
}

/** NetworkPolicy verdict for a pod's egress to an outside address. */
export function l4EgressToAddress(manifests: Manifest[], src: Pod, ip: string, port: number, protocol = 'TCP'): boolean {
  const egress = policiesSelecting(manifests, src, 'Egress');
  if (egress.length === 0) return true;
  return egress.some(np => (np.spec.egress ?? []).some((rule: any) =>
    (rule.to ?? []).some((peer: any) => peer.ipBlock && inIpBlock(peer.ipBlock, ip)) && portOk(rule.ports, port, protocol)));
}

/**
 * NetworkPolicy verdict for a client outside the cluster (address `ip`) calling a pod:
 * only the destination's ingress policies apply, and only `ipBlock` peers (or an absent
 * `from`) can match an address.
 */
export function l4IngressFromAddress(manifests: Manifest[], ip: string, dst: Pod, port: number, protocol = 'TCP'): boolean {
  const ingress = policiesSelecting(manifests, dst, 'Ingress');
  if (ingress.length === 0) return true;
  return ingress.some(np => (np.spec.ingress ?? []).some((rule: any) =>
    (rule.from === undefined || rule.from.length === 0 || rule.from.some((peer: any) => peer.ipBlock && inIpBlock(peer.ipBlock, ip)))
    && portOk(rule.ports, port, protocol)));
}

/** NetworkPolicy verdict for pod → pod (egress of the source AND ingress of the destination), with matchExpressions. */
export function l4PodToPod(manifests: Manifest[], src: Pod, dst: Pod, port: number, protocol = 'TCP'): boolean {
  const nsLabels = namespaceLabels(manifests);
  const peerIs = (peer: any, policyNs: string, other: Pod) => {
    if (peer.ipBlock) return false;
    if (peer.namespaceSelector === undefined) return other.namespace === policyNs && selects(peer.podSelector, other.labels);
    const otherNsLabels = nsLabels[other.namespace] ?? { 'kubernetes.io/metadata.name': other.namespace };
    return selects(peer.namespaceSelector, otherNsLabels) && selects(peer.podSelector ?? {}, other.labels);
  };
  const admits = (nps: Manifest[], rulesOf: (np: any) => any[], peersOf: (r: any) => any[], other: Pod) =>
    nps.length === 0 || nps.some(np => (rulesOf(np) ?? []).some((r: any) =>
      (peersOf(r) === undefined || peersOf(r).some(p => peerIs(p, np.metadata.namespace, other))) && portOk(r.ports, port, protocol)));
  return admits(policiesSelecting(manifests, src, 'Egress'), np => np.spec.egress, r => r.to, dst)
    && admits(policiesSelecting(manifests, dst, 'Ingress'), np => np.spec.ingress, r => r.from, src);
}

/** A token as the sidecar would see it after signature verification (`signedByIssuer` false = forged). */
export interface Token {
  readonly iss: string;
  readonly sub: string;
  readonly aud?: string[];
  readonly claims?: { [k: string]: any };
  readonly signedByIssuer?: boolean;
}

/** A request arriving at a sidecar. */
export interface MeshRequest {
  /** mTLS peer identity, or undefined for plaintext. */
  readonly principal?: string;
  /** Source address of the connection as the sidecar sees it (what `ipBlocks` matches). */
  readonly sourceIp?: string;
  readonly port: number;
  readonly method?: string;
  readonly path?: string;
  readonly token?: Token;
}

/** The sidecar's answer: 200 admitted, 401 bad token, 403 refused by authorization. */
export type Verdict = 200 | 401 | 403;

function claimValue(claims: { [k: string]: any }, key: string): any {
  const m = /^request\.auth\.claims((\[[^\]]+\])+)$/.exec(key);
  if (!m) throw new Error(`edge-eval: condition key ${key} is not modelled`);
  const path = [...m[1].matchAll(/\[([^\]]+)\]/g)].map(x => x[1]);
  return path.reduce((v, name) => (v && typeof v === 'object' ? v[name] : undefined), claims as any);
}

function conditionHolds(c: any, claims: { [k: string]: any } | undefined): boolean {
  if (c.notValues) throw new Error('edge-eval: notValues is not modelled');
  if (!claims) return false;
  const v = claimValue(claims, c.key);
  const values: string[] = Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
  return c.values.some((want: string) => values.some(have => istioMatch(want, have)));
}

function ruleMatches(rule: any, req: MeshRequest, requestPrincipal: string | undefined, claims: any): boolean {
  const fromOk = rule.from === undefined || rule.from.some((f: any) => {
    const s = f.source ?? {};
    for (const k of Object.keys(s)) {
      if (!['principals', 'notPrincipals', 'requestPrincipals', 'ipBlocks', 'notIpBlocks'].includes(k)) throw new Error(`edge-eval: source.${k} is not modelled`);
    }
    if (s.principals && !s.principals.some((p: string) => istioMatch(p, req.principal))) return false;
    if (s.notPrincipals && req.principal !== undefined && s.notPrincipals.some((p: string) => istioMatch(p, req.principal))) return false;
    if (s.ipBlocks && (req.sourceIp === undefined || !s.ipBlocks.some((c: string) => inIpBlock({ cidr: c }, req.sourceIp!)))) return false;
    if (s.notIpBlocks && req.sourceIp !== undefined && s.notIpBlocks.some((c: string) => inIpBlock({ cidr: c }, req.sourceIp!))) return false;
    if (s.requestPrincipals && !s.requestPrincipals.some((p: string) => istioMatch(p, requestPrincipal))) return false;
    return true;
  });
  const toOk = rule.to === undefined || rule.to.some((t: any) => {
    const o = t.operation ?? {};
    for (const k of Object.keys(o)) if (!['ports', 'methods', 'paths'].includes(k)) throw new Error(`edge-eval: operation.${k} is not modelled`);
    if (o.ports && !o.ports.includes(String(req.port))) return false;
    if ((o.methods || o.paths) && req.method === undefined) return false;
    return (!o.methods || o.methods.some((m: string) => istioMatch(m, req.method)))
      && (!o.paths || o.paths.some((p: string) => istioMatch(p, req.path)));
  });
  const whenOk = (rule.when ?? []).every((c: any) => conditionHolds(c, claims));
  return fromOk && toOk && whenOk;
}

/**
 * Istio at the destination sidecar: PeerAuthentication (workload-selected before
 * namespace-wide), RequestAuthentication (a present token must be valid for a configured
 * issuer and audience, else 401; no token means no request principal), then
 * authorization (dry-run policies ignored; DENY first; with any ALLOW, one rule must match).
 */
export function meshVerdict(manifests: Manifest[], dst: Pod, req: MeshRequest): Verdict {
  const inNs = (kind: string) => manifests.filter(m => m.kind === kind && m.metadata.namespace === dst.namespace);
  const pas = inNs('PeerAuthentication');
  if (mtlsMode(pas, dst, req.port) === 'STRICT' && req.principal === undefined) return 403;

  let requestPrincipal: string | undefined;
  let claims: { [k: string]: any } | undefined;
  if (req.token) {
    const rules = inNs('RequestAuthentication').filter(r => selects(r.spec.selector, dst.labels)).flatMap(r => r.spec.jwtRules ?? []);
    const rule = rules.find((r: any) => r.issuer === req.token!.iss);
    const audOk = rule && (!rule.audiences || (req.token.aud ?? []).some(a => rule.audiences.includes(a)));
    if (!rule || !audOk || req.token.signedByIssuer === false) return 401;
    requestPrincipal = `${req.token.iss}/${req.token.sub}`;
    claims = req.token.claims ?? {};
  }

  const policies = inNs('AuthorizationPolicy').filter(p => p.metadata.annotations?.['istio.io/dry-run'] !== 'true'
    && selects(p.spec.selector, dst.labels));
  if (policies.some(p => ['CUSTOM', 'AUDIT'].includes(p.spec.action))) throw new Error('edge-eval: CUSTOM/AUDIT not modelled');
  const rulesOf = (action: string) => policies.filter(p => (p.spec.action ?? 'ALLOW') === action).flatMap(p => p.spec.rules ?? []);
  // Plain TCP (no method): Istio's TCP filter chain drops a whole ALLOW rule that has any HTTP-only field.
  const tcp = req.method === undefined;
  if (tcp && rulesOf('DENY').some(httpOnly)) throw new Error('edge-eval: a DENY rule with HTTP fields on plain TCP is not modelled');
  if (rulesOf('DENY').some(r => ruleMatches(r, req, requestPrincipal, claims))) return 403;
  const allow = policies.filter(p => (p.spec.action ?? 'ALLOW') === 'ALLOW');
  if (allow.length === 0) return 200;
  return rulesOf('ALLOW').some(r => !(tcp && httpOnly(r)) && ruleMatches(r, req, requestPrincipal, claims)) ? 200 : 403;
}

/** True when a rule uses a field only HTTP requests carry (methods, paths, request principals, JWT claims). */
export function httpOnly(rule: any): boolean {
  return (rule.to ?? []).some((t: any) => t.operation?.methods || t.operation?.paths)
    || (rule.from ?? []).some((f: any) => f.source?.requestPrincipals)
    || (rule.when ?? []).length > 0;
}

/**
 * The mTLS mode on one pod port: the workload-selected PeerAuthentication's port-level
 * mode for that (pod) port, else its own mode, else (UNSET or absent) the namespace-wide
 * one's; more than one workload-selected policy is a conflict Istio resolves by age, so
 * it is refused here.
 */
export function mtlsMode(pas: Manifest[], dst: Pod, port: number): string | undefined {
  const selecting = pas.filter(p => p.spec.selector && selects(p.spec.selector, dst.labels));
  if (selecting.length > 1) throw new Error(`edge-eval: ${selecting.length} workload PeerAuthentications select ${dst.name}`);
  const set = (mode: string | undefined) => (mode && mode !== 'UNSET' ? mode : undefined);
  const namespaceWide = set(pas.find(p => !p.spec.selector)?.spec.mtls?.mode);
  const own = selecting[0]?.spec;
  return set(own?.portLevelMtls?.[String(port)]?.mode) ?? set(own?.mtls?.mode) ?? namespaceWide;
}

/**
 * The verdict Istio reports for dry-run policies: Envoy's shadow RBAC is built from the
 * dry-run AuthorizationPolicies alone, so they are evaluated as if they were the only ones.
 * When no dry-run policy selects the pod there are no shadow rules and nothing is reported.
 */
export function shadowVerdict(manifests: Manifest[], dst: Pod, req: MeshRequest): Verdict | 'unreported' {
  const dryRun = manifests.filter(m => m.kind === 'AuthorizationPolicy' && m.metadata.namespace === dst.namespace
    && m.metadata.annotations?.['istio.io/dry-run'] === 'true' && selects(m.spec.selector, dst.labels));
  if (dryRun.length === 0) return 'unreported';
  const dryRunOnly = manifests.filter(m => m.kind !== 'AuthorizationPolicy' || m.metadata.annotations?.['istio.io/dry-run'] === 'true')
    .map(m => (m.kind === 'AuthorizationPolicy' ? { ...m, metadata: { ...m.metadata, annotations: {} } } : m));
  return meshVerdict(dryRunOnly, dst, req);
}

/** How the client's sidecar handles an outbound call to a hostname. */
export type OutboundRoute = 'registered' | 'passthrough' | 'blackhole';

/**
 * The client sidecar's outbound decision: a Sidecar selecting the pod wins over the
 * namespace's default one; hosts are imported from the namespaces its egress lists;
 * ServiceEntries are visible per `exportTo`. Unknown hosts go to the BlackHole under
 * REGISTRY_ONLY and pass through otherwise.
 */
export function outboundRoute(manifests: Manifest[], src: Pod, host: string, port: number): OutboundRoute {
  const sidecars = manifests.filter(m => m.kind === 'Sidecar' && m.metadata.namespace === src.namespace);
  const sidecar = sidecars.find(s => s.spec.workloadSelector && selects({ matchLabels: s.spec.workloadSelector.labels }, src.labels))
    ?? sidecars.find(s => !s.spec.workloadSelector);
  const imports: string[] = sidecar ? sidecar.spec.egress.flatMap((e: any) => e.hosts) : ['*/*'];
  const registryOnly = sidecar?.spec.outboundTrafficPolicy?.mode === 'REGISTRY_ONLY';
  const visible = manifests.filter(m => m.kind === 'ServiceEntry').filter(se => {
    const exportTo: string[] = se.spec.exportTo ?? ['*'];
    return exportTo.includes('*') || (exportTo.includes('.') && se.metadata.namespace === src.namespace) || exportTo.includes(src.namespace);
  });
  const imported = (se: any, h: string) => imports.some(i => {
    const [ns, dns] = i.split('/');
    const nsOk = ns === '*' || (ns === '.' ? se.metadata.namespace === src.namespace : ns === se.metadata.namespace);
    return nsOk && (dns === '*' || istioMatch(dns, h));
  });
  const known = visible.some(se => se.spec.hosts.includes(host) && imported(se, host) && (se.spec.ports ?? []).some((p: any) => p.number === port));
  if (known) return 'registered';
  return registryOnly ? 'blackhole' : 'passthrough';
}
