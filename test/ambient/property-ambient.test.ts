// The core promise in every data plane: on random estates, each namespace sidecar or ambient at
// random, some ambient workloads with a waypoint of their own, the ambient evaluator admits
// exactly the declared calls, per pod pair, port, request and addressing (Service or pod),
// whichever mix of data planes the links cross, and so do public routes through the ingress
// gateway and address ranges from outside; and the analyzer allows exactly what it allows on
// the same declarations rendered for sidecars.
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import { deployAndAdopt } from '../../examples/reference/scenario';
import { AddressIngress, DataPlane, LinkPort, PublicRoute, Reachability, ServiceLink, ZeroTrustNamespace } from '../../lib';
import { l4IngressFromAddress, meshVerdict } from '../edges/support/edge-eval';
import { ambientCall, ambientPodsOf, meshOf } from '../support/ambient-eval';
import { istioMatch, Pod, Request } from '../support/policy-eval';
import { synthApp } from '../support/synth';

/** Estates per run; each is synthesized and probed call by call. ZT_PROPERTY_RUNS raises it locally. */
const NUM_RUNS = Math.ceil(Number(process.env.ZT_PROPERTY_RUNS ?? 300) / 10);

const PORTS = [5432, 8080, 9090];
const METHODS = ['DELETE', 'GET', 'POST'];
const PATHS = ['*.json', '/api/items', '/v1/*'];
const REQUESTS: Omit<Request, 'port'>[] = [
  {}, { method: 'GET', path: '/api/items' }, { method: 'POST', path: '/v1/charges' }, { method: 'DELETE', path: '/data.json' }, { method: 'PUT', path: '/other' },
];

const httpArb = fc.oneof(
  fc.record({ methods: fc.subarray(METHODS, { minLength: 1 }) }),
  fc.record({ paths: fc.subarray(PATHS, { minLength: 1 }) }),
  fc.record({ methods: fc.subarray(METHODS, { minLength: 1 }), paths: fc.subarray(PATHS, { minLength: 1 }) }),
);

const estateArb = fc.record({
  planes: fc.array(fc.constantFrom(DataPlane.SIDECAR, DataPlane.AMBIENT), { minLength: 3, maxLength: 3 }),
  workloads: fc.array(fc.record({
    ns: fc.nat(2),
    ports: fc.uniqueArray(fc.constantFrom(...PORTS), { minLength: 1, maxLength: 3 }),
    // A waypoint of its own (honoured in ambient namespaces only).
    own: fc.boolean(),
  }), { minLength: 2, maxLength: 5 }),
  links: fc.array(fc.record({
    from: fc.nat(4),
    to: fc.nat(4),
    pick: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    http: fc.option(httpArb, { nil: undefined }),
  }), { maxLength: 6 }),
  publicRoutes: fc.array(fc.record({ to: fc.nat(4), port: fc.nat(2), methods: fc.option(fc.subarray(['GET', 'POST'], { minLength: 1 }), { nil: undefined }) }), { maxLength: 2 }),
  addressIngress: fc.array(fc.record({ to: fc.nat(4), port: fc.nat(2), cidr: fc.constantFrom('192.0.2.0/24', '203.0.113.0/25') }), { maxLength: 2 }),
});

/** The ingress gateway as Istio installs it (a sidecar-mode proxy in istio-system). */
const GATEWAY: Pod = {
  namespace: 'istio-system',
  name: 'istio-ingressgateway',
  labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
  serviceAccount: 'istio-ingressgateway-service-account',
  ports: [],
  sidecar: true,
};
/** Outside addresses: inside each range, and outside both. */
const OUTSIDE_IPS = ['192.0.2.10', '203.0.113.10', '203.0.113.200'];
const inRange = (ip: string, cidr: string) => (cidr === '192.0.2.0/24' ? ip.startsWith('192.0.2.') : ip.startsWith('203.0.113.') && Number(ip.split('.')[3]) < 128);

interface Route { readonly to: string; readonly port: number; readonly methods?: string[] }
interface Range { readonly to: string; readonly port: number; readonly cidr: string }

