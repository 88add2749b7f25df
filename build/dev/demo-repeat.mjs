// `node build/dev/demo-repeat.mjs [--runs 24] [-- demo flags]`: the demo again and again, run i with the
// clock i hours back (the OCI emulator's clock and, through libfaketime, the executable's), so the runs
// cover every hour of the day. One line per run and a total; exits non-zero when any run failed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureDependencies, ensureFaketime, failInOneLine, root } from './setup.mjs';

const HOURS_IN_DAY = 24;

await failInOneLine('demo-repeat', async () => {
  const i = process.argv.indexOf('--runs');
  const runs = i >= 0 ? Number(process.argv[i + 1]) : HOURS_IN_DAY;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number of runs, got ${process.argv[i + 1]}`);
  const dd = process.argv.indexOf('--');
  const demoFlags = dd >= 0 ? process.argv.slice(dd + 1) : [];
  ensureDependencies();
  ensureFaketime();
  const { bundle } = await import('../package/bundle.mjs');
  await bundle();

  const t0 = Date.now();
  let failed = 0;
  for (let n = 0; n < runs; n++) {
    const offset = -(n % HOURS_IN_DAY);
    const started = Date.now();
    const r = spawnSync(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(root, 'build', 'dev', 'demo.ts'), '--clock-offset-hours', String(offset), ...demoFlags],
      { cwd: root, encoding: 'utf8', env: process.env, maxBuffer: 64 * 1024 * 1024 },
    );
    const out = r.stdout ?? '';
    const counts = [...out.matchAll(/^ {2}exit (\d+) .*? events ([\d,]+) /gm)].map((m) => `exit ${m[1]} events ${m[2]}`);
    const clock = /^clock\s+(\S+)/m.exec(out)?.[1] ?? '?';
    const summary = /events indexed\s+([\d,]+) \(expected ([\d,]+)/.exec(out);
    const dup = /duplicates\s+(\d+)/.exec(out)?.[1] ?? '?';
    const verdict = /^demo: (OK|FAILED.*)$/m.exec(out)?.[1] ?? `FAILED: exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
    if (r.status !== 0) failed++;
    console.log(
      `run ${String(n + 1).padStart(2)}/${runs}  clock ${String(offset).padStart(3)} h (${clock.slice(0, 16)}Z)` +
        `  first run ${counts[0] ?? '?'}  second run ${counts[1] ?? '?'}` +
        `  indexed ${summary?.[1] ?? '?'}  expected ${summary?.[2] ?? '?'}  duplicates ${dup}` +
        `  ${((Date.now() - started) / 1000).toFixed(1)} s  ${verdict}`,
    );
  }
  const total = (Date.now() - t0) / 1000;
  console.log(`demo-repeat: ${runs - failed} OK, ${failed} FAILED of ${runs} runs in ${total.toFixed(0)} s`);
  if (failed) process.exitCode = 1;
});
