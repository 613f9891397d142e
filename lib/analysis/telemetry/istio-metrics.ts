import { TelemetryInputError } from './errors';
import { Observation, ObservedEnd } from './observation';

/** Labels a series must carry to say who called whom (see the README's PromQL). */
const REQUIRED = ['source_workload', 'source_workload_namespace', 'destination_workload', 'destination_workload_namespace'];

/**
 * One series of an instant-vector query over `istio_requests_total` or
 * `istio_tcp_connections_opened_total`, summed by the standard Istio labels.
 * Returns undefined for series with a zero count (nothing happened in the window).
 */
export function metricSeriesToObservation(series: any, origin: string): Observation | undefined {
  const metric = series?.metric;
  const value = series?.value;
  if (!metric || typeof metric !== 'object' || !Array.isArray(value) || value.length !== 2) {
    throw new TelemetryInputError(origin, 'a series lacks "metric" or a two-element "value"', 'query /api/v1/query with an instant vector (resultType vector), not a range query');
  }
  for (const label of REQUIRED) {
    if (typeof metric[label] !== 'string') {
      throw new TelemetryInputError(origin, `a series lacks the label ${label}`, `group by ${REQUIRED.join(', ')} (see the README's PromQL)`);
    }
  }
  const raw = Number(value[1]);
  if (!Number.isFinite(raw) || raw < 0) throw new TelemetryInputError(origin, `value ${JSON.stringify(value[1])} is not a count`, 'query increase(...) or a counter, summed');
  // increase() extrapolates to fractions; anything above zero is at least one call.
  const count = raw === 0 ? 0 : Math.max(1, Math.round(raw));
  if (count === 0) return undefined;
  const name: string | undefined = metric.__name__;
  const protocol = String(metric.request_protocol ?? (name?.startsWith('istio_tcp') ? 'tcp' : 'http')).toLowerCase();
  const http = protocol === 'http' || protocol === 'grpc';
  const code = metric.response_code !== undefined && metric.response_code !== '' ? String(metric.response_code) : undefined;
  const port = metric.destination_port !== undefined ? Number(metric.destination_port) : undefined;
  const time = Number(value[0]);
  return {
    reporter: metric.reporter === 'source' ? 'source' : 'destination',
    format: 'istio-metrics',
    source: end(metric.source_workload, metric.source_workload_namespace, metric.source_principal),
    destination: {
      ...end(metric.destination_workload, metric.destination_workload_namespace, metric.destination_principal),
      ...(known(metric.destination_service_name) ? { service: metric.destination_service_name } : {}),
      ...(!known(metric.destination_workload) && known(metric.destination_service_name) && !String(metric.destination_service ?? '').includes('.svc.')
        ? { host: String(metric.destination_service ?? metric.destination_service_name) } : {}),
    },
    port: port !== undefined && Number.isInteger(port) && port > 0 ? port : undefined,
    transport: 'tcp',
    http,
    code,
    // The sidecar answers 403 when an AuthorizationPolicy refuses the request.
    outcome: code === '403' ? 'denied' : 'ok',
    count,
    time: Number.isFinite(time) ? Math.round(time * 1000) : undefined,
    origin,
  };
}

function end(workload: unknown, namespace: unknown, principal: unknown): ObservedEnd {
  if (!known(workload)) return { outside: true, ...(known(principal) ? { principal: String(principal) } : {}) };
  return { workload: String(workload), namespace: String(namespace), ...(known(principal) ? { principal: String(principal) } : {}) };
}

/** Istio writes `unknown` when it could not identify a peer. */
function known(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v !== 'unknown';
}
