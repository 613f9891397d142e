// One measured synthesis, run in a fresh process by bench/compare.ts so no run warms another.
// Usage: ts-node --transpile-only bench/compare-worker.ts <library|library-cdk8s-yaml|floor|plus> <workloads> <links> <outdir>
// Prints one JSON line: CPU and wall milliseconds of declare + app.synth(), peak RSS, objects written.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { stringify } from 'yaml';
import { BenchEstate, generateEstate } from './estate';
import { LinkPort, ServiceLink, ZeroTrustNamespace, ZeroTrustWorkload } from '../lib';

const [mode, workloadArg, linkArg, outdir] = process.argv.slice(2);
const estate = generateEstate(Number(workloadArg), Number(linkArg));

/** The estate declared with the library: one namespace chart each, a workload each, a ServiceLink each. */
function declareLibrary(app: App, e: BenchEstate): void {
  const namespaces = new Map(e.namespaces.map(n => [n, new ZeroTrustNamespace(app, n)]));
  const workloads: ZeroTrustWorkload[] = e.workloads.map(w => namespaces.get(w.namespace)!.addWorkload(w.name, {
    ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'grpc' }],
  }));
  e.links.forEach((l, i) => new ServiceLink(workloads[l.from], `link-${i}`, {
    from: workloads[l.from],
    to: workloads[l.to],
    ports: [LinkPort.tcp(l.port)],
    http: l.http ? { methods: ['GET', 'POST'], paths: [`/api/${e.workloads[l.to].name}/*`] } : undefined,
  }));
}

/** The same estate with cdk8s-plus-28's own API: a Deployment per workload, `connections.allowTo` per link. */
function declarePlus(app: App, e: BenchEstate): void {
  const charts = new Map(e.namespaces.map(n => [n, new Chart(app, n, { namespace: n })]));
  const deployments = e.workloads.map(w => new kplus.Deployment(charts.get(w.namespace)!, w.name, {
    containers: [{ image: 'registry.example/app:1', ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'grpc' }] }],
  }));
  // cdk8s-plus names a connection's policies after the pair, so one call per pair carries all its ports.
  const portsByPair = new Map<string, number[]>();
  for (const l of e.links) portsByPair.set(`${l.from} ${l.to}`, [...(portsByPair.get(`${l.from} ${l.to}`) ?? []), l.port]);
  for (const [pair, ports] of portsByPair) {
    const [from, to] = pair.split(' ').map(Number);
    deployments[from].connections.allowTo(deployments[to], { ports: [...new Set(ports)].map(p => kplus.NetworkPolicyPort.tcp(p)) });
  }
}

/** The library's own output, as plain ApiObjects in charts of the same names: the floor of any synthesis. */
function libraryObjects(): Map<string, any[]> {
  const app = new App({ outdir: path.join(outdir, 'unused') }); // never synthesized: toJson() only
  declareLibrary(app, estate);
  return new Map(app.charts.map(c => [c.node.id, c.toJson()]));
}

function declareFloor(app: App, objects: Map<string, any[]>): void {
  for (const [id, manifests] of objects) {
    const chart = new Chart(app, id);
    manifests.forEach((m, i) => new ApiObject(chart, `o${i}`, m));
  }
}

function measure(declare: (app: App) => void): void {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  const app = new App({ outdir });
  declare(app);
  app.synth();
  const cpu = process.cpuUsage(cpu0);
  const wallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
  const files = fs.readdirSync(outdir).filter(f => f.endsWith('.yaml'));
  console.log(JSON.stringify({
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
    rssMb: process.resourceUsage().maxRSS / 1024,
    files: files.length,
  }));
}

/** The pods the policies select, written after the measurement so the CLI has workloads to analyse. */
function writeDeployments(e: BenchEstate): void {
  const docs = e.workloads.map(w => stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: w.namespace },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': w.name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': w.name } },
        spec: {
          serviceAccountName: w.name,
          containers: [{ name: 'app', image: 'registry.example/app:1', ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'grpc' }] }],
        },
      },
    },
  }));
  fs.writeFileSync(path.join(outdir, 'workloads.k8s.yaml'), docs.join('---\n'));
}

const modes: { [mode: string]: () => void } = {
  'library': () => {
    measure(app => declareLibrary(app, estate));
    writeDeployments(estate);
  },
  // The library with cdk8s's own YAML writer, to show what the manifest writer adds: the writer
  // steps aside when it finds itself already installed, so marking cdk8s's writer keeps it.
  'library-cdk8s-yaml': () => {
    Object.assign(Yaml.stringify, { manifestWriter: true });
    measure(app => declareLibrary(app, estate));
  },
  'plus': () => measure(app => declarePlus(app, estate)),
  'floor': () => {
    const objects = libraryObjects();
    measure(app => declareFloor(app, objects));
  },
};
if (!modes[mode]) throw new Error(`unknown mode "${mode}": use library, library-cdk8s-yaml, floor or plus`);
modes[mode]();
