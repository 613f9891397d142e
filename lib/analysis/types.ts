/**
 * Result types of the access analyzer. They are also the JSON output of the CLI
 * (see docs/analysis-output.schema.json).
 */

/** One evaluated (source, destination, protocol, port range) with the verdict of each layer. */
export interface AccessPath {
  /** `<namespace>/<workload>`, or `external (<cidr>)` for traffic from outside the manifests. */
  readonly source: string;
  /** `<namespace>/<workload>`, `internet (0.0.0.0/0)` or `cidr <cidr>[ except <cidr>,...]`. */
  readonly destination: string;
  /** `tcp`, `udp` or `sctp`. */
  readonly protocol: string;
  /** Destination (container) port: `8080`, a range `9000-9010`, or `any`. */
  readonly port: string;
  /** The container port's name, when the port is a declared named port. */
  readonly portName?: string;
  /** Services exposing this pod port, as `<service>:<service port>`. */
  readonly servicePorts: string[];
  /** NetworkPolicy verdict: `allow` or `deny`. */
  readonly l4: string;
  /** Istio verdict: `allow`, `deny`, `unknown` or `n/a` (no sidecar, not TCP, or leaving the cluster). */
  readonly l7: string;
  /** Combined: `allow` when L4 allows and L7 allows or does not apply; `unknown` when L7 cannot be decided. */
  readonly verdict: string;
  /** HTTP request families L7 admits, e.g. `POST /v1/charges`; empty means any traffic on the port. */
  readonly requests: string[];
  /** Why each layer decided as it did. */
  readonly reasons: string[];
  /** What limits the verdict (CUSTOM policies, DENY exceptions, unresolvable conditions). */
  readonly caveats: string[];
  /** Effective mTLS mode at the destination port and what decided it. */
  readonly mtls?: string;
  /** L7 verdict if dry-run AuthorizationPolicies were enforced, when it differs from `l7`. */
  readonly dryRunL7?: string;
  /** A defense-in-depth gap: `open at L4, closed at L7` or `open at L7, closed at L4`. */
  readonly gap?: string;
  /** True when the destination is an assumed platform endpoint (kube-dns, istiod). */
  readonly platform: boolean;
}

/** A workload the analyzer found (or assumed). */
export interface WorkloadSummary {
  /** `<namespace>/<name>`. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** Deployment, StatefulSet, ..., or `Platform` for an assumed endpoint. */
  readonly kind: string;
  readonly serviceAccount: string;
  readonly sidecar: boolean;
  readonly platform: boolean;
  /** Container ports as `<protocol>/<port>[ (<name>)]`. */
  readonly ports: string[];
  readonly ingressIsolated: boolean;
  readonly egressIsolated: boolean;
}

/** Something the analyzer does not model, had to assume, or found worth a warning. */
export interface AnalysisFinding {
  /** `unsupported`, `assumption`, `gap` or `warning`. */
  readonly kind: string;
  readonly subject: string;
  readonly message: string;
}

/** A node reached from a compromised workload. */
export interface ReachedNode {
  readonly node: string;
  /** 1 for direct reach; n for a pivot through n-1 compromised workloads. */
  readonly hops: number;
  /** The chain of nodes from the compromised workload, both ends included. */
  readonly via: string[];
  /** The paths from the previous node of `via` to this node. */
  readonly paths: string[];
  /** True when some step only might be allowed (an L7 verdict of `unknown`). */
  readonly uncertain: boolean;
}

export interface BlastRadius {
  readonly workload: string;
  readonly direct: ReachedNode[];
  /** Everything reachable, direct reach included, with hop counts. */
  readonly transitive: ReachedNode[];
}

/** One access path whose verdict changed between two manifest sets. */
export interface AccessChange {
  /** Readable key: `<source> -> <destination> <protocol>/<port>`. */
  readonly path: string;
  /** `added`, `removed`, `changed` or `unchanged` for each layer and the combined verdict. */
  readonly l4: string;
  readonly l7: string;
  readonly combined: string;
  readonly before?: AccessPath;
  readonly after?: AccessPath;
}

export interface AccessDiff {
  readonly changes: AccessChange[];
  /** Number of changes where some layer or the combined verdict admits more than before. */
  readonly widened: number;
  readonly narrowed: number;
}
