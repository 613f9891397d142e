import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
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
  ['wildcard inside a path', link([LinkPort.tcp(8080)], { paths: ['/orders/*/items'] }),
    '[production/link] http.paths has "/orders/*/items", which is not an exact, prefix or suffix path. Fix: start the path with "/" (exact "/v1/charges" or prefix "/orders/*"), or use a suffix such as "*.json"; "*" alone is refused because it matches every path.'],
  ['empty method list', link([LinkPort.tcp(8080)], { methods: [] }),
    '[production/link] http.methods is an empty list. Fix: list at least one method, or omit "methods" to allow any method.'],
  ['HTTP rules on a UDP port', link([LinkPort.udp(8080)], { methods: ['GET'] }),
    '[production/link] HTTP rules are set but port UDP/8080 is not TCP. Fix: use TCP ports with http, or drop http for UDP ports.'],
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
  ['adopting a workload of another chart', () => {
    const { app, ns } = setting();
    const other = new Chart(app, 'other', { namespace: 'legacy' });
    ns.adopt(new kplus.Deployment(other, 'web', { containers: [{ image: 'web' }] }));
  }, '[other/web] the workload is in chart "other" (namespace "legacy"), not in zero-trust namespace "production". Fix: create it with the ZeroTrustNamespace "production" as its scope.'],
  ['adopting a workload that mounts its token', () => {
    const { ns } = setting();
    ns.adopt(new kplus.Deployment(ns, 'web', { containers: [{ image: 'web' }], automountServiceAccountToken: true }));
  }, '[production/web] the workload mounts its ServiceAccount token (automountServiceAccountToken: true). Fix: set automountServiceAccountToken: false; mount a projected token with an audience if the app needs one.'],
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
    '[production/web] the workload is already adopted (as production/web/ZeroTrustWorkload). Fix: adopt it once and reuse the ZeroTrustWorkload that the first adopt() returned.'],
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
    try { run(); } catch (e) { expect((e as Error).message).toBe(message); }
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
