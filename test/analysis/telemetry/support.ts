import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import * as constructs from 'constructs';
import * as ts from 'typescript';
import { deployAndAdopt } from '../../../examples/reference/scenario';
import * as library from '../../../lib';
import { IZeroTrustWorkload, ZeroTrustNamespace } from '../../../lib';
import { REFERENCE_WORKLOADS } from '../support/reference-estate';

export const TELEMETRY = path.join(__dirname, '..', 'fixtures', 'telemetry');

/** The reference scenario's namespaces and workloads as the example deploys them, with no link yet. */
export function referenceWithoutLinks(): { app: App; workloads: { [id: string]: IZeroTrustWorkload } } {
  const app = new App();
  const namespaces: { [name: string]: ZeroTrustNamespace } = {};
  for (const ns of ['production', 'risk']) namespaces[ns] = new ZeroTrustNamespace(app, ns, { monitoring: { namespace: 'monitoring' } });
  const workloads: { [id: string]: IZeroTrustWorkload } = {};
  for (const w of REFERENCE_WORKLOADS) {
    workloads[`${w.namespace}/${w.name}`] = deployAndAdopt(namespaces[w.namespace], w.name, w.ports.map(p => ({ number: p.number, name: p.name! })),
      w.servicePorts?.map(p => ({ name: `port-${p.port}`, port: p.port, targetPort: p.targetPort })));
  }
  return { app, workloads };
}

/**
 * Runs generated code the way an app would after pasting it: transpiled to CommonJS, with
 * `cdk8s-zero-trust` and `constructs` resolved to this library. Returns its exports.
 */
export function evaluateGenerated(code: string): any {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const exports: any = {};
  const modules: { [name: string]: unknown } = { 'cdk8s-zero-trust': library, 'constructs': constructs };
  const requireShim = (m: string) => {
    if (!(m in modules)) throw new Error(`generated code imports an unexpected module: ${m}`);
    return modules[m];
  };
  new Function('require', 'exports', js)(requireShim, exports);
  return exports;
}

/** Type-checks generated code written under the worktree, importing this library by relative path. */
export function typeCheckGenerated(code: string, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'observed-links.ts');
  fs.writeFileSync(file, code);
  const program = ts.createProgram([file], {
    strict: true,
    noUnusedLocals: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    skipLibCheck: true,
    ignoreDeprecations: '6.0',
    types: ['node'],
  } as ts.CompilerOptions);
  return ts.getPreEmitDiagnostics(program).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
