// The delivery promise under faults (docs/contract.md "Delivery"), through the bundled executable and
// both emulators. Every outcome compares delivered eventIds with the emulator's ground truth.
import assert from 'node:assert/strict';
import type { FaultOptions } from '../emulators/oci';
import type { RunResult } from '../emulators/splunkd';
import { UNREAD_MARGIN_BYTES } from '../../src/pipeline/unread-tail';
import { assertComplete, assertNoLossBelowCheckpoints, eventIds, eventIdsInTail, groundTruth, Ledger } from '../support/delivery';
import { recordResult } from '../support/results';
import { errorLines, isoMinutesAgo, startWorld, type World } from '../support/world';

const WINDOW = 15;
const small = { tenancy: { regions: 1, compartments: 3, deletedCompartments: 0, eventsPerDay: 20_000 }, oci: { pageSize: 50 } };

function summary(r: RunResult): Record<string, number> {
  const line = r.stderrLines.find((l) => l.includes('run summary')) ?? '';
  const out: Record<string, number> = {};
  for (const m of line.matchAll(/ (\w+)=(-?[\d.]+)/g)) out[m[1]] = Number(m[2]);
  return out;
}

/** Runs until every checkpoint reaches `end` (at most `maxRuns`); returns the runs. */
async function runToEnd(
  w: World,
  params: Record<string, string>,
  end: Date,
  ledger: Ledger,
  maxRuns: number,
  env?: Record<string, string>,
): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  for (let i = 0; i < maxRuns; i++) {
    const r = await w.run(params, { env });
    runs.push(r);
    ledger.add(r);
    assert.deepEqual(r.streamErrors, [], 'the stream stays well-formed');
    const cps = w.checkpoints('test');
    if (cps.length && cps.every((c) => c.checkpoint === end.toISOString()) && r.exitCode === 0 && errorLines(r).length === 0) break;
  }
  return runs;
}

