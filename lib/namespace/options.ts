/** Pod Security Standard a namespace enforces. */
export enum PodSecurityLevel {
  /**
   * Hardened pods only. Sidecar mode needs the Istio CNI plugin, since the istio-init
   * container needs NET_ADMIN and NET_RAW. Adopted pods are made to pass it, or refused.
   */
  RESTRICTED = 'restricted',
  /**
   * Prevents known privilege escalations. Also forbids NET_ADMIN and NET_RAW, so sidecar
   * mode needs the Istio CNI plugin here too.
   */
  BASELINE = 'baseline',
  /** No restriction. */
  PRIVILEGED = 'privileged',
}

/** Where the Istio control plane runs. */
export interface ControlPlaneOptions {
  /**
   * Namespace of istiod.
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /**
   * Istio revision. The namespace is then labelled `istio.io/rev: <revision>` instead of
   * `istio-injection: enabled`, and egress goes to that revision's istiod pods only.
   * @default - the default revision, selected by `istio-injection: enabled`
   */
  readonly revision?: string;
  /**
   * Labels of the istiod pods.
   * @default - `{ app: 'istiod' }`, plus `istio.io/rev: <revision>` when a revision is set
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Port sidecars use for xDS and certificates.
   * @default 15012
   */
  readonly port?: number;
}

/** Where cluster DNS runs. */
export interface DnsOptions {
  /**
   * Namespace of the DNS pods.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the DNS pods (CoreDNS keeps the historical kube-dns label).
   * @default - `{ 'k8s-app': 'kube-dns' }`
   */
  readonly podLabels?: { [key: string]: string };
}

/** Who may scrape sidecar metrics (TCP 15020 and 15090). */
export interface MonitoringOptions {
  /** Namespace of the scraper, e.g. 'monitoring'. */
  readonly namespace: string;
  /**
   * Labels of the scraper pods.
   * @default - every pod of that namespace
   */
  readonly podLabels?: { [key: string]: string };
}
