// `node --require tsx/cjs build/bench/schedule-cost.ts`: the ListEvents requests a day the per-pair schedule makes
// (src/pipeline/schedule.ts pairRead, the product's own rule, with lookback 15 and a re-read every 5 minutes) on the
// emulated tenancy at 1× and 10× the seed's scale, with and without 70 % quiet pairs: one cycle a minute over
// `--hours` (default 2) of the emulator's event counts per (region, compartment, minute), after `--warmup` hours
// (default 1) that are not counted (every pair starts as active: the quiet ones have been quiet that long when the
// count starts, the steady state of pairs that stay quiet for hours). No executable and no HTTP. Requests = reads
// (each one window: query_window_size 60 covers a read and its re-read span) plus the extra pages of reads with more
// than 1,000 events. Prints one row per tenancy, with the share of the reads that went to pairs without events in
// the last hour.
import { parseArgs } from 'node:util';
import { EventStore } from '../../test/emulators/oci/events';
import { generateTenancy } from '../../test/emulators/oci/tenancy';
import { pairRead } from '../../src/pipeline/schedule';
import type { PairCheckpoint } from '../../src/pipeline/checkpoints';

const MIN = 60_000;

function cost(
  compartments: number,
  quietPairs: number,
  hours: number,
  warmupHours: number,
  quietMax: number,
): { pairs: number; perDay: number; readsPerCycle: number; quietReadsPerCycle: number } {
  const now = Date.UTC(2026, 11, 1, 12, 0, 0);
  const t = generateTenancy({
    seed: 1,
    regions: 4,
    compartments,
    deletedCompartments: 3,
    eventsPerDay: 1_000_000 * (compartments / 96),
    quietPairs,
  });
  const store = new EventStore(t, () => Infinity);
  const ci = t.compartments
    .map((c, i) => [c, i + 1] as const)
    .filter(([c]) => c.lifecycleState === 'ACTIVE')
    .map(([, i]) => i);
  const pairs: Array<{ ri: number; ci: number; cp: PairCheckpoint }> = [];
  for (let ri = 0; ri < t.regions.length; ri++)
    for (const c of [0, ...ci])
      pairs.push({ ri, ci: c, cp: { region: String(ri), compartmentId: String(c), until: now, activeUntil: now } });
  let requests = 0;
  let quietReads = 0;
  const warmup = warmupHours * 60;
  const cycles = hours * 60;
  const schedule = { quietMaxMinutes: quietMax, rereadEveryMinutes: 5 };
  const remembered = { from: now, windows: [] };
  for (let m = 1; m <= warmup + cycles; m++) {
    const until = now + m * MIN;
    for (const p of pairs) {
      const read = pairRead(p.cp, until, until + 5000, schedule, 15);
      if (read === 'deferred') continue;
      let events = 0;
      for (let x = p.cp.until; x < until; x += MIN) events += store.cellCount(p.ri, p.ci, Math.floor(x / MIN));
      if (m > warmup) {
        requests += 1 + Math.floor(Math.max(0, events - 1) / 1000);
        if (until - (p.cp.activeUntil ?? until) >= 60 * MIN) quietReads++;
      }
      p.cp = {
        ...p.cp,
        until,
        remembered,
        activeUntil: events > 0 ? until : p.cp.activeUntil,
        rereadAt: read === 'reread' ? until + 5000 : p.cp.rereadAt,
      };
    }
  }
  return {
    pairs: pairs.length,
    perDay: Math.round((requests / cycles) * 1440),
    readsPerCycle: requests / cycles,
    quietReadsPerCycle: quietReads / cycles,
  };
}

const { values: v } = parseArgs({
  options: { hours: { type: 'string', default: '2' }, warmup: { type: 'string', default: '1' }, quiet: { type: 'string', default: '30' } },
});
const hours = Number(v.hours);
const warmupHours = Number(v.warmup);
const quietMax = Number(v.quiet);
console.log(
  `schedule cost: one cycle a minute over ${hours} h after ${warmupHours} h not counted, quiet_pair_max_minutes ${quietMax}, lookback 15, re-read every 5, the emulator's activity (1 M events/day per 388 pairs)`,
);
console.log('| tenancy | pairs | reads per cycle (of pairs quiet ≥ 1 h) | ListEvents/day | one per pair per minute | share |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [label, comps, quiet] of [
  ['seed (1×)', 96, 0],
  ['seed, 70 % quiet', 96, 0.7],
  ['10×', 960, 0],
  ['10×, 70 % quiet', 960, 0.7],
] as const) {
  const r = cost(comps, quiet, hours, warmupHours, quietMax);
  const budget = r.pairs * 1440;
  console.log(
    `| ${label} | ${r.pairs.toLocaleString('en-US')} | ${r.readsPerCycle.toFixed(1)} (${r.quietReadsPerCycle.toFixed(1)}) | ${r.perDay.toLocaleString('en-US')} | ${budget.toLocaleString('en-US')} | ${((r.perDay / budget) * 100).toFixed(1)} % |`,
  );
}
