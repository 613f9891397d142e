// Address arithmetic is bit arithmetic: masks, shifts and ORs on BigInts.
/* eslint-disable no-bitwise */
import { isIPv4, isIPv6 } from 'net';
import { IConstruct } from 'constructs';
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
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const family = isIPv4(address) ? 4 : isIPv6(address) && !address.includes('%') ? 6 : undefined;
  if (!family) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const network = value & maskOf(bits, prefix);
  return { family, network, prefix, text: `${formatAddress(family, network)}/${prefix}` };
}

/** True when `inner` lies inside `outer` and is strictly smaller. */
export function isStrictSubnet(inner: ParsedCidr, outer: ParsedCidr): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  return (inner.network & maskOf(bits, outer.prefix)) === outer.network;
}

/** Sort order of CIDR text: by family, then network, then prefix (so output is stable and readable). */
export function compareCidrs(a: ParsedCidr, b: ParsedCidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix || compareStrings(a.text, b.text);
}

function maskOf(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...zeros, ...tailParts].reduce((acc, h) => (acc << 16n) | BigInt(parseInt(h, 16)), 0n);
}

/** IPv4 dotted quad, or IPv6 in RFC 5952 form (lower case, longest zero run compressed). */
function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map(s => String((value >> s) & 0xffn)).join('.');
  const hextets = [...Array(8).keys()].map(i => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (hextets[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = hextets.map(h => h.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
