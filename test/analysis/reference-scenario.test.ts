// The product brief's reference scenario, from hand-built fixtures that follow CORE-API.md
// (the core constructs were not on main when this was written; see support/convention-manifests.ts).
import * as path from 'path';
import { Reachability } from '../../lib';
import '../../lib/analysis/jest';
import { referenceApp } from './support/app-yaml';
import { conventionManifests, expectedLines, platformLines } from './support/convention-manifests';
import { REFERENCE_ESTATE, REFERENCE_LINKS, REFERENCE_WORKLOADS } from './support/reference-estate';

const FIXTURES = path.join(__dirname, 'fixtures');
const reference = Reachability.fromFiles([path.join(FIXTURES, 'reference')]);

test('the committed YAML fixtures are what the convention builder produces', () => {
  // Guards against a stale fixture: analysing both must give the same paths.
  expect(Reachability.fromManifests(conventionManifests(REFERENCE_ESTATE)).paths()).toEqual(reference.paths());
});

test('exactly the 13 declared links, plus DNS and istiod for every workload, and nothing else', () => {
  expect(REFERENCE_LINKS).toHaveLength(13);
  const declared = REFERENCE_LINKS.flatMap(expectedLines);
  expect(declared).toHaveLength(13);
  const platform = REFERENCE_WORKLOADS.flatMap(w => platformLines(`${w.namespace}/${w.name}`));
  expect(reference).toAllowExactly([...declared, ...platform]);
  expect(reference.allowedPaths({ platform: false })).toEqual([...declared].sort());
});

test('the HTTP rules and the Service port mapping come through', () => {
  expect(reference.allowedPaths()).toContain('production/checkout-api -> production/payment-service tcp/8080 POST /v1/charges');
  expect(reference.allowedPaths()).toContain('production/order-service -> production/payment-service tcp/8443 POST /api/payments/*');
  const viaService = reference.paths().find(p => p.source === 'production/order-service' && p.destination === 'production/payment-service')!;
  expect(viaService.servicePorts).toEqual(['payment-service:443']);
  expect(viaService.portName).toBe('payments');
});

test('nothing else opens: the brief\'s counter-examples are refused at both layers', () => {
  for (const [source, destination, port] of [
    ['order-service', 'payment-db', 5432], ['payment-service', 'order-db', 5432], ['checkout-api', 'payment-service', 8443],
  ] as const) {
    const check = reference.check({ source: `production/${source}`, destination: `production/${destination}`, port });
    expect({ source, destination, l4: check.l4, l7: check.l7 }).toEqual({ source, destination, l4: 'deny', l7: 'deny' });
  }
  expect(reference.check({ source: 'production/checkout-api', destination: 'production/payment-service', port: 8080, method: 'GET', path: '/v1/charges' }).verdict).toBe('deny');
  expect(reference).toAllowRequest({ source: 'production/checkout-api', destination: 'production/payment-service', port: 8080, method: 'POST', path: '/v1/charges' });
  expect(reference.allowedPaths().filter(l => l.includes('internet') || l.includes('external'))).toEqual([]);
  expect(reference.gaps()).toEqual([]);
  expect(reference.uncertainPaths()).toEqual([]);
});

test('blast radius of order-service: direct reach, then payment-db and fraud-scorer through payment-service', () => {
  const blast = reference.blastRadius('order-service');
  expect(blast.direct.map(n => n.node)).toEqual(['istio-system/istiod', 'kube-system/kube-dns', 'production/order-db', 'production/payment-service']);
  expect(blast.transitive.map(n => [n.node, n.hops, n.via.join(' > ')])).toEqual([
    ['istio-system/istiod', 1, 'production/order-service > istio-system/istiod'],
    ['kube-system/kube-dns', 1, 'production/order-service > kube-system/kube-dns'],
    ['production/order-db', 1, 'production/order-service > production/order-db'],
    ['production/payment-service', 1, 'production/order-service > production/payment-service'],
    ['production/payment-db', 2, 'production/order-service > production/payment-service > production/payment-db'],
    ['risk/fraud-scorer', 2, 'production/order-service > production/payment-service > risk/fraud-scorer'],
  ]);
  expect(blast.direct.find(n => n.node === 'production/payment-service')!.paths).toEqual([
    'production/order-service -> production/payment-service tcp/8443 POST /api/payments/*',
  ]);
});

