// Lazy, deterministic audit-event store. Nothing is materialised per day: the count of events of one
// (region, compartment, processed minute) cell comes from a hash of (seed, region, compartment, minute), and the
// events of a cell are rebuilt on demand. Explicit events (addEvent) live in a small per-cell map.
// Ordering = (filter ms, eventId): ListEvents pages are stable under inserts because tokens carry that position.
//
// Visibility: each event becomes visible (ListEvents can return it) a delay after its eventTime: "New activity is
// appended to the existing list, usually within 15 minutes of the API call, though processing time can vary"
// (https://docs.oracle.com/iaas/Content/Audit/Tasks/viewinglogevents.htm). The delay is log-normal, median 30 s,
// sigma 1.1 (p90 122 s, p95 183 s, p99 387 s), at least 1 s, cut at 15 min (visibilityDelayMs).
// Which time ListEvents' startTime/endTime filter on is not settled, so the emulator has both readings
// (TimeFilter): 'processed' (the default, the API reference's wording: the moment OCI made the event visible; an
// event never appears in a span after that span could be read) and 'eventTime' (the event's own time: an event
// appears in a past span when it becomes visible, i.e. late).
import { buildEvent, EventContext } from './content';
import { Rng, hashInts, hashU, uniqueGuid } from './prng';
import type { Tenancy } from './tenancy';

const MIN = 60_000;
const SALT_COUNT = 0xc0;
const SALT_KEY = 0xc1;
const SALT_BODY = 0xc2;
const SALT_DELAY = 0xc3;

/** What ListEvents' startTime/endTime filter on (see the header). */
export type TimeFilter = 'processed' | 'eventTime';

export const VISIBILITY_MEDIAN_MS = 30_000;
export const VISIBILITY_SIGMA = 1.1;
export const VISIBILITY_MAX_MS = 15 * MIN;

/** Log-normal visibility delay from two uniforms (Box-Muller), median 30 s, sigma 1.1, in [1 s, 15 min]. */
export function visibilityDelayMs(u1: number, u2: number): number {
  const z = Math.sqrt(-2 * Math.log(Math.max(u1, 1e-12))) * Math.cos(2 * Math.PI * u2);
  const d = VISIBILITY_MEDIAN_MS * Math.exp(VISIBILITY_SIGMA * z);
  return Math.round(Math.min(VISIBILITY_MAX_MS, Math.max(1000, d)));
}

export interface EventKey {
  /** the time ListEvents filters on (processed or eventTime, per the TimeFilter) */
  ms: number;
  /** when ListEvents starts returning it (epoch ms) */
  visibleAt: number;
  /** its eventTime (epoch ms) */
  eventMs: number;
  id: string;
  /** generation index within the cell, or -1 for explicit events */
  gen: number;
  explicit?: Record<string, unknown>;
}

export interface Position {
  ms: number;
  id: string;
}

export function keyAfter(k: Position, p: Position): boolean {
  return k.ms > p.ms || (k.ms === p.ms && k.id > p.id);
}

