// The library's core promise, checked on random estates built with its own constructs:
// the analyzer's allowed set equals the declared links (and public routes and address ranges)
// exactly, at L4 and at L7, plus DNS and istiod.
import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { AddressIngress, LinkPort, PublicRoute, Reachability, ServiceLink, TransportProtocol, ZeroTrustMode, ZeroTrustNamespace, ZeroTrustWorkload } from '../../lib';
import { meshVerdict, MeshRequest, policiesOn, shadowVerdict } from '../edges/support/edge-eval';
import { l7Allows, Pod, podsOf } from '../support/policy-eval';
import { synthApp } from '../support/synth';
import { platformLines } from './support/convention-manifests';
import { deploymentFor } from './support/objects';

/**
 * Estates per CI run: enough to hit cross-namespace, named, Service and UDP ports with and without
 * HTTP rules in a few seconds. ZT_PROPERTY_RUNS=3000 runs a deeper search locally.
 */
const NUM_RUNS = Number(process.env.ZT_PROPERTY_RUNS ?? 300);
/** Audit estates are synthesized twice and probed request by request, so fewer of them per run. */
const AUDIT_RUNS = Math.ceil(NUM_RUNS / 3);

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
    // About one workload in four audits on its own inside its enforcing namespace.
    audit: fc.integer({ min: 0, max: 3 }).map(n => n === 0),
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
    // A second link of the same pair on the first chosen port, plain TCP (a database wire protocol beside an API).
    alsoPlain: fc.boolean(),
  }), { maxLength: 10 }),
  // Ways in from outside: the public through the ingress gateway, and partners' address ranges.
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

/** The ingress gateway the analyzer assumes; the app's manifests never contain it. */
const GATEWAY = 'istio-system/istio-ingressgateway';

type EstateSpec = typeof estateArb extends fc.Arbitrary<infer T> ? T : never;