interface Declared { readonly from: string; readonly to: string; readonly ports: number[]; readonly http?: { methods?: string[]; paths?: string[] } }

describe('property: exactly the declared access, in both data planes and mixed', () => {
  test('random estates', () => {
    fc.assert(fc.property(estateArb, spec => {
      const app = new App();
      const namespaces = ['alpha', 'beta', 'gamma'].map((n, i) => new ZeroTrustNamespace(app, n, { dataPlane: spec.planes[i] }));
      const workloads = spec.workloads.map((w, i) => deployAndAdopt(namespaces[w.ns], `w${i}`, w.ports.map(p => ({ number: p, name: `p${p}` })), undefined,
        { ownWaypoint: w.own && spec.planes[w.ns] === DataPlane.AMBIENT ? true : undefined }));
      const declared: Declared[] = [];
      const pairs = new Set<string>();
      for (const l of spec.links) {
        const from = workloads[l.from % workloads.length];
        const to = workloads[l.to % workloads.length];
        const serverPorts = spec.workloads[l.to % workloads.length].ports;
        const ports = serverPorts.filter((_p, i) => l.pick[i]);
        const pair = `${from.namespace}/${from.name} ${to.namespace}/${to.name}`;
        if (from === to || ports.length === 0 || pairs.has(pair)) continue;
        pairs.add(pair);
        new ServiceLink(namespaces[0], `l${declared.length}`, { from, to, ports: ports.map(p => LinkPort.tcp(p)), http: l.http });
        declared.push({ from: `${from.namespace}/${from.name}`, to: `${to.namespace}/${to.name}`, ports, http: l.http });
      }
      const routes: Route[] = [];
      for (const r of spec.publicRoutes) {
        const i = r.to % workloads.length;
        const port = spec.workloads[i].ports[r.port % spec.workloads[i].ports.length];
        if (routes.some(x => x.to === `${workloads[i].namespace}/${workloads[i].name}`)) continue;
        new PublicRoute(namespaces[0], `public-${i}`, { workload: workloads[i], ports: [LinkPort.tcp(port)], http: r.methods ? { methods: r.methods } : undefined });
        routes.push({ to: `${workloads[i].namespace}/${workloads[i].name}`, port, methods: r.methods });
      }
      const ranges: Range[] = [];
      for (const a of spec.addressIngress) {
        const i = a.to % workloads.length;
        const port = spec.workloads[i].ports[a.port % spec.workloads[i].ports.length];
        const to = `${workloads[i].namespace}/${workloads[i].name}`;
        if (ranges.some(x => x.to === to && x.cidr === a.cidr && x.port === port)) continue;
        new AddressIngress(namespaces[0], `range-${ranges.length}`, { to: workloads[i], cidr: a.cidr, ports: [LinkPort.tcp(port)] });
        ranges.push({ to, port, cidr: a.cidr });
      }
      const manifests = synthApp(app);
      // The analyzer finds the same access as on the all-sidecar twin (which the analysis property test pins to the declarations).
      const twin = new App();
      const twinNs = ['alpha', 'beta', 'gamma'].map(n => new ZeroTrustNamespace(twin, n));
      const twinWorkloads = spec.workloads.map((w, i) => deployAndAdopt(twinNs[w.ns], `w${i}`, w.ports.map(p => ({ number: p, name: `p${p}` }))));
      declared.forEach((d, i) => {
        const at = (id: string) => twinWorkloads.find(w => `${w.namespace}/${w.name}` === id)!;
        new ServiceLink(twinNs[0], `l${i}`, { from: at(d.from), to: at(d.to), ports: d.ports.map(p => LinkPort.tcp(p)), http: d.http });
      });
      const twinAt = (id: string) => twinWorkloads.find(w => `${w.namespace}/${w.name}` === id)!;
      routes.forEach((r, i) => new PublicRoute(twinNs[0], `public-${i}`, { workload: twinAt(r.to), ports: [LinkPort.tcp(r.port)], http: r.methods ? { methods: r.methods } : undefined }));
      ranges.forEach((a, i) => new AddressIngress(twinNs[0], `range-${i}`, { to: twinAt(a.to), cidr: a.cidr, ports: [LinkPort.tcp(a.port)] }));
      const analysed = Reachability.fromManifests(manifests);
      expect(analysed.allowedPaths()).toEqual(Reachability.fromManifests(synthApp(twin)).allowedPaths());
      expect(analysed.findings().filter(f => f.message.startsWith('targetRef(s)'))).toEqual([]);
      const pods = ambientPodsOf(manifests).filter(p => /^w\d$/.test(p.name));
      const mismatches: string[] = [];
      for (const src of pods) {
        for (const dst of pods) {
          if (src === dst) continue;
          const link = declared.find(d => d.from === `${src.namespace}/${src.name}` && d.to === `${dst.namespace}/${dst.name}`);
          for (const { port } of dst.ports) {
            for (const r of REQUESTS) {
              for (const addressing of ['service', 'pod'] as const) {
                const req = { port, ...r };
                // HTTP rules hold for Service calls; a pod call skips an ambient server's waypoint, so it is refused for them.
                const httpOk = !link?.http || (req.method !== undefined && (addressing === 'service' || meshOf(manifests, dst.namespace) === 'sidecar')
                  && (link.http.methods ?? ['*']).some(m => istioMatch(m, req.method)) && (link.http.paths ?? ['*']).some(p => istioMatch(p, req.path)));
                const expected = link !== undefined && link.ports.includes(port) && httpOk;
                const verdict = ambientCall(manifests, src, dst, req, addressing);
                if (verdict.allowed !== expected) {
                  mismatches.push(`${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name}:${port} ${r.method ?? 'TCP'} ${r.path ?? ''} (${addressing}): ${verdict.allowed ? 'admitted' : `refused by ${verdict.by} at ${verdict.at}`}, expected ${expected}`);
                }
              }
            }
          }
        }
      }
      // The ways in from outside: the gateway's calls (through the Service, or to the pod) and outside addresses.
      const hasWaypoint = (id: string) => meshOf(manifests, id.split('/')[0]) === 'ambient'
        && (declared.some(d => d.to === id && d.http) || routes.some(r => r.to === id && r.methods));
      for (const dst of pods) {
        const id = `${dst.namespace}/${dst.name}`;
        const route = routes.find(r => r.to === id);
        const sidecarServer = meshOf(manifests, dst.namespace) === 'sidecar';
        for (const { port } of dst.ports) {
          for (const r of REQUESTS) {
            for (const addressing of ['service', 'pod'] as const) {
              const req = { port, ...r };
              const reachable = addressing === 'service' || sidecarServer || (!route?.methods && !hasWaypoint(id));
              const expected = route !== undefined && route.port === port && reachable
                && (!route.methods || (req.method !== undefined && route.methods.includes(req.method)));
              const verdict = ambientCall(manifests, GATEWAY, dst, req, addressing);
              if (verdict.allowed !== expected) {
                mismatches.push(`gateway -> ${id}:${port} ${r.method ?? 'TCP'} ${r.path ?? ''} (${addressing}): ${verdict.allowed ? 'admitted' : `refused by ${verdict.by} at ${verdict.at}`}, expected ${expected}`);
              }
            }
          }
          // ztunnel enforces the selector-bound policies alone; a sidecar enforces every policy of its namespace.
          const l7View = sidecarServer ? manifests : manifests.filter(m => !(m.kind === 'AuthorizationPolicy' && m.spec.targetRefs));
          for (const ip of OUTSIDE_IPS) {
            const expected = ranges.some(a => a.to === id && a.port === port && inRange(ip, a.cidr));
            const admitted = l4IngressFromAddress(manifests, ip, dst, port) && meshVerdict(l7View, dst, { sourceIp: ip, port }) === 200;
            if (admitted !== expected) mismatches.push(`${ip} -> ${id}:${port}: ${admitted ? 'admitted' : 'refused'}, expected ${expected}`);
          }
        }
      }
      expect({ planes: spec.planes, mismatches }).toEqual({ planes: spec.planes, mismatches: [] });
    }), { numRuns: NUM_RUNS });
  });
});
