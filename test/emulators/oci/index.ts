// OCI emulator: Identity 20160918 + Audit 20190901 REST over node:http, with request-signature checks, lazy
// deterministic audit events, and injectable faults. Each behaviour cites its public source: an Oracle
// doc URL, or a file of the OCI SDK packages at 2.139.1 (oci-common, oci-audit, oci-identity).
import crypto from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { EventStore, Position, type TimeFilter } from './events';
export type { TimeFilter } from './events';
import { Rng, hashInts, hashString, ocid } from './prng';
import { CompartmentRecord, Tenancy, generateTenancy } from './tenancy';
import { decodeToken, encodeToken } from './token';

export { generateTenancy, KNOWN_REGIONS } from './tenancy';
export type { InstancePrincipal } from './instance-principal';
import { instancePrincipalRoutes, type InstancePrincipal, type InstancePrincipalRoutes } from './instance-principal';
export type { CompartmentRecord, CompartmentLifecycleState, RegionSubscription, Tenancy, TenancyOptions, UserRecord } from './tenancy';

export interface FaultOptions {
  /** fraction answered 429 {"code":"TooManyRequests"} */
  throttleRate?: number;
  /** fraction answered 500 InternalServerError / 503 ServiceUnavailable */
  serverErrorRate?: number;
  latencyMs?: number | [number, number];
  /** fraction whose socket is destroyed mid-body */
  resetRate?: number;
  /** fraction never answered */
  hangRate?: number;
  /** insert empty ListEvents pages that still carry opc-next-page */
  emptyPagesWithToken?: boolean;
  /** fraction answered 200 with a body that is not the documented JSON (see malformedKind) */
  malformedRate?: number;
  /**
   * what a malformed body is: 'text' (an HTML error page), 'truncated' (the JSON cut in half),
   * 'object' (valid JSON, not an array: `{"items":[…]}`), 'wrong-types' (an array whose items are
   * not objects: each event as a JSON string, then null and a number). Default: text or truncated at random.
   */
  malformedKind?: 'text' | 'truncated' | 'object' | 'wrong-types';
  /** which service the faults apply to; default both */
  only?: 'audit' | 'identity';
}

export interface OciEmulatorOptions {
  tenancy?: Tenancy;
  /** events per ListEvents page, default 1000 */
  pageSize?: number;
  faults?: FaultOptions;
  /** ms; events processed at/after now are not visible yet; default the emulator's clock (`clockOffsetMs`) */
  now?: () => number;
  /** Shifts the emulator's clock (Date.now() + offset, ms; default 0): what `now` defaults to and what a
   * signature's date is checked against. A client run under libfaketime with the same offset then lives at
   * another hour of the day (build/dev/demo.ts --clock-offset-hours). */
  clockOffsetMs?: number;
  port?: number;
  /** default 300 */
  clockSkewSec?: number;
  /**
   * What ListEvents' startTime/endTime filter on: 'processed' (default: the moment OCI made the event visible) or
   * 'eventTime' (the event's own time, so events become visible in spans already read). test/emulators/oci/events.ts.
   * Also from the environment: OCI_EMULATOR_TIME_FILTER.
   */
  timeFilter?: TimeFilter;
}

/** OCI_EMULATOR_TIME_FILTER=processed|eventTime: runs a whole suite under one reading of ListEvents' time filter. */
export function timeFilterFromEnv(): TimeFilter {
  const v = process.env.OCI_EMULATOR_TIME_FILTER;
  if (v === undefined || v === '' || v === 'processed') return 'processed';
  if (v === 'eventTime') return 'eventTime';
  throw new Error(`OCI_EMULATOR_TIME_FILTER: "${v}" is not accepted; use processed or eventTime`);
}

export interface ApiKey {
  tenancyId: string;
  userId: string;
  fingerprint: string;
  privateKeyPem: string;
  publicKeyPem: string;
  passphrase?: string;
}

export interface EmulatorStats {
  requests: number;
  byOperation: Record<string, number>;
  /** HTTP status as text, or the pseudo statuses "reset", "hang", "malformed" for those faults */
  byStatus: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  listEventsRequests: number;
  /** when the first ListEvents request arrived (epoch ms, sub-ms: performance.timeOrigin + now()); for the bench's start-up measure */
  firstListEventsAt?: number;
  eventsServed: number;
  authFailures: number;
}

