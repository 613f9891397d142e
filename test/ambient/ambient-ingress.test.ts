// Ways in from outside into an ambient namespace: public routes through the ingress gateway
// (over HBONE, through the waypoint when HTTP rules need one) and address ranges (plaintext at
// the pod port, decided by ztunnel on the source address). Each admits exactly what it declares.
import { App } from 'cdk8s';
import { deployApp } from '../../examples/edges/deploy';
import { PARTNER_RANGE, storefront } from '../../examples/storefront/storefront';
import { AddressIngress, DataPlane, LinkPort, PublicRoute, Reachability, ServiceLink, TransportProtocol, ZeroTrustMode, ZeroTrustNamespace } from '../../lib';
import { l4IngressFromAddress, meshVerdict, MeshRequest } from '../edges/support/edge-eval';
import { ambientCall, ambientPodsOf } from '../support/ambient-eval';
import { INGRESS_GATEWAY_POD as GATEWAY, INGRESS_GATEWAY_PRINCIPAL as GATEWAY_PRINCIPAL } from '../support/ingress-gateway';
import { l4Allows, Pod } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { find, synthApp } from '../support/synth';

const PARTNER_IP = '198.51.100.23';
const HBONE = { port: 15008 };

/** What ztunnel enforces: the selector-bound policies only (targetRefs ones are the waypoint's). */
const ztunnelView = (manifests: any[]) => manifests.filter(m => !(m.kind === 'AuthorizationPolicy' && m.spec.targetRefs));

function podsIn(manifests: any[]) {
  const pods = ambientPodsOf(manifests);
  return (name: string) => pods.find(p => p.name === name)!;
}

