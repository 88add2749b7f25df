// Freshness of what a run (or a cycle) wrote, per region (docs/scheduling.md "Freshness in the product"): the
// time from each event's eventTime to its writing, and for late events (written by a re-read, with an eventTime
// before the checkpoint the re-read started from) how long after their minute was first due they came
// (eventTime's minute end + delay_throttle → writing). Kept as 1-second histograms: bounded memory whatever the
// number of events.
const BUCKETS = 24 * 3600; // one day of seconds; later is counted in the last bucket

class Histogram {
  private readonly counts = new Uint32Array(BUCKETS + 1);
  n = 0;
  max = 0;

  add(seconds: number): void {
    const s = Math.max(0, Math.round(seconds));
    this.counts[Math.min(s, BUCKETS)]++;
    this.n++;
    if (s > this.max) this.max = s;
  }

  quantile(q: number): number {
    if (this.n === 0) return -1;
    const rank = Math.ceil(q * this.n);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return i;
    }
    return this.max;
  }
}

interface RegionFreshness {
  written: Histogram;
  late: Histogram;
}

export interface FreshnessFields {
  fresh_events: number;
  fresh_p50_s: number;
  fresh_p95_s: number;
  fresh_max_s: number;
  late_events: number;
  late_by_p50_s: number;
  late_by_max_s: number;
}

export class Freshness {
  private readonly regions = new Map<string, RegionFreshness>();
  private readonly all: RegionFreshness = { written: new Histogram(), late: new Histogram() };
  /** Pairs the schedule left for a later cycle, and re-reads of remembered spans. */
  pairsDeferred = 0;
  rereads = 0;

  constructor(private readonly delayMs: number) {}

  /**
   * One event written at `now`. `lateBefore`: the checkpoint a re-read started from (undefined for a read past
   * the checkpoint): an eventTime before it makes the event late.
   */
  observe(region: string, eventTimeMs: number | undefined, now: number, lateBefore?: number): void {
    if (eventTimeMs === undefined || !Number.isFinite(eventTimeMs)) return;
    let r = this.regions.get(region);
    if (!r) this.regions.set(region, (r = { written: new Histogram(), late: new Histogram() }));
    const age = (now - eventTimeMs) / 1000;
    r.written.add(age);
    this.all.written.add(age);
    if (lateBefore !== undefined && eventTimeMs < lateBefore) {
      const due = Math.floor(eventTimeMs / 60_000) * 60_000 + 60_000 + this.delayMs;
      const by = (now - due) / 1000;
      r.late.add(by);
      this.all.late.add(by);
    }
  }

  private static fields(f: RegionFreshness): FreshnessFields {
    return {
      fresh_events: f.written.n,
      fresh_p50_s: f.written.quantile(0.5),
      fresh_p95_s: f.written.quantile(0.95),
      fresh_max_s: f.written.n ? f.written.max : -1,
      late_events: f.late.n,
      late_by_p50_s: f.late.quantile(0.5),
      late_by_max_s: f.late.n ? f.late.max : -1,
    };
  }

  /** The summary's fields over all regions. */
  fields(): FreshnessFields & { pairs_deferred: number; rereads: number } {
    return { ...Freshness.fields(this.all), pairs_deferred: this.pairsDeferred, rereads: this.rereads };
  }

  /** One entry per region that wrote events. */
  byRegion(): Array<{ region: string } & FreshnessFields> {
    return [...this.regions].map(([region, f]) => ({ region, ...Freshness.fields(f) }));
  }
}
