import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Names, YamlOutputType } from 'cdk8s';
import { parseAllDocuments } from 'yaml';

/**
 * Every manifest of an app, as users get them: `app.synth()` writes the files (into a
 * temporary directory, whatever the app's outdir) and they are read back, chart by chart.
 */
export function synthApp(app: App): any[] {
  return synthFiles(app).flatMap(f => f.manifests);
}

/** The files `app.synth()` writes, relative path and parsed documents, in chart order. */
export function synthFiles(app: App): { file: string; text: string; manifests: any[] }[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-synth-'));
  const original = app.outdir;
  // The app's outdir is fixed at construction; tests must not write into the checkout.
  Object.defineProperty(app, 'outdir', { value: outdir, configurable: true, writable: true });
  try {
    app.synth();
    const files = listFiles(outdir).filter(f => f.endsWith(app.outputFileExtension));
    const chartRank = new Map(app.charts.map((c, i) => [Names.toDnsLabel(c), i]));
    const rank = (f: string) => chartRank.get(path.basename(f, app.outputFileExtension).replace(/^\d{4}-/, '')) ?? -1;
    const ordered = app.yamlOutputType === YamlOutputType.FILE_PER_CHART
      ? files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
      : files.sort();
    return ordered.map(file => {
      const text = fs.readFileSync(path.join(outdir, file), 'utf-8');
      return { file, text, manifests: parseAllDocuments(text).map(d => d.toJSON()).filter(d => d !== null) };
    });
  } finally {
    Object.defineProperty(app, 'outdir', { value: original, configurable: true, writable: true });
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? listFiles(dir, path.join(prefix, e.name)) : [path.join(prefix, e.name)]);
}

/** The YAML file `app.synth()` writes for one chart (the app's default output, a file per chart). */
export function chartYaml(chart: Chart): string {
  const app = App.of(chart) as App;
  const name = Names.toDnsLabel(chart);
  const file = synthFiles(app).find(f => path.basename(f.file, app.outputFileExtension).replace(/^\d{4}-/, '') === name);
  if (!file) throw new Error(`app.synth() wrote no file for chart ${chart.node.path}`);
  return file.text;
}

/** Finds one manifest by kind and name, failing loudly when it is missing. */
export function find(manifests: any[], kind: string, name: string, namespace?: string): any {
  const found = manifests.find(m => m.kind === kind && m.metadata.name === name && (namespace === undefined || m.metadata.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ? namespace + '/' : ''}${name} in the manifests`);
  return found;
}
