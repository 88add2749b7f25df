// The collector through its public API (CollectorDeps, run(), stats): a fake OCI (discovery and
// ListEvents from memory), the in-memory KV store and a stream whose writes the test resolves. What
// docs/contract.md "Delivery" promises, one rule at a time: windows, order within a pair, a checkpoint
// that moves only after its events were written, failures that keep it, authentication that stops the
// run, and partitions.
import assert from 'node:assert/strict';
import type { AuditEventsReader, EventBatchHandler, EventsPage, ListEventsQuery, PageHead, RawEvent } from '../../src/oci/audit-events';
import { OciHttpError } from '../../src/oci/errors';
import type { CompartmentInfo, IdentityDiscovery, RegionInfo } from '../../src/oci/identity';
import { MINUTE, rfc3339Minute } from '../../src/oci/rfc3339';
import type { Logger } from '../../src/log/logger';
import type { EventSink } from '../../src/output/event-stream';
import { CheckpointStore, MemoryKv } from '../../src/pipeline/checkpoints';
import { Collector, FatalRunError, type CollectorDeps } from '../../src/pipeline/collector';
import { inPartition } from '../../src/pipeline/partition';
import { parseInputConfig } from '../../src/splunk/parameters';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 30);
const HOUR = 60 * MINUTE;
const TENANCY = 'ocid1.tenancy.oc1..aaaaaaaatenancy0000';
const comp = (i: number): string => `ocid1.compartment.oc1..aaaaaaaacompartment${String(i).padStart(3, '0')}`;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Identity and ListEvents from memory: every pair has one event per 20 minutes of processed time. */
class FakeOci {
  regions: RegionInfo[] = [
    { name: 'us-ashburn-1', key: 'IAD', status: 'READY', isHome: true },
    { name: 'eu-frankfurt-1', key: 'FRA', status: 'READY', isHome: false },
  ];
  compartments: CompartmentInfo[] = [1, 2, 3].map((i) => ({ id: comp(i), parentId: TENANCY, name: `c${i}`, lifecycleState: 'ACTIVE' }));
  pageSize = 2;
  readonly calls: ListEventsQuery[] = [];
  /** Called before each ListEvents answer: throw to fail it, await to slow it. */
  before: (q: ListEventsQuery, call: number) => Promise<void> | void = () => undefined;
  discoveryError: unknown;

  eventsOf(region: string, compartmentId: string, start: number, end: number): RawEvent[] {
    const out: RawEvent[] = [];
    for (let t = Math.ceil(start / (20 * MINUTE)) * 20 * MINUTE; t < end; t += 20 * MINUTE) {
      const eventId = `${region}|${compartmentId}|${t}`;
      const eventTime = new Date(t).toISOString();
      out.push({ text: JSON.stringify({ eventId, eventTime }), eventId, eventTime });
    }
    return out;
  }

  readonly discovery = {
    regionSubscriptions: async (): Promise<RegionInfo[]> => {
      if (this.discoveryError) throw this.discoveryError;
      return this.regions;
    },
    compartmentPage: async (): Promise<{ items: CompartmentInfo[]; next?: string }> => ({ items: this.compartments }),
    compartment: async (id: string): Promise<CompartmentInfo> => this.compartments.find((c) => c.id === id)!,
  } as unknown as IdentityDiscovery;

  private async page(q: ListEventsQuery): Promise<EventsPage> {
    this.calls.push(q);
    await this.before(q, this.calls.length);
    const all = this.eventsOf(q.region, q.compartmentId, Date.parse(q.startTime), Date.parse(q.endTime));
    const from = Number(q.page ?? 0);
    const next = from + this.pageSize < all.length ? String(from + this.pageSize) : undefined;
    return { events: all.slice(from, from + this.pageSize), nextPage: next };
  }

  /** AuditEventsReader's two ways to read a page: whole, or streamed to a handler in batches. */
  readonly reader = {
    page: (q: ListEventsQuery): Promise<EventsPage> => this.page(q),
    streamPage: async (q: ListEventsQuery, onEvents: EventBatchHandler): Promise<PageHead> => {
      const { events, nextPage } = await this.page(q);
      if (events.length) await onEvents(events);
      return { nextPage };
    },
  } as unknown as AuditEventsReader;
}

