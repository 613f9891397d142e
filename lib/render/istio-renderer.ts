import { linksByWorkload } from './group';
import {
  addAuditSidecar, addPlaintextPorts, addRegistryOnlySidecar, addRequestAuthentication, addressIngressRules, addRoute, addServiceEntry,
  entryPointRules, publicRouteRules, REGISTRY_ONLY_SIDECAR,
} from './istio-edges';
import { addAuditObjects, addMeshBaseline, allowRules, DRY_RUN } from './istio-rules';
import { getOrCreate, lazyFrom, perContext } from './lazy';
import { isAuditing } from './network-policy-edges';
import { DeclaredEntryPoint, DeclaredIngress, DeclaredLink, ILayerRenderer, IRenderLayer } from './renderer';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpecAction,
} from '../imports/istio-security.istio.io';
import { EntryPointIntent, ExternalEgressIntent } from '../model/edge-intent';
import { TransportProtocol, WorkloadIntent, ZeroTrustMode } from '../model/intent';
import { sortedLabels } from '../model/order';

/** Makes an AuthorizationPolicy report what it would do instead of enforcing it. */
export const ISTIO_DRY_RUN_ANNOTATION = 'istio.io/dry-run';

/**
 * The L7 layer: Istio mTLS and authorization.
 *
 * Per namespace: a namespace-wide PeerAuthentication (STRICT, or PERMISSIVE in audit
 * mode) and an allow-nothing AuthorizationPolicy. Per server workload: one ALLOW policy
 * with a rule per group of client principals, on pod ports and, for HTTP, methods and
 * paths, plus a rule per entry point (gateway principal AND token AND claims), per
 * public route (gateway principal, no token) and per address range (source address, no
 * mesh identity; with a PeerAuthentication accepting plaintext on exactly those ports).
 * The edges (RequestAuthentication, Gateway routes, ServiceEntries, the registry-only
 * Sidecar, per-workload audit objects) are built in istio-edges.ts and placed here.
 */
export class IstioRenderer implements ILayerRenderer {
  public readonly layerName = 'Istio';

  public addNamespace(layer: IRenderLayer): void {
    addMeshBaseline(layer);
  }

  public addWorkload(layer: IRenderLayer, w: WorkloadIntent): void {
    if (layer.namespace.mode === ZeroTrustMode.AUDIT || w.mode !== ZeroTrustMode.AUDIT) return;
    addAuditObjects(layer, w);
    if (layer.scope.node.tryFindChild(REGISTRY_ONLY_SIDECAR)) addAuditSidecar(layer.scope, layer.namespace.name, w);
  }

  public addLink(layer: IRenderLayer, link: DeclaredLink): void {
    if (link.to.managed && link.to.namespace === layer.namespace.name) this.ingressPolicy(layer, link.to);
    // The registry-only Sidecar imports the namespaces its links call: its spec reads outbound links at synth.
  }

  public addEntryPoint(layer: IRenderLayer, ep: DeclaredEntryPoint): void {
    const ns = layer.namespace;
    const server = ep.workload;
    this.ingressPolicy(layer, server);
    // RequestAuthentication has no dry-run and rejects bad tokens outright: held back while auditing.
    if (!isAuditing(server, ns.mode)) addRequestAuthentication(layer, server);
    if (ep.route) addRoute(layer.scope, ns.name, ep);
  }

  public addExternalEgress(layer: IRenderLayer, egress: ExternalEgressIntent): void {
    const ns = layer.namespace;
    addServiceEntry(layer, egress);
    // Registry-only mode has no dry-run either: only an enforcing namespace with declared egress gets it.
    if (ns.mode === ZeroTrustMode.AUDIT || layer.scope.node.tryFindChild(REGISTRY_ONLY_SIDECAR)) return;
    addRegistryOnlySidecar(layer);
    for (const w of layer.declaredWorkloads().filter(x => x.mode === ZeroTrustMode.AUDIT)) addAuditSidecar(layer.scope, ns.name, w);
  }

  public addIngress(layer: IRenderLayer, ingress: DeclaredIngress): void {
    const ns = layer.namespace;
    const server = ingress.workload;
    // UDP is not proxied by the sidecar: such a range is enforced by NetworkPolicy alone.
    if (ingress.udpOnly) return;
    this.ingressPolicy(layer, server);
    // While auditing, mTLS is PERMISSIVE already, and a second workload-level PeerAuthentication would conflict.
    if (ingress.address && !isAuditing(server, ns.mode)) addPlaintextPorts(layer, server);
    if (ingress.gateway && ingress.route) addRoute(layer.scope, ns.name, { name: ingress.name, gateway: ingress.gateway, route: ingress.route });
  }

  /** The server's one ALLOW policy: a rule per group of principals, plus one per entry point, public route and address range. */
  private ingressPolicy(layer: IRenderLayer, server: WorkloadIntent): void {
    const ns = layer.namespace;
    const name = `${server.name}-ingress`;
    getOrCreate(layer.scope, name, () => new AuthorizationPolicy(layer.scope, name, {
      metadata: { name, namespace: ns.name, annotations: isAuditing(server, ns.mode) ? DRY_RUN : undefined },
      spec: lazyFrom(layer, ctx => ({
        selector: { matchLabels: sortedLabels(server.podLabels) },
        action: AuthorizationPolicySpecAction.ALLOW,
        rules: [
          ...allowRules(tcpLinksTo(ctx).get(server.name) ?? []),
          ...entryPointRules(entriesTo(ctx).get(server.name) ?? []),
          ...publicRouteRules(ctx.publicRoutes.filter(r => r.workload.name === server.name)),
          ...addressIngressRules(ctx.addressIngress.filter(a => a.to.name === server.name)),
        ],
      })),
    }));
  }
}


/** UDP is not proxied by the sidecar, so only TCP links become authorization rules. */
const tcpLinksTo = perContext(ctx => linksByWorkload(ctx.inbound.filter(l => l.ports.some(p => p.protocol === TransportProtocol.TCP)), l => l.to));

/** Entry points per app workload, grouped once per synthesis. */
const entriesTo = perContext(ctx => {
  const out = new Map<string, EntryPointIntent[]>();
  for (const ep of ctx.entryPoints) out.set(ep.workload.name, [...(out.get(ep.workload.name) ?? []), ep]);
  return out;
});

