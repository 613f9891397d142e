import { App, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AddressIngress, LinkPort, PublicRoute, ZeroTrustNamespace } from '../../lib';
import { l4IngressFromAddress, meshVerdict } from '../edges/support/edge-eval';
import { podFor } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { find, synthApp } from '../support/synth';

type Step = (ns: ZeroTrustNamespace, w: { [k: string]: any }) => void;

const STEPS: Step[] = [
  (ns, w) => new PublicRoute(ns, 'home', { workload: w.web, name: 'web-home', ports: [LinkPort.named('http')], http: { methods: ['GET'], paths: ['/'] } }),
  (ns, w) => new PublicRoute(ns, 'cart', { workload: w.web, name: 'web-cart', ports: [LinkPort.named('http')], http: { methods: ['POST'], paths: ['/cart/*'] } }),
  (ns, w) => new AddressIngress(ns, 'partner-a', { to: w.hook, cidr: '198.51.100.0/24', except: ['198.51.100.128/25'], ports: [LinkPort.tcp(8443)] }),
  (ns, w) => new AddressIngress(ns, 'partner-b', { to: w.hook, cidr: '192.0.2.0/24', ports: [LinkPort.named('webhooks')] }),
  (ns, w) => new AddressIngress(ns, 'checker', { to: w.hook, cidr: '203.0.113.0/28', ports: [LinkPort.tcp(9000)] }),
];

function synth(order: number[]) {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'shop');
  const w = {
    web: ns.addWorkload('web', { ports: [{ number: 8080, name: 'http' }] }),
    hook: ns.addWorkload('hook', { ports: [{ number: 8443, name: 'webhooks' }, { number: 9000, name: 'health' }] }),
  };
  order.forEach(i => STEPS[i](ns, w));
  return { yaml: app.charts.map(c => Yaml.stringify(...c.toJson())).join('---\n'), manifests: synthApp(app) };
}

describe('several ways in to one workload', () => {
  const forward = synth([0, 1, 2, 3, 4]);
  const backward = synth([4, 3, 2, 1, 0]);

  test('byte-identical YAML whatever the declaration order', () => {
    expect(backward.yaml).toBe(forward.yaml);
    expect(synth([2, 0, 4, 1, 3]).yaml).toBe(forward.yaml);
  });

  test('merge: ranges on the same ports share one NetworkPolicy rule; one policy per workload and layer', () => {
    const m = forward.manifests;
    expect(find(m, 'NetworkPolicy', 'hook-ingress').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '192.0.2.0/24' } }, { ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.128/25'] } }], ports: [{ protocol: 'TCP', port: 8443 }] },
      { from: [{ ipBlock: { cidr: '203.0.113.0/28' } }], ports: [{ protocol: 'TCP', port: 9000 }] },
    ]);
    expect(find(m, 'AuthorizationPolicy', 'web-ingress').spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }],
      to: [{ operation: { ports: ['8080'], methods: ['GET'], paths: ['/'] } }, { operation: { ports: ['8080'], methods: ['POST'], paths: ['/cart/*'] } }],
    }]);
    expect(find(m, 'PeerAuthentication', 'hook-plaintext').spec.portLevelMtls).toEqual({ 8443: { mode: 'PERMISSIVE' }, 9000: { mode: 'PERMISSIVE' } });
    expect(m.filter(x => x.kind === 'NetworkPolicy' && /^(web|hook)-/.test(x.metadata.name)).map(x => x.metadata.name).sort()).toEqual(['hook-ingress', 'web-ingress']);
    expect(examineSchema(m)).toEqual([]);
  });

  test('merged rules admit no more than each declaration: a range gets only its own ports, its except stays closed', () => {
    const m = forward.manifests;
    const hook = podFor('shop', 'hook', [8443, 9000], m);
    const web = podFor('shop', 'web', [8080], m);
    expect(l4IngressFromAddress(m, '198.51.100.5', hook, 8443)).toBe(true);
    expect(l4IngressFromAddress(m, '198.51.100.200', hook, 8443)).toBe(false);
    expect(l4IngressFromAddress(m, '198.51.100.5', hook, 9000)).toBe(false);
    expect(l4IngressFromAddress(m, '203.0.113.5', hook, 9000)).toBe(true);
    expect(l4IngressFromAddress(m, '203.0.113.5', hook, 8443)).toBe(false);
    expect(meshVerdict(m, hook, { sourceIp: '198.51.100.200', port: 8443 })).toBe(403);
    expect(meshVerdict(m, hook, { sourceIp: '198.51.100.5', port: 9000 })).toBe(403);
    expect(meshVerdict(m, hook, { sourceIp: '203.0.113.5', port: 9000 })).toBe(200);
    const gw = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';
    expect(meshVerdict(m, web, { principal: gw, port: 8080, method: 'GET', path: '/' })).toBe(200);
    expect(meshVerdict(m, web, { principal: gw, port: 8080, method: 'POST', path: '/cart/1' })).toBe(200);
    // GET on /cart/1 and POST on / are neither route's operation.
    expect(meshVerdict(m, web, { principal: gw, port: 8080, method: 'GET', path: '/cart/1' })).toBe(403);
    expect(meshVerdict(m, web, { principal: gw, port: 8080, method: 'POST', path: '/' })).toBe(403);
  });
});

