// Unit checks behind docs/security.md: log scrubbing, private-key reading, proxy and TLS error
// classification, endpoint rules.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Logger } from '../../src/log/logger';
import { readPrivateKey } from '../../src/oci/auth';
import { classify, explain, ProxyTunnelError } from '../../src/oci/errors';
import { accountProblems } from '../../src/splunk/account';
import { endpointTemplateProblem } from '../../src/oci/rules';

const base = {
  name: 'main',
  authType: 'api_key' as const,
  tenancyOcid: 'ocid1.tenancy.oc1..aaaaaaaaxyzxyzxyzx',
  userOcid: 'ocid1.user.oc1..aaaaaaaaxyzxyzxyzx',
  fingerprint: '00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff',
  region: 'us-ashburn-1',
  privateKey: 'x',
};

describe('security: log scrubbing', () => {
  it('scrubs a secret in the message and in fields, also when JSON-quoting would escape it', () => {
    const lines: string[] = [];
    const log = new Logger();
    log.addSink((l) => lines.push(l));
    const secret = 'pa"ss\\wo\nrd-123';
    log.addSecret(secret);
    log.error(`failed with ${secret}`, { detail: `x ${secret} y`, n: 1 });
    assert.equal(lines.length, 1);
    assert.ok(!lines[0].includes('pa"ss'), lines[0]);
    assert.ok(!lines[0].includes(JSON.stringify(secret).slice(1, -1)), lines[0]);
    assert.match(lines[0], /failed with \*\*\*\*\*\*\*\* detail="x \*\*\*\*\*\*\*\* y" n=1/);
  });

  it('scrubs each body line of a PEM', () => {
    const lines: string[] = [];
    const log = new Logger();
    log.addSink((l) => lines.push(l));
    const pem = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    log.addSecret(pem);
    const bodyLine = pem.split('\n')[3];
    log.warn(`quoted: ${bodyLine}`);
    assert.ok(!lines[0].includes(bodyLine));
  });
});

describe('security: reading the private key', () => {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  const pk8 = rsa.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' }).toString();
  const pk1 = rsa.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' }).toString();

  it('decrypts PKCS#8 and PKCS#1 with the passphrase; hands on an unencrypted PKCS#8 PEM', () => {
    for (const pem of [pk8, pk1]) {
      const out = readPrivateKey({ name: 'main', privateKey: pem, passphrase: 'right' });
      assert.match(out, /^-----BEGIN PRIVATE KEY-----/);
    }
  });

  it('says which: wrong passphrase, missing passphrase, not a key, not RSA (never a crash)', () => {
    for (const pem of [pk8, pk1]) {
      assert.throws(
        () => readPrivateKey({ name: 'main', privateKey: pem, passphrase: 'wrong' }),
        /account "main": the private key cannot be read: the passphrase is wrong/,
      );
      assert.throws(() => readPrivateKey({ name: 'main', privateKey: pem }), /account "main": .*encrypted and no passphrase was given/);
    }
    assert.throws(() => readPrivateKey({ name: 'main', privateKey: 'garbage' }), /not a private key in PEM form/);
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => readPrivateKey({ name: 'main', privateKey: ec }), /it is an EC key; OCI API signing keys are RSA/);
  });
});

describe('security: proxy and TLS failures are explained, not retried as transient', () => {
  it('407 from the proxy (its own error, or the cause of another) is a configuration error naming the proxy credentials', () => {
    for (const err of [new ProxyTunnelError(407), Object.assign(new Error('request failed'), { cause: new ProxyTunnelError(407) })]) {
      const c = classify(err);
      assert.equal(c.category, 'configuration');
      assert.equal(c.retryable, false);
      assert.match(explain(c, 'list region subscriptions'), /proxy refused the credentials \(407 Proxy Authentication Required\)/);
    }
    assert.equal(classify(new ProxyTunnelError(502)).retryable, true);
  });

  it('an untrusted certificate is a configuration error that says verification stays on', () => {
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      const c = classify({ code, message: 'self-signed certificate' });
      assert.equal(c.category, 'configuration', code);
      assert.equal(c.retryable, false, code);
      assert.match(explain(c, 'list region subscriptions'), /TLS certificate .* not trusted .*verification stays on/, code);
    }
    // The SDK's plain-object rejection keeps the code; undici nests it in `cause`.
    assert.equal(classify({ message: 'fetch failed', cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } }).category, 'configuration');
  });
});

describe('security: endpoint rules', () => {
  it("plain http only for 127.0.0.1 / localhost; the account's message names the field", () => {
    assert.equal(endpointTemplateProblem('http://127.0.0.1:8080/audit/{region}'), undefined);
    assert.equal(endpointTemplateProblem('http://localhost/{region}'), undefined);
    assert.equal(endpointTemplateProblem('https://audit.{region}.oraclecloud.com'), undefined);
    for (const value of [
      'http://audit.{region}.oraclecloud.com',
      'http://10.0.0.5/{region}',
      'http://127.0.0.1.nip.io/{region}',
      'ftp://127.0.0.1/{region}',
    ])
      assert.match(endpointTemplateProblem(value) ?? '', /^must use https:\/\//, value);
    const p = accountProblems({
      ...base,
      auditEndpoint: 'http://audit.{region}.example.com',
      identityEndpoint: 'https://identity.{region}.example.com',
    });
    assert.deepEqual(p, ['account "main": audit_endpoint must use https:// (plain http:// is allowed only for 127.0.0.1 or localhost)']);
  });
});
