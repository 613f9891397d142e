import { AccessPath, BlastRadius, ReachedNode } from '../types';
import { pathLines } from './format';
import { compareText } from '../order';

/**
 * Breadth-first closure over admitted paths (verdict allow or unknown). A reached workload is
 * assumed compromised in turn, so its own paths count; external networks and platform
 * endpoints are reached but not pivoted through (their outbound traffic is not modelled).
 */
export function blastRadiusOf(workload: string, paths: readonly AccessPath[], pivotable: ReadonlySet<string>): BlastRadius {
  const bySource = new Map<string, AccessPath[]>();
  for (const p of paths) {
    if (p.verdict === 'deny') continue;
    if (!bySource.has(p.source)) bySource.set(p.source, []);
    bySource.get(p.source)!.push(p);
  }
  const reached = new Map<string, ReachedNode>();
  let frontier: ReachedNode[] = [{ node: workload, hops: 0, via: [workload], paths: [], uncertain: false }];
  while (frontier.length > 0) {
    const next: ReachedNode[] = [];
    for (const from of frontier) {
      if (from.hops > 0 && !pivotable.has(from.node)) continue;
      const edges = new Map<string, AccessPath[]>();
      for (const p of bySource.get(from.node) ?? []) {
        if (p.destination === workload || reached.has(p.destination)) continue;
        if (!edges.has(p.destination)) edges.set(p.destination, []);
        edges.get(p.destination)!.push(p);
      }
      for (const [node, ps] of [...edges].sort(([a], [b]) => compareText(a, b))) {
        if (reached.has(node)) continue;
        const hit: ReachedNode = {
          node,
          hops: from.hops + 1,
          via: [...from.via, node],
          paths: ps.flatMap(pathLines),
          uncertain: from.uncertain || ps.every(p => p.verdict === 'unknown'),
        };
        reached.set(node, hit);
        next.push(hit);
      }
    }
    frontier = next;
  }
  const transitive = [...reached.values()].sort((a, b) => a.hops - b.hops || compareText(a.node, b.node));
  return { workload, direct: transitive.filter(n => n.hops === 1), transitive };
}
