import { App, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { deployAndAdopt } from '../../examples/reference/scenario';
import { DataPlane, IdentityAwareEntryPoint, LinkPort, ServiceLink, ZeroTrustMode, ZeroTrustNamespace } from '../../lib';
import { ambientCall, ambientPodsOf } from '../support/ambient-eval';
import { ISTIOD, KUBE_DNS, l4Allows } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { find, synthApp } from '../support/synth';

const HTTP = [{ number: 8080, name: 'http' }];
const ISSUER = 'https://login.example.com';

/** An ambient namespace with a client, an HTTP-only server, a plain-TCP server and an idle pod. */
function shop(mode = ZeroTrustMode.ENFORCE) {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'shop', { dataPlane: DataPlane.AMBIENT, mode });
  const web = deployAndAdopt(ns, 'web', HTTP);
  const api = deployAndAdopt(ns, 'api', HTTP);
  const db = deployAndAdopt(ns, 'db', [{ number: 5432, name: 'postgres' }]);
  deployAndAdopt(ns, 'idle', HTTP);
  new ServiceLink(ns, 'web-to-api', { from: web, to: api, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'], paths: ['/items/*'] } });
  new ServiceLink(ns, 'api-to-db', { from: api, to: db, ports: [LinkPort.tcp(5432)] });
  return { app, ns };
}

describe('ambient namespace objects', () => {
  const { app } = shop();
  const manifests = synthApp(app);

  test('the namespace asks for ambient, not injection; only the Service behind HTTP rules uses the waypoint', () => {
    expect(find(manifests, 'Namespace', 'shop').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(find(manifests, 'Service', 'api').metadata.labels).toEqual({ 'istio.io/use-waypoint': 'waypoint' });
    expect(find(manifests, 'Service', 'db').metadata.labels).toBeUndefined();
    expect(find(manifests, 'Gateway', 'waypoint')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'shop', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('no selector-bound policy holds an L7 field, and no targetRefs policy a selector', () => {
    const policies = manifests.filter(m => m.kind === 'AuthorizationPolicy');
    for (const p of policies.filter(x => !x.spec.targetRefs)) {
      expect(JSON.stringify(p.spec)).not.toMatch(/methods|paths|requestPrincipals|"when"/);
    }
    for (const p of policies.filter(x => x.spec.targetRefs)) expect(p.spec.selector).toBeUndefined();
    expect(find(manifests, 'AuthorizationPolicy', 'api-ingress').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }], to: [{ operation: { ports: ['8080'] } }] }],
    });
    expect(find(manifests, 'AuthorizationPolicy', 'api-waypoint').spec).toEqual({
      targetRefs: [{ kind: 'Service', group: '', name: 'api' }],
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'], paths: ['/items/*'] } }] }],
    });
    expect(find(manifests, 'PeerAuthentication', 'default').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(find(manifests, 'AuthorizationPolicy', 'allow-nothing').spec).toEqual({});
  });

  test('HBONE opens 15008 between exactly client, waypoint and server; probes come from the SNAT address only', () => {
    const pods = ambientPodsOf(manifests);
    const pod = (n: string) => pods.find(p => p.name === n)!;
    const hbone = { port: 15008 };
    expect(l4Allows(manifests, pod('web'), pod('waypoint'), hbone)).toBe(true);
    expect(l4Allows(manifests, pod('waypoint'), pod('api'), hbone)).toBe(true);
    expect(l4Allows(manifests, pod('web'), pod('api'), hbone)).toBe(false);
    expect(l4Allows(manifests, pod('api'), pod('db'), hbone)).toBe(true);
    expect(l4Allows(manifests, pod('idle'), pod('waypoint'), hbone)).toBe(false);
    expect(l4Allows(manifests, pod('waypoint'), pod('db'), hbone)).toBe(false);
    // The app port itself is never opened between ambient pods: ztunnel restricts ports inside the tunnel.
    expect(l4Allows(manifests, pod('api'), pod('db'), { port: 5432 })).toBe(false);
    for (const p of ['web', 'api', 'db', 'waypoint']) {
      expect(l4Allows(manifests, pod(p), KUBE_DNS, { port: 53, protocol: 'UDP' })).toBe(true);
      expect(l4Allows(manifests, pod(p), ISTIOD, { port: 15012 })).toBe(true);
    }
    expect(find(manifests, 'NetworkPolicy', 'allow-kubelet-probes').spec).toEqual({
      podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ protocol: 'TCP' }] }],
    });
  });

  test('the same declarations in another order give byte-identical YAML', () => {
    const reversed = new App();
    const ns = new ZeroTrustNamespace(reversed, 'shop', { dataPlane: DataPlane.AMBIENT });
    deployAndAdopt(ns, 'idle', HTTP);
    const db = deployAndAdopt(ns, 'db', [{ number: 5432, name: 'postgres' }]);
    const api = deployAndAdopt(ns, 'api', HTTP);
    const web = deployAndAdopt(ns, 'web', HTTP);
    new ServiceLink(ns, 'api-to-db', { from: api, to: db, ports: [LinkPort.tcp(5432)] });
    new ServiceLink(ns, 'web-to-api', { from: web, to: api, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'], paths: ['/items/*'] } });
    const policyKinds = (ms: any[]) => Yaml.stringify(...ms.filter(m => !['Deployment', 'Service', 'ServiceAccount'].includes(m.kind)));
    expect(policyKinds(synthApp(reversed))).toBe(policyKinds(manifests));
  });
});

describe('audit mode in ambient: nothing new enforced', () => {
  test('a namespace auditing: no NetworkPolicy, PERMISSIVE mTLS, every policy dry-run, every call admitted', () => {
    const manifests = synthApp(shop(ZeroTrustMode.AUDIT).app);
    expect(manifests.filter(m => m.kind === 'NetworkPolicy')).toEqual([]);
    expect(find(manifests, 'PeerAuthentication', 'default').spec.mtls.mode).toBe('PERMISSIVE');
    const policies = manifests.filter(m => m.kind === 'AuthorizationPolicy');
    expect(policies.map(p => p.metadata.name).sort()).toEqual(['allow-nothing', 'api-ingress', 'api-waypoint', 'db-ingress', 'waypoint-allow-nothing']);
    for (const p of policies) expect(p.metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
    const pods = ambientPodsOf(manifests);
    const pod = (n: string) => pods.find(p => p.name === n)!;
    expect(ambientCall(manifests, pod('idle'), pod('db'), { port: 5432 })).toEqual({ allowed: true, by: 'admitted' });
    expect(ambientCall(manifests, pod('idle'), pod('api'), { port: 8080, method: 'DELETE', path: '/' })).toEqual({ allowed: true, by: 'admitted' });
  });

  test('a workload auditing alone with plain TCP links: open to anyone, its neighbours still enforced', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop', { dataPlane: DataPlane.AMBIENT });
    const api = deployAndAdopt(ns, 'api', HTTP);
    const legacy = ns.adopt(new kplus.Deployment(ns, 'legacy-deployment', {
      metadata: { name: 'legacy' },
      containers: [{ name: 'app', image: 'registry.example.com/legacy:1', ports: [{ number: 8080, name: 'http' }], securityContext: { ensureNonRoot: true } }],
    }), { mode: ZeroTrustMode.AUDIT });
    deployAndAdopt(ns, 'idle', HTTP);
    new ServiceLink(ns, 'api-to-legacy', { from: api, to: legacy, ports: [LinkPort.tcp(8080)] });
    const manifests = synthApp(app);
    const pods = ambientPodsOf(manifests);
    const pod = (n: string) => pods.find(p => p.name === n)!;
    // A pod outside the mesh, in a namespace without policies, sends plaintext: PERMISSIVE and allow-all for legacy only.
    const outsider = { namespace: 'other', name: 'outsider', labels: { app: 'outsider' }, serviceAccount: 'outsider', ports: [], sidecar: false };
    expect(ambientCall(manifests, outsider, pod('legacy'), { port: 8080 }, 'pod')).toEqual({ allowed: true, by: 'admitted' });
    expect(ambientCall(manifests, outsider, pod('api'), { port: 8080 }, 'pod')).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'other/outsider -> shop/api' });
    expect(ambientCall(manifests, pod('api'), pod('legacy'), { port: 8080 }, 'pod').allowed).toBe(true);
    expect(ambientCall(manifests, pod('idle'), pod('api'), { port: 8080 }, 'pod')).toEqual({ allowed: false, by: 'NetworkPolicy', at: 'shop/idle -> shop/api' });
    expect(find(manifests, 'AuthorizationPolicy', 'legacy-ingress').metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
  });

  test('a workload auditing alone cannot take HTTP rules: the namespace waypoint would enforce them', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop', { dataPlane: DataPlane.AMBIENT });
    const web = deployAndAdopt(ns, 'web', HTTP);
    const api = ns.addWorkload('api', { ports: [{ number: 8080, name: 'http' }], mode: ZeroTrustMode.AUDIT });
    expect(() => new ServiceLink(ns, 'web-to-api', { from: web, to: api, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'] } }))
      .toThrow('[shop/Rendered/Istio] shop/api audits on its own in an enforcing ambient namespace, but shop/web-to-api needs the namespace waypoint, which enforces for every Service behind it. Fix: audit the whole namespace (mode: ZeroTrustMode.AUDIT on the ZeroTrustNamespace), or declare the link without HTTP rules until the workload enforces.');
  });
});

describe('bad input in ambient', () => {
  test('HTTP rules to a server without a Service are refused at synth, naming the fix', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop', { dataPlane: DataPlane.AMBIENT });
    const web = ns.addWorkload('web');
    const api = ns.addWorkload('api', { ports: [{ number: 8080, name: 'http' }] });
    new ServiceLink(ns, 'web-to-api', { from: web, to: api, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'] } });
    expect(() => synthApp(app)).toThrow('shop/api has HTTP rules or an entry point (declared at shop/web-to-api) in an ambient namespace, but no Service: the waypoint that enforces them only sees traffic addressed to a Service. Fix: adopt the workload with its Service');
  });

  test('an unknown data plane is refused', () => {
    expect(() => new ZeroTrustNamespace(new App(), 'shop', { dataPlane: 'istio-cni' as DataPlane }))
      .toThrow('[shop] dataPlane "istio-cni" is unknown. Fix: use DataPlane.SIDECAR or DataPlane.AMBIENT.');
  });
});

describe('UDP and entry points in ambient', () => {
  test('UDP is not tunnelled: NetworkPolicy opens the UDP port itself, and only that', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop', { dataPlane: DataPlane.AMBIENT });
    const web = deployAndAdopt(ns, 'web', HTTP);
    const stats = ns.adopt(new kplus.Deployment(ns, 'stats-deployment', {
      metadata: { name: 'stats' },
      containers: [{ name: 'app', image: 'registry.example.com/stats:1', ports: [{ number: 8125, name: 'statsd', protocol: kplus.Protocol.UDP }], securityContext: { ensureNonRoot: true } }],
    }));
    new ServiceLink(ns, 'web-to-stats', { from: web, to: stats, ports: [LinkPort.udp(8125)] });
    const manifests = synthApp(app);
    const pods = ambientPodsOf(manifests);
    const pod = (n: string) => pods.find(p => p.name === n)!;
    expect(ambientCall(manifests, pod('web'), pod('stats'), { port: 8125, protocol: 'UDP' })).toEqual({ allowed: true, by: 'admitted' });
    expect(ambientCall(manifests, pod('web'), pod('stats'), { port: 8125 }).allowed).toBe(false);
    expect(l4Allows(manifests, pod('web'), pod('stats'), { port: 15008 })).toBe(false);
  });

  test('an entry point goes gateway → waypoint → app; the token is checked at the waypoint, never by ztunnel', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'tools', { dataPlane: DataPlane.AMBIENT });
    const panel = deployAndAdopt(ns, 'panel', HTTP);
    new IdentityAwareEntryPoint(ns, 'panel-entry', {
      workload: panel,
      ports: [LinkPort.tcp(8080)],
      oidc: { issuer: ISSUER, jwksUri: `${ISSUER}/jwks.json`, audiences: ['panel'] },
      requiredClaims: [{ claim: 'groups', values: ['ops'] }],
    });
    const manifests = synthApp(app);
    expect(examineSchema(manifests)).toEqual([]);
    const gatewayPrincipal = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';
    expect(find(manifests, 'AuthorizationPolicy', 'panel-ingress').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/tools/sa/waypoint'] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
    const atWaypoint = find(manifests, 'AuthorizationPolicy', 'panel-waypoint').spec;
    expect(atWaypoint.targetRefs).toEqual([{ kind: 'Service', group: '', name: 'panel' }]);
    expect(atWaypoint.rules).toEqual([{
      from: [{ source: { principals: [gatewayPrincipal], requestPrincipals: [`${ISSUER}/*`] } }],
      to: [{ operation: { ports: ['8080'] } }],
      when: [{ key: 'request.auth.claims[groups]', values: ['ops'] }],
    }]);
    expect(find(manifests, 'RequestAuthentication', 'panel-jwt').spec.targetRefs).toEqual([{ kind: 'Service', group: '', name: 'panel' }]);
    const pods = ambientPodsOf(manifests);
    const gateway = { namespace: 'istio-system', name: 'istio-ingressgateway', labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' }, serviceAccount: 'istio-ingressgateway-service-account', ports: [], sidecar: true };
    const pod = (n: string) => pods.find(p => p.name === n)!;
    expect(l4Allows(manifests, gateway, pod('waypoint'), { port: 15008 })).toBe(true);
    expect(l4Allows(manifests, gateway, pod('panel'), { port: 15008 })).toBe(false);
    expect(l4Allows(manifests, pod('waypoint'), pod('panel'), { port: 15008 })).toBe(true);
  });
});
