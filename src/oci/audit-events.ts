// Audit ListEvents (GET /20190901/auditEvents, oci-audit-api.md §1). Signed by the SDK's signer,
// but the body is parsed here: the SDK's model turns null sub-objects into undefined (§5.10), and
// CONTRACT.md wants every event exactly as the API returned it. Query values are URL-encoded
// (the SDK sends page tokens with + / = raw, §5.2).
import type { RequestSigner } from 'oci-common/lib/signer';
import type { Dispatcher } from 'undici';
import { MalformedResponseError, OciHttpError } from './errors';
import { signedRequest } from './transport';

export interface EventsPage {
  events: unknown[];
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
    let events: unknown;
    try {
      events = JSON.parse(res.body);
    } catch (err) {
      throw new MalformedResponseError(`ListEvents returned 200 with a body that is not JSON (${(err as Error).message}; ${res.body.length} bytes)`);
    }
    if (!Array.isArray(events)) throw new MalformedResponseError(`ListEvents returned 200 with JSON that is not an array of audit events (${jsonKind(events)})`);
    // Events are passed on exactly as returned, whatever their fields hold; an item that is not an
    // object at all is not an event, and skipping it would lose whatever it should have been.
    const bad = events.findIndex((e) => jsonKind(e) !== 'an object');
    if (bad >= 0) throw new MalformedResponseError(`ListEvents returned 200 with an array whose item ${bad} is ${jsonKind(events[bad])}, not an audit event object`);
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
