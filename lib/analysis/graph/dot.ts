import { GraphModel } from './model';

/** Graphviz DOT text; namespaces become clusters, a namespace-wide edge leaves the cluster box. */
export function toDot(graph: GraphModel): string {
  const ids = new Map<string, string>();
  const id = (node: string) => {
    if (!ids.has(node)) ids.set(node, `n${ids.size}`);
    return ids.get(node)!;
  };
  const lines = [
    'digraph access {',
    '  compound=true;',
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9, color="#3b5b92"];',
  ];
  const anchor = new Map<string, string>();
  let cluster = 0;
  for (const [ns, nodes] of graph.groups) {
    if (ns) {
      lines.push(`  subgraph cluster_${cluster++} {`, `    label=${quote(ns)};`, '    style="rounded"; color="#8899aa";');
      // An invisible point lets edges start at the cluster even if it draws no workload.
      const point = id(`ns:${ns}`);
      lines.push(`    ${point} [shape=point, style=invis, width=0.01];`);
      anchor.set(ns, point);
    }
    for (const n of nodes) {
      const label = ns ? n.slice(ns.length + 1) : n;
      lines.push(`    ${id(n)} [label=${quote(label)}${ns ? '' : ', fillcolor="#fdf1e6"'}];`);
    }
    if (ns) lines.push('  }');
  }
  cluster = 0;
  const clusterOf = new Map<string, number>();
  for (const ns of graph.groups.keys()) if (ns) clusterOf.set(ns, cluster++);
  for (const e of graph.edges) {
    const attrs = [`label=${quote(e.label)}`];
    if (e.uncertain) attrs.push('style=dashed');
    if (e.fromNamespace) attrs.push(`ltail=cluster_${clusterOf.get(e.from)}`);
    if (e.toNamespace) attrs.push(`lhead=cluster_${clusterOf.get(e.to)}`);
    const from = e.fromNamespace ? anchor.get(e.from)! : id(e.from);
    const to = e.toNamespace ? anchor.get(e.to)! : id(e.to);
    lines.push(`  ${from} -> ${to} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
