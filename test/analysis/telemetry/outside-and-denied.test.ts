// Calls that are not plain workload-to-workload suggestions: peers outside the manifests become
// comments with the construct to use, denied calls are listed rather than suggested, and in audit
// mode review says what enforcing would break.
import { App } from 'cdk8s';
import { deployAndAdopt } from '../../../examples/reference/scenario';
import { LinkPort, Reachability, ServiceLink, Telemetry, ZeroTrustMode, ZeroTrustNamespace } from '../../../lib';
import { referenceApp } from '../support/app-yaml';
import { conventionManifests } from '../support/convention-manifests';
import { REFERENCE_ESTATE } from '../support/reference-estate';

const noLinks = Reachability.fromManifests(conventionManifests({ ...REFERENCE_ESTATE, links: [] }));
const log = (fields: object) => JSON.stringify({
  start_time: '2026-11-20T10:00:00.000Z',
  method: 'POST',
  path: '/v1/charges',
  protocol: 'HTTP/1.1',
  response_code: 200,
  upstream_cluster: 'outbound|443||api.stripe.com',
  pod_name: 'checkout-api-7c9d5b8f4d-q8x2m',
  pod_namespace: 'production',
  ...fields,
});

test('a host outside the cluster becomes a HostEgress comment; an address, an AddressEgress comment', () => {
  const s = noLinks.suggest(Telemetry.fromText([
    log({}),
    log({ upstream_cluster: 'PassthroughCluster', upstream_host: '203.0.113.10:5432', method: null, path: null, protocol: null, response_code: 0 }),
  ].join('\n'), 'egress.jsonl'));
  expect(s.links).toEqual([]);
  expect(s.comments).toEqual([
    "production/checkout-api calls 203.0.113.10:5432 outside the cluster (observed 1 call in istio-access-log, at 2026-11-20T10:00:00Z): declare new AddressEgress(scope, 'checkout-api-to-203-0-113-10', { from: w['production/checkout-api'], cidr: '203.0.113.10/32', ports: [ExternalPort.tcp(5432)] })",
    "production/checkout-api calls api.stripe.com:443 outside the cluster (observed 1 call in istio-access-log, at 2026-11-20T10:00:00Z): declare new HostEgress(scope, 'checkout-api-to-api-stripe-com', { from: w['production/checkout-api'], host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: [/* the provider's published ranges */] })",
  ]);
  expect(s.code).toContain('// - production/checkout-api calls api.stripe.com:443');
});

test('the ingress gateway (not in the manifests) calling a workload becomes an entry-point comment', () => {
  const metrics = JSON.stringify({
    status: 'success',
    data: {
      resultType: 'vector',
      result: [{
        metric: {
          source_workload: 'istio-ingressgateway',
          source_workload_namespace: 'istio-system',
          destination_workload: 'frontend',
          destination_workload_namespace: 'production',
          request_protocol: 'http',
          response_code: '200',
        },
        value: [1795340800, '40'],
      }],
    },
  });
  const s = noLinks.suggest(Telemetry.fromText(metrics, 'gateway.json'));
  expect(s.links).toEqual([]);
  expect(s.comments).toHaveLength(1);
  expect(s.comments[0]).toMatch(/^istio-system\/istio-ingressgateway calls production\/frontend from outside the manifests \(observed 40 calls in istio-metrics, at .*\): if it is the ingress gateway, declare an IdentityAwareEntryPoint \(people with a token\) or a PublicRoute \(anyone\) for w\['production\/frontend'\]/);
});

test('a call the mesh denied is listed, not suggested, unless asked by name', () => {
  const denied = log({
    upstream_cluster: 'outbound|6379||cache.production.svc.cluster.local',
    method: null,
    path: null,
    protocol: null,
    response_code: 0,
    connection_termination_details: 'rbac_access_denied_matched_policy[none]',
    pod_name: 'frontend-1-2',
  });
  const telemetry = Telemetry.fromText(denied, 'denied.jsonl');
  const s = noLinks.suggest(telemetry);
  expect(s.links).toEqual([]);
  expect(s.comments).toHaveLength(1);
  expect(s.comments[0]).toMatch(/^production\/frontend -> production\/cache tcp\/6379: denied in the telemetry .*not suggested: allow it only if it is legitimate \(--include-denied\)$/);
  expect(noLinks.suggest(telemetry, { includeDenied: true }).links.map(l => [l.from, l.to, l.ports.join()])).toEqual([
    ['production/frontend', 'production/cache', 'LinkPort.tcp(6379)'],
  ]);
  // Review of the full app reports it as denied.
  const review = Reachability.fromApp(referenceApp().app).review(telemetry);
  expect(review.denied.map(d => [d.call, d.kind, d.count])).toEqual([['production/frontend -> production/cache tcp/6379', 'denied', 1]]);
});

test('audit mode: review names what enforcing would break, and nothing the declared links cover', () => {
  const app = new App();
  const production = new ZeroTrustNamespace(app, 'production', { mode: ZeroTrustMode.AUDIT });
  const http = [{ number: 8080, name: 'http' }];
  const frontend = deployAndAdopt(production, 'frontend', http);
  const apiServer = deployAndAdopt(production, 'api-server', http);
  deployAndAdopt(production, 'cache', [{ number: 6379, name: 'redis' }]);
  new ServiceLink(production, 'frontend-to-api-server', { from: frontend, to: apiServer, ports: [LinkPort.tcp(8080)] });
  const reach = Reachability.fromApp(app);
  const call = (to: string, port: number) => log({
    upstream_cluster: `outbound|${port}||${to}.production.svc.cluster.local`, method: null, path: null, protocol: null, response_code: 0, pod_name: 'frontend-1-2',
  });
  const review = reach.review(Telemetry.fromText([call('api-server', 8080), call('cache', 6379)].join('\n'), 'audit.jsonl'));
  expect(review.denied.map(d => [d.call, d.kind, d.reason])).toEqual([
    ['production/frontend -> production/cache tcp/6379', 'audit', 'dry-run AuthorizationPolicies would deny it once enforced'],
  ]);
  expect(review.used.map(u => u.path)).toContain('production/frontend -> production/api-server tcp/8080');
});
