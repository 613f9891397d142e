// What the renderers owe beyond "one link, one path": plain TCP survives beside HTTP rules, the
// dry-run report of an auditing workload answers as enforce would, and audit exempts only its pods.
import { App } from 'cdk8s';
import { LinkPort, ServiceLink, TransportProtocol, ZeroTrustMode, ZeroTrustNamespace, ZeroTrustWorkload } from '../../lib';
import { l4PodToPod, meshVerdict, MeshRequest, policiesOn, shadowVerdict } from '../edges/support/edge-eval';
import { KUBE_DNS, l7Allows, Pod, podFor } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { find, synthApp } from '../support/synth';

const PRINCIPAL = (sa: string) => `cluster.local/ns/shop/sa/${sa}`;
const podOf = (w: ZeroTrustWorkload, ports: number[], manifests: any[]): Pod => podFor(w.namespace, w.name, ports, manifests, w.podLabels);

describe('a plain TCP link and an HTTP link between one pair', () => {
  function build(httpPort: number) {
    const app = new App();
    const shop = new ZeroTrustNamespace(app, 'shop');
    const client = shop.addWorkload('client');
    const server = shop.addWorkload('server', { ports: [{ number: 5432, name: 'db' }, { number: 8080, name: 'http' }] });
    new ServiceLink(shop, 'wire', { from: client, to: server, ports: [LinkPort.tcp(5432)] });
    new ServiceLink(shop, 'api', { from: client, to: server, ports: [LinkPort.tcp(httpPort)], http: { methods: ['GET'], paths: ['/status'] } });
    const manifests = synthApp(app);
    return { manifests, client: podOf(client, [], manifests), server: podOf(server, [5432, 8080], manifests) };
  }

  test('on one port: raw TCP still passes (Istio drops a whole ALLOW rule with an HTTP field on its TCP chain)', () => {
    const { manifests, client, server } = build(5432);
    expect(l7Allows(manifests, client, server, { port: 5432 })).toBe(true);
    expect(l7Allows(manifests, client, server, { port: 5432, method: 'POST', path: '/anything' })).toBe(true);
    expect(l7Allows(manifests, client, server, { port: 8080 })).toBe(false);
    const other = { ...client, name: 'other', serviceAccount: 'other' };
    expect(l7Allows(manifests, other, server, { port: 5432 })).toBe(false);
  });

  test('on two ports: raw TCP on the TCP port, only the declared request on the HTTP port', () => {
    const { manifests, client, server } = build(8080);
    expect(l7Allows(manifests, client, server, { port: 5432 })).toBe(true);
    expect(l7Allows(manifests, client, server, { port: 8080 })).toBe(false);
    expect(l7Allows(manifests, client, server, { port: 8080, method: 'GET', path: '/status' })).toBe(true);
    expect(l7Allows(manifests, client, server, { port: 8080, method: 'POST', path: '/status' })).toBe(false);
    expect(l7Allows(manifests, client, server, { port: 8080, method: 'GET', path: '/admin' })).toBe(false);
  });

  test('the two operations land in separate rules of one policy, each for the client only', () => {
    const { manifests } = build(8080);
    const rules = find(manifests, 'AuthorizationPolicy', 'server-ingress').spec.rules;
    expect(rules).toEqual([
      { from: [{ source: { principals: [PRINCIPAL('client')] } }], to: [{ operation: { ports: ['5432'] } }] },
      { from: [{ source: { principals: [PRINCIPAL('client')] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'], paths: ['/status'] } }] },
    ]);
    expect(examineSchema(manifests)).toEqual([]);
  });
});

test('a server reached only over UDP: its AuthorizationPolicy exists from the declaration on, has no rule, and TCP stays closed', () => {
  // The protocol of a named port is known only at synth, so the policy exists for every inbound link;
  // an ALLOW policy without rules matches nothing, like the namespace's allow-nothing beside it.
  const app = new App();
  const shop = new ZeroTrustNamespace(app, 'shop');
  const dns = shop.addWorkload('dns', { ports: [{ number: 53, name: 'dns', protocol: TransportProtocol.UDP }] });
  const client = shop.addWorkload('client');
  dns.allowFrom(client, { ports: [LinkPort.named('dns')] });
  const manifests = synthApp(app);
  expect(find(manifests, 'AuthorizationPolicy', 'dns-ingress').spec).toEqual({
    action: 'ALLOW', rules: [], selector: { matchLabels: { 'app.kubernetes.io/name': 'dns' } },
  });
  expect(l7Allows(manifests, podOf(client, [], manifests), podOf(dns, [53], manifests), { port: 53 })).toBe(false);
  expect(l4PodToPod(manifests, podOf(client, [], manifests), { ...podOf(dns, [53], manifests) }, 53, 'UDP')).toBe(true);
});

describe('a workload auditing on its own reports exactly what enforce would deny', () => {
  /** The same declarations with the workload auditing, and with it enforcing (the twin the report must match). */
  function build(mode: ZeroTrustMode | undefined, withLink: boolean, namespaceMode?: ZeroTrustMode) {
    const app = new App();
    const shop = new ZeroTrustNamespace(app, 'shop', { mode: namespaceMode });
    shop.addWorkload('caller');
    const friend = shop.addWorkload('friend');
    const lonely = shop.addWorkload('lonely', { ports: [{ number: 8080, name: 'http' }, { number: 5432, name: 'db' }], mode });
    if (withLink) lonely.allowFrom(friend, { ports: [LinkPort.tcp(8080)], http: { methods: ['GET'], paths: ['/v1/*'] } });
    const manifests = synthApp(app);
    return { manifests, lonely: podOf(lonely, [8080, 5432], manifests) };
  }

  const requests: MeshRequest[] = [];
  for (const principal of [PRINCIPAL('caller'), PRINCIPAL('friend'), undefined]) {
    for (const port of [8080, 5432]) {
      requests.push({ principal, port });
      for (const [method, path] of [['GET', '/v1/x'], ['POST', '/v1/x'], ['GET', '/admin']]) requests.push({ principal, port, method, path });
    }
  }

  test.each([
    ['with no inbound link', false],
    ['with an inbound HTTP link', true],
  ])('%s: the dry-run verdict of every request equals the enforced verdict, and nothing is enforced', (_case, withLink) => {
    const auditing = build(ZeroTrustMode.AUDIT, withLink);
    const enforcing = build(undefined, withLink);
    for (const req of requests) {
      const enforced = meshVerdict(enforcing.manifests, enforcing.lonely, { ...req, principal: req.principal ?? PRINCIPAL('caller') });
      // Plaintext is refused by STRICT mTLS when enforcing; authorization is what the dry-run report covers.
      expect([req, shadowVerdict(auditing.manifests, auditing.lonely, { ...req, principal: req.principal ?? PRINCIPAL('caller') })])
        .toEqual([req, enforced]);
      expect(meshVerdict(auditing.manifests, auditing.lonely, req)).toBe(200);
    }
    // Spot checks of the report itself, independent of the twin.
    expect(shadowVerdict(auditing.manifests, auditing.lonely, { principal: PRINCIPAL('caller'), port: 8080, method: 'GET', path: '/v1/x' })).toBe(403);
    expect(shadowVerdict(auditing.manifests, auditing.lonely, { principal: PRINCIPAL('caller'), port: 5432 })).toBe(403);
    expect(shadowVerdict(auditing.manifests, auditing.lonely, { principal: PRINCIPAL('friend'), port: 8080, method: 'GET', path: '/v1/x' }))
      .toBe(withLink ? 200 : 403);
    expect(examineSchema(auditing.manifests)).toEqual([]);
  });

  test('without its dry-run allow-nothing the report would be empty (the evaluator is strict about it)', () => {
    const { manifests, lonely } = build(ZeroTrustMode.AUDIT, false);
    const withoutIt = manifests.filter(m => m.metadata.name !== 'lonely-audit-allow-nothing');
    expect(shadowVerdict(withoutIt, lonely, { principal: PRINCIPAL('caller'), port: 8080 })).toBe('unreported');
    expect(shadowVerdict(manifests, lonely, { principal: PRINCIPAL('caller'), port: 8080 })).toBe(403);
  });

  test('a whole namespace in audit mode reports what enforce would deny, for every workload', () => {
    const auditing = build(undefined, true, ZeroTrustMode.AUDIT);
    const enforcing = build(undefined, true);
    for (const req of requests) {
      const asEnforced = { ...req, principal: req.principal ?? PRINCIPAL('caller') };
      expect([req, shadowVerdict(auditing.manifests, auditing.lonely, asEnforced)])
        .toEqual([req, meshVerdict(enforcing.manifests, enforcing.lonely, asEnforced)]);
    }
  });
});

describe('audit exempts exactly the auditing workload\'s pods, never a label set others share', () => {
  const app = new App();
  const shop = new ZeroTrustNamespace(app, 'shop');
  // Disjoint selectors (app differs) that share `team: pay`: the label the old NotIn exemption leaked through.
  const audited = shop.addWorkload('audited', { podLabels: { team: 'pay', app: 'audited' }, ports: [{ number: 8080, name: 'http' }], mode: ZeroTrustMode.AUDIT });
  const y = shop.addWorkload('y', { podLabels: { team: 'pay', app: 'y' }, ports: [{ number: 8080, name: 'http' }] });
  const manifests = synthApp(app);
  const auditedPod = podOf(audited, [8080], manifests);
  const yPod = podOf(y, [8080], manifests);
  const stranger: Pod = { namespace: 'elsewhere', name: 'stranger', labels: { app: 'stranger' }, serviceAccount: 'stranger', ports: [{ port: 8080, protocol: 'TCP' }], sidecar: false };

  test('the auditing workload\'s labels carry the reserved audit label, which its pods must carry too', () => {
    expect(audited.podLabels).toEqual({ 'team': 'pay', 'app': 'audited', 'cdk8s-zero-trust/audit': 'audited' });
    expect(y.podLabels).toEqual({ team: 'pay', app: 'y' });
  });

  test('an enforced workload sharing the auditing one\'s labels keeps default-deny, DNS and istiod', () => {
    expect(policiesOn(manifests, yPod)).toEqual(['allow-dns', 'allow-istiod', 'default-deny']);
    expect(l4PodToPod(manifests, stranger, yPod, 8080)).toBe(false);
    expect(l4PodToPod(manifests, yPod, stranger, 8080)).toBe(false);
    expect(l4PodToPod(manifests, yPod, KUBE_DNS, 53, 'UDP')).toBe(true);
  });

  test('the auditing workload\'s pods are selected by no NetworkPolicy', () => {
    expect(policiesOn(manifests, auditedPod)).toEqual([]);
    expect(l4PodToPod(manifests, stranger, auditedPod, 8080)).toBe(true);
  });

  test('a pod carrying a stale audit label of a workload no longer auditing is selected again', () => {
    const stale: Pod = { ...yPod, labels: { ...yPod.labels, 'cdk8s-zero-trust/audit': 'y' } };
    expect(policiesOn(manifests, stale)).toEqual(['allow-dns', 'allow-istiod', 'default-deny']);
  });
});
