// Garbage on stdin, through the executable: streaming mode and --validate-arguments. Each case
// must end with exit 1, one clear ERROR line (or one <error><message>), no stack trace, nothing
// else on stdout, within 5 s.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Rng } from '../emulators/oci/prng';
import { binaryCommand, TEST_ENV } from '../support/world';

interface Ran {
  code: number | null;
  stdout: string;
  stderrLines: string[];
  ms: number;
}

function run(args: string[], stdin: Buffer | string): Promise<Ran> {
  const [cmd, ...pre] = binaryCommand();
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, ...args], { env: { PATH: process.env.PATH ?? '', ...TEST_ENV }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined); // the reader may stop at 1 MB and exit: EPIPE here is expected
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderrLines: Buffer.concat(err)
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
        ms: Date.now() - t0,
      });
    });
    child.stdin.end(stdin);
  });
}

const rng = new Rng(4242);
const randomBytes = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rng.next() * 256)));
const validInput =
  '<input><server_host>h</server_host><server_uri>https://127.0.0.1:8089</server_uri><session_key>abc</session_key><checkpoint_dir>/tmp</checkpoint_dir><configuration><stanza name="oci_audit://x"><param name="account">main</param></stanza></configuration></input>';
const validItems =
  '<items><server_host>h</server_host><server_uri>https://127.0.0.1:8089</server_uri><session_key>abc</session_key><checkpoint_dir>/tmp</checkpoint_dir><item name="x"><param name="account">main</param></item></items>';
const bomb = (root: string): string =>
  `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><${root}><session_key>&lol3;</session_key></${root}>`;
const twoMb = (root: string): string => `<${root}><session_key>${'k'.repeat(2 * 1024 * 1024)}</session_key></${root}>`;

const CASES: Array<{ name: string; input: (root: 'input' | 'items') => Buffer | string; expect: RegExp }> = [
  { name: 'random bytes', input: () => randomBytes, expect: /not well-formed XML/ },
  { name: 'truncated XML', input: (root) => (root === 'input' ? validInput : validItems).slice(0, 120), expect: /not well-formed XML/ },
  { name: 'a DOCTYPE bomb (billion laughs)', input: bomb, expect: /DOCTYPE or ENTITY declaration/ },
  {
    name: 'an external SYSTEM entity',
    input: (root) => `<!DOCTYPE ${root} [<!ENTITY x SYSTEM "file:///etc/passwd">]><${root}>&x;</${root}>`,
    expect: /DOCTYPE or ENTITY declaration/,
  },
  { name: 'a 2 MB document', input: twoMb, expect: /larger than 1048576 bytes/ },
  {
    name: 'elements nested 100 000 deep',
    input: (root) => `<${root}>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</${root}>`,
    expect: /nests elements more than/,
  },
  { name: 'empty stdin', input: () => '', expect: /not well-formed XML/ },
  {
    name: 'a server_uri that is not a URL',
    input: (root) => (root === 'input' ? validInput : validItems).replace('https://127.0.0.1:8089', 'not a url'),
    expect: /server_uri from splunkd "not a url" is not an http\(s\) URL/,
  },
];

const STACK = /\s+at \S+ \(|^\s+at /;

describe('bad input on stdin, through the executable', function () {
  this.timeout(60_000);

  for (const c of CASES) {
    it(`streaming mode, ${c.name}: exit 1, one clear ERROR line, no stack trace, empty stdout, < 5 s`, async () => {
      const r = await run([], c.input('input'));
      assert.equal(r.code, 1, r.stderrLines.join('\n'));
      assert.equal(r.stdout, '', 'nothing on stdout');
      assert.equal(r.stderrLines.length, 1, `exactly one line on stderr:\n${r.stderrLines.join('\n').slice(0, 2000)}`);
      const line = r.stderrLines[0];
      assert.match(line, /^ERROR /);
      assert.match(line, c.expect);
      assert.ok(!STACK.test(line), `no stack trace: ${line.slice(0, 500)}`);
      assert.ok(line.length < 400, `a short line (${line.length})`);
      assert.ok(r.ms < 5000, `${r.ms} ms`);
    });

    it(`--validate-arguments, ${c.name}: exit 1, one <error><message>, no stack trace, < 5 s`, async () => {
      const r = await run(['--validate-arguments'], c.input('items'));
      assert.equal(r.code, 1, r.stderrLines.join('\n'));
      const m = /^<error><message>([^<]*)<\/message><\/error>\n$/.exec(r.stdout);
      assert.ok(m, `stdout is exactly one <error><message>: ${r.stdout.slice(0, 500)}`);
      assert.match(m[1], c.expect);
      assert.ok(m[1].length < 400, `a short message (${m[1].length})`);
      assert.deepEqual(
        r.stderrLines.filter((l) => STACK.test(l) || /^(FATAL|ERROR)/.test(l)),
        [],
        'no stack trace, no FATAL',
      );
      assert.ok(r.ms < 5000, `${r.ms} ms`);
    });
  }
});
