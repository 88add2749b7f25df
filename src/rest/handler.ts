// `oci_audit --rest-handler`: the persistent REST driver splunkd starts for default/restmap.conf
// [script:ta_oci_audit_account_check]. One endpoint: POST …/ta_oci_audit/account_check.
import { log } from '../log/logger';
import { ACCOUNT_CONF, ACCOUNT_REALM, ConfigError, loadSettings, readStoredSecret, type ProxySettings } from '../splunk/account';
import { SPLUNKD_QUICK_RETRY } from '../pipeline/retry';
import { SplunkdClient } from '../splunk/splunkd-client';
import { checkAccount, accountFrom, type CheckResult, type Probe, type StoredAccount } from './account-check';
import { errorReply, formOf, jsonReply, serve, type PersistentReply, type PersistentRequest } from './persistconn';

export const CHECK_PATH = '/ta_oci_audit/account_check';

export interface HandlerDeps {
  /** the stored account (conf stanza + storage/passwords secret) and the proxy, read with the caller's session */
  load(req: PersistentRequest, name: string | undefined): Promise<{ stored?: StoredAccount; proxy?: ProxySettings }>;
  probe?: Probe;
}

/** Reads through splunkd's REST API with the caller's own session (passSession), as the page would. */
export const splunkdDeps: HandlerDeps = {
  async load(req, name) {
    const uri = req.server?.rest_uri;
    const token = req.session?.authtoken;
    if (!uri || !token) throw new Error('splunkd sent no server.rest_uri or session.authtoken (restmap.conf passSession must stay true)');
    const client = new SplunkdClient(uri, token, { retry: SPLUNKD_QUICK_RETRY, timeoutMs: 10_000 });
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

export async function handleRequest(req: PersistentRequest, deps: HandlerDeps = splunkdDeps): Promise<PersistentReply> {
  const path = (req.rest_path ?? req.path_info ?? '').replace(/\/+$/, '');
  if (!path.endsWith(CHECK_PATH)) return errorReply(404, `Not Found: ${path || '/'}`);
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'POST')
    return errorReply(405, `${method} is not supported; POST the account name (name=…) and, for an unsaved form, its fields`);
  const form = formOf(req);
  const name = form.name?.trim() || undefined;
  const posted = 'tenancy_ocid' in form;
  if (!name && !posted) return errorReply(400, 'The following required arguments are missing: name.');
  log.addSecret(form.private_key);
  log.addSecret(form.passphrase);
  let loaded: Awaited<ReturnType<HandlerDeps['load']>>;
  try {
    loaded = await deps.load(req, name);
  } catch (err) {
    if (err instanceof ConfigError)
      return jsonReply(200, { ok: false, category: 'configuration', message: err.message, statements: [] } satisfies CheckResult);
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
    if (err instanceof ConfigError)
      return jsonReply(200, { ok: false, category: 'configuration', message: err.message, statements: [] } satisfies CheckResult);
    throw err;
  }
  const result = await checkAccount(account, loaded.proxy, { probe: deps.probe, group: form.group });
  log.info(
    `account check: account=${account.name} ok=${result.ok}${result.ok ? '' : ` category=${result.category} status=${result.status ?? ''}`}`,
    { user: req.session?.user },
  );
  return jsonReply(200, result);
}

/** The persistent driver loop on stdin/stdout; ends when splunkd closes stdin. */
export async function runRestHandler(): Promise<number> {
  const write = (b: Buffer): Promise<void> => new Promise((resolve, reject) => process.stdout.write(b, (e) => (e ? reject(e) : resolve())));
  log.info('persistent REST handler started');
  await serve(process.stdin, write, (req) => handleRequest(req));
  return 0;
}
