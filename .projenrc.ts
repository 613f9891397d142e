import { cdk8s, javascript, JsonFile, YamlFile } from 'projen';

// Versions verified together on Node 20 (see the toolchain notes in the README).
const CDK8S = '2.70.106';
const CONSTRUCTS = '10.8.1';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-zero-trust',
  description: 'Declare zero trust in code: default-deny NetworkPolicies, Istio mTLS and identity-bound AuthorizationPolicies, and least-privilege AWS workload identities, synthesized from typed cdk8s constructs.',
  author: 'cdk8s-zero-trust maintainers',
  authorAddress: 'maintainers@users.noreply.b-seed-826737c5.example',
  repositoryUrl: 'https://github.com/cdk8s-zero-trust/cdk8s-zero-trust.git',
  keywords: ['cdk8s', 'zero-trust', 'istio', 'networkpolicy', 'irsa', 'eks'],
  defaultReleaseBranch: 'main',
  cdk8sVersion: CDK8S,
  constructsVersion: CONSTRUCTS,
  jsiiVersion: '~6.0.16',
  typescriptVersion: '~6.0.3',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  github: false,
  release: false,

  // The product's layout keeps sources in lib/; compiled JS goes to out/ (git-ignored)
  // and packages to dist-pkg/, because dist/ is where `cdk8s synth` writes the examples.
  srcdir: 'lib',
  libdir: 'out',
  artifactsDirectory: 'dist-pkg',
  entrypoint: 'out/index.js',
  entrypointTypes: 'out/index.d.ts',

  // aws-cdk-lib is an optional peer (marked below): a cdk8s-only user never installs its 161 MB.
  peerDeps: [
    'cdk8s-plus-28@^2.5.6',
    'aws-cdk-lib@^2.276.0',
  ],
  // Non-jsii runtime dependencies must be bundled into a jsii package.
  bundledDeps: [
    'yaml@^2.9.1',
    'commander@^14.0.3',
    '@hpcc-js/wasm-graphviz@^1.29.2',
    'ipaddr.js@^2.2.0',
  ],
  devDeps: [
    'cdk8s-cli@2.207.60',
    'kubernetes-models@^4.5.1',
    '@kubernetes-models/istio@^2.3.0',
    'ajv@^8.20.0',
    'fast-check@^4.10.2',
    'cdk-nag@^3.0.2',
    'ts-node@^10.9.2',
    '@types/node@^20',
    'jsii-rosetta@~6.0.17',
    'jsii-pacmak@^1.140.0',
    'jsii-docgen@^10.5.0',
    'ts-jest@^29.4.15',
    'ts-json-schema-generator@^2.4.0',
  ],

  jestOptions: {
    jestVersion: '^30',
    // Snapshot drift must fail CI; `npm run test:update` refreshes them on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
    },
  },
  tsconfigDev: {
    include: ['../examples/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts'],
    // Type-checking is the compiler's job (jsii + the typecheck task); ts-jest only transpiles.
    compilerOptions: { isolatedModules: true },
  },
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'bench', 'scripts', '.projenrc.ts', 'projenrc'],
    ignorePatterns: ['lib/imports/**'],
  },
  // node_modules without a slash: a symlinked node_modules (a worktree sharing one install) is ignored too.
  gitignore: ['/dist/', '/out/', '/dist-pkg/', '/.bench/', '/.generated/', '/node_modules'],
  // The tarball holds what a user runs (out/, .jsii, README, API.md, LICENSE), nothing of the repo's own tooling.
  // 'dist-pkg' is written as jsii-pacmak writes it; otherwise `projen package` appends it and dirties the tree.
  npmIgnoreOptions: {
    ignorePatterns: ['/examples/', '/bench/', '/scripts/', '/crds/', '/dist/', 'dist-pkg', '/docs/', '/.ci/', '/cdk8s.yaml', '/.bench/', '/CONTRIBUTING.md'],
  },
});

