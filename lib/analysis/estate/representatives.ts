import { NamespaceInfo, NetworkPolicyInfo, Workload } from './model';
import { hasSidecar } from './workloads';
import { LabelSelector, Labels, selectorMatches } from '../l4/selectors';
import { pushTo } from '../multimap';

const NAME_LABEL = 'kubernetes.io/metadata.name';

export interface Representative {
  readonly workload: Workload;
  /** Its namespace, when the manifests do not declare it. */
  readonly namespace: NamespaceInfo;
  readonly description: string;
}

/**
 * One representative endpoint per NetworkPolicy peer that may stand for pods outside the
 * manifests: "pods with labels L in namespaces matching S". A peer needs one when it selects no
 * pod of the manifests (the ingress gateway, a monitoring namespace's Prometheus, another team),
 * or when its namespaceSelector is not pinned to one namespace by name (it may match namespaces
 * the manifests do not hold). The endpoint carries labels that satisfy the peer's selectors, so
 * the ordinary NetworkPolicy evaluation admits it exactly where the peer is named.
 */
export function representativeWorkloads(
  workloads: readonly Workload[], policies: readonly NetworkPolicyInfo[], namespaces: ReadonlyMap<string, NamespaceInfo>,
): Representative[] {
  const out = new Map<string, Representative>();
  const pods = new PodsByLabel(workloads.filter(w => !w.representative));
  for (const policy of policies) {
    const rules = [...policy.ingress.map(r => ({ r, ingress: true })), ...policy.egress.map(r => ({ r, ingress: false }))];
    for (const { r: rule, ingress } of rules) {
      if (rule.peers === 'any') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'pods') continue;
        const pinned = peer.namespaceSelector ? pinnedName(peer.namespaceSelector) : policy.namespace;
        const podSelector = peer.podSelector ?? {};
        const selectsPods = pods.candidates(pinned, podSelector).some(w => selectorMatches(podSelector, w.labels)
          && (pinned !== undefined ? w.namespace === pinned : selectorMatches(peer.namespaceSelector!, namespaces.get(w.namespace)?.labels ?? {})));
        if (selectsPods && pinned !== undefined) continue;
        const labels = satisfying(podSelector);
        const nsLabels = pinned !== undefined
          ? { ...(namespaces.get(pinned)?.labels ?? {}), [NAME_LABEL]: pinned }
          : satisfying(peer.namespaceSelector!);
        if (!labels || !nsLabels) continue;
        const nsName = pinned ?? selectorText(peer.namespaceSelector!);
        const id = `${nsName}/${selectorText(podSelector)}`;
        const seen = out.get(id);
        if (seen) {
          // Named by an ingress rule it sends; by an egress rule it receives.
          const workload = { ...seen.workload, originates: seen.workload.originates || ingress, receives: seen.workload.receives || !ingress };
          out.set(id, { ...seen, workload });
          continue;
        }
        const declared = pinned !== undefined && namespaces.get(pinned)?.declared === true;
        const namespace: NamespaceInfo = namespaces.get(nsName) ?? { name: nsName, labels: nsLabels, declared: false };
        // Pods of a declared namespace follow its injection label; elsewhere assume a mesh peer, the wider case.
        const sidecar = declared ? hasSidecar({ labels, annotations: {}, serviceAccount: '', ports: [], hasIstioProxyContainer: false, hostNetwork: false }, namespace.labels) : true;
        out.set(id, {
          workload: {
            id,
            namespace: nsName,
            name: selectorText(podSelector),
            kind: 'Representative',
            labels,
            serviceAccount: '',
            ports: [],
            sidecar,
            platform: false,
            originates: ingress,
            receives: !ingress,
            representative: { namespaceKnown: pinned !== undefined },
          },
          namespace,
          description: `representative endpoint for pods ${selectorText(podSelector) === '*' ? '(any)' : selectorText(podSelector)} in ${pinned !== undefined ? `namespace ${pinned}` : `namespaces ${selectorText(peer.namespaceSelector!)}`}`
            + ` that NetworkPolicy ${policy.namespace}/${policy.name} names but these manifests do not hold; its ServiceAccount is unknown`
            + `${declared ? '' : ' and it is assumed to have a sidecar'}`,
        });
      }
    }
  }
  return [...out.values()];
}

/**
 * The manifests' pods indexed by namespace and by one label pair, so a peer tests only the pods
 * that carry its first matchLabels pair (every match must carry it) instead of every pod.
 */
class PodsByLabel {
  private readonly byNamespace = new Map<string, Workload[]>();
  private readonly byNamespaceLabel = new Map<string, Workload[]>();
  private readonly byLabel = new Map<string, Workload[]>();

  constructor(private readonly all: readonly Workload[]) {
    for (const w of all) {
      pushTo(this.byNamespace, w.namespace, w);
      for (const [k, v] of Object.entries(w.labels)) {
        pushTo(this.byNamespaceLabel, `${w.namespace}\u0000${k}\u0000${v}`, w);
        pushTo(this.byLabel, `${k}\u0000${v}`, w);
      }
    }
  }

  /** Pods that may match `podSelector` in `namespace` (any namespace when undefined). */
  public candidates(namespace: string | undefined, podSelector: LabelSelector): readonly Workload[] {
    const first = Object.entries(podSelector.matchLabels ?? {})[0];
    if (namespace !== undefined) {
      return (first ? this.byNamespaceLabel.get(`${namespace}\u0000${first[0]}\u0000${first[1]}`) : this.byNamespace.get(namespace)) ?? [];
    }
    return first ? this.byLabel.get(`${first[0]}\u0000${first[1]}`) ?? [] : this.all;
  }
}


/** The namespace a selector pins by name (`kubernetes.io/metadata.name: x`, or `In [x]`), if it does nothing else. */
function pinnedName(selector: LabelSelector): string | undefined {
  const labels = Object.entries(selector.matchLabels ?? {});
  const exprs = selector.matchExpressions ?? [];
  if (labels.length === 1 && labels[0][0] === NAME_LABEL && exprs.length === 0) return labels[0][1];
  if (labels.length === 0 && exprs.length === 1 && exprs[0].key === NAME_LABEL && exprs[0].operator === 'In' && exprs[0].values?.length === 1) return exprs[0].values[0];
  return undefined;
}

/** Labels that satisfy a selector (undefined when none can, e.g. `In` and `NotIn` on one value). */
function satisfying(selector: LabelSelector): Labels | undefined {
  const labels: Record<string, string> = { ...(selector.matchLabels ?? {}) };
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'In' && !(req.key in labels)) labels[req.key] = req.values![0];
    if (req.operator === 'Exists' && !(req.key in labels)) labels[req.key] = 'x';
  }
  return selectorMatches(selector, labels) ? labels : undefined;
}

/** Compact selector text without spaces: `*`, `[app=web,tier=a|b,!legacy]`. */
export function selectorText(selector: LabelSelector): string {
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector.matchExpressions ?? []).map(e => e.operator === 'In' ? `${e.key}=${(e.values ?? []).join('|')}`
      : e.operator === 'NotIn' ? `${e.key}!=${(e.values ?? []).join('|')}` : e.operator === 'Exists' ? e.key : `!${e.key}`),
  ].sort();
  return parts.length === 0 ? '*' : `[${parts.join(',')}]`;
}
