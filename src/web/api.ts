// splunkd's built-in REST through Splunk Web's proxy /<locale>/splunkd/__raw/servicesNS/… with the
// CSRF header X-Splunk-Form-Key = cookie splunkweb_csrf_token_<port> (@splunk/splunk-utils fetch.js).
import { APP_ID } from '../splunk/account-rules';

export interface Entry {
  name: string;
  content: Record<string, unknown>;
}

export class SplunkdError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const locale = window.location.pathname.split('/')[1] || 'en-US';
export const NS = `/${locale}/splunkd/__raw/servicesNS/nobody/${APP_ID}`;

function formKey(): string {
  const cookies = document.cookie.split(';').map((c) => c.trim());
  const mine = cookies.find((c) => c.startsWith(`splunkweb_csrf_token_${window.location.port}=`));
  const any = mine ?? cookies.find((c) => c.startsWith('splunkweb_csrf_token_'));
  return any ? decodeURIComponent(any.slice(any.indexOf('=') + 1)) : '';
}

/** One REST call; errors carry splunkd's message text verbatim. */
export async function call(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  form?: Record<string, string>,
  query: Record<string, string> = {},
): Promise<unknown> {
  const q = new URLSearchParams({ output_mode: 'json', ...query });
  const headers: Record<string, string> = { 'X-Requested-With': 'XMLHttpRequest', 'X-Splunk-Form-Key': formKey() };
  let body: string | undefined;
  if (form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams({ ...form, output_mode: 'json' }).toString();
  }
  const res = await fetch(`${NS}/${path}?${q}`, { method, headers, body, credentials: 'same-origin' });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const msgs = (json as { messages?: Array<{ text?: string }> } | undefined)?.messages;
    throw new SplunkdError(
      res.status,
      msgs
        ?.map((m) => m.text)
        .filter(Boolean)
        .join('\n') || `${res.status} ${res.statusText}: ${text.slice(0, 300)}`,
    );
  }
  return json;
}

export async function list(path: string): Promise<Entry[]> {
  const r = (await call('GET', path, undefined, { count: '0' })) as { entry?: Entry[] };
  return r.entry ?? [];
}

export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

// ---- storage/passwords: entity `<realm>:<name>:` with ':' escaped (splunk-sdk client.py StoragePasswords)
const entity = (realm: string, name: string): string => `${realm.replace(/:/g, '\\:')}:${name.replace(/:/g, '\\:')}:`;

export async function readSecret(realm: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    const r = (await call('GET', `storage/passwords/${encodeURIComponent(entity(realm, name))}`)) as { entry?: Entry[] };
    const clear = str(r.entry?.[0]?.content.clear_password);
    return clear ? (JSON.parse(clear) as Record<string, string>) : undefined;
  } catch (e) {
    if (e instanceof SplunkdError && e.status === 404) return undefined;
    throw e;
  }
}

/** Creates or replaces the secret (the contract's JSON form). */
export async function writeSecret(realm: string, name: string, secret: Record<string, string>): Promise<void> {
  const password = JSON.stringify(secret);
  try {
    await call('POST', 'storage/passwords', { name, realm, password });
  } catch (e) {
    if (!(e instanceof SplunkdError && e.status === 409)) throw e;
    await call('POST', `storage/passwords/${encodeURIComponent(entity(realm, name))}`, { password });
  }
}

export async function deleteSecret(realm: string, name: string): Promise<void> {
  try {
    await call('DELETE', `storage/passwords/${encodeURIComponent(entity(realm, name))}`);
  } catch (e) {
    if (!(e instanceof SplunkdError && e.status === 404)) throw e;
  }
}

/** Setup done: [install] is_configured = 1 (app.conf spec; splunk-app-examples setup_page_simple). */
export async function markConfigured(): Promise<void> {
  await call('POST', 'configs/conf-app/install', { is_configured: '1' });
  try {
    await call('POST', `/apps/local/${APP_ID}/_reload`.slice(1));
  } catch {
    // reload is best effort (absent in the emulator)
  }
}

/** The answer of POST ta_oci_audit/account_check (src/rest/account-check.ts CheckResult). */
export interface AccountCheck {
  ok: boolean;
  category?: string;
  message: string;
  statements: string[];
  regions?: string[];
  status?: number;
  code?: string;
}

/** Signs in to OCI with the account (stored, with the unsaved form fields on top) through the add-on's
 * REST endpoint (default/restmap.conf, exposed to Splunk Web in default/web.conf). */
export async function checkAccount(form: Record<string, string>): Promise<AccountCheck> {
  return (await call('POST', 'ta_oci_audit/account_check', form)) as AccountCheck;
}
