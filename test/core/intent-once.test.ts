// Intent is resolved once per synthesis: each ServiceLink.toIntent() runs once, however many
// namespaces, charts, objects and validation passes read it (it used to run about 2 + N times).
import { App, YamlOutputType } from 'cdk8s';
import { quickstart } from '../../examples/quickstart/quickstart';
import { referenceScenario } from '../../examples/reference/scenario';
import { ServiceLink } from '../../lib';
import { synthFiles } from '../support/synth';

/** Calls of ServiceLink.toIntent() per link while `run` executes. */
function callsPerLink(app: App, run: () => unknown): number[] {
  const calls = new Map<ServiceLink, number>();
  const original = ServiceLink.prototype.toIntent;
  ServiceLink.prototype.toIntent = function (this: ServiceLink) {
    calls.set(this, (calls.get(this) ?? 0) + 1);
    return original.call(this);
  };
  try {
    run();
  } finally {
    ServiceLink.prototype.toIntent = original;
  }
  const links = app.node.findAll().filter((c): c is ServiceLink => c instanceof ServiceLink);
  return links.map(l => calls.get(l) ?? 0);
}

describe.each([
  ['quick start (1 namespace)', quickstart, 1],
  ['reference example (2 namespaces, a cross-namespace link)', referenceScenario, 13],
])('%s', (_name, build, links) => {
  test.each([
    ['app.synth(), FILE_PER_CHART', YamlOutputType.FILE_PER_CHART],
    ['app.synth(), FILE_PER_APP', YamlOutputType.FILE_PER_APP],
    ['app.synth(), FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
  ])('%s resolves each link exactly once', (_path, yamlOutputType) => {
    const app = new App({ yamlOutputType });
    build(app);
    const calls = callsPerLink(app, () => synthFiles(app));
    expect(calls.length).toBe(links);
    expect(calls.every(n => n === 1)).toBe(true);
  });

  test('app.synthYaml() and every chart.toJson() resolve each link exactly once', () => {
    const app = new App();
    build(app);
    expect(callsPerLink(app, () => app.synthYaml()).every(n => n === 1)).toBe(true);
    const fresh = new App();
    build(fresh);
    expect(callsPerLink(fresh, () => fresh.charts.map(c => c.toJson())).every(n => n === 1)).toBe(true);
  });

  test('synthesizing an unchanged app again reuses the resolved intent', () => {
    const app = new App();
    build(app);
    app.synthYaml();
    expect(callsPerLink(app, () => app.synthYaml()).every(n => n === 0)).toBe(true);
  });
});
