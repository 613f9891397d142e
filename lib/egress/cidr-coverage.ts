// Address arithmetic is bit arithmetic: shifts on BigInts.
/* eslint-disable no-bitwise */
import { ParsedCidr } from './cidr';

/** A range with the sub-ranges it leaves out, both parsed. */
export interface ParsedRange {
  readonly cidr: ParsedCidr;
  readonly except: ParsedCidr[];
}

/**
 * True when the ranges together (each minus its `except` entries) hold every address of
 * IPv4 or every address of IPv6: several declarations can add up to `0.0.0.0/0`
 * (`0.0.0.0/1` plus `128.0.0.0/1`) without any of them being it.
 */
export function coversEveryAddress(ranges: ParsedRange[]): boolean {
  return ([4, 6] as const).some(family => {
    const bits = family === 4 ? 32n : 128n;
    const intervals = ranges.filter(r => r.cidr.family === family)
      .flatMap(r => subtract(interval(r.cidr, bits), r.except.map(e => interval(e, bits))));
    return intervals.length > 0 && coversAll(intervals, (1n << bits) - 1n);
  });
}

type Interval = [bigint, bigint];

function interval(c: ParsedCidr, bits: bigint): Interval {
  return [c.network, c.network + (1n << (bits - BigInt(c.prefix))) - 1n];
}

/** `whole` minus every hole, as disjoint intervals. */
function subtract(whole: Interval, holes: Interval[]): Interval[] {
  let parts: Interval[] = [whole];
  for (const [hs, he] of holes) {
    parts = parts.flatMap(([s, e]): Interval[] => {
      if (he < s || hs > e) return [[s, e]];
      const out: Interval[] = [];
      if (hs > s) out.push([s, hs - 1n]);
      if (he < e) out.push([he + 1n, e]);
      return out;
    });
  }
  return parts;
}

function coversAll(intervals: Interval[], max: bigint): boolean {
  const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let next = 0n;
  for (const [s, e] of sorted) {
    if (s > next) return false;
    if (e + 1n > next) next = e + 1n;
    if (next > max) return true;
  }
  return next > max;
}
