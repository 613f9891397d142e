// A namespace in audit mode: NetworkPolicies held back, PERMISSIVE mTLS, dry-run authorization.
// The analyzer must show that nothing is enforced yet, and what enforcement would refuse.
import { App } from 'cdk8s';
import { LinkPort, Reachability, ZeroTrustMode, ZeroTrustNamespace } from '../../lib';
import { synthApp } from '../support/synth';
import { deploymentFor } from './support/objects';

/** The path whose port range holds `port` (equal outcomes merge into ranges such as `any`). */
function covering(reach: Reachability, source: string, destination: string, port: number) {
  return reach.paths().find(p => p.source === source && p.destination === destination && p.protocol === 'tcp'
    && (p.port === 'any' || (Number(p.port.split('-')[0]) <= port && port <= Number(p.port.split('-').pop()))))!;
}

function estate(mode: ZeroTrustMode): Reachability {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'shop', { mode });
  const api = ns.addWorkload('api', { ports: [{ number: 8080, name: 'http' }] });
  const db = ns.addWorkload('db', { ports: [{ number: 5432, name: 'postgres' }] });
  const worker = ns.addWorkload('worker', { ports: [{ number: 9000 }] });
  db.allowFrom(api, { ports: [LinkPort.tcp(5432)] });
  api.allowFrom(worker, { ports: [LinkPort.tcp(8080)], http: { methods: ['POST'], paths: ['/jobs/*'] } });
  const pods = [api, db, worker].map(w => deploymentFor(w, w.ports));
  return Reachability.fromManifests([...synthApp(app), ...pods]);
}

test('audit mode enforces nothing new: the undeclared worker -> db path is open, and dry-run says enforcement would deny it', () => {
  const audit = estate(ZeroTrustMode.AUDIT);
  const undeclared = covering(audit, 'shop/worker', 'shop/db', 5432);
  expect([undeclared.l4, undeclared.l7, undeclared.verdict, undeclared.dryRunL7]).toEqual(['allow', 'allow', 'allow', 'deny']);
  const declared = covering(audit, 'shop/api', 'shop/db', 5432);
  expect([declared.verdict, declared.dryRunL7]).toEqual(['allow', undefined]);
  expect(audit.findings()).toContainEqual({ kind: 'warning', subject: 'AuthorizationPolicy shop/allow-nothing', message: 'dry-run (istio.io/dry-run): reported as "if enforced", never enforced' });
});

test('the same declarations in enforce mode open exactly the declared links', () => {
  expect(estate(ZeroTrustMode.ENFORCE).allowedPaths({ platform: false })).toEqual([
    'shop/api -> shop/db tcp/5432',
    'shop/worker -> shop/api tcp/8080 POST /jobs/*',
  ]);
});
