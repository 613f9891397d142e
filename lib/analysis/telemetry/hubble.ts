import { TelemetryInputError } from './errors';
import { Observation, ObservedEnd, Outcome } from './observation';

/**
 * One line of `hubble observe -o json`: a `{"flow": {...}}` response (or a bare flow). Counts
 * connection attempts (TCP SYN without ACK, UDP requests) and L7 requests; replies and the other
 * trace points of the same connection are skipped so a call is not counted several times.
 * Returns undefined for lines that are not a countable call.
 */
export function hubbleLineToObservation(text: string, origin: string): Observation | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let record: any;
  try {
    record = JSON.parse(trimmed);
  } catch (e) {
    throw new TelemetryInputError(origin, `not valid JSON (${(e as Error).message})`, 'capture with hubble observe -o json (one flow per line)');
  }
  const flow = record.flow ?? record;
  if (!flow || typeof flow !== 'object' || (!flow.source && !flow.destination)) return undefined;
  if (flow.is_reply === true || flow.isReply === true) return undefined;
  const outcome = outcomeOf(flow);
  if (outcome === undefined) return undefined;
  const l4 = flow.l4 ?? {};
  const tcp = l4.TCP;
  const udp = l4.UDP;
  const sctp = l4.SCTP;
  const transport = tcp ? 'tcp' : udp ? 'udp' : sctp ? 'sctp' : undefined;
  if (!transport) return undefined;
  const portRaw = (tcp ?? udp ?? sctp).destination_port ?? (tcp ?? udp ?? sctp).destinationPort;
  const port = Number(portRaw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TelemetryInputError(origin, `destination port ${JSON.stringify(portRaw)} is not a port`, 'pass hubble observe -o json output unchanged');
  }
  const type = String(flow.Type ?? flow.type ?? 'L3_L4');
  const l7 = flow.l7;
  let httpPart: { method: string; path: string; code?: string } | undefined;
  if (type === 'L7' || l7) {
    if (!l7?.http) return undefined; // DNS, Kafka: not HTTP requests.
    if (String(l7.type ?? 'REQUEST') !== 'REQUEST') return undefined;
    httpPart = { method: String(l7.http.method ?? 'GET').toUpperCase(), path: pathOf(String(l7.http.url ?? '/')) };
  } else if (tcp) {
    const flags = tcp.flags ?? {};
    // One count per connection attempt; flows without flags (some trace points) are counted as seen.
    if (Object.keys(flags).length > 0 && !(flags.SYN && !flags.ACK)) return undefined;
  }
  const direction = String(flow.traffic_direction ?? flow.trafficDirection ?? 'EGRESS');
  const time = flow.time ? Date.parse(flow.time) : NaN;
  const ip = flow.IP ?? flow.ip ?? {};
  return {
    reporter: direction === 'INGRESS' ? 'destination' : 'source',
    format: 'hubble',
    source: endOf(flow.source, ip.source, flow.source_names),
    destination: endOf(flow.destination, ip.destination, flow.destination_names),
    port,
    transport,
    http: Boolean(httpPart),
    l4Only: !httpPart,
    method: httpPart?.method,
    path: httpPart?.path,
    code: l7?.http?.code ? String(l7.http.code) : undefined,
    outcome,
    count: 1,
    time: Number.isNaN(time) ? undefined : time,
    origin,
  };
}

/** FORWARDED passes; DROPPED by policy is a denial; AUDIT is what policy audit mode would drop. */
function outcomeOf(flow: any): Outcome | undefined {
  const verdict = String(flow.verdict ?? 'FORWARDED');
  if (verdict === 'AUDIT') return 'audit';
  if (verdict === 'DROPPED') {
    const reason = String(flow.drop_reason_desc ?? flow.dropReasonDesc ?? '');
    return reason.startsWith('POLICY_DEN') || reason === '' ? 'denied' : undefined;
  }
  if (verdict === 'ERROR') return undefined;
  return 'ok';
}

function endOf(endpoint: any, ip: string | undefined, names: unknown): ObservedEnd {
  const labels: string[] = Array.isArray(endpoint?.labels) ? endpoint.labels.map(String) : [];
  const namespace: string | undefined = endpoint?.namespace || undefined;
  if (!namespace || labels.some(l => l === 'reserved:world' || l.startsWith('reserved:world'))) {
    const host = Array.isArray(names) && names.length > 0 ? String(names[0]) : undefined;
    return { outside: true, ...(ip ? { ip } : {}), ...(host ? { host } : {}) };
  }
  const workload = Array.isArray(endpoint.workloads) && endpoint.workloads[0]?.name ? String(endpoint.workloads[0].name) : undefined;
  const podLabels: Record<string, string> = {};
  for (const l of labels) {
    const m = /^k8s:([^=]+)=(.*)$/.exec(l);
    if (m && !m[1].startsWith('io.kubernetes.') && !m[1].startsWith('io.cilium.')) podLabels[m[1]] = m[2];
  }
  return {
    namespace,
    ...(workload ? { workload } : {}),
    ...(endpoint.pod_name ? { pod: String(endpoint.pod_name) } : {}),
    ...(Object.keys(podLabels).length > 0 ? { labels: podLabels } : {}),
  };
}

function pathOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/[^?#]*)?/i.exec(url);
  if (m) return m[1] ?? '/';
  return url.startsWith('/') ? url : '/';
}
