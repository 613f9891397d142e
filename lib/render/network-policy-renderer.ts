import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { groupPeersByPorts, linksByWorkload, PeerGroup } from './group';
import { ILayerRenderer, NamespaceRenderContext } from './renderer';
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
 * metrics scraping. Per workload: one ingress and one egress policy merging all its links.
 * In audit mode it emits nothing, because NetworkPolicy has no dry-run.
 */
export class NetworkPolicyRenderer implements ILayerRenderer {
  public readonly layerName = 'NetworkPolicy';

  public render(ctx: NamespaceRenderContext): void {
    if (ctx.namespace.mode === ZeroTrustMode.AUDIT) return;
    const ns = ctx.namespace;
    const scope = new Construct(ctx.scope, this.layerName);
    const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(scope, name, { metadata: { name, namespace: ns.name }, spec });

    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [platformPeer(ns.dns)], ports: ns.dns.ports.map(npPort) }],
    });
    policy('allow-istiod', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [platformPeer(ns.controlPlane)], ports: ns.controlPlane.ports.map(npPort) }],
    });
    if (ns.monitoring) {
      policy('allow-metrics-scraping', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [platformPeer(ns.monitoring)], ports: ns.monitoring.ports.map(npPort) }],
      });
    }

    for (const [name, links] of linksByWorkload(ctx.inbound, l => l.to)) {
      const groups = groupPeersByPorts(links, l => l.from);
      policy(`${name}-ingress`, {
        podSelector: { matchLabels: sortedLabels(links[0].to.podLabels) },
        policyTypes: ['Ingress'],
        ingress: groups.map(g => ({ from: peersOf(g, ns.name), ports: g.ports.map(npPort) })),
      });
    }
    for (const [name, links] of linksByWorkload(ctx.outbound, l => l.from)) {
      const groups = groupPeersByPorts(links, l => l.to);
      policy(`${name}-egress`, {
        podSelector: { matchLabels: sortedLabels(links[0].from.podLabels) },
        policyTypes: ['Egress'],
        egress: groups.map(g => ({ to: peersOf(g, ns.name), ports: g.ports.map(npPort) })),
      });
    }
  }
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
