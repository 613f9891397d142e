// Every way cdk8s can synthesize an app emits the same objects, policies included, byte for byte:
// the policy objects exist in the construct tree from declaration on, not only inside toJson().
import { ApiObject, App, Chart, JsonPatch, Testing, Yaml, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parseAllDocuments } from 'yaml';
import { quickstart } from '../../examples/quickstart/quickstart';
import { referenceScenario } from '../../examples/reference/scenario';
import { LinkPort, ServiceLink, ZeroTrustNamespace } from '../../lib';
import { synthFiles } from '../support/synth';

type Build = (app: App) => unknown;

const EXAMPLES: [string, Build, string[]][] = [
  ['quick start', quickstart, [
    'NetworkPolicy production/default-deny', 'NetworkPolicy production/payment-service-ingress', 'NetworkPolicy production/checkout-api-egress',
    'AuthorizationPolicy production/allow-nothing', 'AuthorizationPolicy production/payment-service-ingress', 'PeerAuthentication production/default',
  ]],
  ['reference example', referenceScenario, [
    'NetworkPolicy production/default-deny', 'NetworkPolicy production/payment-service-ingress', 'NetworkPolicy risk/fraud-scorer-ingress',
    'NetworkPolicy production/payment-service-egress', 'AuthorizationPolicy risk/fraud-scorer-ingress', 'AuthorizationPolicy production/order-service-ingress',
  ]],
];

const key = (m: any) => `${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`;
const isPolicy = (m: any) => ['NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication'].includes(m.kind);

/** The reference output: each chart's toJson(), as `cdk8s synth` writes it by default. */
function reference(build: Build) {
  const app = new App();
  build(app);
  const perChart = app.charts.map(c => c.toJson());
  return { app, perChart, all: perChart.flat() };
}

/** One document per object, as cdk8s writes a file per resource. */
const docOf = (m: any) => Yaml.stringify(m);

describe.each(EXAMPLES)('%s: the same objects on every synthesis path', (_name, build, expectedPolicies) => {
  const ref = reference(build);
  const refDocs = ref.all.map(docOf).sort();

  test('the reference holds the namespace baseline and every per-workload policy', () => {
    const keys = ref.all.map(key);
    for (const k of expectedPolicies) expect(keys).toContain(k);
  });

  test.each([
    ['FILE_PER_APP', YamlOutputType.FILE_PER_APP],
    ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART],
    ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
  ])('app.synth() with YamlOutputType.%s writes the same objects byte for byte', (_type, yamlOutputType) => {
    const app = new App({ yamlOutputType });
    build(app);
    if (yamlOutputType === YamlOutputType.FILE_PER_RESOURCE && app.charts.length > 1) {
      // One folder for every namespace: same-named policies would overwrite each other, so it is refused.
      expect(() => synthFiles(app)).toThrow('Validation failed with the following errors:\n  [risk] YamlOutputType.FILE_PER_RESOURCE writes every object to one folder as <kind>.<name>.k8s.yaml, so the same-named policies of namespaces "production" and "risk" would overwrite each other and leave a namespace without its default-deny. Fix: use YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE (one folder per namespace) or FILE_PER_CHART.');
      return;
    }
    const files = synthFiles(app);
    switch (yamlOutputType) {
      case YamlOutputType.FILE_PER_APP:
        expect(files.map(f => f.text)).toEqual([Yaml.stringify(...ref.all)]);
        break;
      case YamlOutputType.FILE_PER_CHART:
        // One file per chart, in chart order, objects sorted by kind then name.
        expect(files.map(f => f.text)).toEqual(ref.perChart.map(objects => Yaml.stringify(...objects)));
        break;
      default:
        // One object per file: the files' bytes are exactly the reference objects' documents.
        expect(files.every(f => f.manifests.length === 1)).toBe(true);
        expect(files.map(f => f.text).sort()).toEqual(refDocs);
    }
    expect(files.flatMap(f => f.manifests).filter(isPolicy).length).toBe(ref.all.filter(isPolicy).length);
  });

  test('app.synthYaml() gives the same YAML as the default files, in the same order', () => {
    const app = new App();
    build(app);
    expect(app.synthYaml()).toBe(Yaml.stringify(...ref.all));
  });

  test('Testing.synth(chart) and chart.toJson() give the same objects, in the same order', () => {
    const app = new App();
    build(app);
    expect(app.charts.map(c => Testing.synth(c))).toEqual(ref.perChart);
    expect(app.charts.map(c => c.toJson())).toEqual(ref.perChart);
  });

  test('a user walking node.findAll() before synth finds every policy object, and patches reach every path', () => {
    const patched = (yamlOutputType?: YamlOutputType) => {
      const app = new App({ yamlOutputType });
      build(app);
      const found = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
      // What users do: label and annotate objects of the app, found by walking the tree.
      for (const obj of found.filter(o => ['NetworkPolicy', 'AuthorizationPolicy'].includes(o.kind))) {
        ApiObject.of(obj).metadata.addLabel('team', 'platform');
        ApiObject.of(obj).addJsonPatch(JsonPatch.add('/metadata/annotations', { reviewed: 'yes' }));
      }
      return { app, found };
    };
    const { found } = patched();
    const policyKeys = ref.all.filter(m => ['NetworkPolicy', 'AuthorizationPolicy'].includes(m.kind)).map(key).sort();
    expect(found.filter(o => ['NetworkPolicy', 'AuthorizationPolicy'].includes(o.kind))
      .map(o => `${o.kind} ${o.metadata.namespace ?? Chart.of(o).namespace}/${o.name}`).sort()).toEqual(policyKeys);
    for (const yamlOutputType of [YamlOutputType.FILE_PER_CHART, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE]) {
      const policies = synthFiles(patched(yamlOutputType).app).flatMap(f => f.manifests)
        .filter(m => ['NetworkPolicy', 'AuthorizationPolicy'].includes(m.kind));
      expect(policies.map(key).sort()).toEqual(policyKeys);
      for (const p of policies) {
        expect(p.metadata.labels).toEqual({ team: 'platform' });
        expect(p.metadata.annotations.reviewed).toBe('yes');
      }
    }
    const yaml = parseAllDocuments(patched().app.synthYaml()).map(d => d.toJSON()).filter(m => ['NetworkPolicy', 'AuthorizationPolicy'].includes(m.kind));
    expect(yaml.every(p => p.metadata.labels?.team === 'platform')).toBe(true);
  });

  test('synthesizing the same app twice gives the same bytes', () => {
    // Declaration order is covered by test/core/determinism.test.ts; specs are lazy and resolved
    // from the same intent, so a second synthesis cannot drift from the first.
    const app = new App();
    build(app);
    expect(app.synthYaml()).toBe(app.synthYaml());
  });
});

