// Each reader on records written from its format's documentation: what it keeps, what it skips,
// and the exact error (file and line) for input it cannot use.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Reachability, Telemetry } from '../../../lib';
import { hubbleLineToObservation } from '../../../lib/analysis/telemetry/hubble';
import { accessLogLineToObservation } from '../../../lib/analysis/telemetry/istio-access-log';
import { metricSeriesToObservation } from '../../../lib/analysis/telemetry/istio-metrics';
import { conventionManifests } from '../support/convention-manifests';
import { REFERENCE_ESTATE } from '../support/reference-estate';

const noLinks = Reachability.fromManifests(conventionManifests({ ...REFERENCE_ESTATE, links: [] }));

describe('Istio standard metrics (Prometheus /api/v1/query vector)', () => {
  const series = (labels: object, value = '12') => ({ metric: { source_workload: 'checkout-api', source_workload_namespace: 'production', destination_workload: 'payment-service', destination_workload_namespace: 'production', ...labels }, value: [1795340800.5, value] });

  test('a request series: HTTP, count rounded up from increase(), 403 is a denial', () => {
    expect(metricSeriesToObservation(series({ request_protocol: 'http', response_code: '200' }, '11.6'), 'm:3')).toMatchObject({ http: true, count: 12, code: '200', outcome: 'ok', time: 1795340800500 });
    expect(metricSeriesToObservation(series({ request_protocol: 'http', response_code: '403' }), 'm:3')!.outcome).toBe('denied');
    expect(metricSeriesToObservation(series({ request_protocol: 'tcp' }, '0.2'), 'm:3')!.count).toBe(1);
    expect(metricSeriesToObservation(series({ request_protocol: 'tcp' }, '0'), 'm:3')).toBeUndefined();
  });

  test('unknown peers are outside the mesh', () => {
    const o = metricSeriesToObservation(series({ source_workload: 'unknown', source_principal: 'unknown' }), 'm:1')!;
    expect(o.source).toEqual({ outside: true });
  });

  test('a missing label names the file, the line and the PromQL fix', () => {
    const text = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { source_workload: 'a' }, value: [1, '1'] }] } }, null, 2);
    expect(() => Telemetry.fromText(text, 'week.json')).toThrow(/^week\.json:6: a series lacks the label source_workload_namespace; group by source_workload, source_workload_namespace/);
  });

  test('a range query (matrix) is refused with the instant-query fix', () => {
    const text = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } });
    expect(() => Telemetry.fromText(text, 'range.json')).toThrow('range.json:1: expected data.resultType "vector" with data.result, got "matrix"; run an instant query');
  });

  test('the streaming scanner copes with braces and escaped quotes inside strings, and truncated files', () => {
    const text = JSON.stringify({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          series({ request_protocol: 'http', note: 'a "quoted" {brace} ] value\\' }),
        ],
      },
    }, null, 1);
    expect(Telemetry.fromText(text, 'odd.json').records).toBe(1);
    expect(() => Telemetry.fromText(text.slice(0, text.length - 10), 'cut.json')).toThrow(/^cut\.json:\d+: the Prometheus response ends before its JSON is complete/);
  });
});

