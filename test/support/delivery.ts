// Delivery accounting for fault tests: what reached "the index" over several runs, compared with
// the OCI emulator's ground truth (every event processed in a collected window).
import assert from 'node:assert/strict';
import type { RunResult } from '../emulators/splunkd';
import type { World } from './world';

export function eventIds(r: RunResult): string[] {
  return r.events.map((e) => String((JSON.parse(e._raw) as { eventId: unknown }).eventId));
}

/** Every (region, compartment) pair a `*`/`*` input must collect: READY regions x (root + ACTIVE compartments). */
export function allPairs(w: World): Array<{ region: string; compartment: string }> {
  const t = w.oci.tenancy;
  const comps = [t.tenancyId, ...t.compartments.filter((c) => c.lifecycleState === 'ACTIVE').map((c) => c.id)];
  return t.regions.filter((r) => r.status === 'READY').flatMap((r) => comps.map((c) => ({ region: r.regionName, compartment: c })));
}

/** eventId -> "region|compartment|windowStart" for windows of `windowMin` minutes from `start`. */
export function groundTruth(w: World, start: Date, end: Date, windowMin: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of allPairs(w)) {
    for (let t = start.getTime(); t < end.getTime(); t += windowMin * 60_000) {
      const we = new Date(Math.min(t + windowMin * 60_000, end.getTime()));
      for (const ev of w.oci.events(p.region, p.compartment, new Date(t), we))
        out.set(String(ev.eventId), `${p.region}|${p.compartment}|${new Date(t).toISOString()}`);
    }
  }
  return out;
}

/**
 * eventIds of the events among the last `bytes` bytes a run wrote to stdout: the checkpoints of their
 * windows may still be held back (src/pipeline/unread-tail.ts) when the run is killed.
 */
export function eventIdsInTail(r: RunResult, bytes: number): string[] {
  const out = Buffer.from(r.stdout, 'utf8');
  const tail = out.subarray(Math.max(0, out.length - bytes)).toString('utf8');
  return [...tail.matchAll(/"eventId":"([^"]+)"/g)].map((m) => m[1]);
}

/** Counts deliveries of each eventId over several runs. */
export class Ledger {
  readonly counts = new Map<string, number>();
  deliveries = 0;

  /** Adds a run; answers the eventIds it delivered that an earlier run had already delivered. */
  add(r: RunResult): string[] {
    const again: string[] = [];
    for (const id of eventIds(r)) {
      const n = this.counts.get(id) ?? 0;
      if (n > 0) again.push(id);
      this.counts.set(id, n + 1);
      this.deliveries++;
    }
    return again;
  }

  get duplicates(): number {
    return this.deliveries - this.counts.size;
  }
}

/** No loss so far: every event of every pair below its saved checkpoint was delivered. */
export function assertNoLossBelowCheckpoints(w: World, start: Date, ledger: Ledger, input = 'test'): number {
  let checked = 0;
  for (const cp of w.checkpoints(input)) {
    const until = new Date(String(cp.checkpoint));
    for (const ev of w.oci.events(String(cp.region), String(cp.compartment_id), start, until)) {
      checked++;
      const pair = `${String(cp.region)}|${String(cp.compartment_id)}`;
      assert.ok(
        ledger.counts.has(String(ev.eventId)),
        `event ${String(ev.eventId)} of ${pair} is below the checkpoint ${until.toISOString()} but was never delivered`,
      );
    }
  }
  return checked;
}

/** Complete: every pair checkpointed at `end`, and each ground-truth event delivered (exactly once unless allowed). */
export function assertComplete(w: World, truth: Map<string, string>, end: Date, ledger: Ledger, input = 'test'): void {
  const cps = w.checkpoints(input);
  assert.equal(cps.length, allPairs(w).length, 'a checkpoint for every pair');
  for (const cp of cps) assert.equal(cp.checkpoint, end.toISOString(), `${String(cp.region)}|${String(cp.compartment_id)} reached the end`);
  const missing = [...truth.keys()].filter((id) => !ledger.counts.has(id));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} events lost`);
  const extra = [...ledger.counts.keys()].filter((id) => !truth.has(id));
  assert.deepEqual(extra.slice(0, 5), [], 'only events of the collected windows');
}
