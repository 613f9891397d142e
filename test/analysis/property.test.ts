// The library's core promise, checked on random estates built with its own constructs:
// the analyzer's allowed set equals the declared links exactly, at L4 and at L7, plus DNS and istiod.
import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { LinkPort, Reachability, ServiceLink, TransportProtocol, ZeroTrustNamespace, ZeroTrustWorkload } from '../../lib';
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
    // 1: one Deployment the team deploys itself; 2-3: a shared identity adopting that many Deployments.
    deployments: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) }),
    // Label candidates that may overlap another workload's: a name value (own or another's) and a tier.
    labels: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.record({ name: fc.nat(2), tier: fc.option(fc.constantFrom('db', 'web'), { nil: undefined }) }) },
    ),
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
});

type EstateSpec = typeof estateArb extends fc.Arbitrary<infer T> ? T : never;

interface Built {
  readonly manifests: any[];
  readonly expected: string[];
  readonly expectedL4: string[];
}

/** The pod labels the spec gives workload `i`. */
function labelsOf(spec: EstateSpec, i: number): Record<string, string> {
  const l = spec.workloads[i].labels;
  if (!l) return { 'app.kubernetes.io/name': `w${i}` };
  return { 'app.kubernetes.io/name': `w${l.name}`, ...(l.tier ? { tier: l.tier } : {}) };
}

/**
 * Independent of the library: two equality selectors can pick one pod unless a key they share
 * has different values. Returns every such pair of one namespace as `i>j`.
 */
function overlappingPairs(spec: EstateSpec): string[] {
  const nsOf = (i: number) => spec.workloads[i].ns % spec.namespaces;
  const pairs: string[] = [];
  for (let i = 0; i < spec.workloads.length; i++) {
    for (let j = i + 1; j < spec.workloads.length; j++) {
      if (nsOf(i) !== nsOf(j)) continue;
      const [a, b] = [labelsOf(spec, i), labelsOf(spec, j)];
      if (Object.keys(a).filter(k => k in b).every(k => a[k] === b[k])) pairs.push(`${i}>${j}`);
    }
  }
  return pairs;
}

/** Declares the estate with the library's constructs and derives, independently, what must be open. */
function build(spec: EstateSpec): Built {
  const app = new App();
  const namespaces = NAMESPACES.slice(0, spec.namespaces).map(n => new ZeroTrustNamespace(app, n));
  const ports = spec.workloads.map(w => w.ports.map((number, i) => ({ number, udp: w.udp[i], name: w.named[i] ? `p${number}` : undefined })));
  const workloads: ZeroTrustWorkload[] = spec.workloads.map((w, i) => namespaces[w.ns % spec.namespaces].addWorkload(`w${i}`, {
    ports: ports[i].map(p => ({ number: p.number, name: p.name, protocol: p.udp ? TransportProtocol.UDP : TransportProtocol.TCP })),
    servicePorts: w.service ? ports[i].filter(p => !p.udp).map(p => ({ port: p.number + 10000, targetPort: p.number })) : undefined,
    podLabels: labelsOf(spec, i),
  }));
  // A shared identity: several cdk8s-plus Deployments adopted into one workload, one ServiceAccount.
  const podNames = spec.workloads.map((w, i) => w.deployments === 1 ? [`w${i}`] : [...Array(w.deployments).keys()].map(k => `w${i}-d${k}`));
  spec.workloads.forEach((w, i) => {
    if (w.deployments === 1) return;
    for (const name of podNames[i]) {
      workloads[i].adopt(new kplus.Deployment(namespaces[w.ns % spec.namespaces], name, {
        metadata: { name },
        containers: [{
          image: 'example:1',
          ports: ports[i].map(p => ({ number: p.number, name: p.name, protocol: p.udp ? kplus.Protocol.UDP : kplus.Protocol.TCP })),
        }],
      }));
    }
  });
  const podsOf = (i: number) => podNames[i].map(n => `${workloads[i].namespace}/${n}`);

  const expected = new Set<string>(workloads.flatMap((_, i) => podsOf(i).flatMap(platformLines)));
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
    // Every pod of the client identity reaches every pod of the server identity, and no other.
    for (const src of podsOf(from)) {
      for (const dst of podsOf(to)) {
        const opened = [...(ranges.length > 0 ? ['tcp/7000-7002'] : []), ...chosen.map(p => `${p.udp ? 'udp' : 'tcp'}/${p.number}`)];
        for (const port of opened) {
          const key = `${src} -> ${dst} ${port}`;
          expectedL4.add(key);
          expected.add(http ? `${key} ${http.methods?.join(',') ?? '*'} ${http.paths?.join(',') ?? '*'}` : key);
        }
      }
    }
  });

  // The pods of single-Deployment identities: what a team deploys with the workload's labels and ServiceAccount.
  const pods = workloads.filter((_, i) => spec.workloads[i].deployments === 1)
    .map(w => deploymentFor(w, ports[Number(w.name.slice(1))].map(p => ({ number: p.number, name: p.name, protocol: p.udp ? 'UDP' : 'TCP' }))));
  return { manifests: [...app.charts.flatMap(c => c.toJson()), ...pods], expected: [...expected].sort(), expectedL4: [...expectedL4].sort() };
}

test(`random estates (${NUM_RUNS} runs): allowed paths equal the declared links plus DNS and istiod, at each layer`, () => {
  let refused = 0;
  let shared = 0;
  fc.assert(fc.property(estateArb, spec => {
    // Overlapping selectors are refused at synth, naming the later workload of the pair.
    const overlaps = overlappingPairs(spec);
    if (overlaps.length > 0) {
      refused++;
      let message = '';
      try { build(spec); } catch (e) { message = (e as Error).message; }
      const reported = /^(?:Validation failed with the following errors:\n {2})?\[[a-z]+\/w(\d)\] pod labels .* may select the same pods as .* of [a-z]+\/w(\d) \(at /.exec(message);
      expect(reported && overlaps).toContain(reported && `${reported[2]}>${reported[1]}`);
      return;
    }
    if (spec.workloads.some(w => w.deployments > 1)) shared++;
    const { manifests, expected, expectedL4 } = build(spec);
    const reach = Reachability.fromManifests(manifests);
    expect(reach.allowedPaths()).toEqual(expected);
    // Layer by layer: L4 opens exactly the declared ports; L7 opens exactly those too (or does not apply to UDP).
    const workloadPaths = reach.paths().filter(p => !p.platform);
    expect(workloadPaths.filter(p => p.l4 === 'allow').map(p => `${p.source} -> ${p.destination} ${p.protocol}/${p.port}`).sort()).toEqual(expectedL4);
    expect(workloadPaths.filter(p => p.l7 === 'allow' || p.l7 === 'n/a').map(p => `${p.source} -> ${p.destination} ${p.protocol}/${p.port}`).sort()).toEqual(expectedL4);
    expect(reach.gaps()).toEqual([]);
    expect(reach.uncertainPaths()).toEqual([]);
  }), { numRuns: NUM_RUNS });
  // Both kinds of estate must actually occur, or the property says nothing about them.
  expect(refused).toBeGreaterThan(NUM_RUNS / 20);
  expect(shared).toBeGreaterThan(NUM_RUNS / 10);
});
