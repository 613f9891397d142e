// Round trip: random estates → synthesize → synthetic telemetry of exactly the declared calls (in
// each format) → `suggest` against the same workloads without links → the pasted links give the
// same analysed access; and `review` of the full app against telemetry missing some links lists
// exactly those links as unused.
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import { evaluateGenerated } from './support';
import { IZeroTrustWorkload, LinkPort, Reachability, ServiceLink, Telemetry, ZeroTrustNamespace, ZeroTrustWorkload } from '../../../lib';
import { deploymentFor } from '../support/objects';

const NUM_RUNS = Number(process.env.ZT_PROPERTY_RUNS ?? 25);
const NAMESPACES = ['alpha', 'beta'];
const PORTS = [5432, 8080, 9090];
const METHODS = ['DELETE', 'GET', 'POST'];
// Exact, prefix and any path: what generalisation produces (it never produces suffix matches).
const PATHS = ['/api/items', '/v1/*'];

const specArb = fc.record({
  workloads: fc.array(fc.record({
    ns: fc.nat(1),
    ports: fc.uniqueArray(fc.constantFrom(...PORTS), { minLength: 1, maxLength: 3 }),
    service: fc.boolean(),
  }), { minLength: 2, maxLength: 6 }),
  links: fc.array(fc.record({
    from: fc.nat(5),
    to: fc.nat(5),
    pick: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    viaService: fc.boolean(),
    http: fc.option(fc.record({
      methods: fc.subarray(METHODS, { minLength: 1 }),
      paths: fc.option(fc.subarray(PATHS, { minLength: 1 }), { nil: undefined }),
    }), { nil: undefined }),
    observed: fc.boolean(),
  }), { minLength: 1, maxLength: 8 }),
});
type Spec = typeof specArb extends fc.Arbitrary<infer T> ? T : never;
type Format = 'istio-access-log' | 'hubble' | 'istio-metrics';

interface DeclaredCall { from: IZeroTrustWorkload; to: IZeroTrustWorkload; port: number; servicePort?: number; requests?: Array<[string, string]> }
interface Built { app: App; pods: any[]; workloads: { [id: string]: IZeroTrustWorkload }; calls: DeclaredCall[][]; observed: boolean[] }

/** Declares the workloads, and the links unless `withLinks` is false. HTTP is dropped for metrics, which carry no paths. */
function build(spec: Spec, format: Format, withLinks: boolean): Built {
  const app = new App();
  const namespaces = NAMESPACES.map(n => new ZeroTrustNamespace(app, n));
  const ws: ZeroTrustWorkload[] = spec.workloads.map((w, i) => namespaces[w.ns].addWorkload(`w${i}`, {
    ports: w.ports.map(number => ({ number })),
    servicePorts: w.service ? w.ports.map(p => ({ port: p + 10000, targetPort: p })) : undefined,
  }));
  const workloads: { [id: string]: IZeroTrustWorkload } = {};
  for (const w of ws) workloads[`${w.namespace}/${w.name}`] = w;
  const calls: DeclaredCall[][] = [];
  const observed: boolean[] = [];
  const pairs = new Set<string>();
  spec.links.forEach((l, k) => {
    const from = l.from % ws.length;
    const to = l.to % ws.length;
    if (from === to || pairs.has(`${from}>${to}`)) return;
    pairs.add(`${from}>${to}`);
    const ports = spec.workloads[to].ports;
    let chosen = ports.filter((_, i) => l.pick[i]);
    if (chosen.length === 0) chosen = [ports[0]];
    const viaService = l.viaService && spec.workloads[to].service;
    const http = format === 'istio-metrics' ? undefined : l.http;
    if (withLinks) {
      new ServiceLink(namespaces[0], `link${k}`, {
        from: ws[from],
        to: ws[to],
        ports: chosen.map(p => (viaService ? LinkPort.service(p + 10000) : LinkPort.tcp(p))),
        http: http && { methods: http.methods, paths: http.paths },
      });
    }
    calls.push(chosen.map(p => ({
      from: ws[from],
      to: ws[to],
      port: p,
      servicePort: viaService ? p + 10000 : undefined,
      requests: http && http.methods.flatMap(m => samplePaths(http.paths).map(path => [m, path] as [string, string])),
    })));
    observed.push(l.observed);
  });
  // The pods themselves, as a team deploys them with each workload's labels and ServiceAccount.
  const pods = ws.map((w, i) => deploymentFor(w, spec.workloads[i].ports.map(number => ({ number }))));
  spec.workloads.forEach((w, i) => {
    if (!w.service) return;
    pods.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: ws[i].name, namespace: ws[i].namespace },
      spec: { selector: ws[i].podLabels, ports: w.ports.map(p => ({ name: `p${p}`, port: p + 10000, targetPort: p, protocol: 'TCP' })) },
    });
  });
  return { app, pods, workloads, calls, observed };
}

