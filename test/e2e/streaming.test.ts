// Pages larger than the page writer's hold (output/page-writer.ts) are written while they arrive; a page
// cut mid-body (reset, or a 200 whose JSON stops half way) is retried, and the retry must not write again
// what the failed attempt wrote (docs/contract.md "Delivery": no duplicates, no loss). Through the executable.
import assert from 'node:assert/strict';
import { assertComplete, groundTruth, Ledger } from '../support/delivery';
import { recordResult } from '../support/results';
import { isoMinutesAgo, startWorld } from '../support/world';

describe('streamed pages: large pages cut mid-body', function () {
  this.timeout(180_000);

  for (const [name, faults] of [
    ['connections reset mid-body (30 %)', { resetRate: 0.3, only: 'audit' as const }],
    ['200 bodies whose JSON stops half way (30 %)', { malformedRate: 0.3, malformedKind: 'truncated' as const, only: 'audit' as const }],
  ] as const) {
    it(`${name}, pages of 400 events (~1 MB each): every event exactly once, and retries skipped what was already written`, async () => {
      const w = await startWorld({
        tenancy: { regions: 1, compartments: 2, deletedCompartments: 0, eventsPerDay: 60_000 },
        oci: { pageSize: 400 },
      });
      try {
        const start = new Date(isoMinutesAgo(130));
        const end = new Date(isoMinutesAgo(10));
        const truth = groundTruth(w, start, end, 60);
        w.oci.setFaults(faults);
        const ledger = new Ledger();
        let skipped = 0;
        const params = {
          start_date_time: start.toISOString(),
          end_date_time: end.toISOString(),
          query_window_size: '60',
          max_concurrency: '3',
        };
        for (let i = 0; i < 4; i++) {
          const r = await w.run(params);
          ledger.add(r);
          assert.deepEqual(r.streamErrors, [], 'the stream stays well-formed');
          skipped += Number(/ retry_skipped=(\d+)/.exec(r.stderrLines.find((l) => l.includes('run summary')) ?? '')?.[1] ?? 0);
          const cps = w.checkpoints('test');
          if (cps.length && cps.every((c) => c.checkpoint === end.toISOString()) && r.exitCode === 0) break;
        }
        assert.ok(truth.size > 2000, `a meaningful sample (${truth.size})`);
        assertComplete(w, truth, end, ledger);
        assert.equal(ledger.duplicates, 0, 'no duplicates');
        assert.ok(skipped > 0, 'some retry started after part of its page had been written, and skipped that part');
        recordResult(`streamed pages: ${name}`, {
          events: truth.size,
          delivered: ledger.deliveries,
          duplicates: ledger.duplicates,
          retrySkipped: skipped,
        });
      } finally {
        await w.close();
      }
    });
  }
});
