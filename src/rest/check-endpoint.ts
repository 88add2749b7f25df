// POST /servicesNS/nobody/TA-oci-audit/ta_oci_audit/account_check: reads the stored account with the
// caller's session, puts the form's unsaved values on top and runs the connection check.
import { log } from '../log/logger';
import { loadSettings, readStoredSecret } from '../splunk/account';
import { checkAccount, type CheckResult } from './account-check';
import { accountFrom, type StoredAccount } from './account-form';
import { callerClient } from './caller-session';
import type { Probe } from './oci-probe';
import { errorReply, formOf, jsonReply, type PersistentReply, type PersistentRequest } from './persistconn';
import { ACCOUNT_CONF, ACCOUNT_REALM } from '../splunk/account-rules';
import { ConfigError } from '../config-error';
import type { OciProxy } from '../oci/account';

export const CHECK_PATH = '/ta_oci_audit/account_check';

export interface CheckDeps {
  /** the stored account (conf stanza + storage/passwords secret) and the proxy, read with the caller's session */
  load(req: PersistentRequest, name: string | undefined): Promise<{ stored?: StoredAccount; proxy?: OciProxy }>;
  probe?: Probe;
}

/** Reads through splunkd's REST API with the caller's own session (passSession), as the page would. */
export const splunkdCheckDeps: CheckDeps = {
  async load(req, name) {
    const client = callerClient(req);
    try {
      let stored: StoredAccount | undefined;
      const conf = name ? await client.getConfStanza(ACCOUNT_CONF, name) : undefined;
      if (name && conf) stored = { conf, secret: await readStoredSecret(client, ACCOUNT_REALM, name, `account "${name}"`) };
      const settings = await loadSettings(client);
      return { stored, proxy: settings.proxy };
    } finally {
      await client.close();
    }
  },
};

const configFailure = (message: string): PersistentReply =>
  jsonReply(200, { ok: false, category: 'configuration', message, statements: [] } satisfies CheckResult);

export async function handleAccountCheck(req: PersistentRequest, deps: CheckDeps): Promise<PersistentReply> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'POST')
    return errorReply(405, `${method} is not supported; POST the account name (name=…) and, for an unsaved form, its fields`);
  const form = formOf(req);
  const name = form.name?.trim() || undefined;
  const posted = 'tenancy_ocid' in form;
  if (!name && !posted) return errorReply(400, 'The following required arguments are missing: name.');
  log.addSecret(form.private_key);
  log.addSecret(form.passphrase);
  let loaded: Awaited<ReturnType<CheckDeps['load']>>;
  try {
    loaded = await deps.load(req, name);
  } catch (err) {
    if (err instanceof ConfigError) return configFailure(err.message);
    const status = (err as { status?: unknown }).status;
    return errorReply(
      typeof status === 'number' && status >= 400 ? status : 500,
      `cannot read the account from splunkd: ${(err as Error).message}`,
    );
  }
  if (!loaded.stored && !posted) return errorReply(404, `Account "${name}" does not exist; save it on the Accounts tab first`);
  let account;
  try {
    account = accountFrom(form, loaded.stored);
  } catch (err) {
    if (err instanceof ConfigError) return configFailure(err.message);
    throw err;
  }
  const result = await checkAccount(account, loaded.proxy, { probe: deps.probe, group: form.group });
  log.info(
    `account check: account=${account.name} ok=${result.ok}${result.ok ? '' : ` category=${result.category} status=${result.status ?? ''}`}`,
    { user: req.session?.user },
  );
  return jsonReply(200, result);
}
