/**
 * A small, strict evaluator of the NetworkPolicy and Istio semantics the core emits,
 * so tests can assert which traffic is admitted and which is refused.
 *
 * It refuses (throws on) constructs it does not model instead of guessing.
 */

export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: { [key: string]: string };
  readonly serviceAccount: string;
  readonly ports: { port: number; name?: string; protocol: string }[];
  readonly sidecar: boolean;
}

export interface Request {
  readonly port: number;
  readonly protocol?: string;
  readonly method?: string;
  readonly path?: string;
}

type Manifest = any;

const TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'];

/** Pods of every workload in the manifests, plus a pod per ServiceAccount-only workload identity. */
export function podsOf(manifests: Manifest[], nsLabels = namespaceLabels(manifests)): Pod[] {
  const pods: Pod[] = [];
  const withTemplates = new Set<string>();
  for (const m of manifests.filter(x => TEMPLATE_KINDS.includes(x.kind))) {
    const spec = m.spec.template.spec;
    const ns = m.metadata.namespace;
    withTemplates.add(`${ns}/${spec.serviceAccountName ?? 'default'}`);
    pods.push({
      namespace: ns,
      name: m.metadata.name,
      labels: m.spec.template.metadata?.labels ?? {},
      serviceAccount: spec.serviceAccountName ?? 'default',
      ports: spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => ({ port: p.containerPort, name: p.name, protocol: p.protocol ?? 'TCP' }))),
      sidecar: injected(nsLabels[ns] ?? {}),
    });
  }
  return pods;
}

/** A pod as the library's quick-start workloads describe it (identity only, no Deployment). */
export function podFor(namespace: string, name: string, ports: number[], manifests: Manifest[], labels?: { [k: string]: string }): Pod {
  return {
    namespace,
    name,
    labels: labels ?? { 'app.kubernetes.io/name': name },
    serviceAccount: name,
    ports: ports.map(port => ({ port, protocol: 'TCP' })),
    sidecar: injected(namespaceLabels(manifests)[namespace] ?? {}),
  };
}

/** Cluster pods the library expects to exist outside the manifests. */
export const KUBE_DNS: Pod = { namespace: 'kube-system', name: 'kube-dns', labels: { 'k8s-app': 'kube-dns' }, serviceAccount: 'coredns', ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], sidecar: false };
export const ISTIOD: Pod = { namespace: 'istio-system', name: 'istiod', labels: { 'app': 'istiod', 'istio.io/rev': 'default' }, serviceAccount: 'istiod', ports: [{ port: 15012, protocol: 'TCP' }], sidecar: false };

function injected(nsLabels: { [k: string]: string }): boolean {
  return nsLabels['istio-injection'] === 'enabled' || nsLabels['istio.io/rev'] !== undefined;
}

/** Labels of every namespace, including the automatic `kubernetes.io/metadata.name`. */
export function namespaceLabels(manifests: Manifest[]): { [ns: string]: { [k: string]: string } } {
  const out: { [ns: string]: { [k: string]: string } } = {};
  for (const m of manifests.filter(x => x.kind === 'Namespace')) {
    out[m.metadata.name] = { ...(m.metadata.labels ?? {}), 'kubernetes.io/metadata.name': m.metadata.name };
  }
  return out;
}

function nsLabelsOf(manifests: Manifest[], ns: string): { [k: string]: string } {
  return namespaceLabels(manifests)[ns] ?? { 'kubernetes.io/metadata.name': ns };
}

export function matchesSelector(selector: any, labels: { [k: string]: string }): boolean {
  if (selector === undefined || selector === null) return true;
  // In and NotIn (the audit exemption); NotIn also matches a pod without the key, as in Kubernetes.
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In' && !e.values.includes(labels[e.key])) return false;
    if (e.operator === 'NotIn' && labels[e.key] !== undefined && e.values.includes(labels[e.key])) return false;
    if (e.operator !== 'In' && e.operator !== 'NotIn') throw new Error(`policy-eval: matchExpressions operator ${e.operator} is not modelled`);
  }
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function peerMatches(peer: any, policyNs: string, other: Pod, manifests: Manifest[]): boolean {
  if (peer.ipBlock) return false; // pods have no IPs here; ipBlocks only admit external addresses
  if (peer.namespaceSelector === undefined) {
    return other.namespace === policyNs && matchesSelector(peer.podSelector, other.labels);
  }
  return matchesSelector(peer.namespaceSelector, nsLabelsOf(manifests, other.namespace))
    && matchesSelector(peer.podSelector ?? {}, other.labels);
}

function portMatches(ports: any[] | undefined, dst: Pod, req: Request): boolean {
  if (ports === undefined || ports.length === 0) return true;
  const protocol = req.protocol ?? 'TCP';
  return ports.some(p => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const start = typeof p.port === 'string' ? dst.ports.find(x => x.name === p.port)?.port : p.port;
    if (start === undefined) return false;
    return req.port >= start && req.port <= (p.endPort ?? start);
  });
}

