import { App } from 'cdk8s';
import { PARTNER_RANGE, storefront } from '../../examples/storefront/storefront';
import { AddressIngress, IdentityAwareEntryPoint, LinkPort, PublicRoute, ZeroTrustMode, ZeroTrustNamespace } from '../../lib';
import { l4IngressFromAddress, l4PodToPod, meshVerdict, MeshRequest, shadowVerdict } from '../edges/support/edge-eval';
import { INGRESS_GATEWAY_POD as gatewayPod, INGRESS_GATEWAY_PRINCIPAL as GATEWAY_PRINCIPAL } from '../support/ingress-gateway';
import { podFor, podsOf } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { find, synthApp } from '../support/synth';

const PARTNER_IP = '198.51.100.23';
const STRANGER_IP = '203.0.113.9';

function build(mode: ZeroTrustMode = ZeroTrustMode.ENFORCE) {
  const app = new App();
  storefront(app, { mode });
  const manifests = synthApp(app);
  const pods = podsOf(manifests);
  const pod = (name: string) => pods.find(p => p.name === name)!;
  return { app, manifests, pod };
}

describe('storefront (examples/storefront): the ways in from outside, enforced', () => {
  const { manifests, pod } = build();
  const frontend = pod('frontend');
  const webhook = pod('webhook');
  const cart = pod('cart');
  const orders = pod('orders');
  const viaGateway = (req: Partial<MeshRequest>) => meshVerdict(manifests, frontend, { principal: GATEWAY_PRINCIPAL, port: 8080, method: 'GET', path: '/', ...req });
  const fromPartner = (req: Partial<MeshRequest>) => meshVerdict(manifests, webhook, { sourceIp: PARTNER_IP, port: 8443, ...req });

  test('every object validates against the real schemas', () => {
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('L4: the gateway pods reach frontend on http only; nobody else reaches it', () => {
    expect(l4PodToPod(manifests, gatewayPod, frontend, 8080)).toBe(true);
    expect(l4PodToPod(manifests, gatewayPod, frontend, 9090)).toBe(false);
    expect(l4PodToPod(manifests, { ...gatewayPod, namespace: 'team-a' }, frontend, 8080)).toBe(false);
    expect(l4PodToPod(manifests, { ...gatewayPod, labels: { istio: 'egressgateway' } }, frontend, 8080)).toBe(false);
    expect(l4PodToPod(manifests, cart, frontend, 8080)).toBe(false);
    expect(l4IngressFromAddress(manifests, PARTNER_IP, frontend, 8080)).toBe(false);
  });

  test('L4: the gateway reaches no other workload (a public route opens one workload only)', () => {
    for (const name of ['cart', 'catalog', 'orders', 'webhook']) expect(l4PodToPod(manifests, gatewayPod, pod(name), 8080)).toBe(false);
    expect(l4PodToPod(manifests, gatewayPod, webhook, 8443)).toBe(false);
  });

  test('L7: through the gateway, GET and POST on any path are admitted without a token', () => {
    expect(viaGateway({})).toBe(200);
    expect(viaGateway({ method: 'POST', path: '/cart/add' })).toBe(200);
  });

  test.each([
    ['DELETE through the gateway', { method: 'DELETE', path: '/cart/1' }],
    ['PUT through the gateway', { method: 'PUT' }],
    ['GET on another port', { port: 15000 }],
    ['a mesh neighbour calling frontend directly', { principal: 'cluster.local/ns/storefront/sa/cart' }],
    ['plaintext from outside the mesh', { principal: undefined }],
    ['plaintext from the partner range', { principal: undefined, sourceIp: PARTNER_IP }],
  ] as [string, Partial<MeshRequest>][])('L7: %s is refused', (_name, req) => {
    expect(viaGateway(req)).toBe(403);
  });

  test('L4: the partner range reaches webhook on 8443 only; other addresses and ports stay closed', () => {
    expect(l4IngressFromAddress(manifests, PARTNER_IP, webhook, 8443)).toBe(true);
    expect(l4IngressFromAddress(manifests, '198.51.100.0', webhook, 8443)).toBe(true);
    expect(l4IngressFromAddress(manifests, '198.51.100.255', webhook, 8443)).toBe(true);
    expect(l4IngressFromAddress(manifests, '198.51.101.1', webhook, 8443)).toBe(false);
    expect(l4IngressFromAddress(manifests, STRANGER_IP, webhook, 8443)).toBe(false);
    expect(l4IngressFromAddress(manifests, PARTNER_IP, webhook, 8080)).toBe(false);
    expect(l4IngressFromAddress(manifests, PARTNER_IP, webhook, 8443, 'UDP')).toBe(false);
    expect(l4IngressFromAddress(manifests, PARTNER_IP, orders, 8080)).toBe(false);
    expect(l4IngressFromAddress(manifests, PARTNER_IP, frontend, 8080)).toBe(false);
  });

  test('L7: plaintext from the partner range on 8443 is admitted; the mesh stays STRICT everywhere else', () => {
    expect(fromPartner({})).toBe(200);
    expect(fromPartner({ sourceIp: STRANGER_IP })).toBe(403);
    expect(fromPartner({ port: 8080 })).toBe(403);
    // Port-level PERMISSIVE is for webhook only: plaintext from the partner to orders is refused by mTLS.
    expect(meshVerdict(manifests, orders, { sourceIp: PARTNER_IP, port: 8080 })).toBe(403);
    expect(meshVerdict(manifests, frontend, { sourceIp: PARTNER_IP, port: 8080, method: 'GET', path: '/' })).toBe(403);
  });

  test('L7: a mesh workload calling webhook on 8443 is refused, even from an address inside the range (the rule admits peers without identity only)', () => {
    expect(fromPartner({ principal: 'cluster.local/ns/storefront/sa/frontend', sourceIp: '10.0.0.7' })).toBe(403);
    expect(fromPartner({ principal: 'cluster.local/ns/storefront/sa/frontend', sourceIp: PARTNER_IP })).toBe(403);
  });

  test('internal links still work, and only as declared', () => {
    expect(l4PodToPod(manifests, frontend, cart, 8080)).toBe(true);
    expect(meshVerdict(manifests, cart, { principal: 'cluster.local/ns/storefront/sa/frontend', port: 8080, method: 'POST', path: '/cart/add' })).toBe(200);
    expect(l4PodToPod(manifests, webhook, orders, 8080)).toBe(true);
    expect(meshVerdict(manifests, orders, { principal: 'cluster.local/ns/storefront/sa/webhook', port: 8080, method: 'POST', path: '/orders/42' })).toBe(200);
    expect(meshVerdict(manifests, orders, { principal: 'cluster.local/ns/storefront/sa/webhook', port: 8080, method: 'GET', path: '/orders/42' })).toBe(403);
    expect(l4PodToPod(manifests, frontend, orders, 8080)).toBe(false);
    expect(l4PodToPod(manifests, webhook, cart, 8080)).toBe(false);
  });

  test('each way in merges into its workload\'s one -ingress policy per layer', () => {
    const names = (kind: string) => manifests.filter(m => m.kind === kind).map(m => m.metadata.name).sort();
    expect(names('NetworkPolicy')).toEqual(['allow-dns', 'allow-istiod', 'cart-ingress', 'catalog-ingress', 'default-deny', 'frontend-egress',
      'frontend-ingress', 'orders-ingress', 'webhook-egress', 'webhook-ingress']);
    expect(names('AuthorizationPolicy')).toEqual(['allow-nothing', 'cart-ingress', 'catalog-ingress', 'frontend-ingress', 'orders-ingress', 'webhook-ingress']);
    expect(names('PeerAuthentication')).toEqual(['default', 'webhook-plaintext']);
    expect(find(manifests, 'AuthorizationPolicy', 'frontend-ingress').spec.rules).toEqual([{
      from: [{ source: { principals: [GATEWAY_PRINCIPAL] } }],
      to: [{ operation: { ports: ['8080'], methods: ['GET', 'POST'] } }],
    }]);
    expect(find(manifests, 'AuthorizationPolicy', 'webhook-ingress').spec.rules).toEqual([{
      from: [{ source: { ipBlocks: [PARTNER_RANGE], notPrincipals: ['*'] } }],
      to: [{ operation: { ports: ['8443'] } }],
    }]);
    expect(find(manifests, 'PeerAuthentication', 'webhook-plaintext').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'webhook' } },
      mtls: { mode: 'UNSET' },
      portLevelMtls: { 8443: { mode: 'PERMISSIVE' } },
    });
  });

  test('no emitted rule admits everything: no empty from, no "*" principal or 0.0.0.0/0 in authorization ("*" only in notPrincipals)', () => {
    for (const np of manifests.filter(m => m.kind === 'NetworkPolicy')) {
      for (const rule of np.spec.ingress ?? []) {
        expect(rule.from?.length).toBeGreaterThan(0);
        expect(rule.ports?.length).toBeGreaterThan(0);
      }
    }
    const rules = manifests.filter(m => m.kind === 'AuthorizationPolicy').flatMap(m => m.spec.rules ?? []);
    for (const rule of rules) {
      expect(rule.from?.length).toBeGreaterThan(0);
      for (const f of rule.from) expect(JSON.stringify({ ...f.source, notPrincipals: undefined })).not.toMatch(/"\*"|0\.0\.0\.0\/0/);
    }
  });

  test('the route publishes shop.example.com on the gateway to frontend\'s Service port 80 (pod port 8080)', () => {
    expect(find(manifests, 'Gateway', 'frontend-gateway').spec.servers[0].hosts).toEqual(['shop.example.com']);
    expect(find(manifests, 'VirtualService', 'frontend').spec.http[0].route[0].destination).toEqual({ host: 'frontend.storefront.svc.cluster.local', port: { number: 80 } });
    const svc = find(manifests, 'Service', 'webhook');
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
  });
});

