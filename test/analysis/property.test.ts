// The library's core promise, checked on random estates built with its own constructs:
// the analyzer's allowed set equals the declared links exactly, at L4 and at L7, plus DNS and istiod.
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import { AddressIngress, LinkPort, PublicRoute, Reachability, ServiceLink, TransportProtocol, ZeroTrustNamespace, ZeroTrustWorkload } from '../../lib';
import { platformLines } from './support/convention-manifests';
import { deploymentFor } from './support/objects';

/**
 * Estates per CI run: enough to hit cross-namespace, named, Service and UDP ports with and without
 * HTTP rules in a few seconds. ZT_PROPERTY_RUNS=3000 runs a deeper search locally.
 */
const NUM_RUNS = Number(process.env.ZT_PROPERTY_RUNS ?? 300);

const NAMESPACES = ['alpha', 'beta', 'gamma'];
const PORTS = [5432, 6379, 8080, 8443, 9090];
// Sorted, so the order the constructs keep is the order expected here.
const METHODS = ['DELETE', 'GET', 'POST', 'PUT'];
const PATHS = ['*.json', '/api/items', '/v1/*'];

const estateArb = fc.record({
  namespaces: fc.integer({ min: 1, max: 3 }),
  workloads: fc.array(fc.record({
    ns: fc.nat(2),
    ports: fc.uniqueArray(fc.constantFrom(...PORTS), { minLength: 1, maxLength: 3 }),
    udp: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    named: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    service: fc.boolean(),
  }), { minLength: 2, maxLength: 7 }),
  links: fc.array(fc.record({
    from: fc.nat(6),
    to: fc.nat(6),
    pick: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    by: fc.constantFrom('number', 'named', 'service'),
    range: fc.boolean(),
    http: fc.option(fc.record({
      methods: fc.option(fc.subarray(METHODS, { minLength: 1 }), { nil: undefined }),
      paths: fc.option(fc.subarray(PATHS, { minLength: 1 }), { nil: undefined }),
    }), { nil: undefined }),
  }), { maxLength: 10 }),
  // Ways in from outside (issue 14): the public through the gateway, and partners' address ranges.
  publicRoutes: fc.array(fc.record({
    to: fc.nat(6),
    methods: fc.option(fc.subarray(['GET', 'POST'], { minLength: 1 }), { nil: undefined }),
  }), { maxLength: 2 }),
  addressIngress: fc.array(fc.record({
    to: fc.nat(6),
    cidr: fc.constantFrom('192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/25'),
    port: fc.nat(2),
  }), { maxLength: 3 }),
});

/** The ingress gateway as istioctl installs it; the app's manifests never contain it. */
const GATEWAY = 'istio-system/istio-ingressgateway';
const GATEWAY_DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
  spec: {
    selector: { matchLabels: { istio: 'ingressgateway' } },
    template: {
      metadata: { labels: { istio: 'ingressgateway' } },
      spec: { serviceAccountName: 'istio-ingressgateway-service-account', containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] },
    },
  },
};
/** The gateway's own traffic is istio-system's business (no policy there): only its paths into the estate are compared. */
const intoEstate = (line: string) => !line.includes(`-> ${GATEWAY} `) && (!line.startsWith(`${GATEWAY} ->`) || NAMESPACES.some(n => line.startsWith(`${GATEWAY} -> ${n}/`)));

type EstateSpec = typeof estateArb extends fc.Arbitrary<infer T> ? T : never;

interface Built {
  readonly manifests: any[];
  readonly expected: string[];
  readonly expectedL4: string[];
}

