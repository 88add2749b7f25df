// One running process per input. Editing an input while a run is still going makes splunkd start a
// second process of the same stanza; both would read the same checkpoints and send the same
// windows. A lease record in the checkpoint collection decides who runs: the KV store answers an
// insert of an existing `_key` with 409, so the insert is an atomic acquire.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

type Json = Record<string, unknown>;

/** The KV calls a lease needs (SplunkdClient implements them). */
export interface LeaseKv {
  kvInsert(collection: string, doc: Json): Promise<boolean>;
  kvGet(collection: string, key: string): Promise<Json | undefined>;
  kvPut(collection: string, key: string, doc: Json): Promise<void>;
  kvDelete(collection: string, key: string): Promise<boolean>;
}

export interface LeaseOptions {
  ttlMs: number;
  /** Renewal period; default ttl / 4. */
  renewMs?: number;
  now?: () => number;
  host?: string;
  pid?: number;
  /** Whether a process of this host is alive (a SIGKILLed holder leaves its lease behind). */
  alive?: (pid: number) => boolean;
  onWarn?: (msg: string) => void;
}

export interface LeaseHolder {
  owner: string;
  host: string;
  pid: number;
  expiresAt: number;
}

export function leaseKey(input: string): string {
  return `lease|${input}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(r: Json | undefined): LeaseHolder | undefined {
  if (!r || typeof r.owner !== 'string' || typeof r.expires_at !== 'number') return undefined;
  return { owner: r.owner, host: String(r.host ?? ''), pid: Number(r.pid ?? 0), expiresAt: r.expires_at };
}

export class Lease {
  readonly owner = randomUUID();
  private readonly ac = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private expiresAt = 0;
  private renewing: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly host: string;
  private readonly pid: number;

  constructor(
    private readonly kv: LeaseKv,
    private readonly collection: string,
    private readonly input: string,
    private readonly o: LeaseOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.host = o.host ?? hostname();
    this.pid = o.pid ?? process.pid;
  }

  /** Aborted when the lease was lost (taken over, or not renewable before it expired). */
  get lost(): AbortSignal {
    return this.ac.signal;
  }

  private record(): Json {
    const now = this.now();
    return {
      _key: leaseKey(this.input),
      type: 'lease',
      input: this.input,
      owner: this.owner,
      host: this.host,
      pid: this.pid,
      expires_at: now + this.o.ttlMs,
      updated_at: new Date(now).toISOString(),
    };
  }

  /** Acquires the lease, or answers who holds it. Starts renewing on success. */
  async acquire(): Promise<{ acquired: true } | { acquired: false; holder: LeaseHolder }> {
    const key = leaseKey(this.input);
    for (let attempt = 0; attempt < 3; attempt++) {
      const rec = this.record();
      if (await this.kv.kvInsert(this.collection, rec)) return this.started(rec);
      const current = await this.kv.kvGet(this.collection, key);
      const holder = holderOf(current);
      if (current === undefined) continue; // released in between: try again
      if (holder?.owner === this.owner) return this.started(current); // our own insert, answered 409 on a retry
      if (holder && !this.stale(holder)) return { acquired: false, holder };
      // Expired, dead holder, or an unreadable record: delete and insert again; the insert decides a race.
      await this.kv.kvDelete(this.collection, key);
    }
    const holder = holderOf(await this.kv.kvGet(this.collection, key));
    return { acquired: false, holder: holder ?? { owner: '?', host: '?', pid: 0, expiresAt: 0 } };
  }

  private stale(h: LeaseHolder): boolean {
    if (h.expiresAt <= this.now()) return true;
    return h.host === this.host && h.pid > 0 && h.pid !== this.pid && !(this.o.alive ?? processAlive)(h.pid);
  }

  private started(rec: Json): { acquired: true } {
    this.expiresAt = Number(rec.expires_at);
    const period = this.o.renewMs ?? Math.max(50, Math.floor(this.o.ttlMs / 4));
    this.timer = setInterval(() => {
      this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    }, period);
    this.timer.unref();
    return { acquired: true };
  }

  /** Extends the lease if it is still ours; a takeover or expiry aborts `lost`. */
  async renew(): Promise<void> {
    if (this.ac.signal.aborted) return;
    try {
      const holder = holderOf(await this.kv.kvGet(this.collection, leaseKey(this.input)));
      if (holder?.owner !== this.owner)
        return this.lose(
          `the lease of input ${this.input} was taken over by ${holder ? `${holder.host} pid ${holder.pid}` : 'nobody (deleted)'}`,
        );
      const rec = this.record();
      await this.kv.kvPut(this.collection, leaseKey(this.input), rec);
      this.expiresAt = Number(rec.expires_at);
    } catch (err) {
      if (this.now() >= this.expiresAt)
        return this.lose(`the lease of input ${this.input} expired: it could not be renewed (${(err as Error).message})`);
      this.o.onWarn?.(`could not renew the lease of input ${this.input}: ${(err as Error).message}`);
    }
  }

  private lose(why: string): void {
    this.stopRenewing();
    this.ac.abort(new Error(why));
  }

  private stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Deletes the lease if it is still ours (best effort: an expired lease is harmless). */
  async release(): Promise<void> {
    this.stopRenewing();
    await this.renewing;
    if (this.ac.signal.aborted) return;
    const holder = holderOf(await this.kv.kvGet(this.collection, leaseKey(this.input)));
    if (holder?.owner === this.owner) await this.kv.kvDelete(this.collection, leaseKey(this.input));
  }
}
