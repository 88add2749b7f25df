// What a pair remembers of the events it delivered, so that lookback can re-read a span without
// sending anything twice (docs/contract.md "What an edit does", docs/reliability.md "Late events").
//
// The invariant: every event delivered with a processed time in [from, checkpoint) has its digest in
// `windows`. Lookback re-reads only [max(checkpoint - lookback, from), checkpoint), so a span that was
// delivered while nothing was remembered (lookback off, or an old record) is never re-read; `from`
// moves back no further than the pair's history, and the remembered span grows to the configured
// lookback as the pair advances.
//
// An eventId is kept as the first 8 bytes of its SHA-256 (8 bytes in memory, ~11 in the KV record, 39
// as a JSON string). A late event is dropped by mistake only if its digest equals one of the n digests
// remembered for its pair: probability n / 2^64 (about 5e-16 for n = 10 000).
import { hash } from 'node:crypto';

export interface RememberedWindow {
  /** End (epoch ms) of the window that delivered these events; their processed times are before it. */
  readonly end: number;
  /** Sorted digests. */
  readonly digests: BigUint64Array;
}

export interface Remembered {
  /** Processed time (epoch ms) from which every delivered event up to the checkpoint is remembered. */
  readonly from: number;
  /** Ordered by `end`, one entry per end. */
  readonly windows: readonly RememberedWindow[];
}

export function digestOf(eventId: string): bigint {
  return hash('sha256', eventId, 'buffer').readBigUInt64BE(0);
}

/** Nothing remembered yet: complete from `from` (a new pair's start, or the checkpoint when ids were not kept). */
export function nothingRemembered(from: number): Remembered {
  return { from, windows: [] };
}

export function countDigests(r: Remembered | undefined): number {
  let n = 0;
  for (const w of r?.windows ?? []) n += w.digests.length;
  return n;
}

/** Adds the eventIds a window ending at `end` delivered (merged with an entry of the same end). */
export function remember(r: Remembered, end: number, eventIds: readonly string[]): Remembered {
  if (eventIds.length === 0) return r;
  const add = new BigUint64Array(eventIds.length);
  for (let i = 0; i < eventIds.length; i++) add[i] = digestOf(eventIds[i]);
  const windows = r.windows.slice();
  const i = windows.findIndex((w) => w.end >= end);
  if (i >= 0 && windows[i].end === end) {
    const merged = new BigUint64Array(windows[i].digests.length + add.length);
    merged.set(windows[i].digests);
    merged.set(add, windows[i].digests.length);
    windows[i] = { end, digests: merged.sort() };
  } else windows.splice(i < 0 ? windows.length : i, 0, { end, digests: add.sort() });
  return { from: r.from, windows };
}

/**
 * Forgets windows that end at or before `horizon`. Still complete from the horizon: an event processed
 * at p >= horizon came in a window ending after p, which is kept.
 */
export function forgetBefore(r: Remembered, horizon: number): Remembered {
  if (r.from >= horizon && (r.windows.length === 0 || r.windows[0].end > horizon)) return r;
  return { from: Math.max(r.from, horizon), windows: r.windows.filter((w) => w.end > horizon) };
}

/** The span lookback re-reads now: the configured lookback, cut to what is remembered; undefined when empty. */
export function reReadSpan(
  r: Remembered,
  checkpoint: number,
  lookbackMs: number,
  cap = checkpoint,
): { start: number; end: number } | undefined {
  const start = Math.max(checkpoint - lookbackMs, r.from);
  const end = Math.min(checkpoint, cap);
  return start < end ? { start, end } : undefined;
}

/** Membership of eventIds among the remembered digests (one sorted array, binary search). */
export class RememberedIds {
  private readonly all: BigUint64Array;

  constructor(r: Remembered) {
    this.all = new BigUint64Array(countDigests(r));
    let at = 0;
    for (const w of r.windows) {
      this.all.set(w.digests, at);
      at += w.digests.length;
    }
    this.all.sort();
  }

  has(eventId: string): boolean {
    const d = digestOf(eventId);
    let lo = 0;
    let hi = this.all.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.all[mid];
      if (v === d) return true;
      if (v < d) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/** KV form: `seen_from` (epoch ms) and `seen: [{end, digests}]`, digests as base64 of 8-byte big-endian values. */
export function toKvFields(r: Remembered): { seen_from: number; seen: Array<{ end: number; digests: string }> } {
  return {
    seen_from: r.from,
    seen: r.windows.map((w) => {
      const buf = Buffer.allocUnsafe(w.digests.length * 8);
      for (let i = 0; i < w.digests.length; i++) buf.writeBigUInt64BE(w.digests[i], i * 8);
      return { end: w.end, digests: buf.toString('base64') };
    }),
  };
}

/**
 * Reads the KV form. A record without `seen_from` (lookback was off, or 0.1.0's `seen` of plain ids,
 * whose completeness is unknown) remembers nothing: undefined.
 */
export function fromKvFields(rec: Record<string, unknown>): Remembered | undefined {
  if (typeof rec.seen_from !== 'number' || !Number.isFinite(rec.seen_from)) return undefined;
  const windows: RememberedWindow[] = [];
  for (const s of Array.isArray(rec.seen) ? (rec.seen as Array<Record<string, unknown>>) : []) {
    if (typeof s?.end !== 'number' || typeof s.digests !== 'string') return undefined;
    const buf = Buffer.from(s.digests, 'base64');
    if (buf.length % 8 !== 0) return undefined;
    const digests = new BigUint64Array(buf.length / 8);
    for (let i = 0; i < digests.length; i++) digests[i] = buf.readBigUInt64BE(i * 8);
    windows.push({ end: s.end, digests: digests.sort() });
  }
  windows.sort((a, b) => a.end - b.end);
  return { from: rec.seen_from, windows };
}