describe('declarations after a first synth, and refusals on every path', () => {
  test('a link declared after a first synthesis is in the next one (nothing cached from before)', () => {
    const app = new App();
    const ns = quickstart(app);
    const before = app.synthYaml();
    const ledger = ns.addWorkload('ledger', { ports: [{ number: 9090, name: 'grpc' }] });
    ledger.allowFrom(ns.node.findChild('checkout-api') as any, { ports: [LinkPort.named('grpc')] });
    const after = app.synthYaml();
    expect(before).not.toContain('ledger-ingress');
    expect(after).toContain('name: ledger-ingress');
    expect(after).toContain('name: checkout-api-egress');
  });

  test('a container added to an adopted Deployment after a first synth resolves on the next one', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'shop');
    const web = new kplus.Deployment(ns, 'web', {
      metadata: { name: 'web' }, containers: [{ image: 'web', ports: [{ number: 8080, name: 'http' }] }], automountServiceAccountToken: false,
    });
    const api = ns.adopt(web);
    new ServiceLink(ns, 'link', { from: ns.addWorkload('client'), to: api, ports: [LinkPort.named('admin')] });
    expect(() => app.synthYaml()).toThrow('port "admin" is not a container port name of shop/web');
    web.addContainer({ name: 'admin', image: 'admin', ports: [{ number: 9000, name: 'admin' }] });
    expect(app.synthYaml()).toContain('- "9000"');
  });

  test.each([
    ['app.synth() with FOLDER_PER_CHART_FILE_PER_RESOURCE', (app: App) => synthFiles(app)],
    ['app.synthYaml()', (app: App) => app.synthYaml()],
    ['Testing.synth(chart)', (app: App) => Testing.synth(app.charts[0])],
  ])('a bad port is refused at synth through %s, with the path, the value and the fix, and nothing is written', (_path, synth) => {
    const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    const ns = quickstart(app);
    new ServiceLink(ns, 'bad', { from: ns.node.findChild('checkout-api') as any, to: ns.node.findChild('payment-service') as any, ports: [LinkPort.named('grpc')] });
    expect(() => synth(app)).toThrow('Validation failed with the following errors:\n  [production/bad] port "grpc" is not a container port name of production/payment-service. Fix: use one of its port names (http) or a port number.');
  });
});
