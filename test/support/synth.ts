import { App, Chart, Yaml } from 'cdk8s';

/** Every manifest of an app, chart by chart, as `cdk8s synth` would write them. */
export function synthApp(app: App): any[] {
  return app.charts.flatMap(c => c.toJson());
}

/** The YAML `cdk8s synth` writes for one chart. */
export function chartYaml(chart: Chart): string {
  return Yaml.stringify(...chart.toJson());
}

/** Finds one manifest by kind and name, failing loudly when it is missing. */
export function find(manifests: any[], kind: string, name: string, namespace?: string): any {
  const found = manifests.find(m => m.kind === kind && m.metadata.name === name && (namespace === undefined || m.metadata.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ? namespace + '/' : ''}${name} in the manifests`);
  return found;
}
