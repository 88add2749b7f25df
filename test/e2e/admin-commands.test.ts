// `oci_audit preview` and `oci_audit check`, as an admin runs them from a shell, against the OCI emulator.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateTenancy, startOciEmulator, type OciEmulator } from '../emulators/oci';
import { binaryCommand, isoMinutesAgo } from '../support/world';

// Asynchronous: the OCI emulator lives in this process and must keep answering while the command runs.
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [cmd, ...pre] = binaryCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, ...args], {
      env: { ...process.env, TA_OCI_AUDIT_RETRY_BASE_MS: '20', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('admin commands: preview and check (end to end)', function () {
  this.timeout(120_000);
  let oci: OciEmulator;
  let dir: string;
  let flags: string[];
  before(async () => {
    oci = await startOciEmulator({
      tenancy: generateTenancy({ seed: 11, regions: 2, compartments: 3, eventsPerDay: 20_000 }),
      pageSize: 100,
    });
    dir = mkdtempSync(path.join(tmpdir(), 'oci-cli-'));
    writeFileSync(path.join(dir, 'key.pem'), oci.apiKey.privateKeyPem, { mode: 0o600 });
    // An OCI CLI config file, as `oci setup config` writes it.
    writeFileSync(
      path.join(dir, 'config'),
      [
        '[DEFAULT]',
        `user=${oci.apiKey.userId}`,
        `fingerprint=${oci.apiKey.fingerprint}`,
        `tenancy=${oci.tenancy.tenancyId}`,
        `region=${oci.tenancy.homeRegion}`,
        `key_file=${path.join(dir, 'key.pem')}`,
        '',
      ].join('\n'),
    );
    flags = ['--identity-endpoint', oci.identityEndpoint, '--audit-endpoint', oci.auditEndpoint];
  });
  /** The account as flags, with a key file of `dir`. */
  const keyFlags = (keyFile: string): string[] => [
    ...['--tenancy', oci.tenancy.tenancyId, '--user', oci.apiKey.userId, '--fingerprint', oci.apiKey.fingerprint],
    ...['--key-file', path.join(dir, keyFile), '--region', oci.tenancy.homeRegion],
  ];
  /** 429, 500 and 503 answers so far. */
  const transientAnswers = (): number => ['429', '500', '503'].reduce((n, k) => n + (oci.stats().byStatus[k] ?? 0), 0);

  after(async () => {
    await oci.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('preview with ~/.oci/config: events as JSON lines on stdout, a summary on stderr, equal to the API', async () => {
    const start = isoMinutesAgo(30);
    const end = isoMinutesAgo(5);
    const r = await run(['preview', '--config-file', path.join(dir, 'config'), '--start', start, '--end', end, ...flags]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').filter(Boolean);
    const events = lines.map((l) => JSON.parse(l) as { eventId: string });
    assert.equal(events.length, oci.countEvents(new Date(start), new Date(end)));
    assert.equal(new Set(events.map((e) => e.eventId)).size, events.length);
    assert.match(r.stderr, /^events\s+\d+$/m);
    assert.doesNotMatch(r.stdout + r.stderr, /BEGIN PRIVATE KEY/);
  });

  it("preview retries throttling (429) with the input's policy: every event once", async () => {
    const start = isoMinutesAgo(90); // two windows per pair: ~30 requests
    const end = isoMinutesAgo(5);
    const before = transientAnswers();
    oci.setFaults({ throttleRate: 0.25 });
    let r;
    try {
      r = await run(['preview', '--config-file', path.join(dir, 'config'), '--start', start, '--end', end, ...flags]);
    } finally {
      oci.setFaults({});
    }
    assert.equal(r.code, 0, r.stderr);
    assert.ok(transientAnswers() > before, 'the emulator did throttle');
    const ids = r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { eventId: string }).eventId);
    assert.equal(ids.length, oci.countEvents(new Date(start), new Date(end)));
    assert.equal(new Set(ids).size, ids.length);
    assert.match(r.stderr, /^retries\s+[1-9]\d*$/m);
  });

  it('preview with flags only and --limit stops early', async () => {
    const r = await run(['preview', ...keyFlags('key.pem'), '--start', isoMinutesAgo(60), '--limit', '5', ...flags]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.trim().split('\n').length >= 5);
  });

  it('a bad flag is named as a flag, not as a setting of the Splunk setup page', async () => {
    const r = await run([
      'check',
      ...keyFlags('key.pem').map((a) => (a === oci.tenancy.tenancyId ? 'ocid1.user.oc1..aaaaaaaabadbadbad' : a)),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--tenancy \(config: tenancy\) must be a tenancy OCID/);
    assert.doesNotMatch(r.stderr, /tab|storage\/passwords|tenancy_ocid/);
  });

  describe('an expected failure is one plain line: what failed and what to do', () => {
    let home: string;
    before(() => {
      // An admin's machine without ~/.oci/config.
      home = mkdtempSync(path.join(tmpdir(), 'oci-cli-home-'));
    });
    after(() => rmSync(home, { recursive: true, force: true }));
    const inEmptyHome = (args: string[]): ReturnType<typeof run> => run(args, { HOME: home, OCI_CONFIG_FILE: '' });

    /** Exit 1, nothing on stdout, one ERROR line on stderr, no stack, not the SDK's doubled wording; returns the line. */
    function onePlainLine(r: { code: number | null; stdout: string; stderr: string }): string {
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^ERROR (preview|check): /);
      assert.doesNotMatch(r.stderr, /\bat \S+ \(|\s{2,}at |unexpected failure|For more info|Error: /, 'no stack, no SDK wording');
      return lines[0];
    }

    for (const command of ['preview', 'check'])
      it(`${command} without ~/.oci/config names the file and the flags that replace it`, async () => {
        const line = onePlainLine(await inEmptyHome([command, ...flags]));
        assert.ok(line.includes(`no OCI config file at ${path.join(home, '.oci', 'config')}`), line);
        assert.match(line, /oci setup config.*--config-file FILE.*--tenancy --user --fingerprint --key-file --region$/);
      });

    it('a --config-file that does not exist, is a directory, cannot be parsed or lacks the profile', async () => {
      writeFileSync(path.join(home, 'garbled'), 'not a config\n');
      const cases: Array<[string[], RegExp]> = [
        [['--config-file', path.join(dir, 'nope')], /--config-file \S+nope: no such file; give the path of an OCI config file/],
        [['--config-file', dir], /cannot read the OCI config file \S+: it is a directory; give --config-file FILE/],
        [
          ['--config-file', path.join(home, 'garbled')],
          /the OCI config file \S+garbled cannot be parsed: Found line with no key-value pair: not a config$/,
        ],
        [
          ['--config-file', path.join(dir, 'config'), '--profile', 'PROD'],
          /the OCI config file \S+config has no profile \[PROD\]; give --profile NAME/,
        ],
      ];
      for (const [args, said] of cases) assert.match(onePlainLine(await inEmptyHome(['preview', ...args, ...flags])), said);
    });

    it('a key file that cannot be read, and a bad preview flag, are named as flags', async () => {
      const noKey = keyFlags('missing.pem');
      assert.match(
        onePlainLine(await inEmptyHome(['check', ...noKey, ...flags])),
        /cannot read the private key file \S+missing\.pem \(--key-file, or key_file in the config file\): no such file$/,
      );
      const badStart = onePlainLine(await inEmptyHome(['preview', ...keyFlags('key.pem'), '--start', 'yesterday', ...flags]));
      assert.match(badStart, /--start: "yesterday" is not an ISO 8601 UTC date-time/);
      assert.doesNotMatch(badStart, /start_date_time/);
    });

    it('OCI unreachable: one line saying so, after the retries', async () => {
      const closed = ['--identity-endpoint', 'http://127.0.0.1:9/{region}', '--audit-endpoint', 'http://127.0.0.1:9/{region}'];
      const line = onePlainLine(await inEmptyHome(['preview', ...keyFlags('key.pem'), ...closed]));
      assert.match(line, /network error|ECONNREFUSED|connect/i);
    });
  });

  it('check: every probe OK with the needed permissions', async () => {
    const r = await run(['check', '--config-file', path.join(dir, 'config'), ...flags]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^OK {4}ListRegionSubscriptions: 2 READY region/m);
    assert.match(r.stdout, /^OK {4}ListCompartments \(subtree\): 3 ACTIVE compartment/m);
    assert.match(r.stdout, /^OK {4}ListEvents/m);
    assert.doesNotMatch(r.stdout, /Missing IAM policy/);
  });

  it('check: transient answers (429, 5xx) are retried, each retry said on stderr', async () => {
    const before = transientAnswers();
    oci.setFaults({ throttleRate: 0.25, serverErrorRate: 0.25 });
    let r;
    try {
      r = await run(['check', '--config-file', path.join(dir, 'config'), ...flags]);
    } finally {
      oci.setFaults({});
    }
    const transient = transientAnswers() - before;
    assert.ok(transient > 0, 'the emulator did answer 429 or 5xx');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.match(/^OK {4}/gm)?.length, 4, r.stdout);
    assert.equal(r.stderr.match(/; attempt \d+ in \d+\.\d s$/gm)?.length, transient, r.stderr);
  });

  it('check: without read audit-events it prints the statement to add', async () => {
    oci.denyListEvents(oci.tenancy.tenancyId);
    const r = await run(['check', '--config-file', path.join(dir, 'config'), '--group', 'SplunkAudit', ...flags]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^FAIL {2}ListEvents/m);
    assert.match(r.stdout, /Allow group SplunkAudit to read audit-events in tenancy/);
  });

  it('check: a key that does not match says so (401) and stops', async () => {
    const other = oci.addApiKey();
    writeFileSync(path.join(dir, 'other.pem'), other.privateKeyPem, { mode: 0o600 });
    const r = await run(['check', ...keyFlags('other.pem'), ...flags]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^FAIL {2}ListRegionSubscriptions: .*401.*private key matches/m);
    assert.equal(r.stdout.match(/^FAIL/gm)?.length, 1, 'stops after an authentication failure');
  });
});
