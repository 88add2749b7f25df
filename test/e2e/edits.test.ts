// What an edit does (docs/contract.md "What an edit does"): for each edit an admin can make between two
// runs, the real executable run as splunkd runs it, against the OCI emulator's ground truth. Every test
// asserts exact delivery counts: each event once, or the documented exception, and nothing else.
// Runs "in the past" use libfaketime, so a test can leave a week between two runs. The helpers
// (test/support/edits.ts) keep each test to its row: the runs around the edit, then what was delivered.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { partitionOf } from '../../src/pipeline/partition';
import { generateTenancy, startOciEmulator } from '../emulators/oci';
import { allPairs, Ledger } from '../support/delivery';
import {
  addLate,
  assertExact,
  EditedInput,
  haveFaketime,
  iso,
  minutes,
  minutesAgo,
  noWarning,
  oneInfo,
  oneWarning,
  sharedCheckpoint,
  spans,
  truth,
  type PairRef,
} from '../support/edits';
import { recordResult } from '../support/results';
import { ACCOUNT_REALM, accountConf, ROOT, startWorld, type World, type WorldOptions } from '../support/world';

const HOUR = 60;
const DAY = 24 * HOUR;

/** Small tenancies keep each test to seconds; events exist from 8 days back for the "a week later" rows. */
function world(tenancy: WorldOptions['tenancy'] = {}, o: WorldOptions = {}): Promise<World> {
  return startWorld({
    tenancy: {
      regions: 1,
      compartments: 2,
      deletedCompartments: 0,
      eventsPerDay: 20_000,
      eventsFrom: new Date(Date.now() - 8 * DAY * 60_000),
      ...tenancy,
    },
    // A run "in the past" signs its requests with that date: let the emulator accept it.
    oci: { pageSize: 200, clockSkewSec: 9 * DAY * 60 },
    ...o,
  });
}

/** What several inputs delivered together (as one index would hold it). */
function combined(...ledgers: Ledger[]): Ledger {
  const out = new Ledger();
  for (const l of ledgers)
    for (const [id, n] of l.counts) {
      out.counts.set(id, (out.counts.get(id) ?? 0) + n);
      out.deliveries += n;
    }
  return out;
}

