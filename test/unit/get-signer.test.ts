import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { DefaultRequestSigner, SimpleAuthenticationDetailsProvider } from 'oci-common';
import { CachedKeySigner } from '../../src/oci/get-signer';

describe('CachedKeySigner', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sdk = new DefaultRequestSigner(
    new SimpleAuthenticationDetailsProvider('ocid1.tenancy.oc1..t', 'ocid1.user.oc1..u', 'aa:bb', pem, null),
  );
  const ours = new CachedKeySigner(sdk, 'ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb', createPrivateKey(pem));

  async function headersOf(
    s: { signHttpRequest: DefaultRequestSigner['signHttpRequest'] },
    method: 'GET' | 'POST',
    uri: string,
    body?: string,
  ): Promise<Record<string, string>> {
    const headers = new Headers({ 'x-date': 'Fri, 27 Nov 2026 10:00:00 GMT', date: 'Fri, 27 Nov 2026 10:00:00 GMT' });
    await s.signHttpRequest({ method, uri, headers, body });
    return Object.fromEntries(headers);
  }

  it('signs a GET exactly as the SDK signer does (same headers, same signature)', async () => {
    const uri =
      'https://audit.eu-frankfurt-1.oraclecloud.com/20190901/auditEvents?compartmentId=ocid1.compartment.oc1..x&startTime=2026-01-01T00%3A00%3A00Z&endTime=2026-01-01T01%3A00%3A00Z&page=a%2Bb%3D';
    assert.deepEqual(await headersOf(ours, 'GET', uri), await headersOf(sdk, 'GET', uri));
  });

  it('adds the same headers as the SDK when none is given', async () => {
    const a = new Headers();
    const b = new Headers();
    await ours.signHttpRequest({ method: 'GET', uri: 'http://127.0.0.1:9/x?y=1', headers: a });
    await sdk.signHttpRequest({ method: 'GET', uri: 'http://127.0.0.1:9/x?y=1', headers: b });
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  });

  it('leaves requests with a body to the SDK signer', async () => {
    const uri = 'http://127.0.0.1:9/x';
    assert.deepEqual(await headersOf(ours, 'POST', uri, '{"a":1}'), await headersOf(sdk, 'POST', uri, '{"a":1}'));
  });
});
