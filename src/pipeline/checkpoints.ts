// Checkpoints in the KV store collection oci_audit_checkpoints (CONTRACT.md). One record per input
// (its uid and first run) and one per (input uid, region, compartment). Keys carry the uid, so a
// new input with a deleted input's name starts afresh. Saves are coalesced: at most one
// batch_save in flight; advances made meanwhile go in the next one.
import { randomUUID } from 'node:crypto';

export const COLLECTION = 'oci_audit_checkpoints';

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
}

export interface PairCheckpoint {
  region: string;
  compartmentId: string;
  /** Processed time (epoch ms, whole minute) up to which everything was delivered. */
  until: number;
  /** eventIds delivered within the lookback horizon, by the end of the window that delivered them. */
  seen?: SeenWindow[];
}

export interface SeenWindow {
  end: number;
  ids: string[];
}

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
  private saving: Promise<void> | undefined;
  private failure: Error | undefined;
  saves = 0;

  constructor(
    private readonly client: KvStore,
    private readonly inputName: string,
  ) {}

  get input(): InputRecord {
    if (!this.inputRec) throw new Error('CheckpointStore.open() was not called');
    return this.inputRec;
  }

  /** Loads (or creates) the input record and all its checkpoints. */
  async open(now: number): Promise<void> {
    const found = await this.client.kvQuery(COLLECTION, { _key: inputKey(this.inputName) });
    const rec = found[0];
    if (rec && typeof rec.input_uid === 'string' && typeof rec.first_run_at === 'number') {
      this.inputRec = { input: this.inputName, inputUid: rec.input_uid, firstRunAt: rec.first_run_at };
    } else {
      this.inputRec = { input: this.inputName, inputUid: randomUUID(), firstRunAt: now };
      await this.client.kvBatchSave(COLLECTION, [
        {
          _key: inputKey(this.inputName),
          type: 'input',
          input: this.inputName,
          input_uid: this.inputRec.inputUid,
          first_run_at: now,
          updated_at: new Date(now).toISOString(),
        },
      ]);
      return;
    }
    const records = await this.client.kvQueryAll(COLLECTION, { input_uid: this.inputRec.inputUid, type: 'checkpoint' });
    for (const r of records) {
      const c = fromRecord(r);
      if (c) this.pairs.set(pairKey(c.region, c.compartmentId), c);
    }
  }

  get(region: string, compartmentId: string): PairCheckpoint | undefined {
    return this.pairs.get(pairKey(region, compartmentId));
  }

  all(): PairCheckpoint[] {
    return [...this.pairs.values()];
  }

  /** Records that a window was delivered; saved in the background, coalesced with others. */
  advance(c: PairCheckpoint): void {
    const key = pairKey(c.region, c.compartmentId);
    this.pairs.set(key, c);
    this.pending.set(key, c);
    if (!this.failure) this.saving ??= this.drain();
  }

  /** Waits until every advance so far is saved; throws if saving failed for good. */
  async flush(): Promise<void> {
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
      while (this.pending.size && !this.failure) {
        const batch = [...this.pending.values()];
        this.pending.clear();
        try {
          await this.client.kvBatchSave(
            COLLECTION,
            batch.map((c) => this.toRecord(c)),
          );
          this.saves++;
        } catch (err) {
          // Keep what was not saved (unless a newer advance replaced it) for a later flush.
          for (const c of batch) {
            const key = pairKey(c.region, c.compartmentId);
            if (!this.pending.has(key)) this.pending.set(key, c);
          }
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
    if (this.pending.size) this.saving ??= this.drain();
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
    if (c.seen && c.seen.length) rec.seen = c.seen;
    return rec;
  }

  /**
   * Deletes the records of inputs that no longer exist (their names are not in `existing`), so a
   * new input that reuses a name does not inherit old checkpoints. Returns the names removed.
   */
  async removeOrphans(existing: Set<string>): Promise<string[]> {
    if (!existing.has(this.inputName)) return []; // the listing is incomplete: do nothing
    const inputs = await this.client.kvQueryAll(COLLECTION, { type: 'input' });
    const removed: string[] = [];
    for (const r of inputs) {
      const name = typeof r.input === 'string' ? r.input : undefined;
      if (!name || existing.has(name) || typeof r.input_uid !== 'string') continue;
      await this.client.kvDeleteQuery(COLLECTION, { input_uid: r.input_uid });
      removed.push(name);
    }
    return removed;
  }
}

function fromRecord(r: Json): PairCheckpoint | undefined {
  if (typeof r.region !== 'string' || typeof r.compartment_id !== 'string') return undefined;
  const epoch = typeof r.checkpoint_epoch === 'number' ? r.checkpoint_epoch * 1000 : Date.parse(String(r.checkpoint ?? ''));
  if (!Number.isFinite(epoch)) return undefined;
  const seen = Array.isArray(r.seen)
    ? (r.seen as Json[])
        .filter((s) => typeof s.end === 'number' && Array.isArray(s.ids))
        .map((s) => ({ end: s.end as number, ids: (s.ids as unknown[]).map(String) }))
    : undefined;
  return { region: r.region, compartmentId: r.compartment_id, until: Math.round(epoch), seen };
}