function cmp(a: Position, b: Position): number {
  return a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export class EventStore {
  readonly regionIdx = new Map<string, number>();
  /** root = 0, tenancy.compartments[i] = i + 1 */
  readonly compIdx = new Map<string, number>();
  private readonly rate: number[][] = [];
  private readonly phase: number[] = [];
  private readonly genFrom: number[] = [];
  private readonly ctx: EventContext[][] = [];
  private readonly explicit = new Map<string, Map<number, EventKey[]>>();
  private readonly cache = new Map<string, EventKey[]>();
  private explicitSeq = 0;

  constructor(
    readonly tenancy: Tenancy,
    private readonly now: () => number,
    readonly timeFilter: TimeFilter = 'processed',
  ) {
    const t = tenancy;
    const seed = t.seed;
    t.regions.forEach((r, i) => this.regionIdx.set(r.regionName, i));
    this.compIdx.set(t.tenancyId, 0);
    t.compartments.forEach((c, i) => this.compIdx.set(c.id, i + 1));

    // Skew: the root and three "busy" compartments carry most traffic, the rest share the remainder unevenly.
    const nComp = t.compartments.length + 1;
    const cw = new Array<number>(nComp).fill(0);
    const active = t.compartments.map((c, i) => [c, i + 1] as const).filter(([c]) => c.lifecycleState === 'ACTIVE');
    cw[0] = active.length === 0 ? 1 : 0.15;
    const busy = new Set<number>();
    const rngW = new Rng(hashInts(seed, 0xb05));
    while (busy.size < Math.min(3, active.length))
      busy.add((active[Math.floor(rngW.next() * active.length)] as readonly [unknown, number])[1]);
    const restShare = active.length === 0 ? 0 : 0.85 - 0.15 * busy.size;
    const rest = active.filter(([, i]) => !busy.has(i));
    const rw = rest.map(() => 0.05 + rngW.next() ** 3);
    const rwSum = rw.reduce((a, b) => a + b, 0) || 1;
    for (const i of busy) cw[i] = 0.15 + (rest.length === 0 ? restShare / busy.size : 0);
    rest.forEach(([, i], j) => (cw[i] = (restShare * (rw[j] as number)) / rwSum));

    // Regions: home carries 40 %, other READY regions share the rest; IN_PROGRESS regions have no events.
    const ready = t.regions.filter((r) => r.status === 'READY');
    const regW = t.regions.map((r) =>
      r.status !== 'READY' ? 0 : ready.length === 1 ? 1 : r.isHomeRegion ? 0.4 : 0.6 / (ready.length - 1),
    );
    t.regions.forEach((r, ri) => {
      this.rate[ri] = cw.map((w) => (t.eventsPerDay * (regW[ri] as number) * w) / 1440);
      this.phase[ri] = hashU(seed, ri, 0xf4a5e) * 2 * Math.PI;
      this.ctx[ri] = [t.tenancyId, ...t.compartments.map((c) => c.id)].map((id, ci) => ({
        tenancy: t,
        regionName: r.regionName,
        regionKey: r.regionKey,
        isHome: r.isHomeRegion,
        compartmentId: id,
        compartmentName: ci === 0 ? t.name : (t.compartments[ci - 1] as { name: string }).name,
      }));
    });
    // Quiet pairs (TenancyOptions.quietPairs): a stable share of the (region, compartment) pairs has no events at
    // all; the others carry the whole eventsPerDay.
    const quiet = t.quietPairs ?? 0;
    if (quiet > 0) {
      let before = 0;
      let after = 0;
      this.rate.forEach((row, ri) =>
        row.forEach((r, ci) => {
          before += r;
          if (hashU(seed, ri, ci, 0x9e1e7) < quiet) row[ci] = 0;
          after += row[ci] as number;
        }),
      );
      const k = after > 0 ? before / after : 0;
      for (const row of this.rate) for (let ci = 0; ci < row.length; ci++) row[ci] = (row[ci] as number) * k;
    }
    // A compartment has no events before it existed.
    this.genFrom[0] = t.eventsFrom.getTime();
    t.compartments.forEach((c, i) => (this.genFrom[i + 1] = Math.max(t.eventsFrom.getTime(), Date.parse(c.timeCreated))));
  }

  /** Number of generated events in one cell (before the eventsFrom cut). */
  cellCount(ri: number, ci: number, minute: number): number {
    const lambda = (this.rate[ri] as number[])[ci] as number;
    if (!lambda) return 0;
    const tod = ((minute % 1440) / 1440) * 2 * Math.PI;
    const x =
      lambda * (1 + 0.3 * Math.sin(tod + (this.phase[ri] as number))) * (0.5 + hashU(this.tenancy.seed, ri, ci, minute, SALT_COUNT));
    const n = Math.floor(x);
    return n + (hashU(this.tenancy.seed, ri, ci, minute, SALT_COUNT + 1) < x - n ? 1 : 0);
  }

  private generated(ri: number, ci: number, minute: number): EventKey[] {
    const ck = `${ri}:${ci}:${minute}`;
    const hit = this.cache.get(ck);
    if (hit) {
      this.cache.delete(ck);
      this.cache.set(ck, hit);
      return hit;
    }
    const n = this.cellCount(ri, ci, minute);
    const out: EventKey[] = [];
    const from = this.genFrom[ci] as number;
    const seed = this.tenancy.seed;
    for (let i = 0; i < n; i++) {
      const r = new Rng(hashInts(seed, ri, ci, minute, i, SALT_KEY));
      const ms = minute * MIN + Math.floor(r.next() * MIN);
      if (ms < from) continue;
      const delay = visibilityDelayMs(hashU(seed, ri, ci, minute, i, SALT_DELAY), hashU(seed, ri, ci, minute, i, SALT_DELAY + 1));
      // 'processed': filed at the moment it became visible, its eventTime earlier; 'eventTime': the other way round.
      const times = this.timeFilter === 'processed' ? { visibleAt: ms, eventMs: ms - delay } : { visibleAt: ms + delay, eventMs: ms };
      out.push({ ms, ...times, id: uniqueGuid(seed, ri, ci, minute, i), gen: i });
    }
    out.sort(cmp);
    this.cache.set(ck, out);
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value as string);
    return out;
  }

  private explicitCell(ri: number, ci: number): Map<number, EventKey[]> | undefined {
    return this.explicit.get(`${ri}:${ci}`);
  }

  add(region: string, compartmentId: string, event: Record<string, unknown>, processedAt: Date): void {
    const ri = this.regionIdx.get(region);
    const ci = this.compIdx.get(compartmentId);
    if (ri === undefined) throw new Error(`addEvent: region ${region} is not subscribed`);
    if (ci === undefined) throw new Error(`addEvent: unknown compartment ${compartmentId}`);
    // processedAt is when the event becomes visible; under the 'eventTime' reading it is filed under its eventTime.
    const visibleAt = processedAt.getTime();
    const own = typeof event.eventTime === 'string' ? Date.parse(event.eventTime) : NaN;
    const eventMs = Number.isFinite(own) ? own : visibleAt;
    const ms = this.timeFilter === 'processed' ? visibleAt : eventMs;
    const id = typeof event.eventId === 'string' ? event.eventId : `~explicit-${String(++this.explicitSeq).padStart(9, '0')}`;
    const k = `${ri}:${ci}`;
    let cell = this.explicit.get(k);
    if (!cell) this.explicit.set(k, (cell = new Map()));
    const minute = Math.floor(ms / MIN);
    const list = cell.get(minute) ?? [];
    list.push({ ms, visibleAt, eventMs, id, gen: -1, explicit: structuredClone(event) });
    list.sort(cmp);
    cell.set(minute, list);
  }

  /** All keys of one cell (generated + explicit), sorted. */
  private cell(ri: number, ci: number, minute: number): EventKey[] {
    const gen = this.generated(ri, ci, minute);
    const ex = this.explicitCell(ri, ci)?.get(minute);
    if (!ex || ex.length === 0) return gen;
    return [...gen, ...ex].sort(cmp);
  }

  /**
   * Keys in filter-time order for [startMs, endMs) restricted to those visible now, strictly after `after`.
   * ListEvents: start inclusive, end exclusive (https://docs.oracle.com/iaas/api/#/en/audit/20190901/AuditEvent/ListEvents);
   * on processed time or on eventTime per the TimeFilter.
   */
  *keys(ri: number, ci: number, startMs: number, endMs: number, after?: Position): Generator<EventKey> {
    const nowMs = this.now();
    const hi = Math.min(endMs, nowMs);
    if (hi <= startMs) return;
    const exCell = this.explicitCell(ri, ci);
    const hasRate = ((this.rate[ri] as number[])[ci] as number) > 0;
    let m = Math.floor(Math.max(startMs, after?.ms ?? startMs) / MIN);
    const mEnd = Math.floor((hi - 1) / MIN);
    const genFromMinute = Math.floor((this.genFrom[ci] as number) / MIN);
    for (; m <= mEnd; m++) {
      if (!hasRate || m < genFromMinute) {
        // No generated events here: jump to the next minute holding explicit events, or where generation starts.
        let next = hasRate ? genFromMinute : Infinity;
        if (exCell) for (const em of exCell.keys()) if (em >= m && em < next) next = em;
        if (next > mEnd) return;
        m = next;
      }
      for (const k of this.cell(ri, ci, m)) {
        if (k.ms < startMs || k.ms >= hi || k.visibleAt >= nowMs) continue;
        if (after && !keyAfter(k, after)) continue;
        yield k;
      }
    }
  }

  /** The event JSON text for a key (generated events are rebuilt identically every time). */
  /** Every key of [startMs, endMs) in filter time, visible now or not (the bench's ground truth). */
  *allKeys(ri: number, ci: number, startMs: number, endMs: number): Generator<EventKey> {
    for (let m = Math.floor(startMs / MIN); m * MIN < endMs; m++)
      for (const k of this.cell(ri, ci, m)) if (k.ms >= startMs && k.ms < endMs) yield k;
  }

  /** Whether a key is visible now. */
  visible(k: EventKey): boolean {
    return k.visibleAt < this.now();
  }

  render(ri: number, ci: number, k: EventKey): string {
    return JSON.stringify(this.object(ri, ci, k));
  }

  object(ri: number, ci: number, k: EventKey): Record<string, unknown> {
    if (k.explicit) return structuredClone(k.explicit);
    const minute = Math.floor(k.ms / MIN);
    const rng = new Rng(hashInts(this.tenancy.seed, ri, ci, minute, k.gen, SALT_BODY));
    return buildEvent(rng, (this.ctx[ri] as EventContext[])[ci] as EventContext, k.id, k.visibleAt, k.eventMs);
  }

  /** Count of what ListEvents would serve for [startMs, endMs), fast path for whole cells. */
  count(ri: number, ci: number, startMs: number, endMs: number): number {
    const nowMs = this.now();
    const hi = Math.min(endMs, nowMs);
    if (hi <= startMs) return 0;
    let n = 0;
    // Under the 'eventTime' reading a cell is whole only once its last event can have become visible.
    const whole = (a: number): boolean => this.timeFilter === 'processed' || a + MIN + VISIBILITY_MAX_MS < nowMs;
    const lambda = (this.rate[ri] as number[])[ci] as number;
    if (lambda > 0) {
      const from = Math.max(startMs, this.genFrom[ci] as number);
      for (let m = Math.floor(from / MIN); m * MIN < hi; m++) {
        const a = m * MIN;
        if (a >= from && a + MIN <= hi && whole(a)) n += this.cellCount(ri, ci, m);
        else for (const k of this.generated(ri, ci, m)) if (k.ms >= from && k.ms < hi && k.visibleAt < nowMs) n++;
      }
    }
    const ex = this.explicitCell(ri, ci);
    if (ex) for (const list of ex.values()) for (const k of list) if (k.ms >= startMs && k.ms < hi && k.visibleAt < nowMs) n++;
    return n;
  }
}
