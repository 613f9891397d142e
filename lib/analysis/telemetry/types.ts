/** Options of `Reachability.suggest`. */
export interface SuggestOptions {
  /**
   * Distinct path segments seen at one level before the level becomes a prefix match
   * (`/a/x`, `/a/y`, ... → `/a/*`). Segments that look like IDs generalise at any count.
   * @default 5
   */
  readonly pathThreshold?: number;
  /**
   * Also suggest calls the telemetry saw denied (RBAC 403, dropped by policy).
   * @default false - they are listed as comments to review
   */
  readonly includeDenied?: boolean;
  /**
   * Module the generated code imports the constructs from.
   * @default 'cdk8s-zero-trust'
   */
  readonly importFrom?: string;
  /**
   * Name of the generated function.
   * @default 'addObservedLinks'
   */
  readonly functionName?: string;
}

/** One suggested ServiceLink. */
export interface SuggestedLink {
  /** Construct id of the link. */
  readonly id: string;
  /** Client, `<namespace>/<name>`. */
  readonly from: string;
  /** Server, `<namespace>/<name>`. */
  readonly to: string;
  /** The ports as TypeScript (`LinkPort.tcp(8080)`, `LinkPort.service(443)`). */
  readonly ports: string[];
  /**
   * HTTP methods observed.
   * @default - any method (raw TCP, or no method in the telemetry)
   */
  readonly methods?: string[];
  /**
   * Istio path matches generalised from the observed paths.
   * @default - any path
   */
  readonly paths?: string[];
  /** What was observed: counts, time window, response codes, formats. */
  readonly evidence: string[];
}

/** What `suggest` found. */
export interface Suggestion {
  /** Links for observed calls the manifests do not allow yet, sorted. */
  readonly links: SuggestedLink[];
  /** Calls that need another construct or a person: outside peers, denied calls, unknown ports. */
  readonly comments: string[];
  /** Distinct observed calls the manifests already allow. */
  readonly alreadyAllowed: number;
  /** Records that could not be tied to workloads of the manifests, with the reason. */
  readonly unattributed: string[];
  /** The TypeScript to paste into the app. */
  readonly code: string;
}

/** One allowed path of the manifests and whether the telemetry used it. */
export interface PathUsage {
  /** `<source> -> <destination> <protocol>/<port>`. */
  readonly path: string;
  /** Observed calls on it. */
  readonly calls: number;
  /** Request families the path admits that no observed request matched (`GET /orders/*`). */
  readonly unusedRequests: string[];
  /** The declaration that opened it, when the manifests say. */
  readonly declaredBy: string;
}

/** An observed call the manifests (or the mesh) refuse. */
export interface DeniedCall {
  /** `<source> -> <destination> <protocol>/<port>[ <METHOD> <path>]`. */
  readonly call: string;
  /** Observed count. */
  readonly count: number;
  /** `denied` (seen refused), `audit` (audit mode would refuse), `would-deny` (the manifests refuse what was seen passing). */
  readonly kind: string;
  /** Why. */
  readonly reason: string;
}

/** What `review` found. */
export interface Review {
  /** Allowed workload-to-workload paths the telemetry used. */
  readonly used: PathUsage[];
  /** Allowed paths nobody used in the window: candidates for removal. */
  readonly unused: PathUsage[];
  /** Observed calls that were denied, or that enforcing the manifests would deny. */
  readonly denied: DeniedCall[];
  /** Records that could not be tied to workloads of the manifests, with the reason. */
  readonly unattributed: string[];
  /** Observed time window, `<first> .. <last>` in ISO 8601, or `unknown`. */
  readonly window: string;
}
