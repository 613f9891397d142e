/** Code-point order, independent of the machine's locale, so output is byte-identical everywhere. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts a copy by a string key, computing each key once. */
export function sortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map(item => ({ item, key: key(item) }))
    .sort((a, b) => compareStrings(a.key, b.key))
    .map(entry => entry.item);
}

/** Copies labels with keys in sorted order, so serialized selectors are stable. */
export function sortedLabels(labels: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const key of Object.keys(labels).sort(compareStrings)) out[key] = labels[key];
  return out;
}