export interface WindowRead {
  region: string;
  compartmentId: string;
  /** startTime and endTime, epoch ms */
  start: number;
  end: number;
}

export interface GroundTruthEvent {
  region: string;
  compartmentId: string;
  eventId: string;
  /** eventTime, epoch ms */
  eventMs: number;
  /** when ListEvents starts returning it, epoch ms */
  visibleAt: number;
}

export interface StoredEvent {
  event: Record<string, unknown>;
  processedAt: Date;
}

export interface OciEmulator {
  /** http://127.0.0.1:<port> */
  url: string;
  /** `${url}/identity/{region}` (the SDK appends /20160918) */
  identityEndpoint: string;
  /** `${url}/audit/{region}` (the SDK appends /20190901) */
  auditEndpoint: string;
  /** IMDS and X.509 federation for instance principal auth (set the SDK builder's metadataBaseUrl and federationEndpoint). */
  instancePrincipal: InstancePrincipal;
  tenancy: Tenancy;
  /** RSA 2048 key pair registered for a generated user (PKCS#8 PEM, no passphrase) */
  apiKey: ApiKey;
  addApiKey(opts?: { passphrase?: string; format?: 'pkcs1' | 'pkcs8' }): ApiKey;
  revokeApiKey(fingerprint: string): void;
  addEvent(region: string, compartmentId: string, event: Record<string, unknown>, processedAt: Date): void;
  events(region: string, compartmentId: string, start: Date, end: Date): Iterable<Record<string, unknown>>;
  countEvents(start: Date, end: Date, filter?: { regions?: string[]; compartments?: string[] }): number;
  /** the reading of ListEvents' time filter this emulator follows */
  timeFilter: TimeFilter;
  /** Every event whose filter time is in [start, end), visible yet or not, with when it becomes visible (the bench). */
  groundTruth(start: Date, end: Date): GroundTruthEvent[];
  setFaults(f: FaultOptions): void;
  setLatency(ms: number | [number, number]): void;
  denyListEvents(compartmentId: string | '*'): void;
  /** an Identity operation (e.g. ListRegionSubscriptions) answers 404 as without the IAM policy for it */
  denyOperation(op: string): void;
  allowOperation(op: string): void;
  stats(): EmulatorStats;
  /** The time windows ListEvents was asked for (first pages only), in the order they arrived. */
  windowsRead(): WindowRead[];
  resetStats(): void;
  close(): Promise<void>;
}

// http-signature@1.3.1 ships no types; this is the slice used here (lib/parser.js, lib/verify.js).
interface ParsedSignature {
  scheme: string;
  params: { keyId: string; algorithm: string; headers: string[]; signature: string };
  keyId: string;
  algorithm: string;
  signingString: string;
}
interface HttpSignatureApi {
  parseRequest(req: http.IncomingMessage, opts?: { clockSkew?: number; headers?: string[] }): ParsedSignature;
  verifySignature(parsed: ParsedSignature, pubkey: string): boolean;
}
const httpSignature = createRequire(__filename)('http-signature') as HttpSignatureApi;

type Service = 'identity' | 'audit';
interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

// Error codes and messages: https://docs.oracle.com/en-us/iaas/Content/API/References/apierrors.htm.
const MSG = {
  NotAuthenticated: 'The required information to complete authentication was not provided or was incorrect.',
  NotAuthorizedOrNotFound: 'Authorization failed or requested resource not found.',
  TooManyRequests: 'Too many requests for the tenant',
  InternalServerError: 'Internal error occurred',
  ServiceUnavailable: 'The service is currently unavailable.',
};
function err(status: number, code: string, message: string): Reply {
  return { status, body: JSON.stringify({ code, message }) };
}
const notFound = (): Reply => err(404, 'NotAuthorizedOrNotFound', MSG.NotAuthorizedOrNotFound);
const missing = (p: string): Reply => err(400, 'MissingParameter', `Missing required parameter '${p}'.`);
const invalid = (m: string): Reply => err(400, 'InvalidParameter', m);

// RFC 3339 date-time (https://www.rfc-editor.org/rfc/rfc3339#section-5.6): two-digit hour etc. The SDK's
// formatDateToRFC3339 sends unpadded hours like T9:05:00Z (oci-common@2.139.1 lib/helper.js, oracle/oci-typescript-sdk#320): rejected here.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.(\d+))?([Zz]|[+-](\d{2}):(\d{2}))$/;
function parseRfc3339(s: string): { ms: number; wholeMinute: boolean } | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return undefined;
  if (m[10] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return undefined;
  const ms = Date.parse(s.toUpperCase());
  if (Number.isNaN(ms)) return undefined;
  return { ms, wholeMinute: se === 0 && !/[1-9]/.test(m[8] ?? '') };
}

