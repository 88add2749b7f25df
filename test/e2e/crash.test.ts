// Crash, stop and overlap: SIGKILL at random moments of a backfill, SIGTERM, a closed stdout, and
// two processes of one input at once. RELIABILITY_FULL=1 runs the full 20 kills x 40 k events.
import assert from 'node:assert/strict';
import type { RunResult } from '../emulators/splunkd';
import { Rng } from '../emulators/oci/prng';
import { UNREAD_MARGIN_BYTES } from '../../src/pipeline/unread-tail';
import { assertComplete, assertNoLossBelowCheckpoints, eventIds, eventIdsInTail, groundTruth, Ledger } from '../support/delivery';
import { recordResult } from '../support/results';
import { errorLines, isoMinutesAgo, startWorld, type World } from '../support/world';

const FULL = process.env.RELIABILITY_FULL === '1';
const WINDOW = 10;
const CONCURRENCY = 4;

describe('crash and overlap suite', function () {
  this.timeout(FULL ? 900_000 : 240_000);
  let w: World;
  afterEach(() => w?.close());

  it(`SIGKILL in ${FULL ? 20 : 5} runs of a ${FULL ? 40 : 10} k-event backfill, then a clean run: nothing lost, duplicates bounded`, async () => {
    const kills = FULL ? 20 : 5;
    const spanMin = 600;
    // eventsPerDay chosen so that the span holds about 10 k (quick) or 40 k (full) events.
    const eventsPerDay = Math.round(((FULL ? 40_000 : 10_000) * 1440) / spanMin);
    w = await startWorld({
      tenancy: { seed: 11, regions: 1, compartments: 4, deletedCompartments: 0, eventsPerDay },
      oci: { pageSize: 100, faults: { latencyMs: [5, 25] } },
    });
    const start = new Date(isoMinutesAgo(spanMin + 10));
    const end = new Date(isoMinutesAgo(10));
    const truth = groundTruth(w, start, end, WINDOW);
    const params = {
      start_date_time: start.toISOString(),
      end_date_time: end.toISOString(),
      query_window_size: String(WINDOW),
      max_concurrency: String(CONCURRENCY),
    };
    const ledger = new Ledger();
    const rng = new Rng(2026);
    const perKill: Array<{
      at: number;
      delivered: number;
      duplicates: number;
      dupWindows: number;
      unsaved: number;
      tailWindows: number;
      carried: number;
    }> = [];
    let previous: RunResult | undefined;
    let prevSaved = new Map<string, string>();
    const saved = (): Map<string, string> =>
      new Map(w.checkpoints('test').map((c) => [`${String(c.region)}|${String(c.compartment_id)}`, String(c.checkpoint)]));
    // Windows delivered so far whose checkpoint is not saved: the next run sends them again.
    const deliveredWindows = new Set<string>();
    const unsavedDelivered = (): Set<string> => {
      const cps = saved();
      return new Set(
        [...deliveredWindows].filter((key) => {
          const [region, comp, ws] = key.split('|');
          const cp = cps.get(`${region}|${comp}`);
          return !cp || Date.parse(ws) >= Date.parse(cp);
        }),
      );
    };
    for (let k = 0; k < kills; k++) {
      const at = 400 + Math.floor(rng.next() * 1600); // after start-up, while windows are in flight
      const before = unsavedDelivered();
      const r = await w.run(params, { killAfterMs: at });
      const again = ledger.add(r);
      assert.deepEqual(
        r.streamErrors.filter((e) => !/unterminated/.test(e)),
        [],
      );
      // Duplicates of this run: events the previous (killed) run had sent but not checkpointed.
      if (previous) perKill[perKill.length - 1].duplicates = again.length;
      if (previous) perKill[perKill.length - 1].dupWindows = new Set(again.map((id) => truth.get(id))).size;
      const now = saved();
      // Windows this killed run completed (all their events sent) but whose checkpoint was not saved.
      const sentWindows = new Set(eventIds(r).map((id) => truth.get(id)));
      let unsaved = 0;
      for (const key of sentWindows) {
        const [region, comp, ws] = String(key).split('|');
        const cp = now.get(`${region}|${comp}`) ?? prevSaved.get(`${region}|${comp}`);
        if (!cp || Date.parse(ws) >= Date.parse(cp)) unsaved++;
      }
      // Windows whose events were in the run's last UNREAD_MARGIN_BYTES: their checkpoints may be held back.
      const tailWindows = new Set(eventIdsInTail(r, UNREAD_MARGIN_BYTES).map((id) => truth.get(id))).size;
      // Windows left unsaved by earlier runs that this one, killed early (before it got to them), did not send
      // again: still to be sent again by the next run, on top of this run's own.
      for (const key of sentWindows) if (key !== undefined) deliveredWindows.add(key);
      const carried = [...before].filter((key) => !sentWindows.has(key) && unsavedDelivered().has(key)).length;
      perKill.push({ at, delivered: r.events.length, duplicates: 0, dupWindows: 0, unsaved, tailWindows, carried });
      assertNoLossBelowCheckpoints(w, start, ledger);
      previous = r;
      prevSaved = now;
    }
    const clean = await w.run(params, { timeoutMs: 120_000 });
    const again = ledger.add(clean);
    perKill[perKill.length - 1].duplicates = again.length;
    perKill[perKill.length - 1].dupWindows = new Set(again.map((id) => truth.get(id))).size;
    assert.equal(clean.exitCode, 0, errorLines(clean).join('\n'));
    assertComplete(w, truth, end, ledger);
    const maxDupWindows = Math.max(...perKill.map((p) => p.dupWindows));
    const killsThatSent = perKill.filter((p) => p.delivered > 0).length;
    // Bound: a kill re-sends only the windows sent but not saved: at most max_concurrency in
    // flight plus those completed while their batch_save was still under way (one per pair in
    // flight, as saves are coalesced per pair): 2 x max_concurrency windows; plus the windows whose
    // events were among the last UNREAD_MARGIN_BYTES written, whose checkpoints wait until splunkd
    // has surely read them (docs/contract.md "Delivery"); plus the windows an earlier kill left unsaved that
    // this run, killed before it got to them, did not send again (`carried`).
    for (const p of perKill)
      assert.ok(
        p.dupWindows <= 2 * CONCURRENCY + p.tailWindows + p.carried,
        `kill at ${p.at} ms re-sent ${p.dupWindows} windows (bound ${2 * CONCURRENCY} + ${p.tailWindows} + ${p.carried} carried)`,
      );
    assert.equal(
      ledger.duplicates,
      perKill.reduce((n, p) => n + p.duplicates, 0),
    );
    assert.ok(killsThatSent >= Math.ceil(kills / 2), `most kills landed mid-collection (${killsThatSent} of ${kills})`);
    recordResult(`crash: ${kills} SIGKILLs over a ${truth.size}-event backfill`, {
      runs: kills + 1,
      kills,
      events: truth.size,
      lost: 0,
      duplicates: ledger.duplicates,
      maxDuplicateWindowsPerKill: maxDupWindows,
      maxEventsPerKill: Math.max(...perKill.map((p) => p.duplicates)),
      bound: `${2 * CONCURRENCY} windows per kill + the windows in the last ${UNREAD_MARGIN_BYTES} bytes written`,
      perKill,
    });
  });

  it('SIGTERM with OCI requests in flight: exit within 5 s, no checkpoint beyond what was sent; the next run completes', async () => {
    w = await startWorld({
      tenancy: { regions: 1, compartments: 3, deletedCompartments: 0, eventsPerDay: 20_000 },
      oci: { pageSize: 50, faults: { latencyMs: [100, 1500] } },
    });
    const start = new Date(isoMinutesAgo(130));
    const end = new Date(isoMinutesAgo(10));
    const truth = groundTruth(w, start, end, 15);
    const params = { start_date_time: start.toISOString(), end_date_time: end.toISOString(), query_window_size: '15' };
    const ledger = new Ledger();
    const termAt = 3500;
    const r1 = await w.run(params, { termAfterMs: termAt });
    ledger.add(r1);
    const afterTerm = r1.durationMs - termAt;
    assert.ok(afterTerm < 5000, `exited ${afterTerm} ms after SIGTERM`);
    assert.equal(r1.signal, null, 'exited by itself');
    assert.ok(r1.stderrLines.some((l) => /^WARN stopping: SIGTERM received/.test(l)));
    assert.deepEqual(r1.streamErrors, [], 'the stream is closed properly');
    assertNoLossBelowCheckpoints(w, start, ledger);
    assert.ok(
      w.checkpoints('test').some((c) => c.checkpoint !== end.toISOString()) || w.checkpoints('test').length < 4,
      'the run was really cut short',
    );
    w.oci.setFaults({});
    const r2 = await w.run(params);
    const again = ledger.add(r2);
    assert.equal(r2.exitCode, 0, errorLines(r2).join('\n'));
    assertComplete(w, truth, end, ledger);
    recordResult('SIGTERM mid-run', {
      runs: 2,
      events: truth.size,
      exitAfterTermMs: afterTerm,
      run1Events: r1.events.length,
      duplicates: again.length,
      duplicateWindows: new Set(again.map((id) => truth.get(id))).size,
      lost: 0,
    });
  });

  // Closed at once, or after hanging long enough for our writes to fill the pipe or socket (which is then
  // lost unread: checkpoints must wait for what splunkd has surely read, src/pipeline/unread-tail.ts).
  // Small windows in the second case, so that the bytes left unread span whole windows.
  for (const [how, stallBeforeCloseMs, windowMin] of [
    ['closed', 0, 15],
    ['stalls for 1.5 s, then closed', 1500, 1],
  ] as const) {
    it(`stdout ${how} (EPIPE): exit within 5 s with an ERROR, no checkpoint beyond what was read; the next run completes`, async () => {
      w = await startWorld({
        tenancy: { regions: 1, compartments: 3, deletedCompartments: 0, eventsPerDay: 40_000 },
        oci: { pageSize: 50, faults: { latencyMs: [5, 20] } },
      });
      const start = new Date(isoMinutesAgo(130));
      const end = new Date(isoMinutesAgo(10));
      const truth = groundTruth(w, start, end, windowMin);
      const params = { start_date_time: start.toISOString(), end_date_time: end.toISOString(), query_window_size: String(windowMin) };
      const ledger = new Ledger();
      const t0 = Date.now();
      const r1 = await w.run(params, { closeStdoutAfterBytes: 300_000, stallBeforeCloseMs });
      ledger.add(r1);
      assert.ok(
        Date.now() - t0 < 8000 + stallBeforeCloseMs && r1.durationMs < 5000 + stallBeforeCloseMs,
        `ended ${r1.durationMs} ms after start`,
      );
      assert.equal(r1.exitCode, 1);
      assert.ok(
        r1.stderrLines.some((l) => /^ERROR .*stdout was closed/.test(l)),
        r1.stderrLines.join('\n'),
      );
      assert.ok(!r1.stderrLines.some((l) => /^\s+at /.test(l)), 'no stack trace');
      assertNoLossBelowCheckpoints(w, start, ledger);
      const r2 = await w.run(params);
      const again = ledger.add(r2);
      assert.equal(r2.exitCode, 0, errorLines(r2).join('\n'));
      assertComplete(w, truth, end, ledger);
      recordResult(`stdout ${how} (EPIPE)`, {
        runs: 2,
        events: truth.size,
        run1Events: r1.events.length,
        run1Ms: r1.durationMs,
        duplicates: again.length,
        lost: 0,
      });
    });
  }

  for (const delay of [0, 400]) {
    const when = delay ? `${delay} ms apart` : 'at once';
    it(`two processes of one input ${when}: one collects, the other exits 0 silently; no duplicates, no lost windows`, async () => {
      w = await startWorld({
        tenancy: { regions: 1, compartments: 3, deletedCompartments: 0, eventsPerDay: 20_000 },
        oci: { pageSize: 50, faults: { latencyMs: [20, 80] } },
      });
      const start = new Date(isoMinutesAgo(130));
      const end = new Date(isoMinutesAgo(10));
      const truth = groundTruth(w, start, end, 15);
      const params = { start_date_time: start.toISOString(), end_date_time: end.toISOString(), query_window_size: '15' };
      const ledger = new Ledger();
      const a = w.run(params);
      const b = new Promise<RunResult>((resolve, reject) => setTimeout(() => w.run(params).then(resolve, reject), delay));
      const [ra, rb] = await Promise.all([a, b]);
      ledger.add(ra);
      ledger.add(rb);
      assert.equal(ra.exitCode, 0, errorLines(ra).join('\n'));
      assert.equal(rb.exitCode, 0, errorLines(rb).join('\n'));
      const idle = [ra, rb].filter((r) => r.stderrLines.some((l) => /^INFO another process of input test is running/.test(l)));
      assert.equal(idle.length, 1, 'exactly one stood back');
      assert.equal(idle[0].stdout, '', 'the one that stood back emitted nothing');
      assertComplete(w, truth, end, ledger);
      assert.equal(ledger.duplicates, 0);
      assert.ok(!w.splunkd.kvRecords('oci_audit_checkpoints').some((r) => r.type === 'lease'), 'the lease was released');
      recordResult(`two processes ${delay} ms apart`, { runs: 2, events: truth.size, duplicates: 0, lost: 0 });
    });
  }
});
