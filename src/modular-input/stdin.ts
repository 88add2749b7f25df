// Reads splunkd's document from stdin: until EOF, or until the closing tag (the JS SDK waits for
// `</input>`: splunk-sdk-javascript 1.11.0 lib/modularinputs/modularinput.js; the Python SDK's
// splunklib/modularinput/script.py reads to EOF, which splunkd sends after it). Bounded in size and time.
import { MAX_INPUT_BYTES } from '../splunk/input-xml';

export function readStdinDocument(closingTag: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stdin = process.stdin;
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      stdin.removeAllListeners('data');
      stdin.removeAllListeners('end');
      stdin.pause();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => finish(new Error(`no complete document on stdin within ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref();
    let tail = Buffer.alloc(0);
    stdin.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_INPUT_BYTES) return finish(new Error(`the document on stdin is larger than ${MAX_INPUT_BYTES} bytes`));
      chunks.push(b);
      // The closing tag may straddle two chunks.
      tail = Buffer.concat([tail, b]);
      if (tail.includes(closingTag)) return finish();
      tail = tail.subarray(Math.max(0, tail.length - closingTag.length));
    });
    stdin.on('end', () => finish());
    stdin.on('error', (e) => finish(e));
  });
}