const LIFECYCLE = ['CREATING', 'ACTIVE', 'INACTIVE', 'DELETING', 'DELETED'];
const KIND_AUDIT = 1;
const KIND_IDENTITY = 2;
const FLAG_NO_EMPTY = 1;
const FLAG_CURSOR = 2;

function fingerprintOf(publicKey: crypto.KeyObject): string {
  // Fingerprint = MD5 over DER SubjectPublicKeyInfo, colon-separated lower-case hex
  // (https://docs.oracle.com/en-us/iaas/Content/API/Concepts/apisigningkey.htm).
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return (crypto.createHash('md5').update(der).digest('hex').match(/../g) as string[]).join(':');
}

function emptyStats(): EmulatorStats {
  return {
    requests: 0,
    byOperation: {},
    byStatus: {},
    inFlight: 0,
    maxInFlight: 0,
    listEventsRequests: 0,
    eventsServed: 0,
    authFailures: 0,
  };
}

export async function startOciEmulator(o: OciEmulatorOptions = {}): Promise<OciEmulator> {
  const tenancy = o.tenancy ?? generateTenancy();
  const clockOffset = o.clockOffsetMs ?? 0;
  const clock = (): number => Date.now() + clockOffset;
  const now = o.now ?? clock;
  const pageSize = Math.max(1, o.pageSize ?? 1000);
  const clockSkew = o.clockSkewSec ?? 300;
  const timeFilter = o.timeFilter ?? timeFilterFromEnv();
  const store = new EventStore(tenancy, now, timeFilter);
  let faults: FaultOptions = { ...(o.faults ?? {}) };
  const faultRng = new Rng(hashInts(tenancy.seed, 0xfa17));
  const latencyRng = new Rng(hashInts(tenancy.seed, 0x1a7e));
  let stats = emptyStats();
  const windowLog: WindowRead[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const denied = new Set<string>();
  const deniedOps = new Set<string>();
  const keys = new Map<string, { publicKeyPem: string }>();
  let baseUrl = '';
  const ip: InstancePrincipalRoutes = instancePrincipalRoutes(() => baseUrl, tenancy.tenancyId, tenancy.homeRegion);
  let userSeq = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<{ t: NodeJS.Timeout; done: () => void }>();
  let closed = false;

  const compById = new Map<string, CompartmentRecord>(tenancy.compartments.map((c) => [c.id, c]));
  const children = new Map<string, CompartmentRecord[]>();
  for (const c of tenancy.compartments) {
    const l = children.get(c.compartmentId) ?? [];
    l.push(c);
    children.set(c.compartmentId, l);
  }
  const descendants = (id: string): CompartmentRecord[] => {
    const out: CompartmentRecord[] = [];
    const walk = (p: string): void => {
      for (const c of children.get(p) ?? []) {
        out.push(c);
        walk(c.id);
      }
    };
    walk(id);
    return out;
  };
  const rootCompartment = (): CompartmentRecord => ({
    id: tenancy.tenancyId,
    // Assumption: GetCompartment on the tenancy returns the root; its parent field is not documented, we echo the tenancy.
    compartmentId: tenancy.tenancyId,
    name: tenancy.name,
    description: tenancy.name,
    timeCreated: '2019-01-01T00:00:00.000Z',
    lifecycleState: 'ACTIVE',
    isAccessible: true,
    freeformTags: {},
    definedTags: {},
  });

  function addApiKey(opts: { passphrase?: string; format?: 'pkcs1' | 'pkcs8' } = {}): ApiKey {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const type = opts.format === 'pkcs1' ? 'pkcs1' : 'pkcs8';
    const privateKeyPem = (
      opts.passphrase
        ? privateKey.export({ type, format: 'pem', cipher: 'aes-256-cbc', passphrase: opts.passphrase })
        : privateKey.export({ type, format: 'pem' })
    ).toString();
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const userId = ocid(new Rng(hashInts(tenancy.seed, 0xa91, userSeq++)), 'user');
    const fingerprint = fingerprintOf(publicKey);
    // keyId = "<tenancy>/<user>/<fingerprint>" (https://docs.oracle.com/en-us/iaas/Content/API/Concepts/signingrequests.htm).
    keys.set(`${tenancy.tenancyId}/${userId}/${fingerprint}`, { publicKeyPem });
    return {
      tenancyId: tenancy.tenancyId,
      userId,
      fingerprint,
      privateKeyPem,
      publicKeyPem,
      ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
    };
  }
  const apiKey = addApiKey();

  function authenticate(req: http.IncomingMessage): boolean {
    try {
      // draft-cavage-http-signatures-08 as OCI uses it: signed headers must cover (request-target), host and
      // date or x-date; clock skew 300 s (signingrequests.htm). parseRequest builds the signing string
      // from req.url, i.e. the raw path+query exactly as sent.
      // The skew is measured against the emulator's clock, which `clockOffsetMs` may shift; http-signature's
      // own check (against Date.now) is turned off for that.
      const parsed = httpSignature.parseRequest(req, { clockSkew: Number.MAX_SAFE_INTEGER / 1000, headers: [] });
      const sent = req.headers['x-date'] ?? req.headers.date;
      if (typeof sent !== 'string' || !(Math.abs(clock() - Date.parse(sent)) <= clockSkew * 1000)) return false;
      const signed = parsed.params.headers;
      if (!signed.includes('(request-target)') || !signed.includes('host')) return false;
      if (!signed.includes('date') && !signed.includes('x-date')) return false;
      // keyId "ST$<token>": a session token from the X.509 federation, signed with its session key (oci-common auth.js).
      const pem = keys.get(parsed.params.keyId)?.publicKeyPem ?? ip.sessionKey(parsed.params.keyId) ?? ip.leafKey(parsed.params.keyId);
      if (!pem) return false;
      return httpSignature.verifySignature(parsed, pem);
    } catch {
      return false;
    }
  }

  const knownCompartment = (id: string): boolean => id === tenancy.tenancyId || compById.has(id);

  // ---------------------------------------------------------------- Identity
  function identity(op: string, parts: string[], q: URLSearchParams): Reply {
    // No IAM policy for the operation -> 404 NotAuthorizedOrNotFound after authentication (apierrors.htm).
    if (deniedOps.has(op)) return notFound();
    if (op === 'ListRegionSubscriptions') {
      // GET /tenancies/{id}/regionSubscriptions: bare array, no paging (oci-identity@2.139.1 lib/model/region-subscription.d.ts).
      if (parts[1] !== tenancy.tenancyId) return notFound();
      return { status: 200, body: JSON.stringify(tenancy.regions) };
    }
    if (op === 'GetTenancy') {
      // GET /tenancies/{id} -> Tenancy {id, name, description, homeRegionKey, ...} (oci-identity tenancy.d.ts).
      if (parts[1] !== tenancy.tenancyId) return notFound();
      const home = tenancy.regions.find((r) => r.isHomeRegion);
      const body = {
        id: tenancy.tenancyId,
        name: tenancy.name,
        description: tenancy.name,
        homeRegionKey: home?.regionKey ?? null,
        upiIdcsCompatibilityLayerEndpoint: null,
        freeformTags: {},
        definedTags: {},
      };
      return { status: 200, body: JSON.stringify(body) };
    }
    if (op === 'GetCompartment') {
      // GET /compartments/{id} -> Compartment + etag header (docs op-20160918-compartments-compartment_id-get).
      const id = parts[1] as string;
      const c = id === tenancy.tenancyId ? rootCompartment() : compById.get(id);
      if (!c) return notFound();
      const body = JSON.stringify(c);
      return { status: 200, body, headers: { etag: crypto.createHash('sha256').update(body).digest('hex') } };
    }
    // ListCompartments (docs iam/compartment/list; oci-identity@2.139.1 lib/request/list-compartments-request.d.ts).
    const cid = q.get('compartmentId');
    if (!cid) return missing('compartmentId');
    const accessLevel = q.get('accessLevel') ?? 'ANY';
    if (accessLevel !== 'ANY' && accessLevel !== 'ACCESSIBLE') return invalid(`Invalid accessLevel '${accessLevel}'.`);
    const subtree = q.get('compartmentIdInSubtree');
    if (subtree !== null && subtree !== 'true' && subtree !== 'false') return invalid(`Invalid compartmentIdInSubtree '${subtree}'.`);
    const state = q.get('lifecycleState');
    if (state !== null && !LIFECYCLE.includes(state)) return invalid(`Invalid lifecycleState '${state}'.`);
    // limit: the API reference gives no range; 1..1000 and default 100 are this emulator's assumption.
    const limitText = q.get('limit');
    const limit = limitText === null ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return invalid(`Invalid limit '${limitText ?? ''}'.`);
    const sortBy = q.get('sortBy');
    if (sortBy !== null && sortBy !== 'TIMECREATED' && sortBy !== 'NAME') return invalid(`Invalid sortBy '${sortBy}'.`);
    const sortOrder = q.get('sortOrder');
    if (sortOrder !== null && sortOrder !== 'ASC' && sortOrder !== 'DESC') return invalid(`Invalid sortOrder '${sortOrder}'.`);
    if (!knownCompartment(cid)) return notFound();
    // "compartmentIdInSubtree applies only when you perform ListCompartments on the tenancy" (API reference).
    if (subtree === 'true' && cid !== tenancy.tenancyId)
      return invalid('compartmentIdInSubtree may only be set to true when compartmentId is the tenancy.');
    // The root is never listed; without subtree only first-level children (API reference).
    let list = subtree === 'true' ? descendants(cid) : [...(children.get(cid) ?? [])];
    if (accessLevel === 'ACCESSIBLE') list = list.filter((c) => c.isAccessible);
    if (state) list = list.filter((c) => c.lifecycleState === state);
    const name = q.get('name');
    if (name !== null) list = list.filter((c) => c.name === name);
    if (sortBy) {
      // "Default order for TIMECREATED is descending. Default order for NAME is ascending." (API reference)
      const dir = (sortOrder ?? (sortBy === 'NAME' ? 'ASC' : 'DESC')) === 'ASC' ? 1 : -1;
      const key = (c: CompartmentRecord): string => (sortBy === 'NAME' ? c.name : c.timeCreated);
      list.sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : 0));
    }
    const queryHash = hashString(['lc', cid, accessLevel, subtree, state, name, sortBy, sortOrder].join('|'));
    let offset = 0;
    const page = q.get('page');
    if (page !== null) {
      const t = decodeToken(page);
      if (!t || t.kind !== KIND_IDENTITY || t.query !== queryHash) return invalid('Invalid page token.');
      offset = Number(t.id);
    }
    const items = list.slice(offset, offset + limit);
    const headers: Record<string, string> = {};
    // opc-next-page only when there are more items (pagination docs: usingapi.htm#nine).
    if (offset + limit < list.length)
      headers['opc-next-page'] = encodeToken({ kind: KIND_IDENTITY, flags: 0, query: queryHash, ms: 0, id: String(offset + limit) });
    return { status: 200, body: JSON.stringify(items), headers };
  }

  // ---------------------------------------------------------------- Audit
  function audit(op: string, ri: number, region: string, q: URLSearchParams): Reply {
    if (op === 'GetConfiguration') {
      // GET /configuration?compartmentId=<tenancy> -> {"retentionPeriodDays":N} (oci-audit@2.139.1 lib/model/configuration.d.ts).
      const cid = q.get('compartmentId');
      if (!cid) return missing('compartmentId');
      if (cid !== tenancy.tenancyId) return invalid('compartmentId must be the tenancy OCID.');
      return { status: 200, body: JSON.stringify({ retentionPeriodDays: 365 }) };
    }
    // ListEvents: compartmentId, startTime, endTime required; page optional; no limit (list-events-request.d.ts).
    for (const p of ['compartmentId', 'startTime', 'endTime']) if (!q.get(p)) return missing(p);
    const cid = q.get('compartmentId') as string;
    const startText = q.get('startTime') as string;
    const endText = q.get('endTime') as string;
    const start = parseRfc3339(startText);
    if (!start) return invalid(`startTime '${startText}' is not a valid RFC 3339 date-time.`);
    const end = parseRfc3339(endText);
    if (!end) return invalid(`endTime '${endText}' is not a valid RFC 3339 date-time.`);
    // Whole minutes: the CLI docs say "granularity to the minute. Seconds (and milliseconds, if included) must be
    // set to 0" (oci_cli_docs audit/event/list), though one real record shows 200 for 13:41:17.170Z
    // (test/fixtures/samples/real-logging-ListEvents-JavaSDK.newrelic.json).
    // We follow the docs, strictly.
    if (!start.wholeMinute) return invalid('startTime must be at whole minutes (seconds and milliseconds 0).');
    if (!end.wholeMinute) return invalid('endTime must be at whole minutes (seconds and milliseconds 0).');
    if (start.ms >= end.ms) return invalid('startTime must be before endTime.');
    const ci = store.compIdx.get(cid);
    // Unknown compartment or no "read audit-events" policy -> 404 NotAuthorizedOrNotFound (apierrors.htm).
    if (ci === undefined || denied.has('*') || denied.has(cid)) return notFound();
    const queryHash = hashString(['le', region, cid, start.ms, end.ms].join('|'));
    let after: Position | undefined;
    let flags = 0;
    const page = q.get('page');
    if (page === null) windowLog.push({ region, compartmentId: cid, start: start.ms, end: end.ms });
    if (page !== null) {
      const t = decodeToken(page);
      if (!t || t.kind !== KIND_AUDIT || t.query !== queryHash) return invalid('Invalid page token.');
      flags = t.flags;
      if (t.flags & FLAG_CURSOR) after = { ms: t.ms, id: t.id };
    }
    const tokenFor = (p: Position | undefined, extra: number): string =>
      encodeToken({ kind: KIND_AUDIT, flags: extra | (p ? FLAG_CURSOR : 0), query: queryHash, ms: p?.ms ?? 0, id: p?.id ?? '' });
    const applies = !faults.only || faults.only === 'audit';
    const emptyFault = applies && faults.emptyPagesWithToken === true && !(flags & FLAG_NO_EMPTY);
    if (emptyFault && faultRng.next() < 0.5) {
      // Fault: an empty page that still carries opc-next-page (oci-common@2.139.1 lib/paginators.js walks through them).
      return { status: 200, body: '[]', headers: { 'opc-next-page': tokenFor(after, FLAG_NO_EMPTY) } };
    }
    const items: string[] = [];
    let last: Position | undefined;
    let more = false;
    for (const k of store.keys(ri, ci, start.ms, end.ms, after)) {
      if (items.length === pageSize) {
        more = true;
        break;
      }
      items.push(store.render(ri, ci, k));
      last = k;
    }
    const headers: Record<string, string> = {};
    // Body = bare JSON array; opc-next-page only when more remain (oci-audit@2.139.1 lib/response/list-events-response.d.ts).
    if (more) headers['opc-next-page'] = tokenFor(last, 0);
    else if (emptyFault && items.length > 0 && faultRng.next() < 0.5) headers['opc-next-page'] = tokenFor(last, FLAG_NO_EMPTY);
    stats.eventsServed += items.length;
    return { status: 200, body: `[${items.join(',')}]`, headers };
  }

  // ---------------------------------------------------------------- HTTP
  function route(rawUrl: string): { service?: Service; region?: string; op: string; parts: string[]; q: URLSearchParams } {
    const qi = rawUrl.indexOf('?');
    const path = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    // The query is decoded as application/x-www-form-urlencoded: "+" is a space, %XX escapes (WHATWG URL).
    const q = new URLSearchParams(qi < 0 ? '' : rawUrl.slice(qi + 1));
    const segs = path
      .split('/')
      .slice(1)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
    const [svc, region, version, ...parts] = segs;
    if (svc === 'identity' && version === '20160918') {
      let op = 'Unknown';
      if (parts[0] === 'tenancies' && parts.length === 3 && parts[2] === 'regionSubscriptions') op = 'ListRegionSubscriptions';
      else if (parts[0] === 'tenancies' && parts.length === 2) op = 'GetTenancy';
      else if (parts[0] === 'compartments' && parts.length === 1) op = 'ListCompartments';
      else if (parts[0] === 'compartments' && parts.length === 2) op = 'GetCompartment';
      return { service: 'identity', region, op, parts, q };
    }
    if (svc === 'audit' && version === '20190901') {
      let op = 'Unknown';
      if (parts.length === 1 && parts[0] === 'auditEvents') op = 'ListEvents';
      else if (parts.length === 1 && parts[0] === 'configuration') op = 'GetConfiguration';
      return { service: 'audit', region, op, parts, q };
    }
    return { op: 'Unknown', parts: [], q };
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { t: setTimeout(() => (timers.delete(entry), resolve()), ms), done: resolve };
      timers.add(entry);
    });
  }

  function latency(): number {
    const l = faults.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return l[0] + latencyRng.next() * (l[1] - l[0]);
  }

  function opcRequestId(req: http.IncomingMessage): string {
    const rng = new Rng(crypto.randomInt(2 ** 32 - 1));
    const own = `${rng.hex(32, true)}/${rng.hex(32, true)}`;
    const sent = req.headers['opc-request-id'];
    // A client-supplied opc-request-id is kept as the prefix (sample real-logging-ListEvents: "<client>/<x>/<y>").
    return typeof sent === 'string' && sent ? `${sent}/${own}` : `${rng.hex(32, true)}/${own}`;
  }

  function count(map: Record<string, number>, k: string): void {
    map[k] = (map[k] ?? 0) + 1;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    stats.requests++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = false;
    const leave = (): void => {
      if (counted) return;
      counted = true;
      inFlight--;
    };
    res.on('close', leave);
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/imds/') || path.startsWith('/auth/')) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      count(stats.byOperation, path.startsWith('/imds/') ? 'InstanceMetadata' : 'X509Federation');
      // The federation request is signed with the instance certificate's key (keyId <tenancy>/fed-x509/<sha1>).
      if (path.startsWith('/auth/') && !authenticate(req)) {
        stats.authFailures++;
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'NotAuthenticated', message: MSG.NotAuthenticated }));
        return;
      }
      if (ip.handle(path, req, Buffer.concat(chunks).toString('utf8'), res)) return;
    }
    req.resume();
    const requestId = opcRequestId(req);
    const send = (r: Reply, mode: 'normal' | 'reset' | 'malformed' = 'normal'): void => {
      if (closed || res.destroyed) return;
      let body = r.body;
      let statusKey = String(r.status);
      if (mode === 'malformed') {
        // Fault: 200 with a body the SDK cannot parse (oci-audit@2.139.1 lib/client.js reads a 200 with
        // response.json(): a SyntaxError), or
        // JSON of the wrong shape.
        const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
        const half = (): string => body.slice(0, Math.max(1, Math.floor(body.length / 2)));
        switch (faults.malformedKind) {
          case 'text':
            body = html;
            break;
          case 'truncated':
            body = half();
            break;
          case 'object':
            body = `{"items":${body}}`;
            break;
          case 'wrong-types': {
            let items: unknown[] = [];
            try {
              const parsed = JSON.parse(body) as unknown;
              if (Array.isArray(parsed)) items = parsed;
            } catch {
              // not an array: no items
            }
            body = JSON.stringify([...items.map((e) => JSON.stringify(e)), null, 42]);
            break;
          }
          default:
            body = faultRng.next() < 0.5 ? html : half();
        }
        statusKey = 'malformed';
      }
      count(stats.byStatus, mode === 'reset' ? 'reset' : statusKey);
      const buf = Buffer.from(body, 'utf8');
      res.writeHead(mode === 'malformed' ? 200 : r.status, {
        'content-type': 'application/json',
        'content-length': String(buf.length),
        'opc-request-id': requestId,
        ...(r.headers ?? {}),
      });
      if (mode === 'reset') {
        // Fault: connection reset mid-body: half the body, then destroy the socket.
        res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.socket?.destroy());
        return;
      }
      res.end(buf);
    };

    const { service, region, op, parts, q } = route(req.url ?? '/');
    count(stats.byOperation, op);
    if (op === 'ListEvents' && stats.listEventsRequests++ === 0) stats.firstListEventsAt = performance.timeOrigin + performance.now();
    const wait = latency();
    if (wait > 0) await sleep(wait);
    if (closed) return;

    const ri = region === undefined ? undefined : store.regionIdx.get(region);
    // Unknown service, version, path or region -> 404 NotAuthorizedOrNotFound (apierrors.htm).
    if (!service || ri === undefined || op === 'Unknown' || req.method !== 'GET') return send(notFound());
    if (!authenticate(req)) {
      stats.authFailures++;
      return send(err(401, 'NotAuthenticated', MSG.NotAuthenticated));
    }
    // Assumption: a region whose subscription is still IN_PROGRESS cannot authenticate the tenancy's users yet.
    if ((tenancy.regions[ri] as { status: string }).status !== 'READY') {
      stats.authFailures++;
      return send(err(401, 'NotAuthenticated', MSG.NotAuthenticated));
    }

    let mode: 'normal' | 'reset' | 'malformed' = 'normal';
    if (!faults.only || faults.only === service) {
      const u = faultRng.next();
      let acc = 0;
      if (u < (acc += faults.throttleRate ?? 0)) {
        // 429 with code TooManyRequests: the only 429 the SDK retries (oci-common@2.139.1 lib/retrier.js; apierrors.htm).
        return send(err(429, 'TooManyRequests', MSG.TooManyRequests));
      }
      if (u < (acc += faults.serverErrorRate ?? 0)) {
        return send(
          faultRng.next() < 0.5
            ? err(500, 'InternalServerError', MSG.InternalServerError)
            : err(503, 'ServiceUnavailable', MSG.ServiceUnavailable),
        );
      }
      if (u < (acc += faults.hangRate ?? 0)) {
        count(stats.byStatus, 'hang');
        return; // never answered; close() destroys the socket
      }
      if (u < (acc += faults.resetRate ?? 0)) mode = 'reset';
      else if (u < (acc += faults.malformedRate ?? 0)) mode = 'malformed';
    }
    const reply = service === 'identity' ? identity(op, parts, q) : audit(op, ri, region as string, q);
    send(reply, mode);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'InternalServerError', message: String(e) }));
      }
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  baseUrl = url;

  const regionCheck = (region: string, compartmentId: string): [number, number] => {
    const ri = store.regionIdx.get(region);
    const ci = store.compIdx.get(compartmentId);
    if (ri === undefined) throw new Error(`region ${region} is not subscribed`);
    if (ci === undefined) throw new Error(`unknown compartment ${compartmentId}`);
    return [ri, ci];
  };

  return {
    url,
    identityEndpoint: `${url}/identity/{region}`,
    instancePrincipal: ip,
    auditEndpoint: `${url}/audit/{region}`,
    tenancy,
    apiKey,
    addApiKey,
    revokeApiKey(fingerprint: string): void {
      for (const k of [...keys.keys()]) if (k.endsWith(`/${fingerprint}`)) keys.delete(k);
    },
    addEvent(region, compartmentId, event, processedAt): void {
      store.add(region, compartmentId, event, processedAt);
    },
    events(region, compartmentId, start, end): Iterable<Record<string, unknown>> {
      const [ri, ci] = regionCheck(region, compartmentId);
      return {
        *[Symbol.iterator]() {
          for (const k of store.keys(ri, ci, start.getTime(), end.getTime())) yield store.object(ri, ci, k);
        },
      };
    },
    countEvents(start, end, filter): number {
      const regions = filter?.regions ?? tenancy.regions.map((r) => r.regionName);
      const comps = filter?.compartments ?? [tenancy.tenancyId, ...tenancy.compartments.map((c) => c.id)];
      let n = 0;
      for (const r of regions) for (const c of comps) n += store.count(...regionCheck(r, c), start.getTime(), end.getTime());
      return n;
    },
    timeFilter,
    groundTruth(start, end): GroundTruthEvent[] {
      const out: GroundTruthEvent[] = [];
      for (const r of tenancy.regions)
        for (const c of [tenancy.tenancyId, ...tenancy.compartments.map((x) => x.id)]) {
          const [ri, ci] = regionCheck(r.regionName, c);
          for (const k of store.allKeys(ri, ci, start.getTime(), end.getTime()))
            out.push({ region: r.regionName, compartmentId: c, eventId: k.id, eventMs: k.eventMs, visibleAt: k.visibleAt });
        }
      return out;
    },
    setFaults(f: FaultOptions): void {
      faults = { ...f };
    },
    setLatency(ms: number | [number, number]): void {
      faults = { ...faults, latencyMs: ms };
    },
    denyListEvents(compartmentId: string): void {
      denied.add(compartmentId);
    },
    denyOperation(op: string): void {
      deniedOps.add(op);
    },
    allowOperation(op: string): void {
      deniedOps.delete(op);
    },
    stats(): EmulatorStats {
      return { ...stats, inFlight, maxInFlight, byOperation: { ...stats.byOperation }, byStatus: { ...stats.byStatus } };
    },
    windowsRead(): WindowRead[] {
      return windowLog.slice();
    },
    resetStats(): void {
      stats = emptyStats();
      windowLog.length = 0;
      maxInFlight = inFlight;
    },
    close(): Promise<void> {
      closed = true;
      for (const e of timers) {
        clearTimeout(e.t);
        e.done();
      }
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
    },
  };
}
