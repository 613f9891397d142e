import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { withManifestYamlWriter } from './yaml-writer';

const ACTIVE = new WeakMap<App, { depth: number }>();

/**
 * Notes when `app.synth()` or `app.synthYaml()` is running. Both validate the whole app and
 * resolve its dependencies once, then ask every chart for its objects; cdk8s's `Chart.toJson()`
 * would redo both over the whole app per chart, which makes synthesis quadratic in namespaces.
 * The YAML is written by `ManifestYamlWriter`: the same bytes as cdk8s's writer, far faster.
 */
export function trackSynthesis(app: App): void {
  if (ACTIVE.has(app)) return;
  const state = { depth: 0 };
  ACTIVE.set(app, state);
  for (const method of ['synth', 'synthYaml'] as const) {
    const original = app[method];
    Object.defineProperty(app, method, {
      configurable: true,
      writable: true,
      value: function (this: App, ...args: unknown[]) {
        state.depth++;
        try {
          return withManifestYamlWriter(() => (original as (...a: unknown[]) => unknown).apply(this, args));
        } finally {
          state.depth--;
        }
      },
    });
  }
}

/** True while the app of `chart` is inside `synth()` or `synthYaml()`, i.e. already validated and resolved. */
export function insideAppSynthesis(chart: Chart): boolean {
  const root = chart.node.root;
  return root instanceof App && (ACTIVE.get(root)?.depth ?? 0) > 0;
}

/** The chart's own objects in dependency order, exactly as cdk8s lists them, without re-preparing the app. */
export function chartObjectsJson(chart: Chart): any[] {
  const all = chart.node.findAll();
  // With no dependency inside the chart, cdk8s's topology is the tree order: skip building the graph.
  const ordered = all.some(c => c.node.dependencies.length > 0) ? new DependencyGraph(chart.node).topology() : all;
  return ordered
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart)
    .map(o => o.toJson());
}
