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
    await assert.rejects(
      Promise.race([store.flush(), new Promise((_, rej) => setTimeout(() => rej(new Error('flush hung')), 1000))]),
      /batch_save 500/,
    );
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

describe('lookback memory size', () => {
  it('at 1 M events/day and lookback 60, one pair holding every event keeps its record well under the KV limits', async () => {
    let biggest = 0;
    class SizingKv extends MemoryKv {
      override async kvBatchSave(c: string, docs: Array<Record<string, unknown>>): Promise<void> {
        for (const d of docs) biggest = Math.max(biggest, Buffer.byteLength(JSON.stringify(d)));
        return super.kvBatchSave(c, docs);
      }
    }
    const store = new CheckpointStore(new SizingKv(), 'in');
    await store.open(0);
    const perHour = Math.ceil(1_000_000 / 24);
    // eventIds are GUIDs (36 characters), as OCI sends them.
    const ids = Array.from({ length: perHour }, (_, i) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`);
    const seen = Array.from({ length: 60 }, (_, m) => ({
      end: (m + 1) * 60_000,
      ids: ids.slice(Math.floor((m * perHour) / 60), Math.floor(((m + 1) * perHour) / 60)),
    }));
    store.advance({ region: 'r', compartmentId: 'c', until: 3_600_000, seen });
    await store.flush();
    // KV store: 16 MB per document (BSON), 50 MB per batch_save (limits.conf max_size_per_batch_save_mb).
    assert.ok(biggest < 2 * 1024 * 1024, `record ${biggest} bytes`);
    console.log(`      record size at 1 M events/day, lookback 60 (one pair): ${biggest} bytes for ${perHour} eventIds`);
  });
});