/** Declares the estate with the library's constructs and derives, independently, what must be open. */
function build(spec: EstateSpec): Built {
  const app = new App();
  const namespaces = NAMESPACES.slice(0, spec.namespaces).map(n => new ZeroTrustNamespace(app, n));
  const ports = spec.workloads.map(w => w.ports.map((number, i) => ({ number, udp: w.udp[i], name: w.named[i] ? `p${number}` : undefined })));
  const workloads: ZeroTrustWorkload[] = spec.workloads.map((w, i) => namespaces[w.ns % spec.namespaces].addWorkload(`w${i}`, {
    ports: ports[i].map(p => ({ number: p.number, name: p.name, protocol: p.udp ? TransportProtocol.UDP : TransportProtocol.TCP })),
    servicePorts: w.service ? ports[i].filter(p => !p.udp).map(p => ({ port: p.number + 10000, targetPort: p.number })) : undefined,
  }));
  const id = (w: ZeroTrustWorkload) => `${w.namespace}/${w.name}`;

  const expected = new Set<string>(workloads.flatMap(w => platformLines(id(w))));
  const expectedL4 = new Set<string>();
  const pairs = new Set<string>();
  spec.links.forEach((l, k) => {
    const from = l.from % workloads.length;
    const to = l.to % workloads.length;
    if (from === to || pairs.has(`${from}>${to}`)) return;
    pairs.add(`${from}>${to}`);
    let chosen = ports[to].filter((_, i) => l.pick[i]);
    if (chosen.length === 0) chosen = [ports[to][0]];
    const hasService = spec.workloads[to].service;
    const linkPorts = chosen.map(p => {
      if (l.by === 'named' && p.name) return LinkPort.named(p.name);
      if (l.by === 'service' && hasService && !p.udp) return LinkPort.service(p.number + 10000);
      return p.udp ? LinkPort.udp(p.number) : LinkPort.tcp(p.number);
    });
    const http = l.http && (l.http.methods || l.http.paths) && chosen.every(p => !p.udp) ? l.http : undefined;
    // A small TCP range away from the declared ports (Istio lists it port by port).
    const ranges = l.range && chosen.every(p => !p.udp) ? [LinkPort.tcpRange(7000, 7002)] : [];
    new ServiceLink(namespaces[spec.workloads[from].ns % spec.namespaces], `link-${k}`, {
      from: workloads[from], to: workloads[to], ports: [...linkPorts, ...ranges], http,
    });
    if (ranges.length > 0) {
      const key = `${id(workloads[from])} -> ${id(workloads[to])} tcp/7000-7002`;
      expectedL4.add(key);
      expected.add(http ? `${key} ${http.methods?.join(',') ?? '*'} ${http.paths?.join(',') ?? '*'}` : key);
    }
    for (const p of chosen) {
      const key = `${id(workloads[from])} -> ${id(workloads[to])} ${p.udp ? 'udp' : 'tcp'}/${p.number}`;
      expectedL4.add(key);
      expected.add(http ? `${key} ${http.methods?.join(',') ?? '*'} ${http.paths?.join(',') ?? '*'}` : key);
    }
  });

  const routed = new Set<number>();
  for (const r of spec.publicRoutes) {
    const to = r.to % workloads.length;
    const tcp = ports[to].find(p => !p.udp);
    if (!tcp || routed.has(to)) continue;
    routed.add(to);
    new PublicRoute(namespaces[spec.workloads[to].ns % spec.namespaces], `public-${to}`, {
      workload: workloads[to], ports: [LinkPort.tcp(tcp.number)], http: r.methods ? { methods: r.methods } : undefined,
    });
    const key = `${GATEWAY} -> ${id(workloads[to])} tcp/${tcp.number}`;
    expectedL4.add(key);
    expected.add(r.methods ? `${key} ${r.methods.join(',')} *` : key);
  }
  const admitted = new Set<string>();
  spec.addressIngress.forEach((a, k) => {
    const to = a.to % workloads.length;
    const port = ports[to][a.port % ports[to].length];
    if (admitted.has(`${to} ${a.cidr} ${port.number}`)) return;
    admitted.add(`${to} ${a.cidr} ${port.number}`);
    new AddressIngress(namespaces[spec.workloads[to].ns % spec.namespaces], `range-${k}`, {
      to: workloads[to], cidr: a.cidr, ports: [port.udp ? LinkPort.udp(port.number) : LinkPort.tcp(port.number)],
    });
    const key = `external (${a.cidr}) -> ${id(workloads[to])} ${port.udp ? 'udp' : 'tcp'}/${port.number}`;
    expectedL4.add(key);
    expected.add(key);
  });

  // The pods themselves: what a team deploys with the workload's labels and ServiceAccount.
  const pods = workloads.map((w, i) => deploymentFor(w, ports[i].map(p => ({ number: p.number, name: p.name, protocol: p.udp ? 'UDP' : 'TCP' }))));
  const manifests = [...app.charts.flatMap(c => c.toJson()), ...pods, GATEWAY_DEPLOYMENT];
  return { manifests, expected: [...expected].sort(), expectedL4: [...expectedL4].sort() };
}

test(`random estates (${NUM_RUNS} runs): allowed paths equal the declared links plus DNS and istiod, at each layer`, () => {
  fc.assert(fc.property(estateArb, spec => {
    const { manifests, expected, expectedL4 } = build(spec);
    const reach = Reachability.fromManifests(manifests);
    expect(reach.allowedPaths().filter(intoEstate)).toEqual(expected);
    // Layer by layer: L4 opens exactly the declared ports; L7 opens exactly those too (or does not apply to UDP).
    const workloadPaths = reach.paths().filter(p => !p.platform && intoEstate(`${p.source} -> ${p.destination} `));
    expect(workloadPaths.filter(p => p.l4 === 'allow').map(p => `${p.source} -> ${p.destination} ${p.protocol}/${p.port}`).sort()).toEqual(expectedL4);
    expect(workloadPaths.filter(p => p.l7 === 'allow' || p.l7 === 'n/a').map(p => `${p.source} -> ${p.destination} ${p.protocol}/${p.port}`).sort()).toEqual(expectedL4);
    expect(reach.gaps()).toEqual([]);
    expect(reach.uncertainPaths()).toEqual([]);
  }), { numRuns: NUM_RUNS });
});