describe('Istio JSON access logs', () => {
  const entry = (fields: object) => JSON.stringify({
    start_time: '2026-11-20T10:00:00.000Z',
    method: 'GET',
    path: '/orders/7?x=1',
    protocol: 'HTTP/1.1',
    response_code: 200,
    response_code_details: 'via_upstream',
    upstream_cluster: 'outbound|8080||order-service.production.svc.cluster.local',
    upstream_host: '10.0.0.9:8080',
    downstream_remote_address: '10.0.0.5:4000',
    pod_name: 'api-gateway-7c9d5b8f4d-q8x2m',
    pod_namespace: 'production',
    ...fields,
  });

  test('outbound: the reporting pod calls the Service host on a Service port', () => {
    expect(accessLogLineToObservation(entry({}), 'a:1')).toMatchObject({
      reporter: 'source',
      source: { pod: 'api-gateway-7c9d5b8f4d-q8x2m', namespace: 'production' },
      destination: { service: 'order-service', namespace: 'production' },
      port: 8080,
      servicePort: true,
      http: true,
      method: 'GET',
      path: '/orders/7?x=1',
    });
  });

  test('inbound: the peer comes from downstream_peer_uri_san; the port is the pod port', () => {
    const o = accessLogLineToObservation(entry({ upstream_cluster: 'inbound|8080||', pod_name: 'order-service-1-2', downstream_peer_uri_san: 'spiffe://cluster.local/ns/production/sa/api-gateway' }), 'a:1')!;
    expect(o).toMatchObject({ reporter: 'destination', source: { principal: 'spiffe://cluster.local/ns/production/sa/api-gateway' }, port: 8080 });
    expect(o.servicePort).toBeUndefined();
  });

  test('RBAC denials, raw TCP, passthrough and registry-only egress', () => {
    expect(accessLogLineToObservation(entry({ response_code: 403, response_code_details: 'rbac_access_denied_matched_policy[none]' }), 'a:1')!.outcome).toBe('denied');
    expect(accessLogLineToObservation(entry({ method: null, path: null, protocol: null, response_code: 0 }), 'a:1')).toMatchObject({ http: false, code: undefined });
    expect(accessLogLineToObservation(entry({ upstream_cluster: 'PassthroughCluster', upstream_host: '203.0.113.7:443', authority: null }), 'a:1'))
      .toMatchObject({ destination: { ip: '203.0.113.7', outside: true }, port: 443, outcome: 'ok' });
    expect(accessLogLineToObservation(entry({ upstream_cluster: 'BlackHoleCluster' }), 'a:1')!.outcome).toBe('denied');
    expect(accessLogLineToObservation(entry({ upstream_cluster: 'outbound|443||api.stripe.com' }), 'a:1')!.destination).toEqual({ host: 'api.stripe.com', outside: true });
  });

  test('a log collector envelope and kubectl logs --prefix name the pod', () => {
    const inner = JSON.parse(entry({}));
    delete inner.pod_name;
    delete inner.pod_namespace;
    const envelope = JSON.stringify({ kubernetes: { pod_name: 'frontend-1-2', namespace_name: 'production', labels: { 'app.kubernetes.io/name': 'frontend' } }, log: JSON.stringify(inner) });
    expect(accessLogLineToObservation(envelope, 'a:1')!.source).toMatchObject({ pod: 'frontend-1-2', namespace: 'production' });
    expect(accessLogLineToObservation(`[pod/frontend-1-2/istio-proxy] ${JSON.stringify(inner)}`, 'a:1')!.source).toEqual({ pod: 'frontend-1-2' });
  });

  test('Envoy text lines are skipped; bad JSON and entries without a pod are errors naming the line', () => {
    expect(accessLogLineToObservation('2026-11-20T10:00:00.000Z warning envoy config', 'a:1')).toBeUndefined();
    const noPod = JSON.parse(entry({}));
    delete noPod.pod_name;
    const text = [entry({}), JSON.stringify(noPod)].join('\n');
    expect(() => Telemetry.fromText(text, 'proxy.jsonl')).toThrow(/^proxy\.jsonl:2: the entry does not say which pod wrote it; add "pod_name": "%ENVIRONMENT\(POD_NAME\)%"/);
    expect(() => Telemetry.fromText(`${entry({})}\n{"method": "GET",`, 'proxy.jsonl')).toThrow(/^proxy\.jsonl:2: not valid JSON/);
  });

  test('pods map to their workload; Services to the pod port they target', () => {
    const log = entry({ upstream_cluster: 'outbound|443||payment-service.production.svc.cluster.local', pod_name: 'order-service-5f6b7c8d9e-a1b2c', method: 'POST', path: '/api/payments/42' });
    const s = noLinks.suggest(Telemetry.fromText(log, 'one.jsonl'));
    expect(s.links.map(l => [l.from, l.to, l.ports.join(), l.paths?.join()])).toEqual([
      ['production/order-service', 'production/payment-service', 'LinkPort.service(443)', '/api/payments/*'],
    ]);
  });
});

