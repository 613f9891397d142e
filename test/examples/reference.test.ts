import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { synthAwsExamples } from '../../examples/aws';
import { referenceScenario } from '../../examples/reference/scenario';
import { ISTIOD, KUBE_DNS, l4Allows, l7Allows, Pod, podsOf } from '../support/policy-eval';
import { chartYaml, synthApp } from '../support/synth';

/** The brief's thirteen links, with Service port 443 already resolved to pod port 8443. */
const DECLARED = [
  { from: 'checkout-api', to: 'payment-service', port: 8080, methods: ['POST'], path: '/v1/charges' },
  { from: 'api-gateway', to: 'payment-service', port: 8080 },
  { from: 'order-service', to: 'payment-service', port: 8443, methods: ['POST'], path: '/api/payments/*' },
  { from: 'payment-service', to: 'payment-db', port: 5432 },
  { from: 'order-service', to: 'order-db', port: 5432 },
  { from: 'api-gateway', to: 'order-service', port: 8080, methods: ['GET', 'POST'], path: '/orders/*' },
  { from: 'checkout-service', to: 'order-service', port: 8080, methods: ['GET', 'POST'], path: '/orders/*' },
  { from: 'frontend', to: 'api-server', port: 8080 },
  { from: 'mobile-backend', to: 'api-server', port: 8080 },
  { from: 'api-server', to: 'database', port: 5432 },
  { from: 'api-server', to: 'cache', port: 6379 },
  { from: 'api-service', to: 'postgres', port: 5432 },
  { from: 'payment-service', to: 'fraud-scorer', port: 9090, methods: ['POST'], path: '/v1/score' },
];

/** Builds the scenario the way examples/main.ts does, AWS binding included, so the snapshot is dist/reference. */
function build() {
  const app = new App();
  const scenario = referenceScenario(app);
  const awsOut = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-aws-'));
  synthAwsExamples({ paymentService: scenario.workloads['payment-service'], outdir: awsOut, validate: false });
  const manifests = synthApp(app);
  return { app, scenario, manifests, pods: podsOf(manifests) };
}

/** A concrete path that a declared pattern admits: `/orders/*` → `/orders/42`. */
function samplePath(pattern: string): string {
  return pattern.endsWith('*') ? `${pattern.slice(0, -1)}42` : pattern;
}

