import assert from 'node:assert/strict';
import { Lease, leaseKey, type LeaseKv } from '../../src/pipeline/lease';

type Json = Record<string, unknown>;

/**
 * The KV store's per-key semantics as a replica set: writes are decided on the primary (insert of an existing
 * _key = 409 = false; a delete's query is matched there); reads come from this member's replica, which shows
 * the primary as of its last sync() (a replica that lags; search head cluster members read locally).
 */
class Kv implements LeaseKv {
  readonly docs = new Map<string, Json>();
  replica = new Map<string, Json>();
  /** Reads see the primary at once unless frozen (then only at sync()). */
  frozen = false;
  down = false;
  private check(): void {
    if (this.down) throw new Error('KV down');
  }
  sync(): void {
    this.replica = new Map([...this.docs].map(([k, d]) => [k, { ...d }]));
  }
  private wrote(): void {
    if (!this.frozen) this.sync();
  }
  async kvInsert(_c: string, doc: Json): Promise<boolean> {
    this.check();
    const k = String(doc._key);
    if (this.docs.has(k)) return false;
    this.docs.set(k, { ...doc });
    this.wrote();
    return true;
  }
  async kvGet(_c: string, key: string): Promise<Json | undefined> {
    this.check();
    const d = this.replica.get(key);
    return d && { ...d };
  }
  async kvPut(_c: string, key: string, doc: Json): Promise<void> {
    this.check();
    this.docs.set(key, { ...doc });
    this.wrote();
  }
  async kvDelete(_c: string, key: string): Promise<boolean> {
    this.check();
    const had = this.docs.delete(key);
    this.wrote();
    return had;
  }
  async kvDeleteQuery(_c: string, query: Json): Promise<void> {
    this.check();
    for (const [k, d] of [...this.docs]) if (Object.entries(query).every(([f, v]) => d[f] === v)) this.docs.delete(k);
    this.wrote();
  }
}

/** A second member's view of the same primary, with its own replica. */
function member(kv: Kv): Kv {
  const m = new Kv();
  Object.defineProperty(m, 'docs', { value: kv.docs });
  m.sync();
  return m;
}

