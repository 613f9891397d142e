// Cuts the Istio CRDs this library emits out of crds/istio.yaml into crds/istio-subset.yaml,
// so `cdk8s import` generates only the classes we use. Run: node scripts/cut-istio-crds.js
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const KINDS = ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication', 'ServiceEntry', 'Sidecar', 'Gateway', 'VirtualService'];
const source = path.join(__dirname, '..', 'crds', 'istio.yaml');
const docs = YAML.parseAllDocuments(fs.readFileSync(source, 'utf8')).map(d => d.toJSON()).filter(Boolean);
const kept = docs.filter(d => d.kind === 'CustomResourceDefinition' && KINDS.includes(d.spec.names.kind));
const missing = KINDS.filter(k => !kept.some(d => d.spec.names.kind === k));
if (missing.length) throw new Error(`CRDs not found in ${source}: ${missing.join(', ')}`);
// Only the v1 API of each kind: older versions would triple the generated code.
for (const d of kept) d.spec.versions = d.spec.versions.filter(v => v.name === 'v1');
kept.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
fs.writeFileSync(path.join(__dirname, '..', 'crds', 'istio-subset.yaml'), kept.map(d => YAML.stringify(d)).join('---\n'));
console.log(`kept ${kept.map(d => d.metadata.name).join(', ')}`);
