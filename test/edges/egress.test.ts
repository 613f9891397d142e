import { App } from 'cdk8s';
import * as fc from 'fast-check';
import { controlledEgress } from '../../examples/edges/edges';
import { AddressEgress, ExternalPort, HostEgress, LinkPort, ZeroTrustNamespace } from '../../lib';
import { inIpBlock, l4EgressToAddress, outboundRoute } from './support/edge-eval';
import { tryParseCidr } from '../../lib/egress/cidr';
import { Pod, podsOf } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { chartYaml, find, synthApp } from '../support/synth';

const STRIPE_IP = '198.51.100.7';
const SAME_RANGE_OTHER_HOST_IP = '198.51.100.99';

describe('controlled egress: shop (examples/edges)', () => {
  const app = new App();
  controlledEgress(app);
  const manifests = synthApp(app);
  const pods = podsOf(manifests);
  const pod = (name: string) => pods.find(p => p.name === name)!;
  /** Both layers: the sidecar must route the host, and NetworkPolicy must admit the address it resolves to. */
  const reaches = (from: string, host: string, ip: string, port: number) =>
    outboundRoute(manifests, pod(from), host, port) !== 'blackhole' && l4EgressToAddress(manifests, pod(from), ip, port);

  test('every object validates against the real schemas', () => {
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('checkout reaches api.stripe.com:443 and no other host, port or address', () => {
    expect(reaches('checkout', 'api.stripe.com', STRIPE_IP, 443)).toBe(true);
    // Another host in the same provider range: L4 would pass, the sidecar has no route for it.
    expect(l4EgressToAddress(manifests, pod('checkout'), SAME_RANGE_OTHER_HOST_IP, 443)).toBe(true);
    expect(outboundRoute(manifests, pod('checkout'), 'files.evil.example', 443)).toBe('blackhole');
    expect(reaches('checkout', 'files.evil.example', SAME_RANGE_OTHER_HOST_IP, 443)).toBe(false);
    expect(reaches('checkout', 'api.stripe.com', STRIPE_IP, 80)).toBe(false);
    expect(reaches('checkout', 'www.example.org', '192.0.2.10', 443)).toBe(false);
    expect(l4EgressToAddress(manifests, pod('checkout'), '8.8.8.8', 443)).toBe(false);
  });

  test('only the declaring workload opens the host at L4; the registration is namespace-local', () => {
    expect(outboundRoute(manifests, pod('ledger-sync'), 'api.stripe.com', 443)).toBe('registered');
    expect(reaches('ledger-sync', 'api.stripe.com', STRIPE_IP, 443)).toBe(false);
    const se = find(manifests, 'ServiceEntry', 'external-api-stripe-com', 'shop');
    expect(se.spec).toEqual({
      hosts: ['api.stripe.com'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      exportTo: ['.'],
      ports: [{ number: 443, name: 'https-443', protocol: 'HTTPS' }],
    });
    const otherNamespacePod: Pod = { ...pod('checkout'), namespace: 'elsewhere' };
    expect(outboundRoute(manifests, otherNamespacePod, 'api.stripe.com', 443)).toBe('passthrough');
  });

  test('ledger-sync reaches the partner range on 8443, but not its excepted half, nor other ports', () => {
    expect(l4EgressToAddress(manifests, pod('ledger-sync'), '203.0.113.10', 8443)).toBe(true);
    expect(l4EgressToAddress(manifests, pod('ledger-sync'), '203.0.113.127', 8443)).toBe(true);
    expect(l4EgressToAddress(manifests, pod('ledger-sync'), '203.0.113.128', 8443)).toBe(false);
    expect(l4EgressToAddress(manifests, pod('ledger-sync'), '203.0.113.200', 8443)).toBe(false);
    expect(l4EgressToAddress(manifests, pod('ledger-sync'), '203.0.114.1', 8443)).toBe(false);
    expect(l4EgressToAddress(manifests, pod('ledger-sync'), '203.0.113.10', 443)).toBe(false);
    expect(l4EgressToAddress(manifests, pod('ledger-sync'), '203.0.113.10', 8443, 'UDP')).toBe(false);
    expect(l4EgressToAddress(manifests, pod('checkout'), '203.0.113.10', 8443)).toBe(false);
    // In registry-only mode the range must be known to the sidecar too.
    const se = find(manifests, 'ServiceEntry', 'external-cidr-203-0-113-0-24', 'shop');
    expect(se.spec.addresses).toEqual(['203.0.113.0/24']);
    expect(se.spec.resolution).toBe('NONE');
  });

  test('the namespace Sidecar is registry-only and imports its own namespace and the control plane only', () => {
    const sidecar = find(manifests, 'Sidecar', 'default', 'shop');
    expect(sidecar.spec).toEqual({ egress: [{ hosts: ['./*', 'istio-system/*'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
  });

  test('no rule anywhere opens all egress', () => {
    const egressRules = manifests.filter(m => m.kind === 'NetworkPolicy').flatMap(np => np.spec.egress ?? []);
    for (const rule of egressRules) {
      expect(rule.to?.length).toBeGreaterThan(0);
      expect(rule.ports?.length).toBeGreaterThan(0);
      for (const peer of rule.to) expect(String(peer.ipBlock?.cidr ?? 'pod peer')).not.toMatch(/\/0$/);
    }
  });
});

describe('egress declarations', () => {
  function setting() {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'payments');
    const api = ns.addWorkload('api');
    const worker = ns.addWorkload('worker');
    const db = ns.addWorkload('db', { ports: [{ number: 5432, name: 'postgres' }] });
    const risk = new ZeroTrustNamespace(app, 'risk');
    const scorer = risk.addWorkload('scorer', { ports: [{ number: 9090, name: 'http' }] });
    return { app, ns, api, worker, db, scorer };
  }
  const podOf = (ns: string, name: string): Pod => ({ namespace: ns, name, labels: { 'app.kubernetes.io/name': name }, serviceAccount: name, ports: [], sidecar: true });

  test('the Sidecar imports the namespaces that links call, so declared links keep working', () => {
    const { app, ns, api, db, scorer } = setting();
    db.allowFrom(api, { ports: [LinkPort.named('postgres')] });
    scorer.allowFrom(api, { ports: [LinkPort.tcp(9090)] });
    new HostEgress(ns, 'api-to-stripe', { from: api, host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: ['198.51.100.0/24'] });
    const manifests = synthApp(app);
    expect(find(manifests, 'Sidecar', 'default', 'payments').spec.egress).toEqual([{ hosts: ['./*', 'istio-system/*', 'risk/*'] }]);
    expect(manifests.filter(m => m.kind === 'Sidecar' && m.metadata.namespace === 'risk')).toEqual([]);
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('several workloads calling one host share one ServiceEntry with the union of ports, each with its own NetworkPolicy rule', () => {
    const { app, ns, api, worker } = setting();
    new HostEgress(ns, 'a', { from: api, host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: ['198.51.100.0/24'] });
    new HostEgress(ns, 'b', { from: worker, host: 'api.stripe.com', ports: [ExternalPort.http(80)], addresses: ['198.51.100.0/24'] });
    const manifests = synthApp(app);
    expect(manifests.filter(m => m.kind === 'ServiceEntry').map(m => m.metadata.name)).toEqual(['external-api-stripe-com']);
    expect(find(manifests, 'ServiceEntry', 'external-api-stripe-com').spec.ports.map((p: any) => p.number)).toEqual([80, 443]);
    expect(l4EgressToAddress(manifests, podOf('payments', 'api'), STRIPE_IP, 443)).toBe(true);
    expect(l4EgressToAddress(manifests, podOf('payments', 'api'), STRIPE_IP, 80)).toBe(false);
    expect(l4EgressToAddress(manifests, podOf('payments', 'worker'), STRIPE_IP, 80)).toBe(true);
    expect(l4EgressToAddress(manifests, podOf('payments', 'worker'), STRIPE_IP, 443)).toBe(false);
  });

  test('hosts whose readable names coincide still get one ServiceEntry each', () => {
    const { app, ns, api } = setting();
    new HostEgress(ns, 'a', { from: api, host: 'a-b.example.com', ports: [ExternalPort.https()], addresses: ['192.0.2.0/24'] });
    new HostEgress(ns, 'b', { from: api, host: 'a.b-example.com', ports: [ExternalPort.https()], addresses: ['192.0.2.0/24'] });
    const entries = synthApp(app).filter(m => m.kind === 'ServiceEntry');
    expect(entries.map(m => [m.metadata.name, m.spec.hosts[0]])).toEqual([
      ['external-a-b-example-com', 'a-b.example.com'],
      ['external-a-b-example-com-2', 'a.b-example.com'],
    ]);
  });

  test('the whole internet only by name: allowAnyAddressUnsafe leaves the sidecar registry as the gate', () => {
    const { app, ns, api } = setting();
    new HostEgress(ns, 'api-to-stripe', { from: api, host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: ['0.0.0.0/0', '::/0'], allowAnyAddressUnsafe: true });
    const manifests = synthApp(app);
    expect(find(manifests, 'NetworkPolicy', 'api-egress').spec.egress).toEqual([{
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    }]);
    expect(l4EgressToAddress(manifests, podOf('payments', 'api'), '8.8.8.8', 443)).toBe(true);
    expect(l4EgressToAddress(manifests, podOf('payments', 'api'), '8.8.8.8', 53, 'UDP')).toBe(false);
    expect(outboundRoute(manifests, podOf('payments', 'api'), 'api.stripe.com', 443)).toBe('registered');
    expect(outboundRoute(manifests, podOf('payments', 'api'), 'pastebin.example', 443)).toBe('blackhole');
  });

  test('IPv6 ranges, UDP ports and except lists are emitted canonically and evaluated as declared', () => {
    const { app, ns, api } = setting();
    new AddressEgress(ns, 'ntp', { from: api, cidr: '2001:db8::/32', except: ['2001:db8:ff::/48'], ports: [ExternalPort.udp(123)] });
    const manifests = synthApp(app);
    expect(find(manifests, 'NetworkPolicy', 'api-egress').spec.egress).toEqual([{
      to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:ff::/48'] } }],
      ports: [{ protocol: 'UDP', port: 123 }],
    }]);
    const api6 = podOf('payments', 'api');
    expect(l4EgressToAddress(manifests, api6, '2001:db8:1::1', 123, 'UDP')).toBe(true);
    expect(l4EgressToAddress(manifests, api6, '2001:db8:ff::1', 123, 'UDP')).toBe(false);
    expect(l4EgressToAddress(manifests, api6, '2001:db9::1', 123, 'UDP')).toBe(false);
    expect(l4EgressToAddress(manifests, api6, '2001:db8:1::1', 123, 'TCP')).toBe(false);
    // UDP is not proxied, so no ServiceEntry and no registry-only switch are needed for it.
    expect(manifests.filter(m => m.kind === 'ServiceEntry')).toEqual([]);
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('the same declarations in any order give byte-identical YAML', () => {
    const declare = (order: number[]) => {
      const { ns, api, worker } = setting();
      const decls = [
        () => new HostEgress(ns, 'a', { from: api, host: 'api.stripe.com', ports: [ExternalPort.https()], addresses: ['198.51.100.0/24', '192.0.2.0/24'] }),
        () => new HostEgress(ns, 'b', { from: worker, host: 'hooks.slack.com', ports: [ExternalPort.https()], addresses: ['192.0.2.0/25'] }),
        () => new AddressEgress(ns, 'c', { from: worker, cidr: '203.0.113.0/24', except: ['203.0.113.9/32', '203.0.113.1/32'], ports: [ExternalPort.tcp(22), ExternalPort.tls(8443)] }),
        () => new AddressEgress(ns, 'd', { from: api, cidr: '10.20.0.0/16', ports: [ExternalPort.tcp(5432)] }),
      ];
      for (const i of order) decls[i]();
      return chartYaml(ns);
    };
    const reference = declare([0, 1, 2, 3]);
    expect(declare([3, 2, 1, 0])).toBe(reference);
    expect(declare([2, 0, 3, 1])).toBe(reference);
    expect(reference).toContain('- 203.0.113.1/32\n');
    expect(reference.indexOf('203.0.113.1/32')).toBeLessThan(reference.indexOf('203.0.113.9/32'));
  });
});

describe('CIDR parsing agrees with Node\'s own address matching', () => {
  const ipv4 = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(p => p.join('.'));

  test('the canonical network of any address/prefix contains exactly the addresses Node says it does', () => {
    fc.assert(fc.property(ipv4, fc.integer({ min: 0, max: 32 }), ipv4, (addr, prefix, probe) => {
      const parsed = tryParseCidr(`${addr}/${prefix}`)!;
      expect(parsed).toBeDefined();
      // Canonical form is a fixed point, and membership is unchanged by canonicalisation.
      expect(tryParseCidr(parsed.text)!.text).toBe(parsed.text);
      expect(inIpBlock({ cidr: parsed.text }, addr)).toBe(true);
      const blockSize = 2 ** (32 - prefix);
      const sameNetwork = Math.floor(ipToInt(probe) / blockSize) === Math.floor(ipToInt(addr) / blockSize);
      expect(inIpBlock({ cidr: parsed.text }, probe)).toBe(sameNetwork);
    }));
  });

  test.each([
    ['10.0.0.0/8', '10.0.0.0/8'], ['10.1.2.3/8', '10.0.0.0/8'], ['2001:DB8:0:0::/32', '2001:db8::/32'],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'], ['::ffff:192.0.2.0/120', '::ffff:c000:200/120'], ['::/0', '::/0'],
  ])('%s is read as %s', (text, canonical) => {
    expect(tryParseCidr(text)?.text).toBe(canonical);
  });

  test.each(['10.0.0.0', '10.0.0.0/33', '10.0.0/8', '10.0.0.0/08', '256.0.0.0/8', '10.0.0.0/-1', 'fe80::1%eth0/64', '2001:db8::/129', '', 'example.com/24', '10.0.0.0/8/8'])('"%s" is refused', text => {
    expect(tryParseCidr(text)).toBeUndefined();
  });
});

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
}