describe('fault suite: OCI faults', function () {
  this.timeout(180_000);

  const scenarios: Array<{ name: string; faults: FaultOptions; env?: Record<string, string>; status?: string }> = [
    { name: '25 % of requests answered 429 TooManyRequests', faults: { throttleRate: 0.25 }, status: '429' },
    { name: '5 % of requests answered 500/503', faults: { serverErrorRate: 0.05 } },
    { name: 'random 20-500 ms latency', faults: { latencyMs: [20, 500] } },
    { name: 'connections reset mid-body (5 %)', faults: { resetRate: 0.05 }, status: 'reset' },
    {
      name: 'requests that never answer (10 %), HTTP timeout 1 s',
      faults: { hangRate: 0.1 },
      env: { TA_OCI_AUDIT_HTTP_TIMEOUT_S: '1' },
      status: 'hang',
    },
    { name: 'empty pages that still carry a next-page token', faults: { emptyPagesWithToken: true } },
    { name: 'malformed 200 bodies (10 %: non-JSON, truncated)', faults: { malformedRate: 0.1 }, status: 'malformed' },
    {
      name: 'everything at once',
      faults: {
        throttleRate: 0.25,
        serverErrorRate: 0.05,
        latencyMs: [20, 200],
        resetRate: 0.03,
        hangRate: 0.01,
        emptyPagesWithToken: true,
        malformedRate: 0.03,
      },
      env: { TA_OCI_AUDIT_HTTP_TIMEOUT_S: '1' },
    },
  ];

  for (const s of scenarios) {
    it(`${s.name}: every event arrives exactly once`, async () => {
      const w = await startWorld(small);
      try {
        const start = new Date(isoMinutesAgo(130));
        const end = new Date(isoMinutesAgo(10));
        const truth = groundTruth(w, start, end, WINDOW);
        w.oci.setFaults(s.faults);
        const ledger = new Ledger();
        const runs = await runToEnd(
          w,
          {
            start_date_time: start.toISOString(),
            end_date_time: end.toISOString(),
            query_window_size: String(WINDOW),
            max_concurrency: '4',
          },
          end,
          ledger,
          4,
          s.env,
        );
        const st = w.oci.stats();
        assert.ok(truth.size > 500, `a meaningful sample (${truth.size})`);
        assertComplete(w, truth, end, ledger);
        assert.equal(ledger.duplicates, 0, 'no duplicates');
        assert.equal(st.byStatus['400'] ?? 0, 0, 'page tokens (with + / =) were URL-encoded: no InvalidParameter');
        if (s.status) assert.ok((st.byStatus[s.status] ?? 0) > 0, `the fault happened (${JSON.stringify(st.byStatus)})`);
        const retries = runs.reduce((n, r) => n + (summary(r).retries ?? 0), 0);
        recordResult(`oci: ${s.name}`, {
          runs: runs.length,
          events: truth.size,
          delivered: ledger.deliveries,
          lost: 0,
          duplicates: ledger.duplicates,
          requests: st.requests,
          byStatus: st.byStatus,
          retries,
          exitCodes: runs.map((r) => r.exitCode),
        });
      } finally {
        await w.close();
      }
    });
  }

  /** Run 1: every ListEvents is malformed (of `kind`); run 2: healthy. */
  async function malformedForGood(kind?: FaultOptions['malformedKind']): Promise<void> {
    const w = await startWorld(small);
    try {
      const start = new Date(isoMinutesAgo(70));
      const end = new Date(isoMinutesAgo(10));
      const truth = groundTruth(w, start, end, WINDOW);
      const params = { start_date_time: start.toISOString(), end_date_time: end.toISOString(), query_window_size: String(WINDOW) };
      const ledger = new Ledger();
      w.oci.setFaults({ malformedRate: 1, only: 'audit', malformedKind: kind });
      const r1 = await w.run(params);
      ledger.add(r1);
      assert.equal(r1.exitCode, 0, 'window errors do not fail the run');
      assert.equal(r1.events.length, 0);
      const errs = errorLines(r1);
      assert.ok(
        errs.length > 0 && errs.every((l) => /category=malformed/.test(l) && / action="window retried next run"/.test(l)),
        errs.join('\n'),
      );
      assert.ok(!errs.some((l) => /\n| {4}at /.test(l)), 'no stack trace');
      if (kind === 'object')
        assert.ok(
          errs.every((l) => /not an array of audit events \(an object\)/.test(l)),
          errs[0],
        );
      if (kind === 'wrong-types')
        assert.ok(
          errs.every((l) => /array whose item 0 is a string, not an audit event object/.test(l)),
          errs[0],
        );
      assert.equal(w.checkpoints('test').length, 0, 'no checkpoint moved');
      const retries = summary(r1).retries ?? 0;
      assert.ok(retries >= errs.length, `each window was retried before it was given up (${retries} retries, ${errs.length} windows)`);
      w.oci.setFaults({});
      const r2 = await w.run(params);
      ledger.add(r2);
      assertComplete(w, truth, end, ledger);
      assert.equal(ledger.duplicates, 0);
      recordResult(`oci: malformed (${kind ?? 'text/truncated'}) every time, then healthy`, {
        runs: 2,
        events: truth.size,
        run1Errors: errs.length,
        run1Retries: retries,
        run1Events: r1.events.length,
        lost: 0,
        duplicates: ledger.duplicates,
      });
    } finally {
      await w.close();
    }
  }

  it('a window malformed every time: ERROR category=malformed, its checkpoint stays, the next run collects it', () => malformedForGood());
  it('JSON that is not an array ({"items": [...]}) every time: ERROR category=malformed, checkpoint stays, next run collects', () =>
    malformedForGood('object'));
  it('an array of non-objects (strings, null, a number) every time: ERROR category=malformed, checkpoint stays, next run collects', () =>
    malformedForGood('wrong-types'));

  it('an array with wrong types inside is passed through verbatim, never skipped', async () => {
    // Wrong types inside the array are passed through verbatim (the contract forbids rewriting
    // events); a body that is not an array is malformed and retried.
    const w = await startWorld(small);
    try {
      const region = w.oci.tenancy.homeRegion;
      const root = w.oci.tenancy.tenancyId;
      const at = new Date(Date.parse(isoMinutesAgo(40)) + 1000);
      const odd = [
        { eventId: 'odd-1', eventTime: 12345, data: 'not an object' },
        { eventId: 'odd-2', eventTime: null, data: [1, 2] },
      ];
      // No eventId at all, an eventTime that is not a date, nested oddities.
      const noId = [
        { eventType: 'odd-3-no-id', eventTime: 'yesterday', data: { compartmentId: 42 } },
        { eventType: 'odd-4-no-id', eventTime: { nested: true }, data: null },
      ];
      for (const e of [...odd, ...noId]) w.oci.addEvent(region, root, e, at);
      const end = isoMinutesAgo(10);
      const r = await w.run({ start_date_time: isoMinutesAgo(60), end_date_time: end, regions: region, compartments: root });
      assert.equal(r.exitCode, 0);
      assert.deepEqual(errorLines(r), []);
      assert.deepEqual(r.streamErrors, []);
      for (const e of odd) assert.deepEqual(JSON.parse(r.events.find((x) => x._raw.includes(`"${e.eventId}"`))?._raw ?? 'null'), e);
      for (const e of noId) {
        const got = r.events.filter((x) => x._raw.includes(`"${e.eventType}"`));
        assert.equal(got.length, 1, `${e.eventType} delivered once`);
        assert.deepEqual(JSON.parse(got[0]._raw), e, 'exactly as returned');
        assert.equal(got[0]._time, undefined, 'no <time> when eventTime is not a date string');
      }
      const cps = w.checkpoints('test');
      assert.ok(
        cps.length === 1 && cps[0].checkpoint === new Date(end).toISOString(),
        `the window is checkpointed like any other: ${JSON.stringify(cps.map((c) => c.checkpoint))}`,
      );
    } finally {
      await w.close();
    }
  });
});

