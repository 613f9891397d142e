import { groupPeersByPorts } from './group';
import { KUBELET_PROBE_SNAT_CIDR } from './hbone';
import { namespaceWideSelector } from './network-policy-edges';
import { byWorkload, npPort, peersOf, policy } from './network-policy-paths';
import { NetworkPolicyRenderer } from './network-policy-renderer';
import { DeclaredEntryPoint, DeclaredIngress, DeclaredLink, IRenderLayer, NamespaceRenderContext, WaypointIntent } from './renderer';
import { ZeroTrustMode } from '../model/intent';
import { sortedLabels } from '../model/order';
import { intendedWaypoint } from '../namespace/waypoints';

/**
 * The L3/L4 layer of an ambient namespace: the sidecar layer's policies, with every TCP path
 * that has an ambient end opened on the HBONE port (15008) between exactly the pods on it
 * (client or ingress gateway, waypoint, server), the port restriction left to the ztunnel
 * policy. It adds the kubelet probes (SNATed by ambient to 169.254.7.127) and each waypoint's
 * own ingress and egress. Address ranges stay on the pod ports: plaintext from outside the
 * mesh is not tunnelled. In audit mode it emits nothing, like the sidecar layer.
 */
export class AmbientNetworkPolicyRenderer extends NetworkPolicyRenderer {

  /** The sidecar layer's namespace policies, plus the kubelet probes from ambient's SNAT address. */
  public addNamespace(layer: IRenderLayer): void {
    super.addNamespace(layer);
    if (layer.namespace.mode === ZeroTrustMode.AUDIT) return;
    // Ambient rewrites kubelet probes to this link-local source, so only the probes are admitted:
    // on TCP (HTTP, TCP and gRPC probes all are), on any port, since probe ports are the pod's own.
    policy(layer, 'allow-kubelet-probes', ctx => ({
      podSelector: namespaceWideSelector(ctx.workloads),
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: KUBELET_PROBE_SNAT_CIDR } }], ports: [{ protocol: 'TCP' }] }],
    }));
  }

  /** The link's hops; with HTTP rules into this namespace, the server's waypoint's own ingress and egress. */
  public addLink(layer: IRenderLayer, link: DeclaredLink): void {
    super.addLink(layer, link);
    if (link.http && link.to.managed && link.to.namespace === layer.namespace.name) this.waypointPolicies(layer, intendedWaypoint(link.to));
  }

  /** The entry point's hops through the app's waypoint. */
  public addEntryPoint(layer: IRenderLayer, entryPoint: DeclaredEntryPoint): void {
    super.addEntryPoint(layer, entryPoint);
    this.waypointPolicies(layer, intendedWaypoint(entryPoint.workload));
  }

  /** A public route's hops (through the waypoint when its HTTP rules need one); an address range's pod ports. */
  public addIngress(layer: IRenderLayer, ingress: DeclaredIngress): void {
    super.addIngress(layer, ingress);
    if (ingress.gateway && ingress.http) this.waypointPolicies(layer, intendedWaypoint(ingress.workload));
  }

  /** A waypoint's pods are selected by the default-deny too: they get exactly their hops. */
  private waypointPolicies(layer: IRenderLayer, wp: WaypointIntent): void {
    if (layer.namespace.mode === ZeroTrustMode.AUDIT) return;
    const ns = layer.namespace.name;
    const podSelector = { matchLabels: sortedLabels(wp.podLabels) };
    const hopsIn = (ctx: NamespaceRenderContext) => byWorkload(layer, ctx).waypointIn.get(wp.name) ?? [];
    const hopsOut = (ctx: NamespaceRenderContext) => byWorkload(layer, ctx).waypointOut.get(wp.name) ?? [];
    policy(layer, `${wp.name}-ingress`, ctx => ({
      podSelector,
      policyTypes: ['Ingress'],
      ingress: groupPeersByPorts(hopsIn(ctx), l => l.from).map(g => ({ from: peersOf(g, ns), ports: g.ports.map(npPort) })),
    }));
    policy(layer, `${wp.name}-egress`, ctx => ({
      podSelector,
      policyTypes: ['Egress'],
      egress: groupPeersByPorts(hopsOut(ctx), l => l.to).map(g => ({ to: peersOf(g, ns), ports: g.ports.map(npPort) })),
    }));
  }
}
