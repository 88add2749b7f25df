import assert from 'node:assert/strict';
import { parseInputConfig, ParameterError, parseIsoUtc } from '../../src/splunk/parameters';

const NOW = new Date('2026-06-01T12:00:00Z');
const ok = (p: Record<string, string>) => parseInputConfig('oci_audit://t', { account: 'acct', ...p }, NOW);
function rejects(p: Record<string, string>, param: string, accepted: RegExp): void {
  assert.throws(
    () => ok(p),
    (err: unknown) => {
      assert.ok(err instanceof ParameterError);
      const m = err.message;
      assert.match(m, new RegExp(`^${param}:|; ${param}:`), `message should name ${param}: ${m}`);
      assert.match(m, accepted);
      return true;
    },
  );
}

describe('input parameters', () => {
  it('applies the contract defaults', () => {
    const c = ok({});
    assert.equal(c.name, 't');
    assert.equal(c.stanza, 'oci_audit://t');
    assert.equal(c.regions, '*');
    assert.equal(c.compartments, '*');
    assert.deepEqual(c.excludeCompartments, []);
    assert.equal(c.queryWindowMinutes, 60);
    assert.equal(c.delayMinutes, 0);
    assert.equal(c.maxConcurrency, 8);
    assert.equal(c.lookbackMinutes, 15);
    assert.deepEqual(c.partition, { k: 0, n: 1 });
    assert.equal(c.startDateTime, undefined);
  });

  it('parses lists, dates and numbers', () => {
    const c = ok({
      regions: 'us-ashburn-1, eu-frankfurt-1,us-gov-ashburn-1',
      compartments: 'ocid1.compartment.oc1..aaaaaaaaabcdefghij,ocid1.tenancy.oc1..aaaaaaaaxyzxyzxyzx',
      start_date_time: '2026-01-31T00:00:00Z',
      end_date_time: '2026-02-01T00:00:00+00:00',
      query_window_size: '15',
      delay_throttle: '0',
      max_concurrency: '64',
      lookback_minutes: '30',
      partition: '2/3',
    });
    assert.deepEqual(c.regions, ['us-ashburn-1', 'eu-frankfurt-1', 'us-gov-ashburn-1']);
    assert.equal((c.compartments as string[]).length, 2);
    assert.equal(c.startDateTime?.toISOString(), '2026-01-31T00:00:00.000Z');
    assert.equal(c.endDateTime?.toISOString(), '2026-02-01T00:00:00.000Z');
    assert.deepEqual([c.queryWindowMinutes, c.delayMinutes, c.maxConcurrency, c.lookbackMinutes], [15, 0, 64, 30]);
    assert.deepEqual(c.partition, { k: 2, n: 3 });
  });

  it('names the parameter and what it accepts for every bad value', () => {
    rejects({ account: '' }, 'account', /required/);
    rejects({ account: 'a b<c>' }, 'account', /letters, digits/);
    rejects({ regions: 'US-EAST' }, 'regions', /us-ashburn-1/);
    rejects({ regions: ',' }, 'regions', /region identifier/);
    rejects({ compartments: 'ocid1.user.oc1..aaaaaaaaabcdefghij' }, 'compartments', /compartment or tenancy OCID/);
    rejects({ exclude_compartments: 'nope' }, 'exclude_compartments', /compartment OCID/);
    rejects({ start_date_time: '2026-13-01T00:00:00Z' }, 'start_date_time', /YYYY-MM-DDTHH:MM:SSZ/);
    rejects({ start_date_time: '2026-02-30T00:00:00Z' }, 'start_date_time', /ISO 8601/);
    rejects({ start_date_time: '2026-01-01T00:00:00+02:00' }, 'start_date_time', /UTC/);
    rejects({ start_date_time: '2027-01-01T00:00:00Z' }, 'start_date_time', /in the past/);
    rejects({ end_date_time: 'tomorrow' }, 'end_date_time', /ISO 8601/);
    rejects(
      { start_date_time: '2026-01-02T00:00:00Z', end_date_time: '2026-01-01T00:00:00Z' },
      'end_date_time',
      /later than start_date_time/,
    );
    rejects({ query_window_size: '0' }, 'query_window_size', /1 to 1440/);
    rejects({ query_window_size: '1441' }, 'query_window_size', /1 to 1440/);
    rejects({ query_window_size: '1.5' }, 'query_window_size', /whole number/);
    rejects({ delay_throttle: '-1' }, 'delay_throttle', /0 to 1440/);
    rejects({ max_concurrency: '65' }, 'max_concurrency', /1 to 64/);
    rejects({ lookback_minutes: 'x' }, 'lookback_minutes', /0 to 1440/);
    rejects({ partition: '3/3' }, 'partition', /k\/n/);
    rejects({ partition: '1/0' }, 'partition', /k\/n/);
    rejects({ partition: 'half' }, 'partition', /k\/n/);
  });

  it('reports every problem at once', () => {
    assert.throws(
      () => ok({ regions: 'X', max_concurrency: '0' }),
      (e: unknown) => e instanceof ParameterError && e.problems.length === 2,
    );
  });

  it('never echoes control characters or huge values back', () => {
    assert.throws(
      () => ok({ regions: `\u0000${'x'.repeat(10_000)}` }),
      (e: unknown) => e instanceof Error && e.message.length < 400 && !e.message.includes('\u0000'),
    );
  });

  it('parses ISO UTC strictly', () => {
    assert.equal(parseIsoUtc('2026-01-31T00:00Z')?.toISOString(), '2026-01-31T00:00:00.000Z');
    assert.equal(parseIsoUtc('2026-01-31T00:00:00.5Z')?.toISOString(), '2026-01-31T00:00:00.000Z');
    assert.equal(parseIsoUtc('2026-01-31'), undefined);
    assert.equal(parseIsoUtc('2026-01-31T24:00:00Z'), undefined);
  });
});
