// npm run package [-- --platforms linux,windows,darwin] [--out-dir package] [--code-cache on|off] [--no-sea-cache]
// Bundles src/main.ts, builds the SEA executables (default: all three platforms), stages the app folder TA-oci-audit/ and writes
// <out-dir>/TA-oci-audit-<version>.spl: a gzip tar with one top folder, sorted entries, mtime
// SOURCE_DATE_EPOCH (else the last commit's time), uid/gid 0, dirs 755, files 644, executables 755
// (only the */bin/ executables). Two runs on the same sources give the same sha256.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';
import { bundleWeb } from './web.mjs';
import { buildExecutable, NODE_VERSION, PLATFORMS } from './sea.mjs';
import { gzipFixed, tarChunks } from './tar.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APP_ID = 'TA-oci-audit';
/** Every platform the add-on supports; `npm run package` builds them all unless --platforms says otherwise. */
export const DEFAULT_PLATFORMS = ['darwin', 'linux', 'windows'];
const GZIP_LEVEL = 6; // level 9 takes 4x longer for 0.4 % less on the executable

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const log = (msg) => process.stderr.write(`package: ${msg}\n`);

export function packageVersion() {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
}

/** Values of `key` in `[stanza]` of a .conf text (last one wins, as in Splunk). */
function confValue(text, stanza, key) {
  let current = null;
  let value;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^\[(.*)\]$/.exec(line);
    if (m) { current = m[1]; continue; }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv && current === stanza && kv[1] === key) value = kv[2];
  }
  return value;
}

/** The version must be the same in package.json, default/app.conf ([launcher], [id]) and app.manifest. */
export function checkVersions() {
  const version = packageVersion();
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`package: version ${version} is not X.Y.Z (AppInspect)`);
  const appConf = readFileSync(path.join(root, 'default', 'app.conf'), 'utf8');
  const manifest = JSON.parse(readFileSync(path.join(root, 'app.manifest'), 'utf8'));
  const found = {
    'default/app.conf [launcher] version': confValue(appConf, 'launcher', 'version'),
    'default/app.conf [id] version': confValue(appConf, 'id', 'version'),
    'app.manifest info.id.version': manifest.info?.id?.version,
  };
  const bad = Object.entries(found).filter(([, v]) => v !== version);
  if (bad.length) {
    throw new Error(`package: version mismatch with package.json ${version}: ${bad.map(([k, v]) => `${k} = ${v}`).join('; ')}`);
  }
  if (confValue(appConf, 'package', 'id') !== APP_ID || manifest.info?.id?.name !== APP_ID) {
    throw new Error(`package: [package] id and app.manifest info.id.name must be ${APP_ID}`);
  }
  return version;
}

export function sourceDateEpoch() {
  if (process.env.SOURCE_DATE_EPOCH) return Number.parseInt(process.env.SOURCE_DATE_EPOCH, 10);
  try {
    const out = execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return Number.parseInt(out.trim(), 10);
  } catch {
    return 946684800; // 2000-01-01T00:00:00Z: no git, no SOURCE_DATE_EPOCH
  }
}

const SKIPPED = new Set(['__MACOSX', 'node_modules', 'local', 'local.meta']);
const SKIP = (name) => name.startsWith('.') || SKIPPED.has(name) || name.endsWith('~');

/** Files below `dir` (relative paths, '/' separated), skipping dot-files, local/, node_modules. */
function walk(dir, rel = '') {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    if (SKIP(name)) continue;
    const full = path.join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    const st = statSync(full);
    if (st.isDirectory()) out.push(...walk(full, r));
    else if (st.isFile()) out.push(r);
  }
  return out;
}

