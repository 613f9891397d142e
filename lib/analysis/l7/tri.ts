/** Three-valued logic: the analyzer answers 'unknown' rather than guess. */
export type Tri = 'yes' | 'no' | 'unknown';

export function and(values: Iterable<Tri>): Tri {
  let out: Tri = 'yes';
  for (const v of values) {
    if (v === 'no') return 'no';
    if (v === 'unknown') out = 'unknown';
  }
  return out;
}

export function or(values: Iterable<Tri>): Tri {
  let out: Tri = 'no';
  for (const v of values) {
    if (v === 'yes') return 'yes';
    if (v === 'unknown') out = 'unknown';
  }
  return out;
}

export function not(v: Tri): Tri {
  return v === 'yes' ? 'no' : v === 'no' ? 'yes' : 'unknown';
}

/**
 * Istio's string match: exact, `prefix*`, `*suffix`, and `*` (any non-empty value). An empty
 * value (for example the principal of a plaintext peer) matches nothing.
 */
export function istioMatch(pattern: string, value: string): boolean {
  if (value === '') return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

export function matchesAny(patterns: readonly string[], value: string): boolean {
  return patterns.some(p => istioMatch(p, value));
}
