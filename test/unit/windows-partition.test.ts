import assert from 'node:assert/strict';
import { collectUntil, firstStart, windows } from '../../src/pipeline/windows';
import { inPartition, partitionOf } from '../../src/pipeline/partition';
import { rfc3339Minute } from '../../src/oci/rfc3339';

const T = Date.parse('2026-01-05T09:05:00Z');
const MIN = 60_000;

describe('windows', () => {
  it('splits [from, until) into whole-minute windows of the configured size', () => {
    const w = [...windows(T, T + 150 * MIN, 60)];
    assert.deepEqual(
      w.map((x) => [(x.start - T) / MIN, (x.end - T) / MIN]),
      [
        [0, 60],
        [60, 120],
        [120, 150],
      ],
    );
    assert.equal([...windows(T, T, 60)].length, 0);
  });

  it('collects up to now minus the delay, floored to the minute, capped by end_date_time', () => {
    assert.equal(collectUntil(T + 30_500, 5), T - 5 * MIN);
    assert.equal(collectUntil(T + 10 * MIN, 0, new Date(T + 2 * MIN + 5)), T + 2 * MIN);
  });

  it('starts a new compartment at the later of the start and its creation', () => {
    assert.equal(firstStart(T, new Date(T + 90_500)), T + MIN);
    assert.equal(firstStart(T, new Date(T - 1e9)), T);
    assert.equal(firstStart(T), T);
  });

  it('formats RFC 3339 at whole minutes, zero-padded, in UTC whatever TZ is', () => {
    assert.equal(rfc3339Minute(T + 59_999), '2026-01-05T09:05:00Z');
  });
});

describe('partition', () => {
  const pairs: Array<[string, string]> = [];
  for (const r of ['us-ashburn-1', 'us-phoenix-1', 'eu-frankfurt-1', 'uk-london-1'])
    for (let i = 0; i < 96; i++) pairs.push([r, `ocid1.compartment.oc1..aaaa${i.toString().padStart(10, '0')}`]);

  for (const n of [1, 3, 7]) {
    it(`n=${n}: every pair is collected by exactly one share`, () => {
      const counts = new Array<number>(n).fill(0);
      for (const [r, c] of pairs) {
        const owners = Array.from({ length: n }, (_, k) => k).filter((k) => inPartition(r, c, { k, n }));
        assert.equal(owners.length, 1);
        counts[owners[0]]++;
      }
      // Roughly balanced: no share has more than twice its fair part.
      for (const c of counts) assert.ok(c <= (2 * pairs.length) / n, `unbalanced: ${counts}`);
    });
  }

  it('is stable (the same pair, the same share)', () => {
    assert.equal(partitionOf('us-ashburn-1', 'ocid1.tenancy.oc1..aaaa', 7), partitionOf('us-ashburn-1', 'ocid1.tenancy.oc1..aaaa', 7));
  });
});
