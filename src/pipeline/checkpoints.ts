// Checkpoints in the KV store collection oci_audit_checkpoints (docs/contract.md). One record per input
// (its uid, first run, tenancy and the parameters of its last run) and one per (input uid, region,
// compartment). Keys carry the uid, so a new input with a deleted input's name starts afresh. Saves are
// coalesced: at most one batch_save in flight; advances made meanwhile go in the next one.
import { randomUUID } from 'node:crypto';
import { CHECKPOINT_COLLECTION } from '../splunk/account-rules';
import { countDigests, forgetBefore, fromKvFields, toKvFields, type Remembered } from './lookback';
import { UnreadTail } from './unread-tail';

type Json = Record<string, unknown>;

/** The KV store calls the checkpoints need (splunkd REST, or memory for `preview`). */
export interface KvStore {
  kvQuery(collection: string, query: Json): Promise<Json[]>;
  kvQueryAll(collection: string, query: Json): Promise<Json[]>;
  kvBatchSave(collection: string, docs: Json[]): Promise<void>;
  kvDeleteQuery(collection: string, query: Json): Promise<void>;
}

/** A KV store that forgets everything at exit: `preview` collects without checkpoints. */
export class MemoryKv implements KvStore {
  private readonly docs = new Map<string, Json>();
  async kvQuery(_c: string, query: Json): Promise<Json[]> {
    return [...this.docs.values()].filter((d) => Object.entries(query).every(([k, v]) => d[k] === v));
  }
  kvQueryAll(c: string, query: Json): Promise<Json[]> {
    return this.kvQuery(c, query);
  }
  async kvBatchSave(_c: string, docs: Json[]): Promise<void> {
    for (const d of docs) this.docs.set(String(d._key), d);
  }
  async kvDeleteQuery(c: string, query: Json): Promise<void> {
    for (const d of await this.kvQuery(c, query)) this.docs.delete(String(d._key));
  }
}

export interface InputRecord {
  input: string;
  inputUid: string;
  firstRunAt: number;
  /** The tenancy the checkpoints belong to (absent in records written before 0.2.0). */
  tenancyId?: string;
  /** The parameters of the last run, to tell what an edit changed (src/pipeline/edits.ts). */
  params?: Record<string, string>;
}

export interface PairCheckpoint {
  region: string;
  compartmentId: string;
  /** Processed time (epoch ms, whole minute) up to which everything was delivered. */
  until: number;
  /** Lookback: the delivered events remembered, complete from `remembered.from` (src/pipeline/lookback.ts). */
  remembered?: Remembered;
  /** The schedule (src/pipeline/schedule.ts): end (epoch ms) of the last window that delivered events. */
  activeUntil?: number;
  /** The schedule: when (epoch ms) the remembered span was last re-read. */
  rereadAt?: number;
}

export interface CheckpointStoreOptions {
  /**
   * The event stream's flushed byte count: checkpoints of windows whose events may still be unread by
   * splunkd wait (src/pipeline/unread-tail.ts). Without it (preview, tests) every checkpoint is saved at once.
   */
  flushedBytes?: () => number;
  /**
   * Most event digests remembered over all pairs (8 bytes each in memory). Beyond it the oldest
   * remembered windows, whichever pair they belong to, are forgotten first.
   */
  maxRemembered?: number;
}

/** 2 M digests: 16 MB in memory, ~22 MB in the KV store; lookback 240 at 1 M events/day needs ~170 k. */
const MAX_REMEMBERED = 2_000_000;

export function pairKey(region: string, compartmentId: string): string {
  return `${region}|${compartmentId}`;
}

function inputKey(name: string): string {
  return `input|${name}`;
}

export class CheckpointStore {
  private inputRec: InputRecord | undefined;
  private readonly pairs = new Map<string, PairCheckpoint>();
  private readonly pending = new Map<string, PairCheckpoint>();
  private readonly unread: UnreadTail<PairCheckpoint> | undefined;
  private saving: Promise<void> | undefined;
  private failure: Error | undefined;
  private remembered = 0;
  /** The input record waits for the next save (its `updated_at`, epoch ms). */
  private inputPending: number | undefined;
  /** Set when digests had to be forgotten to stay under maxRemembered: up to which processed time (epoch ms). */
  forgotUpTo: number | undefined;

  constructor(
    private readonly client: KvStore,
    private readonly inputName: string,
    private readonly o: CheckpointStoreOptions = {},
  ) {
    this.unread = o.flushedBytes ? new UnreadTail(o.flushedBytes) : undefined;
  }

  get input(): InputRecord {
    if (!this.inputRec) throw new Error('CheckpointStore.open() was not called');
    return this.inputRec;
  }

