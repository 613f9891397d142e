// The "adds up to everything" guard: exact coverage of a union of ranges, checked against an
// independent oracle, and what the egress constructs accept when the union leaves a gap.
/* eslint-disable no-bitwise */
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { AddressEgress, ExternalPort, HostEgress, ZeroTrustNamespace } from '../../lib';
import { ParsedCidr, tryParseCidr } from '../../lib/egress/cidr';
import { CoveredFamily, coveredFamilies, RangeWithExcepts } from '../../lib/egress/coverage';
import { synthApp } from '../support/synth';

const cidr = (text: string): ParsedCidr => {
  const parsed = tryParseCidr(text);
  if (!parsed) throw new Error(`bad test CIDR ${text}`);
  return parsed;
};
const range = (text: string, except: string[] = []): RangeWithExcepts => ({ cidr: cidr(text), except: except.map(cidr) });

/**
 * Oracle: a block is covered when one range holds it whole with no except touching it, or when
 * both of its halves are covered. Blocks are split only down to the longest prefix in play, below
 * which every range and except holds a block whole or not at all.
 */
function oracleCoversV4(ranges: RangeWithExcepts[]): boolean {
  const all = ranges.flatMap(r => [r.cidr, ...r.except]);
  const deepest = Math.max(0, ...all.map(c => c.prefix));
  const contains = (outer: ParsedCidr, net: bigint, prefix: number) =>
    outer.prefix <= prefix && (net >> BigInt(32 - outer.prefix)) === (outer.network >> BigInt(32 - outer.prefix));
  const overlaps = (c: ParsedCidr, net: bigint, prefix: number) =>
    contains(c, net, prefix) || (c.prefix > prefix && (c.network >> BigInt(32 - prefix)) === (net >> BigInt(32 - prefix)));
  const covered = (net: bigint, prefix: number): boolean => {
    if (ranges.some(r => contains(r.cidr, net, prefix) && !r.except.some(e => overlaps(e, net, prefix)))) return true;
    if (prefix >= deepest) return false;
    return covered(net, prefix + 1) && covered(net | (1n << BigInt(31 - prefix)), prefix + 1);
  };
  return covered(0n, 0);
}

