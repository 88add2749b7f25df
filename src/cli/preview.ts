// `oci_audit preview`: collect from a real tenancy outside Splunk, print the events as JSON lines
// on stdout and a summary on stderr. No KV store, no checkpoints.
import { log } from '../log/logger';
import { openSession } from '../oci/session';
import { EventStream, oneLine } from '../output/event-stream';
import type { RawEvent } from '../oci/audit-events';
import { CheckpointStore, MemoryKv } from '../pipeline/checkpoints';
import { Collector } from '../pipeline/collector';
import { ociRetryPolicy } from '../pipeline/retry';
import { parseInputConfig } from '../splunk/parameters';
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
}

export async function preview(f: PreviewFlags): Promise<number> {
  const account = accountFromFlags(f);
  const params: Params = { account: 'preview' };
  if (f.regions) params.regions = f.regions;
  if (f.compartments) params.compartments = f.compartments;
  if (f.excludeCompartments) params.exclude_compartments = f.excludeCompartments;
  params.start_date_time = f.start ?? new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (f.end) params.end_date_time = f.end;
  if (f.window) params.query_window_size = String(f.window);
  if (f.maxConcurrency) params.max_concurrency = String(f.maxConcurrency);
  params.delay_throttle = '0';
  const config = parseInputConfig('preview', params);
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
