// Audit ListEvents (GET /20190901/auditEvents, oci-audit-api.md §1). Signed by the SDK's signer,
// but the body is parsed here: the SDK's model turns null sub-objects into undefined (§5.10), and
// CONTRACT.md wants every event exactly as the API returned it. Query values are URL-encoded
// (the SDK sends page tokens with + / = raw, §5.2).
import type { RequestSigner } from 'oci-common/lib/signer';
import type { Dispatcher } from 'undici';
import { MalformedResponseError, OciHttpError } from './errors';
import { jsonArrayElements, JsonShapeError } from './json-elements';
import { signedRequest } from './transport';

/** One audit event as the API's own JSON text, with the two fields the pipeline reads. */
export interface RawEvent {
  text: string;
  eventId?: string;
  eventTime?: string;
}

export interface EventsPage {
  events: RawEvent[];
  nextPage?: string;
  requestId?: string;
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

export class AuditEventsReader {
  constructor(
    private readonly signer: RequestSigner,
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs: number,
    private readonly baseFor: (region: string) => string,
  ) {}

  async page(q: ListEventsQuery, signal?: AbortSignal): Promise<EventsPage> {
    const params = new URLSearchParams({ compartmentId: q.compartmentId, startTime: q.startTime, endTime: q.endTime });
    if (q.page !== undefined) params.set('page', q.page);
    const uri = `${this.baseFor(q.region)}/20190901/auditEvents?${params.toString()}`;
    const res = await signedRequest(this.signer, this.dispatcher, 'GET', uri, this.timeoutMs, signal);
    const requestId = res.headers['opc-request-id'];
    if (res.status !== 200) throw httpError(res.status, res.body, requestId);
    const events = rawEvents(res.body);
    const next = res.headers['opc-next-page'];
    return { events, nextPage: next ? next : undefined, requestId };
  }

  /** Retention in days (GET /20190901/configuration); used by `check`. */
  async retentionDays(region: string, tenancyId: string): Promise<number | undefined> {
    const uri = `${this.baseFor(region)}/20190901/configuration?${new URLSearchParams({ compartmentId: tenancyId })}`;
    const res = await signedRequest(this.signer, this.dispatcher, 'GET', uri, this.timeoutMs);
    if (res.status !== 200) throw httpError(res.status, res.body, res.headers['opc-request-id']);
    const v = (JSON.parse(res.body) as { retentionPeriodDays?: unknown }).retentionPeriodDays;
    return typeof v === 'number' ? v : undefined;
  }
}

/**
 * The page's events as raw text: cut at the top level (json-elements.ts), each element then parsed
 * alone, which validates it and yields eventId and eventTime; the parsed objects die young, so a
 * page costs its text, not its object graph. Any malformed element fails the whole page.
 */
export function rawEvents(body: string): RawEvent[] {
  let texts: string[];
  try {
    texts = jsonArrayElements(body);
  } catch (err) {
    if (!(err instanceof JsonShapeError)) throw err;
    let kind: string | undefined;
    try {
      kind = jsonKind(JSON.parse(body));
    } catch {
      // not JSON at all
    }
    if (kind !== undefined)
      throw new MalformedResponseError(`ListEvents returned 200 with JSON that is not an array of audit events (${kind})`);
    throw new MalformedResponseError(`ListEvents returned 200 with a body that is not JSON (${err.message}; ${body.length} bytes)`);
  }
  return texts.map((text, i) => {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      throw new MalformedResponseError(`ListEvents returned 200 with an array whose item ${i} is not JSON (${(err as Error).message})`);
    }
    // Events are passed on exactly as returned, whatever their fields hold; an item that is not an
    // object at all is not an event, and skipping it would lose whatever it should have been.
    if (jsonKind(v) !== 'an object')
      throw new MalformedResponseError(
        `ListEvents returned 200 with an array whose item ${i} is ${jsonKind(v)}, not an audit event object`,
      );
    const { eventId, eventTime } = v as { eventId?: unknown; eventTime?: unknown };
    return {
      text,
      eventId: typeof eventId === 'string' ? eventId : undefined,
      eventTime: typeof eventTime === 'string' ? eventTime : undefined,
    };
  });
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function httpError(status: number, body: string, requestId?: string): OciHttpError {
  let code = 'Unknown';
  let message = body.slice(0, 300);
  try {
    const j = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof j.code === 'string') code = j.code;
    if (typeof j.message === 'string') message = j.message;
  } catch {
    // not JSON: keep the text
  }
  return new OciHttpError(status, code, `${status} ${code}: ${message}`, requestId);
}
