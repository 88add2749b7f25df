import assert from 'node:assert/strict';
import { Lease, leaseKey, type LeaseKv } from '../../src/pipeline/lease';

type Json = Record<string, unknown>;

/** The KV store's per-key semantics: insert of an existing _key = 409 (false). */
class Kv implements LeaseKv {
  readonly docs = new Map<string, Json>();
  failPuts = false;
  async kvInsert(_c: string, doc: Json): Promise<boolean> {
    const k = String(doc._key);
    if (this.docs.has(k)) return false;
    this.docs.set(k, { ...doc });
    return true;
  }
  async kvGet(_c: string, key: string): Promise<Json | undefined> {
    const d = this.docs.get(key);
    return d && { ...d };
  }
  async kvPut(_c: string, key: string, doc: Json): Promise<void> {
    if (this.failPuts) throw new Error('KV down');
    this.docs.set(key, { ...doc });
  }
  async kvDelete(_c: string, key: string): Promise<boolean> {
    return this.docs.delete(key);
  }
}

describe('input lease', () => {
  let clock = 1_000_000;
  const now = (): number => clock;
  const opts = (pid: number, alive = true) => ({ ttlMs: 10_000, renewMs: 1_000_000, now, host: 'h1', pid, alive: () => alive });

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
    kv.failPuts = true;
    clock += 5_000;
    await a.renew();
    assert.equal(a.lost.aborted, false, 'still within the ttl');
    clock += 5_001;
    await a.renew();
    assert.equal(a.lost.aborted, true);
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
});
