/**
 * Turns observed request paths into a few Istio path matches: exact paths, and prefix matches
 * (`/api/orders/*`) where siblings vary. A level is generalised when one of its segments looks
 * like an identifier, or when at least `threshold` distinct segments were seen below it; the
 * root is generalised (any path) only by the threshold. Nothing broader is produced: Istio matches
 * a prefix as `<prefix>*`, and `/a/*` never admits `/a` itself.
 */
export function generalisePaths(paths: Iterable<string>, threshold: number): string[] {
  const root = new Node();
  for (const p of paths) {
    let node = root;
    for (const seg of p.split('/').slice(1)) node = node.child(seg);
    node.terminal = true;
  }
  const out: string[] = [];
  visit(root, '', threshold, out, true);
  return [...new Set(out)].sort();
}

class Node {
  public terminal = false;
  public readonly children = new Map<string, Node>();

  public child(seg: string): Node {
    let c = this.children.get(seg);
    if (!c) {
      c = new Node();
      this.children.set(seg, c);
    }
    return c;
  }
}

function visit(node: Node, prefix: string, threshold: number, out: string[], root: boolean): void {
  if (node.terminal && !root) out.push(prefix === '' ? '/' : prefix);
  const segs = [...node.children.keys()];
  if (segs.length === 0) return;
  const wide = segs.length >= threshold;
  // A `*` segment comes from the store's path cap: that level was already generalised.
  if (wide || (!root && (segs.includes('*') || segs.some(looksLikeId)))) {
    out.push(root ? '*' : `${prefix}/*`);
    return;
  }
  for (const seg of segs) visit(node.children.get(seg)!, `${prefix}/${seg}`, threshold, out, false);
}

/** Numbers, UUIDs, long hex, `ord-123`-style keys and long opaque tokens. */
export function looksLikeId(seg: string): boolean {
  if (/^\d+$/.test(seg)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg)) return true;
  if (/^[0-9a-f]{8,}$/i.test(seg) && /\d/.test(seg)) return true;
  if (/^[a-z]{1,6}[-_]\d+$/i.test(seg)) return true;
  return seg.length >= 20 && /\d/.test(seg) && /^[A-Za-z0-9_-]+$/.test(seg);
}

/** Istio's path match: exact, `prefix*`, `*suffix`, or `*`. */
export function istioPathMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return path.endsWith(pattern.slice(1));
  return pattern === path;
}
