// Hard cases: the two layers disagree, external reach, and the convention estate broken on purpose.
import { Reachability } from '../../lib';
import { conventionManifests } from './support/convention-manifests';
import { authorizationPolicy, namespace, networkPolicy, workload } from './support/objects';
import { REFERENCE_ESTATE } from './support/reference-estate';

const base = () => conventionManifests(REFERENCE_ESTATE);
const without = (objects: any[], kind: string, ns: string, name: string) =>
  objects.filter(o => !(o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name));

test('an AuthorizationPolicy rule without its NetworkPolicy is open at L7 but closed at L4', () => {
  const objects = without(without(base(), 'NetworkPolicy', 'production', 'payment-db-ingress'), 'NetworkPolicy', 'production', 'payment-service-egress');
  const r = Reachability.fromManifests(objects);
  const gap = r.paths().filter(p => p.gap);
  expect(gap.map(p => [p.source, p.destination, `${p.protocol}/${p.port}`, p.l4, p.l7, p.verdict, p.gap])).toEqual([
    ['production/payment-service', 'production/payment-db', 'tcp/5432', 'deny', 'allow', 'deny', 'open at L7, closed at L4'],
    ['production/payment-service', 'risk/fraud-scorer', 'tcp/9090', 'deny', 'allow', 'deny', 'open at L7, closed at L4'],
  ]);
  expect(r.gaps()).toContain('production/payment-service -> production/payment-db tcp/5432: open at L7, closed at L4');
  expect(r.allowedPaths({ platform: false })).not.toContain('production/payment-service -> production/payment-db tcp/5432');
});

test('a NetworkPolicy opening more than the AuthorizationPolicy is open at L4 but closed at L7', () => {
  const objects = [...base(), networkPolicy('production', 'too-wide', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'payment-db' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'order-service' } } }], ports: [{ port: 5432 }] }],
  }), networkPolicy('production', 'order-egress-wide', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'order-service' } },
    policyTypes: ['Egress'],
    egress: [{ to: [{ podSelector: {} }] }],
  })];
  const r = Reachability.fromManifests(objects);
  const p = r.paths().find(x => x.source === 'production/order-service' && x.destination === 'production/payment-db')!;
  expect([p.port, p.l4, p.l7, p.verdict, p.gap]).toEqual(['5432', 'allow', 'deny', 'deny', 'open at L4, closed at L7']);
  expect(p.reasons).toContain('L7: no rule of production/allow-nothing, production/payment-db-ingress matches');
  // Egress to every pod in the namespace still meets the others' ingress policies: nothing else opens.
  expect(r.allowedPaths({ source: 'production/order-service', platform: false })).toEqual([
    'production/order-service -> production/order-db tcp/5432',
    'production/order-service -> production/payment-service tcp/8443 POST /api/payments/*',
  ]);
});

test('a source without sidecar is refused by STRICT mTLS even where L4 admits it', () => {
  const objects = base().map(o => o.kind === 'Deployment' && o.metadata.name === 'frontend'
    ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, metadata: { labels: { ...o.spec.template.metadata.labels, 'sidecar.istio.io/inject': 'false' } } } } }
    : o);
  const r = Reachability.fromManifests(objects);
  const p = r.paths().find(x => x.source === 'production/frontend' && x.destination === 'production/api-server')!;
  expect([p.l4, p.l7, p.gap]).toEqual(['allow', 'deny', 'open at L4, closed at L7']);
  expect(p.reasons).toContain('L7: STRICT mTLS refuses plaintext from a source without sidecar (PeerAuthentication production/default)');
});

test('egress ipBlocks are reported as CIDR destinations with their except list; named ports towards them are flagged', () => {
  const r = Reachability.fromManifests([
    namespace('a'),
    workload('a', 'w'),
    networkPolicy('a', 'egress', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 443 }] },
        { to: [{ ipBlock: { cidr: '192.168.0.0/16' } }], ports: [{ port: 'https' }] },
      ],
    }),
  ], { platformWorkloads: false });
  expect(r.allowedPaths({ source: 'a/w' })).toEqual(['a/w -> cidr 10.0.0.0/8 except 10.1.0.0/16 tcp/443']);
  // Its ingress is not isolated: anything outside the manifests can connect, on every port.
  expect(r.allowedPaths().filter(l => l.startsWith('external'))).toEqual(['external (0.0.0.0/0) -> a/w sctp/any', 'external (0.0.0.0/0) -> a/w tcp/any', 'external (0.0.0.0/0) -> a/w udp/any']);
  expect(r.findings()).toContainEqual({ kind: 'unsupported', subject: 'egress of a/w', message: 'a named port towards an ipBlock cannot be resolved (no pod to look the name up in); those ports are not reported' });
});

test('a mesh-wide DENY in the root namespace closes a declared link at L7 only', () => {
  const r = Reachability.fromManifests([...base(), authorizationPolicy('istio-system', 'no-risk', {
    action: 'DENY', rules: [{ from: [{ source: { namespaces: ['production'] } }], to: [{ operation: { ports: ['9090'] } }] }],
  })]);
  expect(r.allowedPaths({ platform: false })).not.toContain('production/payment-service -> risk/fraud-scorer tcp/9090 POST /v1/score');
  expect(r.gaps()).toEqual(['production/payment-service -> risk/fraud-scorer tcp/9090: open at L4, closed at L7']);
});
