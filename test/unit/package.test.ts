// Builds the .spl twice (`node build/package/package.mjs`, the default three platforms, into temporary folders;
// the second build reuses the cached SEA executables) and checks what AppInspect and Splunk need: one top folder,
// modes, no dot-files, versions, reproducibility, that the packaged executable runs `--scheme` without Node, and
// that the packaged Python REST handler runs the packaged Linux executable.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseConf, get } from '../support/conf';

const root = path.resolve(__dirname, '..', '..');
const APP = 'TA-oci-audit';
const EPOCH = 1767225600; // 2026-01-01T00:00:00Z
const version: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;

interface Entry {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  data: Buffer;
}
function readTar(gz: Buffer): Entry[] {
  const buf = gunzipSync(gz);
  const out: Entry[] = [];
  for (let off = 0; off + 512 <= buf.length;) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const str = (a: number, n: number) =>
      h
        .subarray(a, a + n)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const num = (a: number, n: number) => parseInt(str(a, n).trim() || '0', 8);
    const size = num(124, 12);
    const prefix = str(345, 155);
    out.push({
      path: prefix ? `${prefix}/${str(0, 100)}` : str(0, 100),
      type: String.fromCharCode(h[156]),
      mode: num(100, 8),
      uid: num(108, 8),
      gid: num(116, 8),
      mtime: num(136, 12),
      data: buf.subarray(off + 512, off + 512 + size),
    });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

function buildSpl(tmp: string, name: string): { spl: Buffer; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    ['build/package/package.mjs', '--out-dir', path.join(tmp, name), '--stage-dir', path.join(tmp, `stage-${name}`)],
    { cwd: root, env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH) }, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, `package.mjs failed:\n${r.stderr}\n${r.stdout}`);
  return { spl: readFileSync(path.join(tmp, name, `${APP}-${version}.spl`)), ms: Date.now() - t0 };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The executables of the default package: Splunk's platform folders (build/package/sea.mjs PLATFORMS). */
const EXECUTABLES = ['darwin_x86_64/bin/oci_audit', 'linux_x86_64/bin/oci_audit', 'windows_x86_64/bin/oci_audit.exe'];

