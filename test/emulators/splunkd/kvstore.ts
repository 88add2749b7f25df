// The KV store's data, as a replica set: one primary (the KV store captain) that takes every write, and one
// replica per splunkd member that answers that member's reads. "In a search head cluster, when a node
// receives a write request, the KV store delegates the write to the KV store captain, while the KV store
// keeps read requests local" (https://docs.splunk.com/Splexicon:KVstorecaptain); a member that has not
// applied every write "might be stale" (Admin Manual, "Resync the KV store",
// https://docs.splunk.com/Documentation/Splunk/9.0.4/Admin/ResyncKVstore). A replica applies the primary's
// writes in their order, `lagMs` late: MongoDB "applies database operations on the primary and then records
// the operations on the primary's oplog. The secondary members then copy and apply these operations in an
// asynchronous process" (https://www.mongodb.com/docs/manual/core/replica-set-oplog/); the delay is the
// replication lag (https://www.mongodb.com/docs/manual/troubleshooting/replication-lag/).
// A standalone splunkd is a replica set of one member with no lag.
import type { KvDoc } from './kvquery';

type Op =
  | { kind: 'set'; app: string; coll: string; key: string; doc: KvDoc }
  | { kind: 'delete'; app: string; coll: string; key: string }
  | { kind: 'drop'; app: string; coll: string };

/** app → collection → _key → record */
export class KvData {
  private readonly apps = new Map<string, Map<string, Map<string, KvDoc>>>();

  /** The records of one collection (an empty map when it has none yet). */
  collection(app: string, coll: string): ReadonlyMap<string, KvDoc> {
    return this.apps.get(app)?.get(coll) ?? new Map();
  }

  apply(op: Op): void {
    let a = this.apps.get(op.app);
    if (!a) this.apps.set(op.app, (a = new Map()));
    if (op.kind === 'drop') {
      a.delete(op.coll);
      return;
    }
    let c = a.get(op.coll);
    if (!c) a.set(op.coll, (c = new Map()));
    if (op.kind === 'set') c.set(op.key, structuredClone(op.doc));
    else c.delete(op.key);
  }

  copy(): KvData {
    const out = new KvData();
    for (const [app, colls] of this.apps)
      for (const [coll, docs] of colls) for (const [key, doc] of docs) out.apply({ kind: 'set', app, coll, key, doc });
    return out;
  }
}

/** One member's view: reads from its replica, writes to the primary. */
export class KvReplica {
  private readonly data: KvData;
  private readonly queue: Array<{ at: number; op: Op }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rs: KvReplicaSet,
    private lag: number,
  ) {
    this.data = rs.primary.copy();
  }

  get lagMs(): number {
    return this.lag;
  }

  /** Later writes reach this replica `ms` after the primary took them (earlier ones keep their time). */
  setLagMs(ms: number): void {
    this.lag = Math.max(0, ms);
  }

  /** What a read on this member sees. */
  read(app: string, coll: string): ReadonlyMap<string, KvDoc> {
    return this.data.collection(app, coll);
  }

  /** The primary's records: what a write's condition (insert's duplicate key, a delete's query) is decided on. */
  primary(app: string, coll: string): ReadonlyMap<string, KvDoc> {
    return this.rs.primary.collection(app, coll);
  }

  put(app: string, coll: string, key: string, doc: KvDoc): void {
    this.rs.write({ kind: 'set', app, coll, key, doc });
  }

  delete(app: string, coll: string, key: string): void {
    this.rs.write({ kind: 'delete', app, coll, key });
  }

  drop(app: string, coll: string): void {
    this.rs.write({ kind: 'drop', app, coll });
  }

  /** Called by the set for every write taken by the primary. */
  replicate(op: Op): void {
    // In order: an op never overtakes an earlier one, even after the lag was lowered.
    const at = Math.max(Date.now() + this.lag, this.queue.at(-1)?.at ?? 0);
    if (at <= Date.now() && this.queue.length === 0) return this.data.apply(op);
    this.queue.push({ at, op });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = Date.now();
        while (this.queue.length && this.queue[0].at <= now) this.data.apply((this.queue.shift() as { op: Op }).op);
        this.schedule();
      },
      Math.max(0, this.queue[0].at - Date.now()),
    );
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.rs.leave(this);
  }
}

/** The KV store shared by the members of a search head cluster (or owned by one standalone splunkd). */
export class KvReplicaSet {
  readonly primary = new KvData();
  private readonly members = new Set<KvReplica>();

  /** A member whose reads see the primary's writes `lagMs` late. */
  join(lagMs = 0): KvReplica {
    const r = new KvReplica(this, lagMs);
    this.members.add(r);
    return r;
  }

  leave(r: KvReplica): void {
    this.members.delete(r);
  }

  write(op: Op): void {
    this.primary.apply(op);
    for (const m of this.members) m.replicate(op);
  }
}
