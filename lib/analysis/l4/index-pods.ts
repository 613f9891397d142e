import { indexKeyOf, LabelSelector, selectorMatches } from './selectors';
import { Estate, NamespaceInfo, Workload } from '../estate/model';
import { pushTo } from '../multimap';

/**
 * Pods grouped by namespace and by label pair, so a selector only tests the pods that carry
 * its first matchLabels pair instead of every pod of the estate.
 */
export class PodIndex {
  private readonly byNamespace = new Map<string, Workload[]>();
  private readonly byLabel = new Map<string, Workload[]>();
  private readonly namespacesByLabel = new Map<string, NamespaceInfo[]>();
  private readonly allNamespaces: NamespaceInfo[] = [];

  constructor(estate: Estate) {
    for (const w of estate.workloads) {
      pushTo(this.byNamespace, w.namespace, w);
      for (const [k, v] of Object.entries(w.labels)) pushTo(this.byLabel, `${w.namespace}\u0000${k}=${v}`, w);
    }
    for (const n of estate.namespaces.values()) {
      this.allNamespaces.push(n);
      for (const [k, v] of Object.entries(n.labels)) pushTo(this.namespacesByLabel, `${k}=${v}`, n);
    }
  }

  /** Pods of one namespace matched by a selector. */
  public select(namespace: string, selector: LabelSelector): Workload[] {
    const key = indexKeyOf(selector);
    const candidates = key ? this.byLabel.get(`${namespace}\u0000${key}`) : this.byNamespace.get(namespace);
    return (candidates ?? []).filter(w => selectorMatches(selector, w.labels));
  }

  /** Namespaces whose labels match a selector, testing only those that carry its first matchLabels pair. */
  public namespaces(selector: LabelSelector): string[] {
    const key = indexKeyOf(selector);
    const candidates = key ? this.namespacesByLabel.get(key) ?? [] : this.allNamespaces;
    return candidates.filter(n => selectorMatches(selector, n.labels)).map(n => n.name);
  }
}