  /** Loads (or creates) the input record and all its checkpoints. */
  async open(now: number): Promise<void> {
    const found = await this.client.kvQuery(CHECKPOINT_COLLECTION, { _key: inputKey(this.inputName) });
    const rec = found[0];
    if (rec && typeof rec.input_uid === 'string' && typeof rec.first_run_at === 'number') {
      this.inputRec = {
        input: this.inputName,
        inputUid: rec.input_uid,
        firstRunAt: rec.first_run_at,
        tenancyId: typeof rec.tenancy_id === 'string' ? rec.tenancy_id : undefined,
        params: stringRecord(rec.params),
      };
    } else {
      this.inputRec = { input: this.inputName, inputUid: randomUUID(), firstRunAt: now };
      await this.saveInput(now);
      return;
    }
    const records = await this.client.kvQueryAll(CHECKPOINT_COLLECTION, { input_uid: this.inputRec.inputUid, type: 'checkpoint' });
    for (const r of records) {
      const c = fromRecord(r);
      if (!c) continue;
      this.pairs.set(pairKey(c.region, c.compartmentId), c);
      this.remembered += countDigests(c.remembered);
    }
    if (this.remembered > this.maxRemembered) this.forgetOldest();
  }

  /**
   * Records the tenancy and the parameters of this run in the input record, saved with the next
   * checkpoints (a KV store that cannot save stops the run there, with the message that says so).
   */
  recordRun(tenancyId: string, params: Record<string, string>, now: number): void {
    this.inputRec = { ...this.input, tenancyId, params };
    this.inputPending = now;
    if (!this.failure) this.saving ??= this.drain();
  }

  /**
   * Starts the input afresh, as a new input would (the account now reads another tenancy): a new uid
   * and first run, and the old checkpoints deleted, so that no record of the old tenancy is reused.
   * Deleted first: a run stopped in between finds the old tenancy again and restarts again.
   */
  async restart(now: number): Promise<void> {
    await this.client.kvDeleteQuery(CHECKPOINT_COLLECTION, { input_uid: this.input.inputUid, type: 'checkpoint' });
    this.pairs.clear();
    this.pending.clear();
    this.unread?.clear();
    this.inputPending = undefined;
    this.remembered = 0;
    this.inputRec = { input: this.inputName, inputUid: randomUUID(), firstRunAt: now };
    await this.saveInput(now);
  }

  private async saveInput(now: number): Promise<void> {
    await this.client.kvBatchSave(CHECKPOINT_COLLECTION, [this.inputRecord(now)]);
  }

  private inputRecord(now: number): Json {
    const r = this.input;
    const rec: Json = {
      _key: inputKey(this.inputName),
      type: 'input',
      input: this.inputName,
      input_uid: r.inputUid,
      first_run_at: r.firstRunAt,
      updated_at: new Date(now).toISOString(),
    };
    if (r.tenancyId !== undefined) rec.tenancy_id = r.tenancyId;
    if (r.params !== undefined) rec.params = r.params;
    return rec;
  }

  get(region: string, compartmentId: string): PairCheckpoint | undefined {
    return this.pairs.get(pairKey(region, compartmentId));
  }

  all(): PairCheckpoint[] {
    return [...this.pairs.values()];
  }

  /**
   * Records that a window was delivered; saved in the background, coalesced with others, once the
   * events it wrote (`wroteEvents`) can no longer be lost unread (src/pipeline/unread-tail.ts).
   */
  advance(c: PairCheckpoint, wroteEvents = false): void {
    const key = pairKey(c.region, c.compartmentId);
    this.remembered += countDigests(c.remembered) - countDigests(this.pairs.get(key)?.remembered);
    this.pairs.set(key, c);
    this.releaseRead();
    if (!this.unread?.hold(key, c, wroteEvents)) this.pending.set(key, c);
    if (this.remembered > this.maxRemembered) this.forgetOldest();
    if (!this.failure) this.saving ??= this.drain();
  }

  /** Event digests remembered over all pairs (each 8 bytes in memory). */
  get rememberedDigests(): number {
    return this.remembered;
  }

  private get maxRemembered(): number {
    return this.o.maxRemembered ?? MAX_REMEMBERED;
  }

  /** Forgets the oldest remembered windows of any pair until at most 90 % of the maximum is held. */
  private forgetOldest(): void {
    const target = Math.floor(this.maxRemembered * 0.9);
    const windows: Array<{ key: string; end: number; n: number }> = [];
    for (const [key, c] of this.pairs) for (const w of c.remembered?.windows ?? []) windows.push({ key, end: w.end, n: w.digests.length });
    windows.sort((a, b) => a.end - b.end);
    const horizon = new Map<string, number>();
    let total = this.remembered;
    let upTo = -Infinity;
    for (const w of windows) {
      if (total <= target) break;
      total -= w.n;
      horizon.set(w.key, w.end);
      upTo = w.end;
    }
    for (const [key, h] of horizon) {
      const c = this.pairs.get(key) as PairCheckpoint;
      const next = { ...c, remembered: forgetBefore(c.remembered as Remembered, h) };
      this.pairs.set(key, next);
      if (this.unread?.has(key)) this.unread.replaceNewest(key, next);
      else this.pending.set(key, next);
    }
    this.remembered = total;
    if (!horizon.size) return;
    this.forgotUpTo = Math.max(this.forgotUpTo ?? -Infinity, upTo);
    if (!this.failure) this.saving ??= this.drain();
  }

