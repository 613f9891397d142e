import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { LinkPort, PodSecurityLevel, ServiceLink, ZeroTrustMode, ZeroTrustNamespace, ZeroTrustWorkload } from '../../lib';
import { synthApp } from '../support/synth';

/** A namespace with a client and a server, the setting of most cases. */
function setting() {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'production');
  const client = ns.addWorkload('checkout-api', { ports: [{ number: 8080, name: 'http' }] });
  const server = ns.addWorkload('payment-service', {
    ports: [{ number: 8080, name: 'http' }, { number: 8443, name: 'payments' }],
    servicePorts: [{ port: 443, targetPort: 8443 }],
  });
  return { app, ns, client, server };
}

const link = (ports: LinkPort[], http?: { methods?: string[]; paths?: string[] }) => () => {
  const { app, ns, client, server } = setting();
  new ServiceLink(ns, 'link', { from: client, to: server, ports, http });
  synthApp(app);
};

const cases: [string, () => void, string][] = [
  ['invalid namespace name', () => new ZeroTrustNamespace(new App(), 'Production'),
    '[Production] namespace name "Production" is not a valid DNS-1123 label. Fix: use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit.'],
  ['invalid workload name', () => setting().ns.addWorkload('payment_service'),
    '[production/payment_service] workload name "payment_service" is not a valid DNS-1123 label. Fix: use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit.'],
  ['invalid ServiceAccount name', () => setting().ns.addWorkload('billing', { serviceAccountName: 'Billing-SA' }),
    '[production/billing] ServiceAccount name "Billing-SA" is not a valid DNS-1123 label. Fix: use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit.'],
  ['port above 65535', link([LinkPort.tcp(70000)]),
    '[production/link] port 70000 is outside 1-65535. Fix: use a whole port number between 1 and 65535.'],
  ['port 0', link([LinkPort.udp(0)]),
    '[production/link] port 0 is outside 1-65535. Fix: use a whole port number between 1 and 65535.'],
  ['endPort below its port', link([LinkPort.tcpRange(9000, 8000)]),
    '[production/link] endPort 8000 is below its port 9000. Fix: use an endPort of at least 9000.'],
  ['unknown named port', link([LinkPort.named('grpc')]),
    '[production/link] port "grpc" is not a container port name of production/payment-service. Fix: use one of its port names (http, payments) or a port number.'],
  ['unknown Service port', link([LinkPort.service(8443)]),
    '[production/link] Service port 8443 is not a port of production/payment-service\'s Service. Fix: use one of its Service ports (443), or declare the Service on the workload.'],
  ['container port out of range', () => setting().ns.addWorkload('cache', { ports: [{ number: 99999 }] }),
    '[production/cache] container port 99999 is outside 1-65535. Fix: use a whole port number between 1 and 65535.'],
  ['duplicate workload', () => { const { ns } = setting(); new ZeroTrustWorkload(ns, 'again', { name: 'checkout-api' }); },
    '[production/again] workload "production/checkout-api" is already declared at production/checkout-api. Fix: declare each workload once and pass the same object to every link.'],
  ['duplicate link', () => {
    const { ns, client, server } = setting();
    server.allowFrom(client, { ports: [LinkPort.tcp(8080)] });
    new ServiceLink(ns, 'again', { from: client, to: server, ports: [LinkPort.tcp(8080)] });
  }, '[production/again] link production/checkout-api -> production/payment-service [tcp/8080] is already declared at production/payment-service/AllowFrom-production-checkout-api. Fix: remove the duplicate declaration.'],
  ['duplicate namespace', () => { const app = new App(); new ZeroTrustNamespace(app, 'a', { name: 'shop' }); new ZeroTrustNamespace(app, 'b', { name: 'shop' }); },
    '[b] namespace "shop" is already declared at a. Fix: declare each zero-trust namespace once and reuse the construct.'],
  ['unknown HTTP verb', link([LinkPort.tcp(8080)], { methods: ['FETCH'] }),
    '[production/link] http.methods has unknown verb "FETCH". Fix: use upper-case verbs from CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE.'],
  ['lower-case HTTP verb', link([LinkPort.tcp(8080)], { methods: ['post'] }),
    '[production/link] http.methods has unknown verb "post" (methods are case-sensitive: "POST"). Fix: use upper-case verbs from CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE.'],
  ['path without a leading slash', link([LinkPort.tcp(8080)], { paths: ['v1/charges'] }),
    '[production/link] http.paths has "v1/charges", which is not an exact, prefix or suffix path. Fix: start the path with "/" (exact "/v1/charges" or prefix "/orders/*"), or use a suffix such as "*.json"; "*" alone is refused because it matches every path.'],
  ['path matching everything', link([LinkPort.tcp(8080)], { paths: ['*'] }),
    '[production/link] http.paths has "*", which is not an exact, prefix or suffix path. Fix: start the path with "/" (exact "/v1/charges" or prefix "/orders/*"), or use a suffix such as "*.json"; "*" alone is refused because it matches every path.'],
  ['prefix path "/*", which matches every path', link([LinkPort.tcp(8080)], { methods: ['GET'], paths: ['/v1/charges', '/*'] }),
    '[production/link] http.paths has "/*", which matches every path like "*". Fix: list the path prefixes the client calls (e.g. "/orders/*"), or omit "paths" if it may call any path.'],
  ['wildcard inside a path', link([LinkPort.tcp(8080)], { paths: ['/orders/*/items'] }),
    '[production/link] http.paths has "/orders/*/items", which is not an exact, prefix or suffix path. Fix: start the path with "/" (exact "/v1/charges" or prefix "/orders/*"), or use a suffix such as "*.json"; "*" alone is refused because it matches every path.'],
  ['empty method list', link([LinkPort.tcp(8080)], { methods: [] }),
    '[production/link] http.methods is an empty list. Fix: list at least one method, or omit "methods" to allow any method.'],
  ['HTTP rules on a UDP port', link([LinkPort.udpRange(5000, 5001)], { methods: ['GET'] }),
    '[production/link] HTTP rules are set but port UDP/5000-5001 is not TCP. Fix: use TCP ports with http, or drop http for UDP ports.'],
  ['a pod port the server does not listen on, where its Service has that port', () => {
    const { app, ns, client } = setting();
    const web = ns.addWorkload('web', { ports: [{ number: 8080, name: 'http' }], servicePorts: [{ port: 80, targetPort: 8080 }] });
    web.allowFrom(client, { ports: [LinkPort.tcp(80)] });
    synthApp(app);
  }, '[production/web/AllowFrom-production-checkout-api] port TCP/80 is not a container port of production/web, so the link would open a port its pods do not listen on. Fix: use LinkPort.service(80), which the Service forwards to pod port 8080.'],
  ['a pod port the server does not listen on', link([LinkPort.tcp(9090)]),
    '[production/link] port TCP/9090 is not a container port of production/payment-service, so the link would open a port its pods do not listen on. Fix: use one of its container ports (TCP/8080, TCP/8443), or declare the port on the workload.'],
  ['a UDP pod port where the server listens on TCP only', link([LinkPort.udp(8080)]),
    '[production/link] port UDP/8080 is not a container port of production/payment-service, so the link would open a port its pods do not listen on. Fix: use one of its container ports (TCP/8080, TCP/8443), or declare the port on the workload.'],
  ['a Service port that forwards to no container port', () => {
    const { app, ns, client } = setting();
    const web = ns.addWorkload('web', { ports: [{ number: 8080, name: 'http' }], servicePorts: [{ port: 80, targetPort: 9000 }] });
    web.allowFrom(client, { ports: [LinkPort.service(80)] });
    synthApp(app);
  }, '[production/web/AllowFrom-production-checkout-api] Service port 80 of production/web forwards to pod port TCP/9000, which is not one of its container ports (TCP/8080). Fix: point the Service port at a container port, or declare the container port on the workload.'],
  ['a Service port declared twice', () => setting().ns.addWorkload('web', { ports: [{ number: 8080 }, { number: 9090 }], servicePorts: [{ port: 80, targetPort: 8080 }, { port: 80, targetPort: 9090 }] }),
    '[production/web] Service port TCP/80 of production/web is declared twice, so it is ambiguous which pod port it forwards to. Fix: declare each Service port and protocol once (across every Service passed to the workload).'],
  ['an adopted Service port declared twice across two Services', () => {
    const { app, ns, client } = setting();
    const api = new kplus.Deployment(ns, 'api', { metadata: { name: 'api' }, containers: [{ image: 'api', ports: [{ number: 8080 }, { number: 9090 }] }] });
    const a = new kplus.Service(ns, 'api-a', { metadata: { name: 'api-a' }, ports: [{ port: 80, targetPort: 8080 }] });
    const b = new kplus.Service(ns, 'api-b', { metadata: { name: 'api-b' }, ports: [{ port: 80, targetPort: 9090 }] });
    ns.adopt(api, { services: [a, b] }).allowFrom(client, { ports: [LinkPort.service(80)] });
    synthApp(app);
  }, '[production/api/ZeroTrustWorkload] Service port TCP/80 of production/api is declared twice, so it is ambiguous which pod port it forwards to. Fix: declare each Service port and protocol once (across every Service passed to the workload).'],
  ['link with no ports (would admit every port)', link([]),
    '[production/link] link production/checkout-api -> production/payment-service has no ports, which would admit every port. Fix: list the ports the client calls, e.g. ports: [LinkPort.tcp(8080)].'],
  ['empty pod labels (would admit every source)', () => {
    const { ns } = setting();
    ZeroTrustWorkload.fromAttributes(ns, 'everyone', { name: 'everyone', namespace: 'other', serviceAccountName: 'x', podLabels: {} });
  }, '[production/everyone] podLabels is empty, which would select every pod in the namespace. Fix: give at least one label that only this workload\'s pods carry.'],
  ['link end that is not a zero-trust workload', () => {
    const { app, server } = setting();
    const chart = new Chart(app, 'plain', { namespace: 'legacy' });
    const legacy = new kplus.Deployment(chart, 'legacy', { containers: [{ image: 'legacy' }] });
    new ServiceLink(chart, 'link', { from: legacy as any, to: server, ports: [LinkPort.tcp(8080)] });
  }, '[plain/link] "from" (plain/legacy) is not a workload of a zero-trust namespace and has no explicit attributes. Fix: adopt it with zeroTrustNamespace.adopt(deployment), declare it with addWorkload(), or reference it with ZeroTrustWorkload.fromAttributes().'],
  ['link between two workloads outside the app\'s zero-trust namespaces', () => {
    const { ns } = setting();
    const a = ZeroTrustWorkload.fromAttributes(ns, 'a', { name: 'a', namespace: 'team-a', serviceAccountName: 'a', podLabels: { app: 'a' } });
    const b = ZeroTrustWorkload.fromAttributes(ns, 'b', { name: 'b', namespace: 'team-b', serviceAccountName: 'b', podLabels: { app: 'b' } });
    new ServiceLink(ns, 'link', { from: a, to: b, ports: [LinkPort.tcp(80)] });
  }, '[production/link] neither team-a/a nor team-b/b is in a zero-trust namespace of this app, so the link would emit nothing. Fix: declare at least one end with zeroTrustNamespace.addWorkload() or adopt().'],
  ['workload referenced by attributes inside a zero-trust namespace of the app', () => {
    const { app, ns, client } = setting();
    const ghost = ZeroTrustWorkload.fromAttributes(ns, 'ghost', { name: 'ledger', namespace: 'production', serviceAccountName: 'ledger', podLabels: { app: 'ledger' } });
    new ServiceLink(ns, 'link', { from: client, to: ghost, ports: [LinkPort.tcp(80)] });
    synthApp(app);
  }, '[production/link] production/ledger is referenced by attributes, but namespace "production" is a zero-trust namespace of this app, so its side of the link would never open. Fix: declare the workload with addWorkload() or adopt() on the "production" ZeroTrustNamespace.'],
  ['TCP range too large for Istio authorization', link([LinkPort.tcpRange(1000, 2000)]),
    '[production/link] TCP port range 1000-2000 has more than 100 ports, which Istio authorization would have to list one by one. Fix: split the range, or use at most 100 ports.'],
  ['unknown mode', () => new ZeroTrustNamespace(new App(), 'production', { mode: 'dry-run' as ZeroTrustMode }),
    '[production] mode "dry-run" is unknown. Fix: use ZeroTrustMode.ENFORCE or ZeroTrustMode.AUDIT.'],
  ['invalid trust domain', () => new ZeroTrustNamespace(new App(), 'production', { trustDomain: 'spiffe://Corp' }),
    '[production] trust domain "spiffe://Corp" is not a valid SPIFFE trust domain. Fix: use lower-case letters, digits, "-" and "." only, for example "cluster.local".'],
  ['pod labels that are a superset of another workload\'s', () => {
    const { app } = setting();
    const shop = new ZeroTrustNamespace(app, 'shop');
    shop.addWorkload('x', { podLabels: { app: 'x' } });
    shop.addWorkload('y', { podLabels: { app: 'x', tier: 'db' } });
    synthApp(app);
  },
  '[shop/y] pod labels {app: x, tier: db} of shop/y may select the same pods as {app: x} of shop/x (at shop/x): no label key has a different value in both, so the policies of either would also admit traffic to and from the other\'s pods. Fix: give each workload of namespace "shop" a label key with its own value (for example app.kubernetes.io/name: y); to run several Deployments under one identity, adopt them into one workload (workload.adopt(deployment)).'],
  ['identical pod labels', () => {
    const { app } = setting();
    const shop = new ZeroTrustNamespace(app, 'shop');
    shop.addWorkload('x', { podLabels: { app: 'shop' } });
    shop.addWorkload('y', { podLabels: { app: 'shop' } });
    synthApp(app);
  },
  '[shop/y] pod labels {app: shop} of shop/y may select the same pods as {app: shop} of shop/x (at shop/x): no label key has a different value in both, so the policies of either would also admit traffic to and from the other\'s pods. Fix: give each workload of namespace "shop" a label key with its own value (for example app.kubernetes.io/name: y); to run several Deployments under one identity, adopt them into one workload (workload.adopt(deployment)).'],
  ['pod labels equal to another workload\'s default label', () => {
    const { app, ns } = setting();
    ns.addWorkload('ledger', { podLabels: { 'app.kubernetes.io/name': 'checkout-api' } });
    synthApp(app);
  },
  '[production/ledger] pod labels {app.kubernetes.io/name: checkout-api} of production/ledger may select the same pods as {app.kubernetes.io/name: checkout-api} of production/checkout-api (at production/checkout-api): no label key has a different value in both, so the policies of either would also admit traffic to and from the other\'s pods. Fix: give each workload of namespace "production" a label key with its own value (for example app.kubernetes.io/name: ledger); to run several Deployments under one identity, adopt them into one workload (workload.adopt(deployment)).'],
  ['pod labels with no key in common (a pod may carry both)', () => {
    const { app } = setting();
    const shop = new ZeroTrustNamespace(app, 'shop');
    shop.addWorkload('x', { podLabels: { app: 'x' } });
    shop.addWorkload('y', { podLabels: { team: 'pay' } });
    synthApp(app);
  },
  '[shop/y] pod labels {team: pay} of shop/y may select the same pods as {app: x} of shop/x (at shop/x): no label key has a different value in both, so the policies of either would also admit traffic to and from the other\'s pods. Fix: give each workload of namespace "shop" a label key with its own value (for example app.kubernetes.io/name: y); to run several Deployments under one identity, adopt them into one workload (workload.adopt(deployment)).'],
  ['overlapping workloads referenced by attributes in one namespace', () => {
    const { app, ns, client } = setting();
    const billing = ZeroTrustWorkload.fromAttributes(ns, 'billing', { name: 'billing', namespace: 'finance', serviceAccountName: 'billing', podLabels: { app: 'billing' } });
    ZeroTrustWorkload.fromAttributes(ns, 'billing-admin', { name: 'billing-admin', namespace: 'finance', serviceAccountName: 'billing-admin', podLabels: { app: 'billing', role: 'admin' } });
    new ServiceLink(ns, 'link', { from: client, to: billing, ports: [LinkPort.tcp(443)] });
    synthApp(app);
  },
  '[production/billing-admin] pod labels {app: billing, role: admin} of finance/billing-admin may select the same pods as {app: billing} of finance/billing (at production/billing): no label key has a different value in both, so the policies of either would also admit traffic to and from the other\'s pods. Fix: give each workload of namespace "finance" a label key with its own value (for example app.kubernetes.io/name: billing-admin); to run several Deployments under one identity, adopt them into one workload (workload.adopt(deployment)).'],
  ['two workloads under one ServiceAccount', () => {
    const { ns } = setting();
    ns.addWorkload('reviews-v1', { serviceAccountName: 'bookinfo-reviews' });
    ns.addWorkload('reviews-v2', { serviceAccountName: 'bookinfo-reviews' });
  },
  '[production/reviews-v2] ServiceAccount "bookinfo-reviews" is already the identity of production/reviews-v1 (at production/reviews-v1), so both workloads would share one principal and L7 could not tell them apart. Fix: to run several Deployments under one identity, declare the workload once and adopt each Deployment into it (workload.adopt(deployment)); otherwise give each workload its own serviceAccountName.'],
  ['two workloads referenced by attributes under one ServiceAccount', () => {
    const { app, ns, client } = setting();
    const billing = ZeroTrustWorkload.fromAttributes(ns, 'billing', { name: 'billing', namespace: 'finance', serviceAccountName: 'finance', podLabels: { app: 'billing' } });
    ZeroTrustWorkload.fromAttributes(ns, 'ledger', { name: 'ledger', namespace: 'finance', serviceAccountName: 'finance', podLabels: { app: 'ledger' } });
    new ServiceLink(ns, 'link', { from: billing, to: client, ports: [LinkPort.tcp(8080)] });
    synthApp(app);
  },
  '[production/ledger] ServiceAccount "finance" is already the identity of finance/billing (at production/billing), so both workloads would share one principal and L7 could not tell them apart. Fix: to run several Deployments under one identity, declare the workload once and adopt each Deployment into it (workload.adopt(deployment)); otherwise give each workload its own serviceAccountName.'],
  ['two adopted Deployments sharing one ServiceAccount object', () => {
    const { ns } = setting();
    const sa = new kplus.ServiceAccount(ns, 'sa', { metadata: { name: 'bookinfo-reviews' }, automountToken: false });
    for (const v of ['v1', 'v2']) ns.adopt(new kplus.Deployment(ns, `reviews-${v}`, { metadata: { name: `reviews-${v}` }, serviceAccount: sa, containers: [{ image: 'reviews' }] }));
  },
  '[production/reviews-v2/ZeroTrustWorkload] ServiceAccount "bookinfo-reviews" is already the identity of production/reviews-v1 (at production/reviews-v1/ZeroTrustWorkload), so both workloads would share one principal and L7 could not tell them apart. Fix: to run several Deployments under one identity, declare the workload once and adopt each Deployment into it (workload.adopt(deployment)); otherwise give each workload its own serviceAccountName.'],
  ['adopting into an identity a Deployment with another ServiceAccount', () => {
    const { ns, server } = setting();
    const sa = new kplus.ServiceAccount(ns, 'sa', { metadata: { name: 'legacy' }, automountToken: false });
    server.adopt(new kplus.Deployment(ns, 'payments-canary', { metadata: { name: 'payments-canary' }, serviceAccount: sa, containers: [{ image: 'payments' }] }));
  },
  '[production/payments-canary] the workload already runs under ServiceAccount "legacy", not under the identity production/payment-service\'s ServiceAccount "payment-service". Fix: create the workload without a serviceAccount (adopting sets it), or with the identity\'s own ServiceAccount object (production/payment-service).'],
  ['adopting one Deployment into two identities', () => {
    const { ns, server } = setting();
    const d = new kplus.Deployment(ns, 'payments-v2', { metadata: { name: 'payments-v2' }, containers: [{ image: 'payments' }] });
    server.adopt(d);
    ns.adopt(d, { name: 'payments-v2' });
  },
  '[production/payments-v2] the workload is already adopted into production/payment-service. Fix: adopt each workload once; to run it beside others under one identity, adopt it only into that identity (workload.adopt(deployment)).'],
  ['adopted Deployments whose named ports disagree', () => {
    const { app, ns } = setting();
    const v1 = new kplus.Deployment(ns, 'reviews-v1', { metadata: { name: 'reviews-v1' }, containers: [{ image: 'reviews', ports: [{ number: 9080, name: 'http' }] }] });
    const reviews = ns.adopt(v1, { name: 'reviews' });
    reviews.adopt(new kplus.Deployment(ns, 'reviews-v2', { metadata: { name: 'reviews-v2' }, containers: [{ image: 'reviews', ports: [{ number: 9081, name: 'http' }] }] }));
    synthApp(app);
  },
  '[production/reviews-v1/ZeroTrustWorkload] container port name "http" is used twice (TCP/9080 and TCP/9081). Fix: give each container port a distinct name; Deployments adopted into one identity must agree on what each port name means.'],
  ['adopting a workload of another chart', () => {
    const { app, ns } = setting();
    const other = new Chart(app, 'other', { namespace: 'legacy' });
    ns.adopt(new kplus.Deployment(other, 'web', { containers: [{ image: 'web' }] }));
  }, '[other/web] the workload is in chart "other" (namespace "legacy"), not in zero-trust namespace "production". Fix: create it with the ZeroTrustNamespace "production" as its scope.'],
  ['adopting a workload with no metadata.name whose construct id is no DNS-1123 label', () => {
    const { ns } = setting();
    ns.adopt(new kplus.Deployment(ns, 'ProductPage', { containers: [{ image: 'productpage' }] }));
  }, '[production/ProductPage] the workload has no metadata.name and its construct id "ProductPage" is not a DNS-1123 label, so its identity would be named after the generated "production-productpage-c8e3561f", which changes whenever the construct tree moves. Fix: set metadata.name on the workload, or pass adopt(workload, { name: \'<name>\' }).'],
  ['adopting a workload that mounts its token', () => {
    const { ns } = setting();
    ns.adopt(new kplus.Deployment(ns, 'web', { containers: [{ image: 'web' }], automountServiceAccountToken: true }));
  }, '[production/web] the workload mounts its ServiceAccount token (automountServiceAccountToken: true). Fix: set automountServiceAccountToken: false; mount a projected token with an audience if the app needs one.'],
  ['FILE_PER_RESOURCE with two zero-trust namespaces (their same-named policies would overwrite each other)', () => {
    const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    new ZeroTrustNamespace(app, 'production');
    new ZeroTrustNamespace(app, 'risk');
    synthApp(app);
  }, '[risk] YamlOutputType.FILE_PER_RESOURCE writes every object to one folder as <kind>.<name>.k8s.yaml, so the same-named policies of namespaces "production" and "risk" would overwrite each other and leave a namespace without its default-deny. Fix: use YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE (one folder per namespace) or FILE_PER_CHART.'],
  ['adopting a workload whose pods carry the reserved audit label', () => {
    const { ns } = setting();
    const web = new kplus.Deployment(ns, 'web', { containers: [{ image: 'web' }], automountServiceAccountToken: false });
    web.podMetadata.addLabel('cdk8s-zero-trust/audit', 'web');
    ns.adopt(web);
  }, '[production/web] label "cdk8s-zero-trust/audit" is reserved: the library puts it on the pods of workloads auditing on their own, and the namespace\'s default-deny leaves those pods out. Fix: remove "cdk8s-zero-trust/audit" from the labels; to audit this workload, set mode: ZeroTrustMode.AUDIT.'],
];

