// An account for the admin commands, from an OCI CLI config file (~/.oci/config, the SDK's own
// ConfigFileReader) and/or flags; problems are told with the flag or config key that fixes them.
import { readFileSync } from 'node:fs';
import * as common from 'oci-common';
import { ConfigError } from '../config-error';
import { log } from '../log/logger';
import { accountProblems, type OciAccount, type OciAccountField } from '../oci/account';
import { readPrivateKey } from '../oci/auth';

export interface AccountFlags {
  configFile?: string;
  profile?: string;
  tenancy?: string;
  user?: string;
  fingerprint?: string;
  keyFile?: string;
  region?: string;
  authType?: string;
  identityEndpoint?: string;
  auditEndpoint?: string;
}

/** Each account field as the commands take it: the flag, and the key of the OCI CLI config file. */
const FLAG_NAME: Record<OciAccountField, string> = {
  tenancyOcid: '--tenancy (config: tenancy)',
  userOcid: '--user (config: user)',
  fingerprint: '--fingerprint (config: fingerprint)',
  region: '--region (config: region)',
  privateKey: '--key-file (config: key_file)',
  passphrase: 'the passphrase (OCI_CLI_PASSPHRASE, or config: pass_phrase)',
  identityEndpoint: '--identity-endpoint',
  auditEndpoint: '--audit-endpoint',
};

export function accountFromFlags(f: AccountFlags): OciAccount {
  let fromFile: ReturnType<typeof common.ConfigFileReader.parseDefault> | undefined;
  const needFile = !(f.tenancy && (f.authType === 'instance_principal' || (f.user && f.fingerprint && f.keyFile)) && f.region);
  if (needFile) {
    try {
      fromFile = f.configFile
        ? common.ConfigFileReader.parseFileFromPath(f.configFile, f.profile ?? 'DEFAULT')
        : common.ConfigFileReader.parseDefault(f.profile ?? 'DEFAULT');
    } catch (err) {
      const instead = 'give --config-file or --tenancy --user --fingerprint --key-file --region';
      throw new ConfigError(`cannot read the OCI config file (${(err as Error).message}); ${instead}`);
    }
  }
  const get = (k: string): string | undefined => fromFile?.get(k) ?? undefined;
  const keyFile = f.keyFile ?? get('key_file');
  let privateKey: string | undefined;
  if (keyFile && f.authType !== 'instance_principal') {
    try {
      privateKey = readFileSync(keyFile.replace(/^~(?=\/)/, process.env.HOME ?? '~'), 'utf8');
    } catch (err) {
      throw new ConfigError(`key_file: cannot read ${keyFile}: ${(err as Error).message}`);
    }
  }
  const passphrase = process.env.OCI_CLI_PASSPHRASE ?? get('pass_phrase');
  const account: OciAccount = {
    name: f.profile ?? 'cli',
    authType: f.authType === 'instance_principal' ? 'instance_principal' : 'api_key',
    tenancyOcid: f.tenancy ?? get('tenancy') ?? '',
    userOcid: f.user ?? get('user'),
    fingerprint: (f.fingerprint ?? get('fingerprint'))?.toLowerCase(),
    region: f.region ?? get('region') ?? '',
    identityEndpoint: f.identityEndpoint,
    auditEndpoint: f.auditEndpoint,
    privateKey,
    passphrase: passphrase || undefined,
  };
  log.addSecret(privateKey);
  log.addSecret(passphrase);
  const problems = accountProblems(account).map(({ field, text }) => `${FLAG_NAME[field]} ${text}`);
  if (problems.length) throw new ConfigError(problems.join('; '));
  if (account.authType !== 'api_key') return account;
  // Read now, so that a key problem says where the passphrase comes from; the OCI side gets the plain PEM.
  try {
    return { ...account, privateKey: readPrivateKey(account), passphrase: undefined };
  } catch (err) {
    if (err instanceof ConfigError && err.field === 'passphrase')
      throw new ConfigError(`${err.message}; set OCI_CLI_PASSPHRASE or pass_phrase in the config file`, err.field);
    throw err;
  }
}
