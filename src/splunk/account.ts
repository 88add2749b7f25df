// Reads the account, its secret and the add-on settings from splunkd (docs/contract.md "Accounts")
// and maps them to what the OCI code takes (src/oci/account.ts), in the words of the .conf files and
// the setup page. Secrets come only from storage/passwords and are registered with the logger.
import { ConfigError } from '../config-error';
import { log, parseLevel, type Level } from '../log/logger';
import { accountProblems as ociAccountProblems, type OciAccount, type OciAccountField, type OciProxy } from '../oci/account';
import { readPrivateKey } from '../oci/auth';
import type { SplunkdClient } from './splunkd-client';
import { ACCOUNT_CONF, ACCOUNT_REALM, SETTINGS_CONF, SETTINGS_REALM, truthy } from './account-rules';

export interface Settings {
  proxy?: OciProxy;
  logLevel: Level;
}

/** Each account field as ta_oci_audit_account.conf names it. */
const CONF_NAME: Record<OciAccountField, string> = {
  tenancyOcid: 'tenancy_ocid',
  userOcid: 'user_ocid',
  fingerprint: 'fingerprint',
  region: 'region',
  identityEndpoint: 'identity_endpoint',
  auditEndpoint: 'audit_endpoint',
  privateKey: 'private_key',
  passphrase: 'passphrase',
};

/** Validates account fields as stored; every problem names the field and what it accepts. */
export function accountProblems(a: OciAccount): string[] {
  return accountFieldProblems(a).map((text) => `account "${a.name}": ${text}`);
}

/** accountProblems without the account's name, for a form that shows one account (the connection check). */
export function accountFieldProblems(a: OciAccount): string[] {
  return ociAccountProblems(a).map(({ field, text }) =>
    field === 'privateKey' ? 'no private key in storage/passwords; add it on the Accounts tab' : `${CONF_NAME[field]} ${text}`,
  );
}

/** The account's key, read now so that a problem is told with where to fix it: the Accounts tab. */
function readKeyHere(account: OciAccount): string {
  try {
    return readPrivateKey(account);
  } catch (err) {
    if (err instanceof ConfigError && err.field === 'passphrase')
      throw new ConfigError(`${err.message}; enter the key's passphrase on the Accounts tab`, err.field);
    throw err;
  }
}

/** The JSON the setup pages store as a secret in storage/passwords (docs/contract.md "Accounts"). */
export interface SecretJson {
  private_key?: string;
  passphrase?: string;
  proxy_password?: string;
  password?: string;
}

/**
 * The JSON secret stored for `name` in `realm` (storage/passwords), registered with the log scrubber;
 * undefined when none is stored. The add-on's pages write it; anything else is a configuration error.
 */
export async function readStoredSecret(client: SplunkdClient, realm: string, name: string, what: string): Promise<SecretJson | undefined> {
  const entry = (await client.listPasswords()).find((e) => e.realm === realm && e.username === name);
  if (!entry) return undefined;
  log.addSecret(entry.clearPassword);
  let v: unknown;
  try {
    v = JSON.parse(entry.clearPassword);
  } catch {
    // reported below
  }
  if (typeof v !== 'object' || v === null)
    throw new ConfigError(`${what}: the stored secret is not the JSON object the add-on writes; save it again on the setup page`);
  const secret = v as SecretJson;
  for (const s of [secret.private_key, secret.passphrase, secret.proxy_password, secret.password]) log.addSecret(s);
  return secret;
}

/**
 * The account a stanza of ta_oci_audit_account.conf describes (values trimmed, fingerprint lower-cased),
 * with its key when it uses one; not yet validated (accountProblems). Used by the input and by the
 * Accounts tab's connection check, so both read an account the same way.
 */
export function accountFromConf(name: string, conf: Record<string, string>, secret?: SecretJson): OciAccount {
  const authType = (conf.auth_type ?? '').trim() || 'api_key';
  if (authType !== 'api_key' && authType !== 'instance_principal')
    throw new ConfigError(`account "${name}": auth_type "${authType}" is not accepted; use api_key or instance_principal`);
  const opt = (v: string | undefined): string | undefined => v?.trim() || undefined;
  const apiKey = authType === 'api_key';
  return {
    name,
    authType,
    tenancyOcid: (conf.tenancy_ocid ?? '').trim(),
    userOcid: apiKey ? opt(conf.user_ocid) : undefined,
    fingerprint: apiKey ? opt(conf.fingerprint)?.toLowerCase() : undefined,
    region: (conf.region ?? '').trim(),
    identityEndpoint: opt(conf.identity_endpoint),
    auditEndpoint: opt(conf.audit_endpoint),
    privateKey: apiKey ? secret?.private_key : undefined,
    passphrase: apiKey ? secret?.passphrase || undefined : undefined,
  };
}

export async function loadAccount(client: SplunkdClient, name: string): Promise<OciAccount> {
  const conf = await client.getConfStanza(ACCOUNT_CONF, name);
  if (!conf)
    throw new ConfigError(
      `account "${name}" does not exist in ${ACCOUNT_CONF}.conf; add it on the Accounts tab or fix the input's account`,
    );
  const keyless = accountFromConf(name, conf);
  const secret = keyless.authType === 'api_key' ? await readStoredSecret(client, ACCOUNT_REALM, name, `account "${name}"`) : undefined;
  const account = accountFromConf(name, conf, secret);
  const problems = accountProblems(account);
  if (problems.length) throw new ConfigError(problems.join('; '));
  // The OCI side gets the key decrypted once, here: it reads a plain PEM again at no cost.
  return account.authType === 'api_key' ? { ...account, privateKey: readKeyHere(account), passphrase: undefined } : account;
}

export async function loadSettings(client: SplunkdClient): Promise<Settings> {
  const [proxyConf, loggingConf] = await Promise.all([
    client.getConfStanza(SETTINGS_CONF, 'proxy'),
    client.getConfStanza(SETTINGS_CONF, 'logging'),
  ]);
  const logLevel = parseLevel(loggingConf?.loglevel) ?? 'INFO';
  if (!proxyConf || !truthy(proxyConf.proxy_enabled)) return { logLevel };
  const type = (proxyConf.proxy_type ?? 'http').trim() || 'http';
  if (type !== 'http') throw new ConfigError(`[proxy] proxy_type "${type}" is not supported; use http`);
  const host = (proxyConf.proxy_url ?? '')
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/$/, '');
  const port = (proxyConf.proxy_port ?? '').trim();
  if (!host) throw new ConfigError('[proxy] proxy_url is required when proxy_enabled = 1 (host name or IP of the proxy)');
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    throw new ConfigError(`[proxy] proxy_port "${port}" is not a port; use 1-65535`);
  const username = proxyConf.proxy_username?.trim() || undefined;
  const secret = username ? await readStoredSecret(client, SETTINGS_REALM, 'proxy', '[proxy]') : undefined;
  const password = secret?.proxy_password ?? secret?.password;
  return { logLevel, proxy: { url: `http://${host}:${port}`, username, password } };
}
