// Start-up time of executables: median and min of N runs of `<exe> [args]`, PATH without node.
// node build/bench/bench-startup.mjs [-n 20] -- <label>=<exe> [args...] -- <label>=<exe> ...
// Runs are interleaved so that machine noise hits every candidate alike.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const argv = process.argv.slice(2);
let n = 20;
if (argv[0] === '-n') {
  n = Number(argv[1]);
  argv.splice(0, 2);
}
const groups = [];
for (const a of argv) {
  if (a === '--') {
    groups.push([]);
    continue;
  }
  if (!groups.length) groups.push([]);
  groups[groups.length - 1].push(a);
}
const cands = groups
  .filter((g) => g.length)
  .map(([first, ...args]) => {
    const [label, exe] = first.includes('=') ? first.split(/=(.*)/s, 2) : [path.basename(first), first];
    return { label, exe, args, times: [] };
  });
const nodeDirs = new Set([path.dirname(process.execPath)]);
const env = {
  ...process.env,
  PATH: (process.env.PATH ?? '')
    .split(':')
    .filter((d) => !nodeDirs.has(d))
    .join(':'),
};
for (let i = 0; i < n + 1; i++) {
  for (const c of cands) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(c.exe, c.args, { env: c.exe === process.execPath ? process.env : env, stdio: ['ignore', 'ignore', 'ignore'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${c.label}: exit ${r.status} ${r.error ?? ''}`);
    if (i > 0) c.times.push(ms); // first run warms the page cache
  }
}
for (const c of cands) {
  const s = [...c.times].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  console.log(`${c.label.padEnd(28)} median ${med.toFixed(1)} ms  min ${s[0].toFixed(1)} ms  (n=${s.length})`);
}
