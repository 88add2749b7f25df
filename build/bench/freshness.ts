// `npm run bench:freshness`: how fresh, how complete and how costly collection is on live events (issue 18;
// docs/performance.md "Freshness"). The OCI emulator generates the seed's tenancy live (4 regions × 97 compartments,
// 1 M events/day, skewed over pairs; or 70 % of the pairs quiet) with its visibility model (median 30 s, at most
// 15 min: test/emulators/oci/events.ts), under one reading of ListEvents' time filter. The executable runs as
// splunkd runs it: one pass every `interval` (the bench starts it again, never two at once), or one process that
// keeps running (`interval` 0). Time is accelerated with libfaketime (`--rate`, default 20): the emulator's clock
// and the executable's wall clock run `rate` times faster; timers stay real (DONT_FAKE_MONOTONIC), so the running
// process polls its clock (TA_OCI_AUDIT_CLOCK_STEP_MS). CPU is reported per simulated second (CPU s / simulated s).
//
// Options: --minutes N (live minutes measured, default 20), --drain N (simulated minutes after them, default 16),
// --rate N, --only today|fast|schedule|running|schedule10 (comma list), --filters processed,eventTime, --quiet (adds
// the rows of the listed running-process configurations on a tenancy with 70 % of the pairs quiet; --quiet-only: only
// those),
// --history-minutes N (the input starts N simulated minutes before the live minutes and a running process is started
// WARM_MINUTES before them: it catches up first, so quiet pairs have been quiet N minutes, and requests are counted
// from the live minutes on, the steady state of pairs that stay quiet for hours), --scale 10 (4 regions × 961
// compartments, root + 960, 10 M events/day: 3,844 pairs instead of 388).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { GroundTruthEvent, TimeFilter } from '../../test/emulators/oci';
import { buildInputDefinition, mergedInputParams, XmlEventStream } from '../../test/emulators/splunkd';
import { startWorld, type World } from '../../test/support/world';

const ROOT = path.resolve(__dirname, '..', '..');
const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const MIN = 60_000;
/** With --history-minutes: simulated minutes the running process runs (and catches up) before the live minutes. */
const WARM_MINUTES = 5;

interface Config {
  key: string;
  label: string;
  interval: number;
  params: Record<string, string>;
}

const CONFIGS: Config[] = [
  // Explicit, so that the row stays the same whatever default/inputs.conf ships.
  {
    key: 'today',
    label: 'previous defaults (interval 300, delay 5, lookback 0)',
    interval: 300,
    params: { delay_throttle: '5', lookback_minutes: '0' },
  },
  { key: 'fast', label: 'interval 60, delay 1', interval: 60, params: { delay_throttle: '1' } },
  {
    key: 'schedule',
    label: 'running process (interval 0, delay 0, lookback 15, re-read 5, quiet 10)',
    interval: 0,
    params: { delay_throttle: '0', lookback_minutes: '15', reread_every_minutes: '5', quiet_pair_max_minutes: '10' },
  },
  {
    key: 'running',
    label: 'running process as shipped (interval 0, delay 0, lookback 15, re-read 5, quiet 30)',
    interval: 0,
    params: { delay_throttle: '0', lookback_minutes: '15', reread_every_minutes: '5', quiet_pair_max_minutes: '30' },
  },
  {
    key: 'schedule10',
    label: 'running process, full re-read every 10 minutes (interval 0, delay 0, lookback 15, re-read 10, quiet 30)',
    interval: 0,
    params: { delay_throttle: '0', lookback_minutes: '15', reread_every_minutes: '10', quiet_pair_max_minutes: '30' },
  },
];

interface Row {
  config: Config;
  filter: TimeFilter;
  quiet: number;
  population: number;
  p50: number;
  p95: number;
  max: number;
  lost: number;
  lostWithinSpan: number;
  duplicates: number;
  listEventsPerDay: number;
  cpuPct: number;
  peakRssMb: number;
  processes: number;
  /** [simulated minute, VmRSS MB] of the running process, every simulated 5 minutes */
  rss: Array<[number, number]>;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** CPU seconds of this process's reaped children (utime + stime of /proc/self/stat's cutime, cstime). */
function childrenCpuSeconds(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[13]) + Number(rest[14])) / 100; // fields 16 and 17, in clock ticks (100 a second on Linux)
}

function vmHwmMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function command(): string[] {
  const bin = process.env.OCI_AUDIT_BIN;
  if (bin) return [path.resolve(bin)];
  return [process.execPath, path.join(ROOT, 'dist', 'oci_audit.js')];
}

