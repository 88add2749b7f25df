// One running process per input. Editing an input while a run is still going makes splunkd start a
// second process of the same stanza, and every member of a search head cluster runs the same inputs
// against one replicated KV store; both would read the same checkpoints and send the same windows. A
// lease record in the checkpoint collection decides who runs (docs/reliability.md "One process per input").
//
// Every decision that could remove a live lease is a write decided by the KV store captain; reads may come
// from a member's replica that is behind ("the KV store delegates the write to the KV store captain, while
// the KV store keeps read requests local", https://docs.splunk.com/Splexicon:KVstorecaptain):
// - acquire: insert the record (the captain answers 409 when the `_key` exists: atomic);
// - take over (the holder expired, or is a dead process of this host): delete exactly the record read (a
//   query on owner and expires_at, matched by the captain), then insert. If the holder renewed meanwhile
//   (our read was stale) the delete matches nothing and the insert answers 409: a stale read never removes
//   a live lease;
// - renew: replace our record (no moment without it, so no acquirer can slip in), after a read that stops
//   us if the record shows that another process took over;
// - release: delete our record (by owner).
// The holder stops at its own expiry when it could not renew, before another host may take over (clocks
// agreeing within ttl - renew period; docs/reliability.md). After acquiring, reads wait until this member's
// replica shows the lease: replicas apply writes in order, so the checkpoints read next are at least as
// new as the previous holder's last save.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

type Json = Record<string, unknown>;

/** The KV calls a lease needs (SplunkdClient implements them). */
export interface LeaseKv {
  kvInsert(collection: string, doc: Json): Promise<boolean>;
  kvGet(collection: string, key: string): Promise<Json | undefined>;
  kvPut(collection: string, key: string, doc: Json): Promise<void>;
  kvDelete(collection: string, key: string): Promise<boolean>;
  /** Deletes the records matching `query` (decided where writes are decided: the KV store captain). */
  kvDeleteQuery(collection: string, query: Json): Promise<void>;
}

export interface LeaseOptions {
  ttlMs: number;
  /** Renewal period; default ttl / 4. */
  renewMs?: number;
  /** Longest wait for this member's KV replica to show the lease just taken (renewals go on meanwhile); default 30 s. */
  settleMaxMs?: number;
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class Lease {
  readonly owner = randomUUID();
  private readonly ac = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private expiresAt = 0;
  private renewing: Promise<void> | undefined;
  /** This member's replica has shown our record: from then on it never shows an older holder again. */
  private visible = false;
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

  /** Aborted when the lease was lost (taken over, or not renewed before it expired). */
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

  /** The query that matches exactly one version of a holder's record: each renewal moves expires_at. */
  private exactly(h: { owner: string; expiresAt: number }): Json {
    return { type: 'lease', input: this.input, owner: h.owner, expires_at: h.expiresAt };
  }

  /** Acquires the lease, or answers who holds it. Starts renewing on success. */
  async acquire(): Promise<{ acquired: true } | { acquired: false; holder: LeaseHolder }> {
    const key = leaseKey(this.input);
    let seen: LeaseHolder | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const rec = this.record();
      if (await this.kv.kvInsert(this.collection, rec)) return this.started(rec);
      const current = await this.kv.kvGet(this.collection, key);
      if (current === undefined) continue; // released in between, or not yet on this member's replica: try again
      const holder = holderOf(current);
      if (holder?.owner === this.owner) return this.started(current); // our own insert, answered 409 on a retry
      if (holder && !this.stale(holder)) return { acquired: false, holder };
      seen = holder ?? seen;
      // Expired, dead holder, or an unreadable record: delete exactly what was read, then insert; if the
      // holder renewed meanwhile (our read was stale) the delete matches nothing and the insert answers 409.
      if (holder) await this.kv.kvDeleteQuery(this.collection, this.exactly(holder));
      else await this.kv.kvDelete(this.collection, key);
    }
    const holder = holderOf(await this.kv.kvGet(this.collection, key)) ?? seen;
    return { acquired: false, holder: holder ?? { owner: '?', host: '?', pid: 0, expiresAt: 0 } };
  }

