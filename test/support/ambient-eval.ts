/**
 * A strict evaluator of the ambient data path, for tests that assert which calls an emitted
 * set of objects admits and refuses, and which enforcement point decided.
 *
 * On the wire: with an ambient end, TCP is tunnelled over HBONE (15008). A call addressed to
 * a Service that names a waypoint (`istio.io/use-waypoint`) goes client → waypoint → server;
 * the waypoint evaluates the policies bound to it with `targetRefs` (client principal, L7), and
 * the server's ztunnel the selector-bound policies (L4 only, the waypoint's principal). A call
 * addressed to the pod skips the waypoint, and so does the ingress gateway's, unless the Service
 * carries `istio.io/ingress-use-waypoint: "true"`. Constructs it does not model make it throw, as do
 * L7 fields in a policy ztunnel would enforce (ztunnel cannot).
 */
import { allows as sidecarAllows, l4Allows, l7Allows, matchesSelector, Pod, podsOf, Request, ruleMatches } from './policy-eval';

type Manifest = any;

export type Mesh = 'sidecar' | 'ambient' | 'none';

/** Where a verdict was decided. */
export type Enforcer = 'NetworkPolicy' | 'ztunnel' | 'waypoint' | 'sidecar' | 'admitted';

export interface Verdict {
  readonly allowed: boolean;
  /** The enforcement point that refused, or 'admitted'. */
  readonly by: Enforcer;
  /** The hop that decided, e.g. `production/checkout-api -> waypoint`. */
  readonly at?: string;
}

/** How the client addresses the server: through its Service (the default) or straight to a pod IP. */
export type Addressing = 'service' | 'pod';

const HBONE = 15008;
const TD = 'cluster.local';

export function meshOf(manifests: Manifest[], namespace: string): Mesh {
  const ns = manifests.find(m => m.kind === 'Namespace' && m.metadata.name === namespace);
  const labels = ns?.metadata.labels ?? {};
  if (labels['istio.io/dataplane-mode'] === 'ambient') return 'ambient';
  if (labels['istio-injection'] === 'enabled' || labels['istio.io/rev'] !== undefined) return 'sidecar';
  return 'none';
}

/** Workload pods (`sidecar` true only in sidecar namespaces) plus one pod per waypoint Gateway. */
export function ambientPodsOf(manifests: Manifest[]): Pod[] {
  const pods = podsOf(manifests).map(p => ({ ...p, sidecar: meshOf(manifests, p.namespace) === 'sidecar' }));
  return [...pods, ...waypointPods(manifests)];
}

function waypointPods(manifests: Manifest[]): Pod[] {
  return manifests.filter(m => m.kind === 'Gateway' && m.spec.gatewayClassName === 'istio-waypoint').map(g => {
    const listeners = g.spec.listeners ?? [];
    if (listeners.length !== 1 || listeners[0].port !== HBONE || listeners[0].protocol !== 'HBONE') throw new Error('ambient-eval: a waypoint must listen on HBONE 15008 only');
    return { namespace: g.metadata.namespace, name: g.metadata.name, labels: { 'gateway.networking.k8s.io/gateway-name': g.metadata.name }, serviceAccount: g.metadata.name, ports: [{ port: HBONE, protocol: 'TCP' }], sidecar: false };
  });
}

/** The ingress gateway, as Istio's default install labels its pods. */
function isIngressGateway(p: Pod): boolean {
  return p.labels.istio === 'ingressgateway';
}

function principalOf(p: Pod): string {
  return `${TD}/ns/${p.namespace}/sa/${p.serviceAccount}`;
}

/** The Service of `dst` that forwards to `port`, if any. */
function serviceFor(manifests: Manifest[], dst: Pod, port: number): Manifest | undefined {
  return manifests.find(m => m.kind === 'Service' && m.metadata.namespace === dst.namespace
    && m.spec.selector && Object.entries(m.spec.selector).every(([k, v]) => dst.labels[k] === v)
    && (m.spec.ports ?? []).some((p: any) => (p.targetPort ?? p.port) === port));
}

function isDryRun(m: Manifest): boolean {
  return m.metadata.annotations?.['istio.io/dry-run'] === 'true';
}

const L7_OPERATION = ['methods', 'paths', 'hosts', 'notMethods', 'notPaths', 'notHosts'];
const L7_SOURCE = ['requestPrincipals', 'notRequestPrincipals'];

