import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Reachability } from '../../lib';
import { namespace, networkPolicy, workload } from './support/objects';
import { AnalysisInputError } from '../../lib/analysis/estate/errors';

const workloads = (objects: any[], options = {}) => Reachability.fromManifests(objects, { platformWorkloads: false, ...options }).workloads();

describe('workloads', () => {
  test.each(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'])('%s: pod labels, ServiceAccount (default `default`), container ports', kind => {
    const [w] = workloads([workload('shop', 'web', { kind, labels: { tier: 'front' }, ports: [{ port: 8080, name: 'http' }, { port: 53, protocol: 'UDP' }] })]);
    expect(w).toEqual({
      id: 'shop/web',
      namespace: 'shop',
      name: 'web',
      kind,
      serviceAccount: 'default',
      sidecar: false,
      platform: false,
      representative: false,
      ports: ['tcp/8080 (http)', 'udp/53'],
      ingressIsolated: false,
      egressIsolated: false,
    });
  });

  test('objects without namespace land in the default namespace (or the one configured)', () => {
    const obj = workload('x', 'web');
    delete obj.metadata.namespace;
    expect(workloads([obj])[0].id).toBe('default/web');
    expect(workloads([obj], { defaultNamespace: 'apps' })[0].id).toBe('apps/web');
  });

  test('Lists are flattened', () => {
    expect(workloads([{ apiVersion: 'v1', kind: 'List', items: [workload('a', 'one'), workload('a', 'two')] }]).map(w => w.id)).toEqual(['a/one', 'a/two']);
  });
});

describe('sidecar injection', () => {
  const sidecar = (nsLabels: Record<string, string>, podLabels: Record<string, string> = {}, annotations: Record<string, string> = {}) =>
    workloads([namespace('ns', nsLabels), workload('ns', 'w', { labels: podLabels, annotations })])[0].sidecar;

  test.each([
    [{ 'istio-injection': 'enabled' }, {}, {}, true],
    [{ 'istio.io/rev': 'canary' }, {}, {}, true],
    [{}, {}, {}, false],
    [{ 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'false' }, {}, false],
    [{}, { 'sidecar.istio.io/inject': 'true' }, {}, true],
    [{ 'istio-injection': 'enabled' }, {}, { 'sidecar.istio.io/inject': 'false' }, false],
    [{}, {}, { 'sidecar.istio.io/inject': 'true' }, false],
    [{ 'istio-injection': 'disabled' }, { 'sidecar.istio.io/inject': 'true' }, {}, false],
  ])('namespace %j, pod labels %j, annotations %j → %s', (ns, labels, annotations, expected) => {
    expect(sidecar(ns, labels, annotations)).toBe(expected);
  });
});

describe('platform endpoints', () => {
  test('kube-dns and istiod are assumed destinations, the ingress gateway an assumed source', () => {
    const r = Reachability.fromManifests([workload('a', 'w')]);
    expect(r.workloads().filter(w => w.platform).map(w => `${w.id} ${w.serviceAccount} ${w.ports.join(',')}`)).toEqual([
      'istio-system/istio-ingressgateway istio-ingressgateway-service-account tcp/8080 (http2),tcp/8443 (https)',
      'istio-system/istiod istiod tcp/15012 (grpc-xds)',
      'kube-system/kube-dns coredns udp/53 (dns),tcp/53 (dns-tcp)',
    ]);
    expect(r.findings().filter(f => f.kind === 'assumption').map(f => f.subject)).toEqual(['istio-system/istio-ingressgateway', 'istio-system/istiod', 'kube-system/kube-dns']);
    expect([...new Set(r.paths().filter(p => p.source.startsWith('kube-system') || p.source.startsWith('istio-system')).map(p => p.source))])
      .toEqual(['istio-system/istio-ingressgateway']);
    // kube-dns and istiod are never sources; the gateway is never a destination, and outside endpoints never talk to each other.
    expect(r.paths().filter(p => p.destination === 'istio-system/istio-ingressgateway')).toEqual([]);
    expect(r.paths().filter(p => p.source === 'istio-system/istio-ingressgateway').map(p => p.destination)).toEqual(['a/w', 'a/w', 'a/w']);
  });

  test('a manifest defining kube-dns replaces the assumption', () => {
    const r = Reachability.fromManifests([workload('kube-system', 'coredns', { labels: { 'k8s-app': 'kube-dns' }, ports: [{ port: 5353, protocol: 'UDP' }] })]);
    expect(r.workloads().map(w => w.id)).toEqual(['istio-system/istio-ingressgateway', 'istio-system/istiod', 'kube-system/coredns']);
  });

  test('they can be switched off', () => {
    expect(workloads([workload('a', 'w')]).map(w => w.id)).toEqual(['a/w']);
  });
});

