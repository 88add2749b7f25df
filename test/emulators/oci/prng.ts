// Small deterministic hashing / PRNG helpers for the OCI emulator. Everything the emulator generates
// (tenancy, events, fault decisions) derives from these, so one seed gives one world.

/** murmur3 finaliser over a 32-bit value. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash a list of 32-bit integers into one 32-bit value (order-sensitive). */
export function hashInts(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = fmix((h ^ (x | 0)) + 0x7f4a7c15);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  return fmix(h);
}

/** FNV-1a over a string, 32 bits. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h >>> 0);
}

/** Uniform [0,1) from a hash of integers. */
export function hashU(...xs: number[]): number {
  return hashInts(...xs) / 4294967296;
}

/** mulberry32: a fast seeded PRNG. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  next(): number {
    return this.u32() / 4294967296;
  }
  int(lo: number, hiInclusive: number): number {
    return lo + Math.floor(this.next() * (hiInclusive - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** weighted pick: items are [weight, value] */
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    let total = 0;
    for (const [w] of items) total += w;
    let x = this.next() * total;
    for (const [w, v] of items) {
      x -= w;
      if (x < 0) return v;
    }
    return (items[items.length - 1] as readonly [number, T])[1];
  }
  hex(n: number, upper = false): string {
    let s = '';
    while (s.length < n) s += this.u32().toString(16).padStart(8, '0');
    s = s.slice(0, n);
    return upper ? s.toUpperCase() : s;
  }
  /** lower-case RFC 4648 base32 alphabet as used in OCID unique parts. */
  base32(n: number): string {
    const a = 'abcdefghijklmnopqrstuvwxyz234567';
    let s = '';
    for (let i = 0; i < n; i++) s += a[this.u32() & 31];
    return s;
  }
  /** GUID in 8-4-4-4-12 form (v4 layout). */
  guid(): string {
    const h = this.hex(32);
    const v = ((parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${v}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/**
 * A v4-layout GUID that is unique per (seed, region, compartment, minute, index): the four numbers are packed
 * into 96 bits and scrambled by a keyed bijection (XOR of each 32-bit word with a hash of the other two,
 * six rounds: every step can be undone, so distinct inputs never collide), then laid out around the
 * version and variant nibbles. A hash-seeded `Rng.guid()` has only 32 bits of state, so about a hundred
 * ids repeat in a day of a million events (birthday bound). OCI's eventId is a unique GUID
 * (https://docs.oracle.com/iaas/api/#/en/audit/20190901/AuditEvent/).
 */
export function uniqueGuid(seed: number, region: number, compartment: number, minute: number, index: number): string {
  if (region > 0xffff || compartment > 0xffff || region < 0 || compartment < 0)
    throw new Error('uniqueGuid: region and compartment indexes must fit in 16 bits');
  const w = [minute >>> 0, ((region << 16) | compartment) >>> 0, index >>> 0];
  for (let r = 0; r < 6; r++) {
    const j = r % 3;
    w[j] = ((w[j] as number) ^ hashInts(seed, r, w[(j + 1) % 3] as number, w[(j + 2) % 3] as number)) >>> 0;
  }
  const fill = hashInts(seed, w[0] as number, w[1] as number, w[2] as number, 0x6e1d);
  const h = w.map((x) => x.toString(16).padStart(8, '0')).join('') + fill.toString(16).padStart(8, '0').slice(0, 6);
  const variant = (8 | (fill >>> 30)).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-${variant}${h.slice(15, 18)}-${h.slice(18, 30)}`;
}

/** OCID of the oc1 realm: `ocid1.<type>.oc1.<region>.<unique>`; the unique part is 60 chars, 'aaaaaaaa' + 52 base32
 * (shape of the real ids in samples/real-logging-ListEvents-JavaSDK.newrelic.json). */
export function ocid(rng: Rng, type: string, regionKey = ''): string {
  const uniq = regionKey ? `anuwcljt${rng.base32(52)}` : `aaaaaaaa${rng.base32(52)}`;
  return `ocid1.${type}.oc1.${regionKey}.${uniq}`;
}
