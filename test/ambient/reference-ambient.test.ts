import { App } from 'cdk8s';
import { referenceScenario } from '../../examples/reference/scenario';
import { DataPlane } from '../../lib';
import { ambientCall, ambientPodsOf, meshOf, Verdict } from '../support/ambient-eval';
import { allows, istioMatch, Pod, podsOf, Request } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { synthApp } from '../support/synth';

/** The 13 declared links of the reference scenario, in pod ports. */
const DECLARED: { from: string; to: string; port: number; methods?: string[]; paths?: string[] }[] = [
  { from: 'checkout-api', to: 'payment-service', port: 8080, methods: ['POST'], paths: ['/v1/charges'] },
  { from: 'api-gateway', to: 'payment-service', port: 8080 },
  { from: 'order-service', to: 'payment-service', port: 8443, methods: ['POST'], paths: ['/api/payments/*'] },
  { from: 'payment-service', to: 'payment-db', port: 5432 },
  { from: 'order-service', to: 'order-db', port: 5432 },
  { from: 'api-gateway', to: 'order-service', port: 8080, methods: ['GET', 'POST'], paths: ['/orders/*'] },
  { from: 'checkout-service', to: 'order-service', port: 8080, methods: ['GET', 'POST'], paths: ['/orders/*'] },
  { from: 'frontend', to: 'api-server', port: 8080 },
  { from: 'mobile-backend', to: 'api-server', port: 8080 },
  { from: 'api-server', to: 'database', port: 5432 },
  { from: 'api-server', to: 'cache', port: 6379 },
  { from: 'api-service', to: 'postgres', port: 5432 },
  { from: 'payment-service', to: 'fraud-scorer', port: 9090, methods: ['POST'], paths: ['/v1/score'] },
];

/** Plain TCP, and HTTP requests that hit and miss every declared method and path. */
const REQUESTS: Omit<Request, 'port'>[] = [
  {},
  { method: 'GET', path: '/' },
  { method: 'POST', path: '/v1/charges' },
  { method: 'GET', path: '/v1/charges' },
  { method: 'POST', path: '/api/payments/42' },
  { method: 'GET', path: '/orders/7' },
  { method: 'DELETE', path: '/orders/7' },
  { method: 'POST', path: '/v1/score' },
];

/**
 * What the declarations promise: a declared link on that port whose HTTP rules (if any) match.
 * An ambient server's HTTP rules live in its waypoint, which only Service traffic reaches, so a
 * call to its pod is refused for them (a sidecar server checks them itself, however addressed).
 */
function declared(src: Pod, dst: Pod, req: Request, addressing: 'service' | 'pod', dstMesh: string): boolean {
  return DECLARED.some(l => l.from === src.name && l.to === dst.name && l.port === req.port
    && (l.methods === undefined ? true : (addressing === 'service' || dstMesh === 'sidecar') && req.method !== undefined
      && l.methods.some(m => istioMatch(m, req.method)) && l.paths!.some(p => istioMatch(p, req.path))));
}

function synth(planes: { production?: DataPlane; risk?: DataPlane }): any[] {
  const app = new App();
  referenceScenario(app, planes);
  return synthApp(app);
}

const AMBIENT = { production: DataPlane.AMBIENT, risk: DataPlane.AMBIENT };
const MIXED_A = { production: DataPlane.SIDECAR, risk: DataPlane.AMBIENT };
const MIXED_B = { production: DataPlane.AMBIENT, risk: DataPlane.SIDECAR };

