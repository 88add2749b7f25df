// Writes one ListEvents page's formatted events to the event stream while the page is still arriving,
// with bounded memory at any page size (OCI documents no page size):
// - up to HOLD_BYTES of output a page is held and written only once the whole page was read and valid,
//   so a malformed or cut page of ordinary size writes nothing (as when pages were read whole);
// - past HOLD_BYTES it is written in pieces of WRITE_BYTES as it arrives, one write in flight at a time
//   (stdout's back-pressure stops the reading, so memory stays at a few pieces per page in flight);
// - a page that fails after some of it was written is retried by the collector: RetryGuard makes the
//   retry skip exactly the events an earlier attempt of the same page already wrote (docs/contract.md
//   "Delivery": no duplicates, also when a page is retried mid-body).
import type { RuleTally } from '../pipeline/run-stats';
import type { EventSink } from './event-stream';

/** Output (characters) held per page before it is written as it arrives. */
export const HOLD_BYTES = 256 * 1024;
/** Size (characters) of each write once a page is written as it arrives. */
export const WRITE_BYTES = 64 * 1024;
/**
 * Formatted events are joined into strings of at most this many characters, and a write is one Buffer
 * made from them: strings longer than V8's largest ordinary heap object (128 KiB on 64-bit; 2 bytes per
 * character once one is outside Latin-1) go to the large-object space, which only a full GC frees, and a
 * backfill left 40-60 MB of them behind. A Buffer's memory is outside the V8 heap and freed with it.
 */
const PIECE_CHARS = 32 * 1024;

/**
 * cyrb53 (bryc, public domain, github.com/bryc/code jshash/experimental/cyrb53.js): a 53-bit hash, so a
 * key costs 8 bytes. Two different events of one page share a hash with probability ~n²/2^54.
 */
export function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * What the attempts of one page have written, by event key (the eventId, else the event's text): a
 * retry admits an event only if no earlier attempt wrote it. A multiset, so two identical events
 * without an eventId are both delivered once. 8 bytes per written event, only for pages past HOLD_BYTES.
 */
export class RetryGuard {
  private written = new Float64Array(0);
  private n = 0;
  private earlier: Map<number, number> | undefined;

  /** Starts an attempt: what earlier attempts wrote is what this one must skip. */
  beginAttempt(): void {
    if (this.n === 0) return;
    this.earlier = new Map();
    for (let i = 0; i < this.n; i++) {
      const h = this.written[i] as number;
      this.earlier.set(h, (this.earlier.get(h) ?? 0) + 1);
    }
  }

  /** False when an earlier attempt of this page already wrote the event with this key. */
  admit(key: string): boolean {
    if (!this.earlier) return true;
    const h = hash53(key);
    const c = this.earlier.get(h);
    if (!c) return true;
    if (c === 1) this.earlier.delete(h);
    else this.earlier.set(h, c - 1);
    return false;
  }

  /** Records events as written (handed to the stream). */
  record(keys: string[]): void {
    if (this.n + keys.length > this.written.length) {
      const grown = new Float64Array(Math.max(1024, (this.n + keys.length) * 2));
      grown.set(this.written.subarray(0, this.n));
      this.written = grown;
    }
    for (const k of keys) this.written[this.n++] = hash53(k);
  }

  get recorded(): number {
    return this.n;
  }
}

/**
 * One attempt at one page. `onWritten` is told of every piece handed to the stream (events, their ids,
 * and, with a `tally`, their events and bytes per event rule: counted once, when written).
 */
export class PageWriter {
  /** Output not written yet, in pieces of about PIECE_CHARS (joined when a piece is full). */
  private pieces: string[] = [];
  private parts: string[] = [];
  private partBytes = 0;
  /** characters added since the last write */
  private bytes = 0;
  private keys: string[] = [];
  private ids: string[] = [];
  private streaming = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly stream: EventSink,
    private readonly guard: RetryGuard,
    private readonly onWritten: (events: number, ids: string[], tally?: RuleTally) => void,
    private readonly holdBytes = HOLD_BYTES,
    private readonly writeBytes = WRITE_BYTES,
    /** events and bytes per rule of what was added and not written yet (cleared once reported) */
    private readonly tally?: RuleTally,
  ) {}

  /**
   * Adds one formatted event; `key` identifies it for the guard, `id` is reported back when written;
   * `rule` and `bytes` (with a tally) count it under the rule that decided it.
   */
  add(formatted: string, key: string, id?: string, rule = -1, bytes = 0): void {
    this.tally?.add(rule, bytes);
    this.parts.push(formatted);
    this.partBytes += formatted.length;
    this.bytes += formatted.length;
    this.keys.push(key);
    if (id !== undefined) this.ids.push(id);
    if (this.partBytes >= PIECE_CHARS) this.closePiece();
  }

  private closePiece(): void {
    if (!this.parts.length) return;
    this.pieces.push(this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join(''));
    this.parts = [];
    this.partBytes = 0;
  }

  /** Writes what is due: nothing while the page is under the hold size, then a piece per WRITE_BYTES. */
  async writeDue(): Promise<void> {
    if (!this.streaming && this.bytes < this.holdBytes) return;
    this.streaming = true;
    if (this.bytes >= this.writeBytes) await this.write();
  }

  /** The page was read whole and valid: writes the rest and waits until all of it is flushed. */
  async end(): Promise<void> {
    if (this.keys.length) await this.write();
    await this.inFlight;
  }

  /** The attempt failed: what was held is dropped (never written); waits for the write in flight. */
  async abandon(): Promise<void> {
    this.pieces = [];
    this.parts = [];
    this.partBytes = 0;
    this.keys = [];
    this.ids = [];
    this.bytes = 0;
    this.tally?.clear();
    await this.inFlight.catch(() => undefined);
  }

  /** Hands everything added so far to the stream as one write; that write stays in flight. */
  private async write(): Promise<void> {
    // One write in flight: the next one is built while the previous one drains.
    await this.inFlight;
    this.closePiece();
    // Recorded when handed to the stream, not when flushed: from here on the events will reach stdout
    // (or stdout is gone and the run stops), so a retry must not write them again.
    if (this.streaming) this.guard.record(this.keys);
    const events = this.keys.length;
    this.onWritten(events, this.ids, this.tally);
    this.tally?.clear();
    const pieces = this.pieces;
    this.pieces = [];
    this.keys = [];
    this.ids = [];
    this.bytes = 0;
    let size = 0;
    for (const p of pieces) size += Buffer.byteLength(p);
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const p of pieces) at += out.write(p, at);
    this.inFlight = this.stream.write(out, events);
    // Handled now, awaited later: a write that fails (EPIPE) while the next piece is read must not become
    // an unhandled rejection that kills the process with a trace.
    this.inFlight.catch(() => undefined);
  }
}
