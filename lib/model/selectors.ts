/**
 * The rule that keeps workloads of one namespace apart. Policies select pods by equality-only
 * `matchLabels`, so two selectors can pick the same pod unless some label key appears in both
 * with different values: a pod carrying the union of their labels would match both. Only that
 * conflict makes them disjoint whatever labels the pods carry.
 */
export function mayShareAPod(a: { [key: string]: string }, b: { [key: string]: string }): boolean {
  return !Object.entries(a).some(([key, value]) => key in b && b[key] !== value);
}

/** `{app: x, tier: db}` as it reads in messages, keys sorted. */
export function describeLabels(labels: { [key: string]: string }): string {
  return `{${Object.keys(labels).sort().map(k => `${k}: ${labels[k]}`).join(', ')}}`;
}
