// /servicesNS/nobody/TA-oci-audit/ta_oci_audit/secrets: the setup page's only way to the add-on's secrets.
// Write-only, as UCC add-ons keep them: the page posts a key, passphrase or proxy password and learns
// back only whether one is stored; no clear text ever leaves this process (docs/contract.md).
//   GET  -> {"accounts": {"<name>": {"private_key": bool, "passphrase": bool}}, "proxy": {"proxy_password": bool}}
//   POST kind=account&action=set&name=…&private_key=…[&passphrase=…] | kind=account&action=delete&name=…
//        kind=proxy&action=set&proxy_password=… | kind=proxy&action=delete
//        -> {"kind", "name", "stored": {…bool}}
import { log } from '../log/logger';
import { ACCOUNT_REALM, SETTINGS_REALM } from '../splunk/account-rules';
import { ACCOUNT_RE } from '../splunk/parameters';
import { errorReply, formOf, jsonReply, type PersistentReply, type PersistentRequest } from './persistconn';
import type { SecretStore, StoredSecret } from './secret-store';

export const SECRETS_PATH = '/ta_oci_audit/secrets';
/** The one stanza of ta_oci_audit_settings.conf that has a secret. */
const PROXY = 'proxy';

export interface AccountSecretState {
  private_key: boolean;
  passphrase: boolean;
}
export interface SecretsState {
  accounts: Record<string, AccountSecretState>;
  proxy: { proxy_password: boolean };
}

function parsed(s: StoredSecret | undefined): Record<string, unknown> {
  if (!s) return {};
  log.addSecret(s.clear);
  try {
    const v = JSON.parse(s.clear) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
const present = (v: unknown): boolean => typeof v === 'string' && v !== '';

/** Whether each secret is stored, and nothing else. */
export function secretsState(entries: StoredSecret[]): SecretsState {
  const accounts: Record<string, AccountSecretState> = {};
  for (const e of entries.filter((x) => x.realm === ACCOUNT_REALM)) {
    const s = parsed(e);
    accounts[e.name] = { private_key: present(s.private_key), passphrase: present(s.passphrase) };
  }
  const p = parsed(entries.find((x) => x.realm === SETTINGS_REALM && x.name === PROXY));
  return { accounts, proxy: { proxy_password: present(p.proxy_password) || present(p.password) } };
}

export async function handleSecrets(req: PersistentRequest, store: SecretStore): Promise<PersistentReply> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET') return jsonReply(200, secretsState(await store.list()));
  if (method !== 'POST') return errorReply(405, `${method} is not supported; GET the state or POST kind and action`);
  const form = formOf(req);
  for (const k of ['private_key', 'passphrase', 'proxy_password']) log.addSecret(form[k]);
  const kind = form.kind ?? '';
  const action = form.action ?? '';
  if (!['account', 'proxy'].includes(kind)) return errorReply(400, `kind: "${kind}" is not accepted; use account or proxy`);
  if (!['set', 'delete'].includes(action)) return errorReply(400, `action: "${action}" is not accepted; use set or delete`);
  const who = req.session?.user ?? '?';
  if (kind === 'proxy') {
    if (action === 'delete') await store.remove(SETTINGS_REALM, PROXY);
    else {
      if (!present(form.proxy_password))
        return errorReply(400, 'proxy_password: required to set the proxy password (action=delete removes it)');
      await store.set(SETTINGS_REALM, PROXY, JSON.stringify({ proxy_password: form.proxy_password }));
    }
    log.info(`secrets: proxy password ${action === 'set' ? 'stored' : 'deleted'}`, { user: who });
    return jsonReply(200, { kind, name: PROXY, stored: { proxy_password: action === 'set' } });
  }
  const name = form.name ?? '';
  if (!ACCOUNT_RE.test(name)) return errorReply(400, `name: "${name}" is not an account name (1 to 100 letters, digits, _ . @ -)`);
  if (action === 'delete') await store.remove(ACCOUNT_REALM, name);
  else {
    const key = (form.private_key ?? '').trim();
    if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----$/.test(key))
      return errorReply(400, 'private_key: a PEM private key (-----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY-----) is required');
    const secret: Record<string, string> = { private_key: `${key}\n` };
    if (present(form.passphrase)) secret.passphrase = form.passphrase;
    await store.set(ACCOUNT_REALM, name, JSON.stringify(secret));
  }
  log.info(`secrets: account ${name} key ${action === 'set' ? 'stored' : 'deleted'}`, { user: who });
  const stored: AccountSecretState = { private_key: action === 'set', passphrase: action === 'set' && present(form.passphrase) };
  return jsonReply(200, { kind, name, stored });
}
