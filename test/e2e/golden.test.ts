// Golden files for the protocol, as Splunk's own binary add-on pins its output in testdata/
// (splunk/splunk-connect-for-otlp): the executable's `--scheme` document, a `--validate-arguments`
// failure and an event stream are compared byte for byte with test/golden/. A change to any of them
// is a change splunkd sees: regenerate with `UPDATE_GOLDEN=1 MOCHA_SPEC=test/e2e/golden.test.ts npx mocha`
// (after `npm run build`) and review the diff.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildValidationDefinition } from '../emulators/splunkd';
import { binaryCommand, isoMinutesAgo, ROOT, startWorld, type World } from '../support/world';

const GOLDEN = path.join(ROOT, 'test', 'golden');

function matchesGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`);
}

function runBinary(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [cmd, ...pre] = binaryCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const sample = (f: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'samples', f), 'utf8')) as Record<string, unknown>;

describe('golden files: what splunkd reads from the executable (bundle or OCI_AUDIT_BIN)', function () {
  this.timeout(60_000);

  it('--scheme prints test/golden/scheme.xml', async () => {
    const r = await runBinary(['--scheme']);
    assert.equal(r.code, 0, r.stderr);
    matchesGolden('scheme.xml', r.stdout);
  });

  it('--validate-arguments with a bad value prints test/golden/validation-error.xml and exits 1', async () => {
    const doc = buildValidationDefinition({ serverHost: 'h', serverUri: '', sessionKey: '', checkpointDir: '/tmp' }, 'prod', {
      account: 'main',
      query_window_size: '0',
    });
    const r = await runBinary(['--validate-arguments'], doc);
    assert.equal(r.code, 1, r.stderr);
    matchesGolden('validation-error.xml', r.stdout);
  });

  describe('the event stream of one (region, compartment)', () => {
    let w: World;
    before(async () => {
      w = await startWorld({ tenancy: { regions: 1, compartments: 1, deletedCompartments: 0, eventsPerDay: 0 } });
    });
    after(() => w.close());

    it('real and documented audit events, and contents XML cannot carry raw, give test/golden/stream.xml', async () => {
      const region = w.oci.tenancy.homeRegion;
      const root = w.oci.tenancy.tenancyId;
      const events: Array<Record<string, unknown>> = [
        sample('oracle-docs-GetInstance.listEvents.json'),
        sample('real-logging-ListEvents-JavaSDK.newrelic.json'),
        sample('real-logging-UpdateVnic-404-resourcePrincipal.spaceone.json'),
        {
          eventId: 'g1',
          eventTime: '2026-01-01T00:00:00Z',
          data: { message: 'ctrl \u0001 tab\t nl\n <&> ]]> "q" \\ \uFFFE', lone: '\uD800' },
        },
        { eventId: 'g2', eventTime: 'not a time', data: { unicode: 'Zürich 東京 😀', nothing: null, n: [1.5, -0.25, 12345678901234] } },
      ];
      const at = new Date(Date.parse(isoMinutesAgo(30)) + 5_000);
      for (const e of events) w.oci.addEvent(region, root, e, at);
      const r = await w.run({ start_date_time: isoMinutesAgo(60), regions: region, compartments: root }, { name: 'golden' });
      assert.equal(r.exitCode, 0, r.stderrLines.join('\n'));
      assert.deepEqual(r.streamErrors, []);
      assert.equal(r.events.length, events.length);
      matchesGolden('stream.xml', r.stdout);
    });
  });
});