describe.each([
  ['both namespaces ambient', AMBIENT],
  ['production sidecar, risk ambient', MIXED_A],
  ['production ambient, risk sidecar', MIXED_B],
])('reference scenario, %s', (_name, planes) => {
  const manifests = synth(planes);
  const pods = ambientPodsOf(manifests).filter(p => !p.labels['gateway.networking.k8s.io/gateway-name']);

  test('every emitted object validates against the real schemas (Gateway included)', () => {
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('admits exactly the declared calls, per pod pair, port and HTTP request, addressed to the Service or the pod', () => {
    const mismatches: string[] = [];
    let admitted = 0;
    for (const src of pods) {
      for (const dst of pods) {
        if (src === dst) continue;
        for (const { port } of dst.ports) {
          for (const r of REQUESTS) {
            for (const addressing of ['service', 'pod'] as const) {
              const req = { port, ...r };
              const verdict = ambientCall(manifests, src, dst, req, addressing);
              const expected = declared(src, dst, req, addressing, meshOf(manifests, dst.namespace));
              if (verdict.allowed) admitted++;
              if (verdict.allowed !== expected) mismatches.push(`${src.name} -> ${dst.name}:${port} ${r.method ?? 'TCP'} ${r.path ?? ''} (${addressing}): ${verdict.allowed ? 'admitted' : `refused by ${verdict.by}`}, declared ${expected}`);
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(admitted).toBeGreaterThan(20);
  });
});

describe('the same access as the sidecar synthesis', () => {
  test('every call addressed to a Service gets the same verdict from sidecars and from ambient', () => {
    const sidecar = synth({});
    const ambient = synth(AMBIENT);
    const sidecarPods = podsOf(sidecar);
    const ambientPods = ambientPodsOf(ambient);
    const differences: string[] = [];
    for (const src of sidecarPods) {
      for (const dst of sidecarPods) {
        if (src === dst) continue;
        const a = (p: Pod) => ambientPods.find(x => x.namespace === p.namespace && x.name === p.name)!;
        for (const { port } of dst.ports) {
          for (const r of REQUESTS) {
            const req = { port, ...r };
            const before = allows(sidecar, src, dst, req);
            const after = ambientCall(ambient, a(src), a(dst), req).allowed;
            if (before !== after) differences.push(`${src.name} -> ${dst.name}:${port} ${r.method ?? 'TCP'} ${r.path ?? ''}: sidecar ${before}, ambient ${after}`);
          }
        }
      }
    }
    expect(differences).toEqual([]);
  });
});

describe('which enforcement point refuses what, in ambient', () => {
  const manifests = synth(AMBIENT);
  const pods = ambientPodsOf(manifests);
  const pod = (name: string) => pods.find(p => p.name === name)!;
  const call = (from: string, to: string, req: Request, addressing: 'service' | 'pod' = 'service'): Verdict => ambientCall(manifests, pod(from), pod(to), req, addressing);

  test('an HTTP call outside the declared method or path is refused by the waypoint', () => {
    expect(call('checkout-api', 'payment-service', { port: 8080, method: 'GET', path: '/v1/charges' })).toEqual({ allowed: false, by: 'waypoint', at: 'production/waypoint' });
    expect(call('checkout-api', 'payment-service', { port: 8080, method: 'POST', path: '/v1/charges' })).toEqual({ allowed: true, by: 'admitted' });
  });

  test('a client with HTTP rules cannot skip the waypoint by calling the pod', () => {
    // NetworkPolicy opens checkout-api's 15008 to the waypoint only, and ztunnel admits only the waypoint for it.
    expect(call('checkout-api', 'payment-service', { port: 8080, method: 'POST', path: '/v1/charges' }, 'pod')).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'production/checkout-api -> production/payment-service' });
  });

  test('a link without HTTP rules reaches its port through the waypoint or directly, and no other port', () => {
    expect(call('api-gateway', 'payment-service', { port: 8080 })).toEqual({ allowed: true, by: 'admitted' });
    expect(call('api-gateway', 'payment-service', { port: 8080 }, 'pod')).toEqual({ allowed: true, by: 'admitted' });
    expect(call('api-gateway', 'payment-service', { port: 8443 }, 'pod')).toEqual({ allowed: false, by: 'ztunnel', at: 'production/payment-service' });
    expect(call('api-gateway', 'payment-service', { port: 8443, method: 'POST', path: '/api/payments/1' })).toEqual({ allowed: false, by: 'waypoint', at: 'production/waypoint' });
  });

  test('an undeclared pair is refused by NetworkPolicy on the HBONE port, a declared pair on another port by ztunnel', () => {
    expect(call('frontend', 'database', { port: 5432 })).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'production/frontend -> production/database' });
    expect(call('api-server', 'database', { port: 5432 })).toEqual({ allowed: true, by: 'admitted' });
    expect(call('api-server', 'cache', { port: 5432 }).allowed).toBe(false);
  });

  test('the waypoint itself reaches only the servers that use it', () => {
    const waypoint = pods.find(p => p.namespace === 'production' && p.name === 'waypoint')!;
    expect(ambientCall(manifests, waypoint, pod('payment-db'), { port: 5432 }, 'pod')).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'production/waypoint -> production/payment-db' });
  });

  test('the cross-namespace call goes through the server namespace\'s waypoint', () => {
    expect(call('payment-service', 'fraud-scorer', { port: 9090, method: 'POST', path: '/v1/score' })).toEqual({ allowed: true, by: 'admitted' });
    expect(call('payment-service', 'fraud-scorer', { port: 9090, method: 'GET', path: '/v1/score' })).toEqual({ allowed: false, by: 'waypoint', at: 'risk/waypoint' });
    expect(call('order-service', 'fraud-scorer', { port: 9090, method: 'POST', path: '/v1/score' })).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'production/order-service -> risk/waypoint' });
  });
});
