// The splunkd emulator as the benches start it: the app's own configuration, and the account `bench` with its
// key in storage/passwords, pointed at the bench's OCI emulator (bench-emulator.ts).
import path from 'node:path';
import { startSplunkd, type Splunkd } from '../../test/emulators/splunkd';

export interface BenchEmulatorInfo {
  identityEndpoint: string;
  auditEndpoint: string;
  apiKey: { userId: string; fingerprint: string; privateKeyPem: string };
  tenancyId: string;
  homeRegion: string;
}

export async function startBenchSplunkd(emu: BenchEmulatorInfo): Promise<Splunkd> {
  const splunkd = await startSplunkd({ appDir: path.resolve(__dirname, '..', '..') });
  splunkd.setConf('ta_oci_audit_account', 'bench', {
    auth_type: 'api_key',
    tenancy_ocid: emu.tenancyId,
    user_ocid: emu.apiKey.userId,
    fingerprint: emu.apiKey.fingerprint,
    region: emu.homeRegion,
    identity_endpoint: emu.identityEndpoint,
    audit_endpoint: emu.auditEndpoint,
  });
  splunkd.setPassword(
    '__REST_CREDENTIAL__#TA-oci-audit#configs/conf-ta_oci_audit_account',
    'bench',
    JSON.stringify({ private_key: emu.apiKey.privateKeyPem }),
  );
  return splunkd;
}