describe('package (npm run package: linux, windows, darwin)', function () {
  this.timeout(600_000);
  let tmp: string;
  let spl: Buffer;
  let entries: Entry[];

  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ta-oci-audit-pkg-'));
    spl = buildSpl(tmp, 'a').spl;
    entries = readTar(spl);
  });
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('is a gzip tar with a fixed header and one top folder TA-oci-audit/', () => {
    assert.equal(spl[0], 0x1f);
    assert.equal(spl[1], 0x8b);
    assert.equal(spl.readUInt32LE(4), 0, 'gzip MTIME must be 0');
    assert.equal(spl[9], 3, 'gzip OS must be 3 (Unix)');
    const tops = new Set(entries.map((e) => e.path.split('/')[0]));
    assert.deepEqual([...tops], [APP]);
    assert.equal(entries[0].path, `${APP}/`);
  });

  it('has sorted entries, uid/gid 0 and one fixed mtime', () => {
    const paths = entries.map((e) => e.path);
    assert.deepEqual(
      paths,
      [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    assert.equal(new Set(paths).size, paths.length, 'duplicate entries');
    for (const e of entries) {
      assert.equal(e.uid, 0, e.path);
      assert.equal(e.gid, 0, e.path);
      assert.equal(e.mtime, EPOCH, e.path);
      assert.ok(e.type === '0' || e.type === '5', `${e.path}: only files and folders`);
    }
  });

  it('contains the app files and nothing that AppInspect rejects', () => {
    const files = new Set(entries.filter((e) => e.type === '0').map((e) => e.path.slice(APP.length + 1)));
    for (const f of [
      'app.manifest',
      'README.md',
      'LICENSE',
      'THIRD-PARTY-NOTICES.txt',
      'metadata/default.meta',
      'default/app.conf',
      'default/inputs.conf',
      'default/props.conf',
      'default/eventtypes.conf',
      'default/tags.conf',
      'default/collections.conf',
      'default/ta_oci_audit_settings.conf',
      'default/data/ui/nav/default.xml',
      'default/restmap.conf',
      'default/web.conf',
      'bin/README',
      'bin/ta_oci_audit_rest.py',
      'README/inputs.conf.spec',
      'README/ta_oci_audit_account.conf.spec',
      'README/ta_oci_audit_settings.conf.spec',
      'static/appIcon.png',
      'static/appIcon_2x.png',
      'static/appIconAlt.png',
      'static/appIconAlt_2x.png',
      ...EXECUTABLES,
    ])
      assert.ok(files.has(f), `missing ${f}`);
    for (const e of entries) {
      const segs = e.path.split('/').filter(Boolean);
      for (const s of segs) {
        assert.ok(!s.startsWith('.'), `dot-file: ${e.path}`);
        assert.ok(!['local', 'local.meta', '__MACOSX', 'node_modules'].includes(s), `not allowed: ${e.path}`);
      }
    }
  });

  it('sets modes: folders 755, files 644 (the Python handler too: appserver.py imports it), the executables 755', () => {
    for (const e of entries) {
      if (e.type === '5') assert.equal(e.mode, 0o755, e.path);
      else if (EXECUTABLES.includes(e.path.slice(APP.length + 1))) assert.equal(e.mode, 0o755, e.path);
      else assert.equal(e.mode, 0o644, e.path);
    }
    const magic: Record<string, string> = {
      'linux_x86_64/bin/oci_audit': '7f454c46', // ELF
      'windows_x86_64/bin/oci_audit.exe': '4d5a', // MZ (PE)
      'darwin_x86_64/bin/oci_audit': 'cffaedfe', // Mach-O 64-bit, little endian
    };
    for (const [rel, hex] of Object.entries(magic)) {
      const bin = entries.find((e) => e.path === `${APP}/${rel}`)!;
      assert.equal(bin.data.subarray(0, hex.length / 2).toString('hex'), hex, rel);
      assert.ok(bin.data.includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1'), `${rel}: the SEA fuse is not flipped`);
    }
  });

  it('carries the package.json version in app.conf and app.manifest', () => {
    const file = (p: string) => entries.find((e) => e.path === `${APP}/${p}`)!.data.toString('utf8');
    const app = parseConf(file('default/app.conf'));
    assert.equal(get(app, 'launcher', 'version'), version);
    assert.equal(get(app, 'id', 'version'), version);
    assert.equal(get(app, 'package', 'id'), APP);
    assert.equal(JSON.parse(file('app.manifest')).info.id.version, version);
  });

  it('declares the executable in README.md (# Binary File Declaration, with its sha256)', () => {
    const readme = entries.find((e) => e.path === `${APP}/README.md`)!.data.toString('utf8');
    assert.match(readme, /^# Binary File Declaration$/m);
    for (const rel of EXECUTABLES) {
      const bin = entries.find((e) => e.path === `${APP}/${rel}`)!;
      assert.ok(readme.includes(`${sha256(bin.data)}  ${rel}`), rel);
    }
    assert.doesNotMatch(readme, /__[A-Z0-9_]+__/, 'unreplaced placeholder');
  });

  it('ships PNG icons of the sizes Splunk Web uses', () => {
    const want: Record<string, number> = { 'appIcon.png': 36, 'appIcon_2x.png': 72, 'appIconAlt.png': 36, 'appIconAlt_2x.png': 72 };
    for (const [name, size] of Object.entries(want)) {
      const png = entries.find((e) => e.path === `${APP}/static/${name}`)!.data;
      assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG', name);
      assert.equal(png.readUInt32BE(16), size, `${name} width`);
      assert.equal(png.readUInt32BE(20), size, `${name} height`);
    }
  });

  it('is reproducible: a second build gives the same sha256', () => {
    const again = buildSpl(tmp, 'b');
    assert.equal(sha256(again.spl), sha256(spl));
  });

  it('the packaged executable runs --scheme with no node on PATH and exits 0', () => {
    const bin = entries.find((e) => e.path === `${APP}/linux_x86_64/bin/oci_audit`)!;
    const exe = path.join(tmp, 'oci_audit');
    writeFileSync(exe, bin.data);
    chmodSync(exe, 0o755);
    const hasNode = (d: string) => {
      try {
        accessSync(path.join(d, 'node'), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    };
    const PATH = (process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((d) => d && !hasNode(d))
      .join(path.delimiter);
    const noNode = spawnSync('sh', ['-c', 'command -v node'], { env: { PATH } });
    assert.notEqual(noNode.status, 0, `node still on PATH: ${noNode.stdout}`);
    const r = spawnSync(exe, ['--scheme'], { env: { PATH, LANG: 'C.UTF-8' }, encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
    assert.match(r.stdout, /<scheme>[\s\S]*<\/scheme>/);
    assert.doesNotMatch(r.stderr, /ExperimentalWarning|single-executable/i);
  });

  it('the packaged Python REST handler runs the packaged Linux executable (splunk.persistconn stand-in on the path)', () => {
    const app = path.join(tmp, 'installed', APP);
    for (const e of entries) {
      if (e.type !== '0' || !(e.path.startsWith(`${APP}/bin/`) || e.path.startsWith(`${APP}/linux_x86_64/`))) continue;
      const file = path.join(tmp, 'installed', e.path);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, e.data, { mode: e.mode });
    }
    const script = [
      'import json, sys',
      'import ta_oci_audit_rest as r',
      'reply = r.TaOciAuditRest([], None).handle(json.dumps({"method": "GET", "rest_path": "/ta_oci_audit/none"}).encode())',
      'print(json.dumps(reply))',
    ].join('\n');
    const r = spawnSync(process.env.PYTHON3 ?? 'python3', ['-B', '-c', script], {
      env: {
        ...process.env,
        PYTHONPATH: [path.join(app, 'bin'), path.join(root, 'test', 'emulators', 'splunkd', 'python')].join(path.delimiter),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const reply = JSON.parse(r.stdout) as { status: number; payload: string };
    assert.equal(reply.status, 404, r.stdout);
    assert.match(reply.payload, /Not Found: \/ta_oci_audit\/none/);
  });
});
