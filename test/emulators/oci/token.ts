// Page tokens. The real ListEvents token is base64 text ending in "==" and starting "AP37"
// (`AP37-f_9__79-…6Q==`, samples/real-logging-ListEvents-JavaSDK.newrelic.json). Ours are standard base64 that
// always start "AP37+/+/" and end "==", so a client that puts the token in a query string without
// percent-encoding ("+" becomes a space; oci-common@2.139.1 lib/request-generator.js does not encode values)
// sends a token the service cannot recognise -> 400 InvalidParameter.
// Tokens carry the resume position (processed ms, eventId), not an index, so inserts between pages are harmless.
import { hashInts } from './prng';

const MAGIC = Buffer.from([0x00, 0xfd, 0xfb, 0xfb, 0xff, 0xbf]); // base64 "AP37+/+/"

export interface TokenData {
  kind: number;
  flags: number;
  query: number;
  ms: number;
  id: string;
}

function bytesHash(b: Buffer): number {
  const xs: number[] = [];
  for (let i = 0; i < b.length; i += 4) xs.push(b.readUInt32BE(i));
  return hashInts(b.length, ...xs);
}

export function encodeToken(d: TokenData): string {
  const id = Buffer.from(d.id, 'utf8');
  const base = MAGIC.length + 3 + 4 + 6 + 2 + id.length + 4;
  const fill = (((1 - (base % 3)) % 3) + 3) % 3; // total length % 3 == 1 -> base64 ends with "=="
  const b = Buffer.alloc(base + fill);
  let o = MAGIC.copy(b, 0);
  b[o++] = d.kind;
  b[o++] = d.flags;
  b[o++] = fill;
  b.writeUInt32BE(d.query >>> 0, o);
  o += 4;
  b.writeUIntBE(d.ms, o, 6);
  o += 6;
  b.writeUInt16BE(id.length, o);
  o += 2;
  o += id.copy(b, o);
  b.fill(0xaa, o, o + fill);
  o += fill;
  const padded = Buffer.concat([b.subarray(0, o), Buffer.alloc((4 - (o % 4)) % 4)]);
  b.writeUInt32BE(bytesHash(padded), o);
  return b.toString('base64');
}

/** Returns undefined for anything that is not a token this emulator issued. */
export function decodeToken(s: string): TokenData | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s || b.length < MAGIC.length + 19) return undefined;
  if (!b.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  let o = MAGIC.length;
  const kind = b[o++] as number;
  const flags = b[o++] as number;
  const fill = b[o++] as number;
  const query = b.readUInt32BE(o);
  o += 4;
  const ms = b.readUIntBE(o, 6);
  o += 6;
  const idLen = b.readUInt16BE(o);
  o += 2;
  if (o + idLen + fill + 4 !== b.length) return undefined;
  const id = b.subarray(o, o + idLen).toString('utf8');
  o += idLen + fill;
  const padded = Buffer.concat([b.subarray(0, o), Buffer.alloc((4 - (o % 4)) % 4)]);
  if (b.readUInt32BE(o) !== bytesHash(padded)) return undefined;
  return { kind, flags, query, ms, id };
}
