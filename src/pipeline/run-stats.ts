// Counters of one run, reported as the run's summary line (and read by tests and the demo).
import type { ErrorCategory } from '../oci/errors';

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
    return {
      regions: this.regions,
      compartments: this.compartments,
      pairs: this.pairs,
      pairs_skipped_by_partition: this.pairsSkippedByPartition,
      windows: this.windows,
      windows_failed: this.windowsFailed,
      events: this.events,
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
