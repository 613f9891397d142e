import { Reachability } from '../../lib';
import { namespace, networkPolicy, workload } from './support/objects';
import { reachabilityMatchers } from '../../lib/analysis/jest';

const reach = Reachability.fromManifests([
  namespace('a'),
  workload('a', 'client'),
  workload('a', 'server', { ports: [{ port: 80 }] }),
  networkPolicy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  networkPolicy('a', 'server-in', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] }] }),
  networkPolicy('a', 'client-out', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }], ports: [{ port: 80 }] }] }),
], { platformWorkloads: false });

test('toAllowExactly passes on the exact set and is registered by importing the module', () => {
  expect(reach).toAllowExactly(['a/client -> a/server tcp/80']);
  expect(reach).not.toAllowExactly([]);
});

test('toAllowExactly names what is missing and what is unexpected', () => {
  const result = reachabilityMatchers.toAllowExactly(reach, ['a/server -> a/client tcp/80']);
  expect(result.pass).toBe(false);
  expect(result.message()).toBe([
    'allowed paths differ from the expected ones',
    'missing (expected but not allowed):',
    '  - a/server -> a/client tcp/80',
    'unexpected (allowed but not expected):',
    '  + a/client -> a/server tcp/80',
  ].join('\n'));
});

test('toAllowRequest explains a refusal', () => {
  const result = reachabilityMatchers.toAllowRequest(reach, { source: 'a/server', destination: 'a/client', port: 80 });
  expect(result.pass).toBe(false);
  expect(result.message()).toBe('expected a/server -> a/client tcp/80 to be allowed; verdict deny (L4 deny, L7 n/a): L4: refused by NetworkPolicy; L7: destination has no sidecar');
  expect(reach).toAllowRequest({ source: 'a/client', destination: 'a/server', port: 80 });
});
