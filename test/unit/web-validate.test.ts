// The setup pages' field rules (src/web/validate.ts): the same rules as the modular input's parser.
import assert from 'node:assert/strict';
import { truthy } from '../../src/splunk/account-rules';
import { accountFormProblems, inputFormProblems, pemProblem, proxyFormProblems, type AccountForm } from '../../src/web/validate';

const KEY = `-----BEGIN PRIVATE KEY-----\n${'QUJD'
  .repeat(40)
  .match(/.{1,64}/g)
  ?.join('\n')}\n-----END PRIVATE KEY-----\n`;
const ok: AccountForm = {
  name: 'prod',
  auth_type: 'api_key',
  tenancy_ocid: 'ocid1.tenancy.oc1..aaaaaaaaexampleexample',
  user_ocid: 'ocid1.user.oc1..aaaaaaaaexampleexample',
  fingerprint: '12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0',
  region: 'us-ashburn-1',
  identity_endpoint: '',
  audit_endpoint: '',
  private_key: KEY,
  passphrase: '',
};

describe('setup page field rules', () => {
  it('accepts a complete API key account and names each bad field', () => {
    assert.deepEqual(accountFormProblems(ok, { creating: true, hasStoredKey: false }), {});
    const p = accountFormProblems(
      {
        ...ok,
        name: '-x',
        tenancy_ocid: 'ocid1.user.oc1..aaaaaaaaexampleexample',
        fingerprint: 'AA:BB',
        region: 'Ashburn',
        private_key: 'hello',
        audit_endpoint: 'http://example.com/{region}',
      },
      { creating: true, hasStoredKey: false },
    );
    assert.deepEqual(Object.keys(p).sort(), ['audit_endpoint', 'fingerprint', 'name', 'private_key', 'region', 'tenancy_ocid']);
  });
  it('accepts what the input accepts: an upper-case fingerprint (the input lower-cases it), every .conf boolean spelling', () => {
    assert.deepEqual(
      accountFormProblems({ ...ok, fingerprint: ok.fingerprint.toUpperCase() }, { creating: true, hasStoredKey: false }),
      {},
    );
    for (const v of ['1', 'true', 'T', 'yes', 'y', 'ON', ' on ', true]) assert.equal(truthy(v), true, String(v));
    for (const v of ['0', 'false', 'off', 'no', '', undefined, 'enabled']) assert.equal(truthy(v), false, String(v));
  });
  it('a blank key is fine when one is stored; instance principal needs no key fields', () => {
    assert.deepEqual(accountFormProblems({ ...ok, private_key: '' }, { creating: false, hasStoredKey: true }), {});
    assert.ok(accountFormProblems({ ...ok, private_key: '' }, { creating: false, hasStoredKey: false }).private_key);
    // the secrets endpoint could not say whether a key is stored: a blank key is not required
    assert.deepEqual(accountFormProblems({ ...ok, private_key: '' }, { creating: false, hasStoredKey: undefined }), {});
    assert.deepEqual(
      accountFormProblems(
        { ...ok, auth_type: 'instance_principal', user_ocid: '', fingerprint: '', private_key: '' },
        { creating: true, hasStoredKey: false },
      ),
      {},
    );
  });
  it('PEM: header and footer must match, body must be base64; an encrypted key needs a passphrase', () => {
    assert.equal(pemProblem(KEY), undefined);
    assert.ok(pemProblem(KEY.replace('END PRIVATE', 'END RSA PRIVATE')));
    const enc = KEY.replace(/PRIVATE KEY/g, 'ENCRYPTED PRIVATE KEY');
    assert.ok(accountFormProblems({ ...ok, private_key: enc }, { creating: true, hasStoredKey: false }).passphrase);
    assert.deepEqual(accountFormProblems({ ...ok, private_key: enc, passphrase: 'pw' }, { creating: true, hasStoredKey: false }), {});
  });
  it('input problems come from the modular input parser, filed under their parameter', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    assert.deepEqual(inputFormProblems('prod', { account: 'main' }, { creating: true, now }), {});
    const p = inputFormProblems(
      'bad name',
      {
        account: '',
        compartments: 'ocid1.compartment.oc1..x',
        start_date_time: '2027-01-01T00:00:00Z',
        max_concurrency: '65',
        partition: '3/3',
      },
      { creating: true, now },
    );
    assert.deepEqual(Object.keys(p).sort(), ['account', 'compartments', 'max_concurrency', 'name', 'partition', 'start_date_time']);
    assert.match(p.start_date_time, /in the future/);
  });
  it('proxy host and port', () => {
    assert.deepEqual(proxyFormProblems({ proxy_enabled: true, proxy_url: 'proxy.example.com', proxy_port: '3128' }), {});
    assert.deepEqual(Object.keys(proxyFormProblems({ proxy_enabled: true, proxy_url: 'http://p', proxy_port: '0' })).sort(), [
      'proxy_port',
      'proxy_url',
    ]);
    assert.deepEqual(proxyFormProblems({ proxy_enabled: false, proxy_url: '', proxy_port: '' }), {});
  });
});
