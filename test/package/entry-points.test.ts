import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as lib from '../../lib';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// Runs node on the compiled package (out/, written by the jsii compile that `npm test` runs first).
function node(script: string): string {
  return execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
}

// A resolve hook that fails any load of aws-cdk-lib, as in a project that never installed it.
const WITHOUT_AWS_CDK_LIB = `
  const Module = require('module');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'aws-cdk-lib' || request.startsWith('aws-cdk-lib/')) throw new Error('Cannot find module ' + request);
    return resolve.call(this, request, ...rest);
  };
`;

describe('entry points', () => {
  test('the package index loads without aws-cdk-lib, and the aws submodule needs it only when touched', () => {
    const out = node(`${WITHOUT_AWS_CDK_LIB}
      const zt = require('./out/index.js');
      console.log(typeof zt.ZeroTrustNamespace, typeof zt.Reachability, Object.keys(require.cache).some(f => f.includes('aws-cdk-lib')));
      try { zt.aws.WorkloadIdentity; console.log('aws loaded'); } catch (e) { console.log(e.message); }
    `);
    expect(out.trim().split('\n')).toEqual(['function function false', 'Cannot find module aws-cdk-lib']);
  });

  test('the index\'s type declarations do not reach the aws module, so a cdk8s-only project type-checks', () => {
    const dts = fs.readFileSync(path.join(root, 'out', 'index.d.ts'), 'utf8');
    expect(dts).not.toMatch(/from '\.\/aws'/);
    expect(dts).toContain("import from 'cdk8s-zero-trust/aws'");
  });

  test('with aws-cdk-lib, `aws` on the index is the same module as the ./aws subpath', () => {
    const out = node(`
      const zt = require('./out/index.js');
      console.log(typeof zt.aws.WorkloadIdentity, zt.aws === require('./out/aws/index.js'));
    `);
    expect(out.trim()).toBe('function true');
  });

  test('every subpath in `exports` and `typesVersions` names a compiled file', () => {
    const targets: string[] = [];
    for (const target of Object.values<any>(pkg.exports)) {
      targets.push(...(typeof target === 'string' ? [target] : Object.values<string>(target)));
    }
    for (const paths of Object.values<string[]>(pkg.typesVersions['*'])) targets.push(...paths);
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './.jsii', './aws', './jest', './package.json']);
    for (const target of targets) expect(fs.existsSync(path.join(root, target))).toBe(true);
    expect(pkg.peerDependenciesMeta['aws-cdk-lib']).toEqual({ optional: true });
  });

  test('the index exports constructs, classes and enums, never internal helpers or constants', () => {
    const internal = ['workloadIntent', 'checkPorts', 'requireOwnedWorkload', 'jwtIntent', 'adoptWorkload',
      'MAX_TCP_RANGE_SIZE', 'checkHttpMatch', 'claimIntents', 'gatewayIntent', 'externalPortIntents',
      'WORKLOAD_NAME_LABEL', 'NAMESPACE_NAME_LABEL', 'ISTIO_DRY_RUN_ANNOTATION', 'SIDECAR_METRICS_PORTS'];
    const exported = Object.keys(lib);
    expect(exported.filter(name => internal.includes(name))).toEqual([]);
    for (const [name, value] of Object.entries(lib)) {
      if (name === 'aws') continue;
      const isClass = typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
      const isEnum = typeof value === 'object' && value !== null && Object.values(value).every(v => typeof v === 'string' || typeof v === 'number');
      expect([name, isClass || isEnum]).toEqual([name, true]);
    }
  });
});
