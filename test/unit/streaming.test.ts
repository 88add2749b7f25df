// The streamed page: JSON cut into elements across arbitrary network chunks, the body read as it
// arrives (resets, malformed JSON and stalls mid-body), and the page writer's hold and retry guard.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { AuditEventsReader, topLevelEventId, type RawEvent } from '../../src/oci/audit-events';
import { MalformedResponseError } from '../../src/oci/errors';
import { JsonArraySplitter, JsonShapeError, jsonArrayElements } from '../../src/oci/json-elements';
import { createTransport, HttpTimeoutError } from '../../src/oci/transport';
import { epochOf, type EventSink } from '../../src/output/event-stream';
import { PageWriter, RetryGuard } from '../../src/output/page-writer';

/** Feeds `text` to a splitter in pieces cut at `cuts`; returns the elements. */
function splitInPieces(text: string, cuts: number[]): string[] {
  const s = new JsonArraySplitter();
  const out: string[] = [];
  let at = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(...s.push(text.slice(at, c)));
    at = c;
  }
  out.push(...s.push(text.slice(at)));
  s.end();
  return out;
}

const jsonValue = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom('"', '\\', '\\"', '[', ']', '{', '}', ',', '\\\\"'),
  fc.integer(),
  fc.constant(null),
);
const event = fc.dictionary(
  fc.string({ maxLength: 6 }),
  fc.oneof(jsonValue, fc.array(jsonValue, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), jsonValue, { maxKeys: 3 })),
  { maxKeys: 5 },
);

describe('JsonArraySplitter', () => {
  it('gives the same element texts whatever the pieces the text arrives in (property)', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (events, cutSeeds, pretty) => {
        const text = pretty ? JSON.stringify(events, null, 2) : JSON.stringify(events);
        const cuts = cutSeeds.map((n) => (text.length ? n % text.length : 0));
        const got = splitInPieces(text, cuts);
        assert.deepEqual(
          got.map((t) => JSON.parse(t)),
          JSON.parse(JSON.stringify(events)),
        );
        assert.deepEqual(got, jsonArrayElements(text));
      }),
      { numRuns: 300 },
    );
  });

  it('one character at a time, with escaped quotes and backslashes across the cuts', () => {
    const text = '[{"a":"x\\\\"},{"b":"\\\\\\"]"} , {"c":[1,{"d":"}"}]}]';
    const cuts = Array.from({ length: text.length }, (_, i) => i);
    assert.deepEqual(splitInPieces(text, cuts), ['{"a":"x\\\\"}', '{"b":"\\\\\\"]"}', '{"c":[1,{"d":"}"}]}']);
  });

  it('malformed JSON mid-stream: the elements before it come out, then JsonShapeError', () => {
    const s = new JsonArraySplitter();
    assert.deepEqual(s.push('[{"a":1},{"b":'), ['{"a":1}']);
    assert.throws(() => s.push('2}}]'), JsonShapeError);
    const t = new JsonArraySplitter();
    assert.deepEqual(t.push('[{"a":1},'), ['{"a":1}']);
    assert.throws(() => t.push(',{"b":2}]'), JsonShapeError);
  });

  it('a body cut short is an error at its end, not a shorter array', () => {
    for (const cut of ['[{"a":1},{"b":2}', '[{"a":1},{"b":"x', '[{"a":1},', '[', '']) {
      const s = new JsonArraySplitter();
      s.push(cut);
      assert.throws(() => s.end(), JsonShapeError, cut);
    }
  });

  it('keeps no more than the unfinished element between pieces', () => {
    const s = new JsonArraySplitter();
    const big = `{"x":"${'y'.repeat(10_000)}"}`;
    s.push(`[${big},${big},`);
    assert.ok((s as unknown as { buf: string }).buf.length < 100, 'finished elements are not kept');
    s.push('{"half":"');
    assert.equal((s as unknown as { buf: string }).buf, '{"half":"');
  });
});

/** A local HTTP server answering every request with `handler`. */
async function server(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const srv = http.createServer(handler);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
}

const noSign = { signHttpRequest: async (): Promise<void> => undefined };
const evs = (n: number, from = 0): Array<Record<string, unknown>> =>
  Array.from({ length: n }, (_, i) => ({
    eventId: `e${from + i}`,
    eventTime: '2026-01-01T00:00:00.000Z',
    data: { n: from + i, pad: 'p'.repeat(200) },
  }));
