// Outside egress from an ambient namespace: by address range it holds at L3/L4 as declared; by host
// name it is refused, since nothing there would check the name and every host in the ranges would open.
import { App } from 'cdk8s';
import { AddressEgress, DataPlane, ExternalPort, HostEgress, ZeroTrustNamespace } from '../../lib';
import { find, synthApp } from '../support/synth';

function ambientShop() {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'shop', { dataPlane: DataPlane.AMBIENT });
  const api = ns.addWorkload('api', { ports: [{ number: 8080, name: 'http' }] });
  return { app, ns, api };
}

describe('outside egress from an ambient namespace', () => {
  test('HostEgress is refused with the path, the host and the fix, and nothing of it is emitted', () => {
    const { app, api } = ambientShop();
    expect(() => new HostEgress(api, 'stripe', { from: api, host: 'api.stripe.com', addresses: ['203.0.113.0/24'], ports: [ExternalPort.tcp(443)] })).toThrow(
      '[shop/api/stripe] HostEgress to "api.stripe.com" from shop/api, whose namespace is ambient: nothing there checks the host name (that needs an egress waypoint, which this library does not emit), so every host in the address ranges would be reachable. Fix: declare AddressEgress with those ranges if any host in them may be called, or keep the workload in a sidecar namespace (dataPlane: DataPlane.SIDECAR).');
    const manifests = synthApp(app);
    expect(manifests.filter(m => m.kind === 'ServiceEntry')).toEqual([]);
    expect(JSON.stringify(manifests)).not.toContain('203.0.113.0/24');
  });

  test('AddressEgress opens exactly its range and port at L3/L4', () => {
    const { app, api } = ambientShop();
    new AddressEgress(api, 'payments', { from: api, cidr: '203.0.113.0/24', ports: [ExternalPort.tcp(443)] });
    const policy = find(synthApp(app), 'NetworkPolicy', 'api-egress');
    const rules = policy.spec.egress.filter((r: any) => (r.to ?? []).some((p: any) => p.ipBlock));
    expect(rules).toEqual([{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
  });
});
