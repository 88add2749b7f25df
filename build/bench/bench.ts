// `npm run bench [-- --quick]`: the packaged binary, run as splunkd runs it, against the OCI emulator in
// a separate process (its CPU is measured apart), compared with a floor (build/bench/bench-floor.ts) and with
// the critical path of a polling cycle. Prints a Markdown table and writes docs/bench-cycle.svg.
// Env: OCI_AUDIT_BIN (default dist/stage/TA-oci-audit/linux_x86_64/bin/oci_audit), BENCH_NODE (the
// Node that runs the floor and `node -e 0`; default the SEA's own Node 22 from .cache/node).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { Emulator, type EmuStats } from './bench-emulator-client';
import { startBenchSplunkd } from './bench-splunkd';
import { buildInputDefinition } from '../../test/emulators/splunkd';
import type { Splunkd } from '../../test/emulators/splunkd';

const ROOT = path.resolve(__dirname, '..', '..');
const QUICK = process.argv.includes('--quick');
// --only backfill|cycle|startup: one part (for profiling); the table is then partial.
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const part = (name: string): boolean => ONLY === undefined || ONLY === name;
const BIN = process.env.OCI_AUDIT_BIN ?? path.join(ROOT, 'dist/stage/TA-oci-audit/linux_x86_64/bin/oci_audit');
const NODE = process.env.BENCH_NODE ?? path.join(ROOT, '.cache/node/22.23.2/linux/node');
const MINUTE = 60_000;
const TMP = mkdtempSync(path.join(tmpdir(), 'oci-bench-'));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const fmt = (n: number, d = 0): string => n.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
const progress = (m: string): void => void process.stderr.write(`bench: ${m}\n`);

interface Measured {
  wallMs: number;
  cpuMs: number;
  rssMB: number;
  events: number;
  bytes: number;
  exit: number | null;
  stderr: string[];
  emu: EmuStats;
  /** from spawn to the first ListEvents request's arrival at the emulator; undefined without one */
  firstListEventsMs?: number;
}

/**
 * Runs `cmd` under /usr/bin/time (user+sys CPU and peak RSS of that process alone), stdin = `input`;
 * stdout is read as fast as it comes and only counted (one event per line), as splunkd would.
 */
async function measure(emu: Emulator, cmd: string[], input: string | undefined): Promise<Measured> {
  await emu.reset();
  const timeFile = path.join(TMP, 'time.txt');
  // Both processes read the same wall clock (performance.timeOrigin + now()), so the emulator's arrival
  // time of the first ListEvents minus this spawn time is exec -> first ListEvents in flight.
  const spawnAt = performance.timeOrigin + performance.now();
  const t0 = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, ...cmd], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // As splunkd starts it: SPLUNK_HOME and SPLUNK_DB set (its log file, its code cache in $SPLUNK_DB/modinputs).
    env: {
      ...process.env,
      NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '',
      SPLUNK_HOME: path.join(TMP, 'splunk'),
      SPLUNK_DB: path.join(TMP, 'splunk', 'var', 'lib', 'splunk'),
    },
  });
  let lines = 0;
  let bytes = 0;
  child.stdout.on('data', (b: Buffer) => {
    bytes += b.length;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
  });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  child.stdin.on('error', () => undefined);
  child.stdin.end(input ?? '');
  const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const [u, s, m] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number];
  const emuStats = await emu.stats();
  // splunkd's stream: <stream>, one line per event, </stream>; the floor: one line per event.
  const events = cmd.includes('--floor') ? lines : Math.max(0, lines - 2);
  const firstListEventsMs = emuStats.firstListEventsAt === undefined ? undefined : emuStats.firstListEventsAt - spawnAt;
  return {
    wallMs,
    cpuMs: (u + s) * 1000,
    rssMB: m / 1024,
    events,
    bytes,
    exit,
    stderr: err.split('\n').filter(Boolean),
    emu: emuStats,
    firstListEventsMs,
  };
}

