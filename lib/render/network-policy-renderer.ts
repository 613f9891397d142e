import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { groupPeersByPorts, linksByWorkload, PeerGroup } from './group';
import { edgeIngress, edgeIngressRules, externalEgressRules, isAuditing, namespaceWideSelector } from './network-policy-edges';
import { ILayerRenderer, NamespaceRenderContext } from './renderer';
import { PlatformEndpointIntent, PortIntent, WorkloadIntent, ZeroTrustMode } from '../model/intent';
import { compareStrings, sortedLabels } from '../model/order';

/** Kubernetes sets this label on every namespace; selecting by it needs no labels of ours. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Ports Prometheus scrapes on a sidecar: merged metrics (15020) and Envoy's own (15090). */
export const SIDECAR_METRICS_PORTS = [15020, 15090];

/**
 * The L3/L4 layer: Kubernetes NetworkPolicies.
 *
 * Per namespace: default-deny both ways, DNS and control-plane egress, optional
 * metrics scraping. Per workload: one ingress policy merging its links, gateway entry
 * points, public routes and outside address ranges, and one egress policy merging its links and outside address ranges.
 * In audit mode it emits nothing, because NetworkPolicy has no dry-run; a workload
 * auditing on its own is left out of every policy.
 */
export class NetworkPolicyRenderer implements ILayerRenderer {
  public readonly layerName = 'NetworkPolicy';

  public render(ctx: NamespaceRenderContext): void {
    if (ctx.namespace.mode === ZeroTrustMode.AUDIT) return;
    const ns = ctx.namespace;
    const scope = new Construct(ctx.scope, this.layerName);
    const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(scope, name, { metadata: { name, namespace: ns.name }, spec });
    // Workloads auditing on their own are left out of every policy: selecting a pod isolates it.
    const everyEnforcedPod = namespaceWideSelector(ctx.workloads);
    const enforced = (w: WorkloadIntent) => !isAuditing(w, ns.mode);

    policy('default-deny', { podSelector: everyEnforcedPod, policyTypes: ['Ingress', 'Egress'] });
    policy('allow-dns', {
      podSelector: everyEnforcedPod,
      policyTypes: ['Egress'],
      egress: [{ to: [platformPeer(ns.dns)], ports: ns.dns.ports.map(npPort) }],
    });
    policy('allow-istiod', {
      podSelector: everyEnforcedPod,
      policyTypes: ['Egress'],
      egress: [{ to: [platformPeer(ns.controlPlane)], ports: ns.controlPlane.ports.map(npPort) }],
    });
    if (ns.monitoring) {
      policy('allow-metrics-scraping', {
        podSelector: everyEnforcedPod,
        policyTypes: ['Ingress'],
        ingress: [{ from: [platformPeer(ns.monitoring)], ports: ns.monitoring.ports.map(npPort) }],
      });
    }

    const inbound = linksByWorkload(ctx.inbound.filter(l => enforced(l.to)), l => l.to);
    const entries = groupByWorkload(edgeIngress(ctx).filter(e => enforced(e.workload)), e => e.workload);
    for (const [name, labels] of workloadsOf(inbound, l => l.to, entries, e => e.workload)) {
      const groups = groupPeersByPorts(inbound.get(name) ?? [], l => l.from);
      policy(`${name}-ingress`, {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress'],
        ingress: [
          ...groups.map(g => ({ from: peersOf(g, ns.name), ports: g.ports.map(npPort) })),
          ...edgeIngressRules(entries.get(name) ?? []),
        ],
      });
    }
    const outbound = linksByWorkload(ctx.outbound.filter(l => enforced(l.from)), l => l.from);
    const external = groupByWorkload(ctx.externalEgress.filter(e => enforced(e.from)), e => e.from);
    for (const [name, labels] of workloadsOf(outbound, l => l.from, external, e => e.from)) {
      const groups = groupPeersByPorts(outbound.get(name) ?? [], l => l.to);
      policy(`${name}-egress`, {
        podSelector: { matchLabels: labels },
        policyTypes: ['Egress'],
        egress: [
          ...groups.map(g => ({ to: peersOf(g, ns.name), ports: g.ports.map(npPort) })),
          ...externalEgressRules(external.get(name) ?? []),
        ],
      });
    }
  }
}

/** Declarations grouped by their workload's name. */
function groupByWorkload<T>(items: T[], workloadOf: (item: T) => WorkloadIntent): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(workloadOf(item).name, [...(out.get(workloadOf(item).name) ?? []), item]);
  return out;
}

/** Every workload named by links or edge declarations, with its pod labels, in name order. */
function workloadsOf<A, B>(a: Map<string, A[]>, endOfA: (x: A) => WorkloadIntent,
  b: Map<string, B[]>, endOfB: (x: B) => WorkloadIntent): [string, { [key: string]: string }][] {
  const labels = new Map<string, { [key: string]: string }>();
  for (const [name, items] of a) labels.set(name, sortedLabels(endOfA(items[0]).podLabels));
  for (const [name, items] of b) if (!labels.has(name)) labels.set(name, sortedLabels(endOfB(items[0]).podLabels));
  return [...labels.entries()].sort(([x], [y]) => compareStrings(x, y));
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
