import { AccessChange, AccessDiff, AccessPath } from '../types';
import { pathKey } from './format';

const RANK: Record<string, number> = { 'deny': 0, 'n/a': 1, 'unknown': 1, 'allow': 2 };

/**
 * Compares the paths of two manifest sets key by key (`source -> destination protocol/port`).
 * A layer is `added`/`removed` when it opens/closes, `changed` when it stays open but admits
 * other HTTP requests; a missing path counts as denied at every layer.
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
    const l4 = layerChange(b?.l4 ?? 'deny', a?.l4 ?? 'deny');
    const l7 = layerChange(b?.l7 ?? 'deny', a?.l7 ?? 'deny', b?.requests, a?.requests);
    const combined = layerChange(b?.verdict ?? 'deny', a?.verdict ?? 'deny', b?.requests, a?.requests);
    if (l4 === 'unchanged' && l7 === 'unchanged' && combined === 'unchanged') continue;
    const changesList = [l4, l7, combined];
    if (changesList.includes('added') || changesList.includes('changed')) widened++;
    if (changesList.includes('removed')) narrowed++;
    changes.push({ path: key, l4, l7, combined, before: b, after: a });
  }
  return { changes, widened, narrowed };
}

function layerChange(before: string, after: string, reqBefore?: readonly string[], reqAfter?: readonly string[]): string {
  if (RANK[after] > RANK[before]) return 'added';
  if (RANK[after] < RANK[before]) return 'removed';
  if (before !== after) return 'changed';
  if (before === 'allow' && JSON.stringify(reqBefore ?? []) !== JSON.stringify(reqAfter ?? [])) return 'changed';
  return 'unchanged';
}
