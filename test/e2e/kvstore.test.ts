// Where the input can run: it keeps checkpoints and its lease in the KV store, so on an instance whose KV
// store is disabled or absent (a universal forwarder) a run ends with one clear ERROR and emits nothing.
import assert from 'node:assert/strict';
import { isoMinutesAgo, startWorld, type World } from '../support/world';

describe('KV store disabled or absent (through the binary)', function () {
  this.timeout(120_000);
  let w: World;
  before(async () => {
    w = await startWorld({ tenancy: { regions: 1, compartments: 2, deletedCompartments: 0, eventsPerDay: 2000 } });
  });
  after(async () => {
    await w?.close();
  });
  afterEach(() => w.splunkd.setKvStoreMode('ready'));

  for (const [mode, words] of [
    ['disabled', 'the KV store is disabled on this Splunk instance'],
    ['absent', 'this Splunk instance has no KV store (a universal forwarder has none)'],
  ] as const) {
    it(`${mode}: exit 1, one ERROR that says so, no event, no OCI call, no KV request`, async () => {
      w.splunkd.setKvStoreMode(mode);
      const ociBefore = w.oci.stats().requests;
      const kvBefore = w.splunkd.requests().filter((r) => r.path.includes('/storage/collections/')).length;
      const r = await w.run({ start_date_time: isoMinutesAgo(60) }, { name: `kv_${mode}` });
      assert.equal(r.exitCode, 1, r.stderrLines.join('\n'));
      assert.equal(r.events.length, 0, 'nothing emitted');
      assert.equal(r.stdout, '', 'stdout carries nothing');
      const errors = r.stderrLines.filter((l) => l.startsWith('ERROR'));
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.ok(errors[0].includes(words), errors[0]);
      assert.ok(errors[0].includes('heavy forwarder'), 'says where it can run');
      assert.equal(w.oci.stats().requests, ociBefore, 'OCI is not called');
      assert.equal(w.splunkd.requests().filter((r2) => r2.path.includes('/storage/collections/')).length, kvBefore, 'no KV request');
    });
  }

  it('ready: the same input collects (the check does not stand in the way)', async () => {
    const r = await w.run({ start_date_time: isoMinutesAgo(60) }, { name: 'kv_ready' });
    assert.equal(r.exitCode, 0, r.stderrLines.join('\n'));
    assert.ok(r.events.length > 0);
  });
});
