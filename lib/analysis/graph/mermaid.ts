import { GraphModel } from './model';

/** Mermaid flowchart text, which GitHub renders in Markdown (```mermaid blocks). */
export function toMermaid(graph: GraphModel): string {
  const ids = new Map<string, string>();
  const id = (node: string) => {
    if (!ids.has(node)) ids.set(node, `n${ids.size}`);
    return ids.get(node)!;
  };
  const lines = ['flowchart LR'];
  for (const [ns, nodes] of graph.groups) {
    const indent = ns ? '    ' : '  ';
    if (ns) lines.push(`  subgraph ${id(`ns:${ns}`)}["${escape(ns)}"]`);
    for (const n of nodes) lines.push(`${indent}${id(n)}["${escape(ns ? n.slice(ns.length + 1) : n)}"]`);
    if (ns) lines.push('  end');
  }
  for (const e of graph.edges) {
    const from = e.fromNamespace ? id(`ns:${e.from}`) : id(e.from);
    const arrow = e.uncertain ? '-.->' : '-->';
    const to = e.toNamespace ? id(`ns:${e.to}`) : id(e.to);
    lines.push(`  ${from} ${arrow}|"${escape(e.label).replace(/\n/g, '<br/>')}"| ${to}`);
  }
  return lines.join('\n') + '\n';
}

function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