describe('reference scenario (dist/reference)', () => {
  const { scenario, manifests, pods } = build();
  const pod = (name: string) => pods.find(p => p.name === name)!;

  test('synthesizes deployable output: a Deployment, Service and ServiceAccount for every workload', () => {
    expect(pods.map(p => p.name).sort()).toEqual(Object.keys(scenario.workloads).sort());
    for (const p of pods) {
      expect(manifests.some(m => m.kind === 'Service' && m.metadata.name === p.name && m.metadata.namespace === p.namespace)).toBe(true);
      expect(manifests.some(m => m.kind === 'ServiceAccount' && m.metadata.name === p.serviceAccount && m.metadata.namespace === p.namespace)).toBe(true);
      expect(p.sidecar).toBe(true);
    }
  });

  test('admits exactly the 13 declared links at L4, on pod ports, and nothing else', () => {
    const allowed: string[] = [];
    for (const src of pods) {
      for (const dst of pods) {
        if (src === dst) continue;
        for (const p of dst.ports) {
          if (l4Allows(manifests, src, dst, { port: p.port })) allowed.push(`${src.name} -> ${dst.name}:${p.port}`);
        }
      }
    }
    expect(allowed.sort()).toEqual(DECLARED.map(l => `${l.from} -> ${l.to}:${l.port}`).sort());
  });

  test('admits exactly the 13 declared links at L7, with their methods and paths only', () => {
    const allowed: string[] = [];
    const httpPaths = [...new Set(DECLARED.filter(l => l.path).map(l => samplePath(l.path!)))];
    const requests: { method?: string; path?: string }[] = [{}, ...httpPaths.flatMap(p => ['GET', 'POST', 'DELETE'].map(method => ({ method, path: p })))];
    for (const src of pods) {
      for (const dst of pods) {
        if (src === dst) continue;
        for (const p of dst.ports) {
          for (const r of requests) {
            if (l7Allows(manifests, src, dst, { port: p.port, ...r })) allowed.push(`${src.name} -> ${dst.name}:${p.port} ${r.method ?? 'tcp'} ${r.path ?? ''}`.trim());
          }
        }
      }
    }
    const expected = new Set<string>();
    for (const l of DECLARED) {
      for (const r of requests) {
        const ok = l.methods ? (r.method !== undefined && l.methods.includes(r.method) && r.path === samplePath(l.path!)) : true;
        if (ok) expected.add(`${l.from} -> ${l.to}:${l.port} ${r.method ?? 'tcp'} ${r.path ?? ''}`.trim());
      }
    }
    expect(allowed.sort()).toEqual([...expected].sort());
  });

  test('refuses the paths the brief names: order-service to payment-db, payment-service to order-db', () => {
    expect(l4Allows(manifests, pod('order-service'), pod('payment-db'), { port: 5432 })).toBe(false);
    expect(l7Allows(manifests, pod('order-service'), pod('payment-db'), { port: 5432 })).toBe(false);
    expect(l4Allows(manifests, pod('payment-service'), pod('order-db'), { port: 5432 })).toBe(false);
    expect(l7Allows(manifests, pod('payment-service'), pod('order-db'), { port: 5432 })).toBe(false);
  });

  test('order-service reaches payment-service on pod port 8443 only, never on the Service port 443 or 8080', () => {
    const [src, dst] = [pod('order-service'), pod('payment-service')];
    expect(l4Allows(manifests, src, dst, { port: 8443 })).toBe(true);
    expect(l4Allows(manifests, src, dst, { port: 443 })).toBe(false);
    expect(l4Allows(manifests, src, dst, { port: 8080 })).toBe(false);
    expect(l7Allows(manifests, src, dst, { port: 8443, method: 'POST', path: '/api/payments/refund' })).toBe(true);
    expect(l7Allows(manifests, src, dst, { port: 8443, method: 'GET', path: '/api/payments/refund' })).toBe(false);
    expect(l7Allows(manifests, src, dst, { port: 8443, method: 'POST', path: '/v1/charges' })).toBe(false);
  });

  test('keeps DNS (UDP and TCP 53 to kube-dns only) and istiod (15012 only) reachable from every pod', () => {
    for (const src of pods) {
      expect(l4Allows(manifests, src, KUBE_DNS, { port: 53, protocol: 'UDP' })).toBe(true);
      expect(l4Allows(manifests, src, KUBE_DNS, { port: 53, protocol: 'TCP' })).toBe(true);
      expect(l4Allows(manifests, src, KUBE_DNS, { port: 9153 })).toBe(false);
      expect(l4Allows(manifests, src, ISTIOD, { port: 15012 })).toBe(true);
      expect(l4Allows(manifests, src, ISTIOD, { port: 15010 })).toBe(false);
    }
    const impostor: Pod = { ...KUBE_DNS, namespace: 'default', labels: { 'k8s-app': 'kube-dns' } };
    expect(l4Allows(manifests, pod('frontend'), impostor, { port: 53, protocol: 'UDP' })).toBe(false);
  });

  test('opens no internet egress: every pod is egress-isolated and no rule names an address block or everything', () => {
    const egressRules = manifests.filter(m => m.kind === 'NetworkPolicy').flatMap(np => np.spec.egress ?? []);
    for (const rule of egressRules) {
      expect(rule.to?.length).toBeGreaterThan(0);
      for (const peer of rule.to) {
        expect(peer.ipBlock).toBeUndefined();
        expect(peer.namespaceSelector ?? peer.podSelector).toBeDefined();
      }
      expect(rule.ports?.length).toBeGreaterThan(0);
    }
    const isolating = manifests.filter(m => m.kind === 'NetworkPolicy' && m.metadata.name === 'default-deny');
    expect(isolating.map(np => [np.metadata.namespace, np.spec.policyTypes])).toEqual([
      ['production', ['Ingress', 'Egress']],
      ['risk', ['Ingress', 'Egress']],
    ]);
  });

  test('refuses a plaintext client without a sidecar under STRICT mTLS, even on a declared path', () => {
    const plaintext = { ...pod('api-gateway'), sidecar: false };
    expect(l7Allows(manifests, plaintext, pod('payment-service'), { port: 8080, method: 'GET', path: '/' })).toBe(false);
    expect(l7Allows(manifests, pod('api-gateway'), pod('payment-service'), { port: 8080, method: 'GET', path: '/' })).toBe(true);
  });

  test('lets the monitoring namespace scrape sidecars on 15020 and 15090 only', () => {
    const prometheus: Pod = { namespace: 'monitoring', name: 'prometheus', labels: { app: 'prometheus' }, serviceAccount: 'prometheus', ports: [], sidecar: false };
    for (const dst of pods) {
      expect(l4Allows(manifests, prometheus, dst, { port: 15020 })).toBe(true);
      expect(l4Allows(manifests, prometheus, dst, { port: 15090 })).toBe(true);
      expect(l4Allows(manifests, prometheus, dst, { port: dst.ports[0].port })).toBe(false);
    }
  });

  test('emits one ingress NetworkPolicy and one AuthorizationPolicy per destination, not per link', () => {
    const destinations = [...new Set(DECLARED.map(l => l.to))].sort();
    const named = (kind: string, suffix: string) => manifests.filter(m => m.kind === kind && m.metadata.name.endsWith(suffix)).map(m => m.metadata.name.replace(suffix, '')).sort();
    expect(named('NetworkPolicy', '-ingress')).toEqual(destinations);
    expect(named('AuthorizationPolicy', '-ingress')).toEqual(destinations);
    expect(named('NetworkPolicy', '-egress')).toEqual([...new Set(DECLARED.map(l => l.from))].sort());
  });

  test('payment-service, and only it, carries its IRSA role ARN', () => {
    const annotated = manifests.filter(m => m.kind === 'ServiceAccount' && m.metadata.annotations?.['eks.amazonaws.com/role-arn']);
    expect(annotated.map(m => [m.metadata.name, m.metadata.annotations['eks.amazonaws.com/role-arn']]))
      .toEqual([['payment-service', 'arn:aws:iam::111122223333:role/workloads/production-payment-service']]);
  });

  test('matches the reviewed snapshot (a gate for reviewers; the assertions above are the proof)', () => {
    expect(chartYaml(scenario.production)).toMatchSnapshot();
    expect(chartYaml(scenario.risk)).toMatchSnapshot();
  });
});
