#!/usr/bin/env node
// Post-compile: make the `aws` submodule of out/index.js a lazy getter.
// aws-cdk-lib is an optional peer, so `require('cdk8s-zero-trust')` must not load it; jsii
// needs `export * as aws from './aws'` in lib/index.ts to see the submodule, and TypeScript
// compiles that to an eager require. The rewrite keeps the same value, loaded on first access.
const fs = require('fs');
const path = require('path');

const file = path.join(__dirname, '..', 'out', 'index.js');
const types = path.join(__dirname, '..', 'out', 'index.d.ts');
const eager = 'exports.aws = __importStar(require("./aws"));';
const lazy = 'Object.defineProperty(exports, "aws", { enumerable: true, configurable: true, get: () => require("./aws") });';

const js = fs.readFileSync(file, 'utf8');
if (!js.includes(eager) && !js.includes(lazy)) {
  console.error(`lazy-aws: ${file} has no line "${eager}"; the TypeScript output changed, update scripts/lazy-aws.js`);
  process.exit(1);
}
// `exports.aws = void 0` at the top would make the property a plain value before the getter; drop the name there.
const out = js.replace(eager, lazy).replace(/exports\.aws = (exports\.)/, '$1');
fs.writeFileSync(file, out);

// The index's types must not name aws-cdk-lib either: a cdk8s-only project type-checks
// node_modules/cdk8s-zero-trust/out/index.d.ts without it. TypeScript users import
// `cdk8s-zero-trust/aws`; jsii languages read the submodule from .jsii, not from this file.
const dts = fs.readFileSync(types, 'utf8');
const reexport = "export * as aws from './aws';";
if (dts.includes(reexport)) {
  fs.writeFileSync(types, dts.replace(reexport, "// `aws` (AWS identities, needs aws-cdk-lib): import from 'cdk8s-zero-trust/aws'."));
} else if (!dts.includes("import from 'cdk8s-zero-trust/aws'")) {
  console.error(`lazy-aws: ${types} has no line "${reexport}"; update scripts/lazy-aws.js`);
  process.exit(1);
}