/** §6 of issue 8: inputs that used to crash or be misread, and pods the namespace's Pod Security level would reject. */
const web = (ns: ZeroTrustNamespace, container: Partial<kplus.ContainerProps> = {}, pod: Partial<kplus.DeploymentProps> = {}) =>
  new kplus.Deployment(ns, 'web', { metadata: { name: 'web' }, ...pod, containers: [{ image: 'web', ...container }] });

const moreCases: [string, () => void, string][] = [
  ['container ports that are not a list (was "TypeError: ports is not iterable")', () => setting().ns.addWorkload('cache', { ports: { number: 6379 } as any }),
    '[production/cache] ports must be an array, but it is an object {"number":6379}. Fix: pass a list of container ports, e.g. ports: [{ number: 8080, name: "http" }].'],
  ['HTTP methods as one string (was reported as verb "G")', link([LinkPort.tcp(8080)], { methods: 'GET' as any }),
    '[production/link] http.methods must be an array, but it is the string "GET". Fix: list the methods, e.g. methods: ["GET"].'],
  ['a port given as a string (was "8080 is outside 1-65535")', link([LinkPort.tcp('8080' as any)]),
    '[production/link] port must be a number, but it is the string "8080". Fix: pass the number 8080, without quotes.'],
  ['an empty workload name', () => setting().ns.addWorkload(''),
    '[production] workload name is empty. Fix: give a workload name of 1 to 63 lower-case letters, digits and "-", e.g. "payment-service".'],
  ['adopting the same Deployment twice', () => { const { ns } = setting(); const d = web(ns); ns.adopt(d); ns.adopt(d); },
    '[production/web] the workload is already adopted into production/web. Fix: adopt each workload once; to run it beside others under one identity, adopt it only into that identity (workload.adopt(deployment)).'],
  ['a plain object as a link end (was "[object Object]")', () => { const { ns, server } = setting(); new ServiceLink(ns, 'link', { from: { name: 'x' } as any, to: server, ports: [LinkPort.tcp(8080)] }); },
    '[production/link] "from" (an object {"name":"x"}) is not a workload of a zero-trust namespace and has no explicit attributes. Fix: adopt it with zeroTrustNamespace.adopt(deployment), declare it with addWorkload(), or reference it with ZeroTrustWorkload.fromAttributes().'],
  ['a link to a workload of another App', () => { const { ns, server } = setting(); new ServiceLink(ns, 'link', { from: setting().client, to: server, ports: [LinkPort.tcp(8080)] }); },
    '[production/link] "from" (production/checkout-api) belongs to another cdk8s App, whose namespaces never see this link, so only one side of it would open. Fix: declare both workloads in one App, or reference the other app\'s workload in this one with ZeroTrustWorkload.fromAttributes().'],
  ['allowFrom a workload of another App', () => setting().server.allowFrom(setting().client, { ports: [LinkPort.tcp(8080)] }),
    '[production/payment-service] "client" (production/checkout-api) belongs to another cdk8s App, whose namespaces never see this link, so only one side of it would open. Fix: declare both workloads in one App, or reference the other app\'s workload in this one with ZeroTrustWorkload.fromAttributes().'],
  ['a namespace label istio-injection (the library sets it)', () => new ZeroTrustNamespace(new App(), 'production', { labels: { 'istio-injection': 'disabled' } }),
    '[production] labels sets "istio-injection: disabled", which the library sets itself (sidecar injection is what makes the namespace\'s Istio policies apply). Fix: remove it from labels; to inject a specific revision use controlPlane: { revision: "<revision>" } (labels the namespace istio.io/rev), otherwise the namespace gets istio-injection: enabled.'],
  ['a namespace label istio.io/rev (the library sets it)', () => new ZeroTrustNamespace(new App(), 'production', { labels: { 'istio.io/rev': 'canary' } }),
    '[production] labels sets "istio.io/rev: canary", which the library sets itself (sidecar injection is what makes the namespace\'s Istio policies apply). Fix: remove it from labels; to inject a specific revision use controlPlane: { revision: "<revision>" } (labels the namespace istio.io/rev), otherwise the namespace gets istio-injection: enabled.'],
  ['a namespace label istio.io/dataplane-mode (the library sets it from dataPlane)', () => new ZeroTrustNamespace(new App(), 'production', { labels: { 'istio.io/dataplane-mode': 'ambient' } }),
    '[production] labels sets "istio.io/dataplane-mode: ambient", which the library sets itself from the dataPlane option (the data plane decides which policies enforce the namespace). Fix: remove it from labels; to run the namespace in ambient mode set dataPlane: DataPlane.AMBIENT.'],
  ['a namespace label pod-security.kubernetes.io/enforce (the library sets it)', () => new ZeroTrustNamespace(new App(), 'production', { labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } }),
    '[production] labels sets "pod-security.kubernetes.io/enforce: baseline", which the library sets itself from the podSecurity option. Fix: remove it from labels and set podSecurity: PodSecurityLevel.BASELINE instead.'],
  ['a Pod Security warn label with an unknown level', () => new ZeroTrustNamespace(new App(), 'production', { labels: { 'pod-security.kubernetes.io/warn': 'strict' } }),
    '[production] labels sets "pod-security.kubernetes.io/warn: strict", which is not a Pod Security level. Fix: use "privileged", "baseline" or "restricted".'],
  ['an unknown podSecurity level', () => new ZeroTrustNamespace(new App(), 'production', { podSecurity: 'strict' as any }),
    '[production] podSecurity "strict" is unknown. Fix: use PodSecurityLevel.RESTRICTED, PodSecurityLevel.BASELINE or PodSecurityLevel.PRIVILEGED.'],
  ['adopting a privileged container into a restricted namespace', () => { const { ns } = setting(); ns.adopt(web(ns, { securityContext: { privileged: true } })); },
    '[production/web] its pods break Pod Security "restricted", which the namespace enforces: container "main" securityContext.privileged: true (control "Privileged Containers"). Fix: set privileged: false; or, if the workload truly needs it, run it in a namespace with podSecurity: PodSecurityLevel.PRIVILEGED.'],
  ['adopting a container that adds NET_ADMIN', () => { const { ns } = setting(); ns.adopt(web(ns, { securityContext: { capabilities: { add: [kplus.Capability.NET_ADMIN] } } })); },
    '[production/web] its pods break Pod Security "restricted", which the namespace enforces: container "main" adds capability NET_ADMIN (control "Capabilities"). Fix: remove NET_ADMIN from capabilities.add; or, if the workload truly needs it, run it in a namespace with podSecurity: PodSecurityLevel.PRIVILEGED.'],
  ['adopting a pod on the host network', () => { const { ns } = setting(); ns.adopt(web(ns, {}, { hostNetwork: true })); },
    '[production/web] its pods break Pod Security "restricted", which the namespace enforces: hostNetwork: true (control "Host Namespaces"). Fix: remove hostNetwork (or set it to false): pods share no namespace with the node; or, if the workload truly needs it, run it in a namespace with podSecurity: PodSecurityLevel.PRIVILEGED.'],
  ['adopting a container that allows privilege escalation', () => { const { ns } = setting(); ns.adopt(web(ns, { securityContext: { allowPrivilegeEscalation: true } })); },
    '[production/web] its pods break Pod Security "restricted", which the namespace enforces: container "main" securityContext.allowPrivilegeEscalation: true (control "Privilege Escalation"). Fix: set allowPrivilegeEscalation: false; or, if the workload truly needs it, run it in a namespace with podSecurity: PodSecurityLevel.BASELINE.'],
  ['adopting a container with runAsNonRoot: false', () => { const { ns } = setting(); ns.adopt(web(ns, { securityContext: { ensureNonRoot: false } })); },
    '[production/web] its pods break Pod Security "restricted", which the namespace enforces: container "main" securityContext.runAsNonRoot: false (control "Running as Non-root"). Fix: set ensureNonRoot: true (runAsNonRoot) and run the image as a non-zero user; or, if the workload truly needs it, run it in a namespace with podSecurity: PodSecurityLevel.BASELINE.'],
  ['adopting a container that runs as user 0', () => { const { ns } = setting(); ns.adopt(web(ns, { securityContext: { user: 0 } })); },
    '[production/web] its pods break Pod Security "restricted", which the namespace enforces: container "main" securityContext.runAsUser: 0 (control "Running as Non-root user"). Fix: run as a non-zero user id, e.g. user: 10001; or, if the workload truly needs it, run it in a namespace with podSecurity: PodSecurityLevel.BASELINE.'],
  ['adopting a container whose explicit drop list lacks ALL', () => { const { ns } = setting(); ns.adopt(web(ns, { securityContext: { capabilities: { drop: [kplus.Capability.NET_RAW] } } })); },
    '[production/web] its pods break Pod Security "restricted", which the namespace enforces: container "main" does not drop ALL capabilities (drop: ["NET_RAW"]) (control "Capabilities"). Fix: add Capability.ALL to capabilities.drop; or, if the workload truly needs it, run it in a namespace with podSecurity: PodSecurityLevel.BASELINE.'],
  ['adopting a privileged container into a baseline namespace', () => { const ns = new ZeroTrustNamespace(new App(), 'production', { podSecurity: PodSecurityLevel.BASELINE }); ns.adopt(web(ns, { securityContext: { privileged: true } })); },
    '[production/web] its pods break Pod Security "baseline", which the namespace enforces: container "main" securityContext.privileged: true (control "Privileged Containers"). Fix: set privileged: false; or, if the workload truly needs it, run it in a namespace with podSecurity: PodSecurityLevel.PRIVILEGED.'],
];

