// The persistent REST driver: splunkd's persistconn framing, and the account check's logic and words.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { checkAccount } from '../../src/rest/account-check';
import { accountFrom } from '../../src/rest/account-form';
import { keyFingerprint } from '../../src/rest/key-facts';
import type { Probe } from '../../src/rest/oci-probe';
import { answerRequest, handleRequest, type HandlerDeps } from '../../src/rest/handler';
import { frame, OPCODE, PacketReader, serve, type PersistentReply } from '../../src/rest/persistconn';
import { OciHttpError } from '../../src/oci/errors';
import { ConfigError } from '../../src/config-error';
import type { OciAccount } from '../../src/oci/account';

const str = (s: string): string => `${Buffer.byteLength(s)}\n${s}`;

function keyPair(passphrase?: string): { pem: string; fingerprint: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = (
    passphrase
      ? privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
      : privateKey.export({ type: 'pkcs8', format: 'pem' })
  ).toString();
  return { pem, fingerprint: keyFingerprint(pem, passphrase) };
}

describe('persistconn framing (splunk/persistconn/packet.py)', () => {
  it('parses INIT|BLOCK|END with the command, command_arg and block, in any chunking', () => {
    const wire = Buffer.concat([
      Buffer.from([0x07]),
      Buffer.from(`2\n${str('/opt/splunk/etc/apps/x/bin/s')}${str('a1')}${str('')}${str('{"method":"POST"}')}`),
    ]);
    for (const size of [1, 3, wire.length]) {
      const r = new PacketReader();
      for (let i = 0; i < wire.length; i += size) r.feed(wire.subarray(i, i + size));
      const [p, ...rest] = r.take();
      assert.deepEqual(rest, []);
      assert.equal(p.opcode, OPCODE.INIT | OPCODE.BLOCK | OPCODE.END);
      assert.deepEqual(p.command, ['/opt/splunk/etc/apps/x/bin/s', 'a1']);
      assert.equal(p.commandArg, undefined, 'an empty command_arg is none');
      assert.equal(p.block?.toString(), '{"method":"POST"}');
      assert.equal(r.pending, 0);
    }
  });

  it('skips newlines before an opcode and empty lines before a count; counts bytes, not characters', () => {
    const r = new PacketReader();
    const body = '{"x":"é€"}';
    r.feed(
      Buffer.concat([
        Buffer.from('\n\n'),
        Buffer.from([0x01]),
        Buffer.from(`\n1\n${str('s')}${str('param')}`),
        Buffer.from([0x02]),
        Buffer.from(str(body)),
        Buffer.from([0x04]),
      ]),
    );
    const ps = r.take();
    assert.deepEqual(
      ps.map((p) => p.opcode),
      [1, 2, 4],
    );
    assert.equal(ps[0].commandArg, 'param');
    assert.equal(ps[1].block?.toString('utf8'), body);
  });

  it('rejects a count that is not a number', () => {
    assert.throws(() => new PacketReader().feed(Buffer.from('\x01x\n')), /expected non-negative integer/);
  });

  it('serve answers INIT with an empty string, BLOCK with the reply JSON, END with nothing', async () => {
    const input = new PassThrough();
    const out: Buffer[] = [];
    const done = serve(
      input,
      async (b) => void out.push(b),
      async (req, command) => ({ status: 200, payload: `${req.method} ${command[0]}` }),
    );
    input.end(Buffer.concat([Buffer.from([0x07]), Buffer.from(`1\n${str('script')}${str('')}${str('{"method":"POST"}')}`)]));
    await done;
    const text = Buffer.concat(out).toString();
    const reply: PersistentReply = { status: 200, payload: 'POST script' };
    assert.equal(text, `0\n${frame(JSON.stringify(reply)).toString()}`);
  });
});

