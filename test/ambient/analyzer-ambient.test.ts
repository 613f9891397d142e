import { App } from 'cdk8s';
import { referenceScenario } from '../../examples/reference/scenario';
import { DataPlane, Reachability } from '../../lib';
import { synthApp } from '../support/synth';

function analyse(planes: { production?: DataPlane; risk?: DataPlane }): Reachability {
  const app = new App();
  referenceScenario(app, planes);
  return Reachability.fromManifests(synthApp(app));
}

const sidecar = analyse({});

describe.each([
  ['both ambient', { production: DataPlane.AMBIENT, risk: DataPlane.AMBIENT }],
  ['production sidecar, risk ambient', { production: DataPlane.SIDECAR, risk: DataPlane.AMBIENT }],
  ['production ambient, risk sidecar', { production: DataPlane.AMBIENT, risk: DataPlane.SIDECAR }],
])('the analyzer on the reference scenario, %s', (_name, planes) => {
  const ambient = analyse(planes);

  test('allows exactly what it allows on the sidecar synthesis: the 13 links, DNS and the control plane', () => {
    expect(ambient.allowedPaths()).toEqual(sidecar.allowedPaths());
    expect(ambient.allowedPaths().filter(p => !/kube-dns|istiod|monitoring/.test(p))).toHaveLength(13);
  });

  test('the diff reports no change in access', () => {
    const diff = sidecar.diff(ambient);
    expect({ widened: diff.widened, narrowed: diff.narrowed, changes: diff.changes }).toEqual({ widened: 0, narrowed: 0, changes: [] });
  });

  test('the paths into an ambient server say which point decided, and no targetRefs policy is left unmodelled', () => {
    const intoPayment = ambient.paths().filter(p => p.destination === 'production/payment-service' && p.source === 'production/checkout-api');
    expect(intoPayment.length).toBeGreaterThan(0);
    const reasons = intoPayment.flatMap(p => p.reasons).join('\n');
    expect(reasons).toMatch(planes.production === DataPlane.AMBIENT ? /\[waypoint production\/waypoint for Service payment-service\]/ : /payment-service-ingress/);
    expect(ambient.findings().filter(f => f.message.startsWith('targetRef(s)'))).toEqual([]);
  });
});

describe('the analyzer checks single calls in ambient, naming the point that decided', () => {
  const ambient = analyse({ production: DataPlane.AMBIENT, risk: DataPlane.AMBIENT });
  const check = (source: string, destination: string, port: number, method?: string, path?: string) =>
    ambient.check({ source: `production/${source}`, destination, port, method, path });

  test('the declared request passes the waypoint; another method is refused by it', () => {
    expect(check('checkout-api', 'production/payment-service', 8080, 'POST', '/v1/charges').verdict).toBe('allow');
    const refused = check('checkout-api', 'production/payment-service', 8080, 'GET', '/v1/charges');
    expect(refused.verdict).toBe('deny');
    expect(refused.reasons.join('\n')).toMatch(/payment-service-waypoint \[waypoint production\/waypoint for Service payment-service\]/);
  });

  test('an undeclared pair is refused, and a waypoint client gets no other server behind the same waypoint', () => {
    expect(check('frontend', 'production/database', 5432).verdict).toBe('deny');
    expect(check('checkout-api', 'production/order-service', 8080, 'GET', '/orders/1').verdict).toBe('deny');
    expect(check('payment-service', 'risk/fraud-scorer', 9090, 'POST', '/v1/score').verdict).toBe('allow');
    expect(check('payment-service', 'risk/fraud-scorer', 9090, 'POST', '/v2/score').verdict).toBe('deny');
  });
});

describe('a call addressed straight to a pod behind a waypoint skips it: each path says what that call gets, and where it is decided', () => {
  const app = new App();
  referenceScenario(app, { production: DataPlane.AMBIENT, risk: DataPlane.AMBIENT });
  const manifests = synthApp(app);
  const reasonsOf = (reach: Reachability, source: string, destination: string) =>
    reach.paths().filter(p => p.source === source && p.destination === destination).flatMap(p => p.reasons);

  test('a client with HTTP rules: refused by NetworkPolicy, since only the waypoint may tunnel to the pod', () => {
    expect(reasonsOf(Reachability.fromManifests(manifests), 'production/checkout-api', 'production/payment-service'))
      .toContain('ambient: addressed to the pod, the call skips the waypoint: refused by NetworkPolicy (no HBONE 15008 from the client to the pod)');
  });

  test('a plain-TCP client of a server that has a waypoint: ztunnel admits it on its link\'s port, without L7 rules (as declared)', () => {
    expect(reasonsOf(Reachability.fromManifests(manifests), 'production/api-gateway', 'production/payment-service'))
      .toContain('ambient: addressed to the pod, the call skips the waypoint: admitted by ztunnel on tcp/8080, without L7 rules');
  });

  test('with the tunnel to the pod opened by hand, ztunnel still refuses the client\'s own principal', () => {
    const edited = manifests.map(m => (m.kind === 'NetworkPolicy' && m.metadata.name === 'payment-service-ingress' && m.metadata.namespace === 'production'
      ? { ...m, spec: { ...m.spec, ingress: [...m.spec.ingress, { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout-api' } } }], ports: [{ protocol: 'TCP', port: 15008 }] }] } }
      : m.kind === 'NetworkPolicy' && m.metadata.name === 'checkout-api-egress' && m.metadata.namespace === 'production'
        ? { ...m, spec: { ...m.spec, egress: [...m.spec.egress, { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'payment-service' } } }], ports: [{ protocol: 'TCP', port: 15008 }] }] } }
        : m));
    const reach = Reachability.fromManifests(edited);
    expect(reasonsOf(reach, 'production/checkout-api', 'production/payment-service'))
      .toContain('ambient: addressed to the pod, the call skips the waypoint: refused by ztunnel (cluster.local/ns/production/sa/checkout-api is not admitted)');
    // What the client can do is unchanged: the waypoint's rules still decide every call it can make.
    expect(reach.allowedPaths()).toEqual(Reachability.fromManifests(manifests).allowedPaths());
  });
});
