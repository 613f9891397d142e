import { App, Chart, Duration, Testing } from 'cdk8s';
import {
  AddressEgress, AddressEgressProps, ExternalPort, HostEgress, HostEgressProps, IdentityAwareEntryPoint, IdentityAwareEntryPointProps,
  LinkPort, ZeroTrustAlerts, ZeroTrustAlertsProps, ZeroTrustMode, ZeroTrustNamespace, ZeroTrustWorkload,
} from '../../lib';
import { synthApp } from '../support/synth';

function setting() {
  // A temporary outdir: a case that wrongly passed must not write into the repository.
  const app = Testing.app();
  const ns = new ZeroTrustNamespace(app, 'tools', { monitoring: { namespace: 'monitoring' } });
  const panel = ns.addWorkload('admin-panel', { ports: [{ number: 8080, name: 'http' }, { number: 5353, name: 'mdns', protocol: 'UDP' as any }] });
  return { app, ns, panel };
}

const ENTRY: Omit<IdentityAwareEntryPointProps, 'workload'> = {
  ports: [LinkPort.named('http')],
  oidc: { issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks' },
  requiredClaims: [{ claim: 'groups', values: ['engineering'] }, { claim: 'amr', values: ['mfa'] }],
};
const entry = (overrides: Partial<IdentityAwareEntryPointProps>) => () => {
  const { app, ns, panel } = setting();
  new IdentityAwareEntryPoint(ns, 'entry', { workload: panel, ...ENTRY, ...overrides });
  synthApp(app);
  app.synth();
};
/** An app whose Service maps 80 → 8080 and 9090 → 9090, routed on `servicePort`. */
const routed = (servicePort: number) => () => {
  const app = Testing.app();
  const ns = new ZeroTrustNamespace(app, 'tools');
  const panel = ns.addWorkload('admin-panel', {
    ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics' }],
    servicePorts: [{ port: 80, targetPort: 8080 }, { port: 9090, targetPort: 9090 }],
  });
  new IdentityAwareEntryPoint(ns, 'entry', { workload: panel, ...ENTRY, route: { hosts: ['admin.example.com'], tlsCredentialName: 'tls', servicePort } });
  app.synth();
};
const oidc = (o: object) => entry({ oidc: { ...ENTRY.oidc, ...o } as any });
const address = (overrides: Partial<AddressEgressProps>) => () => {
  const { ns, panel } = setting();
  new AddressEgress(ns, 'out', { from: panel, cidr: '203.0.113.0/24', ports: [ExternalPort.tcp(443)], ...overrides });
};
const host = (overrides: Partial<HostEgressProps>) => () => {
  const { ns, panel } = setting();
  new HostEgress(ns, 'out', { from: panel, host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: ['198.51.100.0/24'], ...overrides });
};
const alerts = (overrides: Partial<ZeroTrustAlertsProps>, monitoring = true) => () => {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'shop', monitoring ? { monitoring: { namespace: 'monitoring' } } : {});
  new ZeroTrustAlerts(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'alerts', { namespaces: [ns], ...overrides });
};

