// The per-pair schedule (src/pipeline/schedule.ts), the cycle clock (src/modular-input/cycles.ts) and the freshness
// histograms (src/pipeline/freshness.ts).
import assert from 'node:assert/strict';
import { allowedLagMs, forwardDue, rereadDue } from '../../src/pipeline/schedule';
import { Freshness } from '../../src/pipeline/freshness';
import { nextCycleAt, runsContinuously } from '../../src/modular-input/cycles';
import type { PairCheckpoint } from '../../src/pipeline/checkpoints';

const MIN = 60_000;
const T = Date.UTC(2026, 11, 1, 12, 0, 0);
const cp = (o: Partial<PairCheckpoint>): PairCheckpoint => ({ region: 'r', compartmentId: 'c', until: T, ...o });

describe('the per-pair schedule', () => {
  it('reads an active pair every minute, a quiet one after half its quiet time, never later than the bound', () => {
    assert.equal(allowedLagMs(cp({ activeUntil: T }), 10), MIN);
    assert.equal(allowedLagMs(cp({}), 10), MIN, 'no activity recorded yet: treated as active');
    assert.equal(allowedLagMs(cp({ activeUntil: T - 8 * MIN }), 10), 4 * MIN);
    assert.equal(allowedLagMs(cp({ activeUntil: T - 600 * MIN }), 10), 10 * MIN);
    assert.equal(allowedLagMs(cp({ activeUntil: T - 600 * MIN }), 3), 3 * MIN);
    const quiet = cp({ activeUntil: T - 600 * MIN });
    assert.equal(forwardDue(quiet, T + 9 * MIN, 10), false);
    assert.equal(forwardDue(quiet, T + 10 * MIN, 10), true);
    assert.equal(forwardDue(undefined, T, 10), true, 'a pair without a checkpoint');
    assert.equal(forwardDue(cp({ activeUntil: T }), T, 10), false, 'nothing new');
  });

  it('re-reads the remembered span every reread_every_minutes, only with lookback on and something remembered', () => {
    const remembered = { from: T - 15 * MIN, windows: [] };
    assert.equal(rereadDue(cp({ remembered }), T, 5, 15), true, 'never re-read');
    assert.equal(rereadDue(cp({ remembered, rereadAt: T - 4 * MIN }), T, 5, 15), false);
    assert.equal(rereadDue(cp({ remembered, rereadAt: T - 5 * MIN }), T, 5, 15), true);
    assert.equal(rereadDue(cp({ remembered }), T, 5, 0), false, 'lookback off');
    assert.equal(rereadDue(cp({}), T, 5, 15), false, 'nothing remembered');
  });

  it('keeps running on interval 0 or -1, one pass otherwise; cycles 5 s after the minute, never two in one minute', () => {
    assert.equal(runsContinuously('0'), true);
    assert.equal(runsContinuously(' -1 '), true);
    assert.equal(runsContinuously('60'), false);
    assert.equal(runsContinuously('*/5 * * * *'), false);
    assert.equal(runsContinuously(undefined), false);
    assert.equal(nextCycleAt(T + 5000, T + 20_000, 5000), T + MIN + 5000);
    assert.equal(nextCycleAt(T + 5000, T + 3 * MIN, 5000), T + 3 * MIN + 5000, 'a long cycle: the next whole minute');
  });
});

describe('freshness', () => {
  it('p50, p95 and max of eventTime to writing per region, and late events by their due time', () => {
    const f = new Freshness(0);
    const now = T + 10 * MIN;
    for (let s = 1; s <= 100; s++) f.observe('us-ashburn-1', now - s * 1000, now);
    f.observe('eu-frankfurt-1', T + 2 * MIN + 30_000, now, T + 5 * MIN); // late: its minute was due at T + 3 min
    f.observe('eu-frankfurt-1', undefined, now);
    const all = f.fields();
    assert.equal(all.fresh_events, 101);
    assert.equal(all.fresh_p50_s, 51);
    assert.equal(all.late_events, 1);
    assert.equal(all.late_by_max_s, 7 * 60);
    const us = f.byRegion().find((r) => r.region === 'us-ashburn-1')!;
    assert.deepEqual([us.fresh_p50_s, us.fresh_p95_s, us.fresh_max_s, us.late_events], [50, 95, 100, 0]);
  });
});
