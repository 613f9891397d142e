// The estate every side-by-side benchmark declares: W workloads in W/200 namespaces (at least 2),
// L links, a quarter of them across namespaces and half with HTTP rules. Deterministic per size.

/** One workload of the generated estate. */
export interface BenchWorkload {
  readonly namespace: string;
  readonly name: string;
}

/** One link of the generated estate, by workload index. */
export interface BenchLink {
  readonly from: number;
  readonly to: number;
  readonly port: number;
  readonly http: boolean;
}

export interface BenchEstate {
  readonly namespaces: string[];
  readonly workloads: BenchWorkload[];
  readonly links: BenchLink[];
}

/** Park-Miller pseudo-random numbers, so every run measures the same estate. */
function rng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

export const BENCH_PORTS = [8080, 9090];

export function generateEstate(workloadCount: number, linkCount: number): BenchEstate {
  const random = rng(42);
  const namespaceCount = Math.max(2, Math.round(workloadCount / 200));
  const namespaces = Array.from({ length: namespaceCount }, (_, i) => `team-${i}`);
  const workloads = Array.from({ length: workloadCount }, (_, i) => ({ namespace: namespaces[i % namespaceCount], name: `svc-${i}` }));
  const byNamespace = namespaces.map((_, n) => workloads.map((_w, i) => i).filter(i => i % namespaceCount === n));
  const links: BenchLink[] = [];
  const seen = new Set<string>();
  while (links.length < linkCount) {
    const from = Math.floor(random() * workloadCount);
    const across = random() < 0.25;
    const pool = across ? null : byNamespace[from % namespaceCount];
    const to = pool ? pool[Math.floor(random() * pool.length)] : Math.floor(random() * workloadCount);
    const port = BENCH_PORTS[Math.floor(random() * BENCH_PORTS.length)];
    const key = `${from}>${to}:${port}`;
    if (from === to || seen.has(key)) continue;
    seen.add(key);
    links.push({ from, to, port, http: random() < 0.5 });
  }
  return { namespaces, workloads, links };
}
