import { IConstruct } from 'constructs';
import { IPv4, IPv6 } from 'ipaddr.js';
import { zeroTrustError } from '../errors';
import { compareStrings } from '../model/order';

/** A parsed CIDR: address family, network address as a number, prefix length. */
export interface ParsedCidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
  /** Canonical text, as NetworkPolicy should carry it. */
  readonly text: string;
}

/** Options that relax CIDR checks on purpose. */
export interface CidrCheckOptions {
  /** Accept `0.0.0.0/0` and `::/0`, which admit every address. */
  readonly allowAnyAddress: boolean;
  /** Option name to mention in the fix. */
  readonly optInName: string;
}

/**
 * Parses and checks a CIDR. Refuses malformed text, host bits set (the policy would
 * not mean what it says), and every-address ranges unless the caller opted in by name.
 */
export function parseCidr(scope: IConstruct, what: string, text: string, options: CidrCheckOptions): ParsedCidr {
  const parsed = tryParseCidr(text);
  if (!parsed) {
    throw zeroTrustError(scope, `${what} "${text}" is not a valid CIDR`,
      'write an IPv4 or IPv6 network with its prefix length, for example "203.0.113.0/24" or "2001:db8::/32"');
  }
  if (parsed.text !== text) {
    throw zeroTrustError(scope, `${what} "${text}" is not in canonical form`,
      `write "${parsed.text}" (host bits cleared, standard notation)`);
  }
  if (parsed.prefix === 0 && !options.allowAnyAddress) {
    throw zeroTrustError(scope, `${what} "${text}" admits every address`,
      `name the provider's ranges instead, or set ${options.optInName}: true if you really mean the whole internet`);
  }
  return parsed;
}

/** Parses `addr/prefix` (no checks beyond syntax); the `text` field is the canonical form. */
export function tryParseCidr(text: string): ParsedCidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0 || text.indexOf('/', slash + 1) >= 0) return undefined;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  // ipaddr.js also reads octal, hex and short IPv4 forms and IPv6 zones; a policy takes only the plain notations.
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || address.includes('%')) return undefined;
  if (IPv4.isValidFourPartDecimal(address)) {
    if (!IPv4.isValidCIDR(text)) return undefined;
    const network = IPv4.networkAddressFromCIDR(text);
    return { family: 4, network: toBigInt(network.toByteArray()), prefix: Number(prefixText), text: `${network.toString()}/${prefixText}` };
  }
  const hex = ipv6Hex(address);
  if (hex === undefined || !IPv6.isValidCIDR(`${hex}/${prefixText}`)) return undefined;
  const network = IPv6.networkAddressFromCIDR(`${hex}/${prefixText}`);
  return { family: 6, network: toBigInt(network.toByteArray()), prefix: Number(prefixText), text: `${network.toRFC5952String()}/${prefixText}` };
}

/**
 * IPv6 text with an embedded IPv4 tail (`::ffff:192.0.2.1`) rewritten as two hextets: ipaddr.js
 * reads `::192.0.2.1` as `::ffff:192.0.2.1`, another address, so the tail is converted here.
 */
function ipv6Hex(address: string): string | undefined {
  const tail = address.lastIndexOf(':');
  if (tail < 0 || !address.includes('.')) return tail < 0 ? undefined : address;
  const quad = address.slice(tail + 1);
  if (!IPv4.isValidFourPartDecimal(quad)) return undefined;
  const [a, b, c, d] = IPv4.parse(quad).octets;
  return `${address.slice(0, tail + 1)}${(a * 256 + b).toString(16)}:${(c * 256 + d).toString(16)}`;
}

/** True when `inner` lies inside `outer` and is strictly smaller. */
export function isStrictSubnet(inner: ParsedCidr, outer: ParsedCidr): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  const parse = (cidr: string) => (inner.family === 4 ? IPv4.parseCIDR(cidr) : IPv6.parseCIDR(cidr));
  const [innerNetwork] = parse(inner.text);
  return innerNetwork.match(parse(outer.text));
}

/** Sort order of CIDR text: by family, then network, then prefix (so output is stable and readable). */
export function compareCidrs(a: ParsedCidr, b: ParsedCidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix || compareStrings(a.text, b.text);
}

/** The address bytes as one number, for ordering (and range sums) across the whole family. */
function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((acc, byte) => acc * 256n + BigInt(byte), 0n);
}