describe('fault suite: splunkd faults', function () {
  this.timeout(180_000);
  let w: World;
  afterEach(() => w?.close());

  it('KV store answering 503 for 3 s while it starts: the run waits and delivers everything once', async () => {
    w = await startWorld({ ...small, kvStartupMs: 3000 });
    const start = new Date(isoMinutesAgo(70));
    const end = new Date(isoMinutesAgo(10));
    const truth = groundTruth(w, start, end, WINDOW);
    const ledger = new Ledger();
    const r = await w.run({ start_date_time: start.toISOString(), end_date_time: end.toISOString(), query_window_size: String(WINDOW) });
    ledger.add(r);
    assert.equal(r.exitCode, 0, errorLines(r).join('\n'));
    assertComplete(w, truth, end, ledger);
    assert.equal(ledger.duplicates, 0);
    const kv503 = w.splunkd.requests().filter((q) => q.status === 503).length;
    assert.ok(kv503 > 0, 'the KV store did answer 503');
    recordResult('splunkd: KV store 503 for 3 s at start', { runs: 1, events: truth.size, kv503, lost: 0, duplicates: 0 });
  });

  it('500s on 30 % of batch_save calls: retried, nothing lost or repeated', async () => {
    w = await startWorld(small);
    const start = new Date(isoMinutesAgo(70));
    const end = new Date(isoMinutesAgo(10));
    const truth = groundTruth(w, start, end, WINDOW);
    const ledger = new Ledger();
    w.splunkd.setKvFaults({ batchSave500Rate: 0.3 });
    const runs = await runToEnd(
      w,
      { start_date_time: start.toISOString(), end_date_time: end.toISOString(), query_window_size: String('5') },
      end,
      ledger,
      3,
      { TA_OCI_AUDIT_SPLUNKD_RETRY_BASE_MS: '20' },
    );
    w.splunkd.setKvFaults({});
    assertComplete(w, truth, end, ledger);
    assert.equal(ledger.duplicates, 0);
    const kv500 = w.splunkd.requests().filter((q) => q.status === 500).length;
    assert.ok(kv500 > 0);
    recordResult('splunkd: batch_save 500 on 30 %', { runs: runs.length, events: truth.size, kv500, lost: 0, duplicates: 0 });
  });

  it('batch_save failing for good mid-run: ERROR, exit 1, the run stops; the next run re-sends only the unsaved windows', async () => {
    // Slow OCI and small windows: the run lasts long enough to notice the failed save and stop.
    w = await startWorld({ ...small, oci: { pageSize: 50, faults: { latencyMs: [30, 60] } } });
    const start = new Date(isoMinutesAgo(250));
    const mid = new Date(isoMinutesAgo(130));
    const end = new Date(isoMinutesAgo(10));
    const truth = groundTruth(w, start, end, 5);
    const ledger = new Ledger();
    const base = { start_date_time: start.toISOString(), query_window_size: '5', max_concurrency: '2' };
    const env = { TA_OCI_AUDIT_SPLUNKD_RETRY_BASE_MS: '20' };
    const r1 = await w.run({ ...base, end_date_time: mid.toISOString() }, { env });
    ledger.add(r1);
    assert.equal(r1.exitCode, 0);
    const saved = new Map(w.checkpoints('test').map((c) => [`${String(c.region)}|${String(c.compartment_id)}`, String(c.checkpoint)]));
    w.splunkd.setKvFaults({ batchSave500Rate: 1 });
    const r2 = await w.run({ ...base, end_date_time: end.toISOString() }, { env });
    ledger.add(r2);
    assert.equal(r2.exitCode, 1);
    const errs = errorLines(r2);
    assert.ok(
      errs.some((l) => /cannot save progress to the KV store/.test(l)),
      errs.join('\n'),
    );
    assert.ok(!r2.stderrLines.some((l) => /^\s+at /.test(l)), 'no stack trace');
    for (const c of w.checkpoints('test'))
      assert.equal(String(c.checkpoint), saved.get(`${String(c.region)}|${String(c.compartment_id)}`), 'no checkpoint moved');
    // The run stopped at the first failed save: it sent at most the windows in flight then.
    const windowsSent = new Set(eventIds(r2).map((id) => truth.get(id)));
    w.splunkd.setKvFaults({});
    const r3 = await w.run({ ...base, end_date_time: end.toISOString() }, { env });
    const again = ledger.add(r3);
    assert.equal(r3.exitCode, 0, errorLines(r3).join('\n'));
    assertComplete(w, truth, end, ledger);
    assert.equal(ledger.duplicates, again.length);
    assert.equal(again.length, r2.events.length, 'duplicates = exactly what the run that could not save had sent');
    const secondHalf = truth.size / 2;
    assert.ok(r2.events.length < secondHalf, `the failing run stopped early (${r2.events.length} of ~${secondHalf} events)`);
    recordResult('splunkd: batch_save 500 for good mid-run', {
      runs: 3,
      events: truth.size,
      run2Events: r2.events.length,
      run2Windows: windowsSent.size,
      duplicates: ledger.duplicates,
      lost: 0,
    });
  });

  it('the session key expiring (401) mid-run: a clear ERROR, no event lost, the next run resumes', async () => {
    w = await startWorld({ ...small, oci: { pageSize: 50, faults: { latencyMs: [30, 60] } } });
    const start = new Date(isoMinutesAgo(240));
    const end = new Date(isoMinutesAgo(10));
    const truth = groundTruth(w, start, end, 5);
    const ledger = new Ledger();
    const params = { start_date_time: start.toISOString(), end_date_time: end.toISOString(), query_window_size: '5', max_concurrency: '2' };
    const key = w.splunkd.newSessionKey({ ttlMs: 2500 });
    const r1 = await w.run(params, { sessionKey: key, timeoutMs: 30_000 });
    ledger.add(r1);
    assert.equal(r1.exitCode, 1);
    assert.ok(
      r1.stderrLines.some((l) => /^ERROR .*session key was rejected \(401\)|^ERROR .*cannot save progress.*401/.test(l)),
      r1.stderrLines.join('\n'),
    );
    assert.ok(r1.events.length > 0, 'the run had started sending');
    assert.ok(!r1.stderrLines.join('\n').includes(key), 'the session key is never logged');
    assertNoLossBelowCheckpoints(w, start, ledger);
    const r2 = await w.run(params);
    const again = ledger.add(r2);
    assert.equal(r2.exitCode, 0, errorLines(r2).join('\n'));
    assertComplete(w, truth, end, ledger);
    // Duplicates: only windows sent after the last save that the expired key allowed: those in flight and
    // unsaved, and those whose checkpoints were still held back (the last UNREAD_MARGIN_BYTES written).
    const dupWindows = new Set(again.map((id) => truth.get(id)));
    const heldWindows = new Set(eventIdsInTail(r1, UNREAD_MARGIN_BYTES).map((id) => truth.get(id))).size;
    assert.ok(
      dupWindows.size <= 2 * 2 + 2 + heldWindows,
      `duplicates from at most the windows in flight and unsaved (${dupWindows.size}; bound 6 + ${heldWindows})`,
    );
    recordResult('splunkd: session key expires mid-run', {
      runs: 2,
      events: truth.size,
      run1Events: r1.events.length,
      duplicates: again.length,
      duplicateWindows: dupWindows.size,
      lost: 0,
    });
  });
});

