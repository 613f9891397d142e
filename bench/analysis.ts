// Benchmark of the access analyzer: 2,000 workloads and 10,000 links in 20 namespaces, written
// as YAML the way the library's constructs emit it, then read and analysed. Run: npm run bench:analysis
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import { LinkPort, Reachability, ServiceLink, ZeroTrustNamespace, ZeroTrustWorkload } from '../lib';
import { buildEstate } from '../lib/analysis/estate/build';
import { loadManifestFiles } from '../lib/analysis/estate/load';
import { analyzeEstate } from '../lib/analysis/paths/analyze';
import { conventionManifests, DeclaredEstate, DeclaredLink, DeclaredWorkload, expectedLines } from '../test/analysis/support/convention-manifests';

const NAMESPACES = 20;
const WORKLOADS = 2000;
const LINKS = 10000;

/** Deterministic pseudo-random numbers (Park-Miller), so every run measures the same estate. */
function rng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

function generate(): DeclaredEstate {
  const random = rng(42);
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `team-${i}`);
  const workloads: DeclaredWorkload[] = Array.from({ length: WORKLOADS }, (_, i) => ({
    namespace: namespaces[i % NAMESPACES],
    name: `svc-${i}`,
    ports: [{ number: 8080, name: 'http' }, { number: 9000 + (i % 50), name: 'admin' }],
  }));
  const links: DeclaredLink[] = [];
  const seen = new Set<string>();
  while (links.length < LINKS) {
    const from = workloads[Math.floor(random() * WORKLOADS)];
    // Most calls stay in the team's namespace; one in four crosses namespaces.
    const sameNamespace = random() < 0.75;
    const candidates = sameNamespace ? workloads.filter(w => w.namespace === from.namespace) : workloads;
    const to = candidates[Math.floor(random() * candidates.length)];
    const key = `${from.namespace}/${from.name}>${to.namespace}/${to.name}`;
    if (to === from || seen.has(key)) continue;
    seen.add(key);
    links.push({
      from: `${from.namespace}/${from.name}`,
      to: `${to.namespace}/${to.name}`,
      ports: [{ port: random() < 0.9 ? 8080 : to.ports[1].number }],
      http: random() < 0.5 ? { methods: ['GET', 'POST'], paths: ['/api/*'] } : undefined,
    });
  }
  return { namespaces, workloads, links };
}

function time<T>(label: string, fn: () => T): T {
  const start = process.hrtime.bigint();
  const result = fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms`);
  return result;
}

const estate = time('generate 2,000 workloads / 10,000 links', generate);
const manifests = time('emit manifests (library conventions)', () => conventionManifests(estate));
const dir = path.join(__dirname, '..', '.bench', 'estate');
time(`write ${manifests.length} objects as YAML`, () => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const ns of estate.namespaces) {
    const docs = manifests.filter(m => (m.metadata.namespace ?? m.metadata.name) === ns);
    fs.writeFileSync(path.join(dir, `${ns}.k8s.yaml`), docs.map(d => stringify(d)).join('---\n'));
  }
});
const objects = time('parse YAML files', () => loadManifestFiles([dir]));
const model = time('build estate (workloads, policies)', () => buildEstate(objects));
const analysis = time('analyze L4 + L7 (every path, every port)', () => analyzeEstate(model));
const reach = time('Reachability.fromFiles (parse + analyze)', () => Reachability.fromFiles([dir]));
const allowed = time('allowedPaths()', () => reach.allowedPaths());
const blast = time('blastRadius(team-0/svc-0)', () => reach.blastRadius('team-0/svc-0'));
time('diff (base vs itself)', () => reach.diff(reach));
time('toMermaid()', () => reach.toMermaid(false));

const expected = new Set([...estate.links.flatMap(expectedLines)]);
const workloadLines = allowed.filter(l => !l.includes('kube-dns') && !l.includes('istiod'));
console.log('');
console.log(`policies: ${model.networkPolicies.length} NetworkPolicies, ${model.authorizationPolicies.length} AuthorizationPolicies`);
console.log(`paths evaluated: ${analysis.paths.length}; allowed lines: ${allowed.length} (${workloadLines.length} between workloads, ${allowed.length - workloadLines.length} DNS/istiod)`);
console.log(`declared links reproduced exactly: ${workloadLines.length === expected.size && workloadLines.every(l => expected.has(l))}`);
console.log(`blast radius of team-0/svc-0: ${blast.direct.length} direct, ${blast.transitive.length} transitive, max ${Math.max(...blast.transitive.map(n => n.hops))} hops`);

// The same estate declared with the library's own constructs, synthesized in memory and analysed
// without YAML: the path a jest test takes with Reachability.fromApp.
console.log('');
const app = new App();
const built = time('declare with ZeroTrustNamespace + ServiceLink', () => {
  const namespaces = new Map(estate.namespaces.map(n => [n, new ZeroTrustNamespace(app, n)]));
  const byId = new Map<string, ZeroTrustWorkload>();
  for (const w of estate.workloads) {
    const ports = w.ports.map(p => ({ number: p.number, name: p.name }));
    byId.set(`${w.namespace}/${w.name}`, namespaces.get(w.namespace)!.addWorkload(w.name, { ports }));
  }
  estate.links.forEach((l, i) => new ServiceLink(byId.get(l.from)!, `link-${i}`, {
    from: byId.get(l.from)!,
    to: byId.get(l.to)!,
    ports: l.ports.map(p => LinkPort.tcp(p.port)),
    http: l.http ? { methods: [...l.http.methods!], paths: [...l.http.paths!] } : undefined,
  }));
  return [...byId.values()];
});
const synthesized = time('synthesize (chart.toJson) + pods', () => [
  ...app.charts.flatMap(c => c.toJson()),
  ...built.map(w => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: w.namespace },
    spec: {
      template: {
        metadata: { labels: w.podLabels },
        spec: { serviceAccountName: w.serviceAccountName, containers: [{ name: 'app', ports: w.ports.map(p => ({ containerPort: p.number, name: p.name })) }] },
      },
    },
  })),
]);
const fromConstructs = time('Reachability.fromManifests (analyze)', () => Reachability.fromManifests(synthesized));
const constructLines = fromConstructs.allowedPaths({ platform: false });
console.log(`declared links reproduced exactly from the constructs: ${constructLines.length === expected.size && constructLines.every(l => expected.has(l))}`);
