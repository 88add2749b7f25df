// `npm run bench:rules [-- --quick]`: what event rules change, measured with the packaged binary run as
// splunkd runs it against the OCI emulator's 1 M events/day tenancy (4 regions x 97 compartments, in a
// process of its own: build/bench/bench-emulator.ts).
//  1. Volume per day: a whole-day backfill with no rules, with `preset:read_only route:oci_audit_reads` and
//     with `preset:read_only drop`: events and GB indexed, routed and dropped (the run summary's counters).
//  2. Cost of the rules: the 200 k backfill (the first 5 hours of that day) with 0 rules, with 20 rules that
//     every event goes through, and with one rule that drops about 80 %, run interleaved (A/B/C, A/B/C, ...)
//     because the machine is shared; medians of events read per second.
// Prints two Markdown tables (docs/event-rules.md "Measured", docs/performance.md "Event rules").
// Env: OCI_AUDIT_BIN (default dist/stage/TA-oci-audit/linux_x86_64/bin/oci_audit).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Emulator } from './bench-emulator-client';
import { startBenchSplunkd } from './bench-splunkd';
import { buildInputDefinition, type Splunkd } from '../../test/emulators/splunkd';

const ROOT = path.resolve(__dirname, '..', '..');
const QUICK = process.argv.includes('--quick');
const REPEATS = Number(process.argv.includes('--repeats') ? process.argv[process.argv.indexOf('--repeats') + 1] : QUICK ? 1 : 3);
const BIN = process.env.OCI_AUDIT_BIN ?? path.join(ROOT, 'dist/stage/TA-oci-audit/linux_x86_64/bin/oci_audit');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const GB = 1024 ** 3;
const TMP = mkdtempSync(path.join(tmpdir(), 'oci-bench-rules-'));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const fmt = (n: number, d = 0): string => n.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
const progress = (m: string): void => void process.stderr.write(`bench:rules: ${m}\n`);
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** 20 rules every event goes through: 19 that (almost) never match, of every kind, then a catch-all. */
export const TWENTY_RULES = [
  'drop principal=scanner-01@example.com',
  'drop principal=scanner-02@example.com,ocid1.user.oc1..nosuchuser',
  'route:oci_cheap name=ListBuckets,ListVcns action=HEAD',
  'drop type~^com\\.oraclecloud\\.nosuch\\.',
  'drop name~^Summarize',
  'drop auth=fed status=5xx',
  'route:oci_cheap compartment=no-such-compartment',
  'drop region=ap-tokyo-1',
  'index status=418',
  'drop name=GetSecretBundle principal=nobody@example.com',
  'drop action=PATCH',
  'drop name~Zzz$',
  'route:oci_cheap type~(?i)\\.nosuch$',
  'drop principal~^svc-nosuch',
  'drop auth=instance name=ListNosuch',
  'drop status=3xx',
  'drop name=AlphaOp,BetaOp,GammaOp,DeltaOp,EpsilonOp,ZetaOp,EtaOp,ThetaOp',
  'drop action=GET name=InteractiveLogin',
  'drop compartment=ocid1.compartment.oc1..nosuchnosuchnosuch',
  'index',
].join(' ; ');
/** About 80 % of the emulator's events are Get* or List* calls. */
export const DROP_80 = 'drop name~^(Get|List)';

interface Run {
  wallMs: number;
  cpuMs: number;
  rssMB: number;
  /** bytes written to stdout */
  stdoutBytes: number;
  summary: Record<string, number>;
}

let seq = 0;
/** One fresh input (no checkpoints) over [start, end) under /usr/bin/time; stdout read as fast as it comes. */
async function runBinary(splunkd: Splunkd, start: number, end: number, rules: string): Promise<Run> {
  const params: Record<string, string> = {
    account: 'bench',
    start_date_time: iso(start),
    end_date_time: iso(end),
    delay_throttle: '5',
    lookback_minutes: '0', // one pass per run, lookback off: as measured before the defaults changed
    query_window_size: '60',
    max_concurrency: '8',
    interval: '300',
    index: 'main',
    host: 'bench',
    disabled: '0',
  };
  if (rules) params.event_rules = rules;
  const xml = buildInputDefinition(
    { serverHost: 'bench', serverUri: splunkd.serverUri, sessionKey: splunkd.sessionKey, checkpointDir: TMP },
    [{ name: `oci_audit://rules${++seq}`, app: 'TA-oci-audit', params }],
  );
  const timeFile = path.join(TMP, 'time.txt');
  const t0 = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, BIN], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, SPLUNK_HOME: path.join(TMP, 'splunk'), SPLUNK_DB: path.join(TMP, 'splunk', 'var', 'lib', 'splunk') },
  });
  let stdoutBytes = 0;
  child.stdout.on('data', (b: Buffer) => (stdoutBytes += b.length));
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  child.stdin.end(xml);
  const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const [u, s, m] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number];
  const lines = err.split('\n').filter(Boolean);
  const bad = lines.filter((l) => /^(ERROR|FATAL)/.test(l));
  if (exit !== 0 || bad.length) throw new Error(`binary exit ${exit}: ${bad.slice(0, 3).join(' | ')}`);
  const line = lines.find((l) => l.includes('run summary')) ?? '';
  const summary = Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map((x) => [x[1] as string, Number(x[2])]));
  return { wallMs, cpuMs: (u + s) * 1000, rssMB: m / 1024, stdoutBytes, summary };
}

/** events read per second: written + dropped (what the run went through) over its wall time */
const readRate = (r: Run): number => ((r.summary.events ?? 0) + (r.summary.events_dropped ?? 0)) / (r.wallMs / 1000);

