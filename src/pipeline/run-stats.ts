// Counters of one run, reported as the run's summary line (and read by tests and the demo).
import type { ErrorCategory } from '../oci/errors';
import type { Decision, RuleInfo } from './event-rules';

/**
 * Events and bytes per event rule: slot 0 counts the events no rule matched, slot i + 1 rule i
 * (src/pipeline/event-rules.ts RuleOutcome.rule). Bytes are the UTF-8 bytes of the event's JSON text.
 */
export class RuleTally {
  readonly events: Float64Array;
  readonly bytes: Float64Array;

  constructor(readonly rules: number) {
    this.events = new Float64Array(rules + 1);
    this.bytes = new Float64Array(rules + 1);
  }

  /** `rule`: RuleOutcome.rule (-1 = no rule matched). */
  add(rule: number, bytes: number): void {
    this.events[rule + 1]++;
    this.bytes[rule + 1] += bytes;
  }

  addAll(other: RuleTally): void {
    for (let i = 0; i < this.events.length; i++) {
      this.events[i] += other.events[i] as number;
      this.bytes[i] += other.bytes[i] as number;
    }
  }

  clear(): void {
    this.events.fill(0);
    this.bytes.fill(0);
  }

  get total(): number {
    let n = 0;
    for (const v of this.events) n += v;
    return n;
  }
}

export interface DecisionTotals {
  index: { events: number; bytes: number };
  route: { events: number; bytes: number };
  drop: { events: number; bytes: number };
}

/** Sums a tally by decision (unmatched events are indexed). */
export function decisionTotals(rules: readonly RuleInfo[], t: RuleTally): DecisionTotals {
  const out: DecisionTotals = { index: { events: 0, bytes: 0 }, route: { events: 0, bytes: 0 }, drop: { events: 0, bytes: 0 } };
  for (let slot = 0; slot < t.events.length; slot++) {
    const d: Decision = slot === 0 ? 'index' : (rules[slot - 1] as RuleInfo).decision;
    out[d].events += t.events[slot] as number;
    out[d].bytes += t.bytes[slot] as number;
  }
  return out;
}

/** One rule's share of a run: the fields of its `event rule summary` line. */
export interface RuleSummary {
  /** 1-based position in the expanded rules; 0 = the events no rule matched */
  rule: number;
  label: string;
  decision: Decision;
  index?: string;
  events: number;
  bytes: number;
}

export class RunStats {
  readonly startedAt = Date.now();
  regions = 0;
  compartments = 0;
  pairs = 0;
  pairsSkippedByPartition = 0;
  windows = 0;
  windowsFailed = 0;
  events = 0;
  duplicatesDropped = 0;
  /** events a retried page did not write again: an earlier attempt had written them (output/page-writer.ts) */
  retrySkipped = 0;
  pages = 0;
  retries = 0;
  throttles = 0;
  readonly errors: Record<ErrorCategory, number> = {
    authentication: 0,
    permission: 0,
    network: 0,
    throttling: 0,
    server: 0,
    configuration: 0,
    malformed: 0,
  };
  lagSeconds: number | undefined;
  /** The run's event rules (expanded) and what each decided; events written = indexed + routed. */
  rules: readonly RuleInfo[] = [];
  tally = new RuleTally(0);

  useRules(rules: readonly RuleInfo[]): void {
    this.rules = rules;
    this.tally = new RuleTally(rules.length);
  }

  /** Per rule that matched anything, then the unmatched events (when there were any). */
  ruleSummaries(): RuleSummary[] {
    const out: RuleSummary[] = [];
    this.rules.forEach((r, i) => {
      const events = this.tally.events[i + 1] as number;
      if (events > 0)
        out.push({ rule: i + 1, label: r.label, decision: r.decision, index: r.index, events, bytes: this.tally.bytes[i + 1] as number });
    });
    const unmatched = this.tally.events[0] as number;
    if (unmatched > 0)
      out.push({ rule: 0, label: 'unmatched', decision: 'index', events: unmatched, bytes: this.tally.bytes[0] as number });
    return out;
  }

  error(category: ErrorCategory): void {
    this.errors[category]++;
  }

  get errorCount(): number {
    return Object.values(this.errors).reduce((a, b) => a + b, 0);
  }

  durationSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  fields(): Record<string, number | string> {
    const d = this.durationSeconds();
    const by = decisionTotals(this.rules, this.tally);
    return {
      regions: this.regions,
      compartments: this.compartments,
      pairs: this.pairs,
      pairs_skipped_by_partition: this.pairsSkippedByPartition,
      windows: this.windows,
      windows_failed: this.windowsFailed,
      events: this.events,
      events_indexed: by.index.events,
      bytes_indexed: by.index.bytes,
      events_routed: by.route.events,
      bytes_routed: by.route.bytes,
      events_dropped: by.drop.events,
      bytes_dropped: by.drop.bytes,
      duplicates_dropped: this.duplicatesDropped,
      retry_skipped: this.retrySkipped,
      pages: this.pages,
      retries: this.retries,
      throttles: this.throttles,
      errors: this.errorCount,
      ...Object.fromEntries(Object.entries(this.errors).map(([k, v]) => [`errors_${k}`, v])),
      lag_seconds: this.lagSeconds ?? -1,
      duration_seconds: Number(d.toFixed(3)),
      events_per_second: d > 0 ? Math.round(this.events / d) : 0,
    };
  }
}
