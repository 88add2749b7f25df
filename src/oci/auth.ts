// Authentication with the SDK's providers: API key (SimpleAuthenticationDetailsProvider) or
// instance principal (InstancePrincipalsAuthenticationDetailsProviderBuilder, oci-common lib/auth).
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type * as common from 'oci-common';
import { log } from '../log/logger';
import { ConfigError } from '../config-error';
import type { OciAccount } from './account';
import { keyFailure } from './rules';
import { CachedKeySigner } from './get-signer';
import { ociCommon } from './sdk';

export interface OciAuth {
  signer: common.RequestSigner;
}

export async function createAuth(account: OciAccount): Promise<OciAuth> {
  // Decrypted once; the SDK's provider and our GET signer both take the plain PEM.
  if (account.authType !== 'instance_principal') {
    const { pem, key } = readKey(account);
    const keyId = `${account.tenancyOcid}/${account.userOcid ?? ''}/${account.fingerprint ?? ''}`;
    // GETs (every request of a run) are signed by CachedKeySigner; the SDK's signer is built on the first other request.
    return { signer: new CachedKeySigner(() => sdkSigner(account, pem), keyId, key) };
  }
  const sdk = ociCommon();
  let provider: common.AuthenticationDetailsProvider;
  const builder = new sdk.InstancePrincipalsAuthenticationDetailsProviderBuilder();
  // Test hooks for an emulated metadata service and auth service; unset in production, where the
  // SDK reads http://169.254.169.254/opc/v2/ and derives https://auth.<region>.<domain> from it.
  const imds = process.env.TA_OCI_AUDIT_IMDS_URL;
  if (imds) builder.metadataBaseUrl = imds;
  const federation = process.env.TA_OCI_AUDIT_FEDERATION_URL;
  if (federation) builder.federationEndpoint = federation;
  try {
    provider = await builder.build();
  } catch (err) {
    const why = `instance principal authentication failed (${(err as Error).message})`;
    throw new ConfigError(`account "${account.name}": ${why}; is this host an OCI instance in a dynamic group with the audit policy?`);
  }
  return { signer: new sdk.DefaultRequestSigner(provider) };
}

/** The SDK's signer for an API key (requests with a body). */
function sdkSigner(account: OciAccount, pem: string): common.RequestSigner {
  const sdk = ociCommon();
  const provider = new sdk.SimpleAuthenticationDetailsProvider(
    account.tenancyOcid,
    account.userOcid ?? '',
    account.fingerprint ?? '',
    pem,
    null,
  );
  try {
    return new sdk.DefaultRequestSigner(provider);
  } catch (err) {
    // The key was already read and re-exported by readPrivateKey, so this is not a passphrase problem.
    throw new ConfigError(`account "${account.name}": the OCI SDK cannot use the private key (${(err as Error).message})`, 'privateKey');
  }
}

/**
 * Reads the PEM with node:crypto and hands the SDK an unencrypted PKCS#8 PEM. The SDK's own
 * decryption (sshpk) says "not an RSA private key" for a wrong passphrase and, for an encrypted
 * PKCS#1 key without one, throws from a stream callback: an uncaught exception that killed the
 * process with a stack trace.
 */
export function readPrivateKey(account: Pick<OciAccount, 'name' | 'privateKey' | 'passphrase'>): string {
  return readKey(account).pem;
}

/** readPrivateKey, with the parsed key too (parsed once per run). */
function readKey(account: Pick<OciAccount, 'name' | 'privateKey' | 'passphrase'>): { pem: string; key: KeyObject } {
  const pem = account.privateKey ?? '';
  const where = `account "${account.name}": the private key cannot be read`;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', passphrase: account.passphrase ?? undefined });
  } catch (err) {
    const failure = keyFailure(pem, account.passphrase, err);
    const why = {
      'no-passphrase': 'it is encrypted and no passphrase was given',
      'wrong-passphrase': 'the passphrase is wrong',
      'not-pem': 'it is not a private key in PEM form (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)',
    }[failure];
    throw new ConfigError(`${where}: ${why}`, failure === 'not-pem' ? 'privateKey' : 'passphrase');
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new ConfigError(
      `${where}: it is an ${String(key.asymmetricKeyType).toUpperCase()} key; OCI API signing keys are RSA`,
      'privateKey',
    );
  const plain = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  log.addSecret(plain); // the decrypted form is a secret of its own (other base64 lines)
  return { pem: plain, key };
}
