// Writes audit events to stdout as splunkd's XML event stream (docs/contract.md "Output").
// A chunk's promise resolves once the stream has handed it to the OS, which is what a window's
// checkpoint waits for (docs/contract.md "Delivery": a checkpoint moves only after its events were written).
import type { Writable } from 'node:stream';
import type { RawEvent } from '../oci/audit-events';
import { escapeJsonForXml, escapeXmlAttr } from './xml-escape';

export const SOURCETYPE = 'oci:audit';

export class StreamClosedError extends Error {
  constructor(cause?: unknown) {
    super(`stdout was closed by the reader${cause instanceof Error ? `: ${cause.message}` : ''}`);
    this.name = 'StreamClosedError';
  }
}

/** Formats one region's events (for the XML stream, or as JSON lines for `preview`). */
export interface EventFormat {
  /** `index`: an event rule routes the event to that index (undefined: the input's own). */
  format(event: RawEvent, index?: string): string;
}

/** Formats events of one region; the per-event work is one escape of the event's own JSON text and one time parse. */
export class EventFormatter implements EventFormat {
  private readonly head: string;
  private readonly tail: string;
  private readonly sourceTags: string;
  /** the tail of an event routed to an index, per index (few: one per route rule) */
  private readonly routedTails = new Map<string, string>();

  constructor(stanza: string, region: string) {
    this.head = `<event stanza="${escapeXmlAttr(stanza)}">`;
    this.sourceTags = `<source>${escapeXmlAttr(`oci:audit:${region}`)}</source><sourcetype>${SOURCETYPE}</sourcetype>`;
    this.tail = `${this.sourceTags}</event>\n`;
  }

  /**
   * One `<event>`: `<data>` is the API's own text; `eventTime` becomes `<time>` (epoch seconds, 3 decimals).
   * A routed event also carries `<index>`, which splunkd's XML stream accepts per event (Splunk docs
   * "Set up streaming for a modular input", XML streaming mode: `<index>` among `<time>`, `<data>`,
   * `<source>`, `<sourcetype>`, `<host>`; https://docs.splunk.com/Documentation/Splunk/9.4.0/AdvancedDev/ModInputsStream).
   */
  format(event: RawEvent, index?: string): string {
    const data = escapeJsonForXml(oneLine(event.text));
    const t = epochOf(event.eventTime);
    const tail = index === undefined ? this.tail : this.routedTail(index);
    return t === undefined ? `${this.head}<data>${data}</data>${tail}` : `${this.head}<time>${t}</time><data>${data}</data>${tail}`;
  }

  private routedTail(index: string): string {
    let tail = this.routedTails.get(index);
    if (tail === undefined) {
      tail = `${this.sourceTags}<index>${escapeXmlAttr(index)}</index></event>\n`;
      this.routedTails.set(index, tail);
    }
    return tail;
  }
}

// Outside strings JSON may hold line breaks as whitespace; inside strings it may not hold them raw.
// So removing every CR/LF leaves the same JSON on one line, as the event stream needs.
const LINE_BREAK = /[\r\n]/;
const LINE_BREAKS_G = /[\r\n]+/g;

export function oneLine(json: string): string {
  return LINE_BREAK.test(json) ? json.replace(LINE_BREAKS_G, '') : json;
}

// The form OCI writes eventTime in (2019-09-18T00:10:59.252Z): read by hand, Date.parse was a tenth of
// the per-event CPU (docs/performance.md); anything else goes to Date.parse as before.
const UTC_MS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;

export function epochOf(eventTime: string | undefined): string | undefined {
  if (eventTime === undefined) return undefined;
  const m = UTC_MS.exec(eventTime);
  let ms: number;
  if (m) {
    const [y, mo, d, h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
    // Out-of-range fields, and years Date.UTC would read as 19xx, are left to Date.parse.
    ms =
      y >= 100 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 59
        ? Date.UTC(y, mo - 1, d, h, mi, s, Number(m[7]))
        : Date.parse(eventTime);
  } else ms = Date.parse(eventTime);
  return Number.isFinite(ms) ? (ms / 1000).toFixed(3) : undefined;
}

/** Where the collector writes formatted events (`events` of them in `chunk`); `write` resolves once they are flushed. */
export interface EventSink {
  write(chunk: string | Buffer, events: number): Promise<void>;
  readonly broken: boolean;
}

export class EventStream implements EventSink {
  private opened = false;
  private closedError: StreamClosedError | undefined;
  /** Bytes of event chunks the OS has taken (their write callbacks ran): what the reader can have read. */
  flushedBytes = 0;

  /** `<stream>` for splunkd's XML mode; empty for plain JSON lines (`preview`). */
  constructor(
    private readonly out: Writable,
    private readonly documentStart = '<stream>\n',
  ) {
    out.on('error', (err) => {
      this.closedError ??= new StreamClosedError(err);
    });
  }

  get broken(): boolean {
    return this.closedError !== undefined;
  }

  /** Writes a chunk of formatted events; resolves when flushed, rejects if stdout is gone. */
  write(chunk: string | Buffer): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (!this.opened && this.documentStart) {
      this.out.write(this.documentStart);
      this.opened = true;
    }
    const bytes = Buffer.byteLength(chunk);
    return new Promise((resolve, reject) => {
      this.out.write(chunk, (err) => {
        if (err) {
          this.closedError ??= new StreamClosedError(err);
          reject(this.closedError);
        } else {
          this.flushedBytes += bytes;
          resolve();
        }
      });
    });
  }

  /** Closes the stream document (only if one was opened) and waits until it is flushed. */
  async end(): Promise<void> {
    if (!this.opened || this.closedError) return;
    await new Promise<void>((resolve) => this.out.write('</stream>\n', () => resolve()));
  }
}
