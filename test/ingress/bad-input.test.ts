import { App, Testing } from 'cdk8s';
import {
  AddressIngress, AddressIngressProps, IdentityAwareEntryPoint, LinkPort, PublicRoute, PublicRouteProps, ZeroTrustNamespace,
  ZeroTrustWorkload,
} from '../../lib';
import { synthApp } from '../support/synth';

function setting() {
  // A temporary outdir: a case that wrongly passed must not write into the repository.
  const app = Testing.app();
  const ns = new ZeroTrustNamespace(app, 'shop');
  const frontend = ns.addWorkload('frontend', {
    ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'admin' }, { number: 5353, name: 'mdns', protocol: 'UDP' as any }],
    servicePorts: [{ port: 80, targetPort: 8080 }, { port: 9090, targetPort: 9090 }],
  });
  const webhook = ns.addWorkload('webhook', { ports: [{ number: 8443, name: 'webhooks' }] });
  const stranger = ZeroTrustWorkload.fromAttributes(ns, 'stranger', { name: 'stranger', namespace: 'elsewhere', serviceAccountName: 'stranger', podLabels: { app: 'stranger' } });
  return { app, ns, frontend, webhook, stranger };
}

const route = (overrides: Partial<PublicRouteProps>) => () => {
  const { app, ns, frontend } = setting();
  new PublicRoute(ns, 'public', { workload: frontend, ports: [LinkPort.named('http')], ...overrides });
  app.synth();
};
const ingress = (overrides: Partial<AddressIngressProps>) => () => {
  const { app, ns, webhook } = setting();
  new AddressIngress(ns, 'partner', { to: webhook, cidr: '198.51.100.0/24', ports: [LinkPort.tcp(8443)], ...overrides });
  app.synth();
};

