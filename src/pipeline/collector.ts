// One run of an input: discover regions and compartments, then fetch every (region, compartment)
// window from its checkpoint up to now minus the delay, write the events, and move each window's
// checkpoint only after its events were flushed (docs/contract.md "Delivery").
//
// Windows of one pair run in order (a checkpoint only moves forward); pairs run side by side, at
// most max_concurrency at once. Memory holds the pages in flight, never the backlog.
import type { AuditEventsReader } from '../oci/audit-events';
import { classify, explain, type ClassifiedError } from '../oci/errors';
import type { CompartmentInfo, IdentityDiscovery } from '../oci/identity';
import { floorMinute, MINUTE, rfc3339Minute } from '../oci/rfc3339';
import type { Logger } from '../log/logger';
import type { EventFormat, EventSink } from '../output/event-stream';
import { PageWriter, RetryGuard } from '../output/page-writer';
import { runParams, type InputConfig } from '../splunk/parameters';
import type { CheckpointStore, PairCheckpoint } from './checkpoints';
import { forgetBefore, nothingRemembered, remember, RememberedIds, reReadSpan, type Remembered } from './lookback';
import { describeEdits, tenancyChanged } from './edits';
import { UNMATCHED, type CompartmentNode, type EventDecider } from './event-rules';
import { inPartition } from './partition';
import { AsyncQueue } from './queue';
import { retrying, type BackoffPolicy } from './retry';
import { RuleTally, RunStats } from './run-stats';
import { Freshness } from './freshness';
import { pairRead, rememberedSpanMs } from './schedule';
import { epochOf } from '../output/event-stream';
import { collectUntil, firstStart, windows, type Window } from './windows';

export interface CollectorDeps {
  config: InputConfig;
  tenancyId: string;
  discovery: IdentityDiscovery;
  reader: AuditEventsReader;
  store: CheckpointStore;
  stream: EventSink;
  log: Logger;
  signal: AbortSignal;
  retry: BackoffPolicy;
  now?: () => number;
  /** Formats one region's events for the stream (XML for splunkd, JSON lines for `preview`). */
  formatterFor: (region: string) => EventFormat;
  /**
   * The per-pair schedule of a process that keeps running (docs/scheduling.md): quiet pairs wait, the remembered
   * span is re-read every `rereadEveryMinutes`. Without it (one pass per run) every pair is read and its
   * remembered span re-read on every run.
   */
  schedule?: { quietMaxMinutes: number; rereadEveryMinutes: number };
}

interface Pair {
  region: string;
  compartment: CompartmentInfo;
}

/** Stops the whole run: authentication failures, a closed stdout, unsaved progress. */
export class FatalRunError extends Error {
  constructor(
    message: string,
    readonly category?: string,
  ) {
    super(message);
    this.name = 'FatalRunError';
  }
}

const DEFAULT_START_MS = 24 * 60 * MINUTE;
const MAX_PAGES_PER_WINDOW = 100_000;
/** A running process: the span every read of a pair re-reads between full re-reads (docs/scheduling.md). */
const HOT_SPAN_MS = 2 * MINUTE;

export class Collector {
  readonly stats = new RunStats();
  readonly freshness: Freshness;
  private readonly now: () => number;
  private fatal: FatalRunError | undefined;
  private readonly abort = new AbortController();
  private readonly signal: AbortSignal;
  private until = 0;
  private defaultStart = 0;
  private readonly lagFloor = new Map<string, number>();
  /** config.eventRules bound per region (src/pipeline/event-rules.ts), and the tree they resolve compartments in */
  private readonly deciders = new Map<string, EventDecider>();
  private ruleTree: CompartmentNode[] | undefined;
  /** the tenancy's compartments, when prepareRules listed them already this run */
  private listed: CompartmentInfo[] | undefined;

  constructor(private readonly d: CollectorDeps) {
    this.now = d.now ?? Date.now;
    this.freshness = new Freshness(d.config.delayMinutes * MINUTE);
    this.signal = AbortSignal.any([d.signal, this.abort.signal]);
  }

