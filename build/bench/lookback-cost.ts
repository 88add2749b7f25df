// What lookback costs at the reference tenancy (1 M events/day, 4 regions x 97 compartments = 388
// pairs): the KV records, the memory for remembered eventIds, and one steady-state run (every 5 minutes).
// Prints measured numbers; asserts nothing (docs/reliability.md "Lookback: cost").
//
//   npx tsx build/bench/lookback-cost.ts [--lookback 0,60,240] [--repeat 2]
//   OCI_AUDIT_BIN=dist/stage/TA-oci-audit/linux_x86_64/bin/oci_audit npx tsx build/bench/lookback-cost.ts   (the SEA binary)
//
// Per lookback L: run 1 collects L + 15 minutes up to 5 minutes ago (end_date_time), remembering every
// eventId; run 2 is the steady state: it re-reads the last L minutes and collects the 5 new ones. Run 2
// is measured under /usr/bin/time (the binary's own CPU and peak RSS). The emulators run in this
// process and build each event on demand, so wall time includes their work on the shared cores.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInput } from '../../test/emulators/splunkd';
import { binaryCommand, isoMinutesAgo, startWorld, TEST_ENV } from '../../test/support/world';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
};
const LOOKBACKS = arg('lookback', '0,60,240').split(',').map(Number);
const REPEAT = Number(arg('repeat', '2'));
const TMP = mkdtempSync(path.join(tmpdir(), 'lookback-cost-'));

function summary(lines: string[]): Record<string, string> {
  const line = lines.find((l) => l.includes('run summary')) ?? '';
  return Object.fromEntries([...line.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1], m[2]]));
}

async function measureOne(lookback: number, rep: number): Promise<Record<string, string | number>> {
  const w = await startWorld({
    tenancy: { seed: 1, regions: 4, compartments: 96, deletedCompartments: 3, eventsPerDay: 1_000_000 },
    oci: { pageSize: 1000 },
  });
  try {
    const name = `lb${lookback}_${rep}`;
    const base = {
      account: 'main',
      start_date_time: isoMinutesAgo(lookback + 20),
      delay_throttle: '0',
      query_window_size: '60',
      max_concurrency: '8',
      lookback_minutes: String(lookback),
      // Two one-pass runs: the app's default interval (0) would keep the process running.
      interval: '300',
    };
    const command = binaryCommand();
    const first = await runInput(w.splunkd, {
      command,
      name,
      params: { ...base, end_date_time: isoMinutesAgo(5) },
      env: TEST_ENV,
      timeoutMs: 600_000,
    });
    if (first.exitCode !== 0) throw new Error(`run 1 exit ${first.exitCode}: ${first.stderrLines.slice(-5).join('\n')}`);
    w.oci.resetStats();
    const timeFile = path.join(TMP, `time-${name}.txt`);
    const t0 = process.hrtime.bigint();
    const second = await runInput(w.splunkd, {
      command: ['/usr/bin/time', '-f', '%U %S %M', '-o', timeFile, ...command],
      name,
      params: base,
      env: TEST_ENV,
      timeoutMs: 600_000,
    });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (second.exitCode !== 0) throw new Error(`run 2 exit ${second.exitCode}: ${second.stderrLines.slice(-5).join('\n')}`);
    const [u, s, m] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    const recs = w.checkpoints(name);
    const sizes = recs.map((r) => Buffer.byteLength(JSON.stringify(r)));
    let digests = 0;
    for (const r of recs)
      for (const sw of (r.seen ?? []) as Array<{ digests: string }>) digests += Buffer.from(sw.digests, 'base64').length / 8;
    const sum = summary(second.stderrLines);
    const emu = w.oci.stats();
    return {
      lookback,
      pairs: recs.length,
      kvTotalBytes: sizes.reduce((a, b) => a + b, 0),
      kvBiggestBytes: Math.max(...sizes),
      kvMedianBytes: sizes.sort((a, b) => a - b)[Math.floor(sizes.length / 2)],
      rememberedIds: digests,
      rememberedMemBytes: digests * 8,
      run2Events: second.events.length,
      run2ReReadEvents: emu.eventsServed - second.events.length,
      run2ListEvents: emu.listEventsRequests,
      run2Windows: sum.windows ?? '',
      run2WallMs: Math.round(wallMs),
      run2CpuMs: Math.round((u + s) * 1000),
      run2PeakRssMB: Math.round(m / 1024),
    };
  } finally {
    await w.close();
  }
}

async function main(): Promise<void> {
  console.log(`binary: ${binaryCommand().join(' ')}`);
  const rows: Array<Record<string, string | number>> = [];
  for (const lb of LOOKBACKS)
    for (let rep = 1; rep <= REPEAT; rep++) {
      const row = await measureOne(lb, rep);
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  console.log(
    '\n| lookback | KV total | biggest record | median record | remembered ids (memory) | run 2: events new / re-read | ListEvents | wall | CPU | peak RSS |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows)
    console.log(
      `| ${r.lookback} | ${(Number(r.kvTotalBytes) / 1e6).toFixed(2)} MB | ${(Number(r.kvBiggestBytes) / 1e3).toFixed(1)} kB | ${(Number(r.kvMedianBytes) / 1e3).toFixed(1)} kB | ${r.rememberedIds} (${(Number(r.rememberedMemBytes) / 1e6).toFixed(2)} MB) | ${r.run2Events} / ${r.run2ReReadEvents} | ${r.run2ListEvents} | ${(Number(r.run2WallMs) / 1000).toFixed(1)} s | ${(Number(r.run2CpuMs) / 1000).toFixed(1)} s | ${r.run2PeakRssMB} MB |`,
    );
  rmSync(TMP, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
