// Edges benchmark: how output and time grow with egress declarations and entry points.
// Run: npx ts-node --transpile-only bench/edges.ts  (prints figures; never a timed test)
import { performance } from 'perf_hooks';
import { App } from 'cdk8s';
import { ExternalPort, HostEgress, IdentityAwareEntryPoint, LinkPort, ZeroTrustNamespace } from '../lib';

interface Size { readonly namespaces: number; readonly workloads: number; readonly hostsPerWorkload: number; readonly distinctHosts: number }

function run(size: Size): void {
  const t0 = performance.now();
  const app = new App();
  const namespaces = Array.from({ length: size.namespaces }, (_, i) => new ZeroTrustNamespace(app, `ns-${i}`));
  for (let i = 0; i < size.workloads; i++) {
    const ns = namespaces[i % size.namespaces];
    const w = ns.addWorkload(`w-${i}`, { ports: [{ number: 8080, name: 'http' }] });
    for (let h = 0; h < size.hostsPerWorkload; h++) {
      const host = `api-${(i + h) % size.distinctHosts}.example.com`;
      new HostEgress(ns, `w-${i}-to-${host}`, { from: w, host, ports: [ExternalPort.https()], addresses: [`198.51.${(i + h) % 250}.0/24`] });
    }
    // One app in ten is published to people.
    if (i % 10 === 0) {
      new IdentityAwareEntryPoint(ns, `w-${i}-entry`, {
        workload: w,
        ports: [LinkPort.named('http')],
        oidc: { issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks' },
        requiredClaims: [{ claim: 'groups', values: ['engineering'] }, { claim: 'amr', values: ['mfa'] }],
      });
    }
  }
  const t1 = performance.now();
  const manifests = app.charts.flatMap(c => c.toJson());
  const t2 = performance.now();
  const kinds = new Map<string, number>();
  for (const m of manifests) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
  const declarations = size.workloads * size.hostsPerWorkload + Math.ceil(size.workloads / 10);
  console.log(`${size.namespaces} namespaces, ${size.workloads} workloads, ${declarations} edge declarations (${size.distinctHosts} hosts):`
    + ` declare ${(t1 - t0).toFixed(0)} ms, synth ${(t2 - t1).toFixed(0)} ms, ${manifests.length} objects`
    + ` (${[...kinds].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${n} ${k}`).join(', ')})`);
}

for (const size of [
  { namespaces: 2, workloads: 20, hostsPerWorkload: 2, distinctHosts: 5 },
  { namespaces: 10, workloads: 200, hostsPerWorkload: 3, distinctHosts: 20 },
  { namespaces: 20, workloads: 2000, hostsPerWorkload: 5, distinctHosts: 50 },
]) run(size);
