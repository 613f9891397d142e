// The analyzer on examples/edges (controlled egress, audit rollout): what the egress
// declarations open outside the cluster, and what audit mode would deny once enforced.
import { App } from 'cdk8s';
import { auditRollout, controlledEgress } from '../../examples/edges/edges';
import { Reachability } from '../../lib';

test('controlled egress: each workload reaches only its declared CIDR and port outside the cluster, never the internet', () => {
  const app = new App();
  controlledEgress(app);
  const r = Reachability.fromApp(app);
  expect(r.allowedPaths({ source: 'shop/checkout', platform: false })).toEqual([
    'shop/checkout -> cidr 198.51.100.0/24 tcp/443',
    'shop/checkout -> shop/recommendations tcp/8080',
  ]);
  expect(r.allowedPaths({ source: 'shop/ledger-sync', platform: false })).toEqual([
    'shop/ledger-sync -> cidr 203.0.113.0/24 except 203.0.113.128/25 tcp/8443',
  ]);
});

test('audit rollout: nothing new is enforced, and the dry-run policies say what enforcement would refuse', () => {
  const app = new App();
  auditRollout(app);
  const r = Reachability.fromApp(app);
  const back = r.paths().filter(p => p.source === 'legacy/api' && p.destination === 'legacy/web' && p.protocol === 'tcp');
  expect(back.map(p => [p.verdict, p.dryRunL7])).toEqual([['allow', 'deny']]);
  const declared = r.check({ source: 'legacy/web', destination: 'legacy/api', port: 8080, method: 'GET', path: '/v1/items' });
  expect(declared.verdict).toBe('allow');
});
