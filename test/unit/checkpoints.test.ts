import assert from 'node:assert/strict';
import { CheckpointStore, MemoryKv } from '../../src/pipeline/checkpoints';

class FailingKv extends MemoryKv {
  fail = false;
  override async kvBatchSave(c: string, docs: Array<Record<string, unknown>>): Promise<void> {
    if (this.fail) throw new Error('batch_save 500');
    return super.kvBatchSave(c, docs);
  }
}

describe('checkpoint store', () => {
  it('after a failed save, further advances do not hang flush(): it rejects at once', async () => {
    const kv = new FailingKv();
    const store = new CheckpointStore(kv, 'in');
    await store.open(0);
    kv.fail = true;
    store.advance({ region: 'r', compartmentId: 'c', until: 60_000 });
    await assert.rejects(store.flush(), /batch_save 500/);
    store.advance({ region: 'r', compartmentId: 'c', until: 120_000 });
    const t = Date.now();
    await assert.rejects(Promise.race([store.flush(), new Promise((_, rej) => setTimeout(() => rej(new Error('flush hung')), 1000))]), /batch_save 500/);
    assert.ok(Date.now() - t < 500);
    assert.ok(store.saveError);
  });

  it('retryLater() saves what was pending once the KV store is back', async () => {
    const kv = new FailingKv();
    const store = new CheckpointStore(kv, 'in');
    await store.open(0);
    kv.fail = true;
    store.advance({ region: 'r', compartmentId: 'c', until: 60_000 });
    await assert.rejects(store.flush());
    kv.fail = false;
    store.retryLater();
    await store.flush();
    const again = new CheckpointStore(kv, 'in');
    await again.open(1);
    assert.equal(again.get('r', 'c')?.until, 60_000);
  });
});
