import { k8s } from 'cdk8s-plus-28';
import { EntryPointIntent, ExternalEgressIntent, ExternalPortIntent } from '../model/edge-intent';
import { WorkloadIntent, ZeroTrustMode } from '../model/intent';
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

/** Ingress from the gateway pods only, on the entry point's pod ports. One rule per gateway and port set. */
export function gatewayIngressRules(entryPoints: EntryPointIntent[]): k8s.NetworkPolicyIngressRule[] {
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
