import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { Agent, fetch } from 'undici';
import {
  appendIndex,
  buildInputDefinition,
  introspectScheme,
  parseScheme,
  runInput,
  runValidation,
  KvReplicaSet,
  startSplunkd,
  XmlEventStream,
  type Splunkd,
  type StreamEvent,
} from '../emulators/splunkd';

const FIXTURE = path.join(__dirname, '..', 'emulators', 'splunkd', 'fixtures', 'fake_input.mjs');
const CMD = [process.execPath, FIXTURE];
const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
const ACCOUNT_REALM = '__REST_CREDENTIAL__#TA-oci-audit#configs/conf-ta_oci_audit_account';

interface Res {
  status: number;
  body: unknown;
  text: string;
}
async function call(
  s: Splunkd,
  method: string,
  p: string,
  opts: { key?: string | null; form?: Record<string, string>; json?: unknown } = {},
): Promise<Res> {
  const headers: Record<string, string> = {};
  const key = opts.key === undefined ? s.sessionKey : opts.key;
  if (key !== null) headers.Authorization = `Splunk ${key}`;
  let body: string | undefined;
  if (opts.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const r = await fetch(s.serverUri + p, { method, headers, body, dispatcher });
  const text = await r.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: r.status, body: parsed, text };
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only access to loosely shaped JSON
type J = any;
const NS = '/servicesNS/nobody/TA-oci-audit';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('splunkd emulator', function () {
  this.timeout(20000);
  let appDir: string;
  let s: Splunkd;

  before(async () => {
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ta-app-'));
    fs.mkdirSync(path.join(appDir, 'default'));
    fs.writeFileSync(path.join(appDir, 'default', 'inputs.conf'), '[oci_audit]\ninterval = 300\nstart_by_shell = false\n');
    fs.writeFileSync(path.join(appDir, 'default', 'collections.conf'), '[oci_audit_checkpoints]\nfield.t = number\n');
    fs.writeFileSync(
      path.join(appDir, 'default', 'ta_oci_audit_settings.conf'),
      '[logging]\nloglevel = INFO\n\n[proxy]\nproxy_enabled = 0\nproxy_type = http\n',
    );
    s = await startSplunkd({ appDir });
    s.registerModularInput('oci_audit', CMD);
  });
  after(async () => {
    await s.close();
    fs.rmSync(appDir, { recursive: true, force: true });
  });

  describe('REST auth and envelope', () => {
    it("answers 401 with splunkd's WARN message without or with a bad key", async () => {
      for (const key of [null, 'nope']) {
        const r = await call(s, 'GET', `${NS}/configs/conf-ta_oci_audit_settings?output_mode=json`, { key });
        assert.equal(r.status, 401);
        assert.deepEqual(r.body, { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] });
      }
    });

    it('wraps entries in the JSON envelope', async () => {
      const r = await call(s, 'GET', '/services/server/info?output_mode=json');
      assert.equal(r.status, 200);
      const b = r.body as J;
      for (const k of ['links', 'origin', 'updated', 'generator', 'entry', 'paging', 'messages']) assert.ok(k in b, k);
      const e = b.entry[0];
      for (const k of ['name', 'id', 'updated', 'links', 'author', 'acl', 'content']) assert.ok(k in e, k);
      assert.equal(e.content.serverName, s.serverName);
      const cc = (await call(s, 'GET', '/services/authentication/current-context?output_mode=json')).body as J;
      assert.equal(cc.entry[0].content.username, 'admin');
    });

    it('answers Atom XML without output_mode=json', async () => {
      const r = await call(s, 'GET', `${NS}/configs/conf-ta_oci_audit_settings`);
      assert.equal(r.status, 200);
      assert.match(r.text, /^<\?xml[\s\S]*<feed[\s\S]*<s:key name="loglevel">INFO<\/s:key>/);
      assert.equal(XMLValidator.validate(r.text), true);
    });

    it('expires session keys', async () => {
      const k = s.newSessionKey({ ttlMs: 100 });
      assert.equal((await call(s, 'GET', '/services/server/info?output_mode=json', { key: k })).status, 200);
      await sleep(150);
      assert.equal((await call(s, 'GET', '/services/server/info?output_mode=json', { key: k })).status, 401);
      const k2 = s.newSessionKey();
      s.expireSessionKey(k2);
      assert.equal((await call(s, 'GET', '/services/server/info?output_mode=json', { key: k2 })).status, 401);
    });

    it('logs requests', async () => {
      await call(s, 'GET', `${NS}/configs/conf-nothing/x?output_mode=json`);
      const last = s.requests().at(-1);
      assert.deepEqual(last, { method: 'GET', path: `${NS}/configs/conf-nothing/x`, status: 404 });
    });
  });

  describe('configs/conf-*', () => {
    it('merges default and local layers, local wins', async () => {
      let r = await call(s, 'GET', `${NS}/configs/conf-ta_oci_audit_settings/logging?output_mode=json`);
      assert.equal(r.status, 200);
      const c = (r.body as J).entry[0].content;
      assert.equal(c.loglevel, 'INFO');
      assert.equal(c.disabled, false);
      assert.equal(c['eai:appName'], 'TA-oci-audit');
      r = await call(s, 'POST', `${NS}/configs/conf-ta_oci_audit_settings/logging?output_mode=json`, { form: { loglevel: 'DEBUG' } });
      assert.equal(r.status, 200);
      assert.equal((r.body as J).entry[0].content.loglevel, 'DEBUG');
      assert.deepEqual(s.getConf('ta_oci_audit_settings', 'logging'), { loglevel: 'DEBUG' });
      assert.deepEqual(s.getConf('ta_oci_audit_settings', 'proxy'), { proxy_enabled: '0', proxy_type: 'http' });
      assert.match(s.confFilesText()['TA-oci-audit/local/ta_oci_audit_settings.conf'], /\[logging\]\nloglevel = DEBUG/);
      const list = (await call(s, 'GET', `${NS}/configs/conf-ta_oci_audit_settings?output_mode=json`)).body as J;
      assert.deepEqual(list.entry.map((e: J) => e.name).sort(), ['logging', 'proxy']);
    });

    it('creates (201, 409 on duplicate), reads URL-encoded stanza names, deletes, 404s', async () => {
      const name = 'prod tenancy/1';
      let r = await call(s, 'POST', `${NS}/configs/conf-ta_oci_audit_account?output_mode=json`, {
        form: { name, region: 'us-ashburn-1', tenancy_ocid: 'ocid1.tenancy.oc1..a' },
      });
      assert.equal(r.status, 201);
      assert.equal((r.body as J).entry[0].name, name);
      r = await call(s, 'POST', `${NS}/configs/conf-ta_oci_audit_account?output_mode=json`, { form: { name } });
      assert.equal(r.status, 409);
      assert.equal((r.body as J).messages[0].type, 'ERROR');
      r = await call(s, 'GET', `${NS}/configs/conf-ta_oci_audit_account/${encodeURIComponent(name)}?output_mode=json`);
      assert.equal((r.body as J).entry[0].content.region, 'us-ashburn-1');
      r = await call(s, 'DELETE', `${NS}/configs/conf-ta_oci_audit_account/${encodeURIComponent(name)}?output_mode=json`);
      assert.equal(r.status, 200);
      r = await call(s, 'GET', `${NS}/configs/conf-ta_oci_audit_account/${encodeURIComponent(name)}?output_mode=json`);
      assert.equal(r.status, 404);
      assert.deepEqual(r.body, { messages: [{ type: 'ERROR', text: `Could not find object id=${name}` }] });
    });
  });

  describe('storage/passwords', () => {
    it('creates, refuses duplicates, reads by escaped entity, searches, updates, deletes', async () => {
      const pw = JSON.stringify({ private_key: '-----BEGIN PRIVATE KEY-----\nSECRETKEYDATA\n-----END PRIVATE KEY-----' });
      let r = await call(s, 'POST', `${NS}/storage/passwords?output_mode=json`, {
        form: { name: 'acct:1', password: pw, realm: ACCOUNT_REALM },
      });
      assert.equal(r.status, 201);
      const e = (r.body as J).entry[0];
      assert.equal(e.name, `${ACCOUNT_REALM}:acct\\:1:`);
      assert.equal(e.content.clear_password, pw);
      assert.equal(e.content.password, '********');
      assert.match(e.content.encr_password, /^\$7\$/);
      assert.equal(e.content.realm, ACCOUNT_REALM);
      assert.equal(e.content.username, 'acct:1');
      r = await call(s, 'POST', `${NS}/storage/passwords?output_mode=json`, {
        form: { name: 'acct:1', password: 'x', realm: ACCOUNT_REALM },
      });
      assert.equal(r.status, 409);
      r = await call(s, 'GET', `${NS}/storage/passwords/${encodeURIComponent(e.name)}?output_mode=json`);
      assert.equal((r.body as J).entry[0].content.clear_password, pw);
      s.setPassword('other', 'x', 'y');
      r = await call(s, 'GET', `${NS}/storage/passwords?output_mode=json&count=0&search=${encodeURIComponent(`realm=${ACCOUNT_REALM}`)}`);
      assert.deepEqual(
        (r.body as J).entry.map((x: J) => x.content.username),
        ['acct:1'],
      );
      r = await call(s, 'POST', `${NS}/storage/passwords/${encodeURIComponent(e.name)}?output_mode=json`, { form: { password: 'new' } });
      assert.equal((r.body as J).entry[0].content.clear_password, 'new');
      assert.ok(s.passwords().some((p) => p.realm === ACCOUNT_REALM && p.name === 'acct:1' && p.clear_password === 'new'));
      const confText = Object.values(s.confFilesText()).join('\n');
      assert.ok(!confText.includes('new\n') && !confText.includes('SECRETKEYDATA'));
      assert.match(
        s.confFilesText()['TA-oci-audit/local/passwords.conf'],
        /\[credential:__REST_CREDENTIAL__#TA-oci-audit#configs\/conf-ta_oci_audit_account:acct\\:1:\]\npassword = \$7\$/,
      );
      r = await call(s, 'DELETE', `${NS}/storage/passwords/${encodeURIComponent(e.name)}?output_mode=json`);
      assert.equal(r.status, 200);
      assert.equal((await call(s, 'GET', `${NS}/storage/passwords/${encodeURIComponent(e.name)}?output_mode=json`)).status, 404);
    });

    it('pages lists at 30 entries unless count=0', async () => {
      for (let i = 0; i < 35; i++) s.setPassword('bulk', `u${i}`, 'p');
      const r30 = (await call(s, 'GET', `${NS}/storage/passwords?output_mode=json&search=realm=bulk`)).body as J;
      assert.equal(r30.entry.length, 30);
      assert.equal(r30.paging.total, 35);
      const all = (await call(s, 'GET', `${NS}/storage/passwords?output_mode=json&count=0&search=realm=bulk`)).body as J;
      assert.equal(all.entry.length, 35);
    });
  });

  describe('KV store', () => {
    const D = `${NS}/storage/collections/data/oci_audit_checkpoints`;
    beforeEach(async () => {
      s.setKvFaults({});
      await call(s, 'DELETE', D);
    });

    it('404s on an undeclared collection; config creates one', async () => {
      assert.equal((await call(s, 'GET', `${NS}/storage/collections/data/nope`)).status, 404);
      const r = await call(s, 'POST', `${NS}/storage/collections/config?output_mode=json`, { form: { name: 'nope' } });
      assert.equal(r.status, 201);
      assert.equal((await call(s, 'GET', `${NS}/storage/collections/data/nope`)).status, 200);
      const list = (await call(s, 'GET', `${NS}/storage/collections/config?output_mode=json`)).body as J;
      assert.deepEqual(list.entry.map((e: J) => e.name).sort(), ['nope', 'oci_audit_checkpoints']);
    });

    it('inserts, refuses duplicate keys, gets, replaces, upserts, deletes', async () => {
      let r = await call(s, 'POST', D, { json: { _key: 'a', t: 1 } });
      assert.equal(r.status, 201);
      assert.deepEqual(r.body, { _key: 'a' });
      assert.equal((await call(s, 'POST', D, { json: { _key: 'a', t: 2 } })).status, 409);
      r = await call(s, 'POST', D, { json: { t: 5 } });
      assert.match((r.body as J)._key, /^[0-9a-f]{24}$/);
      r = await call(s, 'GET', `${D}/a`);
      assert.deepEqual(r.body, { _key: 'a', t: 1, _user: 'nobody' });
      await call(s, 'POST', `${D}/a`, { json: { u: 9 } });
      assert.deepEqual((await call(s, 'GET', `${D}/a`)).body, { _key: 'a', u: 9, _user: 'nobody' });
      assert.equal((await call(s, 'POST', `${D}/new%20key`, { json: { t: 3 } })).status, 200);
      assert.ok(s.kvRecords('oci_audit_checkpoints').some((d) => d._key === 'new key'));
      assert.equal((await call(s, 'DELETE', `${D}/a`)).status, 200);
      assert.equal((await call(s, 'GET', `${D}/a`)).status, 404);
    });

    it('supports query operators, sort, skip, limit, fields, delete by query', async () => {
      const docs = [1, 2, 3, 4, 5].map((t) => ({ _key: `k${t}`, t, r: t % 2 ? 'odd' : 'even' }));
      assert.deepEqual(
        (await call(s, 'POST', `${D}/batch_save`, { json: docs })).body,
        docs.map((d) => d._key),
      );
      const q = async (query: unknown, extra = ''): Promise<string[]> =>
        ((await call(s, 'GET', `${D}?query=${encodeURIComponent(JSON.stringify(query))}${extra}`)).body as J).map((d: J) => d._key);
      assert.deepEqual(await q({ t: { $gt: 3 } }), ['k4', 'k5']);
      assert.deepEqual(await q({ t: { $gte: 3, $lt: 5 } }), ['k3', 'k4']);
      assert.deepEqual(await q({ t: { $lte: 1 } }), ['k1']);
      assert.deepEqual(await q({ r: { $ne: 'odd' } }), ['k2', 'k4']);
      assert.deepEqual(await q({ r: 'even' }), ['k2', 'k4']);
      assert.deepEqual(await q({ $and: [{ r: 'odd' }, { t: { $gt: 1 } }] }), ['k3', 'k5']);
      assert.deepEqual(await q({ $or: [{ t: 1 }, { t: 4 }] }), ['k1', 'k4']);
      assert.deepEqual(await q({ t: { $not: { $gt: 2 } } }), ['k1', 'k2']);
      assert.deepEqual(await q({ t: { $gt: '2' } }), [], 'no cross-type comparison');
      assert.deepEqual(await q({}, '&sort=t:-1&skip=1&limit=2'), ['k4', 'k3']);
      const f = (await call(s, 'GET', `${D}?fields=t&limit=1`)).body as J;
      assert.deepEqual(f, [{ t: 1, _key: 'k1' }]);
      assert.equal((await call(s, 'GET', `${D}?query=${encodeURIComponent('{"t":{"$regex":"x"}}')}`)).status, 400);
      await call(s, 'DELETE', `${D}?query=${encodeURIComponent(JSON.stringify({ r: 'odd' }))}`);
      assert.deepEqual(
        s.kvRecords('oci_audit_checkpoints').map((d) => d._key),
        ['k2', 'k4'],
      );
    });

    it('limits batch_save to 1000 documents and injects faults', async () => {
      const many = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ _key: `b${i}`, t: i }));
      assert.equal((await call(s, 'POST', `${D}/batch_save`, { json: many(1000) })).status, 200);
      const over = await call(s, 'POST', `${D}/batch_save`, { json: many(1001) });
      assert.equal(over.status, 400);
      assert.match((over.body as J).messages[0].text, /limits\.conf/);
      s.setKvFaults({ batchSave500Count: 2 });
      assert.equal((await call(s, 'POST', `${D}/batch_save`, { json: many(1) })).status, 500);
      assert.equal((await call(s, 'POST', `${D}/batch_save`, { json: many(1) })).status, 500);
      assert.equal((await call(s, 'POST', `${D}/batch_save`, { json: many(1) })).status, 200);
      s.setKvFaults({ getFailRate: 1 });
      assert.equal((await call(s, 'GET', D)).status, 500);
    });

    it('answers 503 while the KV store is starting', async () => {
      const s2 = await startSplunkd({ appDir, kvStartupMs: 300 });
      try {
        const r = await call(s2, 'GET', `${NS}/storage/collections/data/oci_audit_checkpoints`);
        assert.equal(r.status, 503);
        assert.equal((r.body as J).messages[0].type, 'ERROR');
        assert.equal((await call(s2, 'GET', `${NS}/configs/conf-inputs?output_mode=json`)).status, 200, 'rest of splunkd is up');
        await sleep(350);
        assert.equal((await call(s2, 'GET', `${NS}/storage/collections/data/oci_audit_checkpoints`)).status, 200);
      } finally {
        await s2.close();
      }
    });
  });

  describe('KV store shared by search head cluster members', () => {
    const D = `${NS}/storage/collections/data/oci_audit_checkpoints`;
    it('writes go to the captain; a lagging member reads them late, in order; insert 409 and delete-by-query are decided on the captain', async () => {
      const kv = new KvReplicaSet();
      const a = await startSplunkd({ appDir, serverName: 'h1', kvReplicaSet: kv });
      const b = await startSplunkd({ appDir, serverName: 'h2', kvReplicaSet: kv, kvReadLagMs: 300 });
      try {
        assert.equal((await call(a, 'POST', D, { json: { _key: 'k', v: 1 } })).status, 201);
        assert.equal((await call(a, 'GET', `${D}/k`)).status, 200, 'no lag on h1');
        assert.equal((await call(b, 'GET', `${D}/k`)).status, 404, 'h2 does not see it yet');
        assert.equal((await call(b, 'POST', D, { json: { _key: 'k', v: 2 } })).status, 409, 'the captain has it');
        assert.equal((await call(a, 'POST', `${D}/k`, { json: { v: 3 } })).status, 200);
        await sleep(350);
        assert.equal(((await call(b, 'GET', `${D}/k`)).body as J).v, 3, 'both writes applied, in order');
        b.setKvReadLagMs(5000);
        const q = encodeURIComponent(JSON.stringify({ v: 3 }));
        assert.equal((await call(b, 'DELETE', `${D}?query=${q}`)).status, 200);
        assert.equal(a.kvRecords('oci_audit_checkpoints').length, 0, 'deleted on the captain');
        assert.equal(((await call(b, 'GET', `${D}/k`)).body as J).v, 3, 'h2 still reads it');
        assert.equal((await call(a, 'GET', `${D}/k`)).status, 404);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  describe('data/inputs/<scheme>', () => {
    const I = `${NS}/data/inputs/oci_audit`;
    it('validates on create with the executable and stores the stanza', async () => {
      let r = await call(s, 'POST', `${I}?output_mode=json`, { form: { name: 'in1', account: 'a1', regions: '*' } });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(
        s.getConf('inputs', 'oci_audit://in1'),
        { account: 'a1', regions: '*' },
        '[oci_audit] defaults apply at run time, not in the stanza',
      );
      assert.equal((r.body as J).entry[0].content.interval, '300');
      r = await call(s, 'POST', `${I}?output_mode=json`, { form: { name: 'in1', account: 'a1' } });
      assert.equal(r.status, 409);
      r = await call(s, 'POST', `${I}?output_mode=json`, { form: { name: 'in2', account: 'a1', mode: 'reject', regions: 'mars-1' } });
      assert.equal(r.status, 400);
      assert.equal(
        (r.body as J).messages[0].text,
        'regions: "mars-1" is not a region identifier; use a comma list such as eu-frankfurt-1 or *',
      );
      assert.equal(s.getConf('inputs', 'oci_audit://in2'), undefined);
      r = await call(s, 'POST', `${I}?output_mode=json`, { form: { name: 'in2', account: 'a1', mode: 'crash' } });
      assert.equal((r.body as J).messages[0].text, 'Argument validation for scheme=oci_audit: script running failed (exited with code 2).');
      r = await call(s, 'POST', `${I}?output_mode=json`, { form: { name: 'in2', account: 'a1', bogus: '1' } });
      assert.equal((r.body as J).messages[0].text, 'Argument "bogus" is not supported by this handler.');
      r = await call(s, 'POST', `${I}?output_mode=json`, { form: { name: 'in2' } });
      assert.equal(r.status, 400);
      assert.match((r.body as J).messages[0].text, /missing: account/);
      const log = fs.readFileSync(path.join(s.splunkHome, 'var', 'log', 'splunk', 'splunkd.log'), 'utf8');
      assert.match(
        log,
        /ERROR ModularInputs \[\d+\] - <stderr> Argument validation for scheme=oci_audit: {2}ERROR validation failed for regions/,
      );
    });

    it('edits (validated), disables, enables, lists and deletes', async () => {
      let r = await call(s, 'POST', `${I}/in1?output_mode=json`, { form: { mode: 'reject', regions: 'x' } });
      assert.equal(r.status, 400);
      r = await call(s, 'POST', `${I}/in1?output_mode=json`, { form: { regions: 'eu-frankfurt-1' } });
      assert.equal((r.body as J).entry[0].content.regions, 'eu-frankfurt-1');
      r = await call(s, 'POST', `${I}/in1/disable?output_mode=json`);
      assert.equal((r.body as J).entry[0].content.disabled, true);
      r = await call(s, 'POST', `${I}/in1/enable?output_mode=json`);
      assert.equal((r.body as J).entry[0].content.disabled, false);
      r = await call(s, 'GET', `${I}?output_mode=json`);
      assert.deepEqual(
        (r.body as J).entry.map((e: J) => e.name),
        ['in1'],
      );
      assert.equal((await call(s, 'DELETE', `${I}/in1?output_mode=json`)).status, 200);
      assert.equal((await call(s, 'GET', `${I}/in1?output_mode=json`)).status, 404);
      assert.equal((await call(s, 'GET', `${NS}/data/inputs/unknown_scheme?output_mode=json`)).status, 404);
    });
  });

  describe('runner', () => {
    it('introspects the scheme and rejects broken ones', async () => {
      const sc = await introspectScheme(CMD);
      assert.equal(sc.title, 'Fake input');
      assert.equal(sc.description, 'fixture für tests & more');
      assert.equal(sc.streamingMode, 'xml');
      assert.equal(sc.useExternalValidation, true);
      assert.equal(sc.useSingleInstance, false);
      assert.deepEqual(
        sc.args.map((a) => [a.name, a.requiredOnCreate]),
        [
          ['account', true],
          ['mode', false],
          ['regions', false],
        ],
      );
      assert.equal(sc.args[2].validation, 'validate(len(regions) < 100, "too long")');
      await assert.rejects(introspectScheme(CMD, { FAKE_SCHEME_MODE: 'bad', PATH: process.env.PATH ?? '' }), /invalid XML/);
      await assert.rejects(
        introspectScheme(CMD, { FAKE_SCHEME_MODE: 'fail', PATH: process.env.PATH ?? '' }),
        /script running failed \(exited with code 1\)/,
      );
    });

    it('runs the input like splunkd: definition on stdin, env, cwd, checkpoint dir, events, stderr → splunkd.log', async () => {
      const r = await runInput(s, { command: CMD, name: 't1', params: { account: 'a1', multi: ['x', 'y'] } });
      assert.equal(r.exitCode, 0);
      assert.deepEqual(r.streamErrors, []);
      assert.equal(XMLValidator.validate(r.inputXml ?? ''), true);
      assert.match(r.inputXml ?? '', /<stanza name="oci_audit:\/\/t1" app="TA-oci-audit">/);
      assert.match(r.inputXml ?? '', /<param_list name="multi">\s*<value>x<\/value>\s*<value>y<\/value>\s*<\/param_list>/);
      const byKey = new Map(
        r.events.slice(0, -1).map((e) => {
          const d = JSON.parse(e._raw);
          return [d.k, d.v];
        }),
      );
      assert.deepEqual(Object.fromEntries(byKey), {
        account: 'a1',
        disabled: '0',
        host: s.serverName,
        index: 'default',
        interval: '300',
        multi: ['x', 'y'],
        start_by_shell: 'false',
      });
      const order = [...(r.inputXml ?? '').matchAll(/<param(?:_list)? name="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(order, ['account', 'disabled', 'host', 'index', 'interval', 'multi', 'start_by_shell'], 'sorted like splunkd');
      const info = JSON.parse(r.events.at(-1)?._raw ?? '{}');
      assert.equal(info.serverUri, s.serverUri);
      assert.equal(info.sessionKey, s.sessionKey);
      assert.equal(info.checkpointDir, path.join(s.splunkHome, 'var', 'lib', 'splunk', 'modinputs', 'oci_audit'));
      assert.equal(info.cwd, fs.realpathSync(s.splunkHome));
      assert.equal(info.SPLUNK_HOME, s.splunkHome);
      assert.ok(fs.existsSync(path.join(info.checkpointDir, 'ckpt.json')));
      const e0 = r.events[0];
      assert.equal(e0._time, 1700000000.123);
      assert.equal(e0.stanza, 'oci_audit://t1');
      assert.equal(e0.sourcetype, 'fake:echo');
      assert.equal(e0.index, 'main');
      assert.equal(e0.unbroken, true);
      assert.equal(e0.done, true);
      assert.deepEqual(r.stderrLines, ['INFO started', 'a plain stderr line', 'DEBUG details', 'WARNING careful']);
      assert.equal(r.splunkdLog.length, 3, 'DEBUG is below the default INFO threshold');
      const re = /^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}\.\d{3} \+0000 (\w+) ExecProcessor \[\d+\] - message from "(.+?)" (.*)$/;
      assert.deepEqual(
        r.splunkdLog.map((l) => re.exec(l)?.[1]),
        ['INFO', 'ERROR', 'WARN'],
      );
      assert.equal(re.exec(r.splunkdLog[1])?.[2], `${process.execPath} ${FIXTURE}`);
      const log = fs.readFileSync(path.join(s.splunkHome, 'var', 'log', 'splunk', 'splunkd.log'), 'utf8');
      assert.ok(log.includes(r.splunkdLog[0]));
    });

    it('decodes entities and CDATA across several <stream> documents', async () => {
      const r = await runInput(s, { command: CMD, name: 'm', params: { mode: 'multi' } });
      assert.deepEqual(r.streamErrors, []);
      assert.deepEqual(
        r.events.map((e) => e._raw),
        ['<a&b> für 😀', 'cdata <raw> & text'],
      );
      assert.equal(r.events[1].host, 'h1');
      assert.equal(r.events[1].index, 'idx');
    });

    for (const [mode, re] of [
      ['badchar', /U\+0001/],
      ['badentity', /undefined entity &nbsp;/],
      ['bareamp', /bare '&'/],
      ['junk', /data before <stream>/],
    ] as const) {
      it(`flags a stream Splunk would reject: ${mode}`, async () => {
        const r = await runInput(s, { command: CMD, name: mode, params: { mode } });
        assert.equal(r.exitCode, 0);
        assert.ok(
          r.streamErrors.some((e) => re.test(e)),
          r.streamErrors.join('\n'),
        );
      });
    }

    it('sends SIGTERM and SIGKILL; a kill mid-stream is not a protocol error', async () => {
      const t = await runInput(s, { command: CMD, name: 'slow', params: { mode: 'slow' }, termAfterMs: 300 });
      assert.equal(t.exitCode, 0);
      assert.ok(t.events.length > 2);
      assert.ok(t.stderrLines.includes('INFO got SIGTERM, stopping'));
      assert.deepEqual(t.streamErrors, []);
      const k = await runInput(s, { command: CMD, name: 'slow', params: { mode: 'slow' }, killAfterMs: 300 });
      assert.equal(k.signal, 'SIGKILL');
      assert.ok(k.events.length > 2);
      assert.deepEqual(k.streamErrors, []);
    });

    it('kills on timeout and reports it', async () => {
      const r = await runInput(s, { command: CMD, name: 'slow', params: { mode: 'slow' }, timeoutMs: 300 });
      assert.equal(r.timedOut, true);
      assert.equal(r.signal, 'SIGKILL');
      assert.ok(r.streamErrors.some((e) => /timeout/.test(e)));
    });

    it('closes stdout early to cause EPIPE', async () => {
      const r = await runInput(s, { command: CMD, name: 'flood', params: { mode: 'flood' }, closeStdoutAfterBytes: 5000 });
      assert.equal(r.exitCode, 3);
      assert.ok(
        r.stderrLines.some((l) => /EPIPE/.test(l)),
        r.stderrLines.join('\n'),
      );
      // it stops after the read that crossed 5000 bytes (a read is at most 64 KiB)
      assert.ok(r.stdout.length >= 5000 && r.stdout.length <= 5000 + 64 * 1024, String(r.stdout.length));
    });

    it('gives the input a session key that works against the emulator', async () => {
      s.setConf('ta_oci_audit_account', 'acc', { region: 'eu-frankfurt-1', auth_type: 'api_key' });
      const r = await runInput(s, { command: CMD, name: 'rest', params: { mode: 'rest', account: 'acc' }, sessionKey: s.newSessionKey() });
      const d = JSON.parse(r.events[0]._raw);
      assert.equal(d.status, 200);
      assert.equal(d.content.region, 'eu-frankfurt-1');
    });

    it('runs --validate-arguments directly', async () => {
      const ok = await runValidation(s, { command: CMD, name: 'v', params: { account: 'a' } });
      assert.equal(ok.exitCode, 0);
      const bad = await runValidation(s, { command: CMD, name: 'v', params: { mode: 'reject', regions: 'a<b' } });
      assert.equal(bad.exitCode, 1);
      assert.equal(bad.message, 'regions: "a<b" is not a region identifier; use a comma list such as eu-frankfurt-1 or *');
    });

    it('appends indexed events as JSON lines', () => {
      const f = path.join(s.splunkHome, 'index', 'main.jsonl');
      appendIndex(f, [{ _time: 1, stanza: 's', _raw: 'a' }]);
      appendIndex(f, [{ _time: 2, stanza: 's', _raw: 'b' }]);
      assert.deepEqual(
        fs
          .readFileSync(f, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)._raw),
        ['a', 'b'],
      );
    });
  });

  describe('XML documents', () => {
    // shapes of splunk-sdk-javascript 1.11.0 tests/modularinputs/data (stream_with_two_events.xml, scheme_without_defaults.xml)
    const STREAM = `<stream>
    <event stanza="fubar" unbroken="1">
        <time>1372275124.466</time>
        <source>hilda</source>
        <sourcetype>misc</sourcetype>
        <index>main</index>
        <host>localhost</host>
        <data>This is a test of the emergency broadcast system.</data>
        <done/>
    </event>
    <event stanza="fubar" unbroken="1">
        <time>1372275124.466</time>
        <data>{"some":"json object"}</data>
        <done/>
    </event>
</stream>`;

    it('reads the SDK stream shape even when it arrives one character at a time', () => {
      const got: StreamEvent[] = [];
      const p = new XmlEventStream((e) => got.push(e));
      for (const ch of STREAM) p.push(ch);
      p.end(false);
      assert.deepEqual(p.errors, []);
      assert.equal(got.length, 2);
      assert.deepEqual(got[0], {
        stanza: 'fubar',
        unbroken: true,
        time: '1372275124.466',
        source: 'hilda',
        sourcetype: 'misc',
        index: 'main',
        host: 'localhost',
        data: 'This is a test of the emergency broadcast system.',
        done: true,
      });
      assert.equal(got[1].data, '{"some":"json object"}');
    });

    it('reports a truncated stream after a normal exit', () => {
      const p = new XmlEventStream(() => undefined);
      p.push('<stream><event stanza="x"><data>cut');
      p.end(false);
      assert.ok(p.errors.some((e) => /stream ended inside an element/.test(e)));
    });

    it('parses the SDK scheme shape with its defaults', () => {
      const sc = parseScheme(`<?xml version="1.0" encoding="UTF-8" ?>
<scheme><title>abcd</title><description>쎼 and 쎶 and &lt;&amp;&gt; für</description>
<use_external_validation>false</use_external_validation><use_single_instance>true</use_single_instance><streaming_mode>simple</streaming_mode>
<endpoint><args><arg name="arg1"><data_type>string</data_type><required_on_edit>false</required_on_edit><required_on_create>false</required_on_create></arg>
<arg name="arg2"><description>d</description><validation>is_pos_int('some_name')</validation><data_type>number</data_type><required_on_edit>true</required_on_edit><required_on_create>true</required_on_create></arg></args></endpoint></scheme>`);
      assert.equal(sc.description, '쎼 and 쎶 and <&> für');
      assert.equal(sc.streamingMode, 'simple');
      assert.equal(sc.useSingleInstance, true);
      assert.deepEqual(sc.args[1], {
        name: 'arg2',
        title: undefined,
        description: 'd',
        dataType: 'number',
        requiredOnCreate: true,
        requiredOnEdit: true,
        validation: "is_pos_int('some_name')",
      });
      assert.equal(parseScheme('<scheme><title>t</title></scheme>').streamingMode, 'simple', 'absent streaming_mode = simple');
      assert.throws(
        () => parseScheme('<scheme><title>t</title><use_single_instance>maybe</use_single_instance></scheme>'),
        /true or false/,
      );
    });

    it('builds the input definition like the real dump', () => {
      const xml = buildInputDefinition({ serverHost: 'h', serverUri: 'https://127.0.0.1:8089', sessionKey: 'k^_', checkpointDir: '/c' }, [
        { name: 'oci_audit://a&b', app: 'TA-oci-audit', params: { p: '<v>' } },
      ]);
      assert.equal(XMLValidator.validate(xml), true);
      assert.match(
        xml,
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<input>\n {2}<server_host>h<\/server_host>\n {2}<server_uri>https:\/\/127\.0\.0\.1:8089<\/server_uri>\n {2}<session_key>k\^_<\/session_key>\n {2}<checkpoint_dir>\/c<\/checkpoint_dir>\n {2}<configuration>/,
      );
      assert.match(xml, /<stanza name="oci_audit:\/\/a&amp;b" app="TA-oci-audit">\n {6}<param name="p">&lt;v&gt;<\/param>/);
    });
  });
});
