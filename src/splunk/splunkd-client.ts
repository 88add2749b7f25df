// splunkd REST with the modular input's session key (docs/contract.md "Accounts"). Paths, the
// `Authorization: Splunk <key>` header and the JSON answers follow Splunk's REST API Reference: KV
// store https://docs.splunk.com/Documentation/Splunk/6.2.3/RESTREF/RESTkvstore, storage/passwords
// https://help.splunk.com/en/splunk-enterprise/rest-api-reference/9.2/access-endpoints.
// splunkd's management port on 127.0.0.1 has a self-signed certificate: verification is skipped for
// loopback only. KV store 503 means "starting": retried with backoff (src/pipeline/retry.ts).
// node:http/https, not undici: undici compiles its HTTP parser to WebAssembly in every process
// (docs/performance.md, start-up).
import http from 'node:http';
import https from 'node:https';
import { retrying, SPLUNKD_QUICK_RETRY, splunkdRetryPolicy, type BackoffPolicy } from '../pipeline/retry';
import { APP_ID } from './account-rules';
import { clip } from './parameters';

export class SplunkdError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly path: string,
  ) {
    super(message);
    this.name = 'SplunkdError';
  }
  get sessionExpired(): boolean {
    return this.status === 401;
  }
}

export interface PasswordEntry {
  realm: string;
  username: string;
  clearPassword: string;
}

type Json = Record<string, unknown>;

export function isLoopbackUrl(u: URL): boolean {
  return u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]' || u.hostname === '::1';
}

export interface SplunkdClientOptions {
  /** Default: splunkdRetryPolicy() (src/pipeline/retry.ts). */
  retry?: BackoffPolicy;
  timeoutMs?: number;
}

/** For calls made while splunkd waits for our answer (--validate-arguments, the REST handler): see SPLUNKD_QUICK_RETRY. */
export const WHILE_SPLUNKD_WAITS: Readonly<SplunkdClientOptions> = { retry: SPLUNKD_QUICK_RETRY, timeoutMs: 10_000 };

