// HTTPS splunkd emulator: configs/conf-*, storage/passwords, KV store, data/inputs/<scheme>, server/info.
// Envelope, error and auth shapes follow splunk-sdk-python binding.py and captured splunkd answers cited per handler.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as selfsigned from 'selfsigned';
import { AppConf, serializeConf } from './conf';
import { KvQueryError, matches, project, sortDocs, type KvDoc } from './kvquery';
import { KvReplicaSet } from './kvstore';
import { PersistentDrivers } from './persist';
import { introspectScheme, childEnv, runValidation, validationFailureText, splunkdTimestamp } from './runner';
import type { KvFaults, KvStoreMode, RequestLogEntry, Splunkd, SplunkdOptions } from './types';
import { escapeXml, type Scheme } from './xml';

const APP = 'TA-oci-audit';
const VERSION = '9.2.1';
const BUILD = '78803f08aabb';
/** limits.conf [kvstore] max_documents_per_batch_save = 1000, max_rows_per_query = 50000 (limits.conf.spec) */
const MAX_BATCH_SAVE = 1000;
const MAX_ROWS_PER_QUERY = 50000;

let certCache: { key: string; cert: string } | undefined;
function certificate(): { key: string; cert: string } {
  if (!certCache) {
    const g = selfsigned.generate([{ name: 'commonName', value: 'SplunkServerDefaultCert' }], {
      days: 30,
      keySize: 2048,
      algorithm: 'sha256',
    });
    certCache = { key: g.private, cert: g.cert };
  }
  return certCache;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    text: string,
    readonly type = 'ERROR',
  ) {
    super(text);
  }
}

type Form = Record<string, string[]>;
interface Ctx {
  req: IncomingMessage;
  url: URL;
  owner: string;
  app: string;
  user: string;
  json: boolean;
  form: Form;
  body: string;
  prefix: string;
}
interface Entry {
  name: string;
  content: Record<string, unknown>;
  author?: string;
}

function first(form: Form, k: string): string | undefined {
  return form[k]?.[form[k].length - 1];
}

function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function parseForm(body: string, url: URL): Form {
  const f: Form = {};
  for (const [k, v] of new URLSearchParams(body)) (f[k] ??= []).push(v);
  for (const [k, v] of url.searchParams) if (!(k in f)) (f[k] ??= []).push(v);
  return f;
}

/** storage/passwords entity name `<realm>:<user>:` with `:` inside parts escaped as `\:` (PY client.py StoragePasswords) */
function passwordEntity(realm: string, name: string): string {
  const esc = (s: string): string => s.replace(/:/g, '\\:');
  return `${esc(realm)}:${esc(name)}:`;
}

interface Password {
  realm: string;
  username: string;
  clear: string;
  encr: string;
}
interface AppState {
  conf: AppConf;
  passwords: Map<string, Password>;
}

