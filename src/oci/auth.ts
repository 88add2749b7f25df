// Authentication with the SDK's providers: API key (SimpleAuthenticationDetailsProvider) or
// instance principal (InstancePrincipalsAuthenticationDetailsProviderBuilder, oci-common lib/auth).
import * as common from 'oci-common';
import type { Account } from '../splunk/account';
import { ConfigError } from '../splunk/account';
import { CachedKeySigner } from './get-signer';

export interface OciAuth {
  provider: common.AuthenticationDetailsProvider;
  signer: common.RequestSigner;
}

export async function createAuth(account: Account): Promise<OciAuth> {
  let provider: common.AuthenticationDetailsProvider;
  if (account.authType === 'instance_principal') {
    const builder = new common.InstancePrincipalsAuthenticationDetailsProviderBuilder();
    // Test hook for an emulated instance metadata service; never set in production.
    const imds = process.env.TA_OCI_AUDIT_IMDS_URL;
    if (imds) builder.metadataBaseUrl = imds;
    try {
      provider = await builder.build();
    } catch (err) {
      throw new ConfigError(`account "${account.name}": instance principal authentication failed (${(err as Error).message}); is splunkd running on an OCI instance in a dynamic group with the audit policy?`);
    }
  } else {
    provider = new common.SimpleAuthenticationDetailsProvider(
      account.tenancyOcid,
      account.userOcid ?? '',
      account.fingerprint ?? '',
      account.privateKey ?? '',
      account.passphrase ?? null,
    );
  }
  let signer: common.DefaultRequestSigner;
  try {
    signer = new common.DefaultRequestSigner(provider);
  } catch (err) {
    const why = /passphrase|decrypt|encrypted/i.test((err as Error).message) ? 'the passphrase is wrong or missing' : 'it is not an RSA private key in PEM form';
    throw new ConfigError(`account "${account.name}": the private key cannot be read: ${why}`);
  }
  if (account.authType === 'instance_principal') return { provider, signer };
  return { provider, signer: new CachedKeySigner(signer, `${account.tenancyOcid}/${account.userOcid ?? ''}/${account.fingerprint ?? ''}`, account.privateKey ?? '', account.passphrase) };
}
