import assert from 'node:assert/strict';
import { CheckpointStore, MemoryKv } from '../../src/pipeline/checkpoints';
import { CHECKPOINT_COLLECTION } from '../../src/splunk/account-rules';
import { countDigests, nothingRemembered, remember } from '../../src/pipeline/lookback';

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
    store.recordRun('ocid1.tenancy.oc1..aaaaaaaaaaaaa', { lookback_minutes: '15' }, 10);
    store.advance({ region: 'r', compartmentId: 'c', until: 60_000 });
    await assert.rejects(store.flush());
    kv.fail = false;
    store.retryLater();
    await store.flush();
    const again = new CheckpointStore(kv, 'in');
    await again.open(1);
    assert.equal(again.get('r', 'c')?.until, 60_000);
    assert.deepEqual(again.input.params, { lookback_minutes: '15' }, 'the input record is saved with the checkpoints');
  });
});

describe('checkpoint store: remembered eventIds', () => {
  const ids = (n: number, tag: string): string[] => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

  it('saves and reads back the remembered span and digests; records without seen_from remember nothing', async () => {
    const kv = new MemoryKv();
    const store = new CheckpointStore(kv, 'in');
    await store.open(0);
    const r = remember(remember(nothingRemembered(0), 60_000, ids(3, 'a')), 120_000, ids(2, 'b'));
    store.advance({ region: 'r', compartmentId: 'c', until: 120_000, remembered: r });
    store.advance({ region: 'r', compartmentId: 'd', until: 120_000 });
    await store.flush();
    const rec = (await kv.kvQuery(CHECKPOINT_COLLECTION, { compartment_id: 'c' }))[0];
    assert.equal(rec.seen_from, 0);
    assert.deepEqual(
      (rec.seen as Array<{ end: number; digests: string }>).map((s) => [s.end, Buffer.from(s.digests, 'base64').length]),
      [
        [60_000, 24],
        [120_000, 16],
      ],
    );
    const again = new CheckpointStore(kv, 'in');
    await again.open(1);
    assert.equal(countDigests(again.get('r', 'c')?.remembered), 5);
    assert.equal(again.get('r', 'c')?.remembered?.from, 0);
    assert.equal(again.get('r', 'd')?.remembered, undefined);
    assert.equal(again.rememberedDigests, 5);
    // 0.1.0 kept plain ids without saying from when they are complete: not trusted.
    await kv.kvBatchSave(CHECKPOINT_COLLECTION, [{ ...rec, seen_from: undefined, seen: [{ end: 60_000, ids: ['x'] }] }]);
    const old = new CheckpointStore(kv, 'in');
    await old.open(2);
    assert.equal(old.get('r', 'c')?.remembered, undefined);
  });

  it('holds at most maxRemembered digests over all pairs: the oldest windows of any pair are forgotten first', async () => {
    const kv = new MemoryKv();
    const store = new CheckpointStore(kv, 'in', { maxRemembered: 100 });
    await store.open(0);
    let a = nothingRemembered(0);
    for (let m = 1; m <= 5; m++) a = remember(a, m * 60_000, ids(10, `a${m}`));
    store.advance({ region: 'r', compartmentId: 'a', until: 5 * 60_000, remembered: a });
    let b = nothingRemembered(0);
    for (let m = 3; m <= 8; m++) b = remember(b, m * 60_000, ids(10, `b${m}`));
    store.advance({ region: 'r', compartmentId: 'b', until: 8 * 60_000, remembered: b });
    // 110 > 100: forget down to 90 by the oldest ends: a@1, a@2 (20 digests).
    assert.equal(store.rememberedDigests, 90);
    assert.equal(store.forgotUpTo, 2 * 60_000);
    assert.equal(store.get('r', 'a')?.remembered?.from, 2 * 60_000);
    assert.equal(countDigests(store.get('r', 'a')?.remembered), 30);
    assert.equal(countDigests(store.get('r', 'b')?.remembered), 60);
    await store.flush();
    // A lower maximum applies when the records are loaded, and the trimmed records are saved.
    const lower = new CheckpointStore(kv, 'in', { maxRemembered: 50 });
    await lower.open(1);
    assert.ok(lower.rememberedDigests <= 45, `${lower.rememberedDigests}`);
    await lower.flush();
    const reread = new CheckpointStore(kv, 'in');
    await reread.open(2);
    assert.equal(reread.rememberedDigests, lower.rememberedDigests);
  });

  it('restart(): a new uid and first run; the old checkpoints are deleted, the input record kept', async () => {
    const kv = new MemoryKv();
    const store = new CheckpointStore(kv, 'in');
    await store.open(1000);
    store.recordRun('ocid1.tenancy.oc1..aaaaaaaaaaaaa', { lookback_minutes: '0' }, 1000);
    await store.flush();
    assert.equal((await kv.kvQuery(CHECKPOINT_COLLECTION, { type: 'input' }))[0].tenancy_id, 'ocid1.tenancy.oc1..aaaaaaaaaaaaa');
    const uid = store.input.inputUid;
    store.advance({ region: 'r', compartmentId: 'c', until: 60_000 });
    await store.flush();
    await store.restart(5000);
    assert.notEqual(store.input.inputUid, uid);
    assert.equal(store.input.firstRunAt, 5000);
    assert.equal(store.all().length, 0);
    assert.equal((await kv.kvQuery(CHECKPOINT_COLLECTION, { input_uid: uid })).length, 0);
    const again = new CheckpointStore(kv, 'in');
    await again.open(6000);
    assert.equal(again.input.inputUid, store.input.inputUid);
    assert.equal(again.input.tenancyId, undefined, 'recorded again by the run that restarted');
  });
});

describe('lookback memory size', () => {
  it('at 1 M events/day, the busiest pair with lookback 60 and 240 keeps its record well under the KV limits', async () => {
    // The reference tenancy's busiest pair (root or a busy compartment in the home region) carries
    // 0.4 x 0.15 = 6 % of the events; "one pair holding every event" is the worst case.
    for (const [lookback, share] of [
      [60, 1],
      [240, 0.06],
      [240, 1],
    ] as const) {
      let biggest = 0;
      class SizingKv extends MemoryKv {
        override async kvBatchSave(c: string, docs: Array<Record<string, unknown>>): Promise<void> {
          for (const d of docs) biggest = Math.max(biggest, Buffer.byteLength(JSON.stringify(d)));
          return super.kvBatchSave(c, docs);
        }
      }
      const store = new CheckpointStore(new SizingKv(), 'in');
      await store.open(0);
      const perMinute = Math.ceil((1_000_000 * share) / 1440);
      let r = nothingRemembered(0);
      for (let m = 0; m < lookback; m++)
        r = remember(
          r,
          (m + 1) * 60_000,
          // eventIds are GUIDs (36 characters), as OCI sends them.
          Array.from({ length: perMinute }, (_, i) => `${(m * perMinute + i).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`),
        );
      store.advance({ region: 'r', compartmentId: 'c', until: lookback * 60_000, remembered: r });
      await store.flush();
      const n = perMinute * lookback;
      // KV store: 16 MB per document (BSON), 50 MB per batch_save (limits.conf max_size_per_batch_save_mb).
      assert.ok(biggest < 11 * n + 10_000, `record ${biggest} bytes for ${n} eventIds`);
      assert.ok(biggest < 4 * 1024 * 1024);
      console.log(
        `      record at 1 M events/day, lookback ${lookback}, ${share * 100} % of the events: ${biggest} bytes for ${n} eventIds`,
      );
    }
  });
});