export class SplunkdClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly retry: BackoffPolicy;
  private passwords: Promise<PasswordEntry[]> | undefined;

  constructor(
    serverUri: string,
    private sessionKey: string,
    opts: SplunkdClientOptions = {},
  ) {
    let base: URL | undefined;
    try {
      base = new URL(serverUri);
    } catch {
      // handled below
    }
    // server_uri comes from stdin: a clear error, not a TypeError with a stack trace.
    if (!base || (base.protocol !== 'https:' && base.protocol !== 'http:'))
      throw new SplunkdError(`the server_uri from splunkd "${clip(serverUri)}" is not an http(s) URL`, 0, '');
    this.base = base;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent(
            isLoopbackUrl(this.base)
              ? // Loopback: the certificate is not checked, so the ~140 bundled root certificates need not be
                // loaded either (a few ms of every run's start).
                { keepAlive: true, rejectUnauthorized: false, ca: [] }
              : { keepAlive: true },
          )
        : new http.Agent({ keepAlive: true });
    this.retry = opts.retry ?? splunkdRetryPolicy();
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  /** One exchange; rejects on network errors and when nothing arrives for `timeoutMs`. */
  private send(method: string, url: URL, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
          res.on('error', reject);
          res.on('close', () => {
            if (!res.complete) reject(new Error('the connection closed before the response ended'));
          });
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  private nsPath(rest: string): string {
    return `/servicesNS/nobody/${APP_ID}/${rest}`;
  }

  /** One REST call; retries 503 (KV store starting), 5xx and network errors, never 4xx. */
  async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: string,
    contentType = 'application/json',
  ): Promise<{ status: number; json: unknown }> {
    const url = new URL(path, this.base);
    url.searchParams.set('output_mode', 'json');
    return retrying(this.retry, () => this.once(method, url, body, contentType), {
      retryable: (err) => err instanceof SplunkdError && (err.status === 0 || err.status >= 500),
    });
  }

  private async once(method: string, url: URL, body: string | undefined, contentType: string): Promise<{ status: number; json: unknown }> {
    let status: number;
    let text: string;
    try {
      const res = await this.send(
        method,
        url,
        { authorization: `Splunk ${this.sessionKey}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
        body,
      );
      status = res.status;
      text = res.text;
    } catch (err) {
      // status 0: no answer (network), retried like a 5xx.
      throw new SplunkdError(`splunkd ${method} ${url.pathname} failed: ${(err as Error).message}`, 0, url.pathname);
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (status >= 400) {
      const why = messagesOf(json) || text.slice(0, 200);
      throw new SplunkdError(`splunkd ${method} ${url.pathname} answered ${status}: ${why}`, status, url.pathname);
    }
    return { status, json };
  }

  /** A conf stanza's values, or undefined when the stanza does not exist. */
  async getConfStanza(file: string, stanza: string): Promise<Record<string, string> | undefined> {
    try {
      const { json } = await this.call('GET', this.nsPath(`configs/conf-${encodeURIComponent(file)}/${encodeURIComponent(stanza)}`));
      const entry = ((json as Json | undefined)?.entry as Json[] | undefined)?.[0];
      if (!entry) return undefined;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries((entry.content as Json | undefined) ?? {})) {
        if (k.startsWith('eai:')) continue;
        if (v === null || v === undefined) continue;
        out[k] = typeof v === 'string' ? v : String(v);
      }
      return out;
    } catch (err) {
      if (err instanceof SplunkdError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** storage/passwords, read once per client: a run asks for the account's and the proxy's secret. */
  listPasswords(): Promise<PasswordEntry[]> {
    this.passwords ??= this.call('GET', this.nsPath('storage/passwords?count=0')).then(({ json }) =>
      (((json as Json | undefined)?.entry as Json[] | undefined) ?? []).map((e) => {
        const c = (e.content ?? {}) as Json;
        return { realm: String(c.realm ?? ''), username: String(c.username ?? ''), clearPassword: String(c.clear_password ?? '') };
      }),
    );
    // A failed read is not remembered: the next caller asks again.
    this.passwords.catch(() => {
      this.passwords = undefined;
    });
    return this.passwords;
  }

  async kvQuery(collection: string, query: Json, opts: { limit?: number; skip?: number } = {}): Promise<Json[]> {
    const params = new URLSearchParams({ query: JSON.stringify(query) });
    if (opts.limit !== undefined) params.set('limit', String(opts.limit));
    if (opts.skip !== undefined) params.set('skip', String(opts.skip));
    const { json } = await this.call('GET', this.nsPath(`storage/collections/data/${collection}?${params}`));
    return Array.isArray(json) ? (json as Json[]) : [];
  }

  /** Every record matching `query`, page by page (KV store caps one answer at max_rows_per_query). */
  async kvQueryAll(collection: string, query: Json, pageSize = 10_000): Promise<Json[]> {
    const out: Json[] = [];
    for (let skip = 0; ; skip += pageSize) {
      const page = await this.kvQuery(collection, query, { limit: pageSize, skip });
      out.push(...page);
      if (page.length < pageSize) return out;
    }
  }

  /**
   * Saves in requests of at most 1000 documents and about 8 MB (limits.conf [kvstore]
   * max_documents_per_batch_save = 1000, max_size_per_batch_save_mb = 50): lookback records
   * carry eventId lists of up to a few MB each.
   */
  async kvBatchSave(collection: string, docs: Json[], maxBytes = 8 * 1024 * 1024): Promise<void> {
    let batch: string[] = [];
    let bytes = 2;
    const send = async (): Promise<void> => {
      if (batch.length) await this.call('POST', this.nsPath(`storage/collections/data/${collection}/batch_save`), `[${batch.join(',')}]`);
      batch = [];
      bytes = 2;
    };
    for (const d of docs) {
      const text = JSON.stringify(d);
      if (batch.length && (batch.length >= 1000 || bytes + text.length + 1 > maxBytes)) await send();
      batch.push(text);
      bytes += text.length + 1;
    }
    await send();
  }

  /** Inserts a new record; false when its `_key` exists (KV store answers 409): an atomic create. */
  async kvInsert(collection: string, doc: Json): Promise<boolean> {
    try {
      await this.call('POST', this.nsPath(`storage/collections/data/${collection}`), JSON.stringify(doc));
      return true;
    } catch (err) {
      if (err instanceof SplunkdError && err.status === 409) return false;
      throw err;
    }
  }

  /** One record by key, or undefined when there is none. */
  async kvGet(collection: string, key: string): Promise<Json | undefined> {
    try {
      const { json } = await this.call('GET', this.nsPath(`storage/collections/data/${collection}/${encodeURIComponent(key)}`));
      return json && typeof json === 'object' && !Array.isArray(json) ? (json as Json) : undefined;
    } catch (err) {
      if (err instanceof SplunkdError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Replaces one record (whole-record update). */
  async kvPut(collection: string, key: string, doc: Json): Promise<void> {
    await this.call('POST', this.nsPath(`storage/collections/data/${collection}/${encodeURIComponent(key)}`), JSON.stringify(doc));
  }

  /** Inserts `doc` (its `_key`), or replaces the record that has that key: POST to a missing key is an error. */
  async kvUpsert(collection: string, doc: Json & { _key: string }): Promise<void> {
    if (!(await this.kvInsert(collection, doc))) await this.kvPut(collection, doc._key, doc);
  }

  /** Deletes one record; false when it did not exist. */
  async kvDelete(collection: string, key: string): Promise<boolean> {
    try {
      await this.call('DELETE', this.nsPath(`storage/collections/data/${collection}/${encodeURIComponent(key)}`));
      return true;
    } catch (err) {
      if (err instanceof SplunkdError && err.status === 404) return false;
      throw err;
    }
  }

  async kvDeleteQuery(collection: string, query: Json): Promise<void> {
    await this.call(
      'DELETE',
      this.nsPath(`storage/collections/data/${collection}?${new URLSearchParams({ query: JSON.stringify(query) })}`),
    );
  }
}

function messagesOf(json: unknown): string {
  const msgs = (json as Json | undefined)?.messages;
  if (!Array.isArray(msgs)) return '';
  return msgs.map((m) => String((m as Json).text ?? '')).join(' ');
}
