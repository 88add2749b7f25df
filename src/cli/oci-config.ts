// An account for the admin commands, from an OCI CLI config file (~/.oci/config, the SDK's own
// ConfigFileReader) and/or flags.
import { readFileSync } from 'node:fs';
import * as common from 'oci-common';
import { accountProblems, ConfigError, type Account } from '../splunk/account';
import { log } from '../log/logger';

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

export function accountFromFlags(f: AccountFlags): Account {
  let fromFile: ReturnType<typeof common.ConfigFileReader.parseDefault> | undefined;
  const needFile = !(f.tenancy && (f.authType === 'instance_principal' || (f.user && f.fingerprint && f.keyFile)) && f.region);
  if (needFile) {
    try {
      fromFile = f.configFile
        ? common.ConfigFileReader.parseFileFromPath(f.configFile, f.profile ?? 'DEFAULT')
        : common.ConfigFileReader.parseDefault(f.profile ?? 'DEFAULT');
    } catch (err) {
      throw new ConfigError(
        `cannot read the OCI config file (${(err as Error).message}); give --config-file or --tenancy --user --fingerprint --key-file --region`,
      );
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
  const account: Account = {
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
  const problems = accountProblems(account);
  if (problems.length) throw new ConfigError(problems.join('; '));
  return account;
}
