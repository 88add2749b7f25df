// Secrets never leak (docs/security.md): an encrypted PKCS#8 key with a passphrase, a proxy with
// Basic auth, the session key. Runs through a local proxy (its request count must equal the OCI
// emulator's), with a bad passphrase, a revoked key (401), a wrong proxy password (407),
// validation errors and DEBUG logging; then every output is searched for every secret.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runValidation, type RunResult } from '../emulators/splunkd';
import { AddonRest } from '../support/addon-rest';
import { startProxy, type TestProxy } from '../support/proxy';
import { recordResult } from '../support/results';
import { ACCOUNT_REALM, errorLines, isoMinutesAgo, SETTINGS_REALM, startWorld, TEST_ENV, type World } from '../support/world';

const PASSPHRASE = 'pass-Phr4se"with\\quotes&<xml>';
const WRONG_PASSPHRASE = 'not-the-Passphrase-9f3e';
const PROXY_USER = 'u';
const PROXY_PASSWORD = 'Pr0xy-p@ss:word"\\';
const WRONG_PROXY_PASSWORD = 'wrong-Pr0xy-secret-77';

describe('secrets never leak', function () {
  this.timeout(120_000);
  let w: World;
  let proxy: TestProxy;
  const secrets = new Map<string, string>();
  const outputs: Array<{ where: string; text: string }> = [];
  const counts: Record<string, unknown> = {};

  const addPem = (label: string, pem: string): void => {
    secrets.set(`${label} (whole PEM)`, pem);
    pem.split(/\r?\n/).forEach((line, i) => {
      if (line.length >= 16 && !line.startsWith('-----')) secrets.set(`${label} line ${i}`, line);
    });
  };
  const collect = (label: string, r: RunResult): void => {
    outputs.push(
      { where: `${label}: stdout`, text: r.stdout },
      { where: `${label}: stderr`, text: r.stderrLines.join('\n') },
      { where: `${label}: splunkd.log lines`, text: r.splunkdLog.join('\n') },
    );
  };
  const setAccount = (key: { userId: string; fingerprint: string; privateKeyPem: string }, passphrase: string): void => {
    w.splunkd.setConf('ta_oci_audit_account', 'main', {
      auth_type: 'api_key',
      tenancy_ocid: w.oci.tenancy.tenancyId,
      user_ocid: key.userId,
      fingerprint: key.fingerprint,
      region: w.oci.tenancy.homeRegion,
      identity_endpoint: w.oci.identityEndpoint,
      audit_endpoint: w.oci.auditEndpoint,
    });
    w.splunkd.setPassword(ACCOUNT_REALM, 'main', JSON.stringify({ private_key: key.privateKeyPem, passphrase }));
  };
  let sessionKey = '';
  let key: ReturnType<World['oci']['addApiKey']>;
  const params = (): Record<string, string> => ({
    start_date_time: isoMinutesAgo(130),
    end_date_time: isoMinutesAgo(10),
    query_window_size: '60',
  });
  const run = (label: string, extra: { logLevel?: 'DEBUG' | 'INFO'; name?: string } = {}): Promise<RunResult> =>
    w.run(params(), { sessionKey, name: extra.name ?? 'test', logLevel: extra.logLevel ?? 'INFO', timeoutMs: 60_000 }).then((r) => {
      collect(label, r);
      return r;
    });

  before(async () => {
    w = await startWorld({ tenancy: { regions: 1, compartments: 2, deletedCompartments: 0, eventsPerDay: 5000 } });
    proxy = await startProxy({ username: PROXY_USER, password: PROXY_PASSWORD });
    key = w.oci.addApiKey({ passphrase: PASSPHRASE, format: 'pkcs8' });
    assert.match(key.privateKeyPem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    setAccount(key, PASSPHRASE);
    w.splunkd.setConf('ta_oci_audit_settings', 'proxy', {
      proxy_enabled: '1',
      proxy_type: 'http',
      proxy_url: '127.0.0.1',
      proxy_port: String(proxy.port),
      proxy_username: PROXY_USER,
    });
    w.splunkd.setPassword(SETTINGS_REALM, 'proxy', JSON.stringify({ proxy_password: PROXY_PASSWORD }));
    sessionKey = w.splunkd.newSessionKey({ ttlMs: 600_000 });
    addPem('API key', key.privateKeyPem);
    addPem('world key', w.oci.apiKey.privateKeyPem);
    secrets.set('passphrase', PASSPHRASE);
    secrets.set('wrong passphrase', WRONG_PASSPHRASE);
    secrets.set('proxy password', PROXY_PASSWORD);
    secrets.set('wrong proxy password', WRONG_PROXY_PASSWORD);
    secrets.set('Proxy-Authorization', Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64'));
    secrets.set('session key', sessionKey);
    secrets.set('admin session key', w.splunkd.sessionKey);
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('collects through the authenticating proxy with the encrypted key: every OCI request went through it', async () => {
    w.oci.resetStats();
    const r = await run('normal run');
    assert.equal(r.exitCode, 0, errorLines(r).join('\n'));
    assert.deepEqual(errorLines(r), []);
    assert.ok(r.events.length > 0, 'events were collected');
    const ps = proxy.stats();
    const os = w.oci.stats();
    assert.ok(ps.requests > 0);
    assert.equal(ps.requests, os.requests, `proxy forwarded ${ps.requests}, OCI emulator saw ${os.requests}`);
    assert.equal(ps.rejected, 0);
    assert.ok(
      ps.authorizations.every((a) => a === `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`),
      'Basic auth with the stored password',
    );
    counts.normal = { events: r.events.length, proxyRequests: ps.requests, ociRequests: os.requests, tunnels: ps.tunnels };
  });

  it('DEBUG logging through the proxy: more lines, still no secret', async () => {
    w.splunkd.setConf('ta_oci_audit_settings', 'logging', { loglevel: 'DEBUG' });
    try {
      const r = await run('DEBUG run', { logLevel: 'DEBUG', name: 'debugrun' });
      assert.equal(r.exitCode, 0, errorLines(r).join('\n'));
      assert.ok(
        r.stderrLines.some((l) => l.startsWith('DEBUG ')),
        'DEBUG lines were written',
      );
      counts.debug = { lines: r.stderrLines.length, debugLines: r.stderrLines.filter((l) => l.startsWith('DEBUG ')).length };
    } finally {
      w.splunkd.setConf('ta_oci_audit_settings', 'logging', { loglevel: 'INFO' });
    }
  });

  it('a wrong proxy password: a clear ERROR naming the 407, without the password', async () => {
    w.splunkd.setPassword(SETTINGS_REALM, 'proxy', JSON.stringify({ proxy_password: WRONG_PROXY_PASSWORD }));
    try {
      const before = proxy.stats().rejected;
      const r = await run('wrong proxy password');
      assert.equal(r.exitCode, 1);
      const errs = errorLines(r);
      assert.equal(errs.length, 1, errs.join('\n'));
      assert.match(errs[0], /proxy refused the credentials \(407 Proxy Authentication Required\)/);
      assert.match(errs[0], /check the proxy user name and password/);
      assert.ok(proxy.stats().rejected > before, 'the proxy did answer 407');
      assert.ok(proxy.stats().rejected - before <= 2, `not retried as if transient (${proxy.stats().rejected - before} × 407)`);
      counts.wrongProxy = { error: errs[0], rejected: proxy.stats().rejected - before };
    } finally {
      w.splunkd.setPassword(SETTINGS_REALM, 'proxy', JSON.stringify({ proxy_password: PROXY_PASSWORD }));
    }
  });

  it('a wrong passphrase: a clear ERROR naming the account and saying the passphrase is wrong', async () => {
    setAccount(key, WRONG_PASSPHRASE);
    try {
      w.oci.resetStats();
      const r = await run('wrong passphrase');
      assert.equal(r.exitCode, 1);
      const errs = errorLines(r);
      assert.equal(errs.length, 1, errs.join('\n'));
      assert.match(errs[0], /account "main": the private key cannot be read: the passphrase is wrong/);
      assert.ok(!r.stderrLines.some((l) => /\s+at \S+ \(/.test(l)), 'no stack trace');
      assert.equal(w.oci.stats().requests, 0, 'no request was signed');
      counts.wrongPassphrase = errs[0];
    } finally {
      setAccount(key, PASSPHRASE);
    }
  });

  it('a revoked key (OCI answers 401): a clear authentication ERROR, no secret', async () => {
    const other = w.oci.addApiKey({ passphrase: PASSPHRASE });
    addPem('revoked key', other.privateKeyPem);
    w.oci.revokeApiKey(other.fingerprint);
    setAccount(other, PASSPHRASE);
    try {
      const r = await run('revoked key');
      assert.equal(r.exitCode, 1);
      const errs = errorLines(r);
      assert.ok(
        errs.length >= 1 && errs.every((l) => /401 NotAuthenticated/.test(l) && /category=authentication/.test(l)),
        errs.join('\n'),
      );
      counts.revokedKey = errs[0];
    } finally {
      setAccount(key, PASSPHRASE);
    }
  });

  it('validation errors (bad values, unknown account) carry no secret', async () => {
    const validate = async (label: string, p: Record<string, string>): Promise<string> => {
      const v = await runValidation(w.splunkd, { command: w.command, name: 'val', params: p, env: TEST_ENV, sessionKey });
      assert.equal(v.exitCode, 1, `${label}: ${v.stdout}`);
      outputs.push({ where: `validation ${label}: stdout`, text: v.stdout }, { where: `validation ${label}: stderr`, text: v.stderr });
      return v.message ?? '';
    };
    assert.match(await validate('bad regions', { account: 'main', regions: 'not a region!' }), /^regions: /);
    assert.match(await validate('unknown account', { account: 'nope' }), /account: "nope" does not exist/);
    assert.match(await validate('bad window', { account: 'main', query_window_size: '0' }), /^query_window_size: /);
  });

  it("the setup page's REST endpoints (Python handler -> executable on stdin) store and check secrets; their answers hold none", async () => {
    const rest = new AddonRest(w.splunkd);
    try {
      const other = w.oci.addApiKey({ passphrase: PASSPHRASE, format: 'pkcs8' });
      addPem('REST key', other.privateKeyPem);
      const answers = [
        await rest.call(
          'POST',
          'secrets',
          { kind: 'account', action: 'set', name: 'viarest', private_key: other.privateKeyPem, passphrase: PASSPHRASE },
          sessionKey,
        ),
        await rest.call('POST', 'secrets', { kind: 'proxy', action: 'set', proxy_password: PROXY_PASSWORD }, sessionKey),
        await rest.call('GET', 'secrets', undefined, sessionKey),
        await rest.call(
          'POST',
          'account_check',
          {
            name: 'unsaved',
            auth_type: 'api_key',
            tenancy_ocid: w.oci.tenancy.tenancyId,
            user_ocid: other.userId,
            fingerprint: other.fingerprint,
            region: w.oci.tenancy.homeRegion,
            identity_endpoint: w.oci.identityEndpoint,
            audit_endpoint: w.oci.auditEndpoint,
            private_key: other.privateKeyPem,
            passphrase: WRONG_PASSPHRASE,
          },
          sessionKey,
        ),
      ];
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 200, 200],
        answers.map((a) => a.text).join('\n'),
      );
      assert.equal((JSON.parse(answers[3].text) as { category: string }).category, 'configuration', answers[3].text);
      answers.forEach((a, i) => outputs.push({ where: `REST answer ${i}`, text: a.text }));
      const stored = w.splunkd.passwords().find((p) => p.realm === ACCOUNT_REALM && p.name === 'viarest');
      assert.equal(
        (JSON.parse(stored?.clear_password ?? '{}') as { passphrase?: string }).passphrase,
        PASSPHRASE,
        'stored through the handler',
      );
    } finally {
      await rest.close();
    }
  });

  it('no secret in stdout, stderr, splunkd.log, ta_oci_audit.log, KV records or .conf files', () => {
    const logDir = path.join(w.splunkd.splunkHome, 'var', 'log', 'splunk');
    for (const f of ['splunkd.log', 'ta_oci_audit.log']) {
      const file = path.join(logDir, f);
      assert.ok(existsSync(file), `${f} exists`);
      outputs.push({ where: f, text: readFileSync(file, 'utf8') });
    }
    const taLog = outputs[outputs.length - 1].text;
    assert.ok(
      taLog.split('\n').length > 10 && /DEBUG /.test(taLog) && /ERROR /.test(taLog),
      'ta_oci_audit.log holds the runs, DEBUG and ERROR lines included',
    );
    const kv = w.splunkd.kvRecords('oci_audit_checkpoints');
    assert.ok(kv.length > 0);
    outputs.push({ where: 'KV oci_audit_checkpoints', text: JSON.stringify(kv) });
    for (const [file, text] of Object.entries(w.splunkd.confFilesText())) outputs.push({ where: `conf ${file}`, text });
    assert.ok(
      outputs.some((o) => o.where.endsWith('passwords.conf')),
      'passwords.conf (encrypted form) is among the conf files',
    );
    const leaks: string[] = [];
    for (const o of outputs) for (const [label, s] of secrets) if (o.text.includes(s)) leaks.push(`${label} in ${o.where}`);
    assert.deepEqual(leaks, []);
    recordResult('security: secrets never leak', {
      outputsSearched: outputs.length,
      secrets: secrets.size,
      bytesSearched: outputs.reduce((n, o) => n + o.text.length, 0),
      ...counts,
    });
  });
});
