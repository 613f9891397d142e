import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { l4EgressToAddress, l4PodToPod, meshVerdict, outboundRoute, policiesOn } from './support/edge-eval';
import { edgesExample, EXAMPLE_ISSUER } from '../../examples/edges/edges';
import { Pod, podsOf } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { chartYaml } from '../support/synth';

/** Synthesizes the example the way `cdk8s synth` does, and reads back what it wrote. */
function synthToDisk() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'edges-'));
  const app = new App({ outdir });
  const example = edgesExample(app);
  app.synth();
  const files = fs.readdirSync(outdir).sort();
  const manifests = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map(d => d.toJSON()));
  return { app, example, files, manifests };
}

describe('examples/edges, as written to dist/edges', () => {
  const { app, files, manifests } = synthToDisk();
  const pods = podsOf(manifests);
  const pod = (name: string) => pods.find(p => p.name === name)!;
  const gateway: Pod = { namespace: 'istio-system', name: 'gw', labels: { istio: 'ingressgateway' }, serviceAccount: 'istio-ingressgateway-service-account', ports: [], sidecar: true };

  test('one file per namespace, plus the monitoring rules', () => {
    expect(files).toEqual(['internal-tools.k8s.yaml', 'legacy.k8s.yaml', 'monitoring.k8s.yaml', 'shop.k8s.yaml']);
  });

  test('every object validates against the real schemas', () => {
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('done when: the admin panel admits an engineering+MFA token through the gateway, and nothing else', () => {
    const panel = pod('admin-panel');
    const req = (principal: string | undefined, claims?: object) => meshVerdict(manifests, panel, {
      principal,
      port: 8080,
      method: 'GET',
      path: '/',
      token: claims ? { iss: EXAMPLE_ISSUER, sub: 'alice', aud: ['admin-panel'], claims } : undefined,
    });
    const gw = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';
    expect(l4PodToPod(manifests, gateway, panel, 8080)).toBe(true);
    expect(req(gw, { groups: ['engineering'], amr: ['mfa'] })).toBe(200);
    expect(req(gw)).toBe(403);
    expect(req(gw, { groups: ['engineering'] })).toBe(403);
    expect(req(gw, { amr: ['mfa'] })).toBe(403);
    expect(req('cluster.local/ns/shop/sa/checkout', { groups: ['engineering'], amr: ['mfa'] })).toBe(403);
    for (const other of pods.filter(p => p.name !== 'admin-panel')) expect(l4PodToPod(manifests, other, panel, 8080)).toBe(false);
  });

  test('done when: a workload with a declared host reaches it, and no other host', () => {
    expect(outboundRoute(manifests, pod('checkout'), 'api.stripe.com', 443)).toBe('registered');
    expect(l4EgressToAddress(manifests, pod('checkout'), '198.51.100.7', 443)).toBe(true);
    expect(outboundRoute(manifests, pod('checkout'), 'api.github.com', 443)).toBe('blackhole');
    expect(l4EgressToAddress(manifests, pod('checkout'), '140.82.112.0', 443)).toBe(false);
  });

  test('done when: the audit-mode namespace enforces nothing new', () => {
    const legacy = manifests.filter(m => m.metadata.namespace === 'legacy');
    expect(legacy.filter(m => ['NetworkPolicy', 'RequestAuthentication', 'Sidecar'].includes(m.kind))).toEqual([]);
    for (const m of legacy.filter(x => x.kind === 'AuthorizationPolicy')) expect(m.metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
    expect(legacy.filter(m => m.kind === 'PeerAuthentication').map(m => m.spec.mtls.mode)).toEqual(['PERMISSIVE']);
    for (const name of ['web', 'api']) {
      expect(policiesOn(manifests, pod(name))).toEqual([]);
      expect(meshVerdict(manifests, pod(name), { principal: undefined, port: 8080, method: 'DELETE', path: '/x' })).toBe(200);
    }
  });

  test('done when: the alerts load as a valid PrometheusRule', () => {
    const rules = manifests.filter(m => m.kind === 'PrometheusRule');
    expect(rules.map(r => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['monitoring/zero-trust-alerts']);
    expect(examineSchema(rules)).toEqual([]);
    expect(rules[0].spec.groups[0].rules.map((r: any) => `${r.alert} ${r.for} ${r.labels.severity}`)).toEqual([
      'ZeroTrustDeniedCalls 10m warning', 'ZeroTrustMtlsHandshakeFailures 5m critical',
    ]);
  });

  test('snapshot of the synthesized YAML (a reviewer gate beside the assertions above)', () => {
    for (const chart of app.charts) expect(chartYaml(chart)).toMatchSnapshot(chart.node.id);
  });
});
