// A process that keeps running (inputs.conf `interval` 0 or -1, docs/scheduling.md): one collection cycle a
// minute, just after the minute turns, until splunkd stops it (SIGTERM), the lease is lost, or a process that
// splunkd started for an edited input asks for a handover (a `handover|<input>` KV record).
import { setTimeout as sleep } from 'node:timers/promises';
import { envNumber } from '../knobs';
import type { ParamValue } from '../splunk/input-xml';

const MINUTE = 60_000;

/** `interval` 0 (splunkd starts the process again when it exits) or -1 (once at start-up): keep running. */
export function runsContinuously(interval: ParamValue | undefined): boolean {
  const v = (Array.isArray(interval) ? (interval[0] ?? '') : (interval ?? '')).trim();
  return v === '0' || v === '-1';
}

/** Seconds after the minute turns when a cycle starts: whole-minute windows end then (docs/scheduling.md). */
export function cycleOffsetMs(): number {
  return envNumber('TA_OCI_AUDIT_CYCLE_OFFSET_S', 5) * 1000;
}

/** When the cycle after one that started at `startedAt` begins: the next minute's offset, never sooner than now. */
export function nextCycleAt(startedAt: number, now: number, offsetMs = cycleOffsetMs()): number {
  let t = Math.floor(startedAt / MINUTE) * MINUTE + MINUTE + offsetMs;
  while (t <= now) t += MINUTE; // a cycle that took longer than a minute: the next whole one
  return t;
}

/**
 * Waits until the wall clock reaches `t`, in steps (TA_OCI_AUDIT_CLOCK_STEP_MS, default 1000), so that a clock
 * that jumps (or runs faster, as the freshness bench's libfaketime does) is followed. False when stopped.
 */
export async function waitUntil(t: number, stop: AbortSignal, now: () => number = Date.now): Promise<boolean> {
  const step = envNumber('TA_OCI_AUDIT_CLOCK_STEP_MS', 1000);
  while (!stop.aborted && now() < t) {
    try {
      await sleep(Math.min(step, Math.max(1, t - now())), undefined, { signal: stop });
    } catch {
      return false;
    }
  }
  return !stop.aborted;
}

export function handoverKey(input: string): string {
  return `handover|${input}`;
}
