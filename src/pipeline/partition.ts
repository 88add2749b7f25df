// Stable split of (region, compartment) pairs over n inputs: share k of n gets the pairs whose
// SHA-256 prefix is k modulo n. The same pair always lands in the same share for a given n.
import { createHash } from 'node:crypto';
import type { Partition } from '../splunk/parameters';

export function partitionOf(region: string, compartmentId: string, n: number): number {
  const h = createHash('sha256').update(`${region}|${compartmentId}`).digest();
  return h.readUInt32BE(0) % n;
}

export function inPartition(region: string, compartmentId: string, p: Partition): boolean {
  return p.n === 1 || partitionOf(region, compartmentId, p.n) === p.k;
}