interface Built {
  readonly manifests: any[];
  readonly expected: string[];
  readonly expectedL4: string[];
  /** `src -> dst tcp/port` where raw TCP (no HTTP request) must pass L7: a plain link's ports. */
  readonly rawTcp: string[];
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

/** Pod names of workload `i`: its own Deployment, or each Deployment its shared identity adopts. */
function podNamesOf(spec: EstateSpec, i: number): string[] {
  const n = spec.workloads[i].deployments;
  return n === 1 ? [`w${i}`] : [...Array(n).keys()].map(k => `w${i}-d${k}`);
}

/**
 * Declares the estate with the library's constructs and derives, independently, what must be open.
 * `audit` false declares every workload enforcing: the twin whose verdicts audit mode must report.
 */
function build(spec: EstateSpec, audit = false, waysIn = false): Built {
  const app = new App();
  const namespaces = NAMESPACES.slice(0, spec.namespaces).map(n => new ZeroTrustNamespace(app, n));
  const ports = spec.workloads.map(w => w.ports.map((number, i) => ({ number, udp: w.udp[i], name: w.named[i] ? `p${number}` : undefined })));
  const workloads: ZeroTrustWorkload[] = spec.workloads.map((w, i) => namespaces[w.ns % spec.namespaces].addWorkload(`w${i}`, {
    ports: ports[i].map(p => ({ number: p.number, name: p.name, protocol: p.udp ? TransportProtocol.UDP : TransportProtocol.TCP })),
    servicePorts: w.service ? ports[i].filter(p => !p.udp).map(p => ({ port: p.number + 10000, targetPort: p.number })) : undefined,
    podLabels: labelsOf(spec, i),
    mode: audit && w.audit ? ZeroTrustMode.AUDIT : undefined,
  }));
  // A shared identity: several cdk8s-plus Deployments adopted into one workload, one ServiceAccount.
  spec.workloads.forEach((w, i) => {
    if (w.deployments === 1) return;
    for (const name of podNamesOf(spec, i)) {
      workloads[i].adopt(new kplus.Deployment(namespaces[w.ns % spec.namespaces], name, {
        metadata: { name },
        containers: [{
          image: 'example:1',
          ports: ports[i].map(p => ({ number: p.number, name: p.name, protocol: p.udp ? kplus.Protocol.UDP : kplus.Protocol.TCP })),
        }],
      }));
    }
  });
  const podsOfWorkload = (i: number) => podNamesOf(spec, i).map(n => `${workloads[i].namespace}/${n}`);

  const expected = new Set<string>(workloads.flatMap((_, i) => podsOfWorkload(i).flatMap(platformLines)));
  const expectedL4 = new Set<string>();
  // Request families per path: '' is any request (a plain TCP link), else `methods paths`.
  const families = new Map<string, Set<string>>();
  const admit = (key: string, http?: { methods?: string[]; paths?: string[] }) => {
    expectedL4.add(key);
    const set = families.get(key) ?? new Set<string>();
    set.add(http ? `${http.methods?.join(',') ?? '*'} ${http.paths?.join(',') ?? '*'}` : '');
    families.set(key, set);
  };
  const declared = new Set<string>();
  const declare = (k: number, suffix: string, from: number, to: number, linkPorts: LinkPort[], http?: { methods?: string[]; paths?: string[] }) => {
    // Several links per pair are declared; the same declaration twice would be refused as a duplicate.
    const key = `${from}>${to} ${linkPorts.map(p => p.toString()).sort().join(',')} ${JSON.stringify(http ?? {})}`;
    if (declared.has(key)) return false;
    declared.add(key);
    new ServiceLink(namespaces[spec.workloads[from].ns % spec.namespaces], `link-${k}${suffix}`, {
      from: workloads[from], to: workloads[to], ports: linkPorts, http,
    });
    return true;
  };
  const pairs = new Set<string>();
  spec.links.forEach((l, k) => {
    const from = l.from % workloads.length;
    const to = l.to % workloads.length;
    if (from === to) return;
    const firstOfPair = !pairs.has(`${from}>${to}`);
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
    // A small TCP range away from the declared ports (Istio lists it port by port); on a pair's first link only.
    const ranges = firstOfPair && l.range && chosen.every(p => !p.udp) ? [LinkPort.tcpRange(7000, 7002)] : [];
    if (!declare(k, '', from, to, [...linkPorts, ...ranges], http)) return;
    // Every pod of the client identity reaches every pod of the server identity, and no other.
    const admitAll = (port: string, h?: { methods?: string[]; paths?: string[] }) => {
      for (const src of podsOfWorkload(from)) for (const dst of podsOfWorkload(to)) admit(`${src} -> ${dst} ${port}`, h);
    };
    const portKey = (p: { udp?: boolean; number: number }) => `${p.udp ? 'udp' : 'tcp'}/${p.number}`;
    if (ranges.length > 0) admitAll('tcp/7000-7002', http);
    for (const p of chosen) admitAll(portKey(p), http);
    const plain = chosen.find(p => !p.udp);
    if (l.alsoPlain && http && plain && declare(k, '-plain', from, to, [LinkPort.tcp(plain.number)])) admitAll(portKey(plain));
  });
  if (waysIn) {
    // A public route admits the gateway, an address range admits its addresses: each on its port, to every pod of the identity.
    const routed = new Set<number>();
    spec.publicRoutes.forEach(r => {
      const to = r.to % workloads.length;
      const tcp = ports[to].find(p => !p.udp);
      if (!tcp || routed.has(to)) return;
      routed.add(to);
      new PublicRoute(namespaces[spec.workloads[to].ns % spec.namespaces], `public-${to}`, {
        workload: workloads[to], ports: [LinkPort.tcp(tcp.number)], http: r.methods ? { methods: r.methods } : undefined,
      });
      for (const dst of podsOfWorkload(to)) {
        const key = `${GATEWAY} -> ${dst} tcp/${tcp.number}`;
        expectedL4.add(key);
        expected.add(r.methods ? `${key} ${r.methods.join(',')} *` : key);
      }
    });
    const admittedRanges = new Set<string>();
    spec.addressIngress.forEach((a, k) => {
      const to = a.to % workloads.length;
      const port = ports[to][a.port % ports[to].length];
      if (admittedRanges.has(`${to} ${a.cidr} ${port.number}`)) return;
      admittedRanges.add(`${to} ${a.cidr} ${port.number}`);
      new AddressIngress(namespaces[spec.workloads[to].ns % spec.namespaces], `range-${k}`, {
        to: workloads[to], cidr: a.cidr, ports: [port.udp ? LinkPort.udp(port.number) : LinkPort.tcp(port.number)],
      });
      for (const dst of podsOfWorkload(to)) {
        const key = `external (${a.cidr}) -> ${dst} ${port.udp ? 'udp' : 'tcp'}/${port.number}`;
        expectedL4.add(key);
        expected.add(key);
      }
    });
  }
  const rawTcp: string[] = [];
  for (const [key, set] of families) {
    // A plain TCP link admits any request, so the path has no request families left to list.
    if (set.has('')) expected.add(key);
    else for (const f of set) expected.add(`${key} ${f}`);
    if (set.has('') && key.includes(' tcp/')) {
      const [path, range] = key.split(' tcp/');
      const [first, last] = range.split('-').map(Number);
      for (let port = first; port <= (last ?? first); port++) rawTcp.push(`${path} tcp/${port}`);
    }
  }

  // The pods of single-Deployment identities: what a team deploys with the workload's labels and ServiceAccount.
  const pods = workloads.filter((_, i) => spec.workloads[i].deployments === 1)
    .map(w => deploymentFor(w, ports[Number(w.name.slice(1))].map(p => ({ number: p.number, name: p.name, protocol: p.udp ? 'UDP' : 'TCP' }))));
  return { manifests: [...synthApp(app), ...pods], expected: [...expected].sort(), expectedL4: [...expectedL4].sort(), rawTcp: rawTcp.sort() };
}

/** Requests probing a destination pod: raw TCP on each port, and one sample per declared method and path. */
function probes(dst: Pod): MeshRequest[] {
  const ports = [...dst.ports.filter(p => p.protocol === 'TCP').map(p => p.port), 7000, 7002];
  return ports.flatMap(port => [{ port }, ...['GET', 'POST'].flatMap(method => ['/api/items', '/v1/x', '/other'].map(path => ({ port, method, path })))]);
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
    const { manifests, expected, expectedL4, rawTcp } = build(spec, false, true);
    const reach = Reachability.fromManifests(manifests);
    expect(reach.allowedPaths()).toEqual(expected);
    // Raw TCP (no HTTP request) passes exactly on plain links' ports, also beside HTTP links of the same pair.
    const pods = podsOf(manifests);
    const passed: string[] = [];
    for (const src of pods) {
      for (const dst of pods.filter(p => p !== src)) {
        for (const port of [...dst.ports.filter(p => p.protocol === 'TCP').map(p => p.port), 7000, 7001, 7002]) {
          if (l7Allows(manifests, src, dst, { port })) passed.push(`${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name} tcp/${port}`);
        }
      }
    }
    expect([...new Set(passed)].sort()).toEqual(rawTcp);
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

test(`random estates with auditing workloads (${AUDIT_RUNS} runs): the dry-run report equals the enforced twin, and nothing else changes`, () => {
  fc.assert(fc.property(estateArb, spec => {
    if (overlappingPairs(spec).length > 0) return;
    const twin = build(spec);
    const audited = build(spec, true);
    // Pod names of the auditing identities (every Deployment of a shared one).
    const auditing = new Set(spec.workloads.flatMap((w, i) => (w.audit ? podNamesOf(spec, i) : [])));
    const twinPods = podsOf(twin.manifests);
    const pods = podsOf(audited.manifests);
    // NetworkPolicy has no dry-run: auditing pods are selected by none, every other pod keeps default-deny.
    for (const pod of pods) {
      if (auditing.has(pod.name)) expect([pod.name, policiesOn(audited.manifests, pod)]).toEqual([pod.name, []]);
      else expect(policiesOn(audited.manifests, pod)).toContain('default-deny');
    }
    // Access to the enforcing workloads is exactly the twin's, whoever calls; and enforcing workloads
    // reach exactly what the twin's do. (An auditing workload's own egress is open: nothing to compare.)
    const toEnforced = (lines: string[]) => lines.filter(line => {
      const [src, rest] = line.split(' -> ');
      const dst = rest.split(' ')[0];
      const estate = (w: string) => NAMESPACES.includes(w.split('/')[0]);
      const audits = (w: string) => estate(w) && auditing.has(w.split('/')[1]);
      return !audits(dst) && (!audits(src) || estate(dst));
    });
    expect(toEnforced(Reachability.fromManifests(audited.manifests).allowedPaths())).toEqual(toEnforced(twin.expected));
    // Access to an auditing workload: everything is admitted, and the dry-run report answers as the twin enforces.
    for (const dst of pods.filter(p => auditing.has(p.name))) {
      const twinDst = twinPods.find(p => p.name === dst.name)!;
      for (const src of pods.filter(p => p !== dst)) {
        const principal = `cluster.local/ns/${src.namespace}/sa/${src.serviceAccount}`;
        for (const req of probes(dst)) {
          const asked = { ...req, principal };
          expect([src.name, dst.name, req, shadowVerdict(audited.manifests, dst, asked)])
            .toEqual([src.name, dst.name, req, meshVerdict(twin.manifests, twinDst, asked)]);
          expect(meshVerdict(audited.manifests, dst, asked)).toBe(200);
        }
      }
    }
  }), { numRuns: AUDIT_RUNS });
});
