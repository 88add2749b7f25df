import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  countDigests,
  digestOf,
  forgetBefore,
  fromKvFields,
  nothingRemembered,
  remember,
  RememberedIds,
  reReadSpan,
  toKvFields,
} from '../../src/pipeline/lookback';

const MIN = 60_000;

describe('lookback memory (src/pipeline/lookback.ts)', () => {
  it('remembers eventIds by window end and answers membership; ids never delivered are not members', () => {
    const delivered = Array.from({ length: 5000 }, () => randomUUID());
    let r = nothingRemembered(0);
    for (let m = 0; m < 10; m++) r = remember(r, (m + 1) * MIN, delivered.slice(m * 500, (m + 1) * 500));
    r = remember(r, 5 * MIN, ['late-one']); // a late event found by a re-read merges into its window
    assert.equal(countDigests(r), 5001);
    assert.deepEqual(
      r.windows.map((w) => w.end / MIN),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    const set = new RememberedIds(r);
    for (const id of delivered) assert.ok(set.has(id));
    assert.ok(set.has('late-one'));
    for (let i = 0; i < 5000; i++) assert.ok(!set.has(randomUUID()));
  });

  it('forgets windows that end at or before the horizon and stays complete from it', () => {
    let r = nothingRemembered(0);
    for (let m = 1; m <= 6; m++) r = remember(r, m * 10 * MIN, [`e${m}`]);
    const f = forgetBefore(r, 30 * MIN);
    assert.equal(f.from, 30 * MIN);
    assert.deepEqual(
      f.windows.map((w) => w.end / MIN),
      [40, 50, 60],
    );
    assert.equal(forgetBefore(f, 10 * MIN), f, 'an older horizon changes nothing');
  });

  it('re-reads the configured lookback cut to the remembered span, and never past end_date_time', () => {
    const cp = 300 * MIN;
    assert.deepEqual(reReadSpan(nothingRemembered(0), cp, 60 * MIN), { start: 240 * MIN, end: cp });
    assert.deepEqual(reReadSpan(nothingRemembered(280 * MIN), cp, 240 * MIN), { start: 280 * MIN, end: cp });
    assert.equal(reReadSpan(nothingRemembered(cp), cp, 240 * MIN), undefined, 'nothing remembered: nothing re-read');
    assert.deepEqual(reReadSpan(nothingRemembered(0), cp, 60 * MIN, 270 * MIN), { start: 240 * MIN, end: 270 * MIN });
    assert.equal(reReadSpan(nothingRemembered(0), cp, 60 * MIN, 200 * MIN), undefined);
  });

  it('round-trips through the KV form; a malformed or pre-0.2.0 form remembers nothing', () => {
    const r = remember(remember(nothingRemembered(7 * MIN), 8 * MIN, ['a', 'b']), 9 * MIN, ['c']);
    const kv = JSON.parse(JSON.stringify(toKvFields(r))) as Record<string, unknown>;
    const back = fromKvFields(kv);
    assert.ok(back);
    assert.equal(back.from, 7 * MIN);
    assert.ok(new RememberedIds(back).has('c'));
    assert.equal(countDigests(back), 3);
    assert.equal(fromKvFields({ seen: [{ end: 1, ids: ['a'] }] }), undefined);
    assert.equal(fromKvFields({ seen_from: 1, seen: [{ end: 1, digests: 'AAA' }] }), undefined);
    assert.equal(fromKvFields({ seen_from: 1, seen: [{ end: 1, ids: ['a'] }] }), undefined);
  });

  it('a digest is 64 bits of SHA-256: stable, distinct for distinct ids', () => {
    assert.equal(digestOf('x'), digestOf('x'));
    assert.equal(digestOf('x'), 0x2d711642b726b044n); // sha256("x") = 2d711642b726b044...
    const seen = new Set<bigint>();
    for (let i = 0; i < 100_000; i++) seen.add(digestOf(`id-${i}`));
    assert.equal(seen.size, 100_000);
  });
});
