// `oci_audit preview`: collect from a real tenancy outside Splunk, print the events as JSON lines
// on stdout and a summary on stderr. No KV store, no checkpoints. With --event-rules the rules apply
// (dropped events are not printed). With --estimate it prints instead what the rules would keep, route
// and drop per day (src/pipeline/estimate.ts, shared with the REST endpoint ta_oci_audit/estimate).
import { log } from '../log/logger';
import { openSession } from '../oci/session';
import { EventStream, oneLine } from '../output/event-stream';
import type { RawEvent } from '../oci/audit-events';
import { CheckpointStore, MemoryKv } from '../pipeline/checkpoints';
import { Collector } from '../pipeline/collector';
import { estimateInput, EstimateError, MAX_ESTIMATE_HOURS, type Estimate } from '../pipeline/estimate';
import { ociRetryPolicy } from '../pipeline/retry';
import { parseInputConfig, type InputConfig } from '../splunk/parameters';
import { ConfigError } from '../config-error';
import type { OciAccount } from '../oci/account';
import type { Params } from '../splunk/input-xml';
import { accountFromFlags, type AccountFlags } from './oci-config';

export interface PreviewFlags extends AccountFlags {
  regions?: string;
  compartments?: string;
  excludeCompartments?: string;
  start?: string;
  end?: string;
  window?: number;
  maxConcurrency?: number;
  limit?: number;
  /** read the last N hours (instead of --start) */
  hours?: number;
  eventRules?: string;
  /** print the estimate instead of the events */
  estimate?: boolean;
  json?: boolean;
  /** the estimate's time limit */
  maxSeconds?: number;
}

export async function preview(f: PreviewFlags): Promise<number> {
  const account = accountFromFlags(f);
  const params: Params = { account: 'preview' };
  if (f.regions) params.regions = f.regions;
  if (f.compartments) params.compartments = f.compartments;
  if (f.excludeCompartments) params.exclude_compartments = f.excludeCompartments;
  params.start_date_time = f.start ?? new Date(Date.now() - (f.hours ?? 1) * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (f.eventRules) params.event_rules = f.eventRules;
  if (f.end) params.end_date_time = f.end;
  if (f.window) params.query_window_size = String(f.window);
  if (f.maxConcurrency) params.max_concurrency = String(f.maxConcurrency);
  params.delay_throttle = '0';
  const config = parseInputConfig('preview', params);
  if (f.estimate) return printEstimate(f, config, account);
  const session = await openSession(account, undefined, config.maxConcurrency);
  const store = new CheckpointStore(new MemoryKv(), 'preview');
  await store.open(Date.now());
  const stop = new AbortController();
  const limit = f.limit ?? Infinity;
  let printed = 0;
  const out = new EventStream(process.stdout, '');
  const collector = new Collector({
    config,
    tenancyId: account.tenancyOcid,
    discovery: session.discovery,
    reader: session.reader,
    store,
    stream: {
      get broken() {
        return out.broken;
      },
      write(chunk: string | Buffer, events: number) {
        if (printed >= limit) return Promise.resolve();
        printed += events;
        if (printed >= limit) stop.abort();
        return out.write(chunk);
      },
    },
    log,
    signal: stop.signal,
    retry: ociRetryPolicy(),
    formatterFor: () => ({ format: (ev: RawEvent) => `${oneLine(ev.text)}\n` }),
  });
  try {
    const stats = await collector.run();
    process.stderr.write(`${summaryTable(stats.fields())}\n`);
    for (const r of stats.ruleSummaries())
      process.stderr.write(
        `rule ${r.rule} ${r.label} ${r.decision}${r.index ? `:${r.index}` : ''}: ${r.events} events, ${r.bytes} bytes\n`,
      );
    return stats.errorCount ? 1 : 0;
  } finally {
    await session.close();
  }
}

function summaryTable(fields: Record<string, number | string>): string {
  const width = Math.max(...Object.keys(fields).map((k) => k.length));
  return Object.entries(fields)
    .map(([k, v]) => `${k.padEnd(width)}  ${v}`)
    .join('\n');
}

/** --estimate: what the rules would keep, route and drop per day, as a table (or --json). */
async function printEstimate(f: PreviewFlags, config: InputConfig, account: OciAccount): Promise<number> {
  const hours = f.hours ?? 24;
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_ESTIMATE_HOURS)
    throw new ConfigError(`--hours: "${hours}" is not accepted; use a whole number from 1 to ${MAX_ESTIMATE_HOURS}`);
  try {
    const e = await estimateInput(config, account, undefined, hours, (f.maxSeconds ?? 600) * 1000);
    process.stdout.write(f.json ? `${JSON.stringify(e)}\n` : estimateTable(e));
    return 0;
  } catch (err) {
    if (err instanceof EstimateError) throw new ConfigError(err.message);
    throw err;
  }
}

const n0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const n3 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/** The estimate as a plain-text table: one row per rule, the events no rule matched, then per decision. */
export function estimateTable(e: Estimate): string {
  const rows: string[][] = [['rule', 'label', 'decision', 'events/day', 'GB/day', 'events read', 'rule text']];
  const dec = (d: string, index?: string): string => (index ? `${d}:${index}` : d);
  for (const r of e.rules)
    rows.push([
      String(r.rule),
      r.label,
      dec(r.decision, r.index),
      n0.format(r.eventsPerDay),
      n3.format(r.gbPerDay),
      n0.format(r.events),
      r.text,
    ]);
  rows.push([
    '0',
    'unmatched',
    'index',
    n0.format(e.unmatched.eventsPerDay),
    n3.format(e.unmatched.gbPerDay),
    n0.format(e.unmatched.events),
    '(no rule matched)',
  ]);
  rows.push(['', '', '', '', '', '', '']);
  for (const d of ['index', 'route', 'drop'] as const) {
    const v = e.decisions[d];
    rows.push([
      '',
      `total ${d === 'index' ? 'indexed' : d === 'route' ? 'routed' : 'dropped'}`,
      d,
      n0.format(v.eventsPerDay),
      n3.format(v.gbPerDay),
      n0.format(v.events),
      '',
    ]);
  }
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const right = new Set([3, 4, 5]);
  const text = rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : right.has(i) ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  const head =
    `Estimate over ${e.hours} h (${e.from} to ${e.to}): ${e.regions} regions, ${e.compartments} compartments, ` +
    `${e.windowsRead} of ${e.windows} (region, compartment, hour) windows read in ${e.seconds} s` +
    (e.complete ? '' : ' (incomplete: extrapolated)') +
    '\n' +
    (e.note ? `Note: ${e.note}\n` : '');
  return `${head}${text}\n`;
}