describe('account check', () => {
  const good = keyPair();
  const base: OciAccount = {
    name: 'a',
    authType: 'api_key',
    tenancyOcid: 'ocid1.tenancy.oc1..aaaaaaaatenancy01',
    userOcid: 'ocid1.user.oc1..aaaaaaaauser00001',
    fingerprint: good.fingerprint,
    region: 'us-ashburn-1',
    privateKey: good.pem,
  };
  const regions: Probe = async () => [
    { name: 'us-ashburn-1', key: 'IAD', status: 'READY', isHome: true },
    { name: 'eu-frankfurt-1', key: 'FRA', status: 'READY', isHome: false },
    { name: 'ap-tokyo-1', key: 'NRT', status: 'IN_PROGRESS', isHome: false },
  ];
  const failing =
    (err: unknown): Probe =>
    async () => {
      throw err;
    };

  it('OK: the READY regions, counted', async () => {
    const r = await checkAccount(base, undefined, { probe: regions });
    assert.equal(r.ok, true);
    assert.deepEqual(r.regions, ['us-ashburn-1', 'eu-frankfurt-1']);
    assert.match(r.message, /2 READY regions \(us-ashburn-1, eu-frankfurt-1\)/);
  });

  it("401 with a key whose fingerprint is not the account's: says the key does not match the fingerprint", async () => {
    const other = keyPair();
    const r = await checkAccount({ ...base, privateKey: other.pem }, undefined, {
      probe: failing(new OciHttpError(401, 'NotAuthenticated', 'x', 'rid-1')),
    });
    assert.equal(r.category, 'authentication');
    assert.match(
      r.message,
      new RegExp(`does not match the fingerprint: the key's fingerprint is ${other.fingerprint}, the account says ${good.fingerprint}`),
    );
    assert.match(r.message, /opc-request-id rid-1/);
  });

  it('401 with a matching key: the API key is not uploaded for that user (or the clock is off)', async () => {
    const r = await checkAccount(base, undefined, { probe: failing(new OciHttpError(401, 'NotAuthenticated', 'x')) });
    assert.match(r.message, new RegExp(`No API key with fingerprint ${good.fingerprint} is uploaded for user ${base.userOcid}`));
    assert.match(r.message, /clock/);
  });

  it('404: the policy statement, with the group or dynamic group', async () => {
    const r = await checkAccount(base, undefined, {
      probe: failing(new OciHttpError(404, 'NotAuthorizedOrNotFound', 'x')),
      group: 'Auditors',
    });
    assert.equal(r.category, 'permission');
    assert.deepEqual(r.statements, ['Allow group Auditors to inspect tenancies in tenancy']);
    const ip = await checkAccount(
      { name: 'a', authType: 'instance_principal', tenancyOcid: base.tenancyOcid, region: base.region },
      undefined,
      { probe: failing(new OciHttpError(404, 'NotAuthorizedOrNotFound', 'x')) },
    );
    assert.deepEqual(ip.statements, ['Allow dynamic-group <dynamic-group> to inspect tenancies in tenancy']);
  });

  it('network: names the identity endpoint and the proxy tab; a hang ends at the deadline', async () => {
    const r = await checkAccount(base, undefined, {
      probe: failing(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    });
    assert.equal(r.category, 'network');
    assert.match(
      r.message,
      /Could not reach OCI Identity at https:\/\/identity\.us-ashburn-1\.oci\.oraclecloud\.com: connect ECONNREFUSED\. Check the home region, the identity endpoint, the Proxy tab/,
    );
    const hang = await checkAccount(base, undefined, { probe: () => new Promise(() => undefined), deadlineMs: 50 });
    assert.equal(hang.category, 'network');
    assert.match(hang.message, /no answer from OCI within 0 s/);
  });

  it('configuration: a wrong or missing passphrase, a key that is not PEM, bad fields; OCI is not called', async () => {
    const enc = keyPair('pw-1234');
    const never: Probe = async () => assert.fail('OCI must not be called');
    const wrong = await checkAccount({ ...base, privateKey: enc.pem, passphrase: 'nope', fingerprint: enc.fingerprint }, undefined, {
      probe: never,
    });
    assert.equal(wrong.category, 'configuration');
    assert.equal(wrong.message, 'The private key cannot be read: the passphrase is wrong: it does not decrypt the private key.');
    const none = await checkAccount({ ...base, privateKey: enc.pem, fingerprint: enc.fingerprint }, undefined, { probe: never });
    assert.match(none.message, /encrypted and no passphrase is given/);
    const junk = await checkAccount({ ...base, privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }, undefined, {
      probe: never,
    });
    assert.match(junk.message, /not an RSA private key in PEM form/);
    const fields = await checkAccount({ ...base, tenancyOcid: 'nope' }, undefined, { probe: never });
    assert.match(fields.message, /^tenancy_ocid must be a tenancy OCID/);
    const cfg = await checkAccount(base, undefined, {
      probe: failing(new ConfigError('account "a": instance principal authentication failed (x)')),
    });
    assert.equal(cfg.message, 'instance principal authentication failed (x)');
  });

  it('accountFrom: stored values, the unsaved form on top; a blank key keeps the stored key and passphrase', () => {
    const stored = {
      conf: { auth_type: 'api_key', tenancy_ocid: 't', user_ocid: 'u', fingerprint: 'AA:BB', region: 'r1' },
      secret: { private_key: 'K', passphrase: 'P' },
    };
    const a = accountFrom({ name: 'x' }, stored);
    assert.deepEqual([a.region, a.fingerprint, a.privateKey, a.passphrase], ['r1', 'aa:bb', 'K', 'P']);
    const b = accountFrom(
      { name: 'x', auth_type: 'api_key', tenancy_ocid: 't', user_ocid: 'u', fingerprint: 'cc:dd', region: 'r2', private_key: '' },
      stored,
    );
    assert.deepEqual([b.region, b.fingerprint, b.privateKey, b.passphrase], ['r2', 'cc:dd', 'K', 'P']);
    const c = accountFrom({ name: 'x', auth_type: 'api_key', tenancy_ocid: 't', region: 'r2', private_key: 'NEW' }, stored);
    assert.deepEqual([c.privateKey, c.passphrase], ['NEW\n', undefined], 'a new key comes with its own passphrase');
    const d = accountFrom({ name: 'x', auth_type: 'instance_principal', tenancy_ocid: 't', region: 'r2' }, stored);
    assert.deepEqual([d.authType, d.userOcid, d.privateKey], ['instance_principal', undefined, undefined]);
  });
});

describe('REST handler routing', () => {
  const deps = (stored?: HandlerDeps['load'] extends (...a: never[]) => Promise<infer R> ? R : never): HandlerDeps => ({
    load: async () => stored ?? {},
    probe: async () => [{ name: 'us-ashburn-1', key: 'IAD', status: 'READY', isHome: true }],
  });
  const req = (form: Array<[string, string]>, method = 'POST', path = '/ta_oci_audit/account_check') => ({
    method,
    rest_path: path,
    form,
    session: { user: 'admin', authtoken: 'k' },
    server: { rest_uri: 'https://127.0.0.1:8089' },
  });
  const body = (r: PersistentReply): Record<string, unknown> => JSON.parse(r.payload) as Record<string, unknown>;

  it('--rest-request (answerRequest): the request JSON routed as by the driver; not JSON or not an object is a 400', async () => {
    const routed = await answerRequest(JSON.stringify(req([])), deps());
    assert.deepEqual(body(routed), { messages: [{ type: 'ERROR', text: 'The following required arguments are missing: name.' }] });
    assert.equal((await answerRequest(JSON.stringify(req([], 'POST', '/other')), deps())).status, 404);
    for (const text of ['', '{', 'null', '42']) {
      const r = await answerRequest(text, deps());
      assert.equal(r.status, 400, text);
      assert.match(
        (body(r).messages as Array<{ text: string }>)[0].text,
        /^ta_oci_audit REST handler: the request is not (JSON|a JSON object)$/,
      );
    }
  });

  it('404 for another path, 405 for GET, 400 without a name, 404 for an unknown account', async () => {
    assert.equal((await handleRequest(req([], 'POST', '/other'), deps())).status, 404);
    assert.equal((await handleRequest(req([['name', 'a']], 'GET'), deps())).status, 405);
    const missing = await handleRequest(req([]), deps());
    assert.equal(missing.status, 400);
    assert.deepEqual(body(missing), { messages: [{ type: 'ERROR', text: 'The following required arguments are missing: name.' }] });
    const unknown = await handleRequest(req([['name', 'nope']]), deps());
    assert.equal(unknown.status, 404);
  });

  it('a stored account is checked; a stored secret that is not JSON is a configuration answer', async () => {
    const k = keyPair();
    const ok = await handleRequest(
      req([['name', 'a']]),
      deps({
        stored: {
          conf: {
            tenancy_ocid: 'ocid1.tenancy.oc1..aaaaaaaatenancy01',
            user_ocid: 'ocid1.user.oc1..aaaaaaaauser00001',
            fingerprint: k.fingerprint,
            region: 'us-ashburn-1',
          },
          secret: { private_key: k.pem },
        },
      }),
    );
    assert.equal(ok.status, 200);
    assert.equal(body(ok).ok, true, String(body(ok).message));
    const bad = await handleRequest(req([['name', 'a']]), {
      load: async () => {
        throw new ConfigError('the stored secret is not the JSON object the add-on writes; save the account again');
      },
    });
    assert.deepEqual(body(bad), {
      ok: false,
      category: 'configuration',
      message: 'the stored secret is not the JSON object the add-on writes; save the account again',
      statements: [],
    });
  });

  it('a form-encoded payload is read when splunkd sends no form pairs', async () => {
    const r = await handleRequest(
      { method: 'POST', rest_path: '/ta_oci_audit/account_check', payload: 'name=nope&output_mode=json' },
      deps(),
    );
    assert.equal(r.status, 404);
    assert.deepEqual(body(r), { messages: [{ type: 'ERROR', text: 'Account "nope" does not exist; save it on the Accounts tab first' }] });
  });
});

describe('secrets endpoint (write-only)', () => {
  const ACCOUNT = '__REST_CREDENTIAL__#TA-oci-audit#configs/conf-ta_oci_audit_account';
  const SETTINGS = '__REST_CREDENTIAL__#TA-oci-audit#configs/conf-ta_oci_audit_settings';
  const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
  function memoryStore(): { deps: HandlerDeps; map: Map<string, string>; closed: number } {
    const map = new Map<string, string>();
    const st = { map, closed: 0, deps: {} as HandlerDeps };
    st.deps = {
      load: async () => ({}),
      secrets: () => ({
        list: async () => [...map].map(([k, clear]) => ({ realm: k.split('|')[0], name: k.split('|')[1], clear })),
        set: async (realm, name, clear) => void map.set(`${realm}|${name}`, clear),
        remove: async (realm, name) => map.delete(`${realm}|${name}`),
        close: async () => void st.closed++,
      }),
    };
    return st;
  }
  const call = (deps: HandlerDeps, method: string, form: Array<[string, string]> = []) =>
    handleRequest({ method, rest_path: '/ta_oci_audit/secrets', form, session: { user: 'admin', authtoken: 'k' } }, deps);

  it('stores the key, passphrase and proxy password in the contract JSON, and answers only booleans', async () => {
    const m = memoryStore();
    const set = await call(m.deps, 'POST', [
      ['kind', 'account'],
      ['action', 'set'],
      ['name', 'main'],
      ['private_key', PEM],
      ['passphrase', 'pw-1'],
    ]);
    assert.equal(set.status, 200, set.payload);
    assert.deepEqual(JSON.parse(set.payload), { kind: 'account', name: 'main', stored: { private_key: true, passphrase: true } });
    assert.deepEqual(JSON.parse(m.map.get(`${ACCOUNT}|main`) ?? ''), { private_key: `${PEM}\n`, passphrase: 'pw-1' });
    await call(m.deps, 'POST', [
      ['kind', 'proxy'],
      ['action', 'set'],
      ['proxy_password', 'pp-2'],
    ]);
    assert.deepEqual(JSON.parse(m.map.get(`${SETTINGS}|proxy`) ?? ''), { proxy_password: 'pp-2' });
    const state = await call(m.deps, 'GET');
    assert.deepEqual(JSON.parse(state.payload), {
      accounts: { main: { private_key: true, passphrase: true } },
      proxy: { proxy_password: true },
    });
    for (const r of [set, state]) for (const s of ['MIIEvQ', 'pw-1', 'pp-2']) assert.ok(!r.payload.includes(s), `${s} not in the answer`);
    const del = await call(m.deps, 'POST', [
      ['kind', 'account'],
      ['action', 'delete'],
      ['name', 'main'],
    ]);
    assert.deepEqual(JSON.parse(del.payload).stored, { private_key: false, passphrase: false });
    assert.equal(m.map.has(`${ACCOUNT}|main`), false);
    assert.equal(m.closed, 4, 'the caller session is closed after each request');
  });

  it('refuses bad requests with a message that names the field', async () => {
    const m = memoryStore();
    const text = async (form: Array<[string, string]>, method = 'POST'): Promise<string> =>
      (JSON.parse((await call(m.deps, method, form)).payload) as { messages: Array<{ text: string }> }).messages[0].text;
    assert.match(await text([['kind', 'x']]), /^kind: "x" is not accepted/);
    assert.match(await text([['kind', 'proxy']]), /^action: "" is not accepted/);
    assert.match(
      await text([
        ['kind', 'account'],
        ['action', 'set'],
        ['name', 'a/b'],
      ]),
      /^name: "a\/b" is not an account name/,
    );
    assert.match(
      await text([
        ['kind', 'account'],
        ['action', 'set'],
        ['name', 'a'],
        ['private_key', 'nope'],
      ]),
      /^private_key: a PEM private key/,
    );
    assert.match(
      await text([
        ['kind', 'proxy'],
        ['action', 'set'],
      ]),
      /^proxy_password: required/,
    );
    assert.match(await text([], 'DELETE'), /^DELETE is not supported/);
    assert.equal(m.map.size, 0, 'nothing stored');
  });
});