function policyTypes(np: Manifest): string[] {
  return np.spec.policyTypes ?? (np.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** NetworkPolicy verdict for src → dst on a port: the source's egress AND the destination's ingress must allow it. */
export function l4Allows(manifests: Manifest[], src: Pod, dst: Pod, req: Request): boolean {
  const nps = manifests.filter(m => m.kind === 'NetworkPolicy');
  const selecting = (pod: Pod, type: string) => nps.filter(np =>
    np.metadata.namespace === pod.namespace && policyTypes(np).includes(type) && matchesSelector(np.spec.podSelector, pod.labels));
  const egress = selecting(src, 'Egress');
  const ingress = selecting(dst, 'Ingress');
  // A rule admits when one of its peers matches the other end (or it lists none) and one of its ports matches.
  const admits = (rules: any[] | undefined, peersOf: (r: any) => any[] | undefined, policyNs: string, other: Pod) =>
    (rules ?? []).some(rule => {
      const peers = peersOf(rule);
      return (peers === undefined || peers.some(peer => peerMatches(peer, policyNs, other, manifests))) && portMatches(rule.ports, dst, req);
    });
  const egressOk = egress.length === 0 || egress.some(np => admits(np.spec.egress, r => r.to, np.metadata.namespace, dst));
  const ingressOk = ingress.length === 0 || ingress.some(np => admits(np.spec.ingress, r => r.from, np.metadata.namespace, src));
  return egressOk && ingressOk;
}

/** Istio string match: exact, `prefix*`, `*suffix`, or `*`. */
export function istioMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return value === pattern;
}

function anyMatch(patterns: string[] | undefined, value: string | undefined): boolean {
  return patterns === undefined || patterns.some(p => istioMatch(p, value));
}

export function ruleMatches(rule: any, principal: string | undefined, req: Request): boolean {
  const fromOk = rule.from === undefined || rule.from.some((f: any) => {
    const s = f.source ?? {};
    // notPrincipals decides alone when it excludes this principal (a range rule's ["*"] excludes
    // every meshed source); pod addresses are not modelled, so an ipBlocks rule it does not
    // exclude is refused as unknown.
    if (s.notPrincipals !== undefined && principal !== undefined && s.notPrincipals.some((p: string) => istioMatch(p, principal))) return false;
    for (const k of Object.keys(s)) if (k !== 'principals') throw new Error(`policy-eval: source.${k} is not modelled`);
    return anyMatch(s.principals, principal);
  });
  const toOk = rule.to === undefined || rule.to.some((t: any) => {
    const o = t.operation ?? {};
    for (const k of Object.keys(o)) if (!['ports', 'methods', 'paths'].includes(k)) throw new Error(`policy-eval: operation.${k} is not modelled`);
    if (o.ports && !o.ports.includes(String(req.port))) return false;
    // HTTP fields never match plain TCP traffic.
    if ((o.methods || o.paths) && req.method === undefined) return false;
    return anyMatch(o.methods, req.method) && anyMatch(o.paths, req.path);
  });
  if (rule.when) throw new Error('policy-eval: when conditions are not modelled');
  return fromOk && toOk;
}

/**
 * Istio verdict at the destination's sidecar: STRICT mTLS refuses plaintext sources,
 * DENY before ALLOW, and with any ALLOW policy in force a request must match one rule.
 * Dry-run policies are ignored (they only report).
 */
export function l7Allows(manifests: Manifest[], src: Pod, dst: Pod, req: Request, trustDomain = 'cluster.local'): boolean {
  if (!dst.sidecar) return true;
  const pas = manifests.filter(m => m.kind === 'PeerAuthentication' && m.metadata.namespace === dst.namespace && !m.spec.selector);
  const strict = pas.some(pa => pa.spec.mtls?.mode === 'STRICT');
  if (strict && !src.sidecar) return false;
  const principal = src.sidecar ? `${trustDomain}/ns/${src.namespace}/sa/${src.serviceAccount}` : undefined;
  const policies = manifests.filter(m => m.kind === 'AuthorizationPolicy' && m.metadata.namespace === dst.namespace
    && m.metadata.annotations?.['istio.io/dry-run'] !== 'true'
    && matchesSelector(m.spec.selector, dst.labels));
  const rulesOf = (action: string) => policies.filter(p => (p.spec.action ?? 'ALLOW') === action).flatMap(p => p.spec.rules ?? []);
  if (policies.some(p => p.spec.action === 'CUSTOM' || p.spec.action === 'AUDIT')) throw new Error('policy-eval: CUSTOM/AUDIT not modelled');
  // Plain TCP (no method): Istio's TCP filter chain drops a whole ALLOW rule that has any HTTP field,
  // other operations of that rule included.
  const tcp = req.method === undefined;
  const hasHttp = (r: any) => (r.to ?? []).some((t: any) => t.operation?.methods || t.operation?.paths);
  if (tcp && rulesOf('DENY').some(hasHttp)) throw new Error('policy-eval: a DENY rule with HTTP fields on plain TCP is not modelled');
  if (rulesOf('DENY').some(r => ruleMatches(r, principal, req))) return false;
  const allowPolicies = policies.filter(p => (p.spec.action ?? 'ALLOW') === 'ALLOW');
  if (allowPolicies.length === 0) return true;
  return rulesOf('ALLOW').some(r => !(tcp && hasHttp(r)) && ruleMatches(r, principal, req));
}

/** Both layers together. */
export function allows(manifests: Manifest[], src: Pod, dst: Pod, req: Request): boolean {
  return l4Allows(manifests, src, dst, req) && l7Allows(manifests, src, dst, req);
}