export async function startSplunkd(o: SplunkdOptions = {}): Promise<Splunkd> {
  const ownHome = o.splunkHome === undefined;
  const splunkHome = o.splunkHome ?? fs.mkdtempSync(path.join(os.tmpdir(), 'splunkd-emu-'));
  fs.mkdirSync(path.join(splunkHome, 'var', 'log', 'splunk'), { recursive: true });
  const serverName = o.serverName ?? 'splunk-emulator';
  const apps = new Map<string, AppState>();
  const appState = (name: string): AppState => {
    let s = apps.get(name);
    if (!s) {
      s = { conf: new AppConf(), passwords: new Map() };
      apps.set(name, s);
    }
    return s;
  };
  const main = appState(APP);
  // This member's KV store: its own, or the one it shares with the other members of a search head cluster.
  const kv = (o.kvReplicaSet ?? new KvReplicaSet()).join(o.kvReadLagMs ?? 0);
  if (o.appDir) main.conf.loadDefaultDir(path.join(o.appDir, 'default'));

  const encKey = randomBytes(32);
  /** stand-in for splunk.secret encryption: `$7$` + base64 (passwords.conf.spec); never the clear text */
  const encrypt = (s: string): string => {
    const b = Buffer.from(s, 'utf8');
    for (let i = 0; i < b.length; i++) b[i] ^= encKey[i % encKey.length];
    return `$7$${b.toString('base64')}`;
  };
  // real session keys look like `^gbQv^_I4sBVjoMX6Lo7K6…` (the input definition dumped in
  // lukemonahan/splunk_modinput_prometheus prometheus/prometheus.go)
  const sessions = new Map<string, { user: string; expires: number }>();
  const mkKey = (ttlMs = 3_600_000): string => {
    const k = randomBytes(60).toString('base64').replace(/\+/g, '^').replace(/\//g, '_').replace(/=+$/, '');
    sessions.set(k, { user: 'admin', expires: Date.now() + ttlMs });
    return k;
  };
  const adminKey = mkKey(24 * 3_600_000);
  const started = Date.now();
  let kvReadyAt = started + (o.kvStartupMs ?? 0);
  let faults: KvFaults = {};
  const restFaults = new Map<string, { status: number; text: string }>();
  let kvMode: KvStoreMode = o.kvStore ?? 'ready';
  let infoOverrides: Record<string, string> = {};
  // The indexes this instance defines: splunkd's own (indexes.conf in system/default) plus those a test adds.
  const indexes = new Set(['main', '_internal', '_audit', '_introspection', '_telemetry', 'history', 'summary', ...(o.indexes ?? [])]);
  const log: RequestLogEntry[] = [];
  const modinputs = new Map<string, { command: string[]; env?: Record<string, string>; scheme?: Scheme }>();
  const splunkdLogFile = path.join(splunkHome, 'var', 'log', 'splunk', 'splunkd.log');
  let serverUri = '';
  const writeLog = (lines: string[]): void => {
    if (lines.length) fs.appendFileSync(splunkdLogFile, lines.map((l) => l + '\n').join(''));
  };
  const drivers = new PersistentDrivers(
    splunkHome,
    serverName,
    () => serverUri,
    (lines) => writeLog(lines.map((l) => `${splunkdTimestamp()} INFO ${l}`)),
  );
  const CAPABILITIES = ['admin_all_objects', 'edit_modinput_oci_audit', 'list_storage_passwords', 'edit_storage_passwords'];

  const acl = (app: string, owner: string): Record<string, unknown> => ({
    app,
    can_change_perms: true,
    can_list: true,
    can_share_app: true,
    can_share_global: true,
    can_share_user: false,
    can_write: true,
    modifiable: true,
    owner,
    perms: { read: ['*'], write: ['admin'] },
    removable: true,
    sharing: owner === 'nobody' ? 'app' : 'user',
  });

  /** EAI feed (JSON envelope as splunkd 9.x/10.x answers with output_mode=json; Atom XML otherwise) */
  function feed(ctx: Ctx, res: ServerResponse, status: number, title: string, entries: Entry[], paging = true): void {
    const count = Number(first(ctx.form, 'count') ?? '30');
    const offset = Number(first(ctx.form, 'offset') ?? '0');
    let list = entries;
    const search = first(ctx.form, 'search');
    if (search) {
      // search=foo: substring of any field; search=field=value: that field only (RESTinput "search" parameter)
      const eq = search.indexOf('=');
      const [field, needle] = eq > 0 ? [search.slice(0, eq), search.slice(eq + 1)] : [undefined, search];
      const n = needle.toLowerCase().replace(/\*/g, '');
      list = list.filter((e) => {
        const vals =
          field === undefined
            ? [
                e.name,
                ...Object.entries(e.content)
                  .filter(([k]) => !/password/.test(k))
                  .map(([, v]) => v),
              ]
            : [field === 'name' ? e.name : e.content[field]];
        return vals.some((v) => v !== null && v !== undefined && String(v).toLowerCase().includes(n));
      });
    }
    const total = list.length;
    const page = paging ? list.slice(offset, count > 0 ? offset + count : undefined) : list;
    const origin = `${serverUri}${ctx.prefix}`;
    const updated = isoNow();
    const mk = (e: Entry): Record<string, unknown> => {
      const p = `${ctx.prefix}/${encodeURIComponent(e.name)}`;
      return {
        name: e.name,
        id: `${serverUri}${p}`,
        updated,
        links: { alternate: p, list: p, edit: p, remove: p },
        author: e.author ?? ctx.owner,
        acl: acl(ctx.app, ctx.owner),
        content: e.content,
      };
    };
    if (ctx.json) {
      send(res, status, {
        links: { create: `${ctx.prefix}/_new`, _reload: `${ctx.prefix}/_reload` },
        origin,
        updated,
        generator: { build: BUILD, version: VERSION },
        entry: page.map(mk),
        paging: { total, perPage: count, offset },
        messages: [],
      });
      return;
    }
    const dict = (c: Record<string, unknown>): string =>
      `<s:dict>${Object.entries(c)
        .map(
          ([k, v]) =>
            `<s:key name="${escapeXml(k)}">${v === null || v === undefined ? '' : escapeXml(typeof v === 'object' ? JSON.stringify(v) : String(v))}</s:key>`,
        )
        .join('')}</s:dict>`;
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:s="http://dev.splunk.com/ns/rest" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">` +
      `<title>${escapeXml(title)}</title><id>${escapeXml(origin)}</id><updated>${updated}</updated><generator build="${BUILD}" version="${VERSION}"/>` +
      `<author><name>Splunk</name></author><opensearch:totalResults>${total}</opensearch:totalResults><opensearch:itemsPerPage>${count}</opensearch:itemsPerPage><opensearch:startIndex>${offset}</opensearch:startIndex><s:messages/>` +
      page
        .map(
          (e) =>
            `<entry><title>${escapeXml(e.name)}</title><id>${escapeXml(`${serverUri}${ctx.prefix}/${encodeURIComponent(e.name)}`)}</id><updated>${updated}</updated><author><name>${escapeXml(e.author ?? ctx.owner)}</name></author><content type="text/xml">${dict(e.content)}</content></entry>`,
        )
        .join('') +
      `</feed>\n`;
    head(res, status, { 'Content-Type': 'text/xml; charset=UTF-8' });
    res.end(xml);
  }

  const pending = new WeakMap<ServerResponse, { method: string; path: string }>();
  /** every answer goes through here so requests() already holds it when the client reads the response */
  function head(res: ServerResponse, status: number, headers: Record<string, string | number>): void {
    const r = pending.get(res);
    if (r) log.push({ ...r, status });
    pending.delete(res);
    res.writeHead(status, headers);
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    head(res, status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** errors: {"messages":[{"type":"ERROR","text":…}]} (PY binding.py HTTPError) or the XML <response><messages> form */
  function sendError(res: ServerResponse, json: boolean, e: HttpError): void {
    if (json) return send(res, e.status, { messages: [{ type: e.type, text: e.message }] });
    head(res, e.status, { 'Content-Type': 'text/xml; charset=UTF-8' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<response>\n  <messages>\n    <msg type="${e.type}">${escapeXml(e.message)}</msg>\n  </messages>\n</response>\n`,
    );
  }

  // ---------------------------------------------------------------- configs/conf-*
  /** conf entry content: values as strings, `disabled` as a JSON boolean, eai:* keys (captures from Splunk 10.6 JSON) */
  const confContent = (app: string, owner: string, values: Record<string, string>): Record<string, unknown> => {
    const c: Record<string, unknown> = { ...values };
    c.disabled = ['1', 'true'].includes((values.disabled ?? '0').toLowerCase());
    c['eai:acl'] = null;
    c['eai:appName'] = app;
    c['eai:userName'] = owner;
    return c;
  };
  const fieldsFrom = (form: Form): Record<string, string> => {
    const v: Record<string, string> = {};
    for (const [k, vals] of Object.entries(form)) {
      if (k === 'name' || k === 'output_mode' || k.startsWith('eai:') || k === 'count' || k === 'offset' || k === 'search') continue;
      v[k] = vals.join(',');
    }
    return v;
  };

  function handleConf(ctx: Ctx, res: ServerResponse, file: string, stanza: string | undefined): void {
    const st = appState(ctx.app);
    const method = ctx.req.method ?? 'GET';
    const list = (): Entry[] =>
      st.conf.stanzaNames(file).map((n) => ({ name: n, content: confContent(ctx.app, ctx.owner, st.conf.get(file, n) ?? {}) }));
    if (stanza === undefined) {
      if (method === 'GET') return feed(ctx, res, 200, `conf-${file}`, list());
      if (method === 'POST') {
        const name = first(ctx.form, 'name');
        // EAI create without name / duplicate (splunkd messages "The following required arguments are missing: name."
        // and "An object with name=<n> already exists")
        if (!name) throw new HttpError(400, 'The following required arguments are missing: name.');
        if (st.conf.has(file, name)) throw new HttpError(409, `An object with name=${name} already exists`);
        st.conf.set(file, name, fieldsFrom(ctx.form));
        return feed(ctx, res, 201, `conf-${file}`, [{ name, content: confContent(ctx.app, ctx.owner, st.conf.get(file, name) ?? {}) }]);
      }
      throw new HttpError(405, `Method ${method} not allowed`);
    }
    if (!st.conf.has(file, stanza)) throw new HttpError(404, `Could not find object id=${stanza}`);
    if (method === 'GET')
      return feed(ctx, res, 200, `conf-${file}`, [
        { name: stanza, content: confContent(ctx.app, ctx.owner, st.conf.get(file, stanza) ?? {}) },
      ]);
    if (method === 'POST') {
      st.conf.set(file, stanza, fieldsFrom(ctx.form));
      return feed(ctx, res, 200, `conf-${file}`, [
        { name: stanza, content: confContent(ctx.app, ctx.owner, st.conf.get(file, stanza) ?? {}) },
      ]);
    }
    if (method === 'DELETE') {
      st.conf.delete(file, stanza);
      return feed(ctx, res, 200, `conf-${file}`, list()); // DELETE answers with the remaining collection
    }
    throw new HttpError(405, `Method ${method} not allowed`);
  }

  // ---------------------------------------------------------------- storage/passwords
  /** content fields as splunkd returns them: clear_password, encr_password ($7$…), password "********", realm, username
   * (Splunk Enterprise capture in a public C# client test; PY client.py StoragePassword) */
  const pwContent = (p: Password): Record<string, unknown> => ({
    clear_password: p.clear,
    'eai:acl': null,
    encr_password: p.encr,
    password: '********',
    realm: p.realm === '' ? null : p.realm,
    username: p.username,
  });
  function handlePasswords(ctx: Ctx, res: ServerResponse, entity: string | undefined): void {
    const st = appState(ctx.app);
    const method = ctx.req.method ?? 'GET';
    const list = (): Entry[] => [...st.passwords.entries()].map(([n, p]) => ({ name: n, content: pwContent(p) }));
    if (entity === undefined) {
      if (method === 'GET') return feed(ctx, res, 200, 'passwords', list());
      if (method === 'POST') {
        const name = first(ctx.form, 'name');
        const password = first(ctx.form, 'password');
        const missing = [!name && 'name', password === undefined && 'password'].filter(Boolean);
        if (missing.length) throw new HttpError(400, `The following required arguments are missing: ${missing.join(', ')}.`);
        const realm = first(ctx.form, 'realm') ?? '';
        const ent = passwordEntity(realm, name as string);
        if (st.passwords.has(ent)) throw new HttpError(409, `An object with name=${ent} already exists`);
        const p = { realm, username: name as string, clear: password as string, encr: encrypt(password as string) };
        st.passwords.set(ent, p);
        return feed(ctx, res, 201, 'passwords', [{ name: ent, content: pwContent(p) }]);
      }
      throw new HttpError(405, `Method ${method} not allowed`);
    }
    const p = st.passwords.get(entity);
    if (!p) throw new HttpError(404, `Could not find object id=${entity}`);
    if (method === 'GET') return feed(ctx, res, 200, 'passwords', [{ name: entity, content: pwContent(p) }]);
    if (method === 'POST') {
      const password = first(ctx.form, 'password');
      if (password === undefined) throw new HttpError(400, 'The following required arguments are missing: password.');
      p.clear = password;
      p.encr = encrypt(password);
      return feed(ctx, res, 200, 'passwords', [{ name: entity, content: pwContent(p) }]);
    }
    if (method === 'DELETE') {
      st.passwords.delete(entity);
      return feed(ctx, res, 200, 'passwords', list());
    }
    throw new HttpError(405, `Method ${method} not allowed`);
  }

  // ---------------------------------------------------------------- KV store
  const kvKey = (): string => randomBytes(12).toString('hex'); // Mongo ObjectId-shaped _key
  const parseJsonBody = (body: string): unknown => {
    try {
      return JSON.parse(body);
    } catch {
      throw new HttpError(400, 'Request body is not valid JSON');
    }
  };
  function kvCollection(ctx: Ctx, name: string): string {
    const st = appState(ctx.app);
    // a collection exists only when declared in collections.conf (collections.conf.spec) or created via config
    if (!st.conf.has('collections', name)) throw new HttpError(404, `Collection: ${name} does not exist`);
    return name;
  }
  // Test faults are deterministic: each kind fails `rate` of its calls, its first call included (error diffusion),
  // so a run with a few KV calls still meets its fault and a failure can be reproduced.
  const faultDebt = new Map<string, number>();
  const fault = (kind: string, rate: number | undefined): boolean => {
    if (rate === undefined || rate <= 0) return false;
    const debt = (faultDebt.get(kind) ?? 1 - rate) + rate;
    faultDebt.set(kind, debt >= 1 ? debt - 1 : debt);
    return debt >= 1;
  };

  function checkKvReady(): void {
    // assumption (not documented): a disabled KV store answers 503 with splunkd's words for it ("… because
    // KV Store is disabled" in splunkd.log); where there is none (universal forwarder) the endpoint is missing
    if (kvMode === 'disabled') throw new HttpError(503, 'KV Store is disabled.');
    if (kvMode === 'absent') throw new HttpError(404, 'Not Found');
    // 503 while the KV store is starting; clients retry (solnlib _utils.py retry on 503)
    if (Date.now() < kvReadyAt) throw new HttpError(503, 'KV Store is initializing. Please try again later.');
  }

  function storeDoc(coll: string, ctx: Ctx, doc: unknown, key?: string): string {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new HttpError(400, 'Document must be a JSON object');
    const d = { ...(doc as KvDoc) };
    const k = key ?? (typeof d._key === 'string' && d._key !== '' ? d._key : kvKey());
    d._key = k;
    d._user = ctx.owner; // records carry _user ("nobody" for shared data) and _key (RESTkvstore)
    kv.put(ctx.app, coll, k, d); // writes go to the KV store captain (kvstore.ts)
    return k;
  }

  function handleKv(ctx: Ctx, res: ServerResponse, rest: string[]): void {
    const method = ctx.req.method ?? 'GET';
    const st = appState(ctx.app);
    if (rest[0] === 'config') {
      checkKvReady();
      const name = rest[1];
      const list = (): Entry[] =>
        st.conf
          .stanzaNames('collections')
          .map((n) => ({ name: n, content: confContent(ctx.app, ctx.owner, st.conf.get('collections', n) ?? {}) }));
      if (name === undefined) {
        if (method === 'GET') return feed(ctx, res, 200, 'collections-conf', list());
        if (method === 'POST') {
          const n = first(ctx.form, 'name');
          if (!n) throw new HttpError(400, 'The following required arguments are missing: name.');
          if (st.conf.has('collections', n)) throw new HttpError(409, `An object with name=${n} already exists`);
          st.conf.set('collections', n, fieldsFrom(ctx.form));
          return feed(ctx, res, 201, 'collections-conf', [
            { name: n, content: confContent(ctx.app, ctx.owner, st.conf.get('collections', n) ?? {}) },
          ]);
        }
      } else {
        if (!st.conf.has('collections', name)) throw new HttpError(404, `Could not find object id=${name}`);
        if (method === 'GET')
          return feed(ctx, res, 200, 'collections-conf', [
            { name, content: confContent(ctx.app, ctx.owner, st.conf.get('collections', name) ?? {}) },
          ]);
        if (method === 'DELETE') {
          st.conf.delete('collections', name);
          kv.drop(ctx.app, name);
          return feed(ctx, res, 200, 'collections-conf', list());
        }
      }
      throw new HttpError(405, `Method ${method} not allowed`);
    }
    if (rest[0] !== 'data' || rest[1] === undefined) throw new HttpError(404, 'Not Found');
    checkKvReady();
    const coll = kvCollection(ctx, rest[1]);
    const key = rest[2];
    if (key === 'batch_save' && rest.length === 3) {
      if (method !== 'POST') throw new HttpError(405, `Method ${method} not allowed`);
      if ((faults.batchSave500Count ?? 0) > 0) {
        faults.batchSave500Count = (faults.batchSave500Count ?? 0) - 1;
        throw new HttpError(500, 'An error occurred while saving the batch (emulated fault)');
      }
      if (fault('batchSave500', faults.batchSave500Rate))
        throw new HttpError(500, 'An error occurred while saving the batch (emulated fault)');
      const docs = parseJsonBody(ctx.body);
      if (!Array.isArray(docs)) throw new HttpError(400, 'batch_save expects a JSON array of documents');
      if (docs.length > MAX_BATCH_SAVE)
        throw new HttpError(
          400,
          `Request exceeds API limits - see limits.conf for details. (Too many documents for a single batch save, max=${MAX_BATCH_SAVE})`,
        );
      for (const d of docs)
        if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new HttpError(400, 'Document must be a JSON object');
      // batch_save = insert or replace each document, answering the list of keys (RESTkvstore batch_save)
      return send(
        res,
        200,
        docs.map((d) => storeDoc(coll, ctx, d)),
      );
    }
    if (key === undefined) {
      if (method === 'GET') {
        if (fault('get', faults.getFailRate)) throw new HttpError(500, 'An error occurred while reading the collection (emulated fault)');
        let docs = [...kv.read(ctx.app, coll).values()]; // reads stay on this member (kvstore.ts)
        const q = first(ctx.form, 'query');
        try {
          if (q) {
            const query = parseJsonBody(q);
            docs = docs.filter((d) => matches(d, query));
          }
          const sort = first(ctx.form, 'sort');
          if (sort) docs = sortDocs(docs, sort);
        } catch (e) {
          if (e instanceof KvQueryError) throw new HttpError(400, e.message);
          throw e;
        }
        const skip = Number(first(ctx.form, 'skip') ?? '0');
        const limit = Number(first(ctx.form, 'limit') ?? '0');
        docs = docs.slice(skip, skip + (limit > 0 ? Math.min(limit, MAX_ROWS_PER_QUERY) : MAX_ROWS_PER_QUERY));
        const fields = first(ctx.form, 'fields');
        return send(res, 200, fields ? docs.map((d) => project(d, fields)) : docs);
      }
      if (method === 'POST') {
        const doc = parseJsonBody(ctx.body) as KvDoc;
        // the duplicate key is found by the captain, whatever this member's replica holds
        if (doc && typeof doc === 'object' && typeof doc._key === 'string' && kv.primary(ctx.app, coll).has(doc._key)) {
          throw new HttpError(409, 'A document with the same key and user already exists.');
        }
        return send(res, 201, { _key: storeDoc(coll, ctx, doc) });
      }
      if (method === 'DELETE') {
        // A delete is a write: delegated to the captain with its query, so the query is matched against the
        // captain's records, not this member's replica (Splexicon:KVstorecaptain; unverified on a live cluster).
        const q = first(ctx.form, 'query');
        const primary = [...kv.primary(ctx.app, coll)];
        if (!q) for (const [k] of primary) kv.delete(ctx.app, coll, k);
        else {
          const query = parseJsonBody(q);
          try {
            for (const [k, d] of primary) if (matches(d, query)) kv.delete(ctx.app, coll, k);
          } catch (e) {
            if (e instanceof KvQueryError) throw new HttpError(400, e.message);
            throw e;
          }
        }
        return send(res, 200, undefined);
      }
      throw new HttpError(405, `Method ${method} not allowed`);
    }
    if (method === 'GET') {
      if (fault('get', faults.getFailRate)) throw new HttpError(500, 'An error occurred while reading the collection (emulated fault)');
      const d = kv.read(ctx.app, coll).get(key);
      if (!d) throw new HttpError(404, 'Could not find object.');
      return send(res, 200, d);
    }
    if (method === 'POST') {
      // replaces the whole record; a missing key is created (upsert; unverified against a live splunkd)
      return send(res, 200, { _key: storeDoc(coll, ctx, parseJsonBody(ctx.body), key) });
    }
    if (method === 'DELETE') {
      if (!kv.primary(ctx.app, coll).has(key)) throw new HttpError(404, 'Could not find object.');
      kv.delete(ctx.app, coll, key);
      return send(res, 200, undefined);
    }
    throw new HttpError(405, `Method ${method} not allowed`);
  }

  // ---------------------------------------------------------------- data/inputs/<scheme>
  const IMPLICIT_INPUT_ARGS = new Set([
    'name',
    'output_mode',
    'source',
    'sourcetype',
    'host',
    'index',
    'disabled',
    'interval',
    'start_by_shell',
    'python.version',
  ]);

  async function schemeOf(name: string): Promise<{ command: string[]; env?: Record<string, string>; scheme: Scheme } | undefined> {
    const m = modinputs.get(name);
    if (!m) return undefined;
    if (!m.scheme) m.scheme = await introspectScheme(m.command, childEnv(splunkHome, serverName, m.env));
    return { command: m.command, env: m.env, scheme: m.scheme };
  }

  async function handleInputs(
    ctx: Ctx,
    res: ServerResponse,
    schemeName: string,
    name: string | undefined,
    action: string | undefined,
  ): Promise<void> {
    const mi = await schemeOf(schemeName);
    if (!mi) throw new HttpError(404, 'Not Found');
    const st = appState(ctx.app);
    const method = ctx.req.method ?? 'GET';
    const stanzaOf = (n: string): string => `${schemeName}://${n}`;
    const content = (n: string): Record<string, unknown> => {
      const v = {
        ...(st.conf.get('inputs', 'default') ?? {}),
        ...(st.conf.get('inputs', schemeName) ?? {}),
        ...(st.conf.get('inputs', stanzaOf(n)) ?? {}),
      };
      return confContent(ctx.app, ctx.owner, { host: '$decideOnStartup', index: 'default', ...v });
    };
    const names = (): string[] =>
      st.conf
        .stanzaNames('inputs')
        .filter((s) => s.startsWith(`${schemeName}://`))
        .map((s) => s.slice(schemeName.length + 3));
    const list = (): Entry[] => names().map((n) => ({ name: n, content: content(n) }));
    const checkArgs = (fields: Record<string, string>, required: string[]): void => {
      const known = new Set(mi.scheme.args.map((a) => a.name));
      // unknown argument → splunkd EAI message 'Argument "<x>" is not supported by this handler.'
      for (const k of Object.keys(fields))
        if (!known.has(k) && !IMPLICIT_INPUT_ARGS.has(k)) throw new HttpError(400, `Argument "${k}" is not supported by this handler.`);
      const missing = required.filter((r) => fields[r] === undefined || fields[r] === '');
      if (missing.length) throw new HttpError(400, `The following required arguments are missing: ${missing.join(', ')}.`);
    };
    const validate = async (n: string, fields: Record<string, string>): Promise<void> => {
      if (!mi.scheme.useExternalValidation) return;
      const r = await runValidation(api, {
        command: mi.command,
        env: mi.env,
        scheme: schemeName,
        name: n,
        params: fields,
        sessionKey: adminKey,
      });
      // failure → 400 carrying the script's <error><message> text (DOCS set-up-external-validation)
      if (r.exitCode !== 0) throw new HttpError(400, validationFailureText(schemeName, r));
    };
    if (name === undefined) {
      if (method === 'GET') return feed(ctx, res, 200, schemeName, list());
      if (method === 'POST') {
        const n = first(ctx.form, 'name');
        if (!n) throw new HttpError(400, 'The following required arguments are missing: name.');
        const fields = fieldsFrom(ctx.form);
        checkArgs(
          fields,
          mi.scheme.args.filter((a) => a.requiredOnCreate).map((a) => a.name),
        );
        if (st.conf.has('inputs', stanzaOf(n))) throw new HttpError(409, `An object with name=${n} already exists`);
        await validate(n, fields);
        st.conf.set('inputs', stanzaOf(n), fields);
        return feed(ctx, res, 201, schemeName, [{ name: n, content: content(n) }]);
      }
      throw new HttpError(405, `Method ${method} not allowed`);
    }
    if (!st.conf.has('inputs', stanzaOf(name))) throw new HttpError(404, `Could not find object id=${name}`);
    if (action === 'disable' || action === 'enable') {
      if (method !== 'POST') throw new HttpError(405, `Method ${method} not allowed`);
      st.conf.set('inputs', stanzaOf(name), { disabled: action === 'disable' ? '1' : '0' });
      return feed(ctx, res, 200, schemeName, [{ name, content: content(name) }]);
    }
    if (action !== undefined) throw new HttpError(404, 'Not Found');
    if (method === 'GET') return feed(ctx, res, 200, schemeName, [{ name, content: content(name) }]);
    if (method === 'POST') {
      const fields = fieldsFrom(ctx.form);
      checkArgs(
        fields,
        mi.scheme.args.filter((a) => a.requiredOnEdit).map((a) => a.name),
      );
      await validate(name, { ...(st.conf.getLocal('inputs', stanzaOf(name)) ?? {}), ...fields });
      st.conf.set('inputs', stanzaOf(name), fields);
      return feed(ctx, res, 200, schemeName, [{ name, content: content(name) }]);
    }
    if (method === 'DELETE') {
      st.conf.delete('inputs', stanzaOf(name));
      return feed(ctx, res, 200, schemeName, list());
    }
    throw new HttpError(405, `Method ${method} not allowed`);
  }

  // ---------------------------------------------------------------- restmap.conf [script:*] (persist)
  /** A request under a [script:<name>] match= of the app's restmap.conf ("match=/foo then …/services/foo calls
   * this handler", restmap.conf.spec); false when none matches. */
  async function handleScript(
    req: IncomingMessage,
    res: ServerResponse,
    c: { rest: string[]; url: URL; body: string; json: boolean; user: string; authtoken: string; app: string; owner: string },
  ): Promise<boolean> {
    const st = appState(c.app);
    const restPath = '/' + c.rest.join('/');
    for (const stanza of st.conf.stanzaNames('restmap')) {
      if (!stanza.startsWith('script:')) continue;
      const conf = st.conf.get('restmap', stanza) ?? {};
      const match = (conf.match ?? '').replace(/\/+$/, '');
      if (!match || (restPath !== match && !restPath.startsWith(match + '/'))) continue;
      // A test's fault switch (setRestHandlerFault): answered as splunkd answers a failing handler, a
      // {"messages":[{"type":"ERROR","text":…}]} body (the same shape as every error here).
      const fault = restFaults.get(match);
      if (fault) throw new HttpError(fault.status, fault.text);
      if ((conf.scripttype ?? 'python') !== 'persist')
        throw new HttpError(500, `[${stanza}]: the emulator runs only scripttype = persist handlers`);
      const method = (req.method ?? 'GET').toUpperCase();
      // capability / capability.<method>: checked against the user's role (restmap.conf.spec)
      const cap = conf[`capability.${method.toLowerCase()}`] ?? conf.capability;
      if (cap && !cap.split(/\s+or\s+/).some((x) => CAPABILITIES.includes(x.replace(/[()]/g, '').trim())))
        throw new HttpError(403, `You (user=${c.user}) do not have permission to perform this operation (requires capability: ${cap}).`);
      const isForm =
        /application\/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? '')) ||
        (!req.headers['content-type'] && c.body !== '' && !c.body.trim().startsWith('{'));
      const reply = await drivers
        .call({
          stanza,
          conf,
          method,
          restPath: match,
          pathInfo: restPath.length > match.length ? restPath.slice(match.length + 1) : undefined,
          query: [...c.url.searchParams].map(([k, v]) => [k, v] as [string, string]),
          form: isForm ? [...new URLSearchParams(c.body)].map(([k, v]) => [k, v] as [string, string]) : [],
          body: c.body,
          outputMode: c.url.searchParams.get('output_mode') ?? new URLSearchParams(isForm ? c.body : '').get('output_mode') ?? undefined,
          user: c.user,
          authtoken: c.authtoken,
          app: c.app,
          owner: c.owner,
          srcIp: req.socket.remoteAddress ?? '127.0.0.1',
          listeningPort: req.socket.localPort ?? 8089,
        })
        .catch((e: Error) => {
          throw new HttpError(500, `Unexpected error from the REST handler [${stanza}]: ${e.message}`);
        });
      head(res, reply.status, {
        'Content-Type':
          reply.headers['Content-Type'] ??
          reply.headers['content-type'] ??
          (c.json ? 'application/json; charset=UTF-8' : 'text/xml; charset=UTF-8'),
        'Content-Length': Buffer.byteLength(reply.payload),
      });
      res.end(reply.payload);
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- dispatch
  async function route(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const json = url.searchParams.get('output_mode') === 'json' || new URLSearchParams(body).get('output_mode') === 'json';
    const kvPath = /\/storage\/collections\/data\//.test(url.pathname);
    const seg = url.pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
    try {
      // auth/login is the only endpoint answering without a session (RESTaccess auth/login)
      if (seg[0] === 'services' && seg[1] === 'auth' && seg[2] === 'login' && req.method === 'POST') {
        const f = parseForm(body, url);
        if (first(f, 'username') !== 'admin' || first(f, 'password') !== 'changeme') throw new HttpError(401, 'Login failed', 'WARN');
        const k = mkKey();
        if (json) send(res, 200, { sessionKey: k });
        else {
          head(res, 200, { 'Content-Type': 'text/xml; charset=UTF-8' });
          res.end(`<response>\n  <sessionKey>${escapeXml(k)}</sessionKey>\n</response>\n`);
        }
        return;
      }
      const auth = /^Splunk\s+(\S+)$/.exec(req.headers.authorization ?? '');
      const sess = auth ? sessions.get(auth[1]) : undefined;
      if (!sess || sess.expires < Date.now()) {
        if (sess) sessions.delete(auth?.[1] ?? '');
        // 401 body as splunkd sends it for a missing/expired token
        throw new HttpError(401, 'call not properly authenticated', 'WARN');
      }
      let owner = 'nobody';
      let app = APP;
      let rest: string[];
      let prefix: string;
      if (seg[0] === 'servicesNS' && seg.length >= 3) {
        owner = seg[1] === '-' ? 'nobody' : seg[1];
        app = seg[2] === '-' ? APP : seg[2];
        rest = seg.slice(3);
        prefix = `/servicesNS/${encodeURIComponent(seg[1])}/${encodeURIComponent(seg[2])}`;
      } else if (seg[0] === 'services') {
        rest = seg.slice(1); // simplification: /services/… reads and writes the add-on's app context
        prefix = '/services';
      } else throw new HttpError(404, 'Not Found');
      const ctx: Ctx = {
        req,
        url,
        owner,
        app,
        user: sess.user,
        json: json || kvPath,
        form: kvPath ? parseForm('', url) : parseForm(body, url),
        body,
        prefix: '',
      };
      const p = (n: number): string => `${prefix}/${rest.slice(0, n).map(encodeURIComponent).join('/')}`;
      if (rest[0] === 'configs' && rest[1]?.startsWith('conf-') && rest.length <= 3) {
        ctx.prefix = p(2);
        handleConf(ctx, res, rest[1].slice(5), rest[2]);
      } else if (rest[0] === 'storage' && rest[1] === 'passwords' && rest.length <= 3) {
        ctx.prefix = p(2);
        handlePasswords(ctx, res, rest[2]);
      } else if (rest[0] === 'storage' && rest[1] === 'collections') {
        ctx.prefix = p(3);
        handleKv(ctx, res, rest.slice(2));
      } else if (rest[0] === 'data' && rest[1] === 'inputs' && rest[2] && rest.length <= 5) {
        ctx.prefix = p(3);
        await handleInputs(ctx, res, rest[2], rest[3], rest[4]);
      } else if (rest[0] === 'server' && rest[1] === 'info' && rest.length === 2) {
        ctx.prefix = p(2);
        feed(ctx, res, 200, 'server-info', [
          {
            name: 'server-info',
            author: 'system',
            content: {
              serverName,
              host: serverName,
              version: VERSION,
              build: BUILD,
              product_type: 'enterprise',
              os_name: 'Linux',
              cpu_arch: os.arch() === 'x64' ? 'x86_64' : os.arch(), // splunkd's name, as in a captured 8.0.5 answer
              guid: '5B1D4A56-0000-4000-8000-000000000001',
              mode: 'normal',
              startup_time: Math.floor(started / 1000),
              // kvStoreStatus as in a captured 8.0.5 answer ("ready"); "disabled" when disabled; none without a KV store
              ...(kvMode === 'absent'
                ? {}
                : { kvStoreStatus: kvMode === 'disabled' ? 'disabled' : Date.now() < kvReadyAt ? 'starting' : 'ready' }),
              isFree: false,
              isTrial: false,
              ...infoOverrides,
              'eai:acl': null,
            },
          },
        ]);
      } else if (rest[0] === 'data' && rest[1] === 'indexes' && rest[2] && rest.length === 3 && req.method === 'GET') {
        // data/indexes/{name}: the index's settings, 404 "Could not find object id=<name>" when this instance
        // does not define it (REST API Reference, Introspection endpoints, data/indexes/{name}).
        ctx.prefix = p(2);
        if (!indexes.has(rest[2])) throw new HttpError(404, `Could not find object id=${rest[2]}`);
        feed(ctx, res, 200, 'indexes', [
          {
            name: rest[2],
            author: 'nobody',
            content: { datatype: 'event', disabled: false, homePath: `$SPLUNK_DB/${rest[2]}/db`, 'eai:acl': null },
          },
        ]);
      } else if (rest[0] === 'kvstore' && rest[1] === 'status' && rest.length === 2 && kvMode !== 'absent') {
        // kvstore/status: current.status / current.disabled (KV store troubleshooting tools, Admin Manual 9.3)
        ctx.prefix = p(2);
        const status = kvMode === 'disabled' ? 'disabled' : Date.now() < kvReadyAt ? 'starting' : 'ready';
        feed(ctx, res, 200, 'kvstore-status', [
          { name: 'kvstoreStatus', author: 'system', content: { current: { status, disabled: kvMode === 'disabled' }, 'eai:acl': null } },
        ]);
      } else if (rest[0] === 'authentication' && rest[1] === 'current-context' && rest.length === 2) {
        ctx.prefix = p(2);
        feed(ctx, res, 200, 'current-context', [
          {
            name: sess.user,
            author: 'system',
            content: {
              username: sess.user,
              realname: 'Administrator',
              email: '',
              defaultApp: 'launcher',
              roles: ['admin'],
              capabilities: CAPABILITIES,
              'eai:acl': null,
            },
          },
        ]);
      } else if (!(await handleScript(req, res, { rest, url, body, json, user: sess.user, authtoken: auth?.[1] ?? '', app, owner })))
        throw new HttpError(404, 'Not Found');
    } catch (e) {
      const he = e instanceof HttpError ? e : new HttpError(500, e instanceof Error ? e.message : String(e));
      sendError(res, json || kvPath, he);
    }
  }

  const { key, cert } = certificate();
  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pending.set(res, { method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'https://x').pathname });
      void route(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  serverUri = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api: Splunkd = {
    serverUri,
    sessionKey: adminKey,
    splunkHome,
    serverName,
    app: APP,
    newSessionKey: (opts) => mkKey(opts?.ttlMs),
    expireSessionKey: (k) => {
      sessions.delete(k);
    },
    setConf: (file, stanza, values) => main.conf.set(file, stanza, values),
    getConf: (file, stanza) => main.conf.get(file, stanza),
    deleteConf: (file, stanza) => main.conf.delete(file, stanza),
    setPassword: (realm, name, clear) => {
      main.passwords.set(passwordEntity(realm, name), { realm, username: name, clear, encr: encrypt(clear) });
    },
    passwords: () =>
      [...apps.values()].flatMap((a) =>
        [...a.passwords.values()].map((p) => ({ realm: p.realm, name: p.username, clear_password: p.clear })),
      ),
    kvRecords: (c) => [...kv.primary(APP, c).values()].map((d) => ({ ...d })),
    setKvReadLagMs: (ms) => kv.setLagMs(ms),
    setKvFaults: (f) => {
      faults = { ...f };
      faultDebt.clear();
      if (f.startup503Ms !== undefined) kvReadyAt = Date.now() + f.startup503Ms;
    },
    setKvStoreMode: (m) => {
      kvMode = m;
    },
    setServerInfo: (f) => {
      infoOverrides = { ...f };
    },
    addIndex: (name) => {
      indexes.add(name);
    },
    requests: () => [...log],
    confFilesText: () => {
      const out: Record<string, string> = {};
      for (const [name, a] of apps) {
        for (const [f, t] of Object.entries(a.conf.localFilesText())) out[`${name}/local/${f}`] = t;
        if (a.passwords.size) {
          // passwords.conf: [credential:<realm>:<user>:] password = $7$… (passwords.conf.spec)
          out[`${name}/local/passwords.conf`] = serializeConf(
            new Map([...a.passwords].map(([ent, p]) => [`credential:${ent}`, { password: p.encr }])),
          );
        }
      }
      return out;
    },
    registerModularInput: (scheme, command, env) => {
      modinputs.set(scheme, { command, env });
    },
    writeSplunkdLog: writeLog,
    restDriverPids: () => [...drivers.started],
    setRestHandlerFault: (match, fault) => {
      const m = match.replace(/\/+$/, '');
      if (fault) restFaults.set(m, fault);
      else restFaults.delete(m);
    },
    close: async () => {
      await drivers.close();
      kv.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownHome) fs.rmSync(splunkHome, { recursive: true, force: true });
    },
  };
  return api;
}