async function main(): Promise<void> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: npm run package`);
  const loads = [`start ${load()}`];
  const now = Date.now();
  const dayEnd = Math.floor((now - 15 * MINUTE) / HOUR) * HOUR;
  const dayHours = QUICK ? 4 : 24;
  const dayStart = dayEnd - dayHours * HOUR;
  const fifthEnd = dayStart + (QUICK ? 1 : 5) * HOUR;
  const emu = await Emulator.start({ compartments: 96, eventsPerDay: 1_000_000, eventsFrom: dayStart - HOUR });
  const splunkd = await startBenchSplunkd(emu.info);
  splunkd.addIndex('oci_audit_reads');
  splunkd.addIndex('oci_cheap');
  try {
    // ---- 2. cost: interleaved A/B/C
    const fifth = await emu.count(dayStart, fifthEnd);
    const variants: Array<[string, string]> = [
      ['0 rules', ''],
      ['20 rules', TWENTY_RULES],
      ['1 rule dropping ~80 %', DROP_80],
    ];
    const cost = new Map<string, Run[]>(variants.map(([k]) => [k, []]));
    for (let i = 0; i < REPEATS; i++)
      for (const [label, rules] of variants) {
        progress(`cost: ${label}, run ${i + 1}/${REPEATS} (${fmt(fifth)} events)`);
        const r = await runBinary(splunkd, dayStart, fifthEnd, rules);
        const seen = (r.summary.events ?? 0) + (r.summary.events_dropped ?? 0);
        if (seen !== fifth) throw new Error(`${label}: ${seen} events read, expected ${fifth}`);
        cost.get(label)!.push(r);
      }
    loads.push(`after cost ${load()}`);

    // ---- 1. volume per day
    const day = await emu.count(dayStart, dayEnd);
    const perDay = 24 / dayHours;
    const volume: Array<[string, string, Run]> = [];
    for (const [label, rules] of [
      ['no rules', ''],
      ['preset:read_only route:oci_audit_reads', 'preset:read_only route:oci_audit_reads'],
      ['preset:read_only drop', 'preset:read_only drop'],
    ] as Array<[string, string]>) {
      progress(`volume: ${label} (${fmt(day)} events, ${dayHours} h)`);
      const r = await runBinary(splunkd, dayStart, dayEnd, rules);
      const seen = (r.summary.events ?? 0) + (r.summary.events_dropped ?? 0);
      if (seen !== day) throw new Error(`${label}: ${seen} events read, expected ${day}`);
      volume.push([label, rules, r]);
    }
    loads.push(`end ${load()}`);

    const out: string[] = [];
    out.push(
      `Event rules on the emulator's 1 M events/day tenancy (4 regions x 97 compartments), ${dayHours} h backfill of ${fmt(day)} events, per day x${perDay}:`,
      '',
    );
    out.push(
      '| rules | indexed events/day | indexed GB/day | routed events/day | routed GB/day | dropped events/day | dropped GB/day | run: events/s read, wall |',
    );
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const [label, , r] of volume) {
      const s = r.summary;
      out.push(
        `| ${label} | ${fmt((s.events_indexed ?? 0) * perDay)} | ${fmt(((s.bytes_indexed ?? 0) * perDay) / GB, 3)} | ${fmt((s.events_routed ?? 0) * perDay)} | ${fmt(((s.bytes_routed ?? 0) * perDay) / GB, 3)} | ${fmt((s.events_dropped ?? 0) * perDay)} | ${fmt(((s.bytes_dropped ?? 0) * perDay) / GB, 3)} | ${fmt(readRate(r))} ev/s, ${fmt(r.wallMs / 1000, 1)} s |`,
      );
    }
    out.push(
      '',
      `Cost of the rules: backfill of ${fmt(fifth)} events (${(fifthEnd - dayStart) / HOUR} h), pages of 1,000, c=8, ${REPEATS} interleaved runs each, medians:`,
      '',
    );
    out.push('| rules | events read/s | vs 0 rules | wall s | CPU s | CPU µs/event | peak RSS MB | stdout MB | written / dropped |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    const base = median(cost.get('0 rules')!.map(readRate));
    for (const [label] of variants) {
      const runs = cost.get(label)!;
      const rate = median(runs.map(readRate));
      const cpu = median(runs.map((r) => r.cpuMs));
      const s = runs[0]!.summary;
      out.push(
        `| ${label} | ${fmt(rate)} | ${rate >= base ? '+' : ''}${fmt(((rate - base) / base) * 100, 1)} % | ${fmt(median(runs.map((r) => r.wallMs)) / 1000, 1)} | ${fmt(cpu / 1000, 1)} | ${fmt((cpu * 1000) / fifth, 1)} | ${fmt(Math.max(...runs.map((r) => r.rssMB)))} | ${fmt(median(runs.map((r) => r.stdoutBytes)) / 1e6, 1)} | ${fmt(s.events ?? 0)} / ${fmt(s.events_dropped ?? 0)} |`,
      );
    }
    out.push(
      '',
      `per-run events/s: ${variants
        .map(
          ([l]) =>
            `${l}: ${cost
              .get(l)!
              .map((r) => fmt(readRate(r)))
              .join(', ')}`,
        )
        .join('; ')}`,
    );
    out.push(`load averages: ${loads.join('; ')}`);
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await splunkd.close();
    await emu.close();
    rmSync(TMP, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:rules: ${(err as Error).message}\n`);
  process.exit(1);
});