/** Third-party notices for the npm packages that esbuild put into the bundle (from its metafile). */
function thirdPartyNotices(metafile) {
  const pkgs = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!m) continue;
    const dir = path.join(root, input.slice(0, m.index + m[0].length));
    if (!pkgs.has(dir)) pkgs.set(dir, m[1]);
  }
  const entries = [];
  for (const [dir, name] of pkgs) {
    const pj = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const lic = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const license = typeof pj.license === 'string' ? pj.license : JSON.stringify(pj.license ?? pj.licenses ?? 'see package');
    entries.push({ key: `${name}@${pj.version}`, license, text: lic ? readFileSync(path.join(dir, lic), 'utf8').trim() : '' });
  }
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const seen = new Set();
  const parts = [
    'Third-party software in the TA-oci-audit executables',
    '',
    `Node.js ${NODE_VERSION} runtime (official binaries): MIT License and the licenses of its bundled`,
    'components, https://github.com/nodejs/node/blob/main/LICENSE',
    '',
    'npm packages bundled into the program:',
    ...entries.filter((e) => !seen.has(e.key) && seen.add(e.key)).map((e) => `- ${e.key} (${e.license})`),
    '',
  ];
  seen.clear();
  for (const e of entries) {
    if (seen.has(e.key) || !e.text) continue;
    seen.add(e.key);
    parts.push('-'.repeat(72), `${e.key}`, '', e.text, '');
  }
  return Buffer.from(parts.join('\n'));
}

/**
 * Builds the package. Returns { spl, sha256, size, version, stage, binaries: [{platform, file, size, sha256}] }.
 */
