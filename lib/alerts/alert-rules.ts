/** PromQL for the zero-trust alerts, kept apart from the construct so each query reads on its own. */

/** Prometheus label on Envoy metrics naming the pod's namespace (set by the usual pod scrape relabelling). */
export const SCRAPE_NAMESPACE_LABEL = 'namespace';
/** Prometheus label on Envoy metrics naming the pod. */
export const SCRAPE_POD_LABEL = 'pod';

/** Everything one alert needs. */
export interface AlertSettings {
  readonly threshold: number;
  readonly window: string;
  readonly forDuration: string;
  readonly severity: string;
  readonly labels: { [key: string]: string };
}

/** Anchored alternation of namespace names for `=~` (names are DNS labels, so nothing needs escaping). */
export function namespaceRegex(namespaces: string[]): string {
  return namespaces.join('|');
}

/**
 * Calls refused by the destination's sidecar (HTTP 403), per source and destination
 * workload. Reported by the destination, so a client outside the mesh still shows up
 * (as `unknown`).
 */
export function deniedCallsExpr(namespaces: string[], s: AlertSettings): string {
  return 'sum by (source_workload_namespace, source_workload, destination_workload_namespace, destination_workload) ('
    + `rate(istio_requests_total{reporter="destination", response_code="403", destination_workload_namespace=~"${namespaceRegex(namespaces)}"}[${s.window}])`
    + `) > ${s.threshold}`;
}

/**
 * TLS handshake failures seen by Envoy, per pod: on outbound clusters (this pod could not
 * establish mTLS) and on inbound listeners (a peer could not).
 */
export function mtlsFailuresExpr(namespaces: string[], s: AlertSettings): string {
  return `sum by (${SCRAPE_NAMESPACE_LABEL}, ${SCRAPE_POD_LABEL}) (`
    + `rate({__name__=~"envoy_cluster_ssl_connection_error|envoy_listener_ssl_connection_error", ${SCRAPE_NAMESPACE_LABEL}=~"${namespaceRegex(namespaces)}"}[${s.window}])`
    + `) > ${s.threshold}`;
}
