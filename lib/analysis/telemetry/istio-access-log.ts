import { TelemetryInputError } from './errors';
import { Observation, ObservedEnd } from './observation';

/** `kubectl logs --prefix` writes `[pod/<pod>/<container>] ` before each line. */
const KUBECTL_PREFIX = /^\[pod\/([^/\]]+)\/[^\]]+\]\s*/;

/**
 * One line of an Istio sidecar access log in JSON encoding. The default format does not name the
 * pod that wrote it, so the reporting pod comes from, in order: `pod_name`/`pod_namespace` fields
 * (`%ENVIRONMENT(POD_NAME)%`), a log collector's `kubernetes` envelope, or a `kubectl logs --prefix`
 * prefix. The peer comes from `upstream_cluster` (outbound) or `downstream_peer_uri_san` (inbound).
 * Returns undefined for lines that carry no call (blank lines, Envoy's own messages).
 */
export function accessLogLineToObservation(text: string, origin: string): Observation | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let pod: string | undefined;
  let body = trimmed;
  const prefix = KUBECTL_PREFIX.exec(body);
  if (prefix) {
    pod = prefix[1];
    body = body.slice(prefix[0].length);
  }
  // Envoy also logs plain-text warnings to the same stream; only JSON objects are access log entries.
  if (!body.startsWith('{')) return undefined;
  let entry: any;
  try {
    entry = JSON.parse(body);
  } catch (e) {
    throw new TelemetryInputError(origin, `not valid JSON (${(e as Error).message})`, 'set meshConfig.accessLogEncoding: JSON and pass the log lines unchanged');
  }
  let reporter: ObservedEnd = {};
  if (entry.kubernetes && typeof entry.kubernetes === 'object') {
    const k = entry.kubernetes;
    reporter = { pod: k.pod_name, namespace: k.namespace_name, labels: k.labels };
    entry = typeof entry.log === 'string' ? parseInner(entry.log, origin) : entry.log ?? entry;
    if (entry === undefined) return undefined;
  }
  if (typeof entry.upstream_cluster !== 'string' && entry.response_code === undefined) return undefined;
  if (typeof entry.pod_name === 'string' && entry.pod_name !== '') reporter = { ...reporter, pod: entry.pod_name };
  if (typeof entry.pod_namespace === 'string' && entry.pod_namespace !== '') reporter = { ...reporter, namespace: entry.pod_namespace };
  if (pod && !reporter.pod) reporter = { ...reporter, pod };
  if (!reporter.pod) {
    throw new TelemetryInputError(origin, 'the entry does not say which pod wrote it', 'add "pod_name": "%ENVIRONMENT(POD_NAME)%" and "pod_namespace": "%ENVIRONMENT(POD_NAMESPACE)%" to the access log format (see the README), or collect with kubectl logs --prefix');
  }
  const cluster = String(entry.upstream_cluster ?? '');
  const parts = cluster.split('|');
  const method = str(entry.method);
  const protocol = str(entry.protocol);
  const http = method !== undefined && protocol !== undefined && /^HTTP|^h2/i.test(protocol);
  const code = str(entry.response_code);
  const details = `${str(entry.response_code_details) ?? ''} ${str(entry.connection_termination_details) ?? ''}`;
  const denied = details.includes('rbac_access_denied') || (code === '403' && !str(entry.response_code_details));
  const time = entry.start_time ? Date.parse(entry.start_time) : NaN;
  const base = {
    format: 'istio-access-log' as const,
    transport: 'tcp' as const,
    http,
    method: http ? method!.toUpperCase() : undefined,
    path: http ? str(entry.path) ?? '/' : undefined,
    code: code === '0' ? undefined : code,
    outcome: denied ? 'denied' as const : 'ok' as const,
    count: 1,
    time: Number.isNaN(time) ? undefined : time,
    origin,
  };
  const peerPrincipal = str(entry.downstream_peer_uri_san) ?? str(entry.downstream_peer_principal);
  if (parts[0] === 'inbound') {
    const port = Number(parts[1]) || portOf(str(entry.downstream_local_address));
    return {
      ...base,
      reporter: 'destination',
      source: peerPrincipal ? { principal: peerPrincipal } : { ip: hostOf(str(entry.downstream_remote_address)) },
      destination: reporter,
      port,
    };
  }
  if (parts[0] === 'outbound' && parts.length === 4) {
    const host = parts[3];
    const svc = /^([^.]+)\.([^.]+)\.svc(\.|$)/.exec(host);
    return {
      ...base,
      reporter: 'source',
      source: reporter,
      destination: svc ? { service: svc[1], namespace: svc[2] } : { host, outside: true },
      port: Number(parts[1]),
      servicePort: Boolean(svc),
    };
  }
  if (cluster === 'PassthroughCluster' || cluster === 'BlackHoleCluster') {
    const upstream = str(entry.upstream_host) ?? str(entry.downstream_local_address);
    return {
      ...base,
      reporter: 'source',
      source: reporter,
      destination: { ip: hostOf(upstream), outside: true, ...(str(entry.authority) ? { host: str(entry.authority)!.split(':')[0] } : {}) },
      port: portOf(upstream),
      outcome: cluster === 'BlackHoleCluster' ? 'denied' : base.outcome,
    };
  }
  // Other clusters (InboundPassthroughCluster, gateways' own clusters) say nothing about workload pairs.
  return undefined;
}

function parseInner(text: string, origin: string): any {
  const t = text.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    return JSON.parse(t);
  } catch (e) {
    throw new TelemetryInputError(origin, `the "log" field is not valid JSON (${(e as Error).message})`, 'set meshConfig.accessLogEncoding: JSON');
  }
}

/** Envoy writes `-` (text) or null (JSON) for unset values. */
function str(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v);
  return s === '' || s === '-' ? undefined : s;
}

function hostOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const i = address.lastIndexOf(':');
  return (i > 0 ? address.slice(0, i) : address).replace(/^\[|\]$/g, '');
}

function portOf(address: string | undefined): number | undefined {
  if (!address) return undefined;
  const n = Number(address.slice(address.lastIndexOf(':') + 1));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
