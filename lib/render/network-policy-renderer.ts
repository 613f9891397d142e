import { groupPeersByPorts } from './group';
import { edgeIngressRules, externalEgressRules, isAuditing, namespaceWideSelector } from './network-policy-edges';
import { byWorkload, npPort, peersOf, platformPeer, policy } from './network-policy-paths';
import { DeclaredEntryPoint, DeclaredIngress, DeclaredLink, ILayerRenderer, IRenderLayer, NamespaceRenderContext } from './renderer';
import { ExternalEgressIntent } from '../model/edge-intent';
import { WorkloadIntent, ZeroTrustMode } from '../model/intent';
import { sortedLabels } from '../model/order';

/** Kubernetes sets this label on every namespace; selecting by it needs no labels of ours. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Ports Prometheus scrapes on a sidecar: merged metrics (15020) and Envoy's own (15090). */
export const SIDECAR_METRICS_PORTS = [15020, 15090];

/**
 * The L3/L4 layer: Kubernetes NetworkPolicies.
 *
 * Per namespace: default-deny both ways, DNS and control-plane egress, optional
 * metrics scraping. Per workload: one ingress policy merging its links and gateway entry
 * points, and one egress policy merging its links and outside address ranges.
 * In audit mode it emits nothing, because NetworkPolicy has no dry-run; a workload
 * auditing on its own is left out of every policy.
 */
export class NetworkPolicyRenderer implements ILayerRenderer {
  public readonly layerName = 'NetworkPolicy';

  public addNamespace(layer: IRenderLayer): void {
    const ns = layer.namespace;
    if (ns.mode === ZeroTrustMode.AUDIT) return;
    // Workloads auditing on their own are left out of every policy: selecting a pod isolates it.
    const everyEnforcedPod = (ctx: NamespaceRenderContext) => namespaceWideSelector(ctx.workloads);
    policy(layer, 'default-deny', ctx => ({ podSelector: everyEnforcedPod(ctx), policyTypes: ['Ingress', 'Egress'] }));
    policy(layer, 'allow-dns', ctx => ({
      podSelector: everyEnforcedPod(ctx),
      policyTypes: ['Egress'],
      egress: [{ to: [platformPeer(ns.dns)], ports: ns.dns.ports.map(npPort) }],
    }));
    policy(layer, 'allow-istiod', ctx => ({
      podSelector: everyEnforcedPod(ctx),
      policyTypes: ['Egress'],
      egress: [{ to: [platformPeer(ns.controlPlane)], ports: ns.controlPlane.ports.map(npPort) }],
    }));
    const monitoring = ns.monitoring;
    if (monitoring) {
      policy(layer, 'allow-metrics-scraping', ctx => ({
        podSelector: everyEnforcedPod(ctx),
        policyTypes: ['Ingress'],
        ingress: [{ from: [platformPeer(monitoring)], ports: monitoring.ports.map(npPort) }],
      }));
    }
  }

  public addWorkload(_layer: IRenderLayer, _workload: WorkloadIntent): void {
    return;
  }

  public addLink(layer: IRenderLayer, link: DeclaredLink): void {
    if (this.enforcedHere(layer, link.to)) this.ingressPolicy(layer, link.to);
    if (this.enforcedHere(layer, link.from)) this.egressPolicy(layer, link.from);
  }

  public addEntryPoint(layer: IRenderLayer, entryPoint: DeclaredEntryPoint): void {
    if (this.enforcedHere(layer, entryPoint.workload)) this.ingressPolicy(layer, entryPoint.workload);
  }

  public addExternalEgress(layer: IRenderLayer, egress: ExternalEgressIntent): void {
    if (this.enforcedHere(layer, egress.from)) this.egressPolicy(layer, egress.from);
  }

  /** An owned workload of this namespace whose policies are enforced (not auditing). */
  private enforcedHere(layer: IRenderLayer, w: WorkloadIntent): boolean {
    return w.managed && w.namespace === layer.namespace.name && !isAuditing(w, layer.namespace.mode);
  }

  public addIngress(layer: IRenderLayer, ingress: DeclaredIngress): void {
    if (this.enforcedHere(layer, ingress.workload)) this.ingressPolicy(layer, ingress.workload);
  }

  private ingressPolicy(layer: IRenderLayer, w: WorkloadIntent): void {
    const ns = layer.namespace.name;
    policy(layer, `${w.name}-ingress`, ctx => {
      const { inbound, entries, outside } = byWorkload(layer, ctx);
      return {
        podSelector: { matchLabels: sortedLabels(w.podLabels) },
        policyTypes: ['Ingress'],
        ingress: [
          ...groupPeersByPorts(inbound.get(w.name) ?? [], l => l.from).map(g => ({ from: peersOf(g, ns), ports: g.ports.map(npPort) })),
          ...edgeIngressRules([
            ...(entries.get(w.name) ?? []).map(e => ({ workload: e.workload, gateway: e })),
            ...(outside.get(w.name) ?? []),
          ]),
        ],
      };
    });
  }

  private egressPolicy(layer: IRenderLayer, w: WorkloadIntent): void {
    const ns = layer.namespace.name;
    policy(layer, `${w.name}-egress`, ctx => {
      const { outbound, external } = byWorkload(layer, ctx);
      return {
        podSelector: { matchLabels: sortedLabels(w.podLabels) },
        policyTypes: ['Egress'],
        egress: [
          ...groupPeersByPorts(outbound.get(w.name) ?? [], l => l.to).map(g => ({ to: peersOf(g, ns), ports: g.ports.map(npPort) })),
          ...externalEgressRules(external.get(w.name) ?? []),
        ],
      };
    });
  }
}