describe('storefront in audit mode: nothing new is enforced, dry-run reports what enforce would deny', () => {
  const { manifests, pod } = build(ZeroTrustMode.AUDIT);
  const frontend = pod('frontend');
  const webhook = pod('webhook');

  test('no NetworkPolicy and no port-level PeerAuthentication; every AuthorizationPolicy is dry-run', () => {
    expect(manifests.filter(m => m.kind === 'NetworkPolicy')).toEqual([]);
    expect(manifests.filter(m => m.kind === 'PeerAuthentication').map(m => m.metadata.name)).toEqual(['default']);
    for (const ap of manifests.filter(m => m.kind === 'AuthorizationPolicy')) expect(ap.metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('traffic enforce would refuse still flows, and dry-run reports it as denied', () => {
    const stranger = { sourceIp: STRANGER_IP, port: 8443 };
    expect(l4IngressFromAddress(manifests, STRANGER_IP, webhook, 8443)).toBe(true);
    expect(meshVerdict(manifests, webhook, stranger)).toBe(200);
    expect(shadowVerdict(manifests, webhook, stranger)).toBe(403);
    const deleteViaGateway = { principal: GATEWAY_PRINCIPAL, port: 8080, method: 'DELETE', path: '/' };
    expect(meshVerdict(manifests, frontend, deleteViaGateway)).toBe(200);
    expect(shadowVerdict(manifests, frontend, deleteViaGateway)).toBe(403);
  });

  test('dry-run reports the declared ways in as allowed', () => {
    expect(shadowVerdict(manifests, webhook, { sourceIp: PARTNER_IP, port: 8443 })).toBe(200);
    expect(shadowVerdict(manifests, frontend, { principal: GATEWAY_PRINCIPAL, port: 8080, method: 'POST', path: '/checkout' })).toBe(200);
  });
});

describe('a workload auditing on its own inside an enforcing namespace keeps one workload-level PeerAuthentication', () => {
  test('its -audit PeerAuthentication (PERMISSIVE) stands alone; no plaintext one is added', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'edge');
    const hook = ns.addWorkload('hook', { ports: [{ number: 8443, name: 'webhooks' }], mode: ZeroTrustMode.AUDIT });
    new AddressIngress(ns, 'in', { to: hook, cidr: '192.0.2.0/24', ports: [LinkPort.tcp(8443)] });
    const manifests = synthApp(app);
    expect(manifests.filter(m => m.kind === 'PeerAuthentication').map(m => m.metadata.name).sort()).toEqual(['default', 'hook-audit']);
    expect(find(manifests, 'AuthorizationPolicy', 'hook-ingress').metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
  });
});

describe('public and token-protected parts of one app, told apart by path', () => {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'shop');
  const web = ns.addWorkload('web', { ports: [{ number: 8080, name: 'http' }] });
  const issuer = 'https://login.example.com';
  new IdentityAwareEntryPoint(ns, 'staff', {
    workload: web,
    ports: [LinkPort.named('http')],
    http: { paths: ['/admin/*'] },
    oidc: { issuer, jwksUri: `${issuer}/jwks`, audiences: ['shop-admin'] },
    requiredClaims: [{ claim: 'groups', values: ['staff'] }],
  });
  new PublicRoute(ns, 'public', { workload: web, ports: [LinkPort.named('http')], http: { methods: ['GET'], paths: ['/', '/products/*'] } });
  const manifests = synthApp(app);
  const pod = podFor('shop', 'web', [8080], manifests);
  const viaGateway = (req: Partial<MeshRequest>) => meshVerdict(manifests, pod, { principal: GATEWAY_PRINCIPAL, port: 8080, method: 'GET', path: '/', ...req });
  const staffToken = { iss: issuer, sub: 'ann', aud: ['shop-admin'], claims: { groups: ['staff'] } };

  test('public paths need no token; admin paths still need a staff token', () => {
    expect(viaGateway({ path: '/products/42' })).toBe(200);
    expect(viaGateway({ path: '/admin/users' })).toBe(403);
    expect(viaGateway({ path: '/admin/users', token: staffToken })).toBe(200);
    expect(viaGateway({ path: '/admin/users', token: { ...staffToken, claims: { groups: ['guest'] } } })).toBe(403);
    expect(viaGateway({ path: '/products/42', method: 'POST' })).toBe(403);
    expect(examineSchema(manifests)).toEqual([]);
  });
});
