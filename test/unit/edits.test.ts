import assert from 'node:assert/strict';
import type { PairCheckpoint } from '../../src/pipeline/checkpoints';
import { describeEdits, tenancyChanged, type EditContext } from '../../src/pipeline/edits';
import { nothingRemembered } from '../../src/pipeline/lookback';
import { partitionOf } from '../../src/pipeline/partition';
import { parseInputConfig, runParams } from '../../src/splunk/parameters';

const MIN = 60_000;
const T = Date.parse('2026-03-01T12:00:00Z');
const TEN = 'ocid1.tenancy.oc1..aaaaaaaaaaaaaaaaaaaa';
const params = (p: Record<string, string> = {}): Record<string, string> =>
  runParams(parseInputConfig('x', { account: 'main', ...p }, new Date(T)));

function ctx(prev: Record<string, string>, cur: Record<string, string>, pairs: PairCheckpoint[] = [], tenancyId = TEN): EditContext {
  return { previous: { tenancyId: TEN, params: params(prev) }, params: params(cur), pairs, tenancyId, defaultStart: T - 1440 * MIN };
}

const pair = (compartmentId: string, until: number, from?: number): PairCheckpoint => ({
  region: 'us-ashburn-1',
  compartmentId,
  until,
  remembered: from === undefined ? undefined : nothingRemembered(from),
});

describe('what an edit does: the run log (src/pipeline/edits.ts)', () => {
  it('the same parameters in another order are no edit; a new input has nothing to compare', () => {
    const a = ctx({ regions: 'us-ashburn-1,eu-frankfurt-1' }, { regions: 'eu-frankfurt-1, us-ashburn-1' });
    assert.deepEqual(describeEdits(a), { warn: [], info: [], changed: false });
    const fresh = describeEdits({ ...a, previous: {} });
    assert.deepEqual(fresh, { warn: [], info: [], changed: true });
    // Upgraded from 0.1.0 (records without parameters) with lookback on: its old ids are not used.
    const upgraded = describeEdits({ ...ctx({}, { lookback_minutes: '60' }, [pair('a', T)]), previous: {} });
    assert.match(upgraded.warn[0], /^lookback_minutes 60: the checkpoints \(written by an older version\) remember no eventIds/);
  });

  it('lookback raised beyond what is remembered: a WARN with the remembered span; lowered or off: INFO', () => {
    const pairs = [pair('a', T, T - 60 * MIN), pair('b', T, T - 30 * MIN), pair('c', T)];
    const up = describeEdits(ctx({ lookback_minutes: '60' }, { lookback_minutes: '240' }, pairs));
    assert.equal(up.warn.length, 1);
    assert.match(up.warn[0], /^lookback_minutes 60 -> 240: re-reading only the span whose eventIds are remembered \(0 to 60 minutes now\)/);
    const covered = describeEdits(ctx({ lookback_minutes: '15' }, { lookback_minutes: '30' }, [pair('a', T, T - 60 * MIN)]));
    assert.deepEqual(covered.warn, []);
    assert.match(covered.info[0], /whole span is remembered/);
    assert.deepEqual(describeEdits(ctx({ lookback_minutes: '240' }, { lookback_minutes: '60' }, pairs)).warn, []);
    assert.match(describeEdits(ctx({ lookback_minutes: '240' }, { lookback_minutes: '0' }, pairs)).info[0], /no longer re-read/);
  });

  it('start_date_time changed with checkpoints: a WARN that they continue; end_date_time before checkpoints: a WARN', () => {
    const pairs = [pair('a', T - 10 * MIN), pair('b', T - 10 * MIN)];
    const start = describeEdits(ctx({ start_date_time: '2026-02-01T00:00:00Z' }, { start_date_time: '2026-01-01T00:00:00Z' }, pairs));
    assert.match(
      start.warn[0],
      /start_date_time 2026-02-01T00:00:00.000Z -> 2026-01-01T00:00:00.000Z: the 2 pairs with a checkpoint continue/,
    );
    const earlier = describeEdits(ctx({}, { end_date_time: '2026-03-01T11:00:00Z' }, pairs));
    assert.match(earlier.warn[0], /end_date_time \(none\) -> 2026-03-01T11:00:00.000Z: 2 pairs were already collected past it/);
    const later = describeEdits(ctx({ end_date_time: '2026-03-01T11:00:00Z' }, {}, pairs));
    assert.deepEqual(later.warn, []);
    assert.match(later.info[0], /continues from each checkpoint up to now/);
  });

  it('partition changed: a WARN counting the pairs that leave and come back', () => {
    const comps = Array.from({ length: 20 }, (_, i) => `ocid1.compartment.oc1..aaaaaaaaaa${String(i).padStart(4, '0')}`);
    const pairs = comps.map((c) => pair(c, T));
    const ones = comps.filter((c) => partitionOf('us-ashburn-1', c, 2) === 1).length;
    const split = describeEdits(ctx({ partition: '0/1' }, { partition: '0/2' }, pairs));
    assert.match(split.warn[0], new RegExp(`^partition 0/1 -> 0/2: ${ones} pairs leave this input .*0 pairs come back`));
    const back = describeEdits(ctx({ partition: '0/2' }, { partition: '0/1' }, pairs));
    assert.match(
      back.warn[0],
      new RegExp(
        `^partition 0/2 -> 0/1: 0 pairs leave this input .*${ones} pairs come back and resume from their checkpoints \\(oldest 2026-03-01T12:00:00Z\\)`,
      ),
    );
  });

  it('another tenancy: a WARN that the input starts afresh, and nothing else; the same tenancy: INFO', () => {
    const c = ctx(
      { account: 'main', lookback_minutes: '0' },
      { account: 'other', lookback_minutes: '60' },
      [pair('a', T)],
      'ocid1.tenancy.oc1..bbbbbbbbbbbbbbbbbb',
    );
    assert.ok(tenancyChanged(c));
    const r = describeEdits(c);
    assert.equal(r.warn.length, 1);
    assert.match(
      r.warn[0],
      /^account main -> other reads another tenancy .*starts afresh from 2026-02-28T12:00:00Z and the 1 checkpoints of the old tenancy were deleted/,
    );
    assert.deepEqual(r.info, []);
    const same = describeEdits(ctx({ account: 'main' }, { account: 'other' }));
    assert.deepEqual(same.warn, []);
    assert.match(same.info[0], /same tenancy/);
    assert.ok(!tenancyChanged({ previous: {}, tenancyId: TEN }), 'a record without a tenancy (0.1.0) is not another tenancy');
  });

  it('selection, window and delay edits are exactly-once: INFO only', () => {
    const r = describeEdits(
      ctx(
        { regions: 'us-ashburn-1', query_window_size: '60', delay_throttle: '5' },
        {
          regions: 'us-ashburn-1,eu-frankfurt-1',
          exclude_compartments: 'ocid1.compartment.oc1..aaaaaaaaaaaaaaaa',
          query_window_size: '5',
          delay_throttle: '30',
        },
        [pair('a', T)],
      ),
    );
    assert.deepEqual(r.warn, []);
    assert.equal(r.info.length, 4);
    assert.ok(r.changed);
  });
});
