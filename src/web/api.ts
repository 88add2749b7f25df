// splunkd's REST API through Splunk Web's proxy (splunk-web.ts builds the URL and the CSRF header), and the
// add-on's own endpoints: the connection check and the write-only secrets (default/restmap.conf). The page
// never reads storage/passwords: a stored key, passphrase or proxy password never reaches the browser.
// The answers' shapes are the REST handler's own (types only: nothing of src/rest is bundled).
import type { CheckResult } from '../rest/account-check';
import type { SecretsState } from '../rest/secrets-endpoint';
import type { TenancyLists } from '../rest/tenancy-endpoint';
import { APP_ID } from '../splunk/account-rules';
import { fetchInit, restUrl } from './splunk-web';

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

/** One REST call in the add-on's namespace (or /services when `app` is ''); errors carry splunkd's message text verbatim. */
export async function call(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  form?: Record<string, string>,
  query: Record<string, string> = {},
  app: string = APP_ID,
): Promise<unknown> {
  const q = new URLSearchParams({ output_mode: 'json', ...query });
  const body = form ? new URLSearchParams({ ...form, output_mode: 'json' }).toString() : undefined;
  const res = await fetch(`${restUrl(path, app)}?${q}`, { ...fetchInit(), method, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    // splunkd's shape {"messages":[{text}]}, or {"error": "<sentence>"} (docs/contract.md, the estimate)
    const body = json as { messages?: Array<{ text?: string }>; error?: unknown } | undefined;
    throw new SplunkdError(
      res.status,
      body?.messages
        ?.map((m) => m.text)
        .filter(Boolean)
        .join('\n') ||
        (typeof body?.error === 'string' && body.error) ||
        `${res.status} ${res.statusText}: ${text.slice(0, 300)}`,
    );
  }
  return json;
}

export async function list(path: string): Promise<Entry[]> {
  const r = (await call('GET', path, undefined, { count: '0' })) as { entry?: Entry[] };
  return r.entry ?? [];
}

export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

// ---- secrets: only through the add-on's endpoint ta_oci_audit/secrets (src/rest/secrets-endpoint.ts)

export async function secretsState(): Promise<SecretsState> {
  return (await call('GET', 'ta_oci_audit/secrets')) as SecretsState;
}

export async function setAccountSecret(name: string, privateKey: string, passphrase: string): Promise<void> {
  const form: Record<string, string> = { kind: 'account', action: 'set', name, private_key: privateKey };
  if (passphrase !== '') form.passphrase = passphrase;
  await call('POST', 'ta_oci_audit/secrets', form);
}

export async function deleteAccountSecret(name: string): Promise<void> {
  await call('POST', 'ta_oci_audit/secrets', { kind: 'account', action: 'delete', name });
}

export async function setProxyPassword(password: string): Promise<void> {
  await call('POST', 'ta_oci_audit/secrets', { kind: 'proxy', action: 'set', proxy_password: password });
}

/** Setup done: [install] is_configured = 1 (app.conf spec; splunk-app-examples setup_page_simple). */
export async function markConfigured(): Promise<void> {
  await call('POST', 'configs/conf-app/install', { is_configured: '1' });
  try {
    await call('POST', `apps/local/${APP_ID}/_reload`);
  } catch {
    // reload is best effort (absent in the emulator)
  }
}

/** Signs in to OCI with the account (stored, with the unsaved form fields on top) through the add-on's
 * REST endpoint (default/restmap.conf, exposed to Splunk Web in default/web.conf). */
export async function checkAccount(form: Record<string, string>): Promise<CheckResult> {
  return (await call('POST', 'ta_oci_audit/account_check', form)) as CheckResult;
}

/** splunkd's platform (server/info os_name, cpu_arch: "Linux", "x86_64"). */
export async function serverPlatform(): Promise<{ os: string; arch: string }> {
  const r = (await call('GET', 'server/info', undefined, {}, '')) as { entry?: Entry[] };
  const c = r.entry?.[0]?.content ?? {};
  return { os: str(c.os_name), arch: str(c.cpu_arch) };
}

/** The account's tenancy: its region subscriptions and compartments with their paths (ta_oci_audit/tenancy). */
export async function tenancyLists(account: string): Promise<TenancyLists> {
  return (await call('GET', 'ta_oci_audit/tenancy', undefined, { account })) as TenancyLists;
}
