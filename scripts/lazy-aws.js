#!/usr/bin/env node
// Post-compile: make the `aws` submodule of out/index.js a lazy getter.
// aws-cdk-lib is an optional peer, so `require('cdk8s-zero-trust')` must not load it; jsii
// needs `export * as aws from './aws'` in lib/index.ts to see the submodule, and TypeScript
// compiles that to an eager require. The rewrite keeps the same value, loaded on first access.
const fs = require('fs');
const path = require('path');

const file = path.join(__dirname, '..', 'out', 'index.js');
const eager = 'exports.aws = __importStar(require("./aws"));';
const lazy = 'Object.defineProperty(exports, "aws", { enumerable: true, configurable: true, get: () => require("./aws") });';

const js = fs.readFileSync(file, 'utf8');
if (js.includes(lazy)) process.exit(0);
if (!js.includes(eager)) {
  console.error(`lazy-aws: ${file} has no line "${eager}"; the TypeScript output changed, update scripts/lazy-aws.js`);
  process.exit(1);
}
// `exports.aws = void 0` at the top would make the property a plain value before the getter; drop the name there.
const out = js.replace(eager, lazy).replace(/exports\.aws = (exports\.)/, '$1');
fs.writeFileSync(file, out);