  /** Checkpoints whose events the reader has surely read go to the next save. */
  private releaseRead(all = false): void {
    this.unread?.release((key, c) => this.pending.set(key, c), all);
  }

  /** Checkpoints still held back because their events may be unread (src/pipeline/unread-tail.ts). */
  get heldBack(): number {
    return this.unread?.size ?? 0;
  }

  /**
   * Waits until every advance so far is saved; throws if saving failed for good. `streamComplete`: the
   * run ends normally with stdout open, so splunkd reads everything written: the held checkpoints are
   * saved too. Otherwise (stdout closed, a stop signal) they stay unsaved and their windows are sent
   * again by the next run.
   */
  async flush(o: { streamComplete?: boolean } = {}): Promise<void> {
    this.releaseRead(o.streamComplete);
    if (this.pending.size && !this.failure) this.saving ??= this.drain();
    while (this.saving) await this.saving;
    if (this.failure) throw this.failure;
  }

  get saveError(): Error | undefined {
    return this.failure;
  }

  private async drain(): Promise<void> {
    // Yield first: a drain that finished synchronously would clear `saving` before `saving ??=`
    // stored its promise, leaving a settled promise there that flush() awaits forever.
    await null;
    try {
      while ((this.pending.size || this.inputPending !== undefined) && !this.failure) {
        const batch = [...this.pending.values()];
        const input = this.inputPending;
        this.pending.clear();
        this.inputPending = undefined;
        try {
          await this.client.kvBatchSave(CHECKPOINT_COLLECTION, [
            ...(input === undefined ? [] : [this.inputRecord(input)]),
            ...batch.map((c) => this.toRecord(c)),
          ]);
        } catch (err) {
          // Keep what was not saved (unless a newer advance replaced it) for a later flush.
          for (const c of batch) {
            const key = pairKey(c.region, c.compartmentId);
            if (!this.pending.has(key)) this.pending.set(key, c);
          }
          this.inputPending ??= input;
          this.failure = err as Error;
        }
      }
    } finally {
      this.saving = undefined;
    }
  }

  /** Clears a failure so that a later flush tries the pending saves again. */
  retryLater(): void {
    this.failure = undefined;
    if (this.pending.size || this.inputPending !== undefined) this.saving ??= this.drain();
  }

  private toRecord(c: PairCheckpoint): Json {
    const rec: Json = {
      _key: `${this.input.inputUid}|${c.region}|${c.compartmentId}`,
      type: 'checkpoint',
      input: this.inputName,
      input_uid: this.input.inputUid,
      region: c.region,
      compartment_id: c.compartmentId,
      checkpoint: new Date(c.until).toISOString(),
      checkpoint_epoch: c.until / 1000,
      updated_at: new Date().toISOString(),
    };
    if (c.remembered) Object.assign(rec, toKvFields(c.remembered));
    if (c.activeUntil !== undefined) rec.active_until = c.activeUntil;
    if (c.rereadAt !== undefined) rec.reread_at = c.rereadAt;
    return rec;
  }

  /**
   * Deletes the records of inputs that no longer exist (their names are not in `existing`), so a
   * new input that reuses a name does not inherit old checkpoints. Returns the names removed.
   */
  async removeOrphans(existing: Set<string>): Promise<string[]> {
    if (!existing.has(this.inputName)) return []; // the listing is incomplete: do nothing
    const inputs = await this.client.kvQueryAll(CHECKPOINT_COLLECTION, { type: 'input' });
    const removed: string[] = [];
    for (const r of inputs) {
      const name = typeof r.input === 'string' ? r.input : undefined;
      if (!name || existing.has(name) || typeof r.input_uid !== 'string') continue;
      await this.client.kvDeleteQuery(CHECKPOINT_COLLECTION, { input_uid: r.input_uid });
      removed.push(name);
    }
    return removed;
  }
}

function fromRecord(r: Json): PairCheckpoint | undefined {
  if (typeof r.region !== 'string' || typeof r.compartment_id !== 'string') return undefined;
  const epoch = typeof r.checkpoint_epoch === 'number' ? r.checkpoint_epoch * 1000 : Date.parse(String(r.checkpoint ?? ''));
  if (!Number.isFinite(epoch)) return undefined;
  const c: PairCheckpoint = { region: r.region, compartmentId: r.compartment_id, until: Math.round(epoch), remembered: fromKvFields(r) };
  if (typeof r.active_until === 'number' && Number.isFinite(r.active_until)) c.activeUntil = r.active_until;
  if (typeof r.reread_at === 'number' && Number.isFinite(r.reread_at)) c.rereadAt = r.reread_at;
  return c;
}

function stringRecord(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}
