// Corners where a plausible shortcut in the analyzer would give a wrong answer.
import { App } from 'cdk8s';
import { quickstart } from '../../examples/quickstart/quickstart';
import { Reachability } from '../../lib';
import { authorizationPolicy, namespace, networkPolicy, peerAuthentication, service, workload } from './support/objects';

const MESH = { 'istio-injection': 'enabled' };

test('a named port in an egress rule resolves against each destination pod', () => {
  const r = Reachability.fromManifests([
    workload('a', 'client'),
    workload('a', 'web', { ports: [{ port: 8080, name: 'http' }] }),
    workload('a', 'legacy', { ports: [{ port: 80, name: 'http' }, { port: 8080, name: 'alt' }] }),
    networkPolicy('a', 'client-egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] }),
  ], { platformWorkloads: false });
  expect(r.check({ source: 'a/client', destination: 'a/web', port: 8080 }).l4).toBe('allow');
  expect(r.check({ source: 'a/client', destination: 'a/legacy', port: 80 }).l4).toBe('allow');
  expect(r.check({ source: 'a/client', destination: 'a/legacy', port: 8080 }).l4).toBe('deny');
  // `to` is absent, so the rule also covers the internet, but a name cannot be resolved there.
  expect(r.allowedPaths({ source: 'a/client' }).filter(l => l.includes('internet'))).toEqual([]);
});

test('identity is the ServiceAccount: a workload sharing an allowed ServiceAccount passes L7, and only L4 stops it', () => {
  const r = Reachability.fromManifests([
    namespace('shop', MESH),
    workload('shop', 'checkout', { serviceAccount: 'shared' }),
    workload('shop', 'batch', { serviceAccount: 'shared' }),
    workload('shop', 'payments', { ports: [{ port: 8080 }] }),
    networkPolicy('shop', 'payments-in', {
      podSelector: { matchLabels: { app: 'payments' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'checkout' } } }], ports: [{ port: 8080 }] }],
    }),
    authorizationPolicy('shop', 'payments', { selector: { matchLabels: { app: 'payments' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/shared'] } }] }] }),
  ], { platformWorkloads: false });
  expect(r.check({ source: 'shop/checkout', destination: 'shop/payments', port: 8080 }).verdict).toBe('allow');
  const batch = r.paths().find(p => p.source === 'shop/batch' && p.destination === 'shop/payments')!;
  expect([batch.port, batch.l4, batch.l7, batch.gap]).toEqual(['8080', 'deny', 'allow', 'open at L7, closed at L4']);
});

test('PeerAuthentication DISABLE turns mTLS off, so the source has no identity and principal rules refuse it', () => {
  const r = Reachability.fromManifests([
    namespace('shop', MESH),
    workload('shop', 'checkout', { serviceAccount: 'checkout' }),
    workload('shop', 'payments', { ports: [{ port: 8080 }, { port: 9090 }] }),
    authorizationPolicy('shop', 'payments', { selector: { matchLabels: { app: 'payments' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/checkout'] } }] }] }),
    peerAuthentication('shop', 'payments', { selector: { matchLabels: { app: 'payments' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'DISABLE' } } }),
  ], { platformWorkloads: false });
  expect(r.check({ source: 'shop/checkout', destination: 'shop/payments', port: 8080 }).l7).toBe('allow');
  expect(r.check({ source: 'shop/checkout', destination: 'shop/payments', port: 9090 }).l7).toBe('deny');
});

test('a root-namespace policy with a selector applies to matching workloads in every namespace', () => {
  const r = Reachability.fromManifests([
    namespace('a', MESH), namespace('b', MESH),
    workload('a', 'db', { labels: { tier: 'data' }, ports: [{ port: 5432 }] }),
    workload('b', 'db', { labels: { tier: 'data' }, ports: [{ port: 5432 }] }),
    workload('b', 'web', { ports: [{ port: 80 }] }),
    workload('a', 'client'),
    authorizationPolicy('istio-system', 'data-tier-closed', { selector: { matchLabels: { tier: 'data' } }, action: 'DENY', rules: [{}] }),
  ], { platformWorkloads: false });
  expect(r.check({ source: 'a/client', destination: 'a/db', port: 5432 }).l7).toBe('deny');
  expect(r.check({ source: 'a/client', destination: 'b/db', port: 5432 }).l7).toBe('deny');
  expect(r.check({ source: 'a/client', destination: 'b/web', port: 80 }).l7).toBe('allow');
});

test('notPorts and destination.port conditions split a destination\'s ports', () => {
  const r = Reachability.fromManifests([
    namespace('a', MESH),
    workload('a', 'client'),
    workload('a', 'server', { ports: [{ port: 8080 }, { port: 9090 }, { port: 15000 }] }),
    authorizationPolicy('a', 'server', { selector: { matchLabels: { app: 'server' } }, rules: [{ to: [{ operation: { notPorts: ['15000'] } }], when: [{ key: 'destination.port', notValues: ['9090'] }] }] }),
  ], { platformWorkloads: false });
  expect(r.check({ source: 'a/client', destination: 'a/server', port: 8080 }).l7).toBe('allow');
  expect(r.check({ source: 'a/client', destination: 'a/server', port: 9090 }).l7).toBe('deny');
  expect(r.check({ source: 'a/client', destination: 'a/server', port: 15000 }).l7).toBe('deny');
});

test('a Service targeting a named port is shown against the pod port it reaches', () => {
  const r = Reachability.fromManifests([
    workload('a', 'client'),
    workload('a', 'server', { ports: [{ port: 8443, name: 'https' }] }),
    service('a', 'server', { app: 'server' }, [{ port: 443, targetPort: 'https' }]),
    networkPolicy('a', 'server-in', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8443 }] }] }),
  ], { platformWorkloads: false });
  const p = r.paths().find(x => x.source === 'a/client' && x.destination === 'a/server')!;
  expect([p.port, p.portName, p.servicePorts]).toEqual(['8443', 'https', ['server:443']]);
});

test('an ALLOW rule admitting sources by notNamespaces gives every source a chance at L7, reported as a gap', () => {
  const r = Reachability.fromManifests([
    namespace('a', MESH),
    workload('a', 'server', { ports: [{ port: 80 }] }),
    authorizationPolicy('a', 'server', { selector: { matchLabels: { app: 'server' } }, rules: [{ from: [{ source: { notNamespaces: ['untrusted'] } }] }] }),
  ], { platformWorkloads: false });
  expect(r.findings()).toContainEqual({
    kind: 'gap', subject: 'a/server', message: 'an ALLOW rule admits sources without naming principals, namespaces or ServiceAccounts (no `from`, or only negative, JWT or IP conditions): L7 alone does not narrow who can connect',
  });
});

test('fromChart on identities declared without pods warns that the policies select nothing', () => {
  const app = new App();
  const chart = quickstart(app);
  const r = Reachability.fromChart(chart);
  expect(r.allowedPaths()).toEqual([]);
  expect(r.findings()).toContainEqual({
    kind: 'warning', subject: 'NetworkPolicy production/payment-service-ingress', message: 'selects no pod in these manifests (are the pods defined elsewhere?); it changes nothing here',
  });
  expect(r.findings()).toContainEqual({
    kind: 'warning', subject: 'AuthorizationPolicy production/payment-service-ingress', message: 'its selector matches no pod in these manifests (are the pods defined elsewhere?); it changes nothing here',
  });
});
