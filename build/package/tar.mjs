// Minimal, deterministic tar (POSIX ustar) writer and reader, plus a gzip wrapper with a fixed header.
// Only what packaging needs: regular files and directories, paths up to 255 bytes, sizes below 8 GiB.
// Every header gets the same mtime, uid/gid 0, uname/gname "root", so the same inputs give the same bytes.
import { gzipSync, gunzipSync, constants as zc } from 'node:zlib';

const BLOCK = 512;

function octal(value, width) {
  // width includes the trailing NUL
  const s = value.toString(8);
  if (s.length > width - 1) throw new Error(`tar: ${value} does not fit in ${width - 1} octal digits`);
  return s.padStart(width - 1, '0') + '\0';
}

function splitPath(name) {
  const bytes = Buffer.byteLength(name);
  if (bytes <= 100) return { name, prefix: '' };
  // ustar: prefix (155) + '/' + name (100)
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) return { name: rest, prefix };
  }
  throw new Error(`tar: path too long for ustar: ${name}`);
}

function header({ path, mode, size, mtime, type }) {
  const h = Buffer.alloc(BLOCK, 0);
  const { name, prefix } = splitPath(path);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode & 0o7777, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii'); // uid
  h.write(octal(0, 8), 116, 8, 'ascii'); // gid
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(mtime, 12), 136, 12, 'ascii');
  h.fill(0x20, 148, 156); // checksum placeholder: spaces
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return h;
}

/**
 * entries: [{ path: 'TA/x/', type: 'dir', mode }, { path: 'TA/x/f', type: 'file', mode, data: Buffer }]
 * Entries are sorted by path (byte order) here; directory paths end with '/'.
 * Returns the uncompressed tar as an array of Buffers (no copy of big file contents).
 */
export function tarChunks(entries, { mtime }) {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const seen = new Set();
  const chunks = [];
  for (const e of sorted) {
    if (seen.has(e.path)) throw new Error(`tar: duplicate entry ${e.path}`);
    seen.add(e.path);
    if (e.type === 'dir') {
      if (!e.path.endsWith('/')) throw new Error(`tar: directory path must end with /: ${e.path}`);
      chunks.push(header({ path: e.path, mode: e.mode, size: 0, mtime, type: '5' }));
    } else {
      const data = e.data;
      chunks.push(header({ path: e.path, mode: e.mode, size: data.length, mtime, type: '0' }));
      chunks.push(data);
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (pad) chunks.push(Buffer.alloc(pad, 0));
    }
  }
  chunks.push(Buffer.alloc(BLOCK * 2, 0)); // end of archive
  return chunks;
}

/** gzip with a fixed header: mtime 0, no file name, OS = 3 (Unix) whatever the build host. */
export function gzipFixed(buf, level = 9) {
  const out = gzipSync(buf, { level, memLevel: 9, strategy: zc.Z_DEFAULT_STRATEGY });
  out.writeUInt32LE(0, 4); // MTIME
  out[9] = 3; // OS: Unix
  return out;
}

/** Parses a (possibly gzipped) tar into entries { path, type: 'file'|'dir'|'other', mode, size, mtime, uid, gid, data }. */
export function readTar(buf) {
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  const entries = [];
  let off = 0;
  let longName = null;
  let paxPath = null;
  while (off + BLOCK <= buf.length) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const str = (a, n) => h.subarray(a, a + n).toString('utf8').replace(/\0.*$/s, '');
    const num = (a, n) => parseInt(str(a, n).trim() || '0', 8);
    const size = num(124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const prefix = h.subarray(257, 262).toString('ascii') === 'ustar' ? str(345, 155) : '';
    let path = prefix ? `${prefix}/${str(0, 100)}` : str(0, 100);
    const data = buf.subarray(off + BLOCK, off + BLOCK + size);
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') { longName = data.toString('utf8').replace(/\0.*$/s, ''); continue; }
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      paxPath = m ? m[1] : null;
      continue;
    }
    if (type === 'g') continue;
    if (longName) { path = longName; longName = null; }
    if (paxPath) { path = paxPath; paxPath = null; }
    entries.push({
      path,
      type: type === '5' ? 'dir' : type === '0' || type === '\0' ? 'file' : 'other',
      typeflag: type,
      mode: num(100, 8),
      uid: num(108, 8),
      gid: num(116, 8),
      size,
      mtime: num(136, 12),
      data,
    });
  }
  return entries;
}
