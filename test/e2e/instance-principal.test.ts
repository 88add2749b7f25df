// Instance principal auth end to end: the SDK's builder reads the emulated instance metadata
// service, federates at the auth service for a session token, and every OCI call is signed ST$<token>.
import assert from 'node:assert/strict';
import { isoMinutesAgo, expectedEvents, startWorld, type World } from '../support/world';

describe('instance principal authentication (end to end)', function () {
  this.timeout(120_000);
  let w: World;
  let env: Record<string, string>;
  before(async () => {
    w = await startWorld({ tenancy: { regions: 2, compartments: 3 } });
    w.splunkd.setConf('ta_oci_audit_account', 'ip', {
      auth_type: 'instance_principal',
      tenancy_ocid: w.oci.tenancy.tenancyId,
      region: w.oci.tenancy.homeRegion,
      identity_endpoint: w.oci.identityEndpoint,
      audit_endpoint: w.oci.auditEndpoint,
    });
    env = {
      TA_OCI_AUDIT_IMDS_URL: w.oci.instancePrincipal.metadataBaseUrl,
      TA_OCI_AUDIT_FEDERATION_URL: w.oci.instancePrincipal.federationEndpoint,
    };
  });
  after(() => w.close());

  it('collects every event with a session token from the X.509 federation, no API key stored', async () => {
    const start = isoMinutesAgo(40);
    w.oci.resetStats();
    const r = await w.run({ account: 'ip', start_date_time: start }, { name: 'ip', env });
    assert.equal(r.exitCode, 0, r.stderrLines.join('\n'));
    assert.deepEqual(r.streamErrors, []);
    const expected = expectedEvents(w, new Date(start), 'ip');
    assert.ok(expected.size > 0);
    assert.equal(r.events.length, expected.size);
    assert.ok(w.oci.instancePrincipal.tokensIssued() >= 1, 'a session token was issued');
    const s = w.oci.stats();
    assert.ok((s.byOperation.X509Federation ?? 0) >= 1 && (s.byOperation.InstanceMetadata ?? 0) >= 3);
    assert.equal(s.authFailures, 0);
    assert.ok(!w.splunkd.passwords().some((p) => p.name === 'ip'), 'nothing in storage/passwords for it');
  });

  it('off an OCI instance (no metadata service): a clear ERROR, nothing emitted, no checkpoint', async () => {
    w.oci.instancePrincipal.setAvailable(false);
    try {
      const r = await w.run({ account: 'ip', start_date_time: isoMinutesAgo(40) }, { name: 'ip_off', env });
      assert.equal(r.exitCode, 1);
      assert.equal(r.events.length, 0);
      assert.ok(
        r.stderrLines.some((l) => /^ERROR .*instance principal authentication failed.*OCI instance/.test(l)),
        r.stderrLines.join('\n'),
      );
      assert.equal(w.checkpoints('ip_off').length, 0);
    } finally {
      w.oci.instancePrincipal.setAvailable(true);
    }
  });
});