const query = { region: 'r', compartmentId: 'c', startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T01:00:00Z' };

describe('AuditEventsReader.streamPage', () => {
  const reader = (url: string, timeoutMs = 2000): AuditEventsReader =>
    new AuditEventsReader(noSign, createTransport({ timeoutMs }), () => url);

  it('hands on the events in order as the body arrives in chunks, with the next-page token', async () => {
    const body = JSON.stringify(evs(300));
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'opc-next-page': 'tok+/=' });
      let at = 0;
      const step = (): void => {
        if (at >= body.length) return void res.end();
        res.write(body.slice(at, (at += 997)));
        setImmediate(step);
      };
      step();
    });
    try {
      const got: RawEvent[] = [];
      let batches = 0;
      const head = await reader(s.url).streamPage(query, (b) => {
        batches++;
        got.push(...b);
      });
      assert.equal(head.nextPage, 'tok+/=');
      assert.deepEqual(
        got.map((e) => e.eventId),
        evs(300).map((e) => e.eventId),
      );
      assert.deepEqual(JSON.parse(got[7]!.text), evs(300)[7]);
      assert.ok(batches > 10, `events came in ${batches} batches, not at the end`);
    } finally {
      await s.close();
    }
  });

  it('a connection reset mid-body: the events before it were handed on, then a network error', async () => {
    const body = JSON.stringify(evs(200));
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.slice(0, Math.floor(body.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    try {
      const got: RawEvent[] = [];
      await assert.rejects(
        reader(s.url).streamPage(query, (b) => void got.push(...b)),
        (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || /aborted|closed/.test(e.message),
      );
      assert.ok(got.length > 50 && got.length < 200, `${got.length} events before the reset`);
    } finally {
      await s.close();
    }
  });

  it('malformed JSON mid-body: MalformedResponseError after the earlier events; a non-array body is named', async () => {
    const good = JSON.stringify(evs(100));
    let mode = 'mid';
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (mode === 'mid') {
        res.write(good.slice(0, -1));
        setTimeout(() => res.end(',{"eventId":"x",}]'), 50);
      } else if (mode === 'object') res.end(`{"items":${good}}`);
      else res.end('<html>502</html>');
    });
    try {
      const got: RawEvent[] = [];
      await assert.rejects(
        reader(s.url).streamPage(query, (b) => void got.push(...b)),
        (e: Error) => e instanceof MalformedResponseError && /item 100 is not JSON/.test(e.message),
      );
      assert.equal(got.length, 99, 'every element whose end was seen (the 100th ends at the next comma, in the bad chunk)');
      mode = 'object';
      await assert.rejects(
        reader(s.url).streamPage(query, () => undefined),
        /not an array of audit events \(an object\)/,
      );
      mode = 'text';
      await assert.rejects(
        reader(s.url).streamPage(query, () => undefined),
        /a body that is not JSON/,
      );
    } finally {
      await s.close();
    }
  });

  it('a body that stalls times out; a consumer that is slow (stdout back-pressure) does not', async () => {
    const body = JSON.stringify(evs(400));
    let stall = true;
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(body.slice(0, 5000));
      if (!stall) res.end(body.slice(5000));
    });
    try {
      await assert.rejects(
        reader(s.url, 300).streamPage(query, () => undefined),
        (e: Error) => e instanceof HttpTimeoutError,
      );
      stall = false;
      let n = 0;
      await reader(s.url, 300).streamPage(query, async (b) => {
        n += b.length;
        await new Promise((r) => setTimeout(r, 400)); // longer than the timeout, per batch
      });
      assert.equal(n, 400);
    } finally {
      await s.close();
    }
  });
});

/** An event sink that records what was written, and can fail. */
class Sink implements EventSink {
  chunks: string[] = [];
  broken = false;
  async write(chunk: string | Buffer): Promise<void> {
    this.chunks.push(chunk.toString());
  }
  get lines(): string[] {
    return this.chunks.join('').split('\n').filter(Boolean);
  }
}

describe('PageWriter and RetryGuard', () => {
  const line = (id: string): string => `${id}${'.'.repeat(90)}\n`;

  /** One attempt over `ids`, failing after `failAfter` events when given; returns the ids written. */
  async function attempt(sink: Sink, guard: RetryGuard, ids: string[], failAfter?: number, hold = 1000, piece = 300): Promise<void> {
    guard.beginAttempt();
    const w = new PageWriter(sink, guard, () => undefined, hold, piece);
    try {
      for (const [i, id] of ids.entries()) {
        if (i === failAfter) throw new Error('reset');
        if (!guard.admit(id)) continue;
        w.add(line(id), id, id);
        await w.writeDue();
      }
      await w.end();
    } catch (err) {
      await w.abandon();
      throw err;
    }
  }

  it('a page under the hold size writes nothing until it is whole: a failed attempt leaves nothing behind', async () => {
    const sink = new Sink();
    const guard = new RetryGuard();
    const ids = ['a', 'b', 'c', 'd', 'e'];
    await assert.rejects(attempt(sink, guard, ids, 4), /reset/);
    assert.equal(sink.chunks.length, 0);
    await attempt(sink, guard, ids);
    assert.deepEqual(
      sink.lines.map((l) => l.slice(0, 1)),
      ids,
    );
  });

  it('a page over the hold size is written as it arrives; its retry skips exactly what was written', async () => {
    const sink = new Sink();
    const guard = new RetryGuard();
    const ids = Array.from({ length: 60 }, (_, i) => `id${i}`);
    await assert.rejects(attempt(sink, guard, ids, 40), /reset/);
    const first = sink.lines.length;
    assert.ok(first > 10 && first < 40, `${first} events written before the failure`);
    assert.equal(guard.recorded, first);
    await assert.rejects(attempt(sink, guard, ids, 50), /reset/); // a second failure, further on
    await attempt(sink, guard, ids);
    const got = sink.lines.map((l) => l.replace(/\.+$/, ''));
    assert.deepEqual([...got].sort(), [...ids].sort(), 'every event once');
    assert.equal(new Set(got).size, got.length, 'no duplicates');
  });

  it('a retry that sees a changed page (a late event inserted) writes the new event and skips the old ones', async () => {
    const sink = new Sink();
    const guard = new RetryGuard();
    const ids = Array.from({ length: 40 }, (_, i) => `id${i}`);
    await assert.rejects(attempt(sink, guard, ids, 30), /reset/);
    const changed = [...ids.slice(0, 5), 'late', ...ids.slice(5)];
    await attempt(sink, guard, changed);
    const got = sink.lines.map((l) => l.replace(/\.+$/, ''));
    assert.deepEqual([...got].sort(), [...changed].sort());
  });

  it('identical events without an eventId are a multiset: each is delivered once', async () => {
    const sink = new Sink();
    const guard = new RetryGuard();
    const keys = ['same', 'same', ...Array.from({ length: 30 }, (_, i) => `k${i}`), 'same'];
    await assert.rejects(attempt(sink, guard, keys, 20), /reset/);
    await attempt(sink, guard, keys);
    assert.equal(sink.lines.filter((l) => l.startsWith('same.')).length, 3);
    assert.equal(sink.lines.length, keys.length);
  });

  it('a streamed page is written in pieces of about the write size', async () => {
    const sink = new Sink();
    await attempt(
      sink,
      new RetryGuard(),
      Array.from({ length: 50 }, (_, i) => `id${i}`),
      undefined,
      200,
      250,
    );
    assert.ok(sink.chunks.length > 10);
    assert.ok(sink.chunks.every((c) => c.length < 250 + 100));
  });
});

