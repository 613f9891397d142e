import { compareCidrs, isStrictSubnet, tryParseCidr } from '../../lib/egress/cidr';

const text = (t: string) => tryParseCidr(t)?.text;

describe('CIDR parsing (ipaddr.js underneath)', () => {
  test.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['2001:DB8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'], // RFC 5952: lower case, longest zero run
    ['2001:0db8::/32', '2001:db8::/32'],
    ['1:2:3:4:5:6:7::/128', '1:2:3:4:5:6:7:0/128'], // a single zero hextet is not compressed
    ['::ffff:192.0.2.1/128', '::ffff:c000:201/128'],
    ['::1.2.3.4/128', '::102:304/128'], // IPv4-compatible stays itself, not ::ffff:1.2.3.4
  ])('%s is canonically %s', (input, canonical) => expect(text(input)).toBe(canonical));

  test.each(['010.0.0.0/8', '0x0a.0.0.0/8', '10.0.0/8', '10.0.0.0/08', '10.0.0.0/33', '2001:db8::/129',
    'fe80::1%eth0/64', '::ffff:192.0.2.01/128', '10.0.0.0', '10.0.0.0/8/8', 'example.com/24'])('%s is refused', input => {
    expect(tryParseCidr(input)).toBeUndefined();
  });

  test('subnets and order follow the address, not the text', () => {
    const [a, b, c, d] = ['10.0.0.0/8', '10.128.0.0/9', '9.0.0.0/8', '2001:db8::/32'].map(t => tryParseCidr(t)!);
    expect([isStrictSubnet(b, a), isStrictSubnet(a, b), isStrictSubnet(a, a), isStrictSubnet(c, a), isStrictSubnet(d, a)])
      .toEqual([true, false, false, false, false]);
    expect([a, b, c, d].sort(compareCidrs).map(p => p.text)).toEqual(['9.0.0.0/8', '10.0.0.0/8', '10.128.0.0/9', '2001:db8::/32']);
    expect(tryParseCidr('2001:db8::/32')!.network).toBe(0x20010db8n * 2n ** 96n);
  });
});
