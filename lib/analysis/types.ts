/**
 * Result types of the access analyzer. They are also the JSON output of the CLI
 * (see docs/analysis-output.schema.json).
 */

/** One evaluated (source, destination, protocol, port range) with the verdict of each layer. */
export interface AccessPath {
  /**
   * `<namespace>/<workload>`; `external (<cidr>)` for traffic from outside the cluster; a
   * representative endpoint `<namespace>/[<labels>]` (or `[<namespace labels>]/...`, `*` for any).
   */
  readonly source: string;
  /** `<namespace>/<workload>`, `internet (0.0.0.0/0)` or `cidr <cidr>[ except <cidr>,...]`. */
  readonly destination: string;
  /**
   * `tcp`, `udp` or `sctp`.
   * @pattern ^(tcp|udp|sctp)$
   */
  readonly protocol: string;
  /**
   * Destination (container) port: `8080`, a range `9000-9010`, or `any`.
   * @pattern ^(any|[0-9]+(-[0-9]+)?)$
   */
  readonly port: string;
  /**
   * The container port's name.
   * @default - the port is not one declared named port
   */
  readonly portName?: string;
  /** Services exposing this pod port, as `<service>:<service port>`. */
  readonly servicePorts: string[];
  /**
   * NetworkPolicy verdict: `allow` or `deny`.
   * @pattern ^(allow|deny)$
   */
  readonly l4: string;
  /**
   * Istio verdict: `allow`, `deny`, `unknown` or `n/a` (no sidecar, not TCP, or leaving the cluster).
   * @pattern ^(allow|deny|unknown|n/a)$
   */
  readonly l7: string;
  /**
   * Combined: `allow` when L4 allows and L7 allows or does not apply; `unknown` when L7 cannot be decided.
   * @pattern ^(allow|deny|unknown)$
   */
  readonly verdict: string;
  /** HTTP request families L7 admits, e.g. `POST /v1/charges`; empty means any traffic on the port. */
  readonly requests: string[];
  /** Why each layer decided as it did. */
  readonly reasons: string[];
  /** What limits the verdict (CUSTOM policies, DENY exceptions, unresolvable conditions). */
  readonly caveats: string[];
  /**
   * Effective mTLS mode at the destination port and what decided it.
   * @default - L7 does not apply
   */
  readonly mtls?: string;
  /**
   * L7 verdict if dry-run AuthorizationPolicies were enforced.
   * @default - dry-run policies would not change the verdict
   * @pattern ^(allow|deny|unknown|n/a)$
   */
  readonly dryRunL7?: string;
  /**
   * A defense-in-depth gap: `open at L4, closed at L7` or `open at L7, closed at L4`.
   * @default - the layers agree
   */
  readonly gap?: string;
  /** True when the destination is an assumed platform endpoint (kube-dns, istiod). */
  readonly platform: boolean;
}

/** A workload the analyzer found (or assumed). */
export interface WorkloadSummary {
  /** `<namespace>/<name>`. */
  readonly id: string;
  /** Namespace of its pods. */
  readonly namespace: string;
  /** Name of the workload object. */
  readonly name: string;
  /** Deployment, StatefulSet, ..., or `Platform` for an assumed endpoint. */
  readonly kind: string;
  /** ServiceAccount of its pods (`default` when the pod spec names none). */
  readonly serviceAccount: string;
  /** Whether its pods get an Istio sidecar (namespace labels and pod overrides). */
  readonly sidecar: boolean;
  /** True for an assumed platform endpoint (kube-dns, istiod, the ingress gateway). */
  readonly platform: boolean;
  /** True for a representative endpoint: pods a policy names that the manifests do not hold (`<namespace>/[labels]`). */
  readonly representative: boolean;
  /** Container ports as `<protocol>/<port>[ (<name>)]`. */
  readonly ports: string[];
  /** Some NetworkPolicy isolates its ingress (otherwise every source is admitted at L4). */
  readonly ingressIsolated: boolean;
  /** Some NetworkPolicy isolates its egress (otherwise it reaches everything at L4). */
  readonly egressIsolated: boolean;
}

/** Something the analyzer does not model, had to assume, or found worth a warning. */
export interface AnalysisFinding {
  /**
   * `unsupported`, `assumption`, `gap` or `warning`.
   * @pattern ^(unsupported|assumption|gap|warning)$
   */
  readonly kind: string;
  /** What it is about: `<Kind> <namespace>/<name>`, a workload id, or a path. */
  readonly subject: string;
  /** What was found and what it means for the verdicts. */
  readonly message: string;
}

/** A node reached from a compromised workload. */
export interface ReachedNode {
  /** A workload id, or an external network. */
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

/** What a compromised workload could reach. */
export interface BlastRadius {
  /** The compromised workload, `<namespace>/<name>`. */
  readonly workload: string;
  /** What it reaches itself (1 hop). */
  readonly direct: ReachedNode[];
  /** Everything reachable, direct reach included, with hop counts. */
  readonly transitive: ReachedNode[];
}

/** One access path whose verdict changed between two manifest sets. */
export interface AccessChange {
  /** Readable key: `<source> -> <destination> <protocol>/<port>`. */
  readonly path: string;
  /**
   * `added`, `removed`, `changed` or `unchanged` for each layer and the combined verdict.
   * @pattern ^(added|removed|changed|unchanged)$
   */
  readonly l4: string;
  /**
   * Change at L7 (`changed` when it stays open but admits other HTTP requests).
   * @pattern ^(added|removed|changed|unchanged)$
   */
  readonly l7: string;
  /**
   * Change of the combined verdict.
   * @pattern ^(added|removed|changed|unchanged)$
   */
  readonly combined: string;
  /**
   * The change in one word: `added` (denied before, admitted now), `removed`, `widened` (admits
   * requests it did not before), `narrowed`, or `changed` (both, or neither, e.g. an L4-only change).
   * @pattern ^(added|removed|widened|narrowed|changed)$
   */
  readonly kind: string;
  /**
   * The path in the base manifests.
   * @default - absent: denied at every layer
   */
  readonly before?: AccessPath;
  /**
   * The path in the head manifests.
   * @default - absent: denied at every layer
   */
  readonly after?: AccessPath;
}

/** Access changes between two manifest sets. */
export interface AccessDiff {
  /** Every path whose verdict changed at some layer, sorted by path. */
  readonly changes: AccessChange[];
  /** Number of changes where some layer admits a request it did not admit before (what `--fail-on-new-access` gates). */
  readonly widened: number;
  /** Number of changes where some layer admits less than before. */
  readonly narrowed: number;
}