describe('bad input is refused with a message naming the object, the value and the fix', () => {
  const np = (spec: any) => networkPolicy('shop', 'bad', spec);
  test.each([
    ['a non-object', ['oops'], 'object 1 is not a Kubernetes object: "oops"'],
    ['no kind', [{ apiVersion: 'v1', metadata: { name: 'x' } }], 'object 1 lacks apiVersion, kind or metadata.name: {"apiVersion":"v1","metadata":{"name":"x"}}'],
    ['a conflicting duplicate', [workload('a', 'w'), workload('a', 'w', { labels: { other: 'x' } })],
      'Deployment a/w: defined twice with different content (input and input); every object must be unique by kind, namespace and name'],
    ['no podSelector', [np({ ingress: [] })], 'NetworkPolicy shop/bad: spec.podSelector is required (use {} to select every pod in the namespace)'],
    ['a bad operator', [np({ podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] } })],
      "NetworkPolicy shop/bad: spec.podSelector: unknown matchExpressions operator 'Equals' (expected In, NotIn, Exists or DoesNotExist)"],
    ['In without values', [np({ podSelector: {}, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }] }] })],
      "NetworkPolicy shop/bad: spec.ingress[0].from[0].podSelector: matchExpressions operator 'In' on key 'a' needs at least one value"],
    ['endPort on a named port', [np({ podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] })],
      'NetworkPolicy shop/bad: spec.ingress[0].ports[0]: endPort 90 needs a numeric port, got "http"'],
    ['endPort below port', [np({ podSelector: {}, egress: [{ ports: [{ port: 90, endPort: 80 }] }] })],
      'NetworkPolicy shop/bad: spec.egress[0].ports[0]: endPort 80 is below port 90'],
    ['an unknown protocol', [np({ podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] })],
      "NetworkPolicy shop/bad: spec.ingress[0].ports[0]: unknown protocol 'ICMP' (expected TCP, UDP or SCTP)"],
    ['an empty peer', [np({ podSelector: {}, ingress: [{ from: [{}] }] })],
      'NetworkPolicy shop/bad: spec.ingress[0].from[0]: a peer needs podSelector, namespaceSelector or ipBlock'],
    ['ipBlock with a selector', [np({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] })],
      'NetworkPolicy shop/bad: spec.ingress[0].from[0]: ipBlock cannot be combined with podSelector or namespaceSelector in one peer'],
    ['an unknown policyType', [np({ podSelector: {}, policyTypes: ['Both'] })], "NetworkPolicy shop/bad: unknown policyType 'Both' (expected Ingress or Egress)"],
    ['an unknown action', [{ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'a' }, spec: { action: 'MAYBE' } }],
      "AuthorizationPolicy a/p: unknown action 'MAYBE' (expected ALLOW, DENY, AUDIT or CUSTOM)"],
    ['an unknown mTLS mode', [{ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'p', namespace: 'a' }, spec: { mtls: { mode: 'SOMETIMES' } } }],
      "PeerAuthentication a/p: spec.mtls.mode: unknown mTLS mode 'SOMETIMES'"],
    ['a bad container port', [{ ...workload('a', 'w'), spec: { selector: {}, template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 70000 }] }] } } } }],
      'Deployment a/w: spec.template.spec.containers[0].ports[0]: container \'c\' has an invalid port {"containerPort":70000} (containerPort must be a number in 1-65535, protocol TCP, UDP or SCTP)'],
  ])('%s', (_what, objects, message) => {
    expect(() => Reachability.fromManifests(objects as any[])).toThrow(new AnalysisInputError(message));
  });

  test('unknown workload names in queries list the known ones', () => {
    const r = Reachability.fromManifests([workload('a', 'w'), workload('b', 'w')], { platformWorkloads: false });
    expect(() => r.blastRadius('nope')).toThrow('unknown workload \'nope\'; known workloads: a/w, b/w');
    expect(() => r.blastRadius('w')).toThrow('workload \'w\' is ambiguous: a/w, b/w; use <namespace>/<name>');
  });
});

describe('reading files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-analysis-'));
  fs.mkdirSync(path.join(dir, 'nested'));
  fs.writeFileSync(path.join(dir, 'a.yaml'), '---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: one, namespace: x}\nspec: {template: {metadata: {labels: {app: one}}, spec: {containers: []}}}\n---\n---\n');
  fs.writeFileSync(path.join(dir, 'nested', 'b.yml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: two, namespace: x}\nspec: {containers: []}\n');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not yaml: [');

  test('directories are read recursively, multi-document, skipping empty documents and non-YAML files', () => {
    expect(Reachability.fromFiles([dir], { platformWorkloads: false }).workloads().map(w => w.id)).toEqual(['x/one', 'x/two']);
  });

  test('JSON in a directory that is not Kubernetes (CDK assets, CloudFormation) is skipped and reported; named explicitly it is an error', () => {
    const cdk = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-cdk-'));
    fs.writeFileSync(path.join(cdk, 'Stack.template.json'), JSON.stringify({ Resources: { Role: { Type: 'AWS::IAM::Role' } } }));
    fs.writeFileSync(path.join(cdk, 'app.k8s.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec: {containers: []}\n');
    const r = Reachability.fromFiles([cdk], { platformWorkloads: false });
    expect(r.workloads().map(w => w.id)).toEqual(['x/p']);
    expect(r.findings()).toContainEqual({
      kind: 'unsupported', subject: path.join(cdk, 'Stack.template.json'), message: 'not a Kubernetes manifest (no apiVersion and kind); skipped',
    });
    expect(() => Reachability.fromFiles([path.join(cdk, 'Stack.template.json')])).toThrow(/Stack\.template\.json: object 1 lacks apiVersion, kind or metadata.name/);
  });

  test('invalid YAML and missing paths are input errors', () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'a: [1, 2\n');
    expect(() => Reachability.fromFiles([bad])).toThrow(AnalysisInputError);
    expect(() => Reachability.fromFiles([bad])).toThrow(/bad\.yaml: YAML document 1 is invalid/);
    expect(() => Reachability.fromFiles([path.join(dir, 'missing')])).toThrow(`manifest path '${path.join(dir, 'missing')}' does not exist`);
    expect(() => Reachability.fromFiles([])).toThrow('no manifest path given: pass at least one YAML file or directory');
  });
});
