import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { referenceScenario, ReferenceScenario } from '../../../examples/reference/scenario';
import { LinkPort, ServiceLink } from '../../../lib';
import { synthFiles } from '../../support/synth';

/** Writes an app's manifests with `app.synth()` (one YAML file per chart) into a fresh directory. */
export function writeAppYaml(app: App, label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `zt-${label}-`));
  for (const { file, text } of synthFiles(app)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** The examples/reference scenario, optionally with one more ServiceLink (frontend → cache on 6379). */
export function referenceApp(extraLink = false): { app: App; scenario: ReferenceScenario } {
  const app = new App();
  const scenario = referenceScenario(app);
  if (extraLink) {
    new ServiceLink(scenario.production, 'frontend-to-cache', { from: scenario.workloads.frontend, to: scenario.workloads.cache, ports: [LinkPort.tcp(6379)] });
  }
  return { app, scenario };
}
