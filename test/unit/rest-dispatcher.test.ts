// bin/ta_oci_audit_rest.py, the REST handler default/restmap.conf runs on Splunk's Python: its Python unit
// tests (test/unit/python/test_ta_oci_audit_rest.py) with the real executable standing in for each platform's
// file (OCI_AUDIT_BIN, else the bundle behind a sh wrapper). Needs python3 on PATH (or PYTHON3).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { binaryCommand, ROOT } from '../support/world';

describe('REST handler on Splunk Python (bin/ta_oci_audit_rest.py): dispatch per platform', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rest-dispatcher-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('unittest: every platform runs its own file; missing, crash, signal, timeout, nonsense are 5xx sentences; secrets on stdin only', () => {
    const command = binaryCommand();
    let exe = command[0];
    if (command.length > 1) {
      exe = path.join(dir, 'oci_audit');
      const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
      writeFileSync(exe, `#!/bin/sh\nexec ${command.map(q).join(' ')} "$@"\n`);
      chmodSync(exe, 0o755);
    }
    const r = spawnSync(process.env.PYTHON3 ?? 'python3', ['-B', 'test/unit/python/test_ta_oci_audit_rest.py', '-v'], {
      cwd: ROOT,
      env: { ...process.env, OCI_AUDIT_TEST_EXE: exe, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
      timeout: 110_000,
    });
    assert.equal(r.status, 0, `${r.stderr}${r.stdout}`);
    const ran = /Ran (\d+) tests?/.exec(r.stderr);
    assert.ok(ran && Number(ran[1]) >= 17, r.stderr);
    assert.doesNotMatch(r.stderr, /skipped/, 'the platform tests ran with the real executable');
  });
});