  private stop(err: FatalRunError): void {
    this.fatal ??= err;
    this.abort.abort();
  }

  async run(): Promise<RunStats> {
    const { config, log } = this.d;
    const now = this.now();
    await this.applyEdits(now);
    this.until = collectUntil(now, config.delayMinutes, config.endDateTime);
    log.info('run started', {
      input: config.name,
      collect_until: new Date(this.until).toISOString(),
      default_start: new Date(this.defaultStart).toISOString(),
      max_concurrency: config.maxConcurrency,
      partition: `${config.partition.k}/${config.partition.n}`,
    });

    this.stats.useRules(config.eventRules.rules);
    try {
      await this.prepareRules();
    } catch (err) {
      if (!(err instanceof FatalRunError)) throw err;
      throw new FatalRunError(
        `event_rules: cannot list the compartment tree the rules name compartments in; nothing was sent: ${err.message}`,
        err.category,
      );
    }

    const queue = new AsyncQueue<Pair>();
    const workers = Array.from({ length: config.maxConcurrency }, () => this.worker(queue));
    const progress = setInterval(
      () =>
        log.info('progress', {
          input: config.name,
          windows: this.stats.windows,
          events: this.stats.events,
          pages: this.stats.pages,
          retries: this.stats.retries,
        }),
      15_000,
    );
    progress.unref();
    try {
      await this.discover(queue);
    } catch (err) {
      if (!(err instanceof FatalRunError)) throw err;
      this.stop(err);
    } finally {
      queue.close();
      await Promise.all(workers);
      clearInterval(progress);
    }
    this.stats.lagSeconds = this.lagSeconds(now);
    const forgot = this.d.store.forgotUpTo;
    if (forgot !== undefined)
      log.warn(
        `lookback memory full: eventIds remembered up to ${new Date(forgot).toISOString()} were forgotten; late events before it are not re-read`,
        { input: config.name, remembered: this.d.store.rememberedDigests },
      );
    if (this.fatal) throw this.fatal;
    return this.stats;
  }

  /**
   * Compares this run's parameters and tenancy with the last run's (docs/contract.md "What an edit does"):
   * another tenancy starts the input afresh; edits that are not exactly-once are told in one WARN line.
   * Sets defaultStart.
   */
  private async applyEdits(now: number): Promise<void> {
    const { config, store, tenancyId, log } = this.d;
    const params = runParams(config);
    const previous = { tenancyId: store.input.tenancyId, params: store.input.params };
    const pairs = store.all();
    if (tenancyChanged({ previous, tenancyId })) await store.restart(now);
    // Where pairs without a checkpoint start; after a restart firstRunAt is this run's.
    this.defaultStart = config.startDateTime ? config.startDateTime.getTime() : store.input.firstRunAt - DEFAULT_START_MS;
    const edits = describeEdits({ previous, pairs, tenancyId, params, defaultStart: this.defaultStart });
    if (edits.warn.length) log.warn(`input ${config.name} was edited: ${edits.warn.join('; ')}`, { input: config.name });
    for (const m of edits.info) log.info(`input ${config.name} was edited: ${m}`, { input: config.name });
    if (edits.changed) store.recordRun(tenancyId, params, now);
  }