const cases: [string, () => unknown, string][] = [
  // Identity-aware entry point
  ['issuer over plain http', oidc({ issuer: 'http://login.example.com' }),
    '[tools/entry] issuer "http://login.example.com" is not an https URL. Fix: use the issuer URL from your identity provider\'s discovery document, for example "https://login.example.com"; tokens from a plain-http issuer can be forged in transit.'],
  ['issuer that is no URL', oidc({ issuer: 'login.example.com' }),
    '[tools/entry] issuer "login.example.com" is not an https URL. Fix: use the issuer URL from your identity provider\'s discovery document, for example "https://login.example.com"; tokens from a plain-http issuer can be forged in transit.'],
  ['jwksUri over plain http', oidc({ jwksUri: 'http://login.example.com/jwks' }),
    '[tools/entry] jwksUri "http://login.example.com/jwks" is not an https URL. Fix: use the https JWKS endpoint of the issuer.'],
  ['both jwksUri and jwks', oidc({ jwks: '{"keys":[{"kty":"RSA"}]}' }),
    '[tools/entry] issuer "https://login.example.com" has both jwksUri and jwks. Fix: set exactly one: jwksUri (the JWKS endpoint) or jwks (the key set inline).'],
  ['neither jwksUri nor jwks', oidc({ jwksUri: undefined }),
    '[tools/entry] issuer "https://login.example.com" has neither jwksUri nor jwks. Fix: set exactly one: jwksUri (the JWKS endpoint) or jwks (the key set inline).'],
  ['inline jwks without keys', oidc({ jwksUri: undefined, jwks: '{"keys":[]}' }),
    '[tools/entry] jwks is not a JSON Web Key Set with a non-empty "keys" array. Fix: paste the issuer\'s JWKS document (`{"keys":[...]}`), or use jwksUri.'],
  ['empty audience', oidc({ audiences: [''] }),
    '[tools/entry] audiences [""] has an empty entry or is empty. Fix: list the audience values of this application, or omit "audiences".'],
  ['empty claim name', entry({ requiredClaims: [{ claim: '', values: ['engineering'] }] }),
    '[tools/entry] a required claim has an empty name ({"claim":"","values":["engineering"]}). Fix: name the claim, for example { claim: "groups", values: ["engineering"] }.'],
  ['empty nested claim name', entry({ requiredClaims: [{ claim: 'device', nested: [' '], values: ['true'] }] }),
    '[tools/entry] a required claim has an empty name ({"claim":"device","nested":[" "],"values":["true"]}). Fix: name the claim, for example { claim: "groups", values: ["engineering"] }.'],
  ['claim name with brackets', entry({ requiredClaims: [{ claim: 'groups]', values: ['x'] }] }),
    '[tools/entry] claim name "groups]" contains "[" or "]", which Istio reads as nesting. Fix: use "nested" for nested claims: { claim: "device", nested: ["posture"], values: [...] }.'],
  ['claim without values', entry({ requiredClaims: [{ claim: 'groups', values: [] }] }),
    '[tools/entry] claim "groups" has no values or an empty value. Fix: list the accepted values, for example { claim: "groups", values: ["engineering"] }.'],
  ['claim value with a wildcard', entry({ requiredClaims: [{ claim: 'groups', values: ['eng*'] }] }),
    '[tools/entry] claim "groups" has a value with "*", which Istio treats as a wildcard. Fix: list exact values.'],
  ['the same claim twice', entry({ requiredClaims: [{ claim: 'groups', values: ['a'] }, { claim: 'groups', values: ['b'] }] }),
    '[tools/entry] claim "groups" is required twice. Fix: merge its values into one requirement (values are alternatives).'],
  ['no claim and no audience', entry({ requiredClaims: [] }),
    '[tools/entry] entry point to tools/admin-panel requires no claim and no audience, so any token "https://login.example.com" ever signed would enter. Fix: set requiredClaims (e.g. group and MFA) or oidc.audiences (the audience of this application).'],
  ['entry point without ports', entry({ ports: [] }),
    '[tools/entry] entry point to tools/admin-panel has no ports, which would admit every port. Fix: list the pod ports the gateway calls, e.g. ports: [LinkPort.named("http")].'],
  ['entry point on a UDP port', entry({ ports: [LinkPort.named('mdns')] }),
    '[tools/entry] port 5353/UDP is not TCP, and the gateway speaks HTTP. Fix: use the TCP port the app serves HTTP on.'],
  ['entry point on an unknown port name', entry({ ports: [LinkPort.named('https')] }),
    '[tools/entry] port "https" is not a container port name of tools/admin-panel. Fix: use one of its port names (http, mdns) or a port number.'],
  ['entry point to a workload of no zero-trust namespace', () => {
    const { ns } = setting();
    const other = ZeroTrustWorkload.fromAttributes(ns, 'other', { name: 'other', namespace: 'elsewhere', serviceAccountName: 'other', podLabels: { app: 'other' } });
    new IdentityAwareEntryPoint(ns, 'entry', { workload: other, ...ENTRY });
  },
  '[tools/entry] "workload" (tools/other) is not a workload of a zero-trust namespace of this app, so its policies could not be emitted. Fix: declare the application with zeroTrustNamespace.addWorkload() or adopt().'],
  ['route host with a scheme', entry({ route: { hosts: ['https://admin.example.com'], tlsCredentialName: 'tls', servicePort: 80 } }),
    '[tools/entry] host "https://admin.example.com" has a scheme ("https://"). Fix: give the bare hostname without scheme or path, for example "admin.example.com".'],
  ['route to a Service port the app does not have', routed(443),
    '[tools/entry] Service port 443 is not a port of tools/admin-panel\'s Service. Fix: use one of its Service ports (80, 9090), or declare the Service on the workload.'],
  ['route to a Service port leading to a pod port the entry point does not open', routed(9090),
    '[tools/entry] route.servicePort 9090 leads to pod port 9090, which this entry point does not open (8080). Fix: add pod port 9090 to "ports", or route to the Service port of an opened pod port.'],
  ['two routed entry points with one name', () => {
    const { ns, panel } = setting();
    const route = { hosts: ['admin.example.com'], tlsCredentialName: 'tls', servicePort: 80 };
    new IdentityAwareEntryPoint(ns, 'a', { workload: panel, ...ENTRY, route });
    new IdentityAwareEntryPoint(ns, 'b', { workload: panel, ...ENTRY, oidc: { ...ENTRY.oidc, issuer: 'https://sso.example.com' }, route });
  }, '[tools/b] entry point name "admin-panel" already names the Gateway and VirtualService of tools/a. Fix: give one of the routed entry points its own "name".'],
  ['two entry points for one app and issuer', () => {
    const { ns, panel } = setting();
    new IdentityAwareEntryPoint(ns, 'a', { workload: panel, ...ENTRY });
    new IdentityAwareEntryPoint(ns, 'b', { workload: panel, ...ENTRY });
  },
  '[tools/b] entry point tools/admin-panel for issuer https://login.example.com is already declared at tools/a. Fix: remove the duplicate declaration.'],
  // Controlled egress
  ['malformed CIDR', address({ cidr: '203.0.113.0/33' }),
    '[tools/out] CIDR "203.0.113.0/33" is not a valid CIDR. Fix: write an IPv4 or IPv6 network with its prefix length, for example "203.0.113.0/24" or "2001:db8::/32".'],
  ['CIDR with an invalid address', address({ cidr: '203.0.113.300/24' }),
    '[tools/out] CIDR "203.0.113.300/24" is not a valid CIDR. Fix: write an IPv4 or IPv6 network with its prefix length, for example "203.0.113.0/24" or "2001:db8::/32".'],
  ['CIDR without prefix', address({ cidr: '203.0.113.7' }),
    '[tools/out] CIDR "203.0.113.7" is not a valid CIDR. Fix: write an IPv4 or IPv6 network with its prefix length, for example "203.0.113.0/24" or "2001:db8::/32".'],
  ['CIDR with host bits set', address({ cidr: '203.0.113.7/24' }),
    '[tools/out] CIDR "203.0.113.7/24" is not in canonical form. Fix: write "203.0.113.0/24" (host bits cleared, standard notation).'],
  ['0.0.0.0/0 without opt-in', address({ cidr: '0.0.0.0/0' }),
    '[tools/out] CIDR "0.0.0.0/0" admits every address. Fix: name the provider\'s ranges instead, or set allowAnyAddressUnsafe: true if you really mean the whole internet.'],
  ['::/0 without opt-in', address({ cidr: '::/0' }),
    '[tools/out] CIDR "::/0" admits every address. Fix: name the provider\'s ranges instead, or set allowAnyAddressUnsafe: true if you really mean the whole internet.'],
  ['0.0.0.0/0 as a host address without opt-in', host({ addresses: ['0.0.0.0/0'] }),
    '[tools/out] address "0.0.0.0/0" admits every address. Fix: name the provider\'s ranges instead, or set allowAnyAddressUnsafe: true if you really mean the whole internet.'],
  ['two halves that add up to all of IPv4', () => {
    const { ns, panel } = setting();
    new AddressEgress(ns, 'low', { from: panel, cidr: '0.0.0.0/1', ports: [ExternalPort.tcp(443)] });
    new AddressEgress(ns, 'out', { from: panel, cidr: '128.0.0.0/1', ports: [ExternalPort.https(443)] });
  },
  '[tools/out] the address ranges tools/admin-panel may reach on TCP/443 add up to every IPv4 address (0.0.0.0/1 at tools/low; 128.0.0.0/1 at tools/out). Fix: name the provider\'s ranges instead, or set allowAnyAddressUnsafe: true on the declaration if you really mean the whole internet.'],
  ['IPv4-mapped IPv6 range that spells all of IPv4', address({ cidr: '::ffff:0:0/96' }),
    '[tools/out] the address ranges tools/admin-panel may reach on TCP/443 add up to every IPv4 address (::ffff:0:0/96 at tools/out). Fix: name the provider\'s ranges instead, or set allowAnyAddressUnsafe: true on the declaration if you really mean the whole internet.'],
  ['host addresses that add up to all of IPv6', host({ addresses: ['::/1', '8000::/1'] }),
    '[tools/out] the address ranges tools/admin-panel may reach on TCP/443 add up to every IPv4 and every IPv6 address (::/1, 8000::/1 at tools/out). Fix: name the provider\'s ranges instead, or set allowAnyAddressUnsafe: true on the declaration if you really mean the whole internet.'],
  ['IPv4 quarters and a mapped quarter that add up to all of IPv4', host({ addresses: ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '::ffff:c000:0/98'] }),
    '[tools/out] the address ranges tools/admin-panel may reach on TCP/443 add up to every IPv4 address (0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/2, ::ffff:c000:0/98 at tools/out). Fix: name the provider\'s ranges instead, or set allowAnyAddressUnsafe: true on the declaration if you really mean the whole internet.'],
  ['except outside the range', address({ except: ['198.51.100.0/28'] }),
    '[tools/out] except entry "198.51.100.0/28" is not inside "203.0.113.0/24". Fix: list only sub-ranges of "203.0.113.0/24" in "except" (NetworkPolicy rejects others).'],
  ['malformed except', address({ except: ['203.0.113.0/40'] }),
    '[tools/out] except entry "203.0.113.0/40" is not a valid CIDR. Fix: write an IPv4 or IPv6 network with its prefix length, for example "203.0.113.0/24" or "2001:db8::/32".'],
  ['egress without ports', address({ ports: [] }),
    '[tools/out] egress to "203.0.113.0/24" has no ports, which would admit every port. Fix: list the ports the workload calls, e.g. ports: [ExternalPort.https(443)].'],
  ['the same port with two protocols', address({ ports: [ExternalPort.tcp(443), ExternalPort.https(443)] }),
    '[tools/out] egress to "203.0.113.0/24" declares port 443 twice, as TCP and HTTPS. Fix: declare each port once, with the protocol the app speaks on it.'],
  ['hostname with a scheme', host({ host: 'https://api.stripe.com' }),
    '[tools/out] host "https://api.stripe.com" has a scheme ("https://"). Fix: give the bare hostname without scheme or path, for example "api.stripe.com".'],
  ['hostname with a path', host({ host: 'api.stripe.com/v1/charges' }),
    '[tools/out] host "api.stripe.com/v1/charges" has a path. Fix: give the bare hostname without scheme or path, for example "api.stripe.com".'],
  ['hostname with a port', host({ host: 'api.stripe.com:443' }),
    '[tools/out] host "api.stripe.com:443" has a port. Fix: give the bare hostname "api.stripe.com" and the port in "ports".'],
  ['wildcard hostname', host({ host: '*.stripe.com' }),
    '[tools/out] host "*.stripe.com" is a wildcard, which would admit every host of the domain. Fix: declare each host the workload calls.'],
  ['IP address as hostname', host({ host: '198.51.100.7' }),
    '[tools/out] host "198.51.100.7" is an IP address. Fix: use AddressEgress with a CIDR such as "203.0.113.10/32".'],
  ['single-label hostname', host({ host: 'localhost' }),
    '[tools/out] host "localhost" is not a fully qualified DNS name. Fix: use dot-separated labels of lower-case letters, digits and "-", for example "api.stripe.com".'],
  ['cluster-internal hostname', host({ host: 'payments.prod.svc.cluster.local' }),
    '[tools/out] host "payments.prod.svc.cluster.local" is a cluster-internal name. Fix: call in-cluster workloads through a ServiceLink.'],
  ['host without addresses', host({ addresses: [] }),
    '[tools/out] host "api.stripe.com" has no addresses, and NetworkPolicy cannot match hostnames, so the default-deny egress would drop its traffic. Fix: list the CIDRs "api.stripe.com" resolves into (the provider\'s published ranges) in "addresses".'],
  ['host on UDP', host({ ports: [ExternalPort.udp(53)] }),
    '[tools/out] host "api.stripe.com" has UDP port 53, but the sidecar does not proxy UDP, so the hostname could not be enforced. Fix: use AddressEgress with the host\'s CIDR for UDP.'],
  ['one host port with two protocols in one namespace', () => {
    const { ns, panel } = setting();
    const other = ns.addWorkload('worker');
    new HostEgress(ns, 'a', { from: panel, host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: ['198.51.100.0/24'] });
    new HostEgress(ns, 'b', { from: other, host: 'api.stripe.com', ports: [ExternalPort.tls(443)], addresses: ['198.51.100.0/24'] });
  }, '[tools/b] port 443 of "api.stripe.com" is TLS here but HTTPS at tools/a. Fix: use the same protocol for a port of one host throughout the namespace.'],
  ['egress from a workload of no zero-trust namespace', () => {
    const { ns } = setting();
    const other = ZeroTrustWorkload.fromAttributes(ns, 'other', { name: 'other', namespace: 'elsewhere', serviceAccountName: 'other', podLabels: { app: 'other' } });
    new AddressEgress(ns, 'out', { from: other, cidr: '203.0.113.0/24', ports: [ExternalPort.tcp(443)] });
  },
  '[tools/out] "from" (tools/other) is not a workload of a zero-trust namespace of this app, so its egress could not be opened. Fix: declare the workload with zeroTrustNamespace.addWorkload() or adopt().'],
  ['duplicate egress', () => {
    const { ns, panel } = setting();
    new HostEgress(ns, 'a', { from: panel, host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: ['198.51.100.0/24'] });
    new HostEgress(ns, 'b', { from: panel, host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: ['198.51.100.0/24'] });
  },
  '[tools/b] egress tools/admin-panel -> api.stripe.com [HTTPS/443] is already declared at tools/a. Fix: remove the duplicate declaration.'],
  // Modes
  ['unknown namespace mode', () => new ZeroTrustNamespace(new App(), 'shop', { mode: 'dry-run' as ZeroTrustMode }),
    '[shop] mode "dry-run" is unknown. Fix: use ZeroTrustMode.ENFORCE or ZeroTrustMode.AUDIT.'],
  ['unknown workload mode', () => setting().ns.addWorkload('api', { mode: 'AUDIT' as ZeroTrustMode }),
    '[tools/api] mode "AUDIT" is unknown. Fix: use ZeroTrustMode.ENFORCE or ZeroTrustMode.AUDIT.'],
  ['an enforcing workload in an audit namespace', () => new ZeroTrustNamespace(new App(), 'shop', { mode: ZeroTrustMode.AUDIT }).addWorkload('api', { mode: ZeroTrustMode.ENFORCE }),
    '[shop/api] mode "enforce" on a workload of an audit-mode namespace is not supported: the namespace holds back DNS and istiod egress, which the workload would then lose. Fix: switch the namespace to enforce and set mode: ZeroTrustMode.AUDIT on the workloads still auditing.'],
  ['a workload carrying the reserved audit label', () => setting().ns.addWorkload('api', { podLabels: { 'app': 'api', 'cdk8s-zero-trust/audit': 'api' } }),
    '[tools/api] label "cdk8s-zero-trust/audit" is reserved: the library puts it on the pods of workloads auditing on their own, and the namespace\'s default-deny leaves those pods out. Fix: remove "cdk8s-zero-trust/audit" from the labels; to audit this workload, set mode: ZeroTrustMode.AUDIT.'],
  ['an auditing workload carrying the reserved audit label itself', () => setting().ns.addWorkload('api', { mode: ZeroTrustMode.AUDIT, podLabels: { 'cdk8s-zero-trust/audit': 'other' } }),
    '[tools/api] label "cdk8s-zero-trust/audit" is reserved: the library puts it on the pods of workloads auditing on their own, and the namespace\'s default-deny leaves those pods out. Fix: remove "cdk8s-zero-trust/audit" from the labels; to audit this workload, set mode: ZeroTrustMode.AUDIT.'],
  // Alerts
  ['alerts on a namespace without the monitoring option', alerts({}, false),
    '[monitoring/alerts] namespace "shop" has no monitoring option, so Prometheus cannot scrape its sidecars (TCP 15020/15090) and the alerts would never fire. Fix: set monitoring: { namespace: \'<your Prometheus namespace>\' } on the ZeroTrustNamespace "shop".'],
  ['alerts on no namespace', alerts({ namespaces: [] }),
    '[monitoring/alerts] no namespace to watch. Fix: pass the ZeroTrustNamespaces whose calls the alerts cover.'],
  ['alert window of zero', alerts({ deniedCalls: { window: Duration.seconds(0) } }),
    '[monitoring/alerts] deniedCalls.window 0 seconds is not a positive whole number of milliseconds. Fix: pass a cdk8s Duration such as Duration.minutes(5), Duration.hours(1) or Duration.seconds(30).'],
  ['alert for of a fraction of a millisecond', alerts({ deniedCalls: { for: Duration.millis(0.5) } }),
    '[monitoring/alerts] deniedCalls.for 0.5 millis is not a positive whole number of milliseconds. Fix: pass a cdk8s Duration such as Duration.minutes(5), Duration.hours(1) or Duration.seconds(30).'],
  ['negative threshold', alerts({ mtlsHandshakeFailures: { threshold: -1 } }),
    '[monitoring/alerts] mtlsHandshakeFailures.threshold -1 is not a non-negative number. Fix: give a rate per second, e.g. 0 or 0.1.'],
  ['both alerts disabled', alerts({ deniedCalls: { enabled: false }, mtlsHandshakeFailures: { enabled: false } }),
    '[monitoring/alerts] both alerts are disabled, so the PrometheusRule would be empty. Fix: enable deniedCalls or mtlsHandshakeFailures, or remove the construct.'],
  ['alert label with an invalid name', alerts({ alertLabels: { 'team-name': 'platform' } }),
    '[monitoring/alerts] alert label name "team-name" is not a valid Prometheus label name. Fix: use letters, digits and "_", not starting with a digit or "__".'],
  ['alerts in a chart without namespace', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop', { monitoring: { namespace: 'monitoring' } });
    new ZeroTrustAlerts(new Chart(app, 'rules'), 'alerts', { namespaces: [ns] });
  },
  '[rules/alerts] the PrometheusRule has no namespace (the enclosing chart sets none). Fix: set ruleNamespace, e.g. "monitoring".'],
];

describe('bad input is refused with a message naming the path, the value and the fix', () => {
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

  test('nothing is half-emitted: a refused declaration leaves no objects behind', () => {
    const { app, ns, panel } = setting();
    const before = JSON.stringify(synthApp(app));
    expect(() => new HostEgress(ns, 'bad', { from: panel, host: 'https://api.stripe.com', ports: [ExternalPort.https()], addresses: ['198.51.100.0/24'] })).toThrow();
    expect(() => new AddressEgress(ns, 'bad2', { from: panel, cidr: '0.0.0.0/0', ports: [ExternalPort.https()] })).toThrow();
    expect(JSON.stringify(synthApp(app))).toBe(before);
  });
});
