import { mdCell } from './document';
import { AccessChange, AccessDiff, AccessPath } from '../types';

const KINDS = ['added', 'widened', 'removed', 'narrowed', 'changed'] as const;

/** "2 paths added, 1 widened, 0 removed" (narrowed and changed only when there are some). */
export function diffSummary(diff: AccessDiff): string {
  const count = (kind: string) => diff.changes.filter(c => c.kind === kind).length;
  const added = count('added');
  const parts = [`${added} ${added === 1 ? 'path' : 'paths'} added`, `${count('widened')} widened`, `${count('removed')} removed`];
  for (const kind of ['narrowed', 'changed']) if (count(kind) > 0) parts.push(`${count(kind)} ${kind}`);
  return parts.join(', ');
}

/**
 * The access diff as a pull-request comment: the summary line first, the verdict, the table of
 * changed paths, then a Mermaid graph that draws only the edges that changed.
 */
export function renderDiffMarkdown(diff: AccessDiff, verdict: string): string {
  const out = ['## Access diff', '', `**${diffSummary(diff)}.** ${verdict}`, ''];
  if (diff.changes.length === 0) return [...out, 'No change in access.', ''].join('\n');
  const describe = (p?: AccessPath) => (p ? `${p.verdict}${p.requests.length > 0 ? ` (${p.requests.join('; ')})` : ''}` : '-');
  out.push('| change | path | L4 | L7 | combined | before | after |', '|---|---|---|---|---|---|---|');
  for (const c of sortedChanges(diff.changes)) {
    out.push(`| ${[c.kind, c.path, c.l4, c.l7, c.combined, describe(c.before), describe(c.after)].map(mdCell).join(' | ')} |`);
  }
  out.push('', '```mermaid', changedEdgesMermaid(diff.changes).trimEnd(), '```', '');
  return out.join('\n');
}

/** Widening first: that is what a reviewer must approve. */
function sortedChanges(changes: readonly AccessChange[]): AccessChange[] {
  const rank = (c: AccessChange) => KINDS.indexOf(c.kind as typeof KINDS[number]);
  return [...changes].sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Mermaid flowchart of the changed edges only: added/widened solid, removed/narrowed dashed. */
export function changedEdgesMermaid(changes: readonly AccessChange[]): string {
  const ids = new Map<string, string>();
  const id = (node: string) => {
    if (!ids.has(node)) ids.set(node, `n${ids.size}`);
    return ids.get(node)!;
  };
  const edges: string[] = [];
  const styles: string[] = [];
  for (const c of sortedChanges(changes)) {
    const [source, rest] = c.path.split(' -> ');
    const [destination, port] = rest.split(' ');
    const p = c.after ?? c.before;
    const requests = c.after && c.after.verdict !== 'deny' && c.after.requests.length > 0 ? ` ${c.after.requests.join('; ')}` : '';
    const label = escape(`${c.kind} ${port}${p?.portName ? ` (${p.portName})` : ''}${requests}`);
    const arrow = c.kind === 'removed' || c.kind === 'narrowed' ? '-.->' : '-->';
    edges.push(`  ${id(source)} ${arrow}|"${label}"| ${id(destination)}`);
    const colour = c.kind === 'added' || c.kind === 'widened' ? '#d73a49' : c.kind === 'changed' ? '#b08800' : '#6a737d';
    styles.push(`  linkStyle ${edges.length - 1} stroke:${colour}`);
  }
  const nodes = [...ids].map(([node, n]) => `  ${n}["${escape(node)}"]`);
  return ['flowchart LR', ...nodes, ...edges, ...styles].join('\n') + '\n';
}

function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
