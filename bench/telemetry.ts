// Benchmark of `suggest` and `review` on large telemetry: a week of Istio metrics for 2,000
// workloads (one instant-vector response), and 1,000,000 Istio JSON access-log lines, streamed
// from disk. Prints time, throughput and peak heap. Run: npm run bench:telemetry
// (BENCH_TELEMETRY_SCALE=0.01 for a quick run while developing).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Reachability, Telemetry } from '../lib';
import { conventionManifests, DeclaredEstate, DeclaredLink, DeclaredWorkload } from '../test/analysis/support/convention-manifests';

const SCALE = Number(process.env.BENCH_TELEMETRY_SCALE ?? 1);
const WORKLOADS = Math.max(20, Math.round(2000 * SCALE));
const NAMESPACES = Math.min(20, Math.floor(WORKLOADS / 10));
const CALLEES = 5;
const LOG_LINES = Math.max(1000, Math.round(1_000_000 * SCALE));
const OUT = path.join(__dirname, '..', '.bench', 'telemetry');

/** Deterministic pseudo-random numbers (Park-Miller): every run measures the same input. */
function rng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** Workloads each calling CALLEES others in their namespace; half of the links are declared. */
function estate(): { declared: DeclaredEstate; calls: Array<{ from: DeclaredWorkload; to: DeclaredWorkload }> } {
  const random = rng(7);
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `team-${i}`);
  const workloads: DeclaredWorkload[] = Array.from({ length: WORKLOADS }, (_, i) => ({
    namespace: namespaces[i % NAMESPACES], name: `svc-${i}`, ports: [{ number: 8080, name: 'http' }],
  }));
  const perNs = namespaces.map(ns => workloads.filter(w => w.namespace === ns));
  const calls: Array<{ from: DeclaredWorkload; to: DeclaredWorkload }> = [];
  const links: DeclaredLink[] = [];
  workloads.forEach((from, i) => {
    const pool = perNs[i % NAMESPACES];
    const seen = new Set<string>();
    while (seen.size < Math.min(CALLEES, pool.length - 1)) {
      const to = pool[Math.floor(random() * pool.length)];
      if (to === from || seen.has(to.name)) continue;
      seen.add(to.name);
      calls.push({ from, to });
      if (random() < 0.5) links.push({ from: `${from.namespace}/${from.name}`, to: `${to.namespace}/${to.name}`, ports: [{ port: 8080 }] });
    }
  });
  return { declared: { namespaces, workloads, links }, calls };
}

function writeMetrics(file: string, calls: ReturnType<typeof estate>['calls']): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, '{"status":"success","data":{"resultType":"vector","result":[\n');
  calls.forEach((c, i) => {
    for (const [k, code] of ['200', '404', '503'].entries()) {
      const metric = {
        reporter: 'destination',
        source_workload: c.from.name,
        source_workload_namespace: c.from.namespace,
        source_principal: `spiffe://cluster.local/ns/${c.from.namespace}/sa/${c.from.name}`,
        destination_workload: c.to.name,
        destination_workload_namespace: c.to.namespace,
        destination_service_name: c.to.name,
        request_protocol: 'http',
        response_code: code,
      };
      fs.writeSync(fd, `${i === 0 && k === 0 ? '' : ',\n'}{"metric":${JSON.stringify(metric)},"value":[1795340800,"${(i % 997) + 1}"]}`);
    }
  });
  fs.writeSync(fd, '\n]}}\n');
  fs.closeSync(fd);
}

function writeAccessLog(file: string, calls: ReturnType<typeof estate>['calls']): void {
  const fd = fs.openSync(file, 'w');
  let buffer: string[] = [];
  for (let i = 0; i < LOG_LINES; i++) {
    const c = calls[i % calls.length];
    buffer.push(JSON.stringify({
      start_time: new Date(Date.UTC(2026, 10, 20) + i * 600).toISOString(),
      method: i % 3 === 0 ? 'POST' : 'GET',
      path: `/api/orders/${i % 5000}?page=${i % 7}`,
      protocol: 'HTTP/1.1',
      response_code: 200,
      response_code_details: 'via_upstream',
      upstream_cluster: `outbound|8080||${c.to.name}.${c.to.namespace}.svc.cluster.local`,
      upstream_host: '10.1.2.3:8080',
      downstream_remote_address: '10.1.2.4:51000',
      request_id: `req-${i}`,
      pod_name: `${c.from.name}-7c9d5b8f4d-q8x2m`,
      pod_namespace: c.from.namespace,
    }));
    if (buffer.length === 10000) {
      fs.writeSync(fd, buffer.join('\n') + '\n');
      buffer = [];
    }
  }
  if (buffer.length > 0) fs.writeSync(fd, buffer.join('\n') + '\n');
  fs.closeSync(fd);
}

function measure<T>(label: string, fn: () => T): T {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  const result = fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const grew = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
  console.log(`${label.padEnd(40)} ${ms.toFixed(0).padStart(7)} ms   heap ${grew >= 0 ? '+' : ''}${grew.toFixed(0)} MB`);
  return result;
}

fs.mkdirSync(OUT, { recursive: true });
const { declared, calls } = estate();
console.log(`${WORKLOADS} workloads, ${calls.length} calls observed, ${declared.links.length} declared; ${LOG_LINES} access-log lines`);
const metricsFile = path.join(OUT, 'metrics.json');
const logFile = path.join(OUT, 'access.jsonl');
measure('generate inputs', () => {
  writeMetrics(metricsFile, calls);
  writeAccessLog(logFile, calls);
});
console.log(`metrics: ${(fs.statSync(metricsFile).size / 1048576).toFixed(1)} MB, access log: ${(fs.statSync(logFile).size / 1048576).toFixed(1)} MB`);
const reach = measure('analyse manifests', () => Reachability.fromManifests(conventionManifests(declared)));

for (const [label, file] of [['metrics (vector response)', metricsFile], ['access log', logFile]] as const) {
  // The file is streamed: heap grows with distinct calls, not with the file (compare with its size).
  const start = process.hrtime.bigint();
  const t = measure(`read ${label}`, () => Telemetry.fromFiles([file]));
  const readMs = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`  ${t.records} records, ${(t.records / (readMs / 1000)).toFixed(0)} records/s, file ${(fs.statSync(file).size / 1048576).toFixed(0)} MB, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  const s = measure(`  suggest (${label})`, () => reach.suggest(t));
  console.log(`  ${s.links.length} links suggested, ${s.alreadyAllowed} calls already allowed, ${s.code.length} characters of code`);
  const r = measure(`  review (${label})`, () => reach.review(t));
  console.log(`  ${r.used.length} paths used, ${r.unused.length} unused, ${r.denied.length} denied rows`);
}

// The same access log again, in a process whose heap is capped far below the file's size.
const HEAP_MB = 128;
console.log(`read access log with the heap capped at ${HEAP_MB} MB (the file is ${(fs.statSync(logFile).size / 1048576).toFixed(0)} MB):`);
const child = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'telemetry-read.ts'), logFile], { encoding: 'utf8' });
process.stdout.write(child.stdout);
if (child.status !== 0) {
  process.stderr.write(child.stderr);
  process.exitCode = 1;
}
