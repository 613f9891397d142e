import { Aggregate, ObservedEnd, Outcome, TelemetryFormatName } from './observation';
import { Estate, Workload } from '../estate/model';
import { compareText } from '../order';

/** A call between two workloads of the manifests, with the pod port it reached. */
export interface ResolvedCall {
  readonly source: Workload;
  readonly destination: Workload;
  /** Pod port; undefined when the telemetry has none and the destination has several (see `candidates`). */
  readonly port?: number;
  /** Pod ports the call may have reached, when `port` is unknown. */
  readonly candidates: readonly number[];
  /** The Service port the caller used, when that is what was observed. */
  readonly servicePort?: number;
  readonly transport: 'tcp' | 'udp' | 'sctp';
  readonly http: boolean;
  readonly l4Only: boolean;
  readonly method?: string;
  readonly path?: string;
  readonly outcome: Outcome;
  readonly reporter: string;
  readonly format: TelemetryFormatName;
  readonly aggregate: Aggregate;
}

/** A call with one end outside the manifests: an outside host or address, or an unknown caller. */
export interface OutsideCall {
  readonly direction: 'egress' | 'ingress';
  /** The workload of the manifests at our end. */
  readonly workload: Workload;
  /** The outside peer as the telemetry names it. */
  readonly peer: string;
  /** A DNS name, when known (HostEgress needs one). */
  readonly host?: string;
  readonly ip?: string;
  readonly port?: number;
  readonly aggregate: Aggregate;
}

/** Records that could not be tied to the manifests, by reason. */
export interface Unattributed {
  readonly reason: string;
  readonly count: number;
  readonly origin: string;
}

export interface Resolution {
  readonly calls: ResolvedCall[];
  readonly outside: OutsideCall[];
  readonly unattributed: Unattributed[];
}

type EndResult = { workload: Workload } | { outside: string; host?: string; ip?: string } | { error: string };

/** Maps observed names (workloads, pods, principals, Service hosts) to the workloads of the estate. */
export function resolveObservations(estate: Estate, aggregates: readonly Aggregate[]): Resolution {
  const finder = new WorkloadFinder(estate);
  const calls: ResolvedCall[] = [];
  const outside: OutsideCall[] = [];
  const unattributed = new Map<string, { count: number; origin: string }>();
  const skip = (reason: string, a: Aggregate) => {
    const hit = unattributed.get(reason);
    if (hit) hit.count += a.count;
    else unattributed.set(reason, { count: a.count, origin: a.observation.origin });
  };
  for (const a of aggregates) {
    if (a.count === 0) continue;
    const o = a.observation;
    const src = finder.end(o.source);
    const dst = finder.end(o.destination);
    if ('error' in src) { skip(`source: ${src.error}`, a); continue; }
    if ('error' in dst) { skip(`destination: ${dst.error}`, a); continue; }
    if ('outside' in src && 'outside' in dst) { skip('neither end is a workload of the manifests', a); continue; }
    if ('outside' in dst) {
      outside.push({ direction: 'egress', workload: (src as { workload: Workload }).workload, peer: dst.outside, host: dst.host, ip: dst.ip, port: o.port, aggregate: a });
      continue;
    }
    const destination = dst.workload;
    if ('outside' in src) {
      outside.push({ direction: 'ingress', workload: destination, peer: src.outside, port: o.port, aggregate: a });
      continue;
    }
    const source = src.workload;
    if (source.id === destination.id) continue;
    let port = o.port;
    let candidates: number[] = [];
    if (o.port !== undefined && o.servicePort) {
      port = finder.targetPort(destination, o.destination.service!, o.port);
      if (port === undefined) { skip(`Service ${o.destination.namespace}/${o.destination.service} has no port ${o.port} that targets ${destination.id}`, a); continue; }
    }
    if (port === undefined) {
      candidates = finder.candidatePorts(destination, o.transport, o.destination.service);
      if (candidates.length === 1) port = candidates[0];
      if (candidates.length === 0) { skip(`${destination.id} declares no ${o.transport.toUpperCase()} port`, a); continue; }
    }
    calls.push({
      source,
      destination,
      port,
      candidates: port === undefined ? candidates : [],
      servicePort: o.servicePort ? o.port : undefined,
      transport: o.transport,
      http: o.http,
      l4Only: Boolean(o.l4Only),
      method: o.method,
      path: o.path,
      outcome: o.outcome,
      reporter: o.reporter,
      format: o.format,
      aggregate: a,
    });
  }
  return {
    calls,
    outside,
    unattributed: [...unattributed.entries()].map(([reason, v]) => ({ reason, ...v })).sort((x, y) => compareText(x.reason, y.reason)),
  };
}