test('a diff that adds one link shows exactly that one path, at every layer', () => {
  const head = Reachability.fromFiles([path.join(FIXTURES, 'reference-plus-one-link')]);
  const diff = reference.diff(head);
  expect(diff.changes.map(c => [c.path, c.l4, c.l7, c.combined])).toEqual([
    ['production/frontend -> production/cache tcp/6379', 'added', 'added', 'added'],
  ]);
  expect(diff).toMatchObject({ widened: 1, narrowed: 0 });
  expect(head.diff(reference).changes.map(c => c.combined)).toEqual(['removed']);
  expect(reference.diff(reference).changes).toEqual([]);
});

test('the Mermaid graph draws one edge per declared link and one namespace-wide edge per platform port group', () => {
  const mermaid = reference.toMermaid();
  const edges = mermaid.split('\n').filter(l => l.includes('-->'));
  // 13 links + production→istiod/kube-dns (namespace-wide) + fraud-scorer→istiod/kube-dns.
  expect(edges).toHaveLength(17);
  expect(mermaid).toContain('|"tcp/8080 POST /v1/charges"|');
  expect(reference.toMermaid(false).split('\n').filter(l => l.includes('-->'))).toHaveLength(13);
  expect(mermaid).toMatchSnapshot();
});

test('the DOT graph is valid input for Graphviz clusters and has the same edges', () => {
  const dot = reference.toDot();
  expect(dot.startsWith('digraph access {')).toBe(true);
  expect(dot.split('\n').filter(l => l.includes(' -> '))).toHaveLength(17);
  expect(dot).toContain('ltail=cluster_');
});

describe('the real constructs: examples/reference (adopted cdk8s-plus Deployments and Services)', () => {
  const real = Reachability.fromApp(referenceApp().app);

  test('analyze to the same paths as the hand-built fixture: the 13 links, DNS and istiod', () => {
    expect(real.allowedPaths({ outside: false })).toEqual(reference.allowedPaths());
    expect(real.allowedPaths({ platform: false, outside: false })).toHaveLength(13);
    expect(real.gaps()).toEqual([]);
  });

  test('the monitoring option: Prometheus in `monitoring` (a representative endpoint) scrapes 15020/15090, which sidecars do not capture, so no gap', () => {
    const scrapes = real.paths().filter(p => p.source === 'monitoring/*');
    expect(new Set(scrapes.map(p => p.destination)).size).toBe(15);
    expect([...new Set(scrapes.map(p => `${p.protocol}/${p.port} ${p.l4} ${p.l7} ${p.verdict}`))].sort()).toEqual(['tcp/15020 allow n/a allow', 'tcp/15090 allow n/a allow']);
    expect(real.findings().filter(f => f.kind === 'gap' && f.subject.includes(' -> '))).toEqual([]);
    // The application ports stay closed to it.
    expect(real.check({ source: 'monitoring/*', destination: 'production/payment-service', port: 8080 }).verdict).toBe('deny');
  });

  test('blast radius of order-service', () => {
    expect(real.blastRadius('production/order-service').transitive.map(n => `${n.hops} ${n.node}`)).toEqual([
      '1 istio-system/istiod', '1 kube-system/kube-dns', '1 production/order-db', '1 production/payment-service',
      '2 production/payment-db', '2 risk/fraud-scorer',
    ]);
  });

  test('adding one ServiceLink shows exactly that one new path', () => {
    const diff = real.diff(Reachability.fromApp(referenceApp(true).app));
    expect(diff.changes.map(c => `${c.path} ${c.l4}/${c.l7}/${c.combined}`)).toEqual(['production/frontend -> production/cache tcp/6379 added/added/added']);
  });
});
