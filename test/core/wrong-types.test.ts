import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AddressEgress, ExternalPort, HostEgress, IdentityAwareEntryPoint, LinkPort,
  ProjectedServiceAccountToken, ServiceLink, ZeroTrustAlerts,
  ZeroTrustNamespace, ZeroTrustWorkload,
} from '../../lib';
import { CiDeployRole, CiOidcTrust, ClusterOidcIssuer, ServiceAccountBinding, WorkloadIdentity, WorkloadIdentityMode } from '../../lib/aws';
import { ZeroTrustError } from '../../lib/errors';
import { newStack } from '../aws/helpers';

/*
 * jsii users (Python, Java, Go, C#) can pass any value where TypeScript has a type. Each public
 * entry point checks the shape of its arguments at the boundary: a wrong type is a ZeroTrustError
 * naming the path, the value and the fix, never a TypeError from inside or a misread value.
 */

const any = (v: unknown) => v as any;
const ENTRY = {
  ports: [LinkPort.named('http')],
  oidc: { issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks' },
  requiredClaims: [{ claim: 'groups', values: ['staff'] }],
};

/** A namespace with a client and a server, each with an http port. */
function setting() {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'production', { monitoring: { namespace: 'monitoring' } });
  const client = ns.addWorkload('checkout-api', { ports: [{ number: 8080, name: 'http' }] });
  const server = ns.addWorkload('payment-service', { ports: [{ number: 8080, name: 'http' }] });
  return { app, ns, client, server };
}
const link = (props: object) => () => {
  const { app, ns, client, server } = setting();
  new ServiceLink(ns, 'link', { from: client, to: server, ports: [LinkPort.tcp(8080)], ...props } as any);
  app.synth();
};
const entry = (props: object) => () => {
  const { app, ns, server } = setting();
  new IdentityAwareEntryPoint(ns, 'entry', { workload: server, ...ENTRY, ...props } as any);
  app.synth();
};
const addressEgress = (props: object) => () => {
  const { ns, client } = setting();
  new AddressEgress(ns, 'out', { from: client, cidr: '203.0.113.0/24', ports: [ExternalPort.tcp(443)], ...props } as any);
};
const hostEgress = (props: object) => () => {
  const { ns, client } = setting();
  new HostEgress(ns, 'out', { from: client, host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: ['198.51.100.0/24'], ...props } as any);
};
const alerts = (props: object) => () => {
  const { app, ns } = setting();
  new ZeroTrustAlerts(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'alerts', { namespaces: [ns], ...props } as any);
};
const irsa = () => WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromIssuerUrl('https://token.actions.githubusercontent.com'));
const identity = (props: object) => () => {
  new WorkloadIdentity(newStack(), 'id', { namespace: 'production', serviceAccountName: 'payment-service', mode: irsa(), ...props } as any);
};
const deployment = () => {
  const { ns } = setting();
  return { ns, web: new kplus.Deployment(ns, 'web', { metadata: { name: 'web' }, containers: [{ image: 'web' }] }) };
};

