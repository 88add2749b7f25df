// `npm run bench [-- --quick]`: installs what is missing, packages the binary if it is not built yet,
// then runs build/bench/bench.ts (see there and docs/performance.md).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureDebianFile, ensureDependencies, root, run } from '../dev/setup.mjs';

ensureDependencies();
// CPU time and peak RSS of the binary alone come from GNU time.
ensureDebianFile('/usr/bin/time', 'time');
const bin = process.env.OCI_AUDIT_BIN ?? path.join(root, 'dist/stage/TA-oci-audit/linux_x86_64/bin/oci_audit');
if (!existsSync(bin)) run(process.execPath, [path.join(root, 'build', 'package', 'package.mjs')]);
// The floor and `node -e 0` run on the SEA's own Node (also needed when OCI_AUDIT_BIN names a binary built elsewhere).
if (!process.env.BENCH_NODE) (await import('../package/sea.mjs')).nodeBinary('linux');
// --rules: what event rules change (volume per day, cost per event): build/bench/rules-volume.ts
const rules = process.argv.includes('--rules');
const script = rules ? 'rules-volume.ts' : 'bench.ts';
run(process.execPath, [
  '--require',
  'tsx/cjs',
  path.join(root, 'build', 'bench', script),
  ...process.argv.slice(2).filter((a) => a !== '--rules'),
]);
