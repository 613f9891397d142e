import { Estate, ServiceInfo, Workload } from '../estate/model';
import { PortRange, PortSet, Protocol, PROTOCOLS } from '../l4/port-set';
import { ApplicablePolicies } from '../l7/authorization';

export interface PortSegment {
  readonly protocol: Protocol;
  readonly range: PortRange;
  /** Set when the segment is exactly one declared container port. */
  readonly declaredName?: string;
  readonly declared: boolean;
}

/**
 * Splits an L4 port set into segments inside which every port gets the same L7 answer: each
 * declared container port, and each port an Istio policy names, becomes its own segment.
 */
export function segmentsOf(ports: PortSet, destination: Workload, cutPoints: ReadonlySet<number>): PortSegment[] {
  const out: PortSegment[] = [];
  for (const protocol of PROTOCOLS) {
    const declared = new Map<number, string | undefined>();
    for (const c of destination.ports) if (c.protocol === protocol) declared.set(c.port, c.name);
    const cuts = new Set<number>([...declared.keys(), ...(protocol === 'tcp' ? cutPoints : [])]);
    for (const r of ports.rangesOf(protocol)) {
      const points = [...cuts].filter(p => p >= r.from && p <= r.to).sort((a, b) => a - b);
      let start = r.from;
      for (const p of points) {
        if (p > start) out.push({ protocol, range: { from: start, to: p - 1 }, declared: false });
        out.push({ protocol, range: { from: p, to: p }, declared: declared.has(p), declaredName: declared.get(p) });
        start = p + 1;
      }
      if (start <= r.to) out.push({ protocol, range: { from: start, to: r.to }, declared: false });
    }
  }
  return out;
}

/**
 * Ports where the L7 answer can change for one destination: those its AuthorizationPolicies
 * name (ports, notPorts, destination.port conditions) and its namespace's port-level mTLS.
 */
export function l7CutPoints(estate: Estate, policies: ApplicablePolicies, destination: Workload): Set<number> {
  const out = new Set<number>();
  const add = (port: unknown) => {
    const n = Number(port);
    if (Number.isInteger(n) && n >= 1 && n <= 65535) out.add(n);
  };
  for (const p of estate.peerAuthentications) if (p.namespace === destination.namespace) for (const port of p.portLevel.keys()) add(port);
  for (const p of [...policies.enforced, ...policies.dryRun]) {
    for (const rule of p.rules) {
      for (const op of rule.to ?? []) for (const port of [...(op.ports ?? []), ...(op.notPorts ?? [])]) add(port);
      for (const c of rule.when ?? []) {
        if (c.key === 'destination.port') for (const v of [...(c.values ?? []), ...(c.notValues ?? [])]) add(v);
      }
    }
  }
  return out;
}

/** Services of the destination's namespace that select it and target this container port. */
export function servicePortsFor(estate: Estate, destination: Workload, protocol: Protocol, port: number): string[] {
  const name = destination.ports.find(c => c.protocol === protocol && c.port === port)?.name;
  const out: string[] = [];
  for (const s of servicesByNamespace(estate).get(destination.namespace) ?? []) {
    if (!s.selector || Object.keys(s.selector).length === 0) continue;
    if (!Object.entries(s.selector).every(([k, v]) => destination.labels[k] === v)) continue;
    for (const p of s.ports) {
      if (p.protocol !== protocol) continue;
      if (p.targetPort === port || (typeof p.targetPort === 'string' && p.targetPort === name)) out.push(`${s.name}:${p.port}`);
    }
  }
  return out.sort();
}

// Looked up once per path: index Services by namespace once per estate.
const SERVICE_INDEX = new WeakMap<Estate, Map<string, ServiceInfo[]>>();

function servicesByNamespace(estate: Estate): Map<string, ServiceInfo[]> {
  let index = SERVICE_INDEX.get(estate);
  if (!index) {
    index = new Map();
    for (const s of estate.services) {
      if (!index.has(s.namespace)) index.set(s.namespace, []);
      index.get(s.namespace)!.push(s);
    }
    SERVICE_INDEX.set(estate, index);
  }
  return index;
}