/** A stream that records what it was given; `hold` makes writes wait until released. */
class FakeStream implements EventSink {
  readonly chunks: string[] = [];
  broken = false;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = undefined;
  }
  async write(chunk: string | Buffer): Promise<void> {
    this.chunks.push(chunk.toString());
    if (this.gate) await this.gate;
  }
  ids(): string[] {
    return this.chunks.flatMap((c) => c.split('\n').filter(Boolean)).map((l) => (JSON.parse(l) as { eventId: string }).eventId);
  }
}

const lines: string[] = [];
const log = {
  debug: () => undefined,
  info: (m: string) => lines.push(`INFO ${m}`),
  warn: (m: string) => lines.push(`WARN ${m}`),
  error: (m: string) => lines.push(`ERROR ${m}`),
  enabled: () => false,
} as unknown as Logger;

interface Setup {
  oci: FakeOci;
  kv: MemoryKv;
  store: CheckpointStore;
  stream: FakeStream;
  collector: Collector;
}

async function setup(
  params: Record<string, string> = {},
  o: { oci?: FakeOci; kv?: MemoryKv; deps?: Partial<CollectorDeps> } = {},
): Promise<Setup> {
  const oci = o.oci ?? new FakeOci();
  const kv = o.kv ?? new MemoryKv();
  const config = parseInputConfig(
    't',
    {
      account: 'a',
      start_date_time: rfc3339Minute(NOW - 3 * HOUR),
      delay_throttle: '0',
      lookback_minutes: '0',
      query_window_size: '60',
      ...params,
    },
    new Date(NOW),
  );
  const store = new CheckpointStore(kv, 't');
  await store.open(NOW);
  const stream = new FakeStream();
  const collector = new Collector({
    config,
    tenancyId: TENANCY,
    discovery: oci.discovery,
    reader: oci.reader,
    store,
    stream,
    log,
    signal: new AbortController().signal,
    retry: { baseMs: 1, capMs: 2, maxAttempts: 3 },
    now: () => NOW,
    formatterFor: () => ({ format: (ev: RawEvent) => `${ev.text}\n` }),
    ...o.deps,
  });
  return { oci, kv, store, stream, collector };
}

/** The saved checkpoint of every pair, read back from the KV store as the next run would. */
async function saved(kv: MemoryKv): Promise<Map<string, number>> {
  const again = new CheckpointStore(kv, 't');
  await again.open(NOW);
  return new Map(again.all().map((c) => [`${c.region}|${c.compartmentId}`, c.until]));
}

const pairsOf = (oci: FakeOci): string[] =>
  oci.regions.flatMap((r) => [TENANCY, ...oci.compartments.map((c) => c.id)].map((id) => `${r.name}|${id}`));
const until = Math.floor(NOW / MINUTE) * MINUTE;