/** Throws when a policy ztunnel enforces holds an L7 field: ztunnel cannot evaluate it. */
function assertL4Only(p: Manifest): void {
  for (const rule of p.spec.rules ?? []) {
    for (const t of rule.to ?? []) for (const k of Object.keys(t.operation ?? {})) if (L7_OPERATION.includes(k)) throw new Error(`ambient-eval: ${p.metadata.namespace}/${p.metadata.name} is enforced by ztunnel but has operation.${k}`);
    for (const f of rule.from ?? []) for (const k of Object.keys(f.source ?? {})) if (L7_SOURCE.includes(k)) throw new Error(`ambient-eval: ${p.metadata.namespace}/${p.metadata.name} is enforced by ztunnel but has source.${k}`);
    if (rule.when) throw new Error(`ambient-eval: ${p.metadata.namespace}/${p.metadata.name} is enforced by ztunnel but has when conditions`);
  }
}

/** ALLOW/DENY evaluation over a set of policies (dry-run ones already left out). */
function authorize(policies: Manifest[], principal: string | undefined, req: Request): boolean {
  if (policies.some(p => p.spec.action === 'CUSTOM' || p.spec.action === 'AUDIT')) throw new Error('ambient-eval: CUSTOM/AUDIT not modelled');
  const rulesOf = (action: string) => policies.filter(p => (p.spec.action ?? 'ALLOW') === action).flatMap(p => p.spec.rules ?? []);
  if (rulesOf('DENY').some(r => ruleMatches(r, principal, req))) return false;
  const allowPolicies = policies.filter(p => (p.spec.action ?? 'ALLOW') === 'ALLOW');
  if (allowPolicies.length === 0) return true;
  const tcp = req.method === undefined;
  const hasHttp = (r: any) => (r.to ?? []).some((t: any) => t.operation?.methods || t.operation?.paths);
  return rulesOf('ALLOW').some(r => !(tcp && hasHttp(r)) && ruleMatches(r, principal, req));
}

/** The destination ztunnel: STRICT mTLS, then the selector-bound and namespace-wide policies, L4 only. */
function ztunnelAllows(manifests: Manifest[], dst: Pod, principal: string | undefined, req: Request): boolean {
  const pas = manifests.filter(m => m.kind === 'PeerAuthentication' && m.metadata.namespace === dst.namespace);
  const own = pas.filter(pa => pa.spec.selector && matchesSelector(pa.spec.selector, dst.labels));
  const mode = (own[0] ?? pas.find(pa => !pa.spec.selector))?.spec.mtls?.mode ?? 'PERMISSIVE';
  if (mode === 'STRICT' && principal === undefined) return false;
  const policies = manifests.filter(m => m.kind === 'AuthorizationPolicy' && m.metadata.namespace === dst.namespace
    && !m.spec.targetRefs && !m.spec.targetRef && !isDryRun(m) && matchesSelector(m.spec.selector, dst.labels));
  policies.forEach(assertL4Only);
  // ztunnel sees a byte stream: L4 fields only.
  return authorize(policies, principal, { port: req.port, protocol: req.protocol });
}

/** The waypoint: policies bound with targetRefs to the Service it forwards to, or to the waypoint itself. */
function waypointAllows(manifests: Manifest[], waypoint: Pod, service: Manifest, principal: string | undefined, req: Request): boolean {
  if (principal === undefined) return false;
  const policies = manifests.filter(m => m.kind === 'AuthorizationPolicy' && m.metadata.namespace === waypoint.namespace && !isDryRun(m)
    && (m.spec.targetRefs ?? []).some((t: any) => (t.kind === 'Service' && (t.group ?? '') === '' && t.name === service.metadata.name)
      || (t.kind === 'Gateway' && t.group === 'gateway.networking.k8s.io' && t.name === waypoint.name)));
  for (const p of policies) if (p.spec.selector) throw new Error(`ambient-eval: ${p.metadata.name} has both selector and targetRefs`);
  return authorize(policies, principal, req);
}

function hop(manifests: Manifest[], from: Pod, to: Pod, req: Request): boolean {
  return l4Allows(manifests, from, to, req);
}

