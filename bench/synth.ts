// Synthesis benchmark: how output and time grow with workloads and links.
// Run: npm run bench:synth  (prints figures; never a timed test)
import { performance } from 'perf_hooks';
import { App } from 'cdk8s';
import { LinkPort, ServiceLink, ZeroTrustNamespace, ZeroTrustWorkload } from '../lib';

interface Size { readonly namespaces: number; readonly workloads: number; readonly links: number }

/** A deterministic pseudo-random generator, so every run builds the same estate. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function run(size: Size): void {
  const random = lcg(42);
  const t0 = performance.now();
  const app = new App();
  const namespaces = Array.from({ length: size.namespaces }, (_, i) => new ZeroTrustNamespace(app, `ns-${i}`));
  const workloads: ZeroTrustWorkload[] = [];
  for (let i = 0; i < size.workloads; i++) {
    workloads.push(namespaces[i % size.namespaces].addWorkload(`w-${i}`, { ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'grpc' }] }));
  }
  const seen = new Set<string>();
  let declared = 0;
  while (declared < size.links) {
    const from = workloads[Math.floor(random() * workloads.length)];
    const to = workloads[Math.floor(random() * workloads.length)];
    const port = random() < 0.5 ? 8080 : 9090;
    const key = `${from.name}>${to.name}:${port}`;
    if (from === to || seen.has(key)) continue;
    seen.add(key);
    new ServiceLink(from, `to-${to.name}-${port}`, {
      from,
      to,
      ports: [LinkPort.tcp(port)],
      http: random() < 0.5 ? { methods: ['GET', 'POST'], paths: [`/api/${to.name}/*`] } : undefined,
    });
    declared++;
  }
  const t1 = performance.now();
  // Counts link resolutions: intent is resolved once per synthesis, however many charts read it.
  const toIntent = ServiceLink.prototype.toIntent;
  let resolutions = 0;
  ServiceLink.prototype.toIntent = function (this: ServiceLink) {
    resolutions++;
    return toIntent.call(this);
  };
  const manifests = app.charts.flatMap(c => c.toJson());
  ServiceLink.prototype.toIntent = toIntent;
  const t2 = performance.now();
  const kinds = new Map<string, number>();
  for (const m of manifests) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
  const bytes = JSON.stringify(manifests).length;
  console.log(`${size.namespaces} namespaces, ${size.workloads} workloads, ${size.links} links:`
    + ` declare ${(t1 - t0).toFixed(0)} ms, synth ${(t2 - t1).toFixed(0)} ms,`
    + ` ${manifests.length} objects (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}), ${(bytes / 1e6).toFixed(1)} MB JSON,`
    + ` ${(resolutions / size.links).toFixed(2)} toIntent() calls per link`);
}

for (const size of [
  { namespaces: 2, workloads: 20, links: 50 },
  { namespaces: 10, workloads: 200, links: 1000 },
  { namespaces: 20, workloads: 2000, links: 10000 },
]) run(size);
