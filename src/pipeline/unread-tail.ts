// Checkpoints held back while the bytes they vouch for may still sit unread between us and splunkd.
// A write that completed only reached the OS: the pipe or socket to splunkd holds it until splunkd reads
// it, and if splunkd stops reading (it stops or restarts the input, or dies) whatever it has not read is
// gone. A checkpoint saved for such bytes would lose those events for good. So a window's checkpoint is
// saved only once UNREAD_MARGIN_BYTES more were flushed after its events (the reader must then have taken
// them), or when the run ends normally; a run that stops otherwise leaves the held ones unsaved, and the
// next run sends those windows again (docs/contract.md "Delivery").

/**
 * What may sit between a completed write and splunkd having the events, with room to spare: Linux holds
 * up to 65,536 bytes unread in a pipe (pipe(7), "Pipe capacity") and about 212,992 in a Unix stream
 * socket (socket(7), SO_SNDBUF, net.core.wmem_default), and a reader that stops may also lose what it
 * had read but not yet processed (Node's own stream reads ahead 64 KiB; splunkd's buffers are not
 * documented). 1 MiB is also the largest pipe an unprivileged reader can ask for (pipe-max-size).
 */
export const UNREAD_MARGIN_BYTES = 1024 * 1024;

interface Held<T> {
  key: string;
  value: T;
  /** bytes flushed when the value was handed in: its window's bytes all lie before this offset */
  at: number;
}

export class UnreadTail<T> {
  private readonly queue: Array<Held<T>> = [];
  private readonly waiting = new Map<string, number>();

  constructor(
    /** Bytes flushed to the reader so far. */
    private readonly flushedBytes: () => number,
    private readonly marginBytes = UNREAD_MARGIN_BYTES,
  ) {}

  /**
   * Takes a key's new value when it must wait: its window wrote bytes the reader may not have read, or
   * an earlier value of the same key still waits (a later checkpoint covers the earlier window too).
   * Returns false when the value can be saved now. Call release() first, so that values that became
   * safe are handed over before this one is judged.
   */
  hold(key: string, value: T, wroteBytes: boolean): boolean {
    if (!wroteBytes && !this.waiting.has(key)) return false;
    this.queue.push({ key, value, at: this.flushedBytes() });
    this.waiting.set(key, (this.waiting.get(key) ?? 0) + 1);
    return true;
  }

  /** Hands over, oldest first, the values whose bytes the reader has surely read (all of them with `all`). */
  release(take: (key: string, value: T) => void, all = false): void {
    const readUpTo = this.flushedBytes() - this.marginBytes;
    let n = 0;
    while (n < this.queue.length && (all || this.queue[n].at <= readUpTo)) {
      const h = this.queue[n++];
      const left = (this.waiting.get(h.key) ?? 1) - 1;
      if (left) this.waiting.set(h.key, left);
      else this.waiting.delete(h.key);
      take(h.key, h.value);
    }
    if (n) this.queue.splice(0, n);
  }

  /** True while a value of `key` waits. */
  has(key: string): boolean {
    return this.waiting.has(key);
  }

  /** Replaces the newest waiting value of `key` (the checkpoint store trims what a pair remembers). */
  replaceNewest(key: string, value: T): void {
    for (let i = this.queue.length - 1; i >= 0; i--)
      if (this.queue[i].key === key) {
        this.queue[i].value = value;
        return;
      }
  }

  get size(): number {
    return this.queue.length;
  }

  clear(): void {
    this.queue.length = 0;
    this.waiting.clear();
  }
}
