import { k8s } from 'cdk8s-plus-28';
import { AddressIngressIntent, ExternalEgressIntent, ExternalPortIntent, GatewayIntent } from '../model/edge-intent';
import { PortIntent, WorkloadIntent, ZeroTrustMode } from '../model/intent';
import { AUDIT_POD_LABEL } from '../model/labels';
import { compareStrings, sortedLabels } from '../model/order';

/** Kubernetes sets this label on every namespace. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** True when the workload audits, by its own mode or its namespace's. */
export function isAuditing(w: WorkloadIntent, namespaceMode: ZeroTrustMode): boolean {
  return namespaceMode === ZeroTrustMode.AUDIT || w.mode === ZeroTrustMode.AUDIT;
}

/**
 * The selector of the namespace-wide policies (default-deny, DNS, istiod, scraping):
 * every pod, except those of workloads that audit on their own. Any policy that selects
 * a pod isolates it, so an auditing workload must not be selected by any of them. They are
 * told apart by the reserved audit label only, never by labels another workload may share.
 */
export function namespaceWideSelector(workloads: WorkloadIntent[]): k8s.LabelSelector {
  const auditing = workloads.filter(x => x.mode === ZeroTrustMode.AUDIT).map(w => w.name).sort(compareStrings);
  if (auditing.length === 0) return {};
  return { matchExpressions: [{ key: AUDIT_POD_LABEL, operator: 'NotIn', values: auditing }] };
}

/** What the gateway rules need from an entry point or a public route. */
export interface GatewayEntry {
  readonly gateway: GatewayIntent;
  readonly ports: PortIntent[];
}

/** Ingress from the gateway pods only, on the entry points' and public routes' pod ports. One rule per gateway and port set. */
export function gatewayIngressRules(entryPoints: GatewayEntry[]): k8s.NetworkPolicyIngressRule[] {
  const rules = entryPoints.map(ep => ({
    from: [{
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ep.gateway.namespace } },
      podSelector: { matchLabels: sortedLabels(ep.gateway.podLabels) },
    }],
    ports: ep.ports.map(p => ({
      protocol: p.protocol,
      port: k8s.IntOrString.fromNumber(p.port),
      ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
    })),
  }));
  return uniqueSorted(rules);
}

/**
 * Ingress from outside address ranges (with `except`), on the declared pod ports only.
 * Ranges opened on exactly the same ports share one rule, so rules grow with port sets.
 */
export function addressIngressRules(ingress: AddressIngressIntent[]): k8s.NetworkPolicyIngressRule[] {
  const byPorts = new Map<string, { ports: PortIntent[]; peers: Map<string, k8s.NetworkPolicyPeer> }>();
  for (const i of ingress) {
    const key = JSON.stringify(i.ports);
    const entry = byPorts.get(key) ?? { ports: i.ports, peers: new Map() };
    const peer = { ipBlock: { cidr: i.address.cidr, ...(i.address.except.length > 0 ? { except: [...i.address.except] } : {}) } };
    entry.peers.set(JSON.stringify(peer), peer);
    byPorts.set(key, entry);
  }
  return uniqueSorted([...byPorts.values()].map(e => ({
    from: [...e.peers.keys()].sort(compareStrings).map(k => e.peers.get(k)!),
    ports: e.ports.map(p => ({
      protocol: p.protocol,
      port: k8s.IntOrString.fromNumber(p.port),
      ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
    })),
  })));
}

/** Egress to outside address ranges (with `except`), on the declared ports only. */
export function externalEgressRules(egress: ExternalEgressIntent[]): k8s.NetworkPolicyEgressRule[] {
  const rules = egress.map(e => ({
    to: e.addresses.map(a => ({ ipBlock: { cidr: a.cidr, ...(a.except.length > 0 ? { except: a.except } : {}) } })),
    ports: e.ports.map(externalPort),
  }));
  return uniqueSorted(rules);
}

function externalPort(p: ExternalPortIntent): k8s.NetworkPolicyPort {
  return { protocol: p.transport, port: k8s.IntOrString.fromNumber(p.port) };
}

/** Drops rules that are byte-identical and orders the rest by their serialized form. */
function uniqueSorted<T>(rules: T[]): T[] {
  const byKey = new Map(rules.map(r => [JSON.stringify(r), r]));
  return [...byKey.keys()].sort(compareStrings).map(k => byKey.get(k)!);
}

/** One way in from outside a workload's namespace: through the gateway, or from an address range. */
export interface EdgeIngress {
  readonly workload: WorkloadIntent;
  readonly gateway?: GatewayEntry;
  readonly address?: AddressIngressIntent;
}

/** The NetworkPolicy ingress rules of one workload's ways in from outside: gateway rules first, then address ranges. */
export function edgeIngressRules(items: EdgeIngress[]): k8s.NetworkPolicyIngressRule[] {
  return [
    ...gatewayIngressRules(items.flatMap(i => (i.gateway ? [i.gateway] : []))),
    ...addressIngressRules(items.flatMap(i => (i.address ? [i.address] : []))),
  ];
}
