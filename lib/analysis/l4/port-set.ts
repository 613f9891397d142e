/** Transport protocols NetworkPolicy knows. Lower case everywhere in the analyzer's output. */
export type Protocol = 'tcp' | 'udp' | 'sctp';
export const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'sctp'];
export const MAX_PORT = 65535;

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/**
 * An exact set of (protocol, port) pairs stored as sorted, disjoint, non-adjacent ranges,
 * so "all ports" and "8080" are both represented without enumerating 65535 values.
 */
export class PortSet {
  public static empty(): PortSet {
    return new PortSet(new Map());
  }

  public static all(): PortSet {
    const m = new Map<Protocol, PortRange[]>();
    for (const p of PROTOCOLS) m.set(p, [{ from: 1, to: MAX_PORT }]);
    return new PortSet(m);
  }

  public static allOf(protocol: Protocol): PortSet {
    return new PortSet(new Map([[protocol, [{ from: 1, to: MAX_PORT }]]]));
  }

  public static range(protocol: Protocol, from: number, to: number = from): PortSet {
    return new PortSet(new Map([[protocol, [{ from, to }]]]));
  }

  /** Single ports of one protocol, in any order, duplicates allowed. */
  public static ofPorts(protocol: Protocol, ports: readonly number[]): PortSet {
    return new PortSet(new Map([[protocol, normalize(ports.map(p => ({ from: p, to: p })))]]));
  }

  private constructor(private readonly ranges: Map<Protocol, PortRange[]>) {}

  public get isEmpty(): boolean {
    for (const r of this.ranges.values()) if (r.length > 0) return false;
    return true;
  }

  public rangesOf(protocol: Protocol): readonly PortRange[] {
    return this.ranges.get(protocol) ?? [];
  }

  public contains(protocol: Protocol, port: number): boolean {
    return this.rangesOf(protocol).some(r => r.from <= port && port <= r.to);
  }

  public union(other: PortSet): PortSet {
    const m = new Map<Protocol, PortRange[]>();
    for (const p of PROTOCOLS) {
      const merged = normalize([...this.rangesOf(p), ...other.rangesOf(p)]);
      if (merged.length > 0) m.set(p, merged);
    }
    return new PortSet(m);
  }

  public intersect(other: PortSet): PortSet {
    const m = new Map<Protocol, PortRange[]>();
    for (const p of PROTOCOLS) {
      const out: PortRange[] = [];
      for (const a of this.rangesOf(p)) {
        for (const b of other.rangesOf(p)) {
          const from = Math.max(a.from, b.from);
          const to = Math.min(a.to, b.to);
          if (from <= to) out.push({ from, to });
        }
      }
      const merged = normalize(out);
      if (merged.length > 0) m.set(p, merged);
    }
    return new PortSet(m);
  }

  public equals(other: PortSet): boolean {
    return this.toString() === other.toString();
  }

  /** Stable text form, e.g. `tcp/8080,9000-9010 udp/53`. */
  public toString(): string {
    return PROTOCOLS.filter(p => this.rangesOf(p).length > 0)
      .map(p => `${p}/${this.rangesOf(p).map(formatRange).join(',')}`)
      .join(' ');
  }
}

export function formatRange(r: PortRange): string {
  if (r.from === 1 && r.to === MAX_PORT) return 'any';
  return r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`;
}

function normalize(ranges: PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) {
      out[out.length - 1] = { from: last.from, to: Math.max(last.to, r.to) };
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

export function toProtocol(value: unknown): Protocol | undefined {
  const v = String(value ?? 'TCP').toLowerCase();
  return (PROTOCOLS as readonly string[]).includes(v) ? v as Protocol : undefined;
}