/** Requests that exercise each declared path: exact as is, prefixes with IDs, any path with many top-level paths. */
function samplePaths(paths: string[] | undefined): string[] {
  if (!paths) return ['/a', '/b', '/c', '/d', '/e'];
  return paths.flatMap(p => (p.endsWith('/*') ? [`${p.slice(0, -1)}1001`, `${p.slice(0, -1)}1002`] : [p]));
}

/** Synthetic telemetry of exactly these calls, in one format. */
function telemetryOf(calls: DeclaredCall[], format: Format): Telemetry {
  const lines: string[] = [];
  const series: any[] = [];
  for (const c of calls) {
    if (format === 'istio-access-log') {
      const requests: Array<[string | null, string | null]> = c.requests ?? [[null, null]];
      for (const [method, path] of requests) {
        const http = method ? { method, path, protocol: 'HTTP/1.1', response_code: 200 } : { method: null, path: null, protocol: null, response_code: 0 };
        lines.push(JSON.stringify(c.servicePort
          ? { ...http, upstream_cluster: `outbound|${c.servicePort}||${c.to.name}.${c.to.namespace}.svc.cluster.local`, pod_name: `${c.from.name}-5d9f8-x2k4p`, pod_namespace: c.from.namespace }
          : { ...http, upstream_cluster: `inbound|${c.port}||`, downstream_peer_uri_san: `spiffe://${c.from.principal}`, pod_name: `${c.to.name}-5d9f8-x2k4p`, pod_namespace: c.to.namespace }));
      }
    } else if (format === 'hubble') {
      const end = (w: IZeroTrustWorkload) => ({ namespace: w.namespace, pod_name: `${w.name}-5d9f8-x2k4p`, workloads: [{ name: w.name, kind: 'Deployment' }], labels: [] });
      const base = { verdict: 'FORWARDED', source: end(c.from), destination: end(c.to), traffic_direction: 'EGRESS', is_reply: false };
      lines.push(JSON.stringify({ flow: { ...base, Type: 'L3_L4', l4: { TCP: { source_port: 40000, destination_port: c.port, flags: { SYN: true } } } } }));
      for (const [method, path] of c.requests ?? []) {
        lines.push(JSON.stringify({ flow: { ...base, Type: 'L7', l4: { TCP: { source_port: 40000, destination_port: c.port } }, l7: { type: 'REQUEST', http: { method, url: `http://${c.to.name}:${c.port}${path}` } } } }));
      }
    } else {
      series.push({
        metric: {
          source_workload: c.from.name,
          source_workload_namespace: c.from.namespace,
          destination_workload: c.to.name,
          destination_workload_namespace: c.to.namespace,
          request_protocol: 'tcp',
          destination_port: String(c.port),
        },
        value: [1795340800, '3'],
      });
    }
  }
  const text = format === 'istio-metrics' ? JSON.stringify({ status: 'success', data: { resultType: 'vector', result: series } }) : lines.join('\n');
  return Telemetry.fromText(text === '' ? '{"status":"success","data":{"resultType":"vector","result":[]}}' : text, `synthetic-${format}`);
}

const nonPlatform = (r: Reachability) => r.allowedPaths({ platform: false });
const analyse = (b: Built) => Reachability.fromManifests([...b.app.charts.flatMap(c => c.toJson()), ...b.pods]);

describe.each<Format>(['istio-access-log', 'hubble', 'istio-metrics'])('%s', format => {
  test('suggest on the app without links reproduces the declared access', () => {
    fc.assert(fc.property(specArb, spec => {
      const full = build(spec, format, true);
      const declared = analyse(full);
      const bare = build(spec, format, false);
      const suggestion = analyse(bare).suggest(telemetryOf(full.calls.flat(), format));
      expect(suggestion.comments).toEqual([]);
      expect(suggestion.unattributed).toEqual([]);
      if (suggestion.links.length > 0) evaluateGenerated(suggestion.code).addObservedLinks(bare.app.charts[0], bare.workloads);
      expect(nonPlatform(analyse(bare))).toEqual(nonPlatform(declared));
    }), { numRuns: NUM_RUNS });
  });

  test('review of the full app against partial telemetry lists exactly the links left out', () => {
    fc.assert(fc.property(specArb, spec => {
      const full = build(spec, format, true);
      const seen = full.calls.filter((_, i) => full.observed[i]).flat();
      const review = analyse(full).review(telemetryOf(seen, format));
      const pair = (c: DeclaredCall) => `${c.from.namespace}/${c.from.name} -> ${c.to.namespace}/${c.to.name}`;
      const omitted = new Set(full.calls.filter((_, i) => !full.observed[i]).flat().map(c => `${pair(c)} tcp/${c.port}`));
      expect(new Set(review.unused.map(u => u.path))).toEqual(omitted);
      expect(review.denied).toEqual([]);
    }), { numRuns: NUM_RUNS });
  });
});
