// A workload with a waypoint of its own: its L7 rules are enforced there, the rest of the
// namespace keeps the namespace waypoint, and each path goes through exactly its waypoint.
import { App, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { deployAndAdopt } from '../../examples/reference/scenario';
import { DataPlane, LinkPort, Reachability, ServiceLink, ZeroTrustNamespace } from '../../lib';
import { ambientCall, ambientPodsOf } from '../support/ambient-eval';
import { l4Allows } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { find, synthApp } from '../support/synth';

const HTTP = [{ number: 8080, name: 'http' }];

/** web calls api (own waypoint) and orders (namespace waypoint) with HTTP rules; api calls db over TCP. */
function shop(order: 'forward' | 'reverse' = 'forward', dataPlane = DataPlane.AMBIENT) {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'shop', { dataPlane });
  const declare = {
    web: () => deployAndAdopt(ns, 'web', HTTP),
    api: () => adoptWithOwnWaypoint(ns, 'api', dataPlane === DataPlane.AMBIENT),
    orders: () => deployAndAdopt(ns, 'orders', HTTP),
    db: () => deployAndAdopt(ns, 'db', [{ number: 5432, name: 'postgres' }]),
  };
  const names = ['web', 'api', 'orders', 'db'] as const;
  const w = Object.fromEntries((order === 'forward' ? names : [...names].reverse()).map(n => [n, declare[n]()])) as Record<typeof names[number], ReturnType<typeof deployAndAdopt>>;
  const links = [
    () => new ServiceLink(ns, 'web-to-api', { from: w.web, to: w.api, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'], paths: ['/items/*'] } }),
    () => new ServiceLink(ns, 'web-to-orders', { from: w.web, to: w.orders, ports: [LinkPort.tcp(8080)], http: { methods: ['POST'] } }),
    () => new ServiceLink(ns, 'api-to-db', { from: w.api, to: w.db, ports: [LinkPort.tcp(5432)] }),
  ];
  (order === 'forward' ? links : [...links].reverse()).forEach(l => l());
  return app;
}

function adoptWithOwnWaypoint(ns: ZeroTrustNamespace, name: string, own: boolean) {
  const deployment = new kplus.Deployment(ns, `${name}-deployment`, {
    metadata: { name },
    containers: [{ name: 'app', image: `registry.example.com/shop/${name}:1.0.0`, ports: HTTP, securityContext: { ensureNonRoot: true } }],
  });
  const service = deployment.exposeViaService({ name, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] });
  return ns.adopt(deployment, { services: [service], ...(own ? { ownWaypoint: true } : {}) });
}

describe('a workload with its own waypoint', () => {
  const manifests = synthApp(shop());
  const pods = ambientPodsOf(manifests);
  const pod = (n: string) => pods.find(p => p.name === n)!;

  test('its own Gateway of class istio-waypoint, used by its Service alone; the others keep the namespace waypoint', () => {
    expect(find(manifests, 'Gateway', 'api-waypoint')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'api-waypoint', namespace: 'shop', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
    expect(find(manifests, 'Gateway', 'waypoint').spec.gatewayClassName).toBe('istio-waypoint');
    expect(find(manifests, 'Service', 'api').metadata.labels).toEqual({ 'istio.io/use-waypoint': 'api-waypoint' });
    expect(find(manifests, 'Service', 'orders').metadata.labels).toEqual({ 'istio.io/use-waypoint': 'waypoint' });
    expect(find(manifests, 'Service', 'db').metadata.labels).toBeUndefined();
    expect(find(manifests, 'AuthorizationPolicy', 'api-waypoint-allow-nothing').spec).toEqual({
      targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'api-waypoint' }], action: 'ALLOW',
    });
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('the server\'s ztunnel admits its own waypoint\'s principal only, and the L7 policy is bound to its Service', () => {
    expect(find(manifests, 'AuthorizationPolicy', 'api-ingress').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/api-waypoint'] } }], to: [{ operation: { ports: ['8080'] } }] }],
    });
    expect(find(manifests, 'AuthorizationPolicy', 'orders-ingress').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
    expect(find(manifests, 'AuthorizationPolicy', 'api-waypoint').spec).toEqual({
      targetRefs: [{ kind: 'Service', group: '', name: 'api' }],
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'], paths: ['/items/*'] } }] }],
    });
  });

  test('NetworkPolicy opens 15008 client → its waypoint → server, and no waypoint reaches the other\'s servers', () => {
    const hbone = { port: 15008 };
    expect(l4Allows(manifests, pod('web'), pod('api-waypoint'), hbone)).toBe(true);
    expect(l4Allows(manifests, pod('api-waypoint'), pod('api'), hbone)).toBe(true);
    expect(l4Allows(manifests, pod('web'), pod('waypoint'), hbone)).toBe(true);
    expect(l4Allows(manifests, pod('waypoint'), pod('orders'), hbone)).toBe(true);
    expect(l4Allows(manifests, pod('waypoint'), pod('api'), hbone)).toBe(false);
    expect(l4Allows(manifests, pod('api-waypoint'), pod('orders'), hbone)).toBe(false);
    expect(l4Allows(manifests, pod('web'), pod('api'), hbone)).toBe(false);
    expect(l4Allows(manifests, pod('orders'), pod('api-waypoint'), hbone)).toBe(false);
    expect(find(manifests, 'NetworkPolicy', 'api-waypoint-ingress').spec.podSelector).toEqual({ matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'api-waypoint' } });
  });

  test('calls: the declared request passes its waypoint; others are refused there; the pod cannot be reached around it', () => {
    expect(ambientCall(manifests, pod('web'), pod('api'), { port: 8080, method: 'GET', path: '/items/1' })).toEqual({ allowed: true, by: 'admitted' });
    expect(ambientCall(manifests, pod('web'), pod('api'), { port: 8080, method: 'DELETE', path: '/items/1' })).toEqual({ allowed: false, by: 'waypoint', at: 'shop/api-waypoint' });
    expect(ambientCall(manifests, pod('web'), pod('api'), { port: 8080, method: 'GET', path: '/items/1' }, 'pod')).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'shop/web -> shop/api' });
    expect(ambientCall(manifests, pod('web'), pod('orders'), { port: 8080, method: 'POST', path: '/' })).toEqual({ allowed: true, by: 'admitted' });
    expect(ambientCall(manifests, pod('orders'), pod('api'), { port: 8080, method: 'GET', path: '/items/1' })).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'shop/orders -> shop/api-waypoint' });
    expect(ambientCall(manifests, pod('api'), pod('db'), { port: 5432 })).toEqual({ allowed: true, by: 'admitted' });
  });

  test('the analyzer finds exactly what the sidecar synthesis allows, and names the waypoint that decided', () => {
    const ambient = Reachability.fromManifests(manifests);
    expect(ambient.allowedPaths()).toEqual(Reachability.fromManifests(synthApp(shop('forward', DataPlane.SIDECAR))).allowedPaths());
    const refused = ambient.check({ source: 'shop/web', destination: 'shop/api', port: 8080, method: 'DELETE', path: '/items/1' });
    expect(refused.verdict).toBe('deny');
    expect(refused.reasons.join('\n')).toMatch(/api-waypoint \[waypoint shop\/api-waypoint for Service api\]/);
    expect(ambient.check({ source: 'shop/web', destination: 'shop/api', port: 8080, method: 'GET', path: '/items/1' }).verdict).toBe('allow');
    expect(ambient.findings().filter(f => f.message.startsWith('targetRef(s)'))).toEqual([]);
  });

  test('the same declarations in another order give byte-identical YAML', () => {
    expect(Yaml.stringify(...synthApp(shop('reverse')))).toBe(Yaml.stringify(...manifests));
  });
});

describe('bad input for ownWaypoint', () => {
  test('refused in a sidecar namespace', () => {
    const ns = new ZeroTrustNamespace(new App(), 'shop');
    expect(() => ns.addWorkload('api', { ownWaypoint: true })).toThrow(
      '[shop/api] ownWaypoint: true on workload "api" of namespace "shop", whose data plane is sidecar: waypoints exist in ambient namespaces only, and a sidecar enforces each pod\'s L7 rules itself. Fix: drop ownWaypoint, or declare the namespace with dataPlane: DataPlane.AMBIENT.');
  });

  test('refused when not true or false', () => {
    const ns = new ZeroTrustNamespace(new App(), 'shop', { dataPlane: DataPlane.AMBIENT });
    expect(() => ns.addWorkload('api', { ownWaypoint: 'yes' as unknown as boolean })).toThrow(/\[shop\/api\] ownWaypoint .*"yes".*Fix: pass true or false, or omit ownWaypoint/);
  });

  test('refused when the waypoint name would be too long', () => {
    const ns = new ZeroTrustNamespace(new App(), 'shop', { dataPlane: DataPlane.AMBIENT });
    const name = 'a'.repeat(55);
    expect(() => ns.addWorkload(name, { ownWaypoint: true })).toThrow(`would name its waypoint "${name}-waypoint", longer than 63 characters`);
  });

  test('a workload without a Service is refused at synth: its waypoint would see no traffic', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop', { dataPlane: DataPlane.AMBIENT });
    ns.addWorkload('api', { ownWaypoint: true });
    expect(() => synthApp(app)).toThrow('[shop/api] shop/api asks for its own waypoint (ownWaypoint: true) but has no Service: a waypoint only sees traffic addressed to a Service. Fix: adopt the workload with its Service (namespace.adopt(deployment, { services: [service], ownWaypoint: true })), or drop ownWaypoint.');
  });

  test('a ServiceAccount named like the waypoint is refused at synth: it would pass as the waypoint', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop', { dataPlane: DataPlane.AMBIENT });
    const api = adoptWithOwnWaypoint(ns, 'api', true);
    const web = ns.addWorkload('web', { serviceAccountName: 'api-waypoint' });
    new ServiceLink(ns, 'web-to-api', { from: web, to: api, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'] } });
    expect(() => synthApp(app)).toThrow('[shop] the waypoint "api-waypoint" of shop/api has the name of the ServiceAccount of shop/web (shop/web); Istio names the waypoint\'s Deployment, Service and ServiceAccount "api-waypoint", so they would collide and that workload could pass as the waypoint. Fix: rename the ServiceAccount of shop/web, or drop ownWaypoint on shop/api.');
  });

  test('a workload named like the namespace waypoint is refused once the waypoint is needed', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop', { dataPlane: DataPlane.AMBIENT });
    const api = deployAndAdopt(ns, 'api', HTTP);
    const web = deployAndAdopt(ns, 'waypoint', HTTP);
    new ServiceLink(ns, 'web-to-api', { from: web, to: api, ports: [LinkPort.tcp(8080)] });
    expect(() => synthApp(app)).not.toThrow();
    new ServiceLink(ns, 'web-to-api-http', { from: web, to: api, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'] } });
    expect(() => synthApp(app)).toThrow('[shop] the waypoint "waypoint" of shop/api has the name of the workload of shop/waypoint');
  });
});