describe('Cilium Hubble flows (hubble observe -o json)', () => {
  const endpoint = (ns: string, name: string) => ({ ID: 1, identity: 2, namespace: ns, labels: [`k8s:app.kubernetes.io/name=${name}`, `k8s:io.kubernetes.pod.namespace=${ns}`], pod_name: `${name}-abc-def`, workloads: [{ name, kind: 'Deployment' }] });
  const flow = (fields: object) => JSON.stringify({
    flow: {
      time: '2026-11-21T08:00:00.123456789Z',
      verdict: 'FORWARDED',
      IP: { source: '10.0.0.1', destination: '10.0.0.2', ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 50000, destination_port: 5432, flags: { SYN: true } } },
      source: endpoint('production', 'api-server'),
      destination: endpoint('production', 'database'),
      Type: 'L3_L4',
      traffic_direction: 'EGRESS',
      is_reply: false,
      ...fields,
    },
    node_name: 'node-1',
  });

  test('a SYN is one connection; ACKs and replies are not counted again', () => {
    expect(hubbleLineToObservation(flow({}), 'h:1')).toMatchObject({ transport: 'tcp', port: 5432, http: false, l4Only: true, source: { workload: 'api-server', namespace: 'production' } });
    expect(hubbleLineToObservation(flow({ l4: { TCP: { source_port: 1, destination_port: 5432, flags: { ACK: true } } } }), 'h:1')).toBeUndefined();
    expect(hubbleLineToObservation(flow({ is_reply: true }), 'h:1')).toBeUndefined();
  });

  test('L7 requests carry method and path; responses are skipped', () => {
    const l7 = { Type: 'L7', l4: { TCP: { source_port: 1, destination_port: 8080 } }, l7: { type: 'REQUEST', http: { method: 'POST', url: 'http://order-service.production.svc:8080/orders/9?x=1', protocol: 'HTTP/1.1' } } };
    expect(hubbleLineToObservation(flow(l7), 'h:1')).toMatchObject({ http: true, method: 'POST', path: '/orders/9', port: 8080 });
    expect(hubbleLineToObservation(flow({ ...l7, l7: { ...l7.l7, type: 'RESPONSE' } }), 'h:1')).toBeUndefined();
  });

  test('policy drops are denials, AUDIT is what enforcing would drop, world is outside', () => {
    expect(hubbleLineToObservation(flow({ verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED' }), 'h:1')!.outcome).toBe('denied');
    expect(hubbleLineToObservation(flow({ verdict: 'DROPPED', drop_reason_desc: 'CT_MAP_INSERTION_FAILED' }), 'h:1')).toBeUndefined();
    expect(hubbleLineToObservation(flow({ verdict: 'AUDIT' }), 'h:1')!.outcome).toBe('audit');
    const world = hubbleLineToObservation(flow({ destination: { ID: 0, identity: 2, labels: ['reserved:world'] }, destination_names: ['api.stripe.com'] }), 'h:1')!;
    expect(world.destination).toEqual({ outside: true, ip: '10.0.0.2', host: 'api.stripe.com' });
  });

  test('a bad port or bad JSON names the line', () => {
    expect(() => Telemetry.fromText([flow({}), flow({ l4: { TCP: { destination_port: 'x' } } })].join('\n'), 'flows.jsonl')).toThrow(/^flows\.jsonl:2: destination port "x" is not a port/);
    expect(() => Telemetry.fromText(`${flow({})}\n{"flow":`, 'flows.jsonl')).toThrow(/^flows\.jsonl:2: not valid JSON/);
  });
});

describe('format detection and files', () => {
  test('unknown or empty input is refused with the accepted formats', () => {
    expect(() => Telemetry.fromText('hello', 'x.txt')).toThrow(/^x\.txt:1: the format is not recognised \(the first line is not a JSON object\); pass a Prometheus/);
    expect(() => Telemetry.fromText('{"a": 1}', 'x.json')).toThrow(/^x\.json:1: the format is not recognised/);
    expect(() => Telemetry.fromText('  \n', 'x.json')).toThrow('x.json:1: the file is empty');
    expect(() => Telemetry.fromFiles(['/nonexistent/flows.jsonl'])).toThrow("telemetry file '/nonexistent/flows.jsonl' does not exist");
  });

  test('a file larger than one read chunk is read line by line across chunk borders', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-telemetry-'));
    const file = path.join(dir, 'big.jsonl');
    const line = JSON.stringify({ flow: { verdict: 'FORWARDED', l4: { TCP: { destination_port: 5432, flags: { SYN: true } } }, source: { namespace: 'production', workloads: [{ name: 'api-server' }], labels: ['k8s:a=' + 'x'.repeat(300)] }, destination: { namespace: 'production', workloads: [{ name: 'database' }] } } });
    fs.writeFileSync(file, `${line}\n`.repeat(8000)); // ~3 MB: several 1 MB chunks
    const t = Telemetry.fromFiles([dir]);
    expect(t.records).toBe(8000);
    expect(t.formats).toEqual(['hubble']);
    expect(noLinks.suggest(t).links[0].evidence[0]).toMatch(/^observed 8000 calls in hubble/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('paths beyond the per-group cap are cut to a prefix, keeping memory bounded', () => {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ method: 'GET', path: `/files/name${i}`, protocol: 'HTTP/1.1', response_code: 200, upstream_cluster: 'outbound|8080||order-service.production.svc.cluster.local', pod_name: 'api-gateway-1-2', pod_namespace: 'production' }));
    const t = Telemetry.fromText(lines.join('\n'), 'many.jsonl', { maxPathsPerGroup: 10 });
    expect(t.truncatedPaths).toBe(40);
    expect(noLinks.suggest(t, { pathThreshold: 100 }).links[0].paths).toEqual(['/files/*']);
  });

  test('merge combines formats', () => {
    const a = Telemetry.fromFiles([path.join(__dirname, '..', 'fixtures', 'telemetry', 'reference-metrics.json')]);
    const b = Telemetry.fromFiles([path.join(__dirname, '..', 'fixtures', 'telemetry', 'reference-hubble.jsonl')]);
    const both = Telemetry.merge([a, b]);
    expect(both.formats).toEqual(['hubble', 'istio-metrics']);
    expect(both.records).toBe(a.records + b.records);
    // Hubble pins the payment-service ports the metrics lack: no ambiguity comment survives.
    expect(noLinks.suggest(both).comments).toEqual([]);
    expect(noLinks.suggest(both).links).toHaveLength(13);
  });
});