let inputSeq = 0;
/** The binary in streaming mode with a fresh input (no checkpoints) unless `name` repeats one. */
async function runBinary(
  splunkd: Splunkd,
  emu: Emulator,
  p: Record<string, string>,
  name = `bench${++inputSeq}`,
): Promise<Measured & { summary: Record<string, string> }> {
  const params = {
    account: 'bench',
    delay_throttle: '5',
    // One pass per run with lookback off, as measured before the running process became the default: the rows
    // stay comparable (the running process's own numbers: build/bench/freshness.ts).
    lookback_minutes: '0',
    query_window_size: '60',
    max_concurrency: '8',
    interval: '300',
    index: 'main',
    host: 'bench',
    disabled: '0',
    ...p,
  };
  const xml = buildInputDefinition(
    { serverHost: 'bench', serverUri: splunkd.serverUri, sessionKey: splunkd.sessionKey, checkpointDir: TMP },
    [{ name: `oci_audit://${name}`, app: 'TA-oci-audit', params }],
  );
  const r = await measure(emu, [BIN], xml);
  const line = r.stderr.find((l) => l.includes('run summary')) ?? '';
  const summary = Object.fromEntries([...line.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1] as string, m[2] as string]));
  const bad = r.stderr.filter((l) => /^(ERROR|FATAL)/.test(l));
  if (r.exit !== 0 || bad.length) throw new Error(`binary exit ${r.exit}: ${bad.slice(0, 3).join(' | ')}`);
  return { ...r, summary };
}