async function runOne(
  config: Config,
  filter: TimeFilter,
  quiet: number,
  o: { minutes: number; drain: number; rate: number; history: number; scale: number },
): Promise<Row> {
  const rate = o.rate;
  const t0Real = Date.now();
  const T0 = Math.floor(t0Real / MIN) * MIN + MIN; // the first whole minute of the live minutes
  // With history the running process starts WARM_MINUTES before the live minutes, to catch up before them.
  const warm = o.history > 0 && config.interval === 0 ? WARM_MINUTES * MIN : 0;
  const simOf = (real: number): number => T0 - warm - 30_000 + (real - t0Real) * rate;
  const simNow = (): number => simOf(Date.now());
  const world: World = await startWorld({
    tenancy: {
      seed: 1,
      regions: 4,
      compartments: 96 * o.scale,
      deletedCompartments: 3,
      eventsPerDay: 1_000_000 * o.scale,
      eventsFrom: new Date(T0 - 2 * 86_400_000),
      quietPairs: quiet,
    },
    oci: { pageSize: 1000, now: simNow, timeFilter: filter, clockSkewSec: 1e9 },
  });
  const cmd = command();
  const arrivals = new Map<string, number>();
  let duplicates = 0;
  let processes = 0;
  let peakRss = 0;
  const rssSamples: Array<[number, number]> = [];
  let livePid: number | undefined;
  const cpu0 = childrenCpuSeconds();
  const liveEnd = T0 + o.minutes * MIN;
  const end = liveEnd + o.drain * MIN;
  let lePerDay = 0;
  let leMark: { at: number; n: number } | undefined;

  const spawnOnce = (): { done: Promise<void>; pid: number | undefined; term: () => void } => {
    processes++;
    const startSim = simNow();
    const params = mergedInputParams(world.splunkd, 'oci_audit', 'bench', {
      account: 'main',
      start_date_time: new Date(T0 - o.history * MIN).toISOString().replace('.000Z', 'Z'),
      interval: String(config.interval),
      ...config.params,
    });
    const xml = buildInputDefinition(
      {
        serverHost: world.splunkd.serverName,
        serverUri: world.splunkd.serverUri,
        sessionKey: world.splunkd.sessionKey,
        checkpointDir: path.join(world.splunkd.splunkHome, 'var', 'lib', 'splunk', 'modinputs', 'oci_audit'),
      },
      [{ name: 'oci_audit://bench', app: world.splunkd.app, params }],
    );
    mkdirSync(path.join(world.splunkd.splunkHome, 'var', 'lib', 'splunk', 'modinputs', 'oci_audit'), { recursive: true });
    const offsetS = Math.round((startSim - Date.now()) / 1000);
    const child = spawn(cmd[0], cmd.slice(1), {
      cwd: world.splunkd.splunkHome,
      env: {
        PATH: process.env.PATH ?? '',
        SPLUNK_HOME: world.splunkd.splunkHome,
        SPLUNK_DB: path.join(world.splunkd.splunkHome, 'var', 'lib', 'splunk'),
        LD_PRELOAD: FAKETIME_LIB,
        FAKETIME: `${offsetS >= 0 ? '+' : ''}${offsetS} x${rate}`,
        DONT_FAKE_MONOTONIC: '1',
        // One simulated second per step, as the shipped 1 s step at rate 1.
        TA_OCI_AUDIT_CLOCK_STEP_MS: String(Math.max(50, Math.round(1000 / rate))),
        TA_OCI_AUDIT_LEASE_TTL_S: '86400',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const parser = new XmlEventStream((e) => {
      const id = /"eventId"\s*:\s*"([^"]+)"/.exec(e.data)?.[1];
      if (!id) return;
      if (arrivals.has(id)) duplicates++;
      else arrivals.set(id, simNow());
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (t: string) => parser.push(t));
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => {
      err += t;
      if (err.length > 1e6) err = err.slice(-1e5);
    });
    livePid = child.pid;
    const rss = setInterval(() => (peakRss = Math.max(peakRss, child.pid ? vmHwmMb(child.pid) : 0)), 250);
    const done = new Promise<void>((resolve) => {
      child.on('close', (code) => {
        clearInterval(rss);
        if (code !== 0 && code !== null)
          process.stderr.write(
            `  exit ${code}: ${err
              .split('\n')
              .filter((l) => /ERROR|FATAL/.test(l))
              .slice(0, 3)
              .join(' | ')}\n`,
          );
        resolve();
      });
    });
    child.stdin.end(xml);
    return { done, pid: child.pid, term: () => child.kill('SIGTERM') };
  };

  const sleepReal = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const waitSim = async (t: number): Promise<void> => {
    while (simNow() < t) await sleepReal(Math.max(5, Math.min(200, (t - simNow()) / rate)));
  };
  const markRequests = (): void => {
    const n = world.oci.stats().listEventsRequests;
    const at = simNow();
    if (!leMark) leMark = { at, n };
    else lePerDay = ((n - leMark.n) / (at - leMark.at)) * 86_400_000;
  };

  await waitSim(T0 - warm + 5000);
  // Requests are counted in the steady state: from the 11th minute (past the first runs, whose windows start at
  // the input's start, and past the largest delay + interval) to the end; with history, from the live minutes on
  // (the catch-up is over; a span of 30 minutes holds exactly one read of a pair at the default bound of 30).
  const steady = warm > 0 ? T0 : T0 + 11 * MIN;
  if (config.interval === 0) {
    const p = spawnOnce();
    const sampler = setInterval(
      () => {
        const m = /VmRSS:\s+(\d+) kB/.exec(livePid ? readFileSafe(`/proc/${livePid}/status`) : '');
        if (m) rssSamples.push([Math.round((simNow() - T0 + warm) / MIN), Number(m[1]) / 1024]);
      },
      (5 * MIN) / rate,
    );
    await waitSim(steady);
    markRequests();
    await waitSim(end);
    markRequests();
    clearInterval(sampler);
    p.term();
    await p.done;
  } else {
    let next = T0 + 5000;
    while (simNow() < end) {
      if (!leMark && next >= steady) markRequests();
      await waitSim(next);
      const p = spawnOnce();
      await p.done;
      next += config.interval * 1000;
      while (next < simNow()) next += config.interval * 1000; // still running at the interval: splunkd waits
    }
    markRequests();
  }
  const cpu = childrenCpuSeconds() - cpu0;
  const truth: GroundTruthEvent[] = world.oci.groundTruth(new Date(T0), new Date(liveEnd));
  // The population: events OCI showed during the live minutes, filed at or after the input's start.
  const population = truth.filter((t) => t.visibleAt >= T0 && t.visibleAt < liveEnd);
  const spanMs = Number(config.params.lookback_minutes ?? 0) * MIN;
  const fresh: number[] = [];
  let lost = 0;
  let lostWithinSpan = 0;
  for (const t of population) {
    const a = arrivals.get(t.eventId);
    if (a === undefined) {
      lost++;
      if (t.visibleAt - t.eventMs <= spanMs) lostWithinSpan++;
    } else fresh.push((a - t.visibleAt) / 1000);
  }
  fresh.sort((a, b) => a - b);
  const simSeconds = (end - T0 + warm) / 1000;
  await world.close();
  return {
    config,
    filter,
    quiet,
    population: population.length,
    p50: quantile(fresh, 0.5),
    p95: quantile(fresh, 0.95),
    max: fresh.length ? fresh[fresh.length - 1] : NaN,
    lost,
    lostWithinSpan,
    duplicates,
    listEventsPerDay: Math.round(lePerDay),
    cpuPct: (cpu / simSeconds) * 100,
    peakRssMb: peakRss,
    processes,
    rss: rssSamples,
  };
}

function readFileSafe(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

/** Least-squares slope (MB per hour) of the samples in the second half of the run. */
function slopePerHour(samples: Array<[number, number]>): number {
  const s = samples.slice(Math.floor(samples.length / 2));
  if (s.length < 2) return NaN;
  const mx = s.reduce((a, [x]) => a + x, 0) / s.length;
  const my = s.reduce((a, [, y]) => a + y, 0) / s.length;
  const num = s.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = s.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den ? (num / den) * 60 : NaN;
}

function load(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      minutes: { type: 'string', default: '20' },
      drain: { type: 'string', default: '16' },
      rate: { type: 'string', default: '20' },
      only: { type: 'string', default: 'today,fast,schedule' },
      filters: { type: 'string', default: 'processed,eventTime' },
      quiet: { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      'history-minutes': { type: 'string', default: '0' },
      'quiet-only': { type: 'boolean', default: false },
      scale: { type: 'string', default: '1' },
    },
  });
  if (!existsSync(FAKETIME_LIB)) throw new Error(`libfaketime is missing (${FAKETIME_LIB}): node build/dev/setup.mjs faketime`);
  if (!process.env.OCI_AUDIT_BIN && !existsSync(path.join(ROOT, 'dist', 'oci_audit.js')))
    throw new Error('dist/oci_audit.js is missing: npm run build');
  const o = {
    minutes: Number(v.minutes),
    drain: Number(v.drain),
    rate: Number(v.rate),
    history: Number(v['history-minutes']),
    scale: Number(v.scale),
  };
  if (!Number.isInteger(o.history) || o.history < 0) throw new Error('--history-minutes must be a whole number of minutes, 0 or more');
  if (o.scale !== 1 && o.scale !== 10) throw new Error('--scale must be 1 (388 pairs) or 10 (3,844 pairs)');
  if (v.soak) {
    // The running process alone, processed reading: VmRSS every simulated 5 minutes and the slope of the second half.
    console.log(`soak: ${command().join(' ')}; ${o.minutes} simulated minutes, clock x${o.rate}; load ${load()}`);
    const r = await runOne(CONFIGS.find((c) => c.key === 'running') as Config, 'processed', 0, { ...o, drain: 3 }); // 3 minutes to read the last ones
    console.log(`  VmRSS MB by simulated minute: ${r.rss.map(([m, mb]) => `${m}:${mb.toFixed(0)}`).join(' ')}`);
    console.log(
      `  peak RSS ${r.peakRssMb.toFixed(0)} MB; slope of the second half ${slopePerHour(r.rss).toFixed(1)} MB/h; events ${r.population}; p50 ${r.p50.toFixed(0)} s; p95 ${r.p95.toFixed(0)} s; max ${r.max.toFixed(0)} s; lost ${r.lost} (within span ${r.lostWithinSpan}); dup ${r.duplicates}; ListEvents/day ${r.listEventsPerDay.toLocaleString('en-US')}; CPU ${r.cpuPct.toFixed(2)} % of a core; load ${load()}`,
    );
    return;
  }
  const configs = CONFIGS.filter((c) => (v.only as string).split(',').includes(c.key));
  const filters = (v.filters as string).split(',') as TimeFilter[];
  const plan: Array<[Config, TimeFilter, number]> = [];
  // --quiet-only: only the rows on the quiet tenancy (those --quiet adds).
  if (!v['quiet-only']) for (const f of filters) for (const c of configs) plan.push([c, f, 0]);
  // The quiet tenancy's rows: the running process's schedule (the request budget of a third applies to it).
  if (v.quiet || v['quiet-only']) for (const f of filters) for (const c of configs.filter((x) => x.interval === 0)) plan.push([c, f, 0.7]);
  console.log(
    `freshness bench: ${command().join(' ')}; ${o.minutes} live minutes + ${o.drain} drain, clock x${o.rate} (libfaketime); ` +
      `${o.scale === 10 ? '4 regions × 961 compartments (3,844 pairs), 10 M events/day' : '4 regions × 97 compartments (388 pairs), 1 M events/day'}` +
      `${o.history ? `; input starts ${o.history} simulated minutes before the live minutes (requests counted from them)` : ''}; load ${load()}`,
  );
  // An event shown at the end of the live minutes in a pair that is then deferred is read up to the bound later.
  const bound = Math.max(0, ...plan.map(([c]) => (c.interval === 0 ? Number(c.params.quiet_pair_max_minutes ?? 30) : 0)));
  if (o.drain < bound + 2)
    console.log(
      `  note: --drain ${o.drain} < quiet_pair_max_minutes ${bound} + 2: an event of a pair still deferred at the end counts as lost (use --drain ${bound + 2})`,
    );
  const rows: Row[] = [];
  for (const [c, f, q] of plan) {
    const r = await runOne(c, f, q, o);
    rows.push(r);
    console.log(
      `  ${f.padEnd(9)} quiet ${String(q * 100).padStart(2)}%  ${c.key.padEnd(8)} events ${r.population}  p50 ${r.p50.toFixed(0)} s  p95 ${r.p95.toFixed(0)} s  max ${r.max.toFixed(0)} s  lost ${r.lost} (within span ${r.lostWithinSpan})  dup ${r.duplicates}  ListEvents/day ${r.listEventsPerDay.toLocaleString('en-US')}  CPU ${r.cpuPct.toFixed(2)} %  peak RSS ${r.peakRssMb.toFixed(0)} MB  processes ${r.processes}  load ${load()}`,
    );
  }
  console.log(
    '\n| time filter | quiet pairs | configuration | events | p50 | p95 | max | lost (within re-read span) | duplicates | ListEvents/day | CPU (% of a core) | peak RSS |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows)
    console.log(
      `| ${r.filter} | ${r.quiet * 100} % | ${r.config.label} | ${r.population.toLocaleString('en-US')} | ${r.p50.toFixed(0)} s | ${r.p95.toFixed(0)} s | ${r.max.toFixed(0)} s | ${r.lost} (${r.lostWithinSpan}) | ${r.duplicates} | ${r.listEventsPerDay.toLocaleString('en-US')} | ${r.cpuPct.toFixed(2)} | ${r.peakRssMb.toFixed(0)} MB |`,
    );
  console.log(`load at the end ${load()}`);
}

main().catch((e: unknown) => {
  console.error(`freshness bench failed: ${(e as Error).message}`);
  process.exit(1);
});
