// Checkpoints held back while splunkd may not have read their events (src/pipeline/unread-tail.ts), alone
// and inside the checkpoint store: what is saved, when, and what a run that stops abnormally leaves unsaved.
import assert from 'node:assert/strict';
import { CheckpointStore, MemoryKv } from '../../src/pipeline/checkpoints';
import { UNREAD_MARGIN_BYTES, UnreadTail } from '../../src/pipeline/unread-tail';

const M = 1000; // margin used by these tests (the product's is UNREAD_MARGIN_BYTES)

describe('unread tail', () => {
  it('holds a value until `margin` more bytes were flushed after it, then hands values over oldest first', () => {
    let flushed = 500;
    const tail = new UnreadTail<string>(() => flushed, M);
    const taken: string[] = [];
    const take = (k: string, v: string): number => taken.push(`${k}=${v}`);
    assert.equal(tail.hold('a', 'a1', true), true);
    flushed = 900;
    assert.equal(tail.hold('b', 'b1', true), true);
    tail.release(take);
    assert.deepEqual(taken, [], 'nothing read for sure yet');
    flushed = 1500; // a1 (at 500) is read for sure; b1 (at 900) not yet
    tail.release(take);
    assert.deepEqual(taken, ['a=a1']);
    flushed = 1899;
    tail.release(take);
    assert.deepEqual(taken, ['a=a1']);
    flushed = 1900;
    tail.release(take);
    assert.deepEqual(taken, ['a=a1', 'b=b1']);
    assert.equal(tail.size, 0);
  });

  it('a window that wrote nothing waits only behind a held value of its own pair', () => {
    const tail = new UnreadTail<string>(() => 0, M);
    assert.equal(tail.hold('a', 'a1', false), false, 'nothing written, nothing waiting: save now');
    assert.equal(tail.hold('b', 'b1', true), true);
    assert.equal(tail.hold('b', 'b2', false), true, 'b2 covers b1 too: it waits behind it');
    assert.equal(tail.hold('a', 'a2', false), false);
    const taken: string[] = [];
    tail.release((k, v) => taken.push(`${k}=${v}`), true);
    assert.deepEqual(taken, ['b=b1', 'b=b2'], 'all, in order, when the stream ended normally');
    assert.equal(tail.has('b'), false);
  });

  it('replaceNewest changes only the newest waiting value of a key', () => {
    const tail = new UnreadTail<string>(() => 0, M);
    tail.hold('a', 'a1', true);
    tail.hold('a', 'a2', true);
    tail.replaceNewest('a', 'a2-trimmed');
    const taken: string[] = [];
    tail.release((_k, v) => taken.push(v), true);
    assert.deepEqual(taken, ['a1', 'a2-trimmed']);
  });
});

describe('checkpoint store with an unread tail', () => {
  const cp = (until: number): { region: string; compartmentId: string; until: number } => ({ region: 'r', compartmentId: 'c', until });
  const saved = async (kv: MemoryKv): Promise<number[]> =>
    (await kv.kvQuery('oci_audit_checkpoints', { type: 'checkpoint', region: 'r' })).map((r) => Number(r.checkpoint_epoch) * 1000);

  it('saves a window only once the margin was flushed after it; get() answers the newest at once', async () => {
    let flushed = 0;
    const kv = new MemoryKv();
    const store = new CheckpointStore(kv, 'in', { flushedBytes: () => flushed });
    await store.open(0);
    flushed = 100;
    store.advance(cp(60_000), true);
    assert.equal(store.get('r', 'c')?.until, 60_000, 'the run goes on from the newest');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(await saved(kv), []);
    flushed = 100 + UNREAD_MARGIN_BYTES; // the margin later
    store.advance({ region: 'r2', compartmentId: 'c', until: 1 }, false);
    await store.flush();
    assert.deepEqual(await saved(kv), [60_000]);
  });

  it('a run that stops abnormally leaves held windows unsaved; one that ends normally saves them', async () => {
    for (const streamComplete of [false, true]) {
      const kv = new MemoryKv();
      const store = new CheckpointStore(kv, 'in', { flushedBytes: () => 10 });
      await store.open(0);
      store.advance(cp(60_000), true);
      store.advance(cp(120_000), false);
      await store.flush({ streamComplete });
      assert.deepEqual(await saved(kv), streamComplete ? [120_000] : [], `streamComplete ${streamComplete}`);
      assert.equal(store.heldBack, streamComplete ? 0 : 2);
    }
  });

  it('without a stream position (preview, tests) every checkpoint is saved at once', async () => {
    const kv = new MemoryKv();
    const store = new CheckpointStore(kv, 'in');
    await store.open(0);
    store.advance(cp(60_000), true);
    await store.flush();
    assert.deepEqual(await saved(kv), [60_000]);
  });
});