const CASES: [string, string, () => unknown, string][] = [
  // ZeroTrustNamespace
  ['ZeroTrustNamespace', 'props a string', () => new ZeroTrustNamespace(new App(), 'production', any('x')),
    '[production] ZeroTrustNamespace props must be an object, but it is the string "x". Fix: pass an object of options, e.g. { mode: ZeroTrustMode.AUDIT }.'],
  ['ZeroTrustNamespace', 'scope undefined', () => new ZeroTrustNamespace(any(undefined), 'production'),
    '[<no construct>] the scope of ZeroTrustNamespace must be a construct (an App, Chart or another construct), but it is undefined. Fix: pass the construct to create the ZeroTrustNamespace in as the first argument.'],
  ['ZeroTrustNamespace', 'empty id', () => new ZeroTrustNamespace(new App(), ''),
    '[<app>] the id of a ZeroTrustNamespace must be a non-empty string, but it is the string "". Fix: pass a readable id, e.g. "payment-service".'],
  ['ZeroTrustNamespace', 'name a number', () => new ZeroTrustNamespace(new App(), 'production', { name: any(5) }),
    '[production] namespace name must be a string, but it is the number 5. Fix: pass the namespace name as a string, e.g. name: "production".'],
  ['ZeroTrustNamespace', 'trustDomain a number', () => new ZeroTrustNamespace(new App(), 'production', { trustDomain: any(5) }),
    '[production] trust domain must be a string, but it is the number 5. Fix: pass the trust domain as a string, e.g. "cluster.local".'],
  ['ZeroTrustNamespace', 'controlPlane a string', () => new ZeroTrustNamespace(new App(), 'production', { controlPlane: any('istiod') }),
    '[production] controlPlane must be an object, but it is the string "istiod". Fix: pass controlPlane as an object of options (see the controlPlane docs), or omit it.'],
  ['ZeroTrustNamespace', 'controlPlane.port a string', () => new ZeroTrustNamespace(new App(), 'production', { controlPlane: { port: any('15012') } }),
    '[production] controlPlane.port must be a number, but it is the string "15012". Fix: pass a whole port number, e.g. port: 15012.'],
  ['ZeroTrustNamespace', 'monitoring.namespace a number', () => new ZeroTrustNamespace(new App(), 'production', { monitoring: { namespace: any(5) } }),
    '[production] monitoring.namespace must be a string, but it is the number 5. Fix: name the namespace of the scraper, e.g. monitoring: { namespace: "monitoring" }.'],
  ['ZeroTrustNamespace', 'renderers not a list', () => new ZeroTrustNamespace(new App(), 'production', { renderers: any({}) }),
    '[production] renderers must be an array, but it is an object {}. Fix: pass a list of renderers, e.g. renderers: [new NetworkPolicyRenderer(), new IstioRenderer()].'],
  ['ZeroTrustNamespace', 'a renderer without render()', () => new ZeroTrustNamespace(new App(), 'production', { renderers: any([{}]) }),
    '[production] renderers[0] (an object {}) has no addNamespace() method. Fix: pass objects that implement ILayerRenderer (or extend LayerRenderer), e.g. new IstioRenderer().'],
  ['ZeroTrustNamespace', 'labels a list', () => new ZeroTrustNamespace(new App(), 'production', { labels: any(['team=pay']) }),
    '[production] labels must be an object, but it is an array of 1. Fix: pass an object of strings, e.g. labels: { app: "web" }.'],
  ['ZeroTrustNamespace', 'a label value a number', () => new ZeroTrustNamespace(new App(), 'production', { labels: any({ tier: 1 }) }),
    '[production] labels["tier"] must be a string, but it is the number 1. Fix: pass an object of strings, e.g. labels: { app: "web" }.'],
  // addWorkload / ZeroTrustWorkload
  ['addWorkload', 'name a number', () => setting().ns.addWorkload(any(5)),
    '[production] workload name must be a string, but it is the number 5. Fix: pass the workload name as a string, e.g. "payment-service".'],
  ['addWorkload', 'options a string', () => setting().ns.addWorkload('cache', any('x')),
    '[production] options of workload "cache" must be an object, but it is the string "x". Fix: pass an object of options, e.g. { ports: [{ number: 8080, name: "http" }] }, or omit it.'],
  ['addWorkload', 'a port a bare number', () => setting().ns.addWorkload('cache', { ports: any([6379]) }),
    '[production/cache] a container port must be an object, but it is the number 6379. Fix: describe each port as { number: 8080, name: "http" }.'],
  ['addWorkload', 'a port number a string', () => setting().ns.addWorkload('cache', { ports: [{ number: any('6379') }] }),
    '[production/cache] container port must be a number, but it is the string "6379". Fix: pass the number 6379, without quotes.'],
  ['addWorkload', 'a port name a number', () => setting().ns.addWorkload('cache', { ports: [{ number: 6379, name: any(6379) }] }),
    '[production/cache] the name of container port 6379 must be a string, but it is the number 6379. Fix: name the port with a string, e.g. name: "http".'],
  ['addWorkload', 'an unknown protocol', () => setting().ns.addWorkload('cache', { ports: [{ number: 6379, protocol: any('SCTP') }] }),
    '[production/cache] protocol "SCTP" is not supported. Fix: use TransportProtocol.TCP or TransportProtocol.UDP.'],
  ['addWorkload', 'servicePorts an object', () => setting().ns.addWorkload('cache', { servicePorts: any({ port: 6379 }) }),
    '[production/cache] servicePorts must be an array, but it is an object {"port":6379}. Fix: pass a list of Service ports, e.g. servicePorts: [{ port: 443, targetPort: 8443 }].'],
  ['addWorkload', 'mode a number', () => setting().ns.addWorkload('cache', { mode: any(1) }),
    '[production/cache] mode (the number 1) is unknown. Fix: use ZeroTrustMode.ENFORCE or ZeroTrustMode.AUDIT.'],
  ['ZeroTrustWorkload', 'created outside any app construct', () => new ZeroTrustWorkload(any({}), 'x'),
    '[<no construct>] the scope of ZeroTrustWorkload must be a construct (an App, Chart or another construct), but it is an object {}. Fix: pass the construct to create the ZeroTrustWorkload in as the first argument.'],
  ['addServiceAccountAnnotation', 'value a number', () => setting().server.addServiceAccountAnnotation('example.com/team', any(5)),
    '[production/payment-service] annotation "example.com/team" must be a string, but it is the number 5. Fix: pass the annotation "example.com/team" as a string.'],
  ['addServiceAccountAnnotation', 'key a number', () => setting().server.addServiceAccountAnnotation(any(5), 'pay'),
    '[production/payment-service] annotation key must be a string, but it is the number 5. Fix: pass the annotation key as a string.'],
  // adopt
  ['adopt', 'not a cdk8s-plus workload', () => setting().ns.adopt(any({ name: 'web' })),
    '[production] cannot adopt an object {"name":"web"}: only cdk8s-plus-28 Deployments, StatefulSets, DaemonSets and Jobs can be adopted. Fix: adopt a Deployment/StatefulSet/DaemonSet/Job, or declare the identity with addWorkload().'],
  ['adopt', 'options a string', () => { const { ns, web } = deployment(); ns.adopt(web, any('web')); },
    '[production] adopt() options must be an object, but it is the string "web". Fix: pass an object of options, e.g. { services: [service] }, or omit it.'],
  ['adopt', 'services not a list', () => { const { ns, web } = deployment(); ns.adopt(web, { services: any(new kplus.Service(ns, 'svc', { ports: [{ port: 80 }] })) }); },
    '[production] adopt() option services must be an array, but it is the construct production/svc. Fix: pass the Services in front of the workload as a list, e.g. services: [service].'],
  ['adopt', 'a service that is not a Service', () => { const { ns, web } = deployment(); ns.adopt(web, { services: any([{ port: 80 }]) }); },
    '[production] services[0] (an object {"port":80}) is not a cdk8s-plus-28 Service. Fix: pass the Service that deployment.exposeViaService() or new kplus.Service() returned.'],
  ['adopt', 'name a number', () => { const { ns, web } = deployment(); ns.adopt(web, { name: any(5) }); },
    '[production] adopt() option name must be a string, but it is the number 5. Fix: pass the workload name as a string, e.g. name: "payment-service".'],
  // fromAttributes
  ['ZeroTrustWorkload.fromAttributes', 'attributes a string', () => ZeroTrustWorkload.fromAttributes(setting().ns, 'billing', any('finance/billing')),
    '[production/billing] fromAttributes() attributes must be an object, but it is the string "finance/billing". Fix: pass { name, namespace, serviceAccountName, podLabels } of the workload.'],
  ['ZeroTrustWorkload.fromAttributes', 'namespace a number', () => ZeroTrustWorkload.fromAttributes(setting().ns, 'billing', { name: 'billing', namespace: any(5), serviceAccountName: 'billing', podLabels: { app: 'billing' } }),
    '[production/billing] namespace must be a string, but it is the number 5. Fix: pass the namespace as a string, e.g. "payment-service".'],
  ['ZeroTrustWorkload.fromAttributes', 'a pod label value a boolean', () => ZeroTrustWorkload.fromAttributes(setting().ns, 'billing', { name: 'billing', namespace: 'finance', serviceAccountName: 'billing', podLabels: any({ app: true }) }),
    '[production/billing] podLabels["app"] must be a string, but it is the boolean true. Fix: pass an object of strings, e.g. podLabels: { app: "web" }.'],
  // ServiceLink / allowFrom
  ['ServiceLink', 'props undefined', () => new ServiceLink(setting().ns, 'link', any(undefined)),
    '[production/link] ServiceLink props must be an object, but it is undefined. Fix: pass { from, to, ports }.'],
  ['ServiceLink', 'from null', link({ from: null }),
    '[production/link] "from" (null) is not a workload of a zero-trust namespace and has no explicit attributes. Fix: adopt it with zeroTrustNamespace.adopt(deployment), declare it with addWorkload(), or reference it with ZeroTrustWorkload.fromAttributes().'],
  ['ServiceLink', 'ports a string', link({ ports: 'tcp/8080' }),
    '[production/link] ports must be an array, but it is the string "tcp/8080". Fix: list the ports the client calls, e.g. ports: [LinkPort.tcp(8080)].'],
  ['ServiceLink', 'a port a number, not a LinkPort', link({ ports: [8080] }),
    '[production/link] port (the number 8080) is not a LinkPort. Fix: use LinkPort.tcp(8080), LinkPort.named("http") or LinkPort.service(443).'],
  ['ServiceLink', 'http a string', link({ http: 'GET /v1/charges' }),
    '[production/link] http must be an object, but it is the string "GET /v1/charges". Fix: pass { methods: ["GET"], paths: ["/orders/*"] }, or omit http.'],
  ['ServiceLink', 'http.paths a string', link({ http: { paths: '/v1/charges' } }),
    '[production/link] http.paths must be an array, but it is the string "/v1/charges". Fix: list the paths, e.g. paths: ["/v1/charges"].'],
  ['ServiceLink', 'a method a number', link({ http: { methods: [1] } }),
    '[production/link] each of http.methods must be a string, but it is the number 1. Fix: list methods as strings, e.g. methods: ["GET", "POST"].'],
  ['allowFrom', 'options a string', () => { const { client, server } = setting(); server.allowFrom(client, any('tcp/8080')); },
    '[production/payment-service] allowFrom() options must be an object, but it is the string "tcp/8080". Fix: pass the link options, e.g. { ports: [LinkPort.tcp(8080)] }.'],
  ['allowFrom', 'client a string', () => setting().server.allowFrom(any('checkout-api'), { ports: [LinkPort.tcp(8080)] }),
    '[production/payment-service] "client" (the string "checkout-api") is not a workload of a zero-trust namespace and has no explicit attributes. Fix: adopt it with zeroTrustNamespace.adopt(deployment), declare it with addWorkload(), or reference it with ZeroTrustWorkload.fromAttributes().'],
  ['LinkPort', 'tcpRange ends as strings', link({ ports: [LinkPort.tcpRange(8080, any('8090'))] }),
    '[production/link] endPort must be a number, but it is the string "8090". Fix: pass the number 8090, without quotes.'],
  // egress
  ['AddressEgress', 'props a string', () => new AddressEgress(setting().ns, 'out', any('203.0.113.0/24')),
    '[production/out] egress props must be an object, but it is the string "203.0.113.0/24". Fix: pass { from, ports, ... } (see AddressEgressProps / HostEgressProps).'],
  ['AddressEgress', 'cidr a number', addressEgress({ cidr: 5 }),
    '[production/out] cidr must be a string, but it is the number 5. Fix: pass the network as a string, e.g. cidr: "203.0.113.0/24".'],
  ['AddressEgress', 'except a string', addressEgress({ except: '203.0.113.128/25' }),
    '[production/out] except must be an array, but it is the string "203.0.113.128/25". Fix: list the excluded sub-ranges, e.g. except: ["203.0.113.128/25"].'],
  ['AddressEgress', 'allowAnyAddressUnsafe a string', addressEgress({ allowAnyAddressUnsafe: 'yes' }),
    '[production/out] allowAnyAddressUnsafe must be true or false, but it is the string "yes". Fix: pass true or false, or omit allowAnyAddressUnsafe.'],
  ['AddressEgress', 'ports a single port', addressEgress({ ports: ExternalPort.tcp(443) }),
    '[production/out] ports must be an array, but it is an instance of ExternalPort {"port":443,"protocol":"TCP"}. Fix: list the ports the workload calls, e.g. ports: [ExternalPort.https(443)].'],
  ['HostEgress', 'addresses a string', hostEgress({ addresses: '198.51.100.0/24' }),
    '[production/out] addresses must be an array, but it is the string "198.51.100.0/24". Fix: list the CIDRs "api.stripe.com" resolves into, e.g. addresses: ["203.0.113.0/24"].'],
  ['ExternalPort', 'a port as a string', hostEgress({ ports: [ExternalPort.https(any('443'))] }),
    '[production/out] egress port of "api.stripe.com" must be a number, but it is the string "443". Fix: pass the number 443, without quotes.'],
  // entry point
  ['IdentityAwareEntryPoint', 'oidc a URL string', entry({ oidc: 'https://login.example.com' }),
    '[production/entry] oidc must be an object, but it is the string "https://login.example.com". Fix: describe the issuer, e.g. oidc: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks" }.'],
  ['IdentityAwareEntryPoint', 'requiredClaims an object', entry({ requiredClaims: { groups: ['staff'] } }),
    '[production/entry] requiredClaims must be an array, but it is an object {"groups":["staff"]}. Fix: list the claims, e.g. requiredClaims: [{ claim: "groups", values: ["engineering"] }].'],
  ['IdentityAwareEntryPoint', 'claim values a string', entry({ requiredClaims: [{ claim: 'groups', values: 'staff' }] }),
    '[production/entry] requiredClaims[0].values must be an array, but it is the string "staff". Fix: list the accepted values, e.g. values: ["engineering"].'],
  ['IdentityAwareEntryPoint', 'audiences a string', entry({ oidc: { ...ENTRY.oidc, audiences: 'admin' } }),
    '[production/entry] oidc.audiences must be an array, but it is the string "admin". Fix: list the audiences, e.g. audiences: ["admin-panel"].'],
  ['IdentityAwareEntryPoint', 'route.hosts a string', entry({ route: { hosts: 'admin.example.com', tlsCredentialName: 'admin-tls', servicePort: 80 } }),
    '[production/entry] route.hosts must be an array, but it is the string "admin.example.com". Fix: list the hostnames people use, e.g. hosts: ["admin.example.com"].'],
  ['IdentityAwareEntryPoint', 'route.servicePort a string', entry({ route: { hosts: ['admin.example.com'], tlsCredentialName: 'admin-tls', servicePort: '80' } }),
    '[production/entry] route.servicePort must be a number, but it is the string "80". Fix: pass the number 80, without quotes.'],
  ['IdentityAwareEntryPoint', 'gateway.podLabels a string', entry({ gateway: { podLabels: 'istio=ingressgateway' } }),
    '[production/entry] gateway.podLabels must be an object, but it is the string "istio=ingressgateway". Fix: pass an object of strings, e.g. gateway.podLabels: { app: "web" }.'],
  // alerts
  ['ZeroTrustAlerts', 'namespaces one namespace, not a list', () => { const { app, ns } = setting(); new ZeroTrustAlerts(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'alerts', { namespaces: any(ns) }); },
    '[monitoring/alerts] namespaces must be an array, but it is the construct production. Fix: pass the ZeroTrustNamespaces whose calls the alerts cover, e.g. namespaces: [production].'],
  ['ZeroTrustAlerts', 'deniedCalls true', alerts({ deniedCalls: true }),
    '[monitoring/alerts] deniedCalls must be an object, but it is the boolean true. Fix: pass the deniedCalls options as an object, e.g. { threshold: 0.1 }, or omit it.'],
  ['ZeroTrustAlerts', 'enabled a string', alerts({ mtlsHandshakeFailures: { enabled: 'no' } }),
    '[monitoring/alerts] mtlsHandshakeFailures.enabled must be true or false, but it is the string "no". Fix: pass true or false, or omit mtlsHandshakeFailures.enabled.'],
  ['ZeroTrustAlerts', 'alertLabels values numbers', alerts({ alertLabels: { team: 1 } }),
    '[monitoring/alerts] alertLabels["team"] must be a string, but it is the number 1. Fix: pass an object of strings, e.g. alertLabels: { app: "web" }.'],
  // AWS
  ['WorkloadIdentity', 'mode a plain object', identity({ mode: { annotatesServiceAccount: true } }),
    '[Test/id] mode must be a WorkloadIdentityMode, but it is an object {"annotatesServiceAccount":true}. Fix: use WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromCluster(cluster)) or WorkloadIdentityMode.podIdentity({ cluster }).'],
  ['WorkloadIdentity', 'namespace a number', identity({ namespace: 5 }),
    '[Test/id] namespace must be a string, but it is the number 5. Fix: pass the namespace as a string.'],
  ['WorkloadIdentity', 'maxSessionDuration seconds as a number', identity({ maxSessionDuration: 3600 }),
    '[Test/id] maxSessionDuration must be a Duration, but it is the number 3600. Fix: pass a Duration, e.g. Duration.hours(1).'],
  ['WorkloadIdentity.bindServiceAccount', 'binding a plain object', () => {
    new WorkloadIdentity(newStack(), 'id', { namespace: 'production', serviceAccountName: 'payment-service', mode: irsa() }).bindServiceAccount(any({ name: 'payment-service' }));
  },
  '[Test/id] cannot bind an object {"name":"payment-service"}: it is not a ServiceAccount binding. Fix: pass a ZeroTrustWorkload, or ServiceAccountBinding.fromServiceAccount(serviceAccount).'],
  ['WorkloadIdentity.bindServiceAccount', 'tokenExpiration seconds as a number', () => {
    const { server } = setting();
    new WorkloadIdentity(newStack(), 'id', { namespace: 'production', serviceAccountName: 'payment-service', mode: irsa(), roleName: 'pay' })
      .bindServiceAccount(server, { tokenExpiration: any(3600) });
  },
  '[Test/id] tokenExpiration must be a Duration, but it is the number 3600. Fix: pass a Duration, e.g. Duration.hours(1).'],
  ['CiDeployRole', 'trust a plain object', () => new CiDeployRole(newStack(), 'ci', { trust: any({ owner: 'acme' }) }),
    '[Test/ci] trust must be a CiOidcTrust, but it is an object {"owner":"acme"}. Fix: use CiOidcTrust.gitHubActions({ ... }) or CiOidcTrust.issuer({ ... }).'],
  ['CiOidcTrust.gitHubActions', 'owner a number', () => new CiDeployRole(newStack(), 'ci', { trust: CiOidcTrust.gitHubActions({ owner: any(123), repository: 'payments', branch: 'main' }) }),
    '[Test/ci] GitHub owner must be a string, but it is the number 123. Fix: pass the user or organization name as a string, e.g. owner: "acme".'],
  ['CiOidcTrust.issuer', 'subject a number', () => new CiDeployRole(newStack(), 'ci', { trust: CiOidcTrust.issuer({ issuer: 'https://gitlab.example.com', subject: any(42) }) }),
    '[Test/ci] subject must be a string, but it is the number 42. Fix: pass subject as a string.'],
  ['ProjectedServiceAccountToken.mount', 'workload a plain object', () => ProjectedServiceAccountToken.mount(any({}), { audience: 'vault' }),
    '[<no construct>] the workload must be a cdk8s-plus-28 workload or pod, but it is an object {}. Fix: pass a cdk8s-plus-28 Deployment, StatefulSet, DaemonSet, Job or Pod.'],
  ['ProjectedServiceAccountToken.mount', 'audience a number', () => ProjectedServiceAccountToken.mount(deployment().web, { audience: any(5) }),
    '[production/web] audience must be a string, but it is the number 5. Fix: pass one audience as a string, e.g. audience: "vault".'],
  ['ServiceAccountBinding.fromServiceAccount', 'a plain object', () => ServiceAccountBinding.fromServiceAccount(any({ name: 'payment-service' })),
    '[<no construct>] serviceAccount must be a cdk8s-plus-28 ServiceAccount, but it is an object {"name":"payment-service"}. Fix: pass a cdk8s-plus-28 ServiceAccount.'],
  ['ClusterOidcIssuer.fromProviderArn', 'a number', () => new WorkloadIdentity(newStack(), 'id', {
    namespace: 'production', serviceAccountName: 'payment-service', mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromProviderArn(any(5))),
  }),
  '[Test/id] providerArn must be a string, but it is the number 5. Fix: pass the IAM OIDC provider ARN as a string.'],
];

describe('wrong types at the public entry points are refused with the path, the value and the fix', () => {
  test.each(CASES)('%s: %s', (_point, _case, run, message) => {
    let thrown: unknown;
    try {
      run();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ZeroTrustError);
    expect((thrown as Error).message).toBe(message);
  });

  test('the table covers every public construct and method that takes user input', () => {
    expect(new Set(CASES.map(([point]) => point))).toEqual(new Set([
      'ZeroTrustNamespace', 'addWorkload', 'ZeroTrustWorkload', 'addServiceAccountAnnotation', 'adopt', 'ZeroTrustWorkload.fromAttributes',
      'ServiceLink', 'allowFrom', 'LinkPort', 'AddressEgress', 'HostEgress', 'ExternalPort', 'IdentityAwareEntryPoint', 'ZeroTrustAlerts',
      'WorkloadIdentity', 'WorkloadIdentity.bindServiceAccount', 'CiDeployRole', 'CiOidcTrust.gitHubActions', 'CiOidcTrust.issuer',
      'ProjectedServiceAccountToken.mount', 'ServiceAccountBinding.fromServiceAccount', 'ClusterOidcIssuer.fromProviderArn',
    ]));
  });
});