let floorJs = '';
async function runFloor(emu: Emulator, windows: Array<[number, number]>, concurrency: number): Promise<Measured> {
  if (!floorJs) {
    floorJs = path.join(TMP, 'bench-floor.js');
    await build({
      entryPoints: [path.join(__dirname, 'bench-floor.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: floorJs,
      minify: true,
      logLevel: 'error',
      alias: { punycode: 'punycode/' },
      external: ['encoding', 'supports-color', 'vertx'],
    });
  }
  const job = path.join(TMP, 'floor-job.json');
  const { info } = emu;
  writeFileSync(
    job,
    JSON.stringify({
      auditEndpoint: info.auditEndpoint,
      tenancyId: info.tenancyId,
      userId: info.apiKey.userId,
      fingerprint: info.apiKey.fingerprint,
      privateKeyPem: info.apiKey.privateKeyPem,
      regions: info.regions,
      compartments: info.compartments,
      windows: windows.map(([s, e]) => [iso(s), iso(e)]),
      concurrency,
    }),
  );
  return measure(emu, [NODE, floorJs, job, '--floor'], undefined);
}

/** Median and min of n interleaved start-ups of each command (the first run only warms caches). */
function startups(n: number, cmds: Record<string, string[]>): Record<string, { med: number; min: number }> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]));
  for (let i = 0; i <= n; i++) {
    for (const [k, c] of Object.entries(cmds)) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(c[0] as string, c.slice(1), { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${k}: exit ${r.status}`);
      if (i > 0) (times[k] as number[]).push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, { med: median(t), min: Math.min(...t) }]));
}

async function withSplunkd<T>(emu: Emulator, fn: (s: Splunkd) => Promise<T>): Promise<T> {
  const splunkd = await startBenchSplunkd(emu.info);
  try {
    return await fn(splunkd);
  } finally {
    await splunkd.close();
  }
}

const rows: string[][] = [];
const row = (...cells: Array<string | number>): void => void rows.push(cells.map(String));

/** One target of docs/performance.md: what was measured, against what goal, met or missed. */
interface Target {
  target: string;
  goal: string;
  measured: string;
  met: boolean;
}
const targets: Target[] = [];
const target = (t: string, goal: string, measured: string, met: boolean): void => void targets.push({ target: t, goal, measured, met });
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

interface Cycle {
  pairs: number;
  lat: number;
  conc: number;
  wall: number;
  crit: number;
  le: number;
  maxInFlight: number;
  cpu: number;
  rss: number;
  /** the OCI emulator's CPU in the run (it shares the 2 cores) */
  emuCpu: number;
  firstLe?: number;
}

async function main(): Promise<void> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: npm run package`);
  const reps = QUICK ? 1 : 3;
  const now = Date.now();
  const loads: string[] = [`start ${load()}`];
  // Backfill day: whole minutes, ending well before now - delay so every event is visible.
  const dayEnd = Math.floor((now - 15 * MINUTE) / MINUTE) * MINUTE;
  const dayStart = dayEnd - (QUICK ? 4 * 60 : 24 * 60) * MINUTE;
  const hours = (dayEnd - dayStart) / (60 * MINUTE);
  const hourWindows = Array.from(
    { length: hours },
    (_, i) => [dayStart + i * 60 * MINUTE, dayStart + (i + 1) * 60 * MINUTE] as [number, number],
  );
  // The 200 k variant: the same tenancy, the first fifth of the day.
  const fifthEnd = dayStart + Math.round((dayEnd - dayStart) / 5 / (60 * MINUTE)) * 60 * MINUTE;

  // ---- start-up
  progress('start-up');
  const st = startups(QUICK ? 5 : 20, { node: [NODE, '-e', '0'], scheme: [BIN, '--scheme'] });
  const schemeMs = st.scheme!.med;

  const cycles: Cycle[] = [];
  const costs: Array<{ label: string; pairs: number; le: number; windows: number; discovery: number }> = [];
  const emptyRun: number[] = [];
  const emptyRss: number[] = [];
  const firstLe: number[] = [];
  const backfills: Array<{ label: string; ours: number; floor: number; rss: number; floorRss: number }> = [];

  /** ours and the floor over [dayStart, end), `n` times each, interleaved; checked against the emulator's count. */
  const backfill = async (splunkd: Splunkd, emu: Emulator, label: string, end: number, n: number, setup: string): Promise<void> => {
    const expected = await emu.count(dayStart, end);
    const ours: Measured[] = [];
    const floor: Measured[] = [];
    for (let i = 0; i < n; i++) {
      progress(`backfill ${label} (${fmt(expected)} events) run ${i + 1}/${n}`);
      const r = await runBinary(splunkd, emu, { start_date_time: iso(dayStart), end_date_time: iso(end) });
      if (r.events !== expected) throw new Error(`backfill: ${r.events} events, expected ${expected}`);
      ours.push(r);
      const f = await runFloor(
        emu,
        hourWindows.filter(([s]) => s < end),
        8,
      );
      if (f.events !== expected) throw new Error(`floor: ${f.events} events, expected ${expected}`);
      floor.push(f);
    }
    const eps = (m: Measured): number => m.events / (m.wallMs / 1000);
    const o = median(ours.map(eps));
    const fl = median(floor.map(eps));
    const rss = Math.max(...ours.map((m) => m.rssMB));
    const floorRss = Math.max(...floor.map((m) => m.rssMB));
    backfills.push({ label, ours: o, floor: fl, rss, floorRss });
    row(
      `backfill ${label}`,
      `${fmt(expected)} events, ${fmt((end - dayStart) / (60 * MINUTE), 1)} h, ${setup}, c=8, ${n} run${n > 1 ? 's' : ''}`,
      `${fmt(o)} ev/s; wall ${fmt(median(ours.map((m) => m.wallMs)) / 1000, 1)} s; CPU ${fmt(median(ours.map((m) => m.cpuMs)) / 1000, 1)} s; peak RSS ${fmt(rss)} MB`,
      `floor ${fmt(fl)} ev/s (CPU ${fmt(median(floor.map((m) => m.cpuMs)) / 1000, 1)} s, peak RSS ${fmt(floorRss)} MB); ours/floor **${(o / fl).toFixed(2)}**; emulator CPU ${fmt(median(ours.map((m) => m.emu.cpuMs)) / 1000, 1)} s (ours) / ${fmt(median(floor.map((m) => m.emu.cpuMs)) / 1000, 1)} s (floor)`,
    );
    loads.push(`after backfill ${label} ${load()}`);
  };

  for (const scale of QUICK ? [1] : [1, 10]) {
    const perDay = 1_000_000 * scale;
    const emu = await Emulator.start({ compartments: 96 * scale, eventsPerDay: perDay, eventsFrom: dayStart - 60 * MINUTE });
    const pairs = emu.info.regions.length * emu.info.compartments.length;
    await withSplunkd(emu, async (splunkd) => {
      if (scale === 1 && part('backfill')) {
        await backfill(splunkd, emu, '200 k', fifthEnd, reps, 'pages of 1,000');
        // The 1 M day takes minutes per run (the emulator's event generation bounds it): once.
        await backfill(splunkd, emu, '1 M', dayEnd, 1, 'pages of 1,000');
      }
      // ---- cycle: one 5-minute interval, no checkpoints, every pair one window
      const cEnd = Math.floor((now - 5 * MINUTE) / MINUTE) * MINUTE;
      const cStart = cEnd - 5 * MINUTE;
      const cycleParams = (conc: number): Record<string, string> => ({
        start_date_time: iso(cStart),
        end_date_time: iso(cEnd),
        max_concurrency: String(conc),
      });
      if (scale === 1 && part('startup')) {
        // ---- exec -> first ListEvents in flight: the cycle's input (fresh, 388 pairs), emulator without latency
        await emu.latency(0);
        for (let i = 0; i < (QUICK ? 5 : 11); i++) {
          progress(`exec -> first ListEvents run ${i + 1}`);
          const r = await runBinary(splunkd, emu, cycleParams(8));
          if (r.firstListEventsMs === undefined) throw new Error('no ListEvents request');
          firstLe.push(r.firstListEventsMs);
        }
      }
      const combos = QUICK
        ? [
            [50, 8],
            [50, 32],
          ]
        : [
            [50, 8],
            [50, 32],
            [200, 8],
            [200, 32],
          ];
      for (const [lat, conc] of part('cycle') ? (combos as Array<[number, number]>) : []) {
        const n = scale === 1 ? reps : lat === 200 && conc === 8 ? 1 : Math.min(reps, 2);
        const runs = [];
        for (let i = 0; i < n; i++) {
          progress(`cycle ${pairs} pairs latency ${lat} ms c=${conc} run ${i + 1}/${n}`);
          await emu.latency(lat);
          runs.push(await runBinary(splunkd, emu, cycleParams(conc)));
        }
        const r = runs[0]!;
        const le = r.emu.listEventsRequests;
        // Serial discovery round trips: ListRegionSubscriptions, then the first ListCompartments page (as a floor,
        // the pages after it could overlap); every ListEvents request in waves of `conc`.
        const crit = schemeMs + (1 + Math.ceil(le / conc)) * lat;
        const wall = median(runs.map((m) => m.wallMs));
        const fl = runs.map((m) => m.firstListEventsMs).filter((x): x is number => x !== undefined);
        cycles.push({
          pairs,
          lat,
          conc,
          wall,
          crit,
          le,
          maxInFlight: Math.max(...runs.map((m) => m.emu.maxInFlight)),
          cpu: median(runs.map((m) => m.cpuMs)),
          rss: Math.max(...runs.map((m) => m.rssMB)),
          emuCpu: median(runs.map((m) => m.emu.cpuMs)),
          firstLe: fl.length ? median(fl) : undefined,
        });
        if (lat === 50 && conc === 8) {
          const ops = r.emu.byOperation;
          costs.push({
            label: scale === 1 ? 'reference' : '10×',
            pairs,
            le,
            windows: Number(r.summary.windows ?? 0),
            discovery: (ops.ListRegionSubscriptions ?? 0) + (ops.ListCompartments ?? 0) + (ops.GetCompartment ?? 0),
          });
        }
      }
      if (part('cycle')) loads.push(`after cycles ×${scale} ${load()}`);
      await emu.latency(0);
      if (scale === 1 && part('startup')) {
        // ---- empty run: everything already collected up to now - delay
        const name = `bench_empty`;
        await runBinary(splunkd, emu, { start_date_time: iso(cEnd - MINUTE) }, name);
        for (let i = 0; i < (QUICK ? 5 : 11); i++) {
          const m = await runBinary(splunkd, emu, { start_date_time: iso(cEnd - MINUTE) }, name);
          if (m.emu.listEventsRequests !== 0) throw new Error(`empty run: ${m.emu.listEventsRequests} ListEvents requests`);
          emptyRun.push(m.wallMs);
          emptyRss.push(m.rssMB);
        }
        loads.push(`after start-up runs ${load()}`);
      }
    });
    await emu.close();
  }
  if (part('backfill')) {
    // ---- large pages: the 200 k backfill again from an emulator that answers 20,000 events per page
    // (OCI documents no page size), to show that memory does not follow the page size.
    const emu = await Emulator.start({ compartments: 96, eventsPerDay: 1_000_000, eventsFrom: dayStart - 60 * MINUTE, pageSize: 20_000 });
    await withSplunkd(emu, (splunkd) => backfill(splunkd, emu, '200 k, large pages', fifthEnd, 1, 'pages of 20,000'));
    await emu.close();
  }

  // ---- the detail table
  if (part('startup'))
    row(
      'start-up',
      `median of ${QUICK ? 5 : 20} (\`--scheme\`), of ${QUICK ? 5 : 11} (runs)`,
      `\`--scheme\` ${fmt(schemeMs, 1)} ms (min ${fmt(st.scheme!.min, 1)}); exec → first ListEvents ${fmt(median(firstLe), 1)} ms (min ${fmt(Math.min(...firstLe), 1)}); empty run ${fmt(median(emptyRun))} ms (min ${fmt(Math.min(...emptyRun))}), peak RSS ${fmt(median(emptyRss))} MB (max ${fmt(Math.max(...emptyRss))})`,
      `\`node -e 0\` ${fmt(st.node!.med, 1)} ms (min ${fmt(st.node!.min, 1)}); --scheme / node = **${(schemeMs / st.node!.med).toFixed(2)}**`,
    );
  for (const c of cycles) {
    row(
      `cycle${c.pairs > 1000 ? ' 10×' : ''}`,
      `${c.pairs} pairs, ${c.lat} ms latency, c=${c.conc}`,
      `wall ${fmt(c.wall)} ms; CPU ${fmt(c.cpu)} ms (emulator ${fmt(c.emuCpu)} ms); peak RSS ${fmt(c.rss)} MB; ListEvents ${c.le}; max in flight ${c.maxInFlight}${c.firstLe === undefined ? '' : `; first ListEvents at ${fmt(c.firstLe)} ms`}`,
      `critical path ${fmt(c.crit)} ms; wall/critical **${(c.wall / c.crit).toFixed(2)}**`,
    );
  }
  for (const c of costs) {
    const runs = 86_400 / 300;
    row(
      `cost ${c.label}`,
      `${c.pairs} pairs, interval 300 s (${runs} runs/day)`,
      `${fmt(c.le * runs)} ListEvents requests/day (${fmt(c.windows * runs)} windows, ${fmt((c.le - c.windows) * runs)} extra pages)`,
      `${fmt(c.discovery * runs)} discovery requests/day; ${fmt((c.le + c.discovery) * runs)} OCI requests/day`,
    );
  }

  // ---- the targets (issue 13), each with met / missed
  for (const b of backfills)
    target(`peak RSS, backfill ${b.label}`, '≤ 150 MB', `${fmt(b.rss)} MB (floor ${fmt(b.floorRss)} MB)`, b.rss <= 150);
  for (const c of cycles.filter((x) => x.pairs > 1000))
    target(`peak RSS, cycle 10× (${c.lat} ms, c=${c.conc})`, '≤ 150 MB', `${fmt(c.rss)} MB`, c.rss <= 150);
  if (part('startup')) {
    target('empty run, peak RSS (median)', '≤ 80 MB', `${fmt(median(emptyRss), 1)} MB`, median(emptyRss) <= 80);
    target('empty run, wall (median)', '≤ 150 ms', `${fmt(median(emptyRun))} ms`, median(emptyRun) <= 150);
    target('exec → first ListEvents in flight (median, latency 0)', '≤ 100 ms', `${fmt(median(firstLe), 1)} ms`, median(firstLe) <= 100);
  }
  for (const c of cycles.filter((x) => x.pairs < 1000 && x.lat === 50))
    target(
      `cycle ${c.pairs} pairs, 50 ms, c=${c.conc}: wall / critical path`,
      '≤ 1.25',
      `${(c.wall / c.crit).toFixed(2)} (${fmt(c.wall)} / ${fmt(c.crit)} ms)`,
      c.wall / c.crit <= 1.25,
    );
  for (const b of backfills.filter((x) => !x.label.includes('large')))
    target(`backfill ${b.label}: ours / floor (events/s)`, '≥ 1.0', (b.ours / b.floor).toFixed(2), b.ours / b.floor >= 1.0);
  for (const big of cycles.filter((x) => x.pairs > 1000)) {
    const small = cycles.find((x) => x.pairs < 1000 && x.lat === big.lat && x.conc === big.conc);
    if (!small) continue;
    const pairsRatio = big.pairs / small.pairs;
    const wallRatio = big.wall / small.wall;
    target(
      `linear growth at 10× (${big.lat} ms, c=${big.conc}): wall ratio for ${pairsRatio.toFixed(1)}× pairs`,
      `≤ ${pairsRatio.toFixed(1)}`,
      `${wallRatio.toFixed(1)}× (CPU ${(big.cpu / small.cpu).toFixed(1)}×)`,
      wallRatio <= pairsRatio,
    );
  }

  console.log('| what | setup | ours | against |\n| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log('\n| target | goal | measured | met? |\n| --- | --- | --- | --- |');
  for (const t of targets) console.log(`| ${t.target} | ${t.goal} | ${t.measured} | ${t.met ? 'met' : '**missed**'} |`);
  console.log(
    `\nload average (1, 5, 15 min): ${loads.join('; ')}; ${process.env.OCI_AUDIT_BIN ? `binary ${BIN}` : 'binary of this checkout'}`,
  );
  if (part('cycle')) {
    writeFileSync(path.join(ROOT, 'docs', 'bench-cycle.svg'), chart(cycles));
    progress('chart: docs/bench-cycle.svg');
  }
}

/** Cycle wall time against pairs, one line per (latency, concurrency), the critical path dashed. No dependency. */
function chart(cs: Array<{ pairs: number; lat: number; conc: number; wall: number; crit: number }>): string {
  const W = 640,
    H = 400,
    L = 60,
    B = 50,
    T = 30,
    R = 200;
  const xs = [...new Set(cs.map((c) => c.pairs))].sort((a, b) => a - b);
  const maxY = (Math.max(...cs.map((c) => Math.max(c.wall, c.crit))) * 1.1) / 1000;
  const maxX = Math.max(...xs) * 1.05;
  const x = (p: number): number => L + (p / maxX) * (W - L - R);
  const y = (ms: number): number => H - B - (ms / 1000 / maxY) * (H - B - T);
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="18" font-size="14">Cycle wall time vs (region, compartment) pairs — one 5-minute interval</text>`,
  ];
  out.push(
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
  );
  for (let i = 0; i <= 5; i++) {
    const v = (maxY * i) / 5;
    out.push(
      `<text x="${L - 6}" y="${y(v * 1000) + 4}" text-anchor="end">${v.toFixed(1)}</text><line x1="${L}" x2="${W - R}" y1="${y(v * 1000)}" y2="${y(v * 1000)}" stroke="#eee"/>`,
    );
  }
  for (const p of xs) out.push(`<text x="${x(p)}" y="${H - B + 16}" text-anchor="middle">${p}</text>`);
  out.push(
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">pairs</text><text x="14" y="${(T + H - B) / 2}" transform="rotate(-90 14 ${(T + H - B) / 2})" text-anchor="middle">seconds</text>`,
  );
  const series = [...new Set(cs.map((c) => `${c.lat}|${c.conc}`))];
  series.forEach((s, i) => {
    const pts = cs.filter((c) => `${c.lat}|${c.conc}` === s).sort((a, b) => a.pairs - b.pairs);
    const color = colors[i % colors.length];
    const [lat, conc] = s.split('|');
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((c) => `${x(c.pairs)},${y(c.wall)}`).join(' ')}"/>`,
    );
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-dasharray="4 3" points="${pts.map((c) => `${x(c.pairs)},${y(c.crit)}`).join(' ')}"/>`,
    );
    for (const c of pts) out.push(`<circle cx="${x(c.pairs)}" cy="${y(c.wall)}" r="3" fill="${color}"/>`);
    out.push(
      `<line x1="${W - R + 10}" x2="${W - R + 30}" y1="${T + 10 + i * 18}" y2="${T + 10 + i * 18}" stroke="${color}" stroke-width="2"/><text x="${W - R + 36}" y="${T + 14 + i * 18}">${lat} ms, c=${conc}</text>`,
    );
  });
  out.push(
    `<line x1="${W - R + 10}" x2="${W - R + 30}" y1="${T + 10 + series.length * 18}" y2="${T + 10 + series.length * 18}" stroke="black" stroke-dasharray="4 3"/><text x="${W - R + 36}" y="${T + 14 + series.length * 18}">critical path</text>`,
  );
  out.push('</svg>\n');
  return out.join('\n');
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => rmSync(TMP, { recursive: true, force: true }));