class WorkloadFinder {
  private readonly byId = new Map<string, Workload>();
  private readonly cache = new Map<string, EndResult>();

  constructor(private readonly estate: Estate) {
    for (const w of estate.workloads) this.byId.set(w.id, w);
  }

  public end(e: ObservedEnd): EndResult {
    const key = JSON.stringify(e);
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.find(e);
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** The pod port a Service port targets on this workload. */
  public targetPort(w: Workload, service: string, port: number): number | undefined {
    const s = this.estate.services.find(x => x.namespace === w.namespace && x.name === service);
    const p = s?.ports.find(x => x.port === port);
    if (!p) return undefined;
    if (typeof p.targetPort === 'number') return p.targetPort;
    return w.ports.find(c => c.name === p.targetPort)?.port;
  }

  /** Pod ports a call without a port may have reached: the Service's targets, else the declared ports. */
  public candidatePorts(w: Workload, transport: string, service?: string): number[] {
    const declared = w.ports.filter(c => c.protocol === transport).map(c => c.port);
    const s = service ? this.estate.services.find(x => x.namespace === w.namespace && x.name === service) : undefined;
    const viaService = s
      ? s.ports.filter(p => p.protocol === transport).map(p => this.targetPort(w, s.name, p.port)).filter((p): p is number => p !== undefined)
      : [];
    return [...new Set(viaService.length > 0 ? viaService : declared)].sort((a, b) => a - b);
  }

  private find(e: ObservedEnd): EndResult {
    if (e.outside) {
      return { outside: e.host ?? e.ip ?? e.principal ?? 'outside the mesh', host: e.host, ip: e.ip };
    }
    if (e.workload && e.namespace) {
      const w = this.byId.get(`${e.namespace}/${e.workload}`);
      // Platform workloads the analyzer assumes (the ingress gateway, kube-dns, istiod) are not the
      // app's to link: a call from one is a way in from outside the manifests.
      if (w) return w.platform ? { outside: w.id } : { workload: w };
      // A peer the manifests do not hold (the ingress gateway, another team's app) is outside them.
      if (!e.pod && !e.labels) return { outside: `${e.namespace}/${e.workload}` };
    }
    if (e.principal) return this.byPrincipal(e.principal);
    if (e.service && e.namespace) {
      const s = this.estate.services.find(x => x.namespace === e.namespace && x.name === e.service);
      if (!s) return { error: `Service ${e.namespace}/${e.service} is not in the manifests` };
      const selected = this.estate.workloads.filter(w => w.namespace === s.namespace && s.selector && Object.keys(s.selector).length > 0
        && Object.entries(s.selector).every(([k, v]) => w.labels[k] === v));
      if (selected.length === 1) return { workload: selected[0] };
      return { error: `Service ${e.namespace}/${e.service} selects ${selected.length === 0 ? 'no workload' : `several workloads (${selected.map(w => w.id).join(', ')})`}` };
    }
    const pool = this.estate.workloads.filter(w => !w.platform && (!e.namespace || w.namespace === e.namespace));
    if (e.labels && Object.keys(e.labels).length > 0) {
      const matching = pool.filter(w => Object.keys(w.labels).length > 0 && Object.entries(w.labels).every(([k, v]) => e.labels![k] === v));
      if (matching.length === 1) return { workload: matching[0] };
    }
    if (e.pod) {
      const owners = pool.filter(w => e.pod === w.name || e.pod!.startsWith(`${w.name}-`));
      const longest = Math.max(0, ...owners.map(w => w.name.length));
      const best = owners.filter(w => w.name.length === longest);
      if (best.length === 1) return { workload: best[0] };
      return { error: best.length === 0 ? `pod ${e.namespace ? `${e.namespace}/` : ''}${e.pod} belongs to no workload of the manifests` : `pod ${e.pod} matches several workloads` };
    }
    return { error: 'the record names no workload, pod or principal' };
  }

  private byPrincipal(principal: string): EndResult {
    const m = /(?:^|\/)ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
    if (!m) return { outside: principal };
    const owners = this.estate.workloads.filter(w => !w.platform && w.namespace === m[1] && w.serviceAccount === m[2]);
    if (owners.length === 1) return { workload: owners[0] };
    return owners.length === 0 ? { outside: principal } : { error: `principal ${principal} is shared by ${owners.map(w => w.id).join(', ')}` };
  }
}
