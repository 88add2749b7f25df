// The connection check endpoint end to end: splunkd (emulator) runs default/restmap.conf's persistent Python
// handler (bin/ta_oci_audit_rest.py under the persistconn/appserver.py stand-in), which runs the executable
// with --rest-request per request; the executable reads the account through splunkd and signs in to the OCI emulator.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { AddonRest, type RestAnswer } from '../support/addon-rest';
import { ACCOUNT_REALM, SETTINGS_REALM, startWorld, type World } from '../support/world';

describe('account check REST endpoint (restmap.conf persist, Python handler -> oci_audit --rest-request)', function () {
  this.timeout(60_000);
  let w: World;
  let rest: AddonRest;

  before(async () => {
    w = await startWorld({ tenancy: { regions: 3, compartments: 2, deletedCompartments: 0, eventsPerDay: 100 } });
    rest = new AddonRest(w.splunkd);
  });
  after(async () => {
    await w?.close();
    await rest?.close();
  });

  async function post(form: Record<string, string>, key?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const r = await rest.call('POST', 'account_check', form, key);
    return { status: r.status, body: JSON.parse(r.text) as Record<string, unknown> };
  }

  it('a good stored account: OK with the number of READY regions', async () => {
    const r = await post({ name: 'main' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.ok, true, String(r.body.message));
    const ready = w.oci.tenancy.regions.filter((x) => x.status === 'READY').map((x) => x.regionName);
    assert.deepEqual(r.body.regions, ready);
    assert.match(String(r.body.message), new RegExp(`${ready.length} READY region`));
  });

  it('one Python driver process (appserver.py) serves the following requests (persistent)', async () => {
    await post({ name: 'main' });
    await post({ name: 'main' });
    const pids = w.splunkd.restDriverPids();
    assert.equal(pids.length, 1, `driver pids: ${pids.join(', ')}`);
    const argv = readFileSync(`/proc/${pids[0]}/cmdline`, 'utf8').split('\0');
    assert.match(argv[0], /python3/);
    assert.match(argv[1], /splunk\/persistconn\/appserver\.py$/);
  });

  it('a key that does not match the fingerprint: the 401 explanation names both fingerprints', async () => {
    const other = w.oci.addApiKey();
    w.splunkd.setConf('ta_oci_audit_account', 'wrongkey', { ...w.splunkd.getConf('ta_oci_audit_account', 'main') });
    w.splunkd.setPassword(ACCOUNT_REALM, 'wrongkey', JSON.stringify({ private_key: other.privateKeyPem }));
    const r = await post({ name: 'wrongkey' });
    assert.equal(r.body.ok, false);
    assert.equal(r.body.category, 'authentication');
    assert.equal(r.body.status, 401);
    assert.match(String(r.body.message), /The private key does not match the fingerprint/);
    assert.ok(String(r.body.message).includes(other.fingerprint) && String(r.body.message).includes(w.oci.apiKey.fingerprint));
  });

  it('a key OCI does not know (deleted from the user): says which key and user', async () => {
    const gone = w.oci.addApiKey();
    w.oci.revokeApiKey(gone.fingerprint);
    const r = await post({
      name: 'unsaved',
      auth_type: 'api_key',
      tenancy_ocid: gone.tenancyId,
      user_ocid: gone.userId,
      fingerprint: gone.fingerprint,
      region: w.oci.tenancy.homeRegion,
      identity_endpoint: w.oci.identityEndpoint,
      audit_endpoint: w.oci.auditEndpoint,
      private_key: gone.privateKeyPem,
    });
    assert.equal(r.body.category, 'authentication');
    assert.match(String(r.body.message), new RegExp(`No API key with fingerprint ${gone.fingerprint} is uploaded for user ${gone.userId}`));
  });

  it('denied region subscriptions: the policy statement to add', async () => {
    w.oci.denyOperation('ListRegionSubscriptions');
    try {
      const r = await post({ name: 'main', group: 'SplunkAuditReaders' });
      assert.equal(r.body.ok, false);
      assert.equal(r.body.category, 'permission');
      assert.equal(r.body.status, 404);
      assert.deepEqual(r.body.statements, ['Allow group SplunkAuditReaders to inspect tenancies in tenancy']);
      assert.match(String(r.body.message), /may not list the tenancy's region subscriptions/);
    } finally {
      w.oci.allowOperation('ListRegionSubscriptions');
    }
  });

  it('a wrong passphrase: the configuration message, without calling OCI', async () => {
    const enc = w.oci.addApiKey({ passphrase: 'right-passphrase' });
    const base = {
      auth_type: 'api_key',
      tenancy_ocid: enc.tenancyId,
      user_ocid: enc.userId,
      fingerprint: enc.fingerprint,
      region: w.oci.tenancy.homeRegion,
      identity_endpoint: w.oci.identityEndpoint,
      audit_endpoint: w.oci.auditEndpoint,
    };
    w.splunkd.setConf('ta_oci_audit_account', 'enc', base);
    w.splunkd.setPassword(ACCOUNT_REALM, 'enc', JSON.stringify({ private_key: enc.privateKeyPem, passphrase: 'wrong' }));
    w.oci.resetStats();
    const r = await post({ name: 'enc' });
    assert.equal(r.body.category, 'configuration');
    assert.match(String(r.body.message), /The private key cannot be read: the passphrase is wrong/);
    assert.equal(w.oci.stats().requests ?? 0, 0, 'no request reached OCI');
    // the unsaved form's passphrase wins over the stored one, and the right one works
    const ok = await post({ name: 'enc', ...base, private_key: enc.privateKeyPem, passphrase: 'right-passphrase' });
    assert.equal(ok.body.ok, true, String(ok.body.message));
    const missing = await post({ name: 'enc2', ...base, private_key: enc.privateKeyPem });
    assert.match(String(missing.body.message), /encrypted and no passphrase is given/);
  });

  it("an unknown account is a 404 with splunkd's message shape; GET is refused; no session is 401", async () => {
    const r = await post({ name: 'nosuch' });
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { messages: [{ type: 'ERROR', text: 'Account "nosuch" does not exist; save it on the Accounts tab first' }] });
    const g = await rest.call('GET', 'account_check');
    assert.equal(g.status, 405);
    const n = await post({ name: 'main' }, 'not-a-session');
    assert.equal(n.status, 401);
  });

  it('no secret in the answers or in splunkd.log', async () => {
    const r = await post({ name: 'main' });
    const keyBody = w.oci.apiKey.privateKeyPem.split('\n')[1];
    assert.ok(!JSON.stringify(r.body).includes(keyBody));
    const { readFileSync, existsSync } = await import('node:fs');
    const logFile = `${w.splunkd.splunkHome}/var/log/splunk/splunkd.log`;
    const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    assert.ok(!text.includes(keyBody) && !text.includes('right-passphrase'));
  });
});

describe('secrets REST endpoint (write-only; the same persistent Python handler)', function () {
  this.timeout(60_000);
  let w: World;
  let rest: AddonRest;
  before(async () => {
    w = await startWorld({ tenancy: { regions: 1, compartments: 1, deletedCompartments: 0, eventsPerDay: 100 } });
    rest = new AddonRest(w.splunkd);
  });
  after(async () => {
    await w?.close();
    await rest?.close();
  });
  const call = (method: 'GET' | 'POST', form?: Record<string, string>): Promise<RestAnswer> => rest.call(method, 'secrets', form);

  it('stores, replaces and deletes the key and the proxy password in storage/passwords; answers only booleans', async () => {
    const k = w.oci.addApiKey({ passphrase: 'pp-secret-9' });
    const set = await call('POST', {
      kind: 'account',
      action: 'set',
      name: 'acct.2@x',
      private_key: k.privateKeyPem,
      passphrase: 'pp-secret-9',
    });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(JSON.parse(set.text), { kind: 'account', name: 'acct.2@x', stored: { private_key: true, passphrase: true } });
    const stored = w.splunkd.passwords().find((p) => p.realm === ACCOUNT_REALM && p.name === 'acct.2@x');
    assert.deepEqual(JSON.parse(stored?.clear_password ?? '{}'), { private_key: `${k.privateKeyPem.trim()}\n`, passphrase: 'pp-secret-9' });
    // a second set replaces (storage/passwords answers 409 to a create; the handler updates the entity)
    const again = await call('POST', { kind: 'account', action: 'set', name: 'acct.2@x', private_key: w.oci.apiKey.privateKeyPem });
    assert.equal(again.status, 200, again.text);
    const replaced = w.splunkd.passwords().filter((p) => p.realm === ACCOUNT_REALM && p.name === 'acct.2@x');
    assert.equal(replaced.length, 1);
    assert.deepEqual(JSON.parse(replaced[0].clear_password), { private_key: `${w.oci.apiKey.privateKeyPem.trim()}\n` });
    assert.equal((await call('POST', { kind: 'proxy', action: 'set', proxy_password: 'proxy-pw-7' })).status, 200);
    assert.deepEqual(
      JSON.parse(w.splunkd.passwords().find((p) => p.realm === SETTINGS_REALM && p.name === 'proxy')?.clear_password ?? ''),
      {
        proxy_password: 'proxy-pw-7',
      },
    );
    const state = await call('GET');
    assert.equal(state.status, 200, state.text);
    assert.deepEqual(JSON.parse(state.text), {
      accounts: { main: { private_key: true, passphrase: false }, 'acct.2@x': { private_key: true, passphrase: false } },
      proxy: { proxy_password: true },
    });
    const del = await call('POST', { kind: 'account', action: 'delete', name: 'acct.2@x' });
    assert.equal(del.status, 200, del.text);
    assert.ok(!w.splunkd.passwords().some((p) => p.name === 'acct.2@x'), 'deleted');
    const keyLines = [...k.privateKeyPem.split('\n'), ...w.oci.apiKey.privateKeyPem.split('\n')].filter((l) => l.length > 40);
    const { readFileSync } = await import('node:fs');
    const log = readFileSync(`${w.splunkd.splunkHome}/var/log/splunk/splunkd.log`, 'utf8');
    for (const text of [set.text, again.text, state.text, del.text, log])
      for (const s of [...keyLines, 'pp-secret-9', 'proxy-pw-7']) assert.ok(!text.includes(s), 'no secret in the answers or splunkd.log');
  });

  it("a bad request is a 400 in splunkd's error shape naming the field; nothing is stored", async () => {
    const before = w.splunkd.passwords().length;
    const r = await call('POST', { kind: 'account', action: 'set', name: 'x', private_key: 'not a key' });
    assert.equal(r.status, 400);
    assert.match((JSON.parse(r.text) as { messages: Array<{ text: string }> }).messages[0].text, /^private_key: a PEM private key/);
    assert.equal(w.splunkd.passwords().length, before);
  });

  it('when the executable is missing or crashes, the handler answers 5xx with one sentence; no key in the answer or splunkd.log', async () => {
    const exe = path.join(w.splunkd.splunkHome, 'etc', 'apps', w.splunkd.app, 'linux_x86_64', 'bin', 'oci_audit');
    const k = w.oci.addApiKey();
    const keyLine = k.privateKeyPem.split('\n')[3];
    const set = { kind: 'account', action: 'set', name: 'gone', private_key: k.privateKeyPem };
    renameSync(exe, `${exe}.away`);
    try {
      const missing = await call('POST', set);
      assert.equal(missing.status, 500, missing.text);
      const body = JSON.parse(missing.text) as { error: string; messages: Array<{ text: string }> };
      assert.equal(body.error, "The add-on's executable for Linux x86_64 (linux_x86_64/bin/oci_audit) is missing; reinstall TA-oci-audit.");
      assert.equal(body.messages[0].text, body.error);
      writeFileSync(exe, '#!/bin/sh\ncat >/dev/null\necho "FATAL crashed on purpose" >&2\nexit 3\n');
      chmodSync(exe, 0o755);
      const crashed = await call('POST', set);
      assert.equal(crashed.status, 502, crashed.text);
      assert.equal(
        (JSON.parse(crashed.text) as { error: string }).error,
        "The add-on's executable linux_x86_64/bin/oci_audit exited with code 3 without an answer.",
      );
      for (const r of [missing, crashed]) assert.ok(!r.text.includes(keyLine));
    } finally {
      renameSync(`${exe}.away`, exe);
    }
    assert.equal((await call('GET')).status, 200, 'the same handler process answers again once the executable is back');
    assert.equal(w.splunkd.passwords().filter((p) => p.name === 'gone').length, 0, 'nothing stored');
    const log = readFileSync(path.join(w.splunkd.splunkHome, 'var', 'log', 'splunk', 'splunkd.log'), 'utf8');
    assert.match(log, /FATAL crashed on purpose/, "the executable's stderr reaches splunkd.log");
    assert.ok(!log.includes(keyLine), 'no key line in splunkd.log');
  });
});
