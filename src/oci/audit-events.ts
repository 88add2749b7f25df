// Audit ListEvents (GET /20190901/auditEvents, https://docs.oracle.com/iaas/api/#/en/audit/20190901/AuditEvent/ListEvents).
// Signed by the SDK's signing scheme, but the body is parsed here: the SDK's model (oci-audit 2.139.1
// lib/model) turns null sub-objects into undefined, and docs/contract.md "Output" wants every event
// exactly as the API returned it. Query values are URL-encoded (oci-common 2.139.1
// lib/request-generator.js sends page tokens with + / = raw). The body is read as it arrives and handed on in
// batches of events, so a page of any size costs one unfinished event and one network chunk of memory
// (OCI documents no page size).
import type { RequestSigner } from 'oci-common/lib/signer';
import { MalformedResponseError, ociHttpError } from './errors';
import { JsonArraySplitter, JsonShapeError } from './json-elements';
import { signedJson, signedStream, type HttpTransport, type StreamedResponse } from './transport';

/**
 * One audit event as the API's own JSON text, with the fields the pipeline reads, taken from the one
 * parse that validates it: eventId/eventTime (checkpoints, `<time>`) and what event rules test
 * (src/pipeline/event-rules.ts EventFields; a field that is absent or not a string is undefined).
 */
export interface RawEvent {
  text: string;
  eventId?: string;
  eventTime?: string;
  eventType?: string;
  eventName?: string;
  action?: string;
  principalName?: string;
  principalId?: string;
  authType?: string;
  compartmentId?: string;
  status?: string;
}

interface EventJson {
  eventId?: unknown;
  eventTime?: unknown;
  eventType?: unknown;
  data?: {
    eventName?: unknown;
    compartmentId?: unknown;
    identity?: { principalName?: unknown; principalId?: unknown; authType?: unknown } | null;
    request?: { action?: unknown } | null;
    response?: { status?: unknown } | null;
  } | null;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export interface EventsPage {
  events: RawEvent[];
  nextPage?: string;
}

/** What is known of a page before its body: where the next page is. */
export interface PageHead {
  nextPage?: string;
}

export interface ListEventsQuery {
  region: string;
  compartmentId: string;
  /** RFC 3339 at whole minutes, processed at or after. */
  startTime: string;
  /** RFC 3339 at whole minutes, processed before. */
  endTime: string;
  page?: string;
}

/** Receives a page's events in order, a batch per network chunk; awaited before more is read (back-pressure). */
export type EventBatchHandler = (events: RawEvent[]) => Promise<void> | void;

/**
 * Body text is decoded and scanned in slices of at most this many bytes: a network read can return
 * several chunks at once, and strings over V8's largest ordinary object (128 KiB) would go to the
 * large-object space, which only a full GC frees.
 */
const SLICE_BYTES = 32 * 1024;

/** A body that is not an array is read this far to tell other JSON from text in the error. */
const NOT_ARRAY_SAMPLE_BYTES = 1024 * 1024;

export class AuditEventsReader {
  constructor(
    private readonly signer: RequestSigner,
    private readonly transport: HttpTransport,
    private readonly baseFor: (region: string) => string,
  ) {}

  private uri(q: ListEventsQuery): string {
    const params = new URLSearchParams({ compartmentId: q.compartmentId, startTime: q.startTime, endTime: q.endTime });
    if (q.page !== undefined) params.set('page', q.page);
    return `${this.baseFor(q.region)}/20190901/auditEvents?${params.toString()}`;
  }

  /**
   * One page, streamed: `onEvents` gets every event, validated, in order, as the body arrives.
   * Throws (after some batches may have been handed on) when the body turns out malformed or the
   * connection fails; the caller decides what a retry may send again.
   */
  async streamPage(
    q: ListEventsQuery,
    onEvents: EventBatchHandler,
    signal?: AbortSignal,
    /** eventIds already delivered (a lookback re-read): such an event is handed on unparsed, as `{ text, eventId }` */
    known?: { has(eventId: string): boolean },
  ): Promise<PageHead> {
    const res = await signedStream(this.signer, this.transport, 'GET', this.uri(q), signal);
    const requestId = res.headers['opc-request-id'];
    if (res.status !== 200) throw ociHttpError(res.status, await res.text(), requestId);
    const next = res.headers['opc-next-page'];
    try {
      await readEvents(res, onEvents, known);
    } catch (err) {
      res.destroy();
      throw err;
    }
    return { nextPage: next ? next : undefined };
  }

  /** One whole page in memory (for `check`; the input streams). */
  async page(q: ListEventsQuery, signal?: AbortSignal): Promise<EventsPage> {
    const events: RawEvent[] = [];
    const head = await this.streamPage(q, (batch) => void events.push(...batch), signal);
    return { events, ...head };
  }