describe('late events (lookback_minutes)', function () {
  this.timeout(120_000);

  it('lookback 60: events added to collected windows arrive once on the next run; without lookback they are not re-read', async () => {
    const w = await startWorld(small);
    try {
      const region = w.oci.tenancy.homeRegion;
      const comp = w.oci.tenancy.compartments.find((c) => c.lifecycleState === 'ACTIVE')!.id;
      const start = isoMinutesAgo(130);
      const mid = isoMinutesAgo(70);
      const end = isoMinutesAgo(10);
      const late = (id: string, minAgo: number) => {
        const at = new Date(Date.parse(isoMinutesAgo(minAgo)) + 7_000);
        w.oci.addEvent(
          region,
          comp,
          { eventId: id, eventTime: at.toISOString(), eventType: 'com.oraclecloud.late', data: { compartmentId: comp } },
          at,
        );
      };
      const results: Record<string, { delivered: Record<string, number>; dups: number }> = {};
      for (const [name, lookback] of [
        ['lb', '60'],
        ['nolb', '0'],
      ] as const) {
        const ledger = new Ledger();
        const base = { start_date_time: start, query_window_size: String(WINDOW), lookback_minutes: lookback };
        ledger.add(await w.run({ ...base, end_date_time: mid }, { name }));
        late(`late-a-${name}`, 95); // into a window run 1 already collected, within 60 min of its checkpoint
        const r2 = await w.run({ ...base, end_date_time: end }, { name });
        ledger.add(r2);
        late(`late-b-${name}`, 40); // into a window run 2 collected
        const r3 = await w.run({ ...base, end_date_time: end }, { name });
        ledger.add(r3);
        assert.equal(r3.exitCode, 0);
        const delivered = Object.fromEntries([`late-a-${name}`, `late-b-${name}`].map((id) => [id, ledger.counts.get(id) ?? 0]));
        results[name] = { delivered, dups: ledger.duplicates };
        assert.equal(ledger.duplicates, 0, `${name}: no duplicates`);
        const rec = w.splunkd
          .kvRecords('oci_audit_checkpoints')
          .find((r) => r.input === name && r.region === region && r.compartment_id === comp);
        if (lookback !== '0') {
          const seen = (rec?.seen ?? []) as Array<{ end: number; ids: string[] }>;
          assert.ok(seen.length > 0 && seen.every((s) => s.end > Date.parse(end) - 60 * 60_000), 'seen is pruned to the lookback horizon');
        } else assert.equal(rec?.seen, undefined, 'no seen list without lookback');
      }
      assert.deepEqual(results.lb.delivered, { 'late-a-lb': 1, 'late-b-lb': 1 });
      assert.deepEqual(
        results.nolb.delivered,
        { 'late-a-nolb': 0, 'late-b-nolb': 0 },
        'documented trade-off: without lookback, late events behind the checkpoint are not re-read',
      );
      recordResult('late events with and without lookback', results);
    } finally {
      await w.close();
    }
  });
});
