// Coverage is interval arithmetic on addresses as BigInts.
/* eslint-disable no-bitwise */
import { ParsedCidr } from './cidr';

/** One declared range: a CIDR minus the sub-ranges its `except` keeps closed. */
export interface RangeWithExcepts {
  readonly cidr: ParsedCidr;
  readonly except: ParsedCidr[];
}

/** An address family a set of ranges opens entirely. */
export enum CoveredFamily {
  /** Every IPv4 address, directly or through IPv4-mapped IPv6 (`::ffff:0:0/96`). */
  IPV4 = 'IPv4',
  /** Every IPv6 address. */
  IPV6 = 'IPv6',
}

interface Interval { readonly start: bigint; readonly end: bigint }

const V4_SIZE = 1n << 32n;
const V6_SIZE = 1n << 128n;
// IPv4-mapped IPv6 addresses (RFC 4291 §2.5.5.2): many dual-stack CNIs deliver them as IPv4.
const V4_MAPPED_START = 0xffffn << 32n;

/**
 * The address families that the union of `ranges` (each minus its excepts) covers whole.
 * Exact: the ranges become intervals, are merged, and a family counts only when no
 * address of it is left out. IPv6 ranges count toward IPv4 by their IPv4-mapped part.
 */
export function coveredFamilies(ranges: readonly RangeWithExcepts[]): CoveredFamily[] {
  const v4: Interval[] = [];
  const v6: Interval[] = [];
  for (const range of ranges) {
    for (const piece of subtract(intervalOf(range.cidr), range.except.map(intervalOf))) {
      if (range.cidr.family === 4) {
        v4.push(piece);
      } else {
        v6.push(piece);
        const mapped = intersect(piece, { start: V4_MAPPED_START, end: V4_MAPPED_START + V4_SIZE - 1n });
        if (mapped) v4.push({ start: mapped.start - V4_MAPPED_START, end: mapped.end - V4_MAPPED_START });
      }
    }
  }
  const out: CoveredFamily[] = [];
  if (coversAll(v4, V4_SIZE)) out.push(CoveredFamily.IPV4);
  if (coversAll(v6, V6_SIZE)) out.push(CoveredFamily.IPV6);
  return out;
}

function intervalOf(c: ParsedCidr): Interval {
  const bits = c.family === 4 ? 32n : 128n;
  return { start: c.network, end: c.network + (1n << (bits - BigInt(c.prefix))) - 1n };
}

function intersect(a: Interval, b: Interval): Interval | undefined {
  const start = a.start > b.start ? a.start : b.start;
  const end = a.end < b.end ? a.end : b.end;
  return start <= end ? { start, end } : undefined;
}

/** `whole` minus every hole, as sorted disjoint intervals. */
function subtract(whole: Interval, holes: Interval[]): Interval[] {
  const out: Interval[] = [];
  let next = whole.start;
  for (const hole of [...holes].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))) {
    if (hole.end < next || hole.start > whole.end) continue;
    if (hole.start > next) out.push({ start: next, end: hole.start - 1n });
    if (hole.end + 1n > next) next = hole.end + 1n;
  }
  if (next <= whole.end) out.push({ start: next, end: whole.end });
  return out;
}

/** True when the intervals, merged, leave no gap in [0, size). */
function coversAll(intervals: Interval[], size: bigint): boolean {
  let next = 0n;
  for (const i of [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))) {
    if (i.start > next) return false;
    if (i.end + 1n > next) next = i.end + 1n;
    if (next >= size) return true;
  }
  return next >= size;
}