describe('collector (fake OCI, in-memory KV store)', () => {
  beforeEach(() => lines.splice(0));

  it('windows: every pair from start_date_time to now minus the delay, whole minutes, query_window_size long, all pages', async () => {
    const s = await setup({ delay_throttle: '5', query_window_size: '45' });
    const stats = await s.collector.run();
    await s.store.flush();
    const end = until - 5 * MINUTE;
    const start = until - 3 * HOUR;
    const expected: string[] = [];
    for (let t = start; t < end; t += 45 * MINUTE) expected.push(`${rfc3339Minute(t)}..${rfc3339Minute(Math.min(t + 45 * MINUTE, end))}`);
    for (const pair of pairsOf(s.oci)) {
      const [region, id] = pair.split('|');
      const asked = [
        ...new Set(s.oci.calls.filter((q) => q.region === region && q.compartmentId === id).map((q) => `${q.startTime}..${q.endTime}`)),
      ];
      assert.deepEqual(asked, expected, pair);
    }
    assert.equal(stats.pairs, 8);
    assert.equal(stats.windows, 8 * expected.length);
    const all = pairsOf(s.oci).flatMap((p) => s.oci.eventsOf(p.split('|')[0], p.split('|')[1], start, end).map((e) => e.eventId));
    assert.deepEqual(s.stream.ids().sort(), all.sort(), 'every event once, pages followed to the last');
    assert.ok(stats.pages > stats.windows, 'windows with more than one page');
    assert.deepEqual([...(await saved(s.kv)).values()], new Array(8).fill(end));
  });

  it('rules that name compartments and compartments = *: the tenancy is listed once per run, and every pair is collected', async () => {
    const oci = new FakeOci();
    let listings = 0;
    const page = oci.discovery.compartmentPage.bind(oci.discovery);
    oci.discovery.compartmentPage = (...a: Parameters<typeof page>) => {
      listings++;
      return page(...a);
    };
    const { collector } = await setup({ event_rules: 'drop compartment=c2' }, { oci });
    const stats = await collector.run();
    assert.equal(listings, 1, 'one ListCompartments for the rules and the discovery');
    assert.equal(stats.pairs, oci.regions.length * (oci.compartments.length + 1));
  });

  it('a second run starts at the checkpoints and asks for nothing when they are current', async () => {
    const first = await setup();
    await first.collector.run();
    await first.store.flush();
    const second = await setup({}, { kv: first.kv });
    const stats = await second.collector.run();
    assert.equal(second.oci.calls.length, 0);
    assert.equal(stats.windows, 0);
    const later = await setup({}, { kv: first.kv, deps: { now: () => NOW + 30 * MINUTE } });
    await later.collector.run();
    assert.deepEqual(new Set(later.oci.calls.map((q) => q.startTime)), new Set([rfc3339Minute(until)]));
  });

  it('order within a pair: windows one after the other, ascending, while pairs run side by side', async () => {
    const oci = new FakeOci();
    let inFlight = 0;
    let maxInFlight = 0;
    const open = new Set<string>();
    oci.before = async (q) => {
      const pair = `${q.region}|${q.compartmentId}`;
      assert.ok(!open.has(pair), `${pair}: two requests at once`);
      open.add(pair);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      for (let i = 0; i < 1 + (q.compartmentId.charCodeAt(q.compartmentId.length - 1) % 3); i++) await tick();
      open.delete(pair);
      inFlight--;
    };
    const s = await setup({ max_concurrency: '4' }, { oci });
    await s.collector.run();
    assert.ok(maxInFlight > 1, 'pairs ran side by side');
    for (const pair of pairsOf(oci)) {
      const starts = oci.calls
        .filter((q) => `${q.region}|${q.compartmentId}` === pair && q.page === undefined)
        .map((q) => Date.parse(q.startTime));
      assert.deepEqual(
        starts,
        [...starts].sort((a, b) => a - b),
        pair,
      );
      const ids = s.stream.ids().filter((id) => id.startsWith(`${pair}|`));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => Number(a.split('|')[2]) - Number(b.split('|')[2])),
        `${pair}: events in processed-time order`,
      );
    }
  });

  it("a window's checkpoint moves only after the stream's write resolved", async () => {
    const oci = new FakeOci();
    oci.regions = oci.regions.slice(0, 1);
    oci.compartments = [];
    oci.pageSize = 100; // one page per window: the write held is the window's last
    const s = await setup({ max_concurrency: '1' }, { oci });
    s.stream.hold();
    const run = s.collector.run();
    while (s.stream.chunks.length === 0) await tick();
    for (let i = 0; i < 20; i++) await tick();
    assert.equal(s.store.get('us-ashburn-1', TENANCY), undefined, 'no checkpoint while the first write is pending');
    assert.equal((await saved(s.kv)).size, 0, 'nothing saved while the first write is pending');
    assert.equal(oci.calls.length, 1, 'the next window waits too');
    s.stream.release();
    await run;
    await s.store.flush();
    assert.equal(s.store.get('us-ashburn-1', TENANCY)?.until, until);
    assert.equal((await saved(s.kv)).get(`us-ashburn-1|${TENANCY}`), until);
  });

  it('a failed window keeps its checkpoint: earlier windows move it, later ones wait for the next run, other pairs go on', async () => {
    const oci = new FakeOci();
    const failing = `eu-frankfurt-1|${comp(2)}`;
    const second = rfc3339Minute(until - 2 * HOUR);
    oci.before = (q) => {
      if (`${q.region}|${q.compartmentId}` === failing && q.startTime === second)
        throw new OciHttpError(404, 'NotAuthorizedOrNotFound', 'not authorized');
    };
    const s = await setup({}, { oci });
    const stats = await s.collector.run();
    await s.store.flush();
    const cps = await saved(s.kv);
    assert.equal(cps.get(failing), until - 2 * HOUR, 'moved past the first window only');
    for (const pair of pairsOf(oci)) if (pair !== failing) assert.equal(cps.get(pair), until, pair);
    assert.ok(!oci.calls.some((q) => `${q.region}|${q.compartmentId}` === failing && Date.parse(q.startTime) > until - 2 * HOUR));
    assert.equal(stats.windowsFailed, 1);
    assert.equal(stats.errors.permission, 1);
    assert.equal(stats.retries, 0, 'a 404 is not retried');
    assert.ok(lines.some((l) => /^ERROR ListEvents region=eu-frankfurt-1 .*not authorized/.test(l)));
  });

  it('a pair with a checkpoint whose first window fails keeps the old checkpoint; transient errors are retried', async () => {
    const kv = new MemoryKv();
    const first = await setup({ regions: 'us-ashburn-1' }, { kv });
    await first.collector.run();
    await first.store.flush();
    const oci = new FakeOci();
    let fails = 0;
    oci.before = (q) => {
      if (q.compartmentId === comp(1)) throw new OciHttpError(500, 'InternalServerError', 'down for good');
      if (q.compartmentId === comp(3) && fails++ < 2) throw new OciHttpError(503, 'ServiceUnavailable', 'busy');
    };
    const later = await setup({ regions: 'us-ashburn-1' }, { kv, oci, deps: { now: () => NOW + HOUR } });
    const stats = await later.collector.run();
    await later.store.flush();
    const cps = await saved(kv);
    assert.equal(cps.get(`us-ashburn-1|${comp(1)}`), until, 'unchanged after a failed run');
    assert.equal(cps.get(`us-ashburn-1|${comp(3)}`), until + HOUR, 'moved after two retried 503s');
    assert.equal(stats.windowsFailed, 1);
    assert.equal(stats.errors.server, 1);
    assert.equal(stats.retries, 2 + 2, '503 twice, and the 500 until the attempts were spent');
  });

  it('authentication stops the run: FatalRunError, no ListEvents after it, delivered windows keep their checkpoints', async () => {
    const oci = new FakeOci();
    let stopAt = 0;
    oci.before = (_q, call) => {
      if (call === 6) {
        stopAt = call;
        throw new OciHttpError(401, 'NotAuthenticated', 'signature');
      }
    };
    const s = await setup({ max_concurrency: '1' }, { oci });
    await assert.rejects(
      s.collector.run(),
      (err: unknown) => err instanceof FatalRunError && err.category === 'authentication' && /401 NotAuthenticated/.test(err.message),
    );
    assert.equal(oci.calls.length, stopAt, 'nothing asked after the 401');
    assert.equal(s.collector.stats.errors.authentication, 1);
    await s.store.flush();
    const cps = await saved(s.kv);
    assert.ok(cps.size >= 1, 'windows delivered before the 401 were saved');
    for (const [pair, cp] of cps) assert.ok(cp > until - 3 * HOUR && cp <= until, pair);
  });

  it('authentication at discovery stops the run before any ListEvents', async () => {
    const oci = new FakeOci();
    oci.discoveryError = new OciHttpError(401, 'NotAuthenticated', 'signature');
    const s = await setup({}, { oci });
    await assert.rejects(s.collector.run(), (err: unknown) => err instanceof FatalRunError && err.category === 'authentication');
    assert.equal(oci.calls.length, 0);
  });

  it('partitions: each share collects its pairs, the run summary counts the others, the shares cover every pair once', async () => {
    const oci = new FakeOci();
    oci.compartments = Array.from({ length: 12 }, (_, i) => ({ id: comp(i), parentId: TENANCY, name: `c${i}`, lifecycleState: 'ACTIVE' }));
    const all = pairsOf(oci);
    const seen: string[] = [];
    for (let k = 0; k < 3; k++) {
      const shareOci = new FakeOci();
      shareOci.compartments = oci.compartments;
      const s = await setup({ partition: `${k}/3` }, { oci: shareOci });
      const stats = await s.collector.run();
      const mine = [...new Set(shareOci.calls.map((q) => `${q.region}|${q.compartmentId}`))];
      for (const pair of mine) assert.ok(inPartition(pair.split('|')[0], pair.split('|')[1], { k, n: 3 }), pair);
      assert.equal(stats.pairs, mine.length);
      assert.equal(stats.pairs + stats.pairsSkippedByPartition, all.length);
      assert.equal(stats.fields().pairs_skipped_by_partition, all.length - mine.length);
      seen.push(...mine);
    }
    assert.deepEqual(seen.sort(), [...all].sort(), 'every pair in exactly one share');
  });
});