describe('the storefront in ambient: a public route with HTTP rules and a partner range', () => {
  const app = new App();
  storefront(app, { dataPlane: DataPlane.AMBIENT });
  const manifests = synthApp(app);
  const pod = podsIn(manifests);

  test('the public route is enforced at the waypoint, which the gateway is told to use; ztunnel admits the waypoint only', () => {
    expect(find(manifests, 'Service', 'frontend').metadata.labels).toEqual({ 'istio.io/ingress-use-waypoint': 'true', 'istio.io/use-waypoint': 'waypoint' });
    expect(find(manifests, 'Service', 'cart').metadata.labels).toEqual({ 'istio.io/use-waypoint': 'waypoint' });
    expect(find(manifests, 'AuthorizationPolicy', 'frontend-waypoint').spec).toEqual({
      targetRefs: [{ kind: 'Service', group: '', name: 'frontend' }],
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: [GATEWAY_PRINCIPAL] } }], to: [{ operation: { ports: ['8080'], methods: ['GET', 'POST'] } }] }],
    });
    expect(find(manifests, 'AuthorizationPolicy', 'frontend-ingress').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/storefront/sa/waypoint'] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
    expect(find(manifests, 'Gateway', 'frontend-gateway').spec.servers[0].hosts).toEqual(['shop.example.com']);
    expect(examineSchema(manifests)).toEqual([]);
    for (const p of manifests.filter(m => m.kind === 'AuthorizationPolicy' && !m.spec.targetRefs)) {
      expect(JSON.stringify(p.spec)).not.toMatch(/methods|paths|requestPrincipals|remoteIpBlocks|"when"/);
    }
  });

  test('gateway → waypoint → frontend on 15008 only; the gateway reaches no pod directly', () => {
    expect(l4Allows(manifests, GATEWAY, pod('waypoint'), HBONE)).toBe(true);
    expect(l4Allows(manifests, pod('waypoint'), pod('frontend'), HBONE)).toBe(true);
    for (const name of ['frontend', 'cart', 'catalog', 'orders', 'webhook']) {
      expect(l4Allows(manifests, GATEWAY, pod(name), HBONE)).toBe(false);
      expect(l4Allows(manifests, GATEWAY, pod(name), { port: 8080 })).toBe(false);
    }
  });

  test('calls through the gateway: GET and POST admitted, other methods refused by the waypoint, other apps refused', () => {
    expect(ambientCall(manifests, GATEWAY, pod('frontend'), { port: 8080, method: 'GET', path: '/' })).toEqual({ allowed: true, by: 'admitted' });
    expect(ambientCall(manifests, GATEWAY, pod('frontend'), { port: 8080, method: 'POST', path: '/cart/add' })).toEqual({ allowed: true, by: 'admitted' });
    expect(ambientCall(manifests, GATEWAY, pod('frontend'), { port: 8080, method: 'DELETE', path: '/' })).toEqual({ allowed: false, by: 'waypoint', at: 'storefront/waypoint' });
    expect(ambientCall(manifests, GATEWAY, pod('frontend'), { port: 8080, method: 'GET', path: '/' }, 'pod')).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'istio-system/istio-ingressgateway -> storefront/frontend' });
    expect(ambientCall(manifests, GATEWAY, pod('cart'), { port: 8080, method: 'GET', path: '/cart/1' }).allowed).toBe(false);
    expect(ambientCall(manifests, pod('cart'), pod('frontend'), { port: 8080, method: 'GET', path: '/' })).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'storefront/cart -> storefront/waypoint' });
  });

  test('the partner range reaches webhook\'s pod port, plaintext, on 8443 only; ztunnel checks the source address', () => {
    expect(find(manifests, 'AuthorizationPolicy', 'webhook-ingress').spec.rules).toEqual([
      { from: [{ source: { ipBlocks: [PARTNER_RANGE], notPrincipals: ['*'] } }], to: [{ operation: { ports: ['8443'] } }] },
    ]);
    expect(find(manifests, 'PeerAuthentication', 'webhook-plaintext').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'webhook' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { 8443: { mode: 'PERMISSIVE' } },
    });
    const webhook = pod('webhook');
    expect(l4IngressFromAddress(manifests, PARTNER_IP, webhook, 8443)).toBe(true);
    expect(l4IngressFromAddress(manifests, '203.0.113.9', webhook, 8443)).toBe(false);
    expect(l4IngressFromAddress(manifests, PARTNER_IP, webhook, 15008)).toBe(false);
    expect(l4IngressFromAddress(manifests, PARTNER_IP, pod('orders'), 8080)).toBe(false);
    const atZtunnel = (dst: Pod, req: Partial<MeshRequest>) =>
      meshVerdict(ztunnelView(manifests), dst, { sourceIp: PARTNER_IP, port: 8443, ...req } as MeshRequest);
    expect(atZtunnel(webhook, {})).toBe(200);
    expect(atZtunnel(webhook, { sourceIp: '203.0.113.9' })).toBe(403);
    expect(atZtunnel(webhook, { port: 8080 })).toBe(403);
    expect(atZtunnel(webhook, { principal: 'cluster.local/ns/storefront/sa/frontend' })).toBe(403);
    // Plaintext is accepted on webhook's 8443 only: STRICT everywhere else.
    expect(atZtunnel(pod('orders'), { port: 8080 })).toBe(403);
  });

  test('the analyzer finds the same access as on the sidecar storefront, and no gap', () => {
    const sidecarApp = new App();
    storefront(sidecarApp);
    const ambient = Reachability.fromManifests(manifests);
    expect(ambient.allowedPaths()).toEqual(Reachability.fromManifests(synthApp(sidecarApp)).allowedPaths());
    expect(ambient.allowedPaths()).toContain('istio-system/istio-ingressgateway -> storefront/frontend tcp/8080 GET,POST *');
    expect(ambient.allowedPaths()).toContain(`external (${PARTNER_RANGE}) -> storefront/webhook tcp/8443`);
    expect(ambient.findings().filter(f => f.kind === 'gap')).toEqual([]);
    const refused = ambient.check({ source: 'istio-system/istio-ingressgateway', destination: 'storefront/frontend', port: 8080, method: 'DELETE', path: '/' });
    expect(refused.verdict).toBe('deny');
    expect(refused.reasons.join('\n')).toMatch(/frontend-waypoint \[waypoint storefront\/waypoint for Service frontend\]/);
  });
});

