// The per-pair schedule (src/pipeline/schedule.ts), the cycle clock (src/modular-input/cycles.ts) and the freshness
// histograms (src/pipeline/freshness.ts).
import assert from 'node:assert/strict';
import { allowedLagMs, forwardDue, pairRead, rememberedSpanMs, rereadDue } from '../../src/pipeline/schedule';
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
    assert.equal(allowedLagMs(cp({ activeUntil: T - 3 * MIN }), 10), MIN, 'quiet 3 minutes: still every minute');
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

  it('leaves the re-read of a pair quiet for longer than its remembered span for its next read', () => {
    const s = { quietMaxMinutes: 30, rereadEveryMinutes: 5 };
    const remembered = { from: T - 21 * MIN, windows: [] };
    const quiet = cp({ activeUntil: T - 120 * MIN, remembered, rereadAt: T - 20 * MIN });
    assert.equal(pairRead(quiet, T + 10 * MIN, T + 10 * MIN, s, 15), 'deferred', 're-read overdue, read not due');
    assert.equal(pairRead(quiet, T + 30 * MIN, T + 30 * MIN, s, 15), 'reread');
    const sparse = cp({ activeUntil: T - 12 * MIN, remembered, rereadAt: T - 20 * MIN });
    assert.equal(pairRead(sparse, T + MIN, T + MIN, s, 15), 'reread', 'events within its span: re-read even when deferred');
    assert.equal(pairRead(cp({ ...sparse, rereadAt: T }), T + MIN, T + MIN, s, 15), 'deferred');
    const active = cp({ activeUntil: T, remembered, rereadAt: T - MIN });
    assert.equal(pairRead(active, T + MIN, T + MIN, s, 15), 'forward');
    assert.equal(pairRead(active, T + 4 * MIN, T + 4 * MIN, s, 15), 'reread');
    assert.equal(pairRead(active, T + 4 * MIN, T + 4 * MIN, s, 0), 'forward', 'lookback off');
  });

  it('catches every event shown within lookback of its eventTime, however long its pair is deferred', () => {
    // Many (pair activity, late event) cases through the product's rule, one cycle a minute: a read covers from its
    // checkpoint (a re-read: minus the remembered span, cut to the pair's history) to the cycle's minute, and sees
    // the events of that span already shown. Every event must be seen by some read.
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const [lookback, every, quietMax] of [
      [15, 5, 30],
      [10, 2, 3],
      [15, 10, 60],
    ]) {
      const s = { quietMaxMinutes: quietMax, rereadEveryMinutes: every };
      const span = rememberedSpanMs(lookback, every);
      for (let run = 0; run < 200; run++) {
        const start = T;
        // Events: a few busy stretches, the rest quiet; each shown 0..lookback minutes after its eventTime.
        const events: Array<{ at: number; shown: number; seen: boolean }> = [];
        for (let m = 0; m < 300; m++)
          if (rand() < (Math.floor(m / 60) % 2 === 0 ? 0.3 : 0.01)) {
            const at = start + m * MIN + Math.floor(rand() * MIN);
            events.push({ at, shown: at + Math.floor(rand() * lookback * MIN), seen: false });
          }
        let c: PairCheckpoint | undefined;
        for (let m = 1; m <= 300 + lookback + quietMax + 2; m++) {
          const until = start + m * MIN;
          const now = until + 5000;
          const read = pairRead(c, until, now, s, lookback);
          if (read === 'deferred') continue;
          const from = c === undefined ? start : read === 'reread' ? Math.max(start, c.until - span) : Math.max(start, c.until - 2 * MIN);
          let got = false;
          for (const e of events)
            if (e.at >= from && e.at < until && e.shown <= now) {
              e.seen = true;
              got = true;
            }
          c = {
            region: 'r',
            compartmentId: 'c',
            until,
            remembered: { from: start, windows: [] },
            activeUntil: got ? until : (c?.activeUntil ?? start),
            rereadAt: read === 'reread' ? now : c?.rereadAt,
          };
        }
        const missed = events.filter((e) => !e.seen);
        assert.deepEqual(missed, [], `lookback ${lookback}, re-read every ${every}, bound ${quietMax}, run ${run}`);
      }
    }
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
