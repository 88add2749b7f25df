// Draws the app icons in pure Node (no image library) and writes them to static/:
// appIcon.png 36x36, appIcon_2x.png 72x72 (Splunk Web launcher/app bar), appIconAlt.png 36x36 and
// appIconAlt_2x.png 72x72 (alternate icon for dark backgrounds). Deterministic: same bytes every run.
// Design: a white ring (the "O" of OCI) on Oracle red, rounded square; Alt: red ring, transparent.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** Encodes RGBA pixels (Uint8Array, w*h*4) as a PNG. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const RED = [0xc7, 0x46, 0x34];
const WHITE = [0xff, 0xff, 0xff];

/** Coverage (0..1) of a pixel by a shape, with 4x4 supersampling. */
function coverage(x, y, inside) {
  let n = 0;
  for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) n++;
  return n / 16;
}

function draw(size, alt) {
  const px = new Uint8Array(size * size * 4);
  const s = size / 36;
  const r = 7 * s; // corner radius of the square
  const inSquare = (x, y) => {
    const cx = Math.min(Math.max(x, r), size - r);
    const cy = Math.min(Math.max(y, r), size - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  // ring: an ellipse (the Oracle "O" is wider than tall) minus a smaller one
  const c = size / 2;
  const inRing = (x, y) => {
    const o = ((x - c) / (13 * s)) ** 2 + ((y - c) / (9.5 * s)) ** 2;
    const i = ((x - c) / (9 * s)) ** 2 + ((y - c) / (5.5 * s)) ** 2;
    return o <= 1 && i > 1;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const bg = alt ? 0 : coverage(x, y, inSquare);
      const fg = coverage(x, y, inRing);
      const fgColor = alt ? RED : WHITE;
      const bgColor = RED;
      // composite fg over bg
      const a = fg + bg * (1 - fg);
      const o = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) {
        const v = a ? (fgColor[k] * fg + bgColor[k] * bg * (1 - fg)) / a : 0;
        px[o + k] = Math.round(v);
      }
      px[o + 3] = Math.round(a * 255);
    }
  }
  return encodePng(size, size, px);
}

export const ICONS = {
  'appIcon.png': () => draw(36, false),
  'appIcon_2x.png': () => draw(72, false),
  'appIconAlt.png': () => draw(36, true),
  'appIconAlt_2x.png': () => draw(72, true),
};

export function writeIcons(dir = path.join(root, 'static')) {
  mkdirSync(dir, { recursive: true });
  for (const [name, make] of Object.entries(ICONS)) writeFileSync(path.join(dir, name), make());
  return Object.keys(ICONS).map((n) => path.join(dir, n));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of writeIcons()) console.log(path.relative(root, f));
}