describe('input lease', () => {
  let clock = 1_000_000;
  const now = (): number => clock;
  const opts = (pid: number, alive = true) => ({
    ttlMs: 10_000,
    renewMs: 1_000_000,
    settleMaxMs: 0,
    now,
    host: 'h1',
    pid,
    alive: () => alive,
  });

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('the first process acquires, a second one sees the holder, release lets the next one in', async () => {
    const kv = new Kv();
    const a = new Lease(kv, 'c', 'in', opts(1));
    const b = new Lease(kv, 'c', 'in', opts(2));
    assert.deepEqual(await a.acquire(), { acquired: true });
    const r = await b.acquire();
    assert.equal(r.acquired, false);
    if (!r.acquired) assert.equal(r.holder.pid, 1);
    await a.release();
    assert.equal(kv.docs.size, 0);
    assert.deepEqual(await b.acquire(), { acquired: true });
    await b.release();
  });

  it('an expired lease is taken over, and the old holder notices at its next renewal', async () => {
    const kv = new Kv();
    const a = new Lease(kv, 'c', 'in', { ...opts(1), host: 'other-host' });
    await a.acquire();
    clock += 10_001;
    const b = new Lease(kv, 'c', 'in', opts(2));
    assert.deepEqual(await b.acquire(), { acquired: true });
    assert.equal(kv.docs.get(leaseKey('in'))?.owner, b.owner);
    clock -= 5_000; // a's own clock, before its expiry: the renewal reaches the KV store and finds b
    await a.renew();
    assert.equal(a.lost.aborted, true);
    assert.match(String((a.lost.reason as Error).message), /taken over by h1 pid 2/);
    await a.release(); // must not delete b's lease
    assert.equal(kv.docs.get(leaseKey('in'))?.owner, b.owner);
    await b.release();
  });

  it('a live lease of a dead process on this host is taken over at once', async () => {
    const kv = new Kv();
    await new Lease(kv, 'c', 'in', opts(1)).acquire();
    assert.equal((await new Lease(kv, 'c', 'in', opts(2, true)).acquire()).acquired, false, 'holder alive');
    const c = new Lease(kv, 'c', 'in', opts(3, false));
    assert.deepEqual(await c.acquire(), { acquired: true });
    await c.release();
  });

  it('renewal moves the expiry; failing renewals lose the lease only once it expired', async () => {
    const kv = new Kv();
    const a = new Lease(kv, 'c', 'in', opts(1));
    await a.acquire();
    clock += 5_000;
    await a.renew();
    assert.equal(kv.docs.get(leaseKey('in'))?.expires_at, clock + 10_000);
    assert.equal(kv.docs.size, 1);
    kv.down = true;
    clock += 5_000;
    await a.renew();
    assert.equal(a.lost.aborted, false, 'still within the ttl');
    clock += 5_001;
    await a.renew();
    assert.equal(a.lost.aborted, true);
  });

  it('a lease not renewed is lost at its expiry even if no renewal runs (the holder stops before another can take over)', async () => {
    const kv = new Kv();
    const a = new Lease(kv, 'c', 'in', { ttlMs: 150, renewMs: 1_000_000, settleMaxMs: 0, host: 'h1', pid: 1 });
    await a.acquire();
    const t0 = Date.now();
    await new Promise<void>((resolve) => a.lost.addEventListener('abort', () => resolve()));
    assert.ok(Date.now() - t0 <= 150 + 50, `lost after ${Date.now() - t0} ms`);
    assert.match(String((a.lost.reason as Error).message), /expired: it was not renewed within 0.15 s/);
  });

  it('a retried insert that already succeeded (409 on our own record) counts as acquired', async () => {
    const kv = new Kv();
    const a = new Lease(kv, 'c', 'in', opts(1));
    const insert = kv.kvInsert.bind(kv);
    kv.kvInsert = async (c, d) => {
      await insert(c, d);
      return false; // the first answer was lost; the retry saw 409
    };
    assert.deepEqual(await a.acquire(), { acquired: true });
    await a.release();
  });

  describe('a member whose reads lag (search head cluster KV replica)', () => {
    it('a stale read showing an expired lease does not remove the live one: the takeover is decided on the primary', async () => {
      const kv = new Kv();
      const a = new Lease(kv, 'c', 'in', { ...opts(1), host: 'h1' });
      await a.acquire();
      const b2 = member(kv);
      b2.frozen = true; // member 2 keeps seeing a's first record
      for (let i = 0; i < 4; i++) {
        clock += 4_000;
        await a.renew();
      }
      assert.equal(a.lost.aborted, false);
      // By member 2's replica a expired 6 s ago; by the primary it holds the lease for 10 s more.
      assert.ok(Number(b2.replica.get(leaseKey('in'))?.expires_at) < clock);
      const b = new Lease(b2, 'c', 'in', { ...opts(2), host: 'h2' });
      const r = await b.acquire();
      assert.equal(r.acquired, false, 'member 2 stands back');
      assert.equal(kv.docs.get(leaseKey('in'))?.owner, a.owner, 'a still holds it on the primary');
      clock += 4_000;
      await a.renew();
      assert.equal(a.lost.aborted, false, 'a keeps it');
      await a.release();
    });

    it('a holder whose replica has not shown its record yet keeps the lease; the record is never absent while held', async () => {
      const kv = new Kv();
      kv.frozen = true; // this member's replica never catches up
      const put = kv.kvPut.bind(kv);
      let absent = 0;
      kv.kvPut = async (c, k, d) => {
        if (!kv.docs.has(k)) absent++;
        await put(c, k, d);
      };
      const a = new Lease(kv, 'c', 'in', opts(1));
      assert.deepEqual(await a.acquire(), { acquired: true });
      for (let i = 0; i < 3; i++) {
        clock += 4_000;
        await a.renew();
      }
      assert.equal(a.lost.aborted, false);
      assert.equal(kv.docs.get(leaseKey('in'))?.expires_at, clock + 10_000);
      assert.equal(absent, 0, 'a renewal replaces the record in one write: no moment for an acquirer to slip in');
      await a.release();
      assert.equal(kv.docs.size, 0);
    });

    it('after taking the lease, waits until its replica shows it (then the previous holder’s checkpoints are visible too)', async () => {
      const kv = new Kv();
      kv.frozen = true;
      const warnings: string[] = [];
      const a = new Lease(kv, 'c', 'in', { ttlMs: 10_000, renewMs: 1_000_000, settleMaxMs: 2_000, host: 'h1', pid: 1 });
      const t0 = Date.now();
      setTimeout(() => kv.sync(), 300);
      assert.deepEqual(await a.acquire(), { acquired: true });
      const waited = Date.now() - t0;
      assert.ok(waited >= 290 && waited < 1500, `waited ${waited} ms`);
      assert.equal(warnings.length, 0);
      await a.release();

      const never = new Kv();
      never.frozen = true;
      const b = new Lease(never, 'c', 'in', {
        ttlMs: 10_000,
        renewMs: 1_000_000,
        settleMaxMs: 200,
        host: 'h1',
        pid: 1,
        onWarn: (m) => warnings.push(m),
      });
      assert.deepEqual(await b.acquire(), { acquired: true }, 'still acquired: a lagging replica costs duplicates, not the run');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /did not show the lease of input in within 0 s of taking it: its checkpoints may be older/);
      await b.release();
    });
  });
});