  /** Retention in days (GET /20190901/configuration); used by `check`. */
  async retentionDays(region: string, tenancyId: string): Promise<number | undefined> {
    const uri = `${this.baseFor(region)}/20190901/configuration?${new URLSearchParams({ compartmentId: tenancyId })}`;
    const { json } = await signedJson(this.signer, this.transport, uri, 'Audit configuration');
    const v = (json as { retentionPeriodDays?: unknown } | null)?.retentionPeriodDays;
    return typeof v === 'number' ? v : undefined;
  }
}

/**
 * The top-level eventId of an event's text without parsing it, or undefined when that cannot be told for
 * sure: the first `"eventId":"…"` key counts only when no object or array opens before it (so it is not a
 * nested one), no other `"eventId"` follows, and its value has no escapes. A re-read of the remembered span (lookback) fetches mostly
 * events already delivered; skipping their JSON.parse is most of its CPU (docs/performance.md, freshness).
 */
export function topLevelEventId(text: string): string | undefined {
  const m = EVENT_ID_KEY.exec(text);
  if (!m) return undefined;
  const nested = /[[{]/.exec(text.slice(1, m.index));
  // a second "eventId" key (repeated at the top, where JSON.parse keeps the last one, or nested): parse instead
  const again = text.indexOf('"eventId"', m.index + m[0].length) >= 0;
  return nested || again ? undefined : m[1];
}
const EVENT_ID_KEY = /"eventId"\s*:\s*"([^"\\]*)"/;

async function readEvents(res: StreamedResponse, onEvents: EventBatchHandler, known?: { has(eventId: string): boolean }): Promise<void> {
  const splitter = new JsonArraySplitter();
  const decoder = new TextDecoder();
  let bytes = 0;
  let index = 0;
  let piece = '';
  /** the undecoded rest of the chunk being scanned (for the error of a body that is not an array) */
  let rest: Buffer | undefined;
  const hand = async (texts: string[]): Promise<void> => {
    if (!texts.length) return;
    const events = texts.map((t) => {
      const i = index++;
      const id = known ? topLevelEventId(t) : undefined;
      return id !== undefined && known?.has(id) ? { text: t, eventId: id } : toRawEvent(t, i);
    });
    await onEvents(events);
  };
  try {
    for (let chunk = await res.read(); chunk !== null; chunk = await res.read()) {
      bytes += chunk.length;
      for (let at = 0; at < chunk.length; at += SLICE_BYTES) {
        piece = decoder.decode(chunk.subarray(at, at + SLICE_BYTES), { stream: true });
        rest = chunk.subarray(at + SLICE_BYTES);
        await hand(splitter.push(piece));
      }
      rest = undefined;
    }
    piece = decoder.decode();
    rest = undefined;
    await hand(splitter.push(piece));
    splitter.end();
  } catch (err) {
    if (!(err instanceof JsonShapeError)) throw err;
    if (err.notAnArray) throw await notAnArray(res, piece + (rest ? decoder.decode(rest) : ''), err);
    throw notJson(err, bytes);
  }
}

/**
 * The error for a body that does not start with `[`: other JSON (named by its kind) or not JSON at all.
 * `first` is the piece that showed it (only whitespace came before); the rest is read up to a bound.
 */
async function notAnArray(res: StreamedResponse, first: string, err: JsonShapeError): Promise<Error> {
  let text = first;
  try {
    for (let c = text.length < NOT_ARRAY_SAMPLE_BYTES ? await res.read() : null; c !== null; c = await res.read()) {
      text += c.toString('utf8');
      if (text.length >= NOT_ARRAY_SAMPLE_BYTES) break;
    }
  } catch {
    // what was read is enough
  }
  return notEventsArray(text, err);
}

/** The error for a 200 body that is not an array of events: other JSON (named by its kind) or not JSON at all. */
function notEventsArray(text: string, err: JsonShapeError): MalformedResponseError {
  let kind: string | undefined;
  try {
    kind = jsonKind(JSON.parse(text));
  } catch {
    // not JSON at all (or longer than what was read of it)
  }
  if (kind !== undefined)
    return new MalformedResponseError(`ListEvents returned 200 with JSON that is not an array of audit events (${kind})`);
  return notJson(err, text.length);
}

function notJson(err: JsonShapeError, size: number): MalformedResponseError {
  return new MalformedResponseError(`ListEvents returned 200 with a body that is not JSON (${err.message}; ${size} bytes)`);
}

/** Parses one element alone: validates it and reads eventId and eventTime; the parsed object dies young. */
function toRawEvent(text: string, i: number): RawEvent {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new MalformedResponseError(`ListEvents returned 200 with an array whose item ${i} is not JSON (${(err as Error).message})`);
  }
  // Events are passed on exactly as returned, whatever their fields hold; an item that is not an
  // object at all is not an event, and skipping it would lose whatever it should have been.
  if (jsonKind(v) !== 'an object')
    throw new MalformedResponseError(`ListEvents returned 200 with an array whose item ${i} is ${jsonKind(v)}, not an audit event object`);
  const e = v as EventJson;
  const data = typeof e.data === 'object' && e.data !== null ? e.data : undefined;
  const identity = typeof data?.identity === 'object' && data.identity !== null ? data.identity : undefined;
  const status = data?.response?.status;
  return {
    text,
    eventId: str(e.eventId),
    eventTime: str(e.eventTime),
    eventType: str(e.eventType),
    eventName: str(data?.eventName),
    action: str(data?.request?.action),
    principalName: str(identity?.principalName),
    principalId: str(identity?.principalId),
    authType: str(identity?.authType),
    compartmentId: str(data?.compartmentId),
    // OCI writes the status as a string ("200"); a number is read as its digits
    status: typeof status === 'number' ? String(status) : str(status),
  };
}

/** A whole page's events from its text (tests, and anything that already holds a body). */
export function rawEvents(body: string): RawEvent[] {
  const splitter = new JsonArraySplitter();
  try {
    const texts = splitter.push(body);
    splitter.end();
    return texts.map((t, i) => toRawEvent(t, i));
  } catch (err) {
    if (!(err instanceof JsonShapeError)) throw err;
    throw notEventsArray(body, err);
  }
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
