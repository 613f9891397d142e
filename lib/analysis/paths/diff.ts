import { AccessChange, AccessDiff, AccessPath } from '../types';
import { pathKey } from './format';

/** How open a verdict is: `n/a` (no L7 check) is as open as `allow` with any request. */
const OPENNESS: Record<string, number> = { 'deny': 0, 'unknown': 1, 'n/a': 2, 'allow': 2 };

interface LayerChange {
  readonly label: string;
  readonly widens: boolean;
  readonly narrows: boolean;
}

/**
 * Compares the paths of two manifest sets key by key (`source -> destination protocol/port`).
 * A layer is `added`/`removed` when it opens/closes, `changed` when it stays open but admits
 * other HTTP requests; a missing path counts as denied at every layer. A change widens access
 * when some layer admits a request it did not admit before.
 */
export function diffPaths(base: readonly AccessPath[], head: readonly AccessPath[]): AccessDiff {
  const before = new Map(base.map(p => [pathKey(p), p]));
  const after = new Map(head.map(p => [pathKey(p), p]));
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: AccessChange[] = [];
  let widened = 0;
  let narrowed = 0;
  for (const key of keys) {
    const b = before.get(key);
    const a = after.get(key);
    const layers = [
      layerChange(b?.l4 ?? 'deny', a?.l4 ?? 'deny', [], []),
      layerChange(b?.l7 ?? 'deny', a?.l7 ?? 'deny', b?.requests ?? [], a?.requests ?? []),
      layerChange(b?.verdict ?? 'deny', a?.verdict ?? 'deny', b?.requests ?? [], a?.requests ?? []),
    ];
    if (layers.every(l => l.label === 'unchanged')) continue;
    const widens = layers.some(l => l.widens);
    const narrows = layers.some(l => l.narrows);
    if (widens) widened++;
    if (narrows) narrowed++;
    const combined = layers[2].label;
    const kind = combined === 'added' || combined === 'removed' ? combined
      : widens && !narrows ? 'widened' : narrows && !widens ? 'narrowed' : 'changed';
    changes.push({ path: key, l4: layers[0].label, l7: layers[1].label, combined, kind, before: b, after: a });
  }
  return { changes, widened, narrowed };
}

function layerChange(before: string, after: string, reqBefore: readonly string[], reqAfter: readonly string[]): LayerChange {
  const ob = OPENNESS[before];
  const oa = OPENNESS[after];
  if (oa > ob) return { label: 'added', widens: true, narrows: false };
  if (oa < ob) return { label: 'removed', widens: false, narrows: true };
  if (oa === 2) {
    const anyBefore = before === 'n/a' || reqBefore.length === 0;
    const anyAfter = after === 'n/a' || reqAfter.length === 0;
    const widens = (anyAfter && !anyBefore) || (!anyAfter && !anyBefore && !requestsCover(reqBefore, reqAfter));
    const narrows = (!anyAfter && anyBefore) || (!anyAfter && !anyBefore && !requestsCover(reqAfter, reqBefore));
    if (widens || narrows || before !== after) return { label: 'changed', widens, narrows };
    return { label: 'unchanged', widens: false, narrows: false };
  }
  return { label: before === after ? 'unchanged' : 'changed', widens: false, narrows: false };
}

/** A request family as (method, path) pairs plus any exclusions, which must then match exactly. */
interface Atom {
  readonly method: string;
  readonly path: string;
  readonly rest: string;
}

/** Whether every request of `inner` is admitted by some family of `outer` (lines like `GET,POST /orders/*`). */
function requestsCover(outer: readonly string[], inner: readonly string[]): boolean {
  const outerAtoms = outer.flatMap(atoms);
  const covered = (i: Atom) => outerAtoms.some(o => o.rest === i.rest && patternCovers(o.method, i.method) && patternCovers(o.path, i.path));
  return inner.flatMap(atoms).every(covered);
}

function atoms(line: string): Atom[] {
  const [methods, paths, ...rest] = line.split(' ');
  return methods.split(',').flatMap(method => paths.split(',').map(path => ({ method, path, rest: rest.join(' ') })));
}

/** Istio patterns: `*`, exact, `prefix*`, `*suffix`; true when every value `inner` matches, `outer` matches too. */
function patternCovers(outer: string, inner: string): boolean {
  if (outer === '*' || outer === inner) return true;
  if (inner === '*') return false;
  if (outer.endsWith('*')) {
    const prefix = outer.slice(0, -1);
    return inner.startsWith(prefix) && !inner.startsWith('*');
  }
  if (outer.startsWith('*')) {
    const suffix = outer.slice(1);
    return inner.endsWith(suffix) && !inner.endsWith('*');
  }
  return false;
}