describe('bad input is refused with the construct path, the value and the fix', () => {
  test.each([...cases, ...moreCases])('%s', (_name, run, message) => {
    expect(run).toThrow(message);
    // Refused at declaration, or at synth, where cdk8s lists every validation error (here exactly one).
    try { run(); } catch (e) { expect([message, `Validation failed with the following errors:\n  ${message}`]).toContain((e as Error).message); }
  });

  test('a refused app writes no manifest at all, and cdk8s reports the problem with the path', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-'));
    const app = new App({ outdir });
    const ns = new ZeroTrustNamespace(app, 'production');
    const server = ns.addWorkload('payment-service', { ports: [{ number: 8080, name: 'http' }] });
    new ServiceLink(ns, 'bad', { from: ns.addWorkload('checkout-api'), to: server, ports: [LinkPort.named('grpc')] });
    new ZeroTrustNamespace(app, 'risk');
    expect(() => app.synth()).toThrow('Validation failed with the following errors:\n  [production/bad] port "grpc" is not a container port name of production/payment-service. Fix: use one of its port names (http) or a port number.');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('overlapping selectors stop app.synth() before any file is written, each pair reported once', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-'));
    const app = new App({ outdir });
    const shop = new ZeroTrustNamespace(app, 'shop');
    shop.addWorkload('x', { podLabels: { app: 'x' } });
    shop.addWorkload('y', { podLabels: { app: 'x', tier: 'db' } });
    shop.addWorkload('z', { podLabels: { app: 'z' } });
    let message = '';
    try { app.synth(); } catch (e) { message = (e as Error).message; }
    expect(message.split('\n').filter(l => l.startsWith('  ['))).toEqual([
      '  [shop/y] pod labels {app: x, tier: db} of shop/y may select the same pods as {app: x} of shop/x (at shop/x): no label key has a different value in both, so the policies of either would also admit traffic to and from the other\'s pods. Fix: give each workload of namespace "shop" a label key with its own value (for example app.kubernetes.io/name: y); to run several Deployments under one identity, adopt them into one workload (workload.adopt(deployment)).',
    ]);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('a container added after adopt() that breaks Pod Security is refused at synth, before any file is written', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-'));
    const app = new App({ outdir });
    const ns = new ZeroTrustNamespace(app, 'production');
    const deployment = web(ns);
    ns.adopt(deployment);
    deployment.addContainer({ name: 'debug', image: 'debug', securityContext: { privileged: true } });
    expect(() => app.synth()).toThrow('Validation failed with the following errors:\n  [production/web/ZeroTrustWorkload] its pods break Pod Security "restricted", which the namespace enforces: container "debug" securityContext.privileged: true (control "Privileged Containers"). Fix: set privileged: false; or, if the workload truly needs it, run it in a namespace with podSecurity: PodSecurityLevel.PRIVILEGED.');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

});
