import { compareText } from '../order';
import { pathLines } from '../paths/format';
import { AccessPath } from '../types';

export interface GraphOptions {
  /** Draw paths to assumed platform endpoints (kube-dns, istiod). @default true */
  readonly platform?: boolean;
}

export interface GraphEdge {
  readonly from: string;
  /** True when `from` is a whole namespace: every workload of it has this same edge. */
  readonly fromNamespace: boolean;
  readonly to: string;
  /** True when `to` is a whole namespace: every workload of it has this same edge (a scrape from monitoring/*). */
  readonly toNamespace?: boolean;
  readonly label: string;
  readonly uncertain: boolean;
}

export interface GraphModel {
  /** Namespace → workload ids drawn inside it; external networks are under ''. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  readonly edges: readonly GraphEdge[];
}

/**
 * One edge per (source, destination), labelled with its ports and requests. When every workload
 * of a namespace has the same edge to one destination (DNS, istiod), it is drawn once from the
 * namespace box.
 */
export function buildGraph(
  paths: readonly AccessPath[], workloadsByNamespace: ReadonlyMap<string, readonly string[]>, options: GraphOptions = {},
): GraphModel {
  const admitted = paths.filter(p => p.verdict !== 'deny' && (options.platform ?? true ? true : !p.platform));
  const pairs = new Map<string, AccessPath[]>();
  for (const p of admitted) {
    const key = `${p.source}\u0000${p.destination}`;
    if (!pairs.has(key)) pairs.set(key, []);
    pairs.get(key)!.push(p);
  }
  const edges: GraphEdge[] = [];
  for (const [key, ps] of pairs) {
    const [from, to] = key.split('\u0000');
    const label = ps.flatMap(p => pathLines(p).map(l => l.slice(`${p.source} -> ${p.destination} `.length))).join('\n');
    edges.push({ from, fromNamespace: false, to, label, uncertain: ps.every(p => p.verdict === 'unknown') });
  }
  const collapsed = collapseNamespaces(edges, workloadsByNamespace);
  const groups = new Map<string, string[]>();
  const add = (node: string, fromNamespace: boolean) => {
    if (fromNamespace) {
      if (!groups.has(node)) groups.set(node, []);
      return;
    }
    const ns = node.includes('/') && !node.includes(' ') ? node.split('/')[0] : '';
    if (!groups.has(ns)) groups.set(ns, []);
    if (!groups.get(ns)!.includes(node)) groups.get(ns)!.push(node);
  };
  for (const e of collapsed) {
    add(e.from, e.fromNamespace);
    add(e.to, e.toNamespace ?? false);
  }
  for (const [ns, ws] of workloadsByNamespace) {
    if (groups.has(ns)) for (const w of ws) add(w, false);
  }
  for (const list of groups.values()) list.sort();
  const sortedGroups = new Map([...groups].sort(([a], [b]) => compareText(a, b)));
  collapsed.sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to));
  return { groups: sortedGroups, edges: collapsed };
}

function collapseNamespaces(edges: GraphEdge[], workloadsByNamespace: ReadonlyMap<string, readonly string[]>): GraphEdge[] {
  const out: GraphEdge[] = [];
  const used = new Set<GraphEdge>();
  for (const [ns, members] of workloadsByNamespace) {
    if (members.length < 2) continue;
    const byTarget = new Map<string, GraphEdge[]>();
    for (const e of edges) {
      if (!members.includes(e.from) || e.to.startsWith(`${ns}/`)) continue;
      const k = `${e.to}\u0000${e.label}\u0000${e.uncertain}`;
      if (!byTarget.has(k)) byTarget.set(k, []);
      byTarget.get(k)!.push(e);
    }
    for (const group of byTarget.values()) {
      if (group.length !== members.length) continue;
      group.forEach(e => used.add(e));
      out.push({ from: ns, fromNamespace: true, to: group[0].to, label: group[0].label, uncertain: group[0].uncertain });
    }
  }
  const rest = edges.filter(e => !used.has(e));
  // The other direction: one source reaching every workload of a namespace alike.
  const into: GraphEdge[] = [];
  const usedInto = new Set<GraphEdge>();
  for (const [ns, members] of workloadsByNamespace) {
    if (members.length < 2) continue;
    const bySource = new Map<string, GraphEdge[]>();
    for (const e of rest) {
      if (!members.includes(e.to) || e.fromNamespace || e.from.startsWith(`${ns}/`)) continue;
      const k = `${e.from}\u0000${e.label}\u0000${e.uncertain}`;
      if (!bySource.has(k)) bySource.set(k, []);
      bySource.get(k)!.push(e);
    }
    for (const group of bySource.values()) {
      if (group.length !== members.length) continue;
      group.forEach(e => usedInto.add(e));
      into.push({ from: group[0].from, fromNamespace: false, to: ns, toNamespace: true, label: group[0].label, uncertain: group[0].uncertain });
    }
  }
  return [...out, ...into, ...rest.filter(e => !usedInto.has(e))];
}