export async function buildPackage({
  platforms = DEFAULT_PLATFORMS,
  outDir = path.join(root, 'package'),
  stageDir = path.join(root, 'dist', 'stage'),
  codeCache,
  seaCache = true,
  mtime = sourceDateEpoch(),
} = {}) {
  for (const p of platforms) if (!PLATFORMS[p]) throw new Error(`package: unknown platform ${p} (linux, windows, darwin)`);
  const version = checkVersions();
  const t0 = Date.now();
  const bundlePath = path.join(stageDir, '..', `oci_audit-${process.pid}.js`);
  mkdirSync(path.dirname(bundlePath), { recursive: true });
  const { metafile } = await bundle({ outfile: bundlePath });
  log(`bundle ${statSync(bundlePath).size} B in ${Date.now() - t0} ms`);

  const appDir = path.join(stageDir, APP_ID);
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });

  /** @type {Map<string, {data: Buffer, mode: number}>} path inside the app -> content */
  const files = new Map();
  const binaries = [];
  try {
    for (const platform of [...platforms].sort()) {
      const p = PLATFORMS[platform];
      const rel = `${p.dir}/bin/${p.exe}`;
      const r = await buildExecutable({ bundlePath, platform, outFile: path.join(appDir, rel), codeCache, useCache: seaCache });
      log(`${rel}: ${r.size} B sha256 ${r.sha256}${r.cached ? ' (cached)' : ''}`);
      binaries.push({ platform, path: rel, size: r.size, sha256: r.sha256 });
      files.set(rel, { data: readFileSync(r.file), mode: 0o755 });
    }
  } finally {
    rmSync(bundlePath, { force: true });
  }

  const missing = DEFAULT_PLATFORMS.filter((p) => !platforms.includes(p));
  if (missing.length)
    log(`no ${missing.join(', ')} executable: on ${missing.join(', ')} neither the modular input nor the REST endpoints (connection check, secrets) run`);

  // the setup pages' bundle (git-ignored) is built fresh into appserver/static/ before it is packed
  const web = await bundleWeb();
  const add = (rel, data) => files.set(rel, { data, mode: 0o644 });
  for (const dir of ['default', 'README', 'static', 'appserver', 'lookups']) {
    for (const rel of walk(path.join(root, dir))) add(`${dir}/${rel}`, readFileSync(path.join(root, dir, rel)));
  }
  // bin/ holds the REST handler restmap.conf names (script = ta_oci_audit_rest.py, loaded by splunkd's
  // persistconn/appserver.py, so not executable) and a README
  add('bin/README', readFileSync(path.join(root, 'build', 'package', 'app', 'bin-README')));
  for (const rel of walk(path.join(root, 'bin'))) if (rel.endsWith('.py')) add(`bin/${rel}`, readFileSync(path.join(root, 'bin', rel)));
  add('metadata/default.meta', readFileSync(path.join(root, 'metadata', 'default.meta')));
  add('app.manifest', readFileSync(path.join(root, 'app.manifest')));
  add('LICENSE', readFileSync(path.join(root, 'build', 'package', 'app', 'LICENSE')));
  add('THIRD-PARTY-NOTICES.txt', thirdPartyNotices({ inputs: { ...metafile.inputs, ...web.metafile.inputs } }));
  const shaLines = binaries.map((b) => `    ${b.sha256}  ${b.path}`).join('\n');
  add(
    'README.md',
    Buffer.from(
      readFileSync(path.join(root, 'build', 'package', 'app', 'README.md'), 'utf8')
        .replaceAll('__NODE_VERSION__', NODE_VERSION)
        .replace('__BINARY_SHA256__', shaLines),
    ),
  );
  for (const rel of files.keys()) {
    const parts = rel.split('/');
    if (parts.some((s) => SKIP(s))) throw new Error(`package: refusing ${rel}`);
    if (!/\/bin\/[^/]+$/.test(rel) && files.get(rel).mode & 0o111) throw new Error(`package: executable outside bin/: ${rel}`);
  }

  // Stage on disk (for inspection and AppInspect on a folder) and build the tar entries.
  const entries = [];
  const dirs = new Set([`${APP_ID}/`]);
  for (const [rel, { data, mode }] of files) {
    const full = path.join(appDir, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    if (!binaries.some((b) => b.path === rel)) writeFileSync(full, data);
    chmodSync(full, mode);
    entries.push({ path: `${APP_ID}/${rel}`, type: 'file', mode, data });
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(`${APP_ID}/${parts.slice(0, i).join('/')}/`);
  }
  for (const d of dirs) entries.push({ path: d, type: 'dir', mode: 0o755 });

  const t1 = Date.now();
  const gz = gzipFixed(Buffer.concat(tarChunks(entries, { mtime })), GZIP_LEVEL);
  mkdirSync(outDir, { recursive: true });
  const spl = path.join(outDir, `${APP_ID}-${version}.spl`);
  writeFileSync(`${spl}.tmp-${process.pid}`, gz, { mode: 0o644 });
  renameSync(`${spl}.tmp-${process.pid}`, spl);
  const digest = sha256(gz);
  log(`${path.relative(root, spl)}: ${gz.length} B sha256 ${digest} (tar+gzip ${Date.now() - t1} ms, total ${Date.now() - t0} ms)`);
  return { spl, sha256: digest, size: gz.length, version, mtime, stage: appDir, binaries };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(name);
    if (i >= 0 && (i + 1 >= args.length || args[i + 1].startsWith('--'))) throw new Error(`package: ${name} needs a value`);
    return i >= 0 ? args[i + 1] : def;
  };
  const known = new Set(['--platforms', '--out-dir', '--stage-dir', '--code-cache', '--no-sea-cache']);
  for (const a of args) if (a.startsWith('--') && !known.has(a)) throw new Error(`package: unknown option ${a}`);
  const cc = opt('--code-cache', undefined);
  const r = await buildPackage({
    platforms: opt('--platforms', DEFAULT_PLATFORMS.join(',')).split(',').map((s) => s.trim()).filter(Boolean),
    outDir: path.resolve(opt('--out-dir', path.join(root, 'package'))),
    stageDir: path.resolve(opt('--stage-dir', path.join(root, 'dist', 'stage'))),
    codeCache: cc === undefined ? undefined : cc === 'on',
    seaCache: !args.includes('--no-sea-cache'),
  });
  console.log(`${path.relative(process.cwd(), r.spl)} ${r.size} B sha256 ${r.sha256}`);
}