describe('ways in exist from their declaration, their content from synth', () => {
  test('the objects are in the construct tree before synth, and a later container port still reaches their specs', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop');
    const deployment = new kplus.Deployment(ns, 'hook', {
      metadata: { name: 'hook' }, containers: [{ image: 'hook', ports: [{ number: 8443, name: 'webhooks' }] }], automountServiceAccountToken: false,
    });
    const hook = ns.adopt(deployment);
    new AddressIngress(ns, 'partner', { to: hook, cidr: '198.51.100.0/24', ports: [LinkPort.named('status')] });
    const web = ns.addWorkload('web', { ports: [{ number: 8080, name: 'http' }] });
    new PublicRoute(ns, 'home', { workload: web, ports: [LinkPort.named('http')] });
    // Before any synth: each layer's objects for both declarations are already children of the namespace.
    const ids = ns.node.findAll().map(c => c.node.path).filter(p => p.includes('/Rendered/'));
    expect(ids).toEqual(expect.arrayContaining([
      'shop/Rendered/NetworkPolicy/hook-ingress', 'shop/Rendered/NetworkPolicy/web-ingress',
      'shop/Rendered/Istio/hook-ingress', 'shop/Rendered/Istio/web-ingress', 'shop/Rendered/Istio/PeerAuthentication-hook-plaintext',
    ]));
    // The named port is declared only now: the specs read it at synth.
    deployment.addContainer({ name: 'status', image: 'status', ports: [{ number: 9000, name: 'status' }] });
    const m = synthApp(app);
    expect(find(m, 'PeerAuthentication', 'hook-plaintext').spec.portLevelMtls).toEqual({ 9000: { mode: 'PERMISSIVE' } });
    expect(find(m, 'NetworkPolicy', 'hook-ingress').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 9000 }] },
    ]);
  });
});

test('a range opened on UDP only is NetworkPolicy only: the sidecar does not proxy UDP, so no Istio rule and no plaintext port', () => {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'shop');
  const dns = ns.addWorkload('resolver', { ports: [{ number: 5353, name: 'mdns', protocol: 'UDP' as any }] });
  new AddressIngress(ns, 'office', { to: dns, cidr: '192.0.2.0/24', ports: [LinkPort.udp(5353)] });
  const m = synthApp(app);
  expect(find(m, 'NetworkPolicy', 'resolver-ingress').spec.ingress).toEqual([
    { from: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ protocol: 'UDP', port: 5353 }] },
  ]);
  expect(m.filter(o => o.metadata?.name?.startsWith('resolver') && !['NetworkPolicy', 'ServiceAccount'].includes(o.kind)).map(o => `${o.kind}/${o.metadata.name}`)).toEqual([]);
});