describe('epochOf (eventTime read by hand for the common form)', () => {
  it('gives what Date.parse gives, for valid, rolled-over and invalid dates (property)', () => {
    const viaDateParse = (t: string): string | undefined => {
      const ms = Date.parse(t);
      return Number.isFinite(ms) ? (ms / 1000).toFixed(3) : undefined;
    };
    const p = (n: number, w = 2): string => String(n).padStart(w, '0');
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })),
        fc.tuple(
          fc.integer({ min: 0, max: 25 }),
          fc.integer({ min: 0, max: 60 }),
          fc.integer({ min: 0, max: 60 }),
          fc.integer({ min: 0, max: 999 }),
        ),
        ([y, mo, d], [h, mi, s, ms]) => {
          const t = `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}.${p(ms, 3)}Z`;
          assert.equal(epochOf(t), viaDateParse(t), t);
        },
      ),
      { numRuns: 20_000 },
    );
    for (const t of ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.5+02:00', 'yesterday', '']) assert.equal(epochOf(t), viaDateParse(t), t);
  });
});

describe('topLevelEventId: a re-read skips the parse of events already delivered only when the id is sure', () => {
  it('reads the top-level eventId; anything it cannot be sure of is undefined (then the event is parsed)', () => {
    const ev = (o: unknown): string => JSON.stringify(o);
    assert.equal(topLevelEventId(ev({ eventType: 't', eventId: 'abc-1', data: { eventName: 'GetInstance' } })), 'abc-1');
    // a repeated key (JSON.parse keeps the last) or a nested eventId after it: parsed instead
    assert.equal(topLevelEventId('{"eventId":"a","eventId":"b"}'), undefined);
    assert.equal(topLevelEventId(ev({ eventId: 'abc-1', data: { eventId: 'nested' } })), undefined);
    assert.equal(topLevelEventId('{ "eventId" : "spaced" }'), 'spaced');
    // a nested eventId before the top-level one: not sure which is which
    assert.equal(topLevelEventId(ev({ data: { eventId: 'nested' }, eventId: 'top' })), undefined);
    assert.equal(topLevelEventId(ev({ tags: ['x'], eventId: 'top' })), undefined);
    // the key written inside a string value is escaped, so it is never taken for the key
    assert.equal(topLevelEventId(ev({ note: '"eventId":"fake"' })), undefined);
    assert.equal(topLevelEventId(ev({ note: '"eventId":"fake"', eventId: 'real' })), 'real');
    // an id with an escape is left to JSON.parse
    assert.equal(topLevelEventId(ev({ eventId: 'a"b' })), undefined);
    assert.equal(topLevelEventId(ev({ eventTime: '2026-01-01T00:00:00Z' })), undefined);
  });

  it('property: whenever it answers, it answers what JSON.parse reads', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.option(fc.string()), fc.nat(8), (o, id, at) => {
        const entries: Array<[string, unknown]> = Object.entries(o);
        if (id !== null) entries.splice(Math.min(at, entries.length), 0, ['eventId', id]);
        const text = JSON.stringify(Object.fromEntries(entries));
        const got = topLevelEventId(text);
        if (got !== undefined) assert.equal(got, (JSON.parse(text) as { eventId?: unknown }).eventId);
      }),
      { seed: 20261206, numRuns: 2000 },
    );
  });
});
