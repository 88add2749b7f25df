// `npm test`: the whole check, from a fresh clone. Installs dependencies, bundles, type-checks,
// lints, checks the format (Prettier), runs every mocha suite against the bundle, then packages the standalone binary and runs
// the end-to-end suites again against the binary from the .spl. Ends with one closing line.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureChromium, ensureDependencies, ensureFaketime, root, run } from './setup.mjs';

ensureDependencies();
ensureChromium();
ensureFaketime();
const { bundle } = await import('../package/bundle.mjs');
await bundle();
const { bundleWeb } = await import('../package/web.mjs');
await bundleWeb();
run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'src/web/tsconfig.json', '--noEmit']);
run(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '.']);
run(process.execPath, [path.join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '--log-level', 'warn', '.']);

const statsDir = mkdtempSync(path.join(tmpdir(), 'ta-oci-audit-stats-'));
const totals = { passes: 0, failures: 0, pending: 0 };
let failedRun = false;

function mocha(label, extraEnv, specs = []) {
  console.log(`\n=== ${label}`);
  const statsFile = path.join(statsDir, `${label.replace(/\W+/g, '_')}.json`);
  const args = [path.join(root, 'node_modules/mocha/bin/mocha.js')];
  const env = { ...process.env, MOCHA_STATS_FILE: statsFile, ...extraEnv, ...(specs.length ? { MOCHA_SPEC: specs.join(',') } : {}) };
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  if (existsSync(statsFile)) {
    const s = JSON.parse(readFileSync(statsFile, 'utf8'));
    totals.passes += s.passes;
    totals.failures += s.failures;
    totals.pending += s.pending;
  }
  if (r.status !== 0) failedRun = true;
}

mocha('all suites (bundle)', {});

// The binary under test is the one inside the .spl, unpacked as Splunk would unpack it.
run(process.execPath, [path.join(root, 'build', 'package', 'package.mjs')]);
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const spl = path.join(root, 'package', `TA-oci-audit-${version}.spl`);
const unpacked = mkdtempSync(path.join(tmpdir(), 'ta-oci-audit-spl-'));
run('tar', ['xzf', spl, '-C', unpacked]);
const packaged = path.join(unpacked, 'TA-oci-audit', 'linux_x86_64', 'bin', 'oci_audit');
if (existsSync(packaged)) mocha('end-to-end suites (SEA binary from the .spl)', { OCI_AUDIT_BIN: packaged }, ['test/e2e/**/*.test.ts']);
else {
  console.error(`test: ${spl} has no linux_x86_64/bin/oci_audit`);
  failedRun = true;
}
rmSync(unpacked, { recursive: true, force: true });
rmSync(statsDir, { recursive: true, force: true });
console.log(`\n${totals.passes} passed, ${totals.failures} failed, ${totals.pending} skipped`);
process.exit(failedRun || totals.failures ? 1 : 0);
