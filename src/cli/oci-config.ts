// An account for the admin commands, from an OCI CLI config file (~/.oci/config, the SDK's own
// ConfigFileReader) and/or flags; problems are told with the flag or config key that fixes them.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

/** The OCI CLI config file's documentation (what `oci setup config` writes). */
const CONFIG_DOC = 'https://docs.oracle.com/en-us/iaas/Content/API/Concepts/sdkconfig.htm';
const ACCOUNT_FLAGS = '--tenancy --user --fingerprint --key-file --region';

/** `~/…` as the SDK expands it (oci-common 2.139.1 lib/config-file-reader.js expandUserHome). */
function expandHome(file: string): string {
  return /^~[/\\]/.test(file) ? path.join(os.homedir(), file.slice(2)) : file;
}

/**
 * The config file to read: --config-file, else the first that exists of ~/.oci/config, $OCI_CONFIG_FILE and
 * ~/.oraclebmc/config (the SDK's parseDefault order, lib/config-file-reader.js). A missing file is an expected
 * case: one sentence naming it and what to do, not the SDK's wording.
 */
function configFileToRead(f: AccountFlags): string {
  if (f.configFile) {
    if (!existsSync(expandHome(f.configFile)))
      throw new ConfigError(`--config-file ${f.configFile}: no such file; give the path of an OCI config file (${CONFIG_DOC})`);
    return expandHome(f.configFile);
  }
  const candidates = ['~/.oci/config', process.env.OCI_CONFIG_FILE, '~/.oraclebmc/config'].filter((c): c is string => Boolean(c));
  const found = candidates.map(expandHome).find((c) => existsSync(c));
  if (found) return found;
  throw new ConfigError(
    `no OCI config file at ${expandHome('~/.oci/config')}: create one with \`oci setup config\` (${CONFIG_DOC}), ` +
      `or give --config-file FILE, or the account as flags: ${ACCOUNT_FLAGS}`,
  );
}

/** Why a file could not be read, in words. */
function fileProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EISDIR') return 'it is a directory';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  return e.message;
}

/** The profile of a config file, parsed by the SDK; its problems said once, in our words. */
function readConfigFile(f: AccountFlags): ReturnType<typeof common.ConfigFileReader.parse> {
  const file = configFileToRead(f);
  const profile = f.profile ?? 'DEFAULT';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the OCI config file ${file}: ${fileProblem(err)}; give --config-file FILE, or ${ACCOUNT_FLAGS}`);
  }
  try {
    return common.ConfigFileReader.parse(text, profile);
  } catch (err) {
    // The SDK's messages end in a doubled "For more info … for more info …" sentence: cut it.
    const sdk = String((err as Error).message)
      .replace(/\s*For more info about config file.*$/s, '')
      .trim()
      .replace(/\.$/, '');
    if (/^No profile named/.test(sdk))
      throw new ConfigError(`the OCI config file ${file} has no profile [${profile}]; give --profile NAME of one of its profiles`);
    throw new ConfigError(`the OCI config file ${file} cannot be parsed: ${sdk}`);
  }
}

export function accountFromFlags(f: AccountFlags): OciAccount {
  const needFile = !(f.tenancy && (f.authType === 'instance_principal' || (f.user && f.fingerprint && f.keyFile)) && f.region);
  const fromFile = needFile ? readConfigFile(f) : undefined;
  const get = (k: string): string | undefined => fromFile?.get(k) ?? undefined;
  const keyFile = f.keyFile ?? get('key_file');
  let privateKey: string | undefined;
  if (keyFile && f.authType !== 'instance_principal') {
    try {
      privateKey = readFileSync(keyFile.replace(/^~(?=\/)/, process.env.HOME ?? '~'), 'utf8');
    } catch (err) {
      throw new ConfigError(
        `cannot read the private key file ${keyFile} (--key-file, or key_file in the config file): ${fileProblem(err)}`,
      );
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
