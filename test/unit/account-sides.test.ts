// The OCI code knows nothing of Splunk: it owns its account and proxy types (src/oci/account.ts) and
// says what is wrong; the input (src/splunk/account.ts) and the shell commands (src/cli/oci-config.ts)
// each add where to fix it in their own words.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accountFromFlags } from '../../src/cli/oci-config';
import { ConfigError } from '../../src/config-error';
import { accountProblems as ociProblems } from '../../src/oci/account';
import { readPrivateKey } from '../../src/oci/auth';
import { accountProblems, loadAccount } from '../../src/splunk/account';
import { ACCOUNT_REALM } from '../../src/splunk/account-rules';
import type { SplunkdClient } from '../../src/splunk/splunkd-client';

const root = path.resolve(__dirname, '..', '..');
const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
const encrypted = rsa.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' }).toString();
const ids = {
  tenancy: 'ocid1.tenancy.oc1..aaaaaaaaxyzxyzxyzx',
  user: 'ocid1.user.oc1..aaaaaaaaxyzxyzxyzx',
  fingerprint: '00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff',
  region: 'us-ashburn-1',
};

/** The two splunkd calls loadAccount makes, answered from memory. */
function splunkd(conf: Record<string, string>, secret: object): SplunkdClient {
  const fake = {
    getConfStanza: async () => conf,
    listPasswords: async () => [{ realm: ACCOUNT_REALM, username: 'main', clearPassword: JSON.stringify(secret) }],
  };
  return fake as unknown as SplunkdClient;
}
const conf = { tenancy_ocid: ids.tenancy, user_ocid: ids.user, fingerprint: ids.fingerprint, region: ids.region };

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail('did not throw');
}

describe('OCI side and front ends', () => {
  it('src/oci imports nothing from the Splunk side, the shell commands or the setup pages', () => {
    const dir = path.join(root, 'src/oci');
    for (const f of readdirSync(dir)) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      assert.doesNotMatch(text, /from '\.\.\/(splunk|cli|modular-input|rest|web)\//, f);
      assert.doesNotMatch(text, /Accounts tab|Proxy tab|setup page|storage\/passwords/, f);
    }
  });

  it('the OCI side names the field and what is accepted, nothing about where it is set', () => {
    const p = ociProblems({ name: 'x', authType: 'api_key', tenancyOcid: 'nope', region: ids.region, auditEndpoint: 'http://a/{region}' });
    assert.deepEqual(
      p.map((x) => x.field),
      ['tenancyOcid', 'userOcid', 'fingerprint', 'privateKey', 'auditEndpoint'],
    );
    const message = thrown(() => readPrivateKey({ name: 'main', privateKey: encrypted }));
    assert.equal(message, 'account "main": the private key cannot be read: it is encrypted and no passphrase was given');
  });

  it('the input: .conf names and the Accounts tab', async () => {
    assert.deepEqual(accountProblems({ name: 'main', authType: 'api_key', tenancyOcid: ids.tenancy, region: 'moon' }), [
      `account "main": region must be the tenancy's home region identifier, e.g. us-ashburn-1`,
      'account "main": user_ocid must be a user OCID (ocid1.user.oc1..aaaa…)',
      'account "main": fingerprint must be 16 colon-separated lower-case hex pairs (aa:bb:…)',
      'account "main": no private key in storage/passwords; add it on the Accounts tab',
    ]);
    await assert.rejects(
      loadAccount(splunkd(conf, { private_key: encrypted }), 'main'),
      (err: Error) =>
        err instanceof ConfigError &&
        err.message ===
          'account "main": the private key cannot be read: it is encrypted and no passphrase was given; ' +
            "enter the key's passphrase on the Accounts tab",
    );
    await assert.rejects(
      loadAccount(splunkd(conf, { private_key: encrypted, passphrase: 'wrong' }), 'main'),
      /passphrase is wrong; .*Accounts tab/,
    );
  });

  it('the input hands the OCI side the key decrypted once, and no passphrase', async () => {
    const a = await loadAccount(splunkd(conf, { private_key: encrypted, passphrase: 'right' }), 'main');
    assert.match(a.privateKey ?? '', /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(a.passphrase, undefined);
    assert.equal(readPrivateKey(a), a.privateKey);
  });

  describe('the shell commands: flags and the OCI CLI config file', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'oci-flags-'));
      writeFileSync(path.join(dir, 'key.pem'), encrypted, { mode: 0o600 });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const flags = (extra: object = {}) => ({ ...ids, keyFile: path.join(dir, 'key.pem'), authType: 'api_key', ...extra });

    it('names the flag and the config key, never a Splunk tab', () => {
      const message = thrown(() => accountFromFlags(flags({ tenancy: 'ocid1.user.oc1..aaaaaaaaxyzxyzxyzx', region: 'moon' })));
      assert.match(message, /^--tenancy \(config: tenancy\) must be a tenancy OCID/);
      assert.match(message, /; --region \(config: region\) must be the tenancy's home region/);
      assert.doesNotMatch(message, /tab|storage\/passwords/);
    });

    it('a passphrase problem says where the passphrase comes from', () => {
      const old = process.env.OCI_CLI_PASSPHRASE;
      delete process.env.OCI_CLI_PASSPHRASE;
      try {
        const message = thrown(() => accountFromFlags(flags()));
        assert.match(message, /encrypted and no passphrase was given; set OCI_CLI_PASSPHRASE or pass_phrase in the config file$/);
        process.env.OCI_CLI_PASSPHRASE = 'right';
        const a = accountFromFlags(flags());
        assert.match(a.privateKey ?? '', /^-----BEGIN PRIVATE KEY-----/);
        assert.equal(a.passphrase, undefined);
      } finally {
        if (old === undefined) delete process.env.OCI_CLI_PASSPHRASE;
        else process.env.OCI_CLI_PASSPHRASE = old;
      }
    });
  });
});
