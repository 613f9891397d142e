// Issue 9's "done when": the internet's way in (the Istio ingress gateway) shows in reach and in
// the access diff, and the identity-aware entry point of examples/edges is provable with a token.
import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { referenceApp, writeAppYaml } from './support/app-yaml';
import { authorizationPolicy, networkPolicy, workload } from './support/objects';
import { edgesExample, EXAMPLE_ISSUER } from '../../examples/edges/edges';
import { Reachability } from '../../lib';
import { EXIT_OK, EXIT_POLICY_FAILURE, EXIT_USAGE, runCli } from '../../lib/cli/program';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; } });
  return { code, out, err };
}

const GATEWAY = 'istio-system/istio-ingressgateway';
const GATEWAY_PRINCIPAL = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';

/** The change of the issue's report: open production/frontend to the ingress gateway on its pod port 8080, at both layers. */
const openFrontend = [
  networkPolicy('production', 'frontend-from-gateway', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } },
    policyTypes: ['Ingress'],
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { istio: 'ingressgateway' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }],
  }),
  authorizationPolicy('production', 'frontend-from-gateway', {
    selector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: [GATEWAY_PRINCIPAL] } }], to: [{ operation: { ports: ['8080'] } }] }],
  }),
];

const base = writeAppYaml(referenceApp().app, 'gw-base');
const head = writeAppYaml(referenceApp().app, 'gw-head');
fs.writeFileSync(path.join(head, 'frontend-from-gateway.yaml'), Yaml.stringify(...openFrontend));

describe('the ingress gateway is assumed, so a route from the internet is never silent', () => {
  test('reach on the reference scenario plus a policy admitting the gateway lists the gateway path', async () => {
    const { code, out } = await cli('reach', head, '-o', 'json');
    expect(code).toBe(EXIT_OK);
    const json = JSON.parse(out);
    expect(json.allowed.filter((l: string) => l.startsWith(GATEWAY))).toEqual([`${GATEWAY} -> production/frontend tcp/8080`]);
    const text = (await cli('reach', head)).out;
    expect(text).toMatch(/istio-system\/istio-ingressgateway\s+tcp\/8080\s+any\s+production\/frontend/);
    // Without the change the gateway reaches nothing.
    expect(JSON.parse((await cli('reach', base, '-o', 'json')).out).allowed.filter((l: string) => l.startsWith(GATEWAY))).toEqual([]);
  });

  test('the same change as a diff exits 1 with --fail-on-new-access and shows exactly that path', async () => {
    const failing = await cli('diff', '--base', base, '--head', head, '--fail-on-new-access', '-o', 'json');
    expect(failing.code).toBe(EXIT_POLICY_FAILURE);
    const json = JSON.parse(failing.out);
    expect(json.diff.changes.map((c: any) => `${c.path} ${c.l4}/${c.l7}/${c.combined}`)).toEqual([`${GATEWAY} -> production/frontend tcp/8080 added/added/added`]);
    expect(json.diff.widened).toBe(1);
  });

  test('L7 alone does not open it: the AuthorizationPolicy without the NetworkPolicy is a gap, not access', () => {
    const r = Reachability.fromApp(referenceApp().app);
    const withL7Only = Reachability.fromManifests([...referenceApp().app.charts.flatMap(c => c.toJson()), openFrontend[1]]);
    expect(r.diff(withL7Only).changes.map(c => `${c.path} ${c.l4}/${c.l7}/${c.combined}`)).toEqual([`${GATEWAY} -> production/frontend tcp/8080 unchanged/added/unchanged`]);
    expect(withL7Only.gaps()).toEqual([`${GATEWAY} -> production/frontend tcp/8080: open at L7, closed at L4`]);
  });

  test('a manifest that defines the gateway replaces the assumption', () => {
    const r = Reachability.fromManifests([{
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'my-gateway', namespace: 'istio-system' },
      spec: { template: { metadata: { labels: { istio: 'ingressgateway' } }, spec: { serviceAccountName: 'gw', containers: [{ name: 'istio-proxy' }] } } },
    }]);
    expect(r.workloads().map(w => w.id)).toEqual(['istio-system/istiod', 'istio-system/my-gateway', 'kube-system/kube-dns']);
  });
});