  private stale(h: LeaseHolder): boolean {
    if (h.expiresAt <= this.now()) return true;
    return h.host === this.host && h.pid > 0 && h.pid !== this.pid && !(this.o.alive ?? processAlive)(h.pid);
  }

  private async started(rec: Json): Promise<{ acquired: true }> {
    this.held(Number(rec.expires_at));
    const period = this.o.renewMs ?? Math.max(50, Math.floor(this.o.ttlMs / 4));
    this.timer = setInterval(() => {
      this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    }, period);
    this.timer.unref();
    await this.settle();
    return { acquired: true };
  }

  /** Our record until `expiresAt`: past it without a renewal the lease is lost, whatever the KV store says. */
  private held(expiresAt: number): void {
    this.expiresAt = expiresAt;
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = setTimeout(
      () => this.lose(`the lease of input ${this.input} expired: it was not renewed within ${this.o.ttlMs / 1000} s`),
      Math.max(0, expiresAt - this.now()),
    );
    this.expiry.unref();
  }

  /**
   * Waits until this member's KV replica shows our lease: it then also shows every write made before it,
   * such as the previous holder's last checkpoints (replicas apply writes in order).
   */
  private async settle(): Promise<void> {
    const max = this.o.settleMaxMs ?? 30_000;
    const started = this.now();
    for (let wait = 25; ; wait = Math.min(wait * 2, 1000)) {
      const h = holderOf(await this.kv.kvGet(this.collection, leaseKey(this.input)).catch(() => undefined));
      if (h?.owner === this.owner) {
        this.visible = true;
        return;
      }
      const waited = this.now() - started;
      if (waited >= max || this.ac.signal.aborted) {
        this.o.onWarn?.(
          `this member's KV store did not show the lease of input ${this.input} within ${Math.round(waited / 1000)} s of taking it: ` +
            'its checkpoints may be older than the last run saved, so windows may be sent again',
        );
        return;
      }
      await sleep(Math.min(wait, Math.max(1, max - waited)));
    }
  }

  /** Extends the lease if it is still ours; a takeover or expiry aborts `lost`. */
  async renew(): Promise<void> {
    if (this.ac.signal.aborted) return;
    if (this.now() >= this.expiresAt) return this.lose(`the lease of input ${this.input} expired before it could be renewed`);
    try {
      const current = await this.kv.kvGet(this.collection, leaseKey(this.input));
      const holder = holderOf(current);
      if (holder?.owner === this.owner) this.visible = true;
      // Before our record first showed here, this replica may still show an older state: not a takeover.
      else if (this.visible)
        return this.lose(
          `the lease of input ${this.input} was taken over by ${holder ? `${holder.host} pid ${holder.pid}` : 'nobody (deleted)'}`,
        );
      const rec = this.record();
      await this.kv.kvPut(this.collection, leaseKey(this.input), rec);
      this.held(Number(rec.expires_at));
    } catch (err) {
      // Nothing decided: still ours until it expires (the expiry timer).
      this.o.onWarn?.(`could not renew the lease of input ${this.input}: ${(err as Error).message}`);
    }
  }

  private lose(why: string): void {
    this.stopRenewing();
    if (!this.ac.signal.aborted) this.ac.abort(new Error(why));
  }

  private stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.expiry) clearTimeout(this.expiry);
    this.timer = undefined;
    this.expiry = undefined;
  }

  /** Deletes the lease if it is still ours (best effort: an expired lease is harmless). */
  async release(): Promise<void> {
    this.stopRenewing();
    await this.renewing;
    if (this.ac.signal.aborted) return;
    await this.kv.kvDeleteQuery(this.collection, { type: 'lease', input: this.input, owner: this.owner });
  }
}
