// `node --require tsx/cjs build/bench/schedule-cost.ts`: the ListEvents requests a day the per-pair schedule makes
// (src/pipeline/schedule.ts, the product's own rule) on the emulated tenancy at 1× and 10× the seed's scale, with and
// without 70 % quiet pairs: one cycle a minute over `--hours` (default 2) of the emulator's event counts per
// (region, compartment, minute), no executable and no HTTP. Requests = reads (each one window: query_window_size
// 60 covers a read) plus the extra pages of reads with more than 1,000 events. Prints one row per tenancy.
import { parseArgs } from 'node:util';
import { EventStore } from '../../test/emulators/oci/events';
import { generateTenancy } from '../../test/emulators/oci/tenancy';
import { forwardDue } from '../../src/pipeline/schedule';
import type { PairCheckpoint } from '../../src/pipeline/checkpoints';

const MIN = 60_000;

function cost(
  compartments: number,
  quietPairs: number,
  hours: number,
  quietMax: number,
): { pairs: number; perDay: number; readsPerCycle: number } {
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
  const cycles = hours * 60;
  for (let m = 1; m <= cycles; m++) {
    const until = now + m * MIN;
    for (const p of pairs) {
      if (!forwardDue(p.cp, until, quietMax)) continue;
      let events = 0;
      for (let x = p.cp.until; x < until; x += MIN) events += store.cellCount(p.ri, p.ci, Math.floor(x / MIN));
      requests += 1 + Math.floor(Math.max(0, events - 1) / 1000);
      p.cp = { ...p.cp, until, activeUntil: events > 0 ? until : p.cp.activeUntil };
    }
  }
  return { pairs: pairs.length, perDay: Math.round((requests / cycles) * 1440), readsPerCycle: requests / cycles };
}

const { values: v } = parseArgs({ options: { hours: { type: 'string', default: '2' }, quiet: { type: 'string', default: '10' } } });
const hours = Number(v.hours);
const quietMax = Number(v.quiet);
console.log(
  `schedule cost: one cycle a minute over ${hours} h, quiet_pair_max_minutes ${quietMax}, the emulator's activity (1 M events/day per 388 pairs)`,
);
console.log('| tenancy | pairs | reads per cycle | ListEvents/day | one per pair per minute | share |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [label, comps, quiet] of [
  ['seed (1×)', 96, 0],
  ['seed, 70 % quiet', 96, 0.7],
  ['10×', 960, 0],
  ['10×, 70 % quiet', 960, 0.7],
] as const) {
  const r = cost(comps, quiet, hours, quietMax);
  const budget = r.pairs * 1440;
  console.log(
    `| ${label} | ${r.pairs.toLocaleString('en-US')} | ${r.readsPerCycle.toFixed(1)} | ${r.perDay.toLocaleString('en-US')} | ${budget.toLocaleString('en-US')} | ${((r.perDay / budget) * 100).toFixed(1)} % |`,
  );
}
