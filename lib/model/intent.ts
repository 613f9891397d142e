/**
 * The intent model: what users declared, with every reference resolved.
 *
 * Constructs record intent; renderers (one per enforcement layer) read it and emit
 * objects. A new layer (another mesh, a CNI's own policy) only needs a new renderer.
 */
import { HttpMatch } from '../link/http-match';

/** Transport protocol of a port. */
export enum TransportProtocol {
  /** TCP. Istio authorization applies (the sidecar proxies TCP). */
  TCP = 'TCP',
  /** UDP. Enforced by NetworkPolicy only: the sidecar does not proxy UDP. */
  UDP = 'UDP',
}

/** How a namespace enforces its policies. */
export enum ZeroTrustMode {
  /** Everything is enforced: default-deny NetworkPolicies, STRICT mTLS, enforced authorization. */
  ENFORCE = 'enforce',
  /**
   * Nothing new is enforced: mTLS is PERMISSIVE, every AuthorizationPolicy carries
   * `istio.io/dry-run: "true"` (Istio reports what it would deny), and NetworkPolicies are
   * held back, because NetworkPolicy has no dry-run and any policy selecting a pod isolates it.
   * For the same reason (no dry-run), entry points' RequestAuthentications and the
   * registry-only Sidecar of outside egress are held back too. A single workload can
   * audit inside an enforcing namespace (see ZeroTrustWorkloadOptions.mode).
   */
  AUDIT = 'audit',
}

/**
 * Which Istio data plane carries a namespace's traffic. The declarations are the same in
 * both; only the objects that enforce them differ.
 */
export enum DataPlane {
  /** An Envoy sidecar in every pod enforces L4 and L7 (the namespace is labelled for injection). */
  SIDECAR = 'sidecar',
  /**
   * Istio ambient: the node's ztunnel enforces mTLS and L4 authorization, a waypoint proxy
   * enforces L7 rules, and pod-to-pod traffic is tunnelled over HBONE (TCP 15008).
   */
  AMBIENT = 'ambient',
}

/** A pod port, resolved to a number (and a range end, if any). */
export interface PortIntent {
  /** Pod (container) port number. */
  readonly port: number;
  /**
   * Last port of a range, inclusive.
   * @default - a single port
   */
  readonly endPort?: number;
  /** Transport protocol. */
  readonly protocol: TransportProtocol;
}

/** Where a pod-selecting peer lives and how it is selected. */
export interface WorkloadIntent {
  /** Workload name (DNS-1123 label). */
  readonly name: string;
  /** Namespace of its pods. */
  readonly namespace: string;
  /** ServiceAccount its pods run under. */
  readonly serviceAccountName: string;
  /** Labels that select exactly this workload's pods. */
  readonly podLabels: { [key: string]: string };
  /** Istio principal: `<trust-domain>/ns/<namespace>/sa/<serviceAccount>`. */
  readonly principal: string;
  /** True when a ZeroTrustNamespace of this app owns the workload and renders its policies. */
  readonly managed: boolean;
  /**
   * The workload's own mode, when it audits inside an enforcing namespace.
   * @default - the namespace's mode
   */
  readonly mode?: ZeroTrustMode;
  /**
   * True when the workload's L7 rules are enforced by a waypoint of its own (ambient).
   * @default false - the namespace waypoint
   */
  readonly ownWaypoint?: boolean;
}

/** One declared dependency: `from` may call `to` on `ports` (and, for HTTP, `http`). */
export interface LinkIntent {
  /** Construct path of the declaration, for error messages and reports. */
  readonly path: string;
  /** The client. */
  readonly from: WorkloadIntent;
  /** The server. */
  readonly to: WorkloadIntent;
  /** Pod ports of the server, sorted. */
  readonly ports: PortIntent[];
  /**
   * HTTP constraints.
   * @default - any request on those ports
   */
  readonly http?: HttpMatch;
}

/** Where a cluster service that every pod needs runs. */
export interface PlatformEndpointIntent {
  /** Namespace of the service's pods. */
  readonly namespace: string;
  /** Labels of the service's pods. */
  readonly podLabels: { [key: string]: string };
  /** Ports to allow. */
  readonly ports: PortIntent[];
}

/** A zero-trust namespace's settings, resolved. */
export interface NamespaceIntent {
  /** Namespace name. */
  readonly name: string;
  /** SPIFFE trust domain of the mesh. */
  readonly trustDomain: string;
  /** Enforcement mode. */
  readonly mode: ZeroTrustMode;
  /** The Istio data plane of the namespace's pods. */
  readonly dataPlane: DataPlane;
  /** Cluster DNS that every pod may query. */
  readonly dns: PlatformEndpointIntent;
  /** The mesh control plane that every sidecar must reach. */
  readonly controlPlane: PlatformEndpointIntent;
  /**
   * Monitoring namespace that may scrape sidecar metrics.
   * @default - no scraping ingress
   */
  readonly monitoring?: PlatformEndpointIntent;
}
