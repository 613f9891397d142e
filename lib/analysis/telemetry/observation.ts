import { looksLikeId } from './generalise';

/**
 * What one telemetry record says, before it is matched against the manifests. Internal: the
 * parsers produce it, `resolve.ts` maps it to workloads and ports.
 */
export interface ObservedEnd {
  /** Kubernetes namespace, when the record names one. */
  readonly namespace?: string;
  /** Workload name (Istio `*_workload`, Hubble `workloads[].name`). */
  readonly workload?: string;
  /** Pod name, matched to the workload that owns it. */
  readonly pod?: string;
  /** SPIFFE principal (`cluster.local/ns/x/sa/y` or `spiffe://...`). */
  readonly principal?: string;
  /** Pod labels, when the record carries them. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Kubernetes Service name (destination only). */
  readonly service?: string;
  /** DNS name outside the cluster (destination only). */
  readonly host?: string;
  /** IP address, for peers outside the manifests. */
  readonly ip?: string;
  /** The record says the peer is outside the cluster (Hubble `reserved:world`, Istio `unknown`). */
  readonly outside?: boolean;
}

export type Outcome = 'ok' | 'denied' | 'audit';

export interface Observation {
  /** Which side recorded it; the same call seen from both sides is counted once (the larger count). */
  readonly reporter: 'source' | 'destination';
  readonly format: TelemetryFormatName;
  readonly source: ObservedEnd;
  readonly destination: ObservedEnd;
  /** Destination port, if the record has one. */
  readonly port?: number;
  /** `port` is a Service port (Istio outbound cluster), not a pod port. */
  readonly servicePort?: boolean;
  readonly transport: 'tcp' | 'udp' | 'sctp';
  /** An HTTP (or gRPC) request; false for a raw connection. */
  readonly http: boolean;
  /** Seen only at L3/L4 by a tool that cannot tell whether it carried HTTP (Hubble without L7 visibility). */
  readonly l4Only?: boolean;
  readonly method?: string;
  readonly path?: string;
  readonly code?: string;
  readonly outcome: Outcome;
  readonly count: number;
  /** Milliseconds since the epoch. */
  readonly time?: number;
  /** `<file>:<line>` of the first record. */
  readonly origin: string;
}

export type TelemetryFormatName = 'istio-metrics' | 'istio-access-log' | 'hubble';

/** One aggregated group of identical observations. */
export interface Aggregate {
  observation: Observation;
  count: number;
  readonly codes: Map<string, number>;
  first?: number;
  last?: number;
}

/** Distinct path shapes kept per (peer pair, port, method) before longer paths are cut to a prefix. */
export const DEFAULT_MAX_PATHS_PER_GROUP = 200;

/**
 * Folds observations into counts as they stream in. Memory grows with distinct calls, not with
 * records; paths are capped per group so IDs in URLs cannot make it grow with traffic.
 */
export class ObservationStore {
  private readonly groups = new Map<string, Aggregate>();
  private readonly pathsPerGroup = new Map<string, number>();
  public records = 0;
  public truncatedPaths = 0;

  constructor(private readonly maxPathsPerGroup: number = DEFAULT_MAX_PATHS_PER_GROUP) {}

  public add(o: Observation): void {
    this.records++;
    let path = o.path === undefined ? undefined : cleanPath(o.path);
    const groupKey = JSON.stringify([o.reporter, o.source, o.destination, o.port, o.servicePort, o.transport, o.http, o.l4Only, o.method, o.outcome]);
    // Requests that differ only by IDs (`/orders/17`, `/orders/18`) share one entry, which keeps
    // the smallest concrete path: generalisation turns an ID level into a prefix match anyway.
    let key = `${groupKey}|${path === undefined ? '' : idShape(path)}`;
    if (path !== undefined && !this.groups.has(key)) {
      const n = this.pathsPerGroup.get(groupKey) ?? 0;
      if (n >= this.maxPathsPerGroup) {
        path = firstSegmentPrefix(path);
        key = `${groupKey}|${path}`;
        this.truncatedPaths++;
      } else {
        this.pathsPerGroup.set(groupKey, n + 1);
      }
    }
    let agg = this.groups.get(key);
    if (!agg) {
      agg = { observation: { ...o, path, count: 0 }, count: 0, codes: new Map() };
      this.groups.set(key, agg);
    }
    // The smallest concrete path represents the entry, so the result never depends on record order.
    if (path !== undefined && agg.observation.path !== undefined && path < agg.observation.path) agg.observation = { ...agg.observation, path };
    agg.count += o.count;
    if (o.code !== undefined) agg.codes.set(o.code, (agg.codes.get(o.code) ?? 0) + o.count);
    if (o.time !== undefined) {
      agg.first = agg.first === undefined ? o.time : Math.min(agg.first, o.time);
      agg.last = agg.last === undefined ? o.time : Math.max(agg.last, o.time);
    }
  }

  public aggregates(): Aggregate[] {
    return [...this.groups.values()];
  }
}

/** The path with every ID-like segment after the first replaced by `*`. */
export function idShape(path: string): string {
  return path.split('/').map((seg, i) => (i > 1 && looksLikeId(seg) ? '*' : seg)).join('/');
}

/** Drops the query string and fragment: Istio paths match without them. */
export function cleanPath(path: string): string {
  const cut = path.search(/[?#]/);
  const p = cut >= 0 ? path.slice(0, cut) : path;
  return p === '' ? '/' : p;
}

function firstSegmentPrefix(path: string): string {
  const seg = path.split('/').filter(s => s !== '')[0];
  return seg === undefined ? '/' : `/${seg}/*`;
}
