// The OCI emulator's eventIds are unique, as OCI's are (a GUID per event): a property over whole
// generated days of the demo's tenancy, and over the id function's inputs. Seeded (FUZZ_SEED overrides)
// so CI is deterministic. CI checks one whole day (about 1 M events, a few seconds);
// OCI_EMU_ID_DAYS=N checks N days (and the seed varies too).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateTenancy } from '../emulators/oci';
import { EventStore } from '../emulators/oci/events';
import { uniqueGuid } from '../emulators/oci/prng';

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const DAYS = Math.max(1, Number(process.env.OCI_EMU_ID_DAYS ?? 1));
const DAY = 86_400_000;
/** Every generated compartment exists by then (tenancy.ts draws creation times from 2019..2024). */
const FIRST_DAY = Date.UTC(2025, 0, 1);
const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The demo's tenancy (build/dev/demo.ts): 4 regions, 96 compartments + root + 3 deleted, 1 M events a day. */
function dayOfEventIds(seed: number, dayStart: number): { ids: Set<string>; events: number; badShape: string[] } {
  const tenancy = generateTenancy({
    seed,
    regions: 4,
    compartments: 96,
    deletedCompartments: 3,
    eventsPerDay: 1_000_000,
    eventsFrom: new Date(dayStart),
  });
  const store = new EventStore(tenancy, () => Number.MAX_SAFE_INTEGER);
  const ids = new Set<string>();
  const badShape: string[] = [];
  let events = 0;
  for (let ri = 0; ri < tenancy.regions.length; ri++)
    for (let ci = 0; ci <= tenancy.compartments.length; ci++)
      for (const k of store.keys(ri, ci, dayStart, dayStart + DAY)) {
        events++;
        ids.add(k.id);
        if (!GUID_V4.test(k.id) && badShape.length < 3) badShape.push(k.id);
      }
  return { ids, events, badShape };
}

describe('OCI emulator eventIds', function () {
  it(`are distinct over a whole generated day of the demo's tenancy (${DAYS} day(s); OCI_EMU_ID_DAYS=N for more)`, function () {
    this.timeout(60_000 * DAYS);
    const seeds = DAYS > 1 ? fc.oneof(fc.constant(2026), fc.integer()) : fc.constant(2026);
    fc.assert(
      fc.property(seeds, fc.integer({ min: 0, max: 3650 }), (seed, day) => {
        const t0 = Date.now();
        const { ids, events, badShape } = dayOfEventIds(seed, FIRST_DAY + day * DAY);
        // A day holds about eventsPerDay events (a few less where compartments were created that day).
        assert.ok(events > 900_000, `a whole day: ${events} events`);
        assert.deepEqual(badShape, [], 'eventIds are GUIDs in the v4 layout');
        assert.equal(events - ids.size, 0, `${events - ids.size} repeated eventIds among ${events}`);
        if (process.env.OCI_EMU_ID_VERBOSE) console.log(`      seed ${seed} day ${day}: ${events} events, ${Date.now() - t0} ms`);
      }),
      { seed: SEED, numRuns: DAYS },
    );
  });

  it('differ for any two different (seed, region, compartment, minute, index), and are the same for the same', () => {
    const tuple = fc.tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    );
    fc.assert(
      fc.property(tuple, tuple, (a, b) => {
        const ga = uniqueGuid(...a);
        assert.match(ga, GUID_V4);
        assert.equal(ga, uniqueGuid(...a), 'deterministic');
        // Same seed: distinct positions give distinct ids (different seeds are different worlds).
        const b0: typeof b = [a[0], b[1], b[2], b[3], b[4]];
        if (a.join() !== b0.join()) assert.notEqual(ga, uniqueGuid(...b0));
      }),
      { seed: SEED, numRuns: 5000 },
    );
    // Neighbours differ in one field by one: the case a weak mix would get wrong.
    const g = (r: number, c: number, m: number, i: number): string => uniqueGuid(2026, r, c, m, i);
    const near = [g(0, 6, 29_942_122, 0), g(1, 6, 29_942_122, 0), g(0, 7, 29_942_122, 0), g(0, 6, 29_942_132, 0), g(0, 6, 29_942_122, 1)];
    assert.equal(new Set(near).size, near.length);
  });
});
