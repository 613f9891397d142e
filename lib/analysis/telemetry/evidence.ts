import { Aggregate } from './observation';

/** Sums aggregates into the evidence line a suggestion or review entry carries. */
export class Evidence {
  public count = 0;
  public first: number | undefined;
  public last: number | undefined;
  public readonly codes = new Map<string, number>();
  public readonly formats = new Set<string>();
  public readonly requests = new Map<string, number>();
  // The same call reported by both sidecars is counted once: the larger side wins.
  private readonly perReporter = new Map<string, number>();

  public add(a: Aggregate, request?: string): void {
    const reporter = a.observation.reporter;
    this.perReporter.set(reporter, (this.perReporter.get(reporter) ?? 0) + a.count);
    this.count = Math.max(...this.perReporter.values());
    if (a.first !== undefined) this.first = this.first === undefined ? a.first : Math.min(this.first, a.first);
    if (a.last !== undefined) this.last = this.last === undefined ? a.last : Math.max(this.last, a.last);
    for (const [code, n] of a.codes) this.codes.set(code, (this.codes.get(code) ?? 0) + n);
    this.formats.add(a.observation.format);
    if (request) this.requests.set(request, (this.requests.get(request) ?? 0) + a.count);
  }

  public lines(): string[] {
    const out = [`observed ${plural(this.count, 'call')} in ${[...this.formats].sort().join(', ')}, ${windowText(this.first, this.last)}`];
    if (this.codes.size > 0) out.push(`responses: ${[...this.codes.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([c, n]) => `${c} x${n}`).join(', ')}`);
    if (this.requests.size > 0) {
      const top = [...this.requests.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
      out.push(`requests: ${top.slice(0, 5).map(([r, n]) => `${r} x${n}`).join(', ')}${top.length > 5 ? `, and ${top.length - 5} more` : ''}`);
    }
    return out;
  }
}


export function windowText(first: number | undefined, last: number | undefined): string {
  if (first === undefined || last === undefined) return 'time window unknown';
  if (first === last) return `at ${iso(first)}`;
  return `from ${iso(first)} to ${iso(last)}`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
