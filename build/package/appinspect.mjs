// npm run appinspect [-- --spl package/TA-oci-audit-<version>.spl]
// Runs Splunk AppInspect (CLI, offline) on the package in two modes and fails on anything not justified:
//   cloud:   --mode precert --included-tags cloud          (Splunk Cloud vetting)
//   precert: --mode precert --excluded-tags aarch64_compatibility (all other checks; see docs/appinspect.md)
// Installs splunk-appinspect (pinned) into .cache/venv and libmagic1 (apt-get) when missing.
// Writes the JSON reports to package/appinspect-<run>.json. Exit 1 on any failure, error or
// future_failure, and on any warning whose check is not listed as justified in docs/appinspect.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APPINSPECT_VERSION = '4.3.1';
const venv = path.join(root, '.cache', 'venv');
const py = path.join(venv, 'bin', 'python');
const cli = path.join(venv, 'bin', 'splunk-appinspect');
const log = (msg) => process.stderr.write(`appinspect: ${msg}\n`);

export const RUNS = [
  { name: 'cloud', args: ['--mode', 'precert', '--included-tags', 'cloud'] },
  { name: 'precert', args: ['--mode', 'precert', '--excluded-tags', 'aarch64_compatibility'] },
];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, status: r.status };
}

function ensureTools() {
  if (!existsSync(py)) {
    log(`creating ${path.relative(root, venv)}`);
    const python = ['python3', 'python'].find((p) => run(p, ['--version']).ok);
    if (!python) throw new Error('appinspect: python3 not found');
    execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
  }
  const v = run(py, ['-c', 'from importlib.metadata import version; print(version("splunk-appinspect"))']);
  if (!v.ok || v.out.trim() !== APPINSPECT_VERSION || !existsSync(cli)) {
    log(`pip install splunk-appinspect==${APPINSPECT_VERSION}`);
    const pip = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
    execFileSync(py, [...pip, `splunk-appinspect==${APPINSPECT_VERSION}`], { stdio: 'inherit' });
  }
  // python-magic needs the libmagic shared library.
  const magicLoads = () => run(py, ['-c', 'import magic; magic.from_buffer(b"x")']).ok;
  if (!magicLoads()) {
    log('libmagic missing: apt-get install -y libmagic1');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'libmagic1'], { stdio: 'inherit', env });
    if (!magicLoads()) throw new Error('appinspect: python-magic still cannot load libmagic');
  }
}

/** Check names listed as justified warnings in docs/appinspect.md: table rows "| `check_name` | run | ... |". */
export function justifiedWarnings(doc = readFileSync(path.join(root, 'docs', 'appinspect.md'), 'utf8')) {
  const out = new Map();
  let inTable = false;
  for (const line of doc.split('\n')) {
    if (/^##\s+Justified warnings/i.test(line)) { inTable = true; continue; }
    if (/^##\s/.test(line)) inTable = false;
    const m = /^\|\s*`([a-z0-9_]+)`\s*\|\s*([a-z, ]+?)\s*\|/.exec(line);
    if (inTable && m) out.set(m[1], m[2].split(',').map((s) => s.trim()));
  }
  return out;
}

function findings(report) {
  const res = [];
  for (const r of report.reports) {
    for (const g of r.groups) {
      for (const c of g.checks) {
        if (['failure', 'error', 'future_failure', 'warning', 'manual_check'].includes(c.result)) {
          res.push({ check: c.name, result: c.result, messages: c.messages.map((m) => m.message) });
        }
      }
    }
  }
  return res;
}

export async function appinspect({ spl } = {}) {
  const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  spl = path.resolve(spl ?? path.join(root, 'package', `TA-oci-audit-${version}.spl`));
  if (!existsSync(spl)) {
    log(`${path.relative(root, spl)} missing: building it (npm run package)`);
    const { buildPackage } = await import('./package.mjs');
    spl = (await buildPackage()).spl;
  }
  ensureTools();
  const justified = justifiedWarnings();
  let bad = 0;
  for (const { name, args } of RUNS) {
    const out = path.join(path.dirname(spl), `appinspect-${name}.json`);
    const r = run(cli, ['inspect', spl, ...args, '--data-format', 'json', '--output-file', out], { maxBuffer: 64 * 1024 * 1024 });
    if (!existsSync(out)) throw new Error(`appinspect: ${name}: no report (exit ${r.status})\n${r.out.slice(-4000)}`);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const s = report.summary;
    console.log(`${name.padEnd(8)} ${Object.entries(s).map(([k, v]) => `${k} ${v}`).join(', ')}  (${path.relative(root, out)})`);
    for (const f of findings(report)) {
      const ok = f.result === 'warning' && (justified.get(f.check) ?? []).includes(name);
      if (!ok) bad++;
      const said = f.messages.join(' | ').replace(/\s+/g, ' ').slice(0, 300);
      console.log(`  ${ok ? 'justified' : 'NOT OK   '} ${f.result} ${f.check}: ${said}`);
    }
  }
  return bad;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--spl');
  const bad = await appinspect({ spl: i > 0 ? process.argv[i + 1] : undefined });
  if (bad) {
    console.error(`appinspect: ${bad} finding(s) not justified in docs/appinspect.md`);
    process.exit(1);
  }
  console.log('appinspect: OK (no failures; every warning justified in docs/appinspect.md)');
}
