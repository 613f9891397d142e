// Address arithmetic is bit arithmetic: shifts on BigInts.
/* eslint-disable no-bitwise */
import { Tri } from './tri';
import { tryParseCidr } from '../../egress/cidr';

/** An outside peer known only by the address range it connects from. */
export interface AddressRange {
  readonly cidr: string;
  readonly except: readonly string[];
}

type Interval = [bigint, bigint];

/**
 * Whether `ipBlocks` / `notIpBlocks` (the connection's source address) match every address
 * of `range` ('yes'), none of them ('no'), or some ('unknown'). Blocks of the other address
 * family, or that do not parse, make no claim about the range and count as not matching.
 */
export function ipBlocksMatch(ipBlocks: readonly string[] | undefined, notIpBlocks: readonly string[] | undefined, range: AddressRange): Tri {
  const outer = tryParseCidr(range.cidr);
  if (!outer) return 'unknown';
  const bits = outer.family === 4 ? 32n : 128n;
  const toIntervals = (blocks: readonly string[]): Interval[] => blocks
    .map(b => tryParseCidr(b.includes('/') ? b : `${b}/${bits}`))
    .filter(c => c !== undefined && c.family === outer.family)
    .map(c => interval(c!.network, c!.prefix, bits));
  const everything: Interval[] = [[0n, (1n << bits) - 1n]];
  const admitted = subtract(ipBlocks ? toIntervals(ipBlocks) : everything, notIpBlocks ? toIntervals(notIpBlocks) : []);
  const from = subtract([interval(outer.network, outer.prefix, bits)], toIntervals(range.except));
  if (from.length === 0) return 'no';
  const outside = subtract(from, admitted);
  if (outside.length === 0) return 'yes';
  return subtract(from, outside).length === 0 ? 'no' : 'unknown';
}

function interval(network: bigint, prefix: number, bits: bigint): Interval {
  return [network, network + (1n << (bits - BigInt(prefix))) - 1n];
}

/** Every address of `parts` not in any of `holes`, as intervals. */
function subtract(parts: Interval[], holes: Interval[]): Interval[] {
  let out = parts;
  for (const [hs, he] of holes) {
    out = out.flatMap(([s, e]): Interval[] => {
      if (he < s || hs > e) return [[s, e]];
      const kept: Interval[] = [];
      if (hs > s) kept.push([s, hs - 1n]);
      if (he < e) kept.push([he + 1n, e]);
      return kept;
    });
  }
  return out;
}