const cases: [string, () => unknown, string][] = [
  // Public route
  ['public route without ports', route({ ports: [] }),
    '[shop/public] public route to shop/frontend has no ports, which would admit every port. Fix: list the pod ports the gateway calls, e.g. ports: [LinkPort.named("http")].'],
  ['public route with a path of "*"', route({ http: { methods: ['GET'], paths: ['*'] } }),
    '[shop/public] http.paths has "*", which is not an exact, prefix or suffix path. Fix: start the path with "/" (exact "/v1/charges" or prefix "/orders/*"), or use a suffix such as "*.json"; "*" alone is refused because it matches every path.'],
  ['public route with lower-case methods', route({ http: { methods: ['get'] } }),
    '[shop/public] http.methods has unknown verb "get" (methods are case-sensitive: "GET"). Fix: use upper-case verbs from CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE.'],
  ['public route to a workload not owned by the app', () => {
    const { ns, stranger } = setting();
    new PublicRoute(ns, 'public', { workload: stranger, ports: [LinkPort.tcp(8080)] });
  }, '[shop/public] "workload" (shop/stranger) is not a workload of a zero-trust namespace of this app, so its policies could not be emitted. Fix: declare the workload with zeroTrustNamespace.addWorkload() or adopt().'],
  ['public route on a UDP port', route({ ports: [LinkPort.named('mdns')] }),
    '[shop/public] port 5353/UDP is not TCP, and the gateway speaks HTTP. Fix: use the TCP port the app serves HTTP on.'],
  ['public route to an unknown port name', route({ ports: [LinkPort.named('https')] }),
    '[shop/public] port "https" is not a container port name of shop/frontend. Fix: use one of its port names (admin, http, mdns) or a port number.'],
  ['public route routed to a Service port it does not open', route({ route: { hosts: ['shop.example.com'], tlsCredentialName: 'tls', servicePort: 9090 } }),
    '[shop/public] route.servicePort 9090 leads to pod port 9090, which this entry point does not open (8080). Fix: add pod port 9090 to "ports", or route to the Service port of an opened pod port.'],
  ['public route with a wildcard host', route({ route: { hosts: ['*.example.com'], tlsCredentialName: 'tls', servicePort: 80 } }),
    '[shop/public] host "*.example.com" is a wildcard, which would admit every host of the domain. Fix: declare each host the workload calls.'],
  ['two public routes of one workload under one name', () => {
    const { ns, frontend } = setting();
    new PublicRoute(ns, 'a', { workload: frontend, ports: [LinkPort.named('http')], http: { methods: ['GET'] } });
    new PublicRoute(ns, 'b', { workload: frontend, ports: [LinkPort.named('http')], http: { methods: ['POST'] } });
  }, '[shop/b] public route "frontend" to shop/frontend is already declared at shop/a. Fix: remove the duplicate declaration.'],
  ['a public route and an entry point publishing the same route name', () => {
    const { ns, frontend } = setting();
    const r = { hosts: ['shop.example.com'], tlsCredentialName: 'tls', servicePort: 80 };
    new PublicRoute(ns, 'public', { workload: frontend, ports: [LinkPort.named('http')], route: r });
    new IdentityAwareEntryPoint(ns, 'entry', {
      workload: frontend,
      ports: [LinkPort.named('http')],
      route: r,
      oidc: { issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks', audiences: ['shop'] },
      requiredClaims: [],
    });
  }, '[shop/entry] entry point name "frontend" already names the Gateway and VirtualService of shop/public. Fix: give one of the routed entry points its own "name".'],
  ['a public route without paths on the port of an identity-aware entry point', () => {
    const { app, ns, frontend } = setting();
    new IdentityAwareEntryPoint(ns, 'entry', {
      workload: frontend,
      ports: [LinkPort.named('http')],
      oidc: { issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks', audiences: ['shop'] },
      requiredClaims: [],
    });
    new PublicRoute(ns, 'public', { workload: frontend, ports: [LinkPort.tcp(8080)], http: { methods: ['GET'] } });
    app.synth();
  }, '[shop/public] public route to shop/frontend admits every path on port 8080, where shop/entry requires a token, so requests would enter there without one. Fix: list the public paths in http.paths (e.g. ["/", "/static/*"]) and keep the token-protected paths out of them.'],
  // Address ingress
  ['address ingress without ports', ingress({ ports: [] }),
    '[shop/partner] ingress from "198.51.100.0/24" to shop/webhook has no ports, which would admit every port. Fix: list the pod ports the clients call, e.g. ports: [LinkPort.tcp(8443)].'],
  ['address ingress from 0.0.0.0/0', ingress({ cidr: '0.0.0.0/0' }),
    '[shop/partner] CIDR "0.0.0.0/0" admits every address. Fix: name the provider\'s ranges instead, or set allowAnyAddressUnsafe: true if you really mean the whole internet.'],
  ['address ingress from ::/0', ingress({ cidr: '::/0' }),
    '[shop/partner] CIDR "::/0" admits every address. Fix: name the provider\'s ranges instead, or set allowAnyAddressUnsafe: true if you really mean the whole internet.'],
  ['address ingress whose ranges add up to every address', () => {
    const { app, ns, webhook } = setting();
    new AddressIngress(ns, 'low', { to: webhook, cidr: '0.0.0.0/1', ports: [LinkPort.tcp(8443)] });
    new AddressIngress(ns, 'high', { to: webhook, cidr: '128.0.0.0/1', ports: [LinkPort.named('webhooks')] });
    app.synth();
  }, '[shop/high] the ranges admitted to shop/webhook on port 8443/TCP add up to every address: "0.0.0.0/1" (shop/low), "128.0.0.0/1" (shop/high). Fix: narrow the ranges to the clients you expect, or set allowAnyAddressUnsafe: true on them if the port is really open to the whole internet.'],
  ['address ingress with host bits set', ingress({ cidr: '198.51.100.7/24' }),
    '[shop/partner] CIDR "198.51.100.7/24" is not in canonical form. Fix: write "198.51.100.0/24" (host bits cleared, standard notation).'],
  ['address ingress with an except outside the range', ingress({ except: ['203.0.113.0/25'] }),
    '[shop/partner] except entry "203.0.113.0/25" is not inside "198.51.100.0/24". Fix: list only sub-ranges of "198.51.100.0/24" in "except" (NetworkPolicy rejects others).'],
  ['address ingress to a workload not owned by the app', () => {
    const { ns, stranger } = setting();
    new AddressIngress(ns, 'partner', { to: stranger, cidr: '198.51.100.0/24', ports: [LinkPort.tcp(8443)] });
  }, '[shop/partner] "to" (shop/stranger) is not a workload of a zero-trust namespace of this app, so its ingress could not be opened. Fix: declare the workload with zeroTrustNamespace.addWorkload() or adopt().'],
  ['address ingress to an unknown port name', ingress({ ports: [LinkPort.named('http')] }),
    '[shop/partner] port "http" is not a container port name of shop/webhook. Fix: use one of its port names (webhooks) or a port number.'],
  ['duplicate address ingress', () => {
    const { ns, webhook } = setting();
    new AddressIngress(ns, 'a', { to: webhook, cidr: '198.51.100.0/24', ports: [LinkPort.tcp(8443)] });
    new AddressIngress(ns, 'b', { to: webhook, cidr: '198.51.100.0/24', ports: [LinkPort.tcp(8443)] });
  }, '[shop/b] ingress 198.51.100.0/24 except [] -> shop/webhook [tcp/8443] is already declared at shop/a. Fix: remove the duplicate declaration.'],
];

describe('bad input to the ways in is refused with a message naming the path, the value and the fix', () => {
  test.each(cases)('%s', (_name, build, message) => {
    let error: Error | undefined;
    try {
      build();
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeDefined();
    // Validation errors (ports resolved at synth) arrive through cdk8s' validation report.
    const text = error!.message.replace(/^Validation failed with the following errors:\n {2}/, '');
    expect(text).toBe(message);
  });

  test('nothing is half-emitted: refused declarations leave no objects behind', () => {
    const { app, ns, webhook, frontend } = setting();
    const before = JSON.stringify(synthApp(app));
    expect(() => new AddressIngress(ns, 'bad', { to: webhook, cidr: '0.0.0.0/0', ports: [LinkPort.tcp(8443)] })).toThrow();
    expect(() => new PublicRoute(ns, 'bad2', { workload: frontend, ports: [] })).toThrow();
    expect(JSON.stringify(synthApp(app))).toBe(before);
  });

  test('the opt-ins are explicit: allowAnyAddressUnsafe admits 0.0.0.0/0, and ranges adding up to everything', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop');
    const lb = ns.addWorkload('health', { ports: [{ number: 8080, name: 'http' }] });
    new AddressIngress(ns, 'any', { to: lb, cidr: '0.0.0.0/0', ports: [LinkPort.tcp(8080)], allowAnyAddressUnsafe: true });
    new AddressIngress(ns, 'low', { to: lb, cidr: '0.0.0.0/1', ports: [LinkPort.tcp(8080)], allowAnyAddressUnsafe: true });
    new AddressIngress(ns, 'high', { to: lb, cidr: '128.0.0.0/1', ports: [LinkPort.tcp(8080)], allowAnyAddressUnsafe: true });
    expect(() => app.synth()).not.toThrow();
  });

  test('ranges that add up to everything on different ports, or leave a hole, are accepted', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop');
    const hook = ns.addWorkload('hook', { ports: [{ number: 8443, name: 'webhooks' }, { number: 9443, name: 'admin' }] });
    new AddressIngress(ns, 'low', { to: hook, cidr: '0.0.0.0/1', ports: [LinkPort.tcp(8443)] });
    new AddressIngress(ns, 'high', { to: hook, cidr: '128.0.0.0/1', ports: [LinkPort.tcp(9443)] });
    new AddressIngress(ns, 'high-but-one', { to: hook, cidr: '128.0.0.0/1', except: ['203.0.113.0/24'], ports: [LinkPort.tcp(8443)] });
    expect(() => app.synth()).not.toThrow();
  });

  test('a port range that overlaps another declaration\'s port is checked where they overlap', () => {
    const app = Testing.app();
    const ns = new ZeroTrustNamespace(app, 'shop');
    const hook = ns.addWorkload('hook', { ports: [{ number: 8443, name: 'webhooks' }] });
    new AddressIngress(ns, 'low', { to: hook, cidr: '0.0.0.0/1', ports: [LinkPort.tcpRange(8000, 8999)] });
    new AddressIngress(ns, 'high', { to: hook, cidr: '128.0.0.0/1', ports: [LinkPort.tcp(8443)] });
    expect(() => app.synth()).toThrow('shop/high] the ranges admitted to shop/hook on port 8443/TCP add up to every address');
  });
});
