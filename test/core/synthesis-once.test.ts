// app.synth() and app.synthYaml() validate the whole app once, then ask each chart for its
// objects; a ZeroTrustNamespace must not make cdk8s validate and resolve the app again per chart
// (that made synthesis quadratic in namespaces). A chart's toJson() called directly still does.
import { App, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { LinkPort, ServiceLink, ZeroTrustNamespace } from '../../lib';
import { synthApp } from '../support/synth';

/** Three namespaces with a link inside each and one across, plus a counter of whole-app validations. */
function estate(yamlOutputType = YamlOutputType.FILE_PER_CHART): { app: App; validations: () => number; charts: ZeroTrustNamespace[] } {
  const app = new App({ yamlOutputType });
  let count = 0;
  // The root validates once per validation pass of the whole app.
  app.node.addValidation({ validate: () => { count++; return []; } });
  const charts = ['a', 'b', 'c'].map(n => new ZeroTrustNamespace(app, n));
  const ws = charts.map(ns => [ns.addWorkload('web', { ports: [{ number: 8080 }] }), ns.addWorkload('api', { ports: [{ number: 9090 }] })]);
  ws.forEach(([web, api], i) => new ServiceLink(web, `to-api-${i}`, { from: web, to: api, ports: [LinkPort.tcp(9090)] }));
  new ServiceLink(ws[0][0], 'across', { from: ws[0][0], to: ws[2][1], ports: [LinkPort.tcp(9090)] });
  return { app, validations: () => count, charts };
}

test.each([
  ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART],
  ['FILE_PER_APP', YamlOutputType.FILE_PER_APP],
])('app.synth() (%s) validates the app once, not once per namespace chart', (_n, type) => {
  const { app, validations } = estate(type);
  const manifests = synthApp(app);
  expect(validations()).toBe(1);
  // Every namespace still got its objects, the cross-namespace link in both charts.
  expect(manifests.filter(m => m.kind === 'Namespace').map(m => m.metadata.name)).toEqual(['a', 'b', 'c']);
  expect(manifests.filter(m => m.kind === 'NetworkPolicy' && m.metadata.name === 'web-egress').map(m => m.metadata.namespace)).toEqual(['a', 'b', 'c']);
  // c/api admits its own web and, across namespaces, a/web: both ends of the cross link were rendered.
  expect(manifests.find(m => m.kind === 'NetworkPolicy' && m.metadata.namespace === 'c' && m.metadata.name === 'api-ingress').spec.ingress).toEqual([{
    from: [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } },
    ],
    ports: [{ port: 9090, protocol: 'TCP' }],
  }]);
});

test('app.synthYaml() validates the app once', () => {
  const { app, validations } = estate();
  expect(app.synthYaml()).toContain('name: api-ingress');
  expect(validations()).toBe(1);
});

test('a chart\'s toJson() called directly validates the whole app, including what was added after a synth', () => {
  const { app, charts } = estate();
  synthApp(app);
  // Added after the synthesis, in another chart: only a fresh whole-app validation sees it.
  const other = new Chart(app, 'other');
  const late = new Construct(other, 'late');
  late.node.addValidation({ validate: () => ['late construct is invalid'] });
  expect(() => charts[0].toJson()).toThrow(/\[other\/late\] late construct is invalid/);
});

test('a failed app.synth() leaves later direct toJson() calls validating', () => {
  const { app, charts } = estate();
  let fail = true;
  app.node.addValidation({ validate: () => (fail ? ['failing on purpose'] : []) });
  expect(() => synthApp(app)).toThrow(/failing on purpose/);
  expect(() => charts[1].toJson()).toThrow(/failing on purpose/);
  fail = false;
  expect(charts[1].toJson().map((m: any) => `${m.kind}/${m.metadata.name}`)).toContain('NetworkPolicy/web-egress');
});