/**
 * The verdict for `src` calling `dst` with `req` (pod port), addressed to the Service (default)
 * or to the pod. Calls between two sidecar (or plain) pods use the sidecar evaluator.
 */
export function ambientCall(manifests: Manifest[], src: Pod, dst: Pod, req: Request, addressing: Addressing = 'service'): Verdict {
  // A sidecar pod of a namespace outside the manifests (the ingress gateway in istio-system) is in the mesh.
  const srcMesh = src.sidecar && meshOf(manifests, src.namespace) === 'none' ? 'sidecar' : meshOf(manifests, src.namespace);
  const dstMesh = meshOf(manifests, dst.namespace);
  const protocol = req.protocol ?? 'TCP';
  const name = (p: Pod) => `${p.namespace}/${p.name}`;
  if (protocol !== 'TCP' || (srcMesh !== 'ambient' && dstMesh !== 'ambient')) {
    // UDP is never tunnelled; sidecar to sidecar is the sidecar evaluator's.
    if (!l4Allows(manifests, src, dst, req)) return { allowed: false, by: 'NetworkPolicy', at: `${name(src)} -> ${name(dst)}` };
    if (protocol === 'TCP' && !l7Allows(manifests, src, dst, req)) return { allowed: false, by: 'sidecar', at: name(dst) };
    if (protocol !== 'TCP' && !sidecarAllows(manifests, src, dst, req)) return { allowed: false, by: 'sidecar', at: name(dst) };
    return { allowed: true, by: 'admitted' };
  }
  const hbone: Request = { port: HBONE, protocol: 'TCP' };
  const srcPrincipal = srcMesh === 'none' ? undefined : principalOf(src);
  if (srcMesh === 'none') {
    // A client outside the mesh sends plaintext to the pod port; the server's ztunnel (or sidecar) sees no identity.
    if (!hop(manifests, src, dst, req)) return { allowed: false, by: 'NetworkPolicy', at: `${name(src)} -> ${name(dst)}` };
    return ztunnelAllows(manifests, dst, undefined, req) ? { allowed: true, by: 'admitted' } : { allowed: false, by: 'ztunnel', at: name(dst) };
  }
  const service = addressing === 'service' ? serviceFor(manifests, dst, req.port) : undefined;
  // Istio's ingress gateway skips a Service's waypoint unless the Service opts in.
  const skipsWaypoint = isIngressGateway(src) && service?.metadata.labels?.['istio.io/ingress-use-waypoint'] !== 'true';
  const waypointName = dstMesh === 'ambient' && !skipsWaypoint ? service?.metadata.labels?.['istio.io/use-waypoint'] : undefined;
  if (waypointName) {
    const waypoint = waypointPods(manifests).find(w => w.namespace === dst.namespace && w.name === waypointName);
    if (!waypoint) throw new Error(`ambient-eval: Service ${service.metadata.name} uses waypoint ${waypointName}, which is not emitted`);
    if (!hop(manifests, src, waypoint, hbone)) return { allowed: false, by: 'NetworkPolicy', at: `${name(src)} -> ${name(waypoint)}` };
    if (!waypointAllows(manifests, waypoint, service, srcPrincipal, req)) return { allowed: false, by: 'waypoint', at: name(waypoint) };
    if (!hop(manifests, waypoint, dst, hbone)) return { allowed: false, by: 'NetworkPolicy', at: `${name(waypoint)} -> ${name(dst)}` };
    if (!ztunnelAllows(manifests, dst, principalOf(waypoint), req)) return { allowed: false, by: 'ztunnel', at: name(dst) };
    return { allowed: true, by: 'admitted' };
  }
  if (!hop(manifests, src, dst, hbone)) return { allowed: false, by: 'NetworkPolicy', at: `${name(src)} -> ${name(dst)}` };
  if (dstMesh === 'ambient') {
    return ztunnelAllows(manifests, dst, srcPrincipal, req) ? { allowed: true, by: 'admitted' } : { allowed: false, by: 'ztunnel', at: name(dst) };
  }
  // An ambient client calling a sidecar: the sidecar terminates HBONE and authorizes as usual.
  const asMeshClient = { ...src, sidecar: true };
  return l7Allows(manifests, asMeshClient, dst, req) ? { allowed: true, by: 'admitted' } : { allowed: false, by: 'sidecar', at: name(dst) };
}