describe('public routes without HTTP rules in ambient', () => {
  function site(options: { withHttpLink?: 'before' | 'after' } = {}) {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'web', { dataPlane: DataPlane.AMBIENT });
    const server = deployApp(ns, 'site');
    const probe = deployApp(ns, 'probe');
    const link = () => new ServiceLink(ns, 'probe-to-site', { from: probe, to: server, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'] } });
    if (options.withHttpLink === 'before') link();
    new PublicRoute(ns, 'site-public', { workload: server, ports: [LinkPort.named('http')] });
    if (options.withHttpLink === 'after') link();
    const manifests = synthApp(app);
    return { manifests, pod: podsIn(manifests) };
  }

  test('without a waypoint: the gateway tunnels to the pod, and ztunnel admits its principal on the route\'s ports', () => {
    const { manifests, pod } = site();
    expect(manifests.filter(m => m.kind === 'Gateway' && m.spec.gatewayClassName === 'istio-waypoint')).toEqual([]);
    expect(find(manifests, 'Service', 'site').metadata.labels).toBeUndefined();
    expect(find(manifests, 'AuthorizationPolicy', 'site-ingress').spec.rules).toEqual([
      { from: [{ source: { principals: [GATEWAY_PRINCIPAL] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
    expect(l4Allows(manifests, GATEWAY, pod('site'), HBONE)).toBe(true);
    expect(l4Allows(manifests, GATEWAY, pod('site'), { port: 8080 })).toBe(false);
    expect(l4Allows(manifests, GATEWAY, pod('probe'), HBONE)).toBe(false);
    expect(ambientCall(manifests, GATEWAY, pod('site'), { port: 8080, method: 'DELETE', path: '/any' })).toEqual({ allowed: true, by: 'admitted' });
    expect(ambientCall(manifests, GATEWAY, pod('site'), { port: 9090 })).toEqual({ allowed: false, by: 'ztunnel', at: 'web/site' });
    expect(ambientCall(manifests, pod('probe'), pod('site'), { port: 8080 })).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'web/probe -> web/site' });
    expect(examineSchema(manifests)).toEqual([]);
  });

  test.each(['before', 'after'] as const)('with a waypoint (an HTTP link declared %s): the gateway goes through it, whatever the order', order => {
    const { manifests, pod } = site({ withHttpLink: order });
    expect(find(manifests, 'Service', 'site').metadata.labels).toEqual({ 'istio.io/ingress-use-waypoint': 'true', 'istio.io/use-waypoint': 'waypoint' });
    expect(find(manifests, 'AuthorizationPolicy', 'site-ingress').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/web/sa/waypoint'] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
    expect(find(manifests, 'AuthorizationPolicy', 'site-waypoint').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/web/sa/probe'] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'] } }] },
      { from: [{ source: { principals: [GATEWAY_PRINCIPAL] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
    expect(l4Allows(manifests, GATEWAY, pod('site'), HBONE)).toBe(false);
    expect(ambientCall(manifests, GATEWAY, pod('site'), { port: 8080, method: 'DELETE', path: '/any' })).toEqual({ allowed: true, by: 'admitted' });
    expect(ambientCall(manifests, pod('probe'), pod('site'), { port: 8080, method: 'DELETE', path: '/' })).toEqual({ allowed: false, by: 'waypoint', at: 'web/waypoint' });
  });
});

describe('bad input and edge cases of the ways in, in ambient', () => {
  test('a public route with HTTP rules to a workload without a Service is refused at synth', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'web', { dataPlane: DataPlane.AMBIENT });
    const site = ns.addWorkload('site', { ports: [{ number: 8080, name: 'http' }] });
    new PublicRoute(ns, 'site-public', { workload: site, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'] } });
    expect(() => synthApp(app)).toThrow('web/site has HTTP rules or an entry point (declared at web/site-public) in an ambient namespace, but no Service: the waypoint that enforces them only sees traffic addressed to a Service. Fix: adopt the workload with its Service');
  });

  test('a public route with HTTP rules to a workload auditing alone is refused when declared', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'web', { dataPlane: DataPlane.AMBIENT });
    const site = deployApp(ns, 'site', 8080, { mode: ZeroTrustMode.AUDIT });
    expect(() => new PublicRoute(ns, 'site-public', { workload: site, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'] } })).toThrow(
      '[web/Rendered/Istio] web/site audits on its own in an enforcing ambient namespace, but web/site-public needs the namespace waypoint');
  });

  test('a range opened on UDP only is NetworkPolicy\'s alone: no plaintext port, no ztunnel rule', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'web', { dataPlane: DataPlane.AMBIENT });
    const dns = ns.addWorkload('resolver', { ports: [{ number: 5353, name: 'mdns', protocol: TransportProtocol.UDP }] });
    new AddressIngress(ns, 'lan', { to: dns, cidr: '192.0.2.0/24', ports: [LinkPort.udp(5353)] });
    const manifests = synthApp(app);
    expect(manifests.filter(m => m.kind === 'PeerAuthentication').map(m => m.metadata.name)).toEqual(['default']);
    expect(manifests.filter(m => m.kind === 'AuthorizationPolicy').map(m => m.metadata.name)).toEqual(['allow-nothing']);
    expect(find(manifests, 'NetworkPolicy', 'resolver-ingress').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ protocol: 'UDP', port: 5353 }] },
    ]);
  });
});
