// Event rules in the collector's per-event loop: pages large enough to be written as they arrive, cut
// midway and retried, while rules drop, route and index events of the same page. The retry guard must
// still write each written event once, each event must be counted once under its rule, and lookback must
// remember the dropped events' eventIds with the written ones (docs/event-rules.md "Exactly-once").
import assert from 'node:assert/strict';
import {
  rawEvents,
  type AuditEventsReader,
  type EventBatchHandler,
  type ListEventsQuery,
  type PageHead,
  type RawEvent,
} from '../../src/oci/audit-events';
import { OciHttpError } from '../../src/oci/errors';
import type { CompartmentInfo, IdentityDiscovery, RegionInfo } from '../../src/oci/identity';
import { MINUTE, rfc3339Minute } from '../../src/oci/rfc3339';
import type { Logger } from '../../src/log/logger';
import type { EventSink } from '../../src/output/event-stream';
import { CheckpointStore, MemoryKv } from '../../src/pipeline/checkpoints';
import { Collector } from '../../src/pipeline/collector';
import { RememberedIds } from '../../src/pipeline/lookback';
import { parseInputConfig } from '../../src/splunk/parameters';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 30);
const TENANCY = 'ocid1.tenancy.oc1..aaaaaaaatenancy0000';
const REGION = 'us-ashburn-1';
const NAMES = ['ListInstances', 'GetInstance', 'UpdateVnic'];
const PAD = 'x'.repeat(1500);

/** One window, one page of `n` events (~1.6 KB each): List* are dropped, Get* routed, the rest indexed. */
function page(n: number, start: number): RawEvent[] {
  const body = JSON.stringify(
    Array.from({ length: n }, (_, i) => ({
      eventId: `e${i}`,
      eventTime: new Date(start + i).toISOString(),
      eventType: `com.oraclecloud.ComputeApi.${NAMES[i % 3]}`,
      data: { eventName: NAMES[i % 3], request: { action: i % 3 === 2 ? 'PUT' : 'GET' }, response: { status: '200' }, pad: PAD },
    })),
  );
  return rawEvents(body);
}

class Sink implements EventSink {
  readonly lines: string[] = [];
  broken = false;
  async write(chunk: string | Buffer): Promise<void> {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
  }
}

const log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  enabled: () => false,
} as unknown as Logger;

describe('collector with event rules: pages cut midway and retried', () => {
  it('each written event once, each event counted once under its rule, dropped eventIds remembered', async () => {
    const start = Math.floor(NOW / MINUTE) * MINUTE - 60 * MINUTE;
    const events = page(600, start);
    let attempts = 0;
    const reader = {
      streamPage: async (q: ListEventsQuery, onEvents: EventBatchHandler): Promise<PageHead> => {
        attempts++;
        // Batches of 50 (~80 KB): the first two attempts fail after 400 and 250 events, past the hold size.
        const cut = attempts === 1 ? 400 : attempts === 2 ? 250 : events.length;
        for (let i = 0; i < cut; i += 50) await onEvents(events.slice(i, Math.min(cut, i + 50)));
        if (cut < events.length) throw new OciHttpError(503, 'ServiceUnavailable', `cut at ${cut} (${q.startTime})`);
        return {};
      },
    } as unknown as AuditEventsReader;
    const discovery = {
      regionSubscriptions: async (): Promise<RegionInfo[]> => [{ name: REGION, key: 'IAD', status: 'READY', isHome: true }],
      compartmentPage: async (): Promise<{ items: CompartmentInfo[] }> => ({ items: [] }),
    } as unknown as IdentityDiscovery;
    const config = parseInputConfig(
      't',
      {
        account: 'a',
        compartments: TENANCY,
        regions: REGION,
        start_date_time: rfc3339Minute(start),
        end_date_time: rfc3339Minute(start + 60 * MINUTE),
        delay_throttle: '0',
        query_window_size: '60',
        lookback_minutes: '60',
        event_rules: 'drop name~^List ; route:cheap action=GET',
      },
      new Date(NOW),
    );
    const kv = new MemoryKv();
    const store = new CheckpointStore(kv, 't');
    await store.open(NOW);
    const sink = new Sink();
    const collector = new Collector({
      config,
      tenancyId: TENANCY,
      discovery,
      reader,
      store,
      stream: sink,
      log,
      signal: new AbortController().signal,
      retry: { baseMs: 1, capMs: 2, maxAttempts: 4 },
      now: () => NOW,
      formatterFor: () => ({ format: (ev: RawEvent, index?: string) => `${index ?? 'main'} ${ev.eventId} ${ev.text}\n` }),
    });
    const stats = await collector.run();
    assert.equal(attempts, 3);
    assert.ok(stats.retrySkipped > 0, 'the retries skipped what earlier attempts wrote');
    const written = sink.lines.map((l) => l.split(' '));
    const ids = written.map(([, id]) => id);
    assert.equal(new Set(ids).size, ids.length, 'no event written twice');
    const expect = (k: number): string[] => events.filter((_, i) => i % 3 === k).map((e) => e.eventId as string);
    assert.deepEqual(
      written
        .filter(([ix]) => ix === 'cheap')
        .map(([, id]) => id)
        .sort(),
      expect(1).sort(),
    );
    assert.deepEqual(
      written
        .filter(([ix]) => ix === 'main')
        .map(([, id]) => id)
        .sort(),
      expect(2).sort(),
    );
    const f = stats.fields();
    assert.deepEqual([f.events, f.events_dropped, f.events_routed, f.events_indexed], [400, 200, 200, 200]);
    const size = (k: number): number => events.filter((_, i) => i % 3 === k).reduce((n, e) => n + Buffer.byteLength(e.text), 0);
    assert.deepEqual([f.bytes_dropped, f.bytes_routed, f.bytes_indexed], [size(0), size(1), size(2)]);
    assert.deepEqual(
      stats.ruleSummaries().map((r) => [r.rule, r.label, r.decision, r.index, r.events]),
      [
        [1, 'rule-1', 'drop', undefined, 200],
        [2, 'rule-2', 'route', 'cheap', 200],
        [0, 'unmatched', 'index', undefined, 200],
      ],
    );
    // The window's checkpoint moved, and lookback remembers all 600 eventIds, the dropped ones included.
    const cp = store.get(REGION, TENANCY);
    assert.equal(cp?.until, start + 60 * MINUTE);
    const remembered = new RememberedIds(cp!.remembered!);
    for (const e of events) assert.ok(remembered.has(e.eventId as string), e.eventId);
  });
});
