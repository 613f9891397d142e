import { k8s } from 'cdk8s-plus-28';
import { groupPeersByPorts, linksByWorkload, PeerGroup } from './group';
import { getOrCreate, lazyFrom, perContext } from './lazy';
import { externalEgressRules, gatewayIngressRules, isAuditing, namespaceWideSelector } from './network-policy-edges';
import { DeclaredEntryPoint, DeclaredLink, ILayerRenderer, IRenderLayer, NamespaceRenderContext } from './renderer';
import { ExternalEgressIntent } from '../model/edge-intent';
import { PlatformEndpointIntent, PortIntent, WorkloadIntent, ZeroTrustMode } from '../model/intent';
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

  private ingressPolicy(layer: IRenderLayer, w: WorkloadIntent): void {
    const ns = layer.namespace.name;
    policy(layer, `${w.name}-ingress`, ctx => {
      const { inbound, entries } = byWorkload(ctx);
      return {
        podSelector: { matchLabels: sortedLabels(w.podLabels) },
        policyTypes: ['Ingress'],
        ingress: [
          ...groupPeersByPorts(inbound.get(w.name) ?? [], l => l.from).map(g => ({ from: peersOf(g, ns), ports: g.ports.map(npPort) })),
          ...gatewayIngressRules(entries.get(w.name) ?? []),
        ],
      };
    });
  }

  private egressPolicy(layer: IRenderLayer, w: WorkloadIntent): void {
    const ns = layer.namespace.name;
    policy(layer, `${w.name}-egress`, ctx => {
      const { outbound, external } = byWorkload(ctx);
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

/** A NetworkPolicy named `name`, created once, its spec computed at synth. */
function policy(layer: IRenderLayer, name: string, spec: (ctx: NamespaceRenderContext) => k8s.NetworkPolicySpec): void {
  getOrCreate(layer.scope, name, () => new k8s.KubeNetworkPolicy(layer.scope, name, {
    metadata: { name, namespace: layer.namespace.name },
    spec: lazyFrom(layer, spec),
  }));
}

/** The namespace's enforced declarations per workload, grouped once per synthesis. */
const byWorkload = perContext(ctx => {
  const enforced = (w: WorkloadIntent) => !isAuditing(w, ctx.namespace.mode);
  return {
    inbound: linksByWorkload(ctx.inbound.filter(l => enforced(l.to)), l => l.to),
    entries: groupByWorkload(ctx.entryPoints.filter(e => enforced(e.workload)), e => e.workload),
    outbound: linksByWorkload(ctx.outbound.filter(l => enforced(l.from)), l => l.from),
    external: groupByWorkload(ctx.externalEgress.filter(e => enforced(e.from)), e => e.from),
  };
});

/** Declarations grouped by their workload's name. */
function groupByWorkload<T>(items: T[], workloadOf: (item: T) => WorkloadIntent): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(workloadOf(item).name, [...(out.get(workloadOf(item).name) ?? []), item]);
  return out;
}

function peersOf(group: PeerGroup, ownNamespace: string): k8s.NetworkPolicyPeer[] {
  return group.peers.map(p => workloadPeer(p, ownNamespace));
}

/** Same namespace: a bare podSelector. Another namespace: namespaceSelector AND podSelector in one peer. */
function workloadPeer(w: WorkloadIntent, ownNamespace: string): k8s.NetworkPolicyPeer {
  const podSelector = { matchLabels: sortedLabels(w.podLabels) };
  if (w.namespace === ownNamespace) return { podSelector };
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: w.namespace } }, podSelector };
}

function platformPeer(endpoint: PlatformEndpointIntent): k8s.NetworkPolicyPeer {
  const namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: endpoint.namespace } };
  const labels = Object.keys(endpoint.podLabels).length > 0 ? sortedLabels(endpoint.podLabels) : undefined;
  return labels ? { namespaceSelector, podSelector: { matchLabels: labels } } : { namespaceSelector };
}

function npPort(p: PortIntent): k8s.NetworkPolicyPort {
  return {
    protocol: p.protocol,
    port: k8s.IntOrString.fromNumber(p.port),
    ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
  };
}