describe('the identity-aware entry point of examples/edges, proven with a token', () => {
  const app = new App();
  edgesExample(app);
  const edges = writeAppYaml(app, 'edges');
  const ok = { iss: EXAMPLE_ISSUER, sub: 'alice', aud: 'admin-panel', groups: ['engineering'], amr: ['mfa'] };
  const check = (from: string, jwt: object | undefined, expect: string) => cli('check', edges, '--from', from, '--to', 'internal-tools/admin-panel',
    '--port', '8080', '--method', 'GET', '--path', '/', ...(jwt ? ['--jwt', JSON.stringify(jwt)] : []), '--expect', expect);

  test('engineering + MFA token of the example issuer through the gateway: allow', async () => {
    const r = await check(GATEWAY, ok, 'allow');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('request principal https://login.example.com/alice');
  });

  test.each([
    ['without mfa', GATEWAY, { ...ok, amr: ['pwd'] }, 'no rule of internal-tools/admin-panel-ingress, internal-tools/allow-nothing matches'],
    ['without a token', GATEWAY, undefined, 'no rule of internal-tools/admin-panel-ingress, internal-tools/allow-nothing matches'],
    ['another issuer', GATEWAY, { ...ok, iss: 'https://evil.example.com' }, "token issuer 'https://evil.example.com' is not one RequestAuthentication accepts (https://login.example.com): refused with 401"],
    ['another audience', GATEWAY, { ...ok, aud: 'billing' }, 'token audience ["billing"] is not one RequestAuthentication internal-tools/admin-panel-jwt accepts (admin-panel): refused with 401'],
    ['another source', 'shop/checkout', ok, 'L4: refused by NetworkPolicy'],
  ])('%s: deny', async (_what, from, jwt, why) => {
    const r = await check(from, jwt, 'deny');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain(why);
  });

  test('the same through the test API, with jwt', () => {
    const r = Reachability.fromApp(app);
    const q = { source: GATEWAY, destination: 'internal-tools/admin-panel', port: 8080, method: 'GET', path: '/admin' };
    expect(r.check({ ...q, jwt: ok }).verdict).toBe('allow');
    expect(r.check({ ...q, jwt: { ...ok, groups: ['sales'] } }).verdict).toBe('deny');
    expect(r.check(q).verdict).toBe('deny');
    // Raw TCP never carries a token: the ALLOW rule that reads one cannot match.
    expect(r.check({ source: GATEWAY, destination: 'internal-tools/admin-panel', port: 8080 }).verdict).toBe('deny');
  });

  test('reach shows the token requirement instead of unknown, and monitoring scrapes without a gap', () => {
    const r = Reachability.fromApp(app);
    expect(r.allowedPaths({ source: GATEWAY }).filter(l => l.includes('admin-panel'))).toEqual([
      `${GATEWAY} -> internal-tools/admin-panel tcp/8080 * * (JWT https://login.example.com/* with amr=mfa, groups=engineering)`,
    ]);
    expect(r.uncertainPaths()).toEqual([]);
    expect(r.gaps()).toEqual([]);
    expect(r.allowedPaths({ source: 'monitoring/*' }).filter(l => l.includes('admin-panel'))).toEqual([
      'monitoring/* -> internal-tools/admin-panel tcp/15020',
      'monitoring/* -> internal-tools/admin-panel tcp/15090',
    ]);
  });

  test('--jwt must be a JSON object, and is read only with an HTTP method', async () => {
    const bad = await cli('check', edges, '--from', GATEWAY, '--to', 'internal-tools/admin-panel', '--port', '8080', '--method', 'GET', '--jwt', '[1]');
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.err).toContain("option '--jwt <claims>' argument '[1]' is invalid. expected the token's claims as a JSON object");
    const tcp = await cli('check', edges, '--from', GATEWAY, '--to', 'internal-tools/admin-panel', '--port', '8080', '--jwt', '{"iss":"x"}');
    expect(tcp.code).toBe(EXIT_USAGE);
    expect(tcp.err).toBe('error: a token is only read from HTTP requests: give a method (and path) with jwt\n');
  });
});

describe('representative endpoints count like workloads', () => {
  const objects = [
    workload('a', 'app', { ports: [{ port: 8080 }] }),
    networkPolicy('a', 'app-egress', {
      podSelector: { matchLabels: { app: 'app' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-b' } }, podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 443 }] }],
    }),
  ];

  test('an egress peer outside the manifests is a destination: in reach, blast radius and the graph', () => {
    const r = Reachability.fromManifests(objects, { platformWorkloads: false });
    expect(r.allowedPaths({ external: false })).toEqual(['a/app -> team-b/[app=api] tcp/443']);
    expect(r.blastRadius('a/app').direct.map(n => n.node)).toEqual(['team-b/[app=api]']);
    expect(r.toMermaid()).toContain('["[app=api]"]');
    expect(r.findings()).toContainEqual({
      kind: 'assumption',
      subject: 'team-b/[app=api]',
      message: 'representative endpoint for pods [app=api] in namespace team-b that NetworkPolicy a/app-egress names but these manifests do not hold; its ServiceAccount is unknown and it is assumed to have a sidecar',
    });
  });

  test('widening the peer (another namespace) is new access in the diff', () => {
    const before = Reachability.fromManifests(objects, { platformWorkloads: false });
    const wider = JSON.parse(JSON.stringify(objects));
    wider[1].spec.egress[0].to[0].namespaceSelector = {};
    const diff = before.diff(Reachability.fromManifests(wider, { platformWorkloads: false }));
    // `namespaceSelector: {}` may match any namespace: its representative is `*/[app=api]`.
    expect(diff.changes.map(c => `${c.path} ${c.combined}`)).toEqual(['a/app -> */[app=api] tcp/443 added', 'a/app -> team-b/[app=api] tcp/443 removed']);
    expect(diff.widened).toBe(1);
  });
});