describe('coveredFamilies decides exactly whether a union of ranges is a whole address family', () => {
  test.each([
    [['0.0.0.0/1', '128.0.0.0/1'], [CoveredFamily.IPV4]],
    [['0.0.0.0/1', '128.0.0.0/2'], []],
    [['::ffff:0:0/96'], [CoveredFamily.IPV4]],
    [['::ffff:0:0/97', '128.0.0.0/1'], [CoveredFamily.IPV4]],
    [['::/1', '8000::/1'], [CoveredFamily.IPV4, CoveredFamily.IPV6]],
    [['::/1'], [CoveredFamily.IPV4]],
    [['8000::/1'], []],
    [['10.0.0.0/8', '192.0.2.0/24'], []],
  ])('%j covers %j', (ranges, families) => {
    expect(coveredFamilies(ranges.map(r => range(r)))).toEqual(families);
  });

  test('an except that leaves one address out leaves the family uncovered; another range can fill it', () => {
    const halves = [range('0.0.0.0/1'), range('128.0.0.0/1', ['203.0.113.7/32'])];
    expect(coveredFamilies(halves)).toEqual([]);
    expect(coveredFamilies([...halves, range('203.0.113.0/24')])).toEqual([CoveredFamily.IPV4]);
    expect(coveredFamilies([range('::ffff:0:0/96', ['::ffff:cb00:7107/128'])])).toEqual([]);
  });

  test('random IPv4 unions agree with a block-by-block oracle', () => {
    // Short prefixes, so full coverage happens often enough to matter.
    const block = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(15)).map(([prefix, bits]) => {
      const net = prefix === 0 ? 0 : (bits & ((1 << prefix) - 1)) << (32 - prefix) >>> 0;
      return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${prefix}`;
    });
    const rangeArb = fc.tuple(block, fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.nat(7)), { maxLength: 2 }))
      .map(([outer, holes]) => {
        const o = cidr(outer);
        // Excepts strictly inside the range, a few prefix bits deeper.
        const except = holes.map(([deeper, bits]) => {
          const prefix = o.prefix + deeper;
          const net = o.network | (BigInt(bits & ((1 << deeper) - 1)) << BigInt(32 - prefix));
          return cidr(`${[24n, 16n, 8n, 0n].map(s => String((net >> s) & 255n)).join('.')}/${prefix}`);
        });
        return { cidr: o, except };
      });
    fc.assert(fc.property(fc.array(rangeArb, { minLength: 1, maxLength: 6 }), ranges => {
      expect(coveredFamilies(ranges).includes(CoveredFamily.IPV4)).toBe(oracleCoversV4(ranges));
    }), { numRuns: 500 });
  });
});

describe('egress declarations: the union of one workload\'s ranges on one port', () => {
  function setting() {
    const app = Testing.app();
    const ns = new ZeroTrustNamespace(app, 'shop');
    return { app, ns, api: ns.addWorkload('api') };
  }

  test('halves on different ports never add up: each port opens half of IPv4', () => {
    const { app, ns, api } = setting();
    new AddressEgress(ns, 'low', { from: api, cidr: '0.0.0.0/1', ports: [ExternalPort.tcp(443)] });
    new AddressEgress(ns, 'high', { from: api, cidr: '128.0.0.0/1', ports: [ExternalPort.tcp(8443)] });
    const egress = synthApp(app).find(m => m.kind === 'NetworkPolicy' && m.metadata.name === 'api-egress');
    expect(egress.spec.egress.filter((r: any) => r.to.some((p: any) => p.ipBlock))).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/1' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '128.0.0.0/1' } }], ports: [{ port: 8443, protocol: 'TCP' }] },
    ]);
  });

  test('halves on one TCP port with a kept-closed range are accepted: the union has a gap', () => {
    const { ns, api } = setting();
    new AddressEgress(ns, 'low', { from: api, cidr: '0.0.0.0/1', ports: [ExternalPort.tcp(443)] });
    expect(() => new AddressEgress(ns, 'high', { from: api, cidr: '128.0.0.0/1', except: ['192.0.2.0/24'], ports: [ExternalPort.tcp(443)] })).not.toThrow();
  });

  test('a UDP half and a TCP half on one port number do not add up (different L4 ports)', () => {
    const { ns, api } = setting();
    new AddressEgress(ns, 'low', { from: api, cidr: '0.0.0.0/1', ports: [ExternalPort.udp(53)] });
    expect(() => new AddressEgress(ns, 'high', { from: api, cidr: '128.0.0.0/1', ports: [ExternalPort.tcp(53)] })).not.toThrow();
  });

  test('two workloads\' halves do not add up: each opens half for itself only', () => {
    const { ns, api } = setting();
    const worker = ns.addWorkload('worker');
    new AddressEgress(ns, 'low', { from: api, cidr: '0.0.0.0/1', ports: [ExternalPort.tcp(443)] });
    expect(() => new AddressEgress(ns, 'high', { from: worker, cidr: '128.0.0.0/1', ports: [ExternalPort.tcp(443)] })).not.toThrow();
  });

  test('the named opt-in still admits what adds up to everything', () => {
    const { ns, api } = setting();
    expect(() => new HostEgress(ns, 'cdn', { from: api, host: 'cdn.example.com', ports: [ExternalPort.https()], addresses: ['::ffff:0:0/96'], allowAnyAddressUnsafe: true })).not.toThrow();
  });

  test('a refused half leaves nothing behind', () => {
    const { app, ns, api } = setting();
    new AddressEgress(ns, 'low', { from: api, cidr: '0.0.0.0/1', ports: [ExternalPort.tcp(443)] });
    const before = JSON.stringify(synthApp(app));
    expect(() => new AddressEgress(ns, 'high', { from: api, cidr: '128.0.0.0/1', ports: [ExternalPort.tcp(443)] })).toThrow(/add up to every IPv4 address/);
    expect(JSON.stringify(synthApp(app))).toBe(before);
  });
});