// --- packaging for its users (issue 11) -----------------------------------------------------
// aws-cdk-lib is only needed by `cdk8s-zero-trust/aws`; npm then installs it only when asked.
project.package.addField('peerDependenciesMeta', { 'aws-cdk-lib': { optional: true } });
// Entry points: the constructs and analyzer, the AWS identities, the jest matchers.
// `typesVersions` gives the same subpaths to TypeScript's older `node` module resolution,
// which ignores `exports` (the cdk8s app template's tsconfig uses it).
project.package.addField('exports', {
  '.': { types: './out/index.d.ts', default: './out/index.js' },
  './aws': { types: './out/aws/index.d.ts', default: './out/aws/index.js' },
  './jest': { types: './out/analysis/jest.d.ts', default: './out/analysis/jest.js' },
  './package.json': './package.json',
  './.jsii': './.jsii',
});
project.package.addField('typesVersions', {
  '*': { aws: ['out/aws/index.d.ts'], jest: ['out/analysis/jest.d.ts'] },
});
// The JSON Schema of `--output json` is generated from its TypeScript types before each build;
// test/analysis/output-schema.test.ts fails when the committed file is stale.
const schemaGenerate = project.addTask('schema:generate', {
  description: 'Generate lib/analysis/report/output-schema.ts from the types of the CLI\'s JSON output',
  exec: 'ts-node --transpile-only scripts/output-schema.ts',
});
project.preCompileTask.spawn(schemaGenerate);
// `require('cdk8s-zero-trust')` must not load aws-cdk-lib: make the `aws` submodule lazy.
project.compileTask.exec('node scripts/lazy-aws.js');

// Refreshing snapshots is a deliberate, separate act (`npm run test:update`); `test` never does it.
project.tasks.removeTask('test:update');
project.addTask('test:update', {
  description: 'Run jest and rewrite snapshots: only after a reviewed, intended change of access',
  exec: 'jest --ci=false -u --passWithNoTests',
  receiveArgs: true,
});

// unrs-resolver@1.13 lists platform binaries the registry lacks, which breaks `npm ci`.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });
project.package.addField('engines', { node: '>=20' });

// `npm test` also compiles with jsii and type-checks tests and examples (ts-jest only
// transpiles), so a jsii-incompatible API or a type error fails CI.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check tests, examples, benchmarks and scripts',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.prependSpawn(typecheck);
project.testTask.prependSpawn(project.compileTask);

// Examples, benchmarks and scripts are type-checked and linted like the tests.
for (const dir of ['examples', 'bench', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'] },
    marker: false,
  });
}

// `cdk8s synth` builds every example into dist/ (see examples/main.ts).
new YamlFile(project, 'cdk8s.yaml', {
  obj: {
    language: 'typescript',
    app: 'npx ts-node --transpile-only examples/main.ts',
    output: 'dist',
  },
});
project.addTask('bench:synth', {
  description: 'Print how synthesis time and output grow with workloads and links',
  exec: 'ts-node --transpile-only bench/synth.ts',
});
project.addTask('bench:compare', {
  description: 'Side by side: library synth vs its floor and cdk8s-plus-28, CLI vs YAML parsing (--large adds W=10k L=50k)',
  exec: 'ts-node --transpile-only bench/compare.ts',
  receiveArgs: true,
});
// `npm run bench` prints every benchmark's figures.
project.addTask('bench', {
  description: 'Run every benchmark (synthesis, edges, analysis, telemetry, side-by-side ratios) and print the figures',
  steps: [{ spawn: 'bench:synth' }, { spawn: 'bench:edges' }, { spawn: 'bench:analysis' }, { spawn: 'bench:telemetry' }, { spawn: 'compile' }, { spawn: 'bench:compare' }],
});
project.addTask('import:istio', {
  description: 'Regenerate lib/imports from the Istio CRDs in crds/ (maintainers only; the output is committed)',
  steps: [
    { exec: 'node scripts/cut-istio-crds.js' },
    { exec: 'cdk8s import istio:=crds/istio-subset.yaml -l typescript -o lib/imports --check-upgrade=false' },
  ],
});
project.addTask('synth', {
  description: 'Synthesize every example into dist/',
  exec: 'cdk8s synth --check-upgrade=false',
});

// Edges (issue 4): benchmark of egress and entry-point synthesis.
project.addTask('bench:edges', {
  description: 'Print how synthesis time and output grow with egress declarations and entry points',
  exec: 'ts-node --transpile-only bench/edges.ts',
});

// --- access analyzer (issue 5) ------------------------------------------------------------
// The CLI ships as a bin; `npm run bench:analysis` measures the analyzer on a generated large estate.
project.addBins({ 'cdk8s-zero-trust': 'out/cli/main.js' });
project.addTask('bench:analysis', {
  description: 'Benchmark the access analyzer (2,000 workloads, 10,000 links)',
  exec: 'ts-node --transpile-only bench/analysis.ts',
});
// --- end access analyzer ---------------------------------------------------------------------

// --- telemetry: suggest and review (issue 12) --------------------------------------------------
project.addTask('bench:telemetry', {
  description: 'Benchmark suggest/review on a week of metrics for 2,000 workloads and 1,000,000 access-log lines',
  exec: 'ts-node --transpile-only bench/telemetry.ts',
});
// --- end telemetry ---------------------------------------------------------------------------

project.synth();
