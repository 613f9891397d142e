import { App } from 'cdk8s';
import { controlledEgress } from '../../examples/edges/edges';
import { AddressIngress, ExternalPort, HostEgress, IdentityAwareEntryPoint, LinkPort, PublicRoute, ZeroTrustMode, ZeroTrustNamespace } from '../../lib';
import { l4EgressToAddress, l4PodToPod, meshVerdict, outboundRoute, policiesOn, shadowVerdict } from './support/edge-eval';
import { Pod, podsOf } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { synthApp } from '../support/synth';

/** Everything the library can declare in one namespace, in the given mode. */
function declareEverything(mode: ZeroTrustMode) {
  const app = new App();
  const shop = new ZeroTrustNamespace(app, 'shop', { mode, monitoring: { namespace: 'monitoring' } });
  const risk = new ZeroTrustNamespace(app, 'risk');
  const web = shop.addWorkload('web', { ports: [{ number: 8080, name: 'http' }] });
  const api = shop.addWorkload('api', { ports: [{ number: 8080, name: 'http' }] });
  const db = shop.addWorkload('db', { ports: [{ number: 5432, name: 'postgres' }] });
  const scorer = risk.addWorkload('scorer', { ports: [{ number: 9090, name: 'http' }] });
  api.allowFrom(web, { ports: [LinkPort.named('http')], http: { methods: ['GET'], paths: ['/v1/*'] } });
  db.allowFrom(api, { ports: [LinkPort.tcp(5432)] });
  scorer.allowFrom(api, { ports: [LinkPort.tcp(9090)] });
  new HostEgress(shop, 'api-to-stripe', { from: api, host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: ['198.51.100.0/24'] });
  new IdentityAwareEntryPoint(shop, 'web-entry', {
    workload: web,
    ports: [LinkPort.named('http')],
    oidc: { issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks' },
    requiredClaims: [{ claim: 'groups', values: ['staff'] }],
  });
  // Ways in from outside (issue 14).
  new PublicRoute(shop, 'web-public', { workload: web, ports: [LinkPort.named('http')], http: { methods: ['GET'], paths: ['/'] } });
  new AddressIngress(shop, 'partner-to-api', { to: api, cidr: '192.0.2.0/24', ports: [LinkPort.named('http')] });
  return synthApp(app).filter(m => m.metadata.namespace === 'shop' || m.metadata.name === 'shop');
}

const keyOf = (m: any) => `${m.kind} ${m.metadata.name}`;

/** Paths (a.b.c) where two JSON values differ. */
function diffPaths(a: any, b: any, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap(k => diffPaths(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return [at];
}

describe('switching a namespace from audit to enforce', () => {
  const audit = declareEverything(ZeroTrustMode.AUDIT);
  const enforce = declareEverything(ZeroTrustMode.ENFORCE);
  const auditByKey = new Map(audit.map(m => [keyOf(m), m]));
  const enforceByKey = new Map(enforce.map(m => [keyOf(m), m]));

  test('adds only the objects that have no dry-run: NetworkPolicies, RequestAuthentication, the registry-only Sidecar, port-level plaintext', () => {
    const added = [...enforceByKey.keys()].filter(k => !auditByKey.has(k)).sort();
    expect(added).toEqual([
      'NetworkPolicy allow-dns', 'NetworkPolicy allow-istiod', 'NetworkPolicy allow-metrics-scraping',
      'NetworkPolicy api-egress', 'NetworkPolicy api-ingress', 'NetworkPolicy db-ingress', 'NetworkPolicy default-deny',
      'NetworkPolicy web-egress', 'NetworkPolicy web-ingress',
      'PeerAuthentication api-plaintext', 'RequestAuthentication web-jwt', 'Sidecar default',
    ]);
    expect([...auditByKey.keys()].filter(k => !enforceByKey.has(k))).toEqual([]);
  });

  test('changes, in the objects both modes emit, only the mTLS mode and the dry-run annotations', () => {
    const changed = [...auditByKey.keys()].filter(k => enforceByKey.has(k))
      .flatMap(k => diffPaths(auditByKey.get(k), enforceByKey.get(k)).map(p => `${k}: ${p}`)).sort();
    expect(changed).toEqual([
      'AuthorizationPolicy allow-nothing: metadata.annotations',
      'AuthorizationPolicy api-ingress: metadata.annotations',
      'AuthorizationPolicy db-ingress: metadata.annotations',
      'AuthorizationPolicy web-ingress: metadata.annotations',
      'PeerAuthentication default: spec.mtls.mode',
    ]);
    for (const m of audit.filter(x => x.kind === 'AuthorizationPolicy')) expect(m.metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
    for (const m of enforce.filter(x => x.kind === 'AuthorizationPolicy')) expect(m.metadata.annotations).toBeUndefined();
    expect(auditByKey.get('PeerAuthentication default').spec.mtls.mode).toBe('PERMISSIVE');
    expect(enforceByKey.get('PeerAuthentication default').spec.mtls.mode).toBe('STRICT');
  });

  test('both syntheses validate against the real schemas', () => {
    expect(examineSchema(audit)).toEqual([]);
    expect(examineSchema(enforce)).toEqual([]);
  });

  describe('an audit-mode namespace enforces nothing new', () => {
    const pod = (name: string): Pod => ({ namespace: 'shop', name, labels: { 'app.kubernetes.io/name': name }, serviceAccount: name, ports: [], sidecar: true });
    const stranger: Pod = { namespace: 'elsewhere', name: 'stranger', labels: { app: 'stranger' }, serviceAccount: 'stranger', ports: [], sidecar: false };
    const requests = [
      { principal: 'cluster.local/ns/shop/sa/web', port: 8080, method: 'GET', path: '/v1/items' },
      { principal: 'cluster.local/ns/shop/sa/web', port: 8080, method: 'DELETE', path: '/admin' },
      { principal: 'cluster.local/ns/elsewhere/sa/stranger', port: 8080, method: 'GET', path: '/' },
      { principal: undefined, port: 8080, method: 'GET', path: '/' },
      { principal: 'cluster.local/ns/shop/sa/api', port: 5432 },
      { principal: 'cluster.local/ns/shop/sa/web', port: 5432 },
      // Plaintext from outside the mesh, from the partner's range and from elsewhere (address ingress to api).
      { principal: undefined, sourceIp: '192.0.2.9', port: 8080 },
      { principal: undefined, sourceIp: '203.0.113.9', port: 8080 },
    ];

    test('no pod is selected by any NetworkPolicy, so every L4 path and outside address stays open', () => {
      for (const name of ['web', 'api', 'db']) expect(policiesOn(audit, pod(name))).toEqual([]);
      expect(l4PodToPod(audit, stranger, pod('db'), 5432)).toBe(true);
      expect(l4EgressToAddress(audit, pod('web'), '8.8.8.8', 443)).toBe(true);
      expect(l4PodToPod(enforce, stranger, pod('db'), 5432)).toBe(false);
    });

    test('every request is admitted (plaintext too), while the dry-run verdict equals what enforce would answer', () => {
      for (const [dst, req] of requests.flatMap(r => ['web', 'api', 'db'].map(d => [pod(d), r] as const))) {
        expect(meshVerdict(audit, dst, req)).toBe(200);
        if (req.principal !== undefined || req.sourceIp !== undefined) expect(shadowVerdict(audit, dst, req)).toBe(meshVerdict(enforce, dst, req));
      }
      // Enforce admits the partner's range on api only, plaintext on exactly that port; dry-run reports the rest as denied.
      expect(meshVerdict(enforce, pod('api'), requests[6])).toBe(200);
      expect(meshVerdict(enforce, pod('api'), requests[7])).toBe(403);
      expect(meshVerdict(enforce, pod('web'), requests[6])).toBe(403);
      expect(meshVerdict(enforce, pod('api'), requests[1])).toBe(403);
      expect(meshVerdict(enforce, pod('api'), requests[0])).toBe(200);
    });

    test('unknown outside hosts still pass through the sidecar', () => {
      expect(outboundRoute(audit, pod('web'), 'pastebin.example', 443)).toBe('passthrough');
      expect(outboundRoute(enforce, pod('web'), 'pastebin.example', 443)).toBe('blackhole');
    });
  });
});

describe('one workload auditing inside an enforcing namespace: shop/recommendations (examples/edges)', () => {
  const app = new App();
  controlledEgress(app);
  const manifests = synthApp(app);
  const pods = podsOf(manifests);
  const pod = (name: string) => pods.find(p => p.name === name)!;
  const stranger: Pod = { namespace: 'elsewhere', name: 'stranger', labels: { app: 'stranger' }, serviceAccount: 'stranger', ports: [], sidecar: false };

  test('no NetworkPolicy selects it, while its neighbours stay default-deny', () => {
    expect(policiesOn(manifests, pod('recommendations'))).toEqual([]);
    expect(policiesOn(manifests, pod('checkout'))).toEqual(['allow-dns', 'allow-istiod', 'allow-metrics-scraping', 'checkout-egress', 'default-deny']);
    expect(l4PodToPod(manifests, stranger, pod('recommendations'), 8080)).toBe(true);
    expect(l4PodToPod(manifests, stranger, pod('checkout'), 8080)).toBe(false);
    // The declared link still opens checkout's egress towards it.
    expect(l4PodToPod(manifests, pod('checkout'), pod('recommendations'), 8080)).toBe(true);
    expect(l4PodToPod(manifests, pod('ledger-sync'), pod('recommendations'), 8080)).toBe(false);
  });

  test('Istio admits every caller (plaintext too) and reports what its own policy would deny', () => {
    const fromStranger = { principal: undefined, port: 8080, method: 'GET', path: '/' };
    const fromLedger = { principal: 'cluster.local/ns/shop/sa/ledger-sync', port: 8080, method: 'GET', path: '/' };
    const fromCheckout = { principal: 'cluster.local/ns/shop/sa/checkout', port: 8080, method: 'GET', path: '/' };
    expect(meshVerdict(manifests, pod('recommendations'), fromStranger)).toBe(200);
    expect(meshVerdict(manifests, pod('recommendations'), fromLedger)).toBe(200);
    expect(shadowVerdict(manifests, pod('recommendations'), fromLedger)).toBe(403);
    expect(shadowVerdict(manifests, pod('recommendations'), fromCheckout)).toBe(200);
    // Its neighbours still enforce STRICT mTLS and allow-nothing.
    expect(meshVerdict(manifests, pod('checkout'), fromStranger)).toBe(403);
    expect(meshVerdict(manifests, pod('checkout'), fromLedger)).toBe(403);
  });

  test('it keeps the mesh-wide outbound defaults, while its neighbours are registry-only', () => {
    expect(outboundRoute(manifests, pod('recommendations'), 'pastebin.example', 443)).toBe('passthrough');
    expect(l4EgressToAddress(manifests, pod('recommendations'), '8.8.8.8', 443)).toBe(true);
    expect(outboundRoute(manifests, pod('checkout'), 'pastebin.example', 443)).toBe('blackhole');
  });

  test('only the audit objects differ from the same namespace with the workload enforcing', () => {
    const build = (mode?: ZeroTrustMode) => {
      const a = new App();
      const shop = new ZeroTrustNamespace(a, 'shop');
      const client = shop.addWorkload('client');
      const rec = shop.addWorkload('recommendations', { ports: [{ number: 8080, name: 'http' }], mode });
      rec.allowFrom(client, { ports: [LinkPort.tcp(8080)] });
      new HostEgress(shop, 'client-out', { from: client, host: 'api.example.com', ports: [ExternalPort.https()], addresses: ['192.0.2.0/24'] });
      return new Map(synthApp(a).map(m => [keyOf(m), m]));
    };
    const auditing = build(ZeroTrustMode.AUDIT);
    const enforcing = build();
    expect([...auditing.keys()].filter(k => !enforcing.has(k)).sort()).toEqual([
      'AuthorizationPolicy recommendations-audit-allow-all', 'AuthorizationPolicy recommendations-audit-allow-nothing',
      'PeerAuthentication recommendations-audit', 'Sidecar recommendations-audit',
    ]);
    expect([...enforcing.keys()].filter(k => !auditing.has(k)).sort()).toEqual(['NetworkPolicy recommendations-ingress']);
    const changed = [...auditing.keys()].filter(k => enforcing.has(k))
      .flatMap(k => diffPaths(auditing.get(k), enforcing.get(k)).map(p => `${k}: ${p}`)).sort();
    // Besides the mode's own fields: the reserved audit label on the workload's pods, so every
    // selector of those pods (its own policy, its client's egress peer) names it too.
    expect(changed).toEqual([
      'AuthorizationPolicy recommendations-ingress: metadata.annotations',
      'AuthorizationPolicy recommendations-ingress: spec.selector.matchLabels.cdk8s-zero-trust/audit',
      'NetworkPolicy allow-dns: spec.podSelector.matchExpressions',
      'NetworkPolicy allow-istiod: spec.podSelector.matchExpressions',
      'NetworkPolicy client-egress: spec.egress',
      'NetworkPolicy default-deny: spec.podSelector.matchExpressions',
    ]);
    expect(examineSchema([...auditing.values()])).toEqual([]);
  });
});
