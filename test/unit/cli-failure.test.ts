// What the admin commands print when they fail (src/cli/failure.ts): one line, never a stack.
import assert from 'node:assert/strict';
import { failureLine } from '../../src/cli/failure';
import { ConfigError } from '../../src/config-error';
import { ociHttpError } from '../../src/oci/errors';
import { ParameterError } from '../../src/splunk/parameters';

describe('admin command failures', () => {
  it('an expected failure is its own sentence; an input parameter is named as the preview flag', () => {
    assert.equal(
      failureLine(new ConfigError('no OCI config file at /h/.oci/config: create one'), 'check').line,
      'check: no OCI config file at /h/.oci/config: create one',
    );
    assert.equal(
      failureLine(
        new ParameterError(['start_date_time: "x" is not an ISO 8601 UTC date-time', 'max_concurrency: "0" is not accepted']),
        'preview',
      ).line,
      'preview: --start: "x" is not an ISO 8601 UTC date-time; --max-concurrency: "0" is not accepted',
    );
    assert.match(
      failureLine(ociHttpError(401, '{"code":"NotAuthenticated","message":"x"}'), 'preview').line,
      /^preview: OCI rejected the request signature \(401/,
    );
  });

  it('an unexpected failure is one line naming it; its stack is handed over apart (logged at DEBUG)', () => {
    const err = new TypeError('Cannot read properties of undefined');
    const { line, stack } = failureLine(err, 'check');
    assert.equal(
      line,
      'check: unexpected failure: TypeError: Cannot read properties of undefined (run again with --log-level DEBUG for the stack)',
    );
    assert.doesNotMatch(line, /\n|\bat /);
    assert.match(stack ?? '', /^TypeError: Cannot read properties of undefined\n\s+at /);
    assert.equal(failureLine(new ConfigError('x'), 'check').stack, undefined, 'an expected failure has no stack to show');
  });
});
