import { App } from 'cdk8s';
import { quickstart } from '../../examples/quickstart/quickstart';
import { LinkPort, ServiceLink, TransportProtocol, ZeroTrustNamespace, ZeroTrustWorkload } from '../../lib';
import { l4Allows, l7Allows, podFor } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { find, synthApp } from '../support/synth';

describe('ServiceLink', () => {
  test('quick start: checkout-api may POST /v1/charges to payment-service, nothing else opens', () => {
    const app = new App();
    quickstart(app);
    const manifests = synthApp(app);
    const checkout = podFor('production', 'checkout-api', [8080], manifests);
    const payments = podFor('production', 'payment-service', [8080], manifests);
    const intruder = podFor('production', 'intruder', [8080], manifests);

    expect(l4Allows(manifests, checkout, payments, { port: 8080 })).toBe(true);
    expect(l7Allows(manifests, checkout, payments, { port: 8080, method: 'POST', path: '/v1/charges' })).toBe(true);
    // Another method, another path, another port, another source, the other direction.
    expect(l7Allows(manifests, checkout, payments, { port: 8080, method: 'GET', path: '/v1/charges' })).toBe(false);
    expect(l7Allows(manifests, checkout, payments, { port: 8080, method: 'POST', path: '/v1/charges/1' })).toBe(false);
    expect(l7Allows(manifests, checkout, payments, { port: 8080 })).toBe(false);
    expect(l4Allows(manifests, checkout, payments, { port: 8443 })).toBe(false);
    expect(l4Allows(manifests, intruder, payments, { port: 8080 })).toBe(false);
    expect(l7Allows(manifests, intruder, payments, { port: 8080, method: 'POST', path: '/v1/charges' })).toBe(false);
    expect(l4Allows(manifests, payments, checkout, { port: 8080 })).toBe(false);
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('crossing namespaces: egress in the client\'s namespace, ingress and ALLOW in the server\'s, for the client principal only', () => {
    const app = new App();
    const prod = new ZeroTrustNamespace(app, 'production');
    const risk = new ZeroTrustNamespace(app, 'risk', { trustDomain: 'corp.example' });
    const payments = prod.addWorkload('payment-service');
    const decoy = new ZeroTrustNamespace(app, 'staging').addWorkload('payment-service');
    const scorer = risk.addWorkload('fraud-scorer', { ports: [{ number: 9090, name: 'http' }] });
    scorer.allowFrom(payments, { ports: [LinkPort.named('http')], http: { methods: ['POST'], paths: ['/v1/score'] } });
    const manifests = synthApp(app);

    const src = podFor('production', 'payment-service', [], manifests);
    const dst = podFor('risk', 'fraud-scorer', [9090], manifests);
    const sameLabelsOtherNs = podFor('staging', 'payment-service', [], manifests);
    expect(l4Allows(manifests, src, dst, { port: 9090 })).toBe(true);
    expect(l4Allows(manifests, sameLabelsOtherNs, dst, { port: 9090 })).toBe(false);
    expect(l7Allows(manifests, src, dst, { port: 9090, method: 'POST', path: '/v1/score' })).toBe(true);
    expect(l7Allows(manifests, sameLabelsOtherNs, dst, { port: 9090, method: 'POST', path: '/v1/score' })).toBe(false);
    // The principal is the client's, in the client's trust domain.
    expect(find(manifests, 'AuthorizationPolicy', 'fraud-scorer-ingress').spec.rules[0].from)
      .toEqual([{ source: { principals: ['cluster.local/ns/production/sa/payment-service'] } }]);
    expect(find(manifests, 'NetworkPolicy', 'payment-service-egress', 'production').spec.egress[0].to).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'risk' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'fraud-scorer' } },
    }]);
    expect(manifests.some(m => m.metadata.namespace === 'staging' && m.metadata.name.startsWith('payment-service-'))).toBe(false);
    void decoy;
  });

  test('merges links into one policy per workload without widening: each source keeps its own ports', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'production');
    const a = ns.addWorkload('a');
    const b = ns.addWorkload('b');
    const c = ns.addWorkload('c');
    const db = ns.addWorkload('db', { ports: [{ number: 5432 }, { number: 9187 }] });
    db.allowFrom(a, { ports: [LinkPort.tcp(5432)] });
    db.allowFrom(b, { ports: [LinkPort.tcp(5432)] });
    db.allowFrom(c, { ports: [LinkPort.tcp(9187)] });
    db.allowFrom(c, { ports: [LinkPort.tcp(5432)] });
    const manifests = synthApp(app);
    const pod = (n: string) => podFor('production', n, n === 'db' ? [5432, 9187] : [], manifests);
    expect(manifests.filter(m => m.metadata.name === 'db-ingress').map(m => m.kind).sort()).toEqual(['AuthorizationPolicy', 'NetworkPolicy']);
    expect(l4Allows(manifests, pod('a'), pod('db'), { port: 5432 })).toBe(true);
    expect(l4Allows(manifests, pod('a'), pod('db'), { port: 9187 })).toBe(false);
    expect(l7Allows(manifests, pod('b'), pod('db'), { port: 9187 })).toBe(false);
    expect(l4Allows(manifests, pod('c'), pod('db'), { port: 9187 })).toBe(true);
    expect(l7Allows(manifests, pod('c'), pod('db'), { port: 5432 })).toBe(true);
    const np = find(manifests, 'NetworkPolicy', 'db-ingress');
    expect(np.spec.ingress.map((r: any) => [r.from.map((p: any) => p.podSelector.matchLabels['app.kubernetes.io/name']), r.ports.map((p: any) => p.port)]))
      .toEqual([[['a', 'b'], [5432]], [['c'], [5432, 9187]]]);
  });

  test('UDP and port ranges: NetworkPolicy gets endPort, Istio lists TCP ports one by one and skips UDP', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'production');
    const client = ns.addWorkload('client');
    const media = ns.addWorkload('media', { ports: [{ number: 5000, protocol: TransportProtocol.UDP, name: 'rtp' }] });
    media.allowFrom(client, { ports: [LinkPort.udpRange(5000, 5010), LinkPort.tcpRange(7000, 7002)] });
    const manifests = synthApp(app);
    const src = podFor('production', 'client', [], manifests);
    const dst = podFor('production', 'media', [], manifests);
    expect(l4Allows(manifests, src, dst, { port: 5005, protocol: 'UDP' })).toBe(true);
    expect(l4Allows(manifests, src, dst, { port: 5011, protocol: 'UDP' })).toBe(false);
    expect(l4Allows(manifests, src, dst, { port: 5005, protocol: 'TCP' })).toBe(false);
    expect(find(manifests, 'AuthorizationPolicy', 'media-ingress').spec.rules[0].to).toEqual([{ operation: { ports: ['7000', '7001', '7002'] } }]);
    expect(l7Allows(manifests, src, dst, { port: 7003 })).toBe(false);
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('a workload owned elsewhere: only this app\'s side of the link opens', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'production');
    const billing = ZeroTrustWorkload.fromAttributes(ns, 'billing', { name: 'billing', namespace: 'finance', serviceAccountName: 'billing-sa', podLabels: { app: 'billing' }, ports: [{ number: 8443, name: 'https' }] });
    const api = ns.addWorkload('api', { ports: [{ number: 8080 }] });
    new ServiceLink(ns, 'api-to-billing', { from: api, to: billing, ports: [LinkPort.named('https')] });
    new ServiceLink(ns, 'billing-to-api', { from: billing, to: api, ports: [LinkPort.tcp(8080)] });
    const manifests = synthApp(app);
    expect(manifests.filter(m => m.metadata.namespace === 'finance')).toEqual([]);
    expect(find(manifests, 'NetworkPolicy', 'api-egress').spec.egress[0].ports).toEqual([{ port: 8443, protocol: 'TCP' }]);
    expect(find(manifests, 'AuthorizationPolicy', 'api-ingress').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/finance/sa/billing-sa']);
  });

  test('emits no rule that admits every source, port or principal', () => {
    const app = new App();
    quickstart(app);
    const manifests = synthApp(app);
    for (const np of manifests.filter(m => m.kind === 'NetworkPolicy' && m.metadata.name.match(/-(ingress|egress)$/))) {
      for (const rule of [...(np.spec.ingress ?? []), ...(np.spec.egress ?? [])]) {
        const peers = rule.from ?? rule.to;
        expect(peers.length).toBeGreaterThan(0);
        for (const peer of peers) expect(Object.keys(peer.podSelector.matchLabels).length).toBeGreaterThan(0);
        expect(rule.ports.length).toBeGreaterThan(0);
      }
    }
    for (const ap of manifests.filter(m => m.kind === 'AuthorizationPolicy' && m.metadata.name !== 'allow-nothing')) {
      for (const rule of ap.spec.rules) {
        expect(rule.from.length).toBeGreaterThan(0);
        expect(rule.to.length).toBeGreaterThan(0);
        for (const f of rule.from) for (const p of f.source.principals) expect(p).not.toContain('*');
        for (const t of rule.to) expect(t.operation.ports.length).toBeGreaterThan(0);
      }
    }
  });
});