describe('what an edit does (docs/contract.md): exactly-once across edits between runs', function () {
  this.timeout(180_000);
  /** what a test started, closed after it (last first) */
  const started: Array<{ close(): Promise<void> }> = [];
  function closeAfter<T extends { close(): Promise<void> }>(x: T): T {
    started.push(x);
    return x;
  }
  /** A world of its own for one test, its pairs, and the input "test" in it. */
  async function setUp(tenancy: WorldOptions['tenancy'] = {}): Promise<{ w: World; pairs: PairRef[]; input: EditedInput }> {
    const w = closeAfter(await world(tenancy));
    return { w, pairs: allPairs(w), input: new EditedInput(w) };
  }
  before(function () {
    this.timeout(180_000);
    // libfaketime from apt when missing (as npm test does)
    if (!haveFaketime()) spawnSync(process.execPath, ['build/dev/setup.mjs', 'faketime'], { cwd: ROOT, stdio: 'inherit' });
    assert.ok(haveFaketime(), 'libfaketime is missing: `node build/dev/setup.mjs faketime` installs it with apt-get');
  });
  afterEach(async () => {
    for (const x of started.splice(0).reverse()) await x.close();
  });

  it('lookback_minutes off -> on: nothing already delivered is sent again; late events inside the remembered span arrive once', async () => {
    const { w, pairs, input } = await setUp();
    const start = minutesAgo(300);
    const base = { start_date_time: iso(start), delay_throttle: '1', query_window_size: '60' };
    const c2 = await input.history({ ...base, lookback_minutes: '0' }, [60, 40], pairs);
    const before = addLate(w, pairs[0], 'late-before-edit', c2 - minutes(30));
    const r3 = await input.run({ ...base, lookback_minutes: '240' }, 20, { windowMinutes: 60, lookbackMinutes: 240 });
    assert.equal(r3.again.length, 0, `the run after lookback 0 -> 240 sent ${r3.again.length} already delivered events again`);
    const c3 = input.checkpoint(pairs);
    const inside = addLate(w, pairs[1], 'late-inside-remembered', c2 + minutes(5));
    const outside = addLate(w, pairs[2], 'late-outside-remembered', c2 - minutes(10));
    const r4 = await input.run({ ...base, lookback_minutes: '240' }, 0, { windowMinutes: 60, lookbackMinutes: 240 });
    const end = input.checkpoint(pairs);
    assert.ok(c3 > c2 + minutes(10) && end > c3);
    const counts = input.assertExact(spans(pairs, start, end), { never: [before, outside] });
    assert.equal(input.ledger.counts.get(inside), 1);
    const warn = oneWarning(r3, /lookback_minutes 0 -> 240: re-reading only the span whose eventIds are remembered \(0 minutes now\)/);
    noWarning(r4);
    recordResult('edit: lookback 0 -> 240', { ...counts, duplicates: input.ledger.duplicates, warn });
  });

  it('lookback_minutes raised 60 -> 240: nothing sent again; the re-read span is what is remembered and grows to 240', async () => {
    const { w, pairs, input } = await setUp();
    const start = minutesAgo(400);
    const base = { start_date_time: iso(start), delay_throttle: '1', query_window_size: '30' };
    const c2 = await input.history({ ...base, lookback_minutes: '60' }, [120, 90], pairs);
    const inBefore = addLate(w, pairs[0], 'late-within-60', c2 - minutes(30));
    const outBefore = addLate(w, pairs[1], 'late-beyond-60', c2 - minutes(100));
    const r3 = await input.run({ ...base, lookback_minutes: '240' }, 60, { windowMinutes: 30, lookbackMinutes: 60 });
    assert.equal(r3.again.length, 0, `the run after lookback 60 -> 240 sent ${r3.again.length} already delivered events again`);
    const in2 = addLate(w, pairs[2], 'late-within-remembered', c2 - minutes(50));
    const out2 = addLate(w, pairs[0], 'late-before-remembered', c2 - minutes(70));
    const r4 = await input.run({ ...base, lookback_minutes: '240' }, 0, { windowMinutes: 30, lookbackMinutes: 240 });
    const end = input.checkpoint(pairs);
    const counts = input.assertExact(spans(pairs, start, end), { never: [outBefore, out2] });
    assert.equal(input.ledger.counts.get(inBefore), 1);
    assert.equal(input.ledger.counts.get(in2), 1);
    const warn = oneWarning(r3, /lookback_minutes 60 -> 240: re-reading only the span whose eventIds are remembered \(60 minutes now\)/);
    noWarning(r4);
    recordResult('edit: lookback 60 -> 240', { ...counts, duplicates: input.ledger.duplicates, warn });
  });

  it('lookback_minutes lowered 240 -> 60: nothing sent again; late events within the last 60 minutes arrive once', async () => {
    const { w, pairs, input } = await setUp();
    const start = minutesAgo(400);
    const base = { start_date_time: iso(start), delay_throttle: '1', query_window_size: '45' };
    const c2 = await input.history({ ...base, lookback_minutes: '240' }, [120, 60], pairs);
    const within = addLate(w, pairs[0], 'late-within-60', c2 - minutes(30));
    const beyond = addLate(w, pairs[1], 'late-beyond-60', c2 - minutes(100));
    const r3 = await input.run({ ...base, lookback_minutes: '60' }, 30, { windowMinutes: 45, lookbackMinutes: 60 });
    assert.equal(r3.again.length, 0);
    const c3 = input.checkpoint(pairs);
    for (const rec of w.checkpoints('test'))
      assert.ok(Number(rec.seen_from) >= c3 - minutes(60), 'remembered eventIds pruned to 60 minutes');
    await input.run({ ...base, lookback_minutes: '60' }, 0, { windowMinutes: 45, lookbackMinutes: 60 });
    const end = input.checkpoint(pairs);
    const counts = input.assertExact(spans(pairs, start, end), { never: [beyond] });
    assert.equal(input.ledger.counts.get(within), 1);
    noWarning(r3, 'exactly-once: no WARN');
    oneInfo(r3, /lookback_minutes 240 -> 60/);
    recordResult('edit: lookback 240 -> 60', counts);
  });

  it('lookback_minutes on -> off: nothing sent again; the remembered eventIds are dropped from the records', async () => {
    const { w, pairs, input } = await setUp();
    const start = minutesAgo(300);
    const base = { start_date_time: iso(start), delay_throttle: '1', query_window_size: '60' };
    const c2 = await input.history({ ...base, lookback_minutes: '120' }, [90, 60], pairs);
    assert.ok(w.checkpoints('test').every((r) => typeof r.seen_from === 'number'));
    const late = addLate(w, pairs[0], 'late-after-off', c2 - minutes(20));
    const r3 = await input.run({ ...base, lookback_minutes: '0' }, 30, { windowMinutes: 60 });
    assert.equal(r3.again.length, 0);
    for (const rec of w.checkpoints('test')) assert.equal(rec.seen, undefined, 'no remembered eventIds with lookback off');
    await input.run({ ...base, lookback_minutes: '0' }, 0, { windowMinutes: 60 });
    const end = input.checkpoint(pairs);
    const counts = input.assertExact(spans(pairs, start, end), { never: [late] });
    noWarning(r3);
    oneInfo(r3, /lookback_minutes 120 -> 0/);
    recordResult('edit: lookback 120 -> 0', counts);
  });

  it('regions added, removed and added back: an added region starts at start_date_time, a returning one resumes from its checkpoint', async () => {
    const { w, pairs: all, input } = await setUp({ regions: 2 });
    const [r1, r2] = w.oci.tenancy.regions.map((r) => r.regionName);
    const start = minutesAgo(240);
    const base = { start_date_time: iso(start), delay_throttle: '1', query_window_size: '60', lookback_minutes: '30' };
    const check = { windowMinutes: 60, lookbackMinutes: 30, start: () => start };
    await input.run({ ...base, regions: r1 }, 90, check);
    const added = await input.run({ ...base, regions: `${r1},${r2}` }, 60, check);
    assert.equal(added.again.length, 0);
    const c2 = input.checkpoint(all);
    await input.run({ ...base, regions: r2 }, 30, check);
    assert.equal(input.checkpoint(all.filter((p) => p.region === r1)), c2, 'a removed region keeps its checkpoints');
    const back = await input.run({ ...base, regions: `${r1},${r2}` }, 0, check);
    assert.equal(back.again.length, 0);
    const end = input.checkpoint(all);
    const counts = input.assertExact(spans(all, start, end));
    noWarning(added);
    oneInfo(added, /regions \S+ -> \S+: added pairs start at/);
    recordResult('edit: regions added, removed, added back', counts);
  });

  it('compartments: one removed, then added back a week later, resumes from its checkpoint: the week once, nothing twice', async () => {
    const { w, pairs: all, input } = await setUp({ compartments: 2, eventsPerDay: 3_000 });
    const t = w.oci.tenancy;
    const [a, b] = t.compartments.filter((c) => c.lifecycleState === 'ACTIVE').map((c) => c.id);
    const removed = all.filter((p) => p.compartment === b);
    const start = minutesAgo(7 * DAY + 4 * HOUR);
    const base = { start_date_time: iso(start), delay_throttle: '1', query_window_size: '1440', lookback_minutes: '60' };
    const check = { windowMinutes: 1440, lookbackMinutes: 60, start: () => start };
    await input.run({ ...base, compartments: [t.tenancyId, a, b].join(',') }, 7 * DAY + HOUR, check);
    const c1 = input.checkpoint(all);
    await input.run({ ...base, compartments: [t.tenancyId, a].join(',') }, 7 * DAY, check);
    assert.equal(input.checkpoint(removed), c1);
    const back = await input.run({ ...base, compartments: [t.tenancyId, a, b].join(',') }, 0, check);
    assert.equal(back.again.length, 0);
    const end = input.checkpoint(all);
    assert.ok(end - c1 > minutes(7 * DAY - 5));
    const weekOfB = truth(w, spans(removed, c1, end));
    assert.ok(weekOfB.size > 1000, `a week of the returning compartment (${weekOfB.size} events)`);
    for (const id of weekOfB.keys()) assert.equal(input.ledger.counts.get(id), 1);
    const counts = input.assertExact(spans(all, start, end));
    noWarning(back);
    recordResult('edit: compartment removed, added back a week later', { ...counts, weekOfReturning: weekOfB.size });
  });

  it('exclude_compartments added then removed: the excluded compartment stops, then resumes from its checkpoint', async () => {
    const { w, pairs: all, input } = await setUp({ compartments: 3 });
    const t = w.oci.tenancy;
    const leaf = t.compartments.find((c) => c.lifecycleState === 'ACTIVE' && !t.compartments.some((k) => k.compartmentId === c.id))!;
    const excluded = all.filter((p) => p.compartment === leaf.id);
    const start = minutesAgo(200);
    const base = { start_date_time: iso(start), delay_throttle: '1', query_window_size: '60', lookback_minutes: '15' };
    const check = { windowMinutes: 60, lookbackMinutes: 15, start: () => start };
    await input.run(base, 90, check);
    const c1 = input.checkpoint(all);
    const ex = await input.run({ ...base, exclude_compartments: leaf.id }, 45, check);
    assert.equal(input.checkpoint(excluded), c1);
    assert.ok(input.checkpoint(all.filter((p) => p.compartment !== leaf.id)) > c1);
    const back = await input.run(base, 0, check);
    assert.equal(back.again.length, 0);
    const end = input.checkpoint(all);
    const counts = input.assertExact(spans(all, start, end));
    oneInfo(ex, /exclude_compartments \(none\) -> /);
    recordResult('edit: exclude_compartments added, removed', counts);
  });

  it('query_window_size raised and lowered mid-history: windows stay contiguous (no gap, no overlap), each event once', async () => {
    const { pairs, input } = await setUp();
    const start = minutesAgo(480);
    const base = { start_date_time: iso(start), delay_throttle: '1', lookback_minutes: '20' };
    const at = (size: number): { windowMinutes: number; lookbackMinutes: number; start: () => number } => ({
      windowMinutes: size,
      lookbackMinutes: 20,
      start: () => start,
    });
    await input.run({ ...base, query_window_size: '60' }, 360, at(60));
    await input.run({ ...base, query_window_size: '7' }, 240, at(7));
    await input.run({ ...base, query_window_size: '180' }, 30, at(180));
    const last = await input.run({ ...base, query_window_size: '1' }, 0, at(1));
    const end = input.checkpoint(pairs);
    const counts = input.assertExact(spans(pairs, start, end));
    noWarning(last);
    recordResult('edit: query_window_size 60 -> 7 -> 180 -> 1', counts);
  });

  it('delay_throttle raised and lowered mid-history: windows stay contiguous, nothing collected twice or skipped', async () => {
    const { pairs, input } = await setUp();
    const start = minutesAgo(300);
    const base = { start_date_time: iso(start), query_window_size: '30', lookback_minutes: '10' };
    const check = { windowMinutes: 30, lookbackMinutes: 10, start: () => start };
    await input.run({ ...base, delay_throttle: '5' }, 120, check);
    const c1 = input.checkpoint(pairs);
    // Raised past the checkpoint: nothing is due; the checkpoint stays.
    await input.run({ ...base, delay_throttle: '60' }, 100, check);
    assert.equal(input.checkpoint(pairs), c1);
    await input.run({ ...base, delay_throttle: '0' }, 60, check);
    await input.run({ ...base, delay_throttle: '30' }, 0, check);
    const end = input.checkpoint(pairs);
    const counts = input.assertExact(spans(pairs, start, end));
    recordResult('edit: delay_throttle 5 -> 60 -> 0 -> 30', counts);
  });

  it('start_date_time changed after the first run: pairs with checkpoints keep them; only new pairs start at the new date', async () => {
    const { w, pairs: all, input } = await setUp({ regions: 2 });
    const [r1, r2] = w.oci.tenancy.regions.map((r) => r.regionName);
    const first = all.filter((p) => p.region === r1);
    const s1 = minutesAgo(200);
    const s0 = minutesAgo(400);
    const s2 = minutesAgo(100);
    const base = { delay_throttle: '1', query_window_size: '60' };
    await input.run({ ...base, start_date_time: iso(s1), regions: r1 }, 60);
    const earlier = await input.run({ ...base, start_date_time: iso(s0), regions: r1 }, 40, { windowMinutes: 60 });
    const added = await input.run({ ...base, start_date_time: iso(s0), regions: `${r1},${r2}` }, 20, {
      windowMinutes: 60,
      start: () => s0,
    });
    const later = await input.run({ ...base, start_date_time: iso(s2), regions: `${r1},${r2}` }, 0, { windowMinutes: 60 });
    const end = input.checkpoint(all);
    const counts = input.assertExact([
      ...spans(first, s1, end),
      ...spans(
        all.filter((p) => p.region === r2),
        s0,
        end,
      ),
    ]);
    assert.ok(truth(w, spans(first, s0, s1)).size > 100, 'the earlier start would have had events');
    for (const r of [earlier, later]) oneWarning(r, /start_date_time \S+ -> \S+: the \d+ pairs with a checkpoint continue from it/);
    noWarning(added);
    recordResult('edit: start_date_time earlier, later', counts);
  });

  it('end_date_time added, moved earlier, moved later, removed: each window once, nothing after the end while it is set', async () => {
    const { pairs, input } = await setUp();
    const start = minutesAgo(300);
    const e1 = minutesAgo(170);
    const e2 = minutesAgo(190);
    const e3 = minutesAgo(80);
    const base = { start_date_time: iso(start), delay_throttle: '1', query_window_size: '60', lookback_minutes: '30' };
    const check = { windowMinutes: 60, lookbackMinutes: 30, start: () => start };
    await input.run(base, 200, check);
    const c1 = input.checkpoint(pairs);
    assert.ok(c1 < e1);
    const addedEnd = await input.run({ ...base, end_date_time: iso(e1) }, 150, check);
    assert.equal(input.checkpoint(pairs), e1);
    const earlier = await input.run({ ...base, end_date_time: iso(e2) }, 120, check);
    assert.equal(earlier.events.length, 0);
    assert.equal(input.checkpoint(pairs), e1);
    await input.run({ ...base, end_date_time: iso(e3) }, 60, check);
    assert.equal(input.checkpoint(pairs), e3);
    const removed = await input.run(base, 0, check);
    const end = input.checkpoint(pairs);
    const counts = input.assertExact(spans(pairs, start, end));
    noWarning(addedEnd);
    oneWarning(earlier, /end_date_time \S+ -> \S+: \d+ pairs were already collected past it/);
    noWarning(removed);
    recordResult('edit: end_date_time added, earlier, later, removed', counts);
  });

  it('partition 0/1 -> 0/2 -> 0/1 on one host: kept pairs continue, returning pairs resume; what another host sent meanwhile is sent twice, exactly', async () => {
    const { w, pairs: all, input: a } = await setUp({ regions: 2, compartments: 3 });
    const moved = all.filter((p) => partitionOf(p.region, p.compartment, 2) === 1);
    const kept = all.filter((p) => partitionOf(p.region, p.compartment, 2) === 0);
    assert.ok(moved.length > 0 && kept.length > 0, 'both shares hold pairs');
    const start = minutesAgo(200);
    const base = { start_date_time: iso(start), delay_throttle: '1', query_window_size: '60', lookback_minutes: '30' };
    await a.run({ ...base, partition: '0/1' }, 60);
    const c1 = a.checkpoint(all);
    const split = await a.run({ ...base, partition: '0/2' }, 40, { windowMinutes: 60, lookbackMinutes: 30 });
    assert.equal(a.checkpoint(moved), c1, 'pairs that left keep their checkpoints here');
    // The other host takes share 1 of 2 with its own KV store: its pairs start at its start_date_time.
    const b = new EditedInput(closeAfter(await startWorld({ sharedOci: w.oci })));
    await b.run({ ...base, partition: '1/2' }, 30);
    const cB = b.checkpoint(moved);
    const back = await a.run({ ...base, partition: '0/1' }, 0, { windowMinutes: 60, lookbackMinutes: 30 });
    const end = a.checkpoint(all);
    // This host alone: every pair from the start to its checkpoint, once.
    const counts = a.assertExact(spans(all, start, end));
    // Both hosts: the documented exception, exactly: what host B sent for the moved pairs, twice.
    const twice = [...truth(w, spans(moved, start, cB)).keys()];
    assert.ok(twice.length > 100);
    assertExact(combined(a.ledger, b.ledger), truth(w, spans(all, start, end)), { twice });
    oneWarning(split, new RegExp(`partition 0/1 -> 0/2: ${moved.length} pairs leave this input`));
    oneWarning(
      back,
      new RegExp(`partition 0/2 -> 0/1: 0 pairs leave this input .*${moved.length} pairs come back and resume from their checkpoints`),
    );
    recordResult('edit: partition 0/1 -> 0/2 -> 0/1 with another host on 1/2', { ...counts, sentTwiceAcrossHosts: twice.length });
  });

  it('account switched: one of the same tenancy continues; one of another tenancy starts afresh and no record of the old tenancy is reused', async () => {
    const { w, pairs: pairsA, input } = await setUp({ eventsPerDay: 4_000 });
    const other = closeAfter(
      await startOciEmulator({
        tenancy: generateTenancy({ seed: 99, regions: 1, compartments: 2, deletedCompartments: 0, eventsPerDay: 4_000 }),
        pageSize: 200,
        clockSkewSec: 9 * DAY * 60,
      }),
    );
    w.splunkd.setConf('ta_oci_audit_account', 'other', accountConf(other));
    w.splunkd.setPassword(ACCOUNT_REALM, 'other', JSON.stringify({ private_key: other.apiKey.privateKeyPem }));
    const pairsB = [
      other.tenancy.tenancyId,
      ...other.tenancy.compartments.filter((c) => c.lifecycleState === 'ACTIVE').map((c) => c.id),
    ].map((c) => ({ region: other.tenancy.homeRegion, compartment: c }));
    const base = { delay_throttle: '1', query_window_size: '720', lookback_minutes: '30' };
    const runA = Date.now() - minutes(60);
    await input.run({ ...base, account: 'main' }, 60);
    // Another account of the same tenancy (e.g. a rotated user) continues from the checkpoints.
    w.splunkd.setConf('ta_oci_audit_account', 'main2', { ...w.splunkd.getConf('ta_oci_audit_account', 'main') });
    w.splunkd.setPassword(ACCOUNT_REALM, 'main2', JSON.stringify({ private_key: w.oci.apiKey.privateKeyPem }));
    const same = await input.run({ ...base, account: 'main2' }, 45, { windowMinutes: 720, lookbackMinutes: 30 });
    assert.equal(same.again.length, 0);
    noWarning(same);
    oneInfo(same, /account main -> main2: same tenancy/);
    const cA = input.checkpoint(pairsA);
    const uidA = w.splunkd.kvRecords('oci_audit_checkpoints').find((r) => r.type === 'input' && r.input === 'test')?.input_uid;
    const runB = Date.now() - minutes(30);
    const switched = await input.run({ ...base, account: 'other' }, 30);
    assert.equal(switched.again.length, 0);
    const recs = w.splunkd.kvRecords('oci_audit_checkpoints');
    assert.equal(recs.filter((r) => r.input_uid === uidA).length, 0, 'no record of the old tenancy is left');
    assert.deepEqual(
      w
        .checkpoints('test')
        .map((r) => r.compartment_id)
        .sort(),
      pairsB.map((p) => p.compartment).sort(),
    );
    await input.run({ ...base, account: 'other' }, 0);
    const cB = sharedCheckpoint(w, 'test', pairsB);
    // Fresh, as a new input: 24 hours before the first run with the new tenancy (no start_date_time).
    const fromA = Math.floor((runA - minutes(DAY)) / 60_000) * 60_000;
    const fromB = Math.floor((runB - minutes(DAY)) / 60_000) * 60_000;
    const expected = truth(w, spans(pairsA, fromA, cA));
    for (const p of pairsB)
      for (const ev of other.events(p.region, p.compartment, new Date(fromB), new Date(cB)))
        expected.set(String(ev.eventId), `${p.region}|${p.compartment}`);
    const counts = assertExact(input.ledger, expected);
    oneWarning(
      switched,
      /account main2 -> other reads another tenancy \(.+ -> .+\): the input starts afresh from \S+ and the \d+ checkpoints of the old tenancy were deleted/,
    );
    recordResult('edit: account switched to another tenancy', counts);
  });

  it('input disabled for a day, then enabled: the day is collected once, and other inputs keep its checkpoints meanwhile', async () => {
    const { w, pairs, input } = await setUp({ eventsPerDay: 5_000 });
    const start = minutesAgo(DAY + 3 * HOUR);
    const base = { account: 'main', start_date_time: iso(start), delay_throttle: '1', query_window_size: '240', lookback_minutes: '60' };
    // Stanzas in inputs.conf, so that each run's clean-up of deleted inputs sees them.
    w.splunkd.setConf('inputs', 'oci_audit://test', base);
    w.splunkd.setConf('inputs', 'oci_audit://neighbour', base);
    const neighbour = new EditedInput(w, 'neighbour');
    const check = { windowMinutes: 240, lookbackMinutes: 60, start: () => start };
    await input.run(base, DAY + HOUR, check);
    const c1 = input.checkpoint(pairs);
    w.splunkd.setConf('inputs', 'oci_audit://test', { ...base, disabled: '1' });
    await neighbour.run(base, 12 * HOUR);
    await neighbour.run(base, HOUR);
    assert.equal(input.checkpoint(pairs), c1, 'the disabled input keeps its checkpoints');
    w.splunkd.setConf('inputs', 'oci_audit://test', { ...base, disabled: '0' });
    const enabled = await input.run(base, 0, check);
    assert.equal(enabled.again.length, 0);
    const end = input.checkpoint(pairs);
    const day = truth(w, spans(pairs, c1, end));
    assert.ok(end - c1 >= minutes(DAY) && day.size > 2000, `a day (${day.size} events)`);
    assert.equal(enabled.events.length, day.size, 'the run after enabling sends the day, once');
    const counts = input.assertExact(spans(pairs, start, end));
    noWarning(enabled);
    recordResult('edit: disabled for a day, enabled', { ...counts, day: day.size });
  });

  it('event_rules added, then changed: each run applies its rules from the checkpoint on; nothing is collected again or re-decided', async () => {
    const { w, pairs, input } = await setUp();
    w.splunkd.addIndex('oci_cheap');
    const start = minutesAgo(360);
    const base = { start_date_time: iso(start), delay_throttle: '1', query_window_size: '30', lookback_minutes: '60' };
    const check = { windowMinutes: 30, lookbackMinutes: 60, start: () => start };
    await input.run(base, 240, check);
    const c1 = input.checkpoint(pairs);
    const dropGets = await input.run({ ...base, event_rules: 'drop action=GET' }, 120, check);
    oneInfo(
      dropGets,
      /input test was edited: event_rules \(none\) -> drop action=GET: the rules apply from each checkpoint on; nothing is collected again/,
    );
    noWarning(dropGets);
    const c2 = input.checkpoint(pairs);
    const routeLists = await input.run({ ...base, event_rules: 'route:oci_cheap name~^List ; index' }, 0, check);
    oneInfo(routeLists, /event_rules drop action=GET -> route:oci_cheap name~\^List ; index: the rules apply from each checkpoint on/);
    noWarning(routeLists);
    const end = input.checkpoint(pairs);
    type Ev = { eventId: string; data?: { eventName?: string; request?: { action?: string } } };
    const between = (from: number, until: number): Ev[] =>
      pairs.flatMap((p) => [...w.oci.events(p.region, p.compartment, new Date(from), new Date(until))] as Ev[]);
    // Dropped: the GETs of [c1, c2) only; the lookback re-reads after each edit skip what was remembered.
    const dropped = between(c1, c2).filter((e) => e.data?.request?.action === 'GET');
    assert.ok(dropped.length > 100);
    const counts = input.assertExact(spans(pairs, start, end), { never: dropped.map((e) => e.eventId) });
    // Routed: the List calls of [c2, end) only, and each of them.
    const routed = routeLists.events.filter((e) => e.index === 'oci_cheap').map((e) => (JSON.parse(e._raw) as Ev).eventId);
    const lists = between(c2, end).filter((e) => /^List/.test(e.data?.eventName ?? ''));
    assert.deepEqual(routed.sort(), lists.map((e) => e.eventId).sort());
    recordResult('edit: event_rules none -> drop -> route', { ...counts, dropped: dropped.length, routed: routed.length });
  });
});