  /**
   * Rules that name compartments match them with their subtrees: the tree is listed once per run, before
   * any event is read, and names that are not in it are told in one WARN.
   */
  private async prepareRules(): Promise<void> {
    const { config, discovery, tenancyId, log } = this.d;
    if (!config.eventRules.needsCompartmentTree) return;
    const tree: CompartmentNode[] = [{ id: tenancyId, name: 'root' }];
    const listed: CompartmentInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.withRetry('list compartments (event rules)', true, () => discovery.compartmentPage(tenancyId, token));
      listed.push(...page.items);
      for (const c of page.items) tree.push({ id: c.id, name: c.name, parentId: c.parentId });
      token = page.next;
    } while (token !== undefined);
    // compartments = *: discovery takes this listing instead of asking for it again
    if (config.compartments === '*') this.listed = listed;
    this.ruleTree = tree;
    const unknown = config.eventRules.unknownCompartments(tree);
    if (unknown.length)
      log.warn(
        `event_rules: ${unknown.map((u) => `rule ${u.rule.written} (${u.rule.label}) names compartment "${u.value}"`).join(', ')}, which is not an ACTIVE compartment of the tenancy: it matches no event by name (an OCID still matches its own events)`,
        { input: config.name },
      );
  }

  /** The event rules bound to a region (once per region and run). */
  private deciderFor(region: string): EventDecider {
    let d = this.deciders.get(region);
    if (!d) {
      d = this.d.config.eventRules.bind({ region, compartments: this.ruleTree });
      this.deciders.set(region, d);
    }
    return d;
  }

  /** Regions x compartments into the queue; pairs start as soon as their compartment is known. */
  private async discover(queue: AsyncQueue<Pair>): Promise<void> {
    const { config, discovery, tenancyId, log } = this.d;
    // The first compartment page is asked for together with the regions: one round trip less before
    // the first ListEvents (docs/performance.md, cycle). Its failure is handled where it is awaited.
    const listCompartments = (token?: string): Promise<{ items: CompartmentInfo[]; next?: string }> =>
      this.withRetry('list compartments', true, () => discovery.compartmentPage(tenancyId, token));
    const listed = this.listed;
    let firstPage: Promise<{ items: CompartmentInfo[]; next?: string }> | undefined =
      config.compartments === '*' ? (listed ? Promise.resolve({ items: listed }) : listCompartments()) : undefined;
    firstPage?.catch(() => undefined);
    const regions = await this.withRetry('list region subscriptions', true, async () => {
      if (config.regions !== '*') return config.regions;
      const subs = await discovery.regionSubscriptions(tenancyId);
      for (const s of subs)
        if (s.status !== 'READY') log.info('region skipped: subscription not READY', { region: s.name, status: s.status });
      return subs.filter((s) => s.status === 'READY').map((s) => s.name);
    });
    this.stats.regions = regions.length;
    log.debug('regions to collect', { regions: regions.join(',') });
    if (regions.length === 0) log.warn('no region to collect', { input: config.name });

    const excluded = new Set(config.excludeCompartments);
    const enqueue = (c: CompartmentInfo): void => {
      this.stats.compartments++;
      for (const region of regions) {
        if (!inPartition(region, c.id, config.partition)) {
          this.stats.pairsSkippedByPartition++;
          continue;
        }
        this.stats.pairs++;
        queue.push({ region, compartment: c });
      }
    };

    if (config.compartments !== '*') {
      for (const id of config.compartments) {
        if (excluded.has(id) || this.signal.aborted) continue;
        if (id === tenancyId) {
          enqueue({ id, name: 'root', lifecycleState: 'ACTIVE' });
          continue;
        }
        const info = await this.withRetry(`get compartment ${id}`, false, () => discovery.compartment(id)).catch((err: unknown) => {
          if (err instanceof FatalRunError) throw err;
          log.warn('compartment details unavailable; collecting it from the start date', { compartment: id });
          return { id, name: id, lifecycleState: 'ACTIVE' } satisfies CompartmentInfo;
        });
        if (info.lifecycleState !== 'ACTIVE')
          log.warn('compartment is not ACTIVE; collecting it anyway because it is listed explicitly', {
            compartment: id,
            state: info.lifecycleState,
          });
        enqueue(info);
      }
      return;
    }

    if (!excluded.has(tenancyId)) enqueue({ id: tenancyId, name: 'root', lifecycleState: 'ACTIVE' });
    // With exclusions, a child may arrive before the parent that excludes it: hold pages until the tree is whole.
    const held: CompartmentInfo[] = [];
    // Page by page with a token, not a generator: a generator that threw is finished, so retrying
    // its next() would silently end the listing and skip compartments.
    let token: string | undefined;
    do {
      if (this.signal.aborted) return;
      const page = await (firstPage ?? listCompartments(token));
      firstPage = undefined;
      if (excluded.size) held.push(...page.items);
      else for (const c of page.items) enqueue(c);
      token = page.next;
    } while (token !== undefined);
    if (excluded.size) {
      const byId = new Map(held.map((c) => [c.id, c]));
      const isExcluded = (c: CompartmentInfo): boolean => {
        for (
          let cur: CompartmentInfo | undefined = c, depth = 0;
          cur && depth < 64;
          cur = cur.parentId ? byId.get(cur.parentId) : undefined, depth++
        ) {
          if (excluded.has(cur.id)) return true;
        }
        return false;
      };
      for (const c of held) if (!isExcluded(c)) enqueue(c);
    }
  }

  private async worker(queue: AsyncQueue<Pair>): Promise<void> {
    for await (const pair of queue) {
      if (this.signal.aborted) continue;
      try {
        await this.collectPair(pair);
      } catch (err) {
        if (err instanceof FatalRunError) this.stop(err);
        else if (!this.signal.aborted) throw err;
      }
    }
  }

  private async collectPair({ region, compartment }: Pair): Promise<void> {
    const { config, store, log, schedule } = this.d;
    const cp = store.get(region, compartment.id);
    const start = firstStart(this.defaultStart, compartment.timeCreated);
    const from = cp ? cp.until : start;
    this.lagFloor.set(`${region}|${compartment.id}`, from);
    const lookback = config.lookbackMinutes * MINUTE;
    const now = this.now();
    // Re-read only what is remembered (src/pipeline/lookback.ts): a span delivered while eventIds were
    // not kept would be sent again. One pass per run re-reads on every run; a running process when due, and a
    // deferred (quiet) pair's re-read waits for its next read (src/pipeline/schedule.ts pairRead).
    const read = schedule ? pairRead(cp, this.until, now, schedule, config.lookbackMinutes) : lookback > 0 ? 'reread' : 'forward';
    if (read === 'deferred') {
      this.freshness.pairsDeferred++;
      return;
    }
    const reread = read === 'reread';
    // A running process remembers lookback + one re-read period + a cycle, so that an event shown up to
    // lookback_minutes after its eventTime is still in the span at the next full re-read; between full re-reads
    // every read also covers the last HOT_SPAN (most late events are only a little late: docs/scheduling.md).
    const remembers = schedule ? rememberedSpanMs(config.lookbackMinutes, schedule.rereadEveryMinutes) : lookback;
    const spanMs = reread ? remembers : schedule && lookback > 0 ? Math.min(HOT_SPAN_MS, remembers) : 0;
    const plan: Array<Iterable<Window & { lookback?: boolean }>> = [];
    let skip: RememberedIds | undefined;
    const span =
      spanMs > 0 && cp?.remembered
        ? reReadSpan(cp.remembered, cp.until, spanMs, config.endDateTime ? floorMinute(config.endDateTime.getTime()) : undefined)
        : undefined;
    if (cp?.remembered && span) {
      skip = new RememberedIds(cp.remembered);
      if (reread) this.freshness.rereads++;
      if (schedule) {
        // One request for the span and the newest minutes (a window is query_window_size long at most):
        // events already delivered are dropped by eventId, so the span costs no extra request.
        plan.push(
          [...windows(span.start, Math.max(span.end, this.until), config.queryWindowMinutes)].map((w) => ({ ...w, lookback: true })),
        );
      } else {
        plan.push([...windows(span.start, span.end, config.queryWindowMinutes)].map((w) => ({ ...w, lookback: true })));
        plan.push(windows(from, this.until, config.queryWindowMinutes));
      }
    } else plan.push(windows(from, this.until, config.queryWindowMinutes));
    // Lookback off: forget what was remembered; turned on again it starts from the checkpoint then.
    if (cp?.remembered && lookback === 0) store.advance({ region, compartmentId: compartment.id, until: cp.until });
    let until = from;
    let activeUntil = cp?.activeUntil ?? from;
    const lateBefore = cp ? cp.until : undefined;
    const formatter = this.d.formatterFor(region);
    for (const part of plan) {
      for (const w of part) {
        if (this.signal.aborted) return;
        // Progress that cannot be saved would be sent again next run: stop instead of sending more.
        if (store.saveError)
          throw new FatalRunError(
            `cannot save progress to the KV store (${store.saveError.message}); stopping so that no more windows are sent twice`,
            'splunkd',
          );
        const got = await this.collectWindow(
          region,
          compartment.id,
          w,
          formatter,
          lookback > 0,
          w.lookback ? skip : undefined,
          w.lookback ? lateBefore : undefined,
        );
        if (got === undefined) return; // failed: later windows of this pair wait for the next run
        this.stats.windows++;
        if (log.enabled('DEBUG'))
          log.debug('window delivered', {
            region,
            compartment: compartment.id,
            start: rfc3339Minute(w.start),
            end: rfc3339Minute(w.end),
            events: got.events,
            lookback: w.lookback ? 1 : undefined,
          });
        if (w.end > until) until = w.end;
        if (got.events > 0) activeUntil = Math.max(activeUntil, w.end);
        let remembered: Remembered | undefined;
        if (lookback > 0) {
          // From the store, not a local copy: it may have forgotten old windows to stay under its maximum.
          const cur = store.get(region, compartment.id)?.remembered ?? nothingRemembered(from);
          remembered = forgetBefore(remember(cur, w.end, got.ids), until - remembers);
        }
        const rereadAt = w.lookback && schedule && reread ? now : cp?.rereadAt;
        store.advance(
          {
            region,
            compartmentId: compartment.id,
            until,
            remembered,
            ...(schedule ? { activeUntil } : {}),
            ...(rereadAt !== undefined ? { rereadAt } : {}),
          } satisfies PairCheckpoint,
          got.events > 0,
        );
        this.lagFloor.set(`${region}|${compartment.id}`, until);
      }
    }
  }

  /**
   * All pages of one window; returns how many events were delivered and, when `keepIds` (lookback
   * on), their eventIds; undefined when the window failed. Each page is streamed from the response to
   * stdout (output/page-writer.ts): a retry of a page skips what an earlier attempt of it wrote.
   */
  private async collectWindow(
    region: string,
    compartmentId: string,
    w: Window,
    formatter: EventFormat,
    keepIds: boolean,
    skip?: { has(eventId: string): boolean },
    lateBefore?: number,
  ): Promise<{ events: number; ids: string[] } | undefined> {
    const { reader, stream, log } = this.d;
    const startTime = rfc3339Minute(w.start);
    const endTime = rfc3339Minute(w.end);
    const ids: string[] = [];
    let delivered = 0;
    const tokens = new Set<string>();
    let page: string | undefined;
    let pages = 0;
    const onWritten = (n: number, written: string[], tally?: RuleTally): void => {
      this.stats.events += n;
      delivered += n;
      if (tally) this.stats.tally.addAll(tally);
      if (keepIds) for (const id of written) ids.push(id);
    };
    // Event rules: index and route are counted when written (the page writer's tally), drop when the
    // page is read whole; a retried page decides again and counts only what it did not write before.
    const decider = this.deciderFor(region);
    const ruleCount = this.stats.rules.length;
    try {
      do {
        const guard = new RetryGuard();
        const query = { region, compartmentId, startTime, endTime, page };
        const res = await this.withRetry(`ListEvents ${region} ${compartmentId} ${startTime}..${endTime}`, false, async () => {
          // Progress that cannot be kept (stdout gone) stops the run instead of being retried.
          if (stream.broken) throw new FatalRunError('stdout was closed: splunkd stopped reading the event stream', 'output');
          guard.beginAttempt();
          const written = new RuleTally(ruleCount);
          const out = new PageWriter(stream, guard, onWritten, undefined, undefined, written);
          const droppedByRule = new RuleTally(ruleCount);
          const droppedIds: string[] = [];
          let dropped = 0;
          let skipped = 0;
          try {
            const head = await reader.streamPage(
              query,
              async (events) => {
                for (const ev of events) {
                  const id = ev.eventId;
                  if (skip && id !== undefined && skip.has(id)) {
                    dropped++;
                    continue;
                  }
                  const rule = decider.indexesAll ? UNMATCHED : decider.decide(ev);
                  const bytes = Buffer.byteLength(ev.text);
                  if (rule.decision === 'drop') {
                    // Not written; its window's checkpoint still moves and lookback remembers its eventId.
                    droppedByRule.add(rule.rule, bytes);
                    if (keepIds && id !== undefined) droppedIds.push(id);
                    continue;
                  }
                  const key = id ?? ev.text;
                  if (!guard.admit(key)) {
                    skipped++; // written by an earlier attempt of this page
                    continue;
                  }
                  out.add(formatter.format(ev, rule.index), key, keepIds ? id : undefined, rule.rule, bytes);
                  this.freshness.observe(region, Number(epochOf(ev.eventTime)) * 1000, this.now(), lateBefore);
                }
                await out.writeDue();
              },
              this.signal,
              skip,
            );
            await out.end();
            this.stats.duplicatesDropped += dropped;
            this.stats.retrySkipped += skipped;
            this.stats.tally.addAll(droppedByRule);
            for (const id of droppedIds) ids.push(id);
            return head;
          } catch (err) {
            await out.abandon();
            throw err;
          }
        });
        this.stats.pages++;
        if (++pages > MAX_PAGES_PER_WINDOW) throw new Error(`more than ${MAX_PAGES_PER_WINDOW} pages in one window`);
        if (res.nextPage !== undefined && tokens.has(res.nextPage))
          throw new Error('ListEvents returned a page token it had already returned');
        if (res.nextPage !== undefined) tokens.add(res.nextPage);
        page = res.nextPage;
      } while (page !== undefined && !this.signal.aborted);
      if (this.signal.aborted) return undefined;
      return { events: delivered, ids };
    } catch (err) {
      if (err instanceof FatalRunError) throw err;
      if (stream.broken) throw new FatalRunError('stdout was closed: splunkd stopped reading the event stream', 'output');
      if (this.signal.aborted) return undefined;
      const c = classify(err);
      this.stats.windowsFailed++;
      this.stats.error(c.category);
      log.error(explain(c, `ListEvents region=${region} compartment=${compartmentId} window=${startTime}..${endTime}`), {
        category: c.category,
        action: 'window retried next run',
      });
      return undefined;
    }
  }

  /**
   * Retries what OCI says is transient; authentication failures stop the run. `fatal`: a failure
   * that remains stops the run with an explained FatalRunError (discovery: without it there is
   * nothing to collect; the SDK rejects with plain objects that have no stack or name).
   */
  private async withRetry<T>(what: string, fatal: boolean, fn: () => Promise<T>): Promise<T> {
    try {
      return await retrying(this.d.retry, fn, {
        signal: this.signal,
        retryable: (err) => {
          if (err instanceof FatalRunError) return false;
          const c = classify(err);
          return c.retryable && c.category !== 'authentication';
        },
        onRetry: (err, attempt, delayMs) => {
          const c = classify(err);
          this.stats.retries++;
          if (c.category === 'throttling') this.stats.throttles++;
          this.d.log.debug('retrying', { what, attempt, delay_ms: delayMs, category: c.category, status: c.status });
        },
      });
    } catch (err) {
      if (err instanceof FatalRunError || this.signal.aborted) throw err;
      const c: ClassifiedError = classify(err);
      if (c.category === 'authentication' || fatal) {
        this.stats.error(c.category);
        throw new FatalRunError(explain(c, what), c.category);
      }
      throw err;
    }
  }

  private lagSeconds(now: number): number | undefined {
    let oldest = Infinity;
    for (const v of this.lagFloor.values()) oldest = Math.min(oldest, v);
    return Number.isFinite(oldest) ? Math.max(0, Math.round((now - oldest) / 1000)) : undefined;
  }
}
