import assert from 'node:assert/strict';
import { editWarnings } from '../../src/web/edit-warnings';

describe('Inputs tab: what an edit does, before Save (src/web/edit-warnings.ts)', () => {
  const saved = { account: 'main', regions: 'us-ashburn-1,eu-frankfurt-1', lookback_minutes: '60', max_concurrency: '8', disabled: false };
  const form = (v: Record<string, string>): Record<string, string> => ({
    account: 'main',
    regions: 'us-ashburn-1,eu-frankfurt-1',
    lookback_minutes: '60',
    max_concurrency: '8',
    ...v,
  });

  it('nothing for edits that keep exactly-once as they are (concurrency, window, delay, lookback lowered, a reordered list)', () => {
    assert.deepEqual(editWarnings(saved, form({ max_concurrency: '16', query_window_size: '15', delay_throttle: '30' })), []);
    assert.deepEqual(editWarnings(saved, form({ lookback_minutes: '30' })), []);
    assert.deepEqual(editWarnings(saved, form({ regions: 'eu-frankfurt-1, us-ashburn-1' })), []);
    assert.deepEqual(editWarnings(undefined, form({ lookback_minutes: '240' })), [], 'a new input');
    assert.deepEqual(
      editWarnings({ ...saved, start_date_time: '2026-01-01T00:00Z' }, form({ start_date_time: '2026-01-01T00:00:00.000Z' })),
      [],
      'the same start in another spelling',
    );
    assert.deepEqual(
      editWarnings(saved, form({ lookback_minutes: '240', regions: 'nowhere' })),
      [],
      'nothing while the form does not parse',
    );
  });

  it('one sentence per edit that is not exactly-once or does not re-collect', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { lookback_minutes: '240' },
        /^Lookback grows from 60 to 240 minutes gradually: .*late events more than 60 minutes before the next run are not collected\.$/,
      ],
      [{ account: 'other' }, /^If the new account is in another tenancy, the input starts afresh/],
      [{ start_date_time: '2026-01-01T00:00:00Z' }, /^Start date-time applies only to regions and compartments not collected yet/],
      [{ end_date_time: '2026-01-01T00:00:00Z' }, /^Collection stops at the new end date-time/],
      [{ partition: '0/2' }, /^Changing the partition moves regions and compartments between inputs: .* are sent again\.$/],
      [{ regions: 'us-ashburn-1' }, /^Regions and compartments that are added start at Start date-time/],
      [{ lookback_minutes: '0' }, /^Turning lookback off stops re-reading/],
    ];
    for (const [edit, text] of cases) {
      const got = editWarnings(saved, form(edit));
      assert.equal(got.length, 1, `${JSON.stringify(edit)}: ${got.join(' | ')}`);
      assert.match(got[0], text);
      assert.equal(got[0].split(/[.;:] [A-Z]/).length, 1, 'one sentence');
    }
    assert.match(
      editWarnings({ ...saved, lookback_minutes: '0' }, form({ lookback_minutes: '' }))[0],
      /^Lookback starts with this change: .* grow to 15 minutes/,
    );
    assert.match(
      editWarnings({ ...saved, end_date_time: '2026-01-01T00:00:00Z' }, form({ end_date_time: '' }))[0],
      /^Collection continues from each checkpoint up to the new end date-time \(or up to now without one\)/,
    );
    assert.deepEqual(editWarnings({ ...saved, partition: '0/1' }, form({ partition: '' })), [], 'empty = the default 0/1');
    assert.deepEqual(editWarnings({ ...saved, lookback_minutes: '15' }, form({ lookback_minutes: '' })), [], 'empty = the default 15');
    assert.equal(editWarnings(saved, form({ lookback_minutes: '240', partition: '1/3' })).length, 2);
  });
});
