// Time windows of one (region, compartment): whole minutes, [start, end), query_window_size long,
// up to now minus delay_throttle (and end_date_time). ListEvents filters on processed time.
import { floorMinute, MINUTE } from '../oci/rfc3339';

export interface Window {
  start: number;
  end: number;
}

/** The processed time up to which this run collects. */
export function collectUntil(now: number, delayMinutes: number, endDateTime?: Date): number {
  const until = floorMinute(now - delayMinutes * MINUTE);
  return endDateTime ? Math.min(until, floorMinute(endDateTime.getTime())) : until;
}

/** Where a pair without a checkpoint starts: the later of the input's start and the compartment's creation. */
export function firstStart(defaultStart: number, compartmentCreated?: Date): number {
  const created = compartmentCreated ? floorMinute(compartmentCreated.getTime()) : -Infinity;
  return Math.max(floorMinute(defaultStart), created);
}

export function* windows(from: number, until: number, sizeMinutes: number): Generator<Window> {
  const size = sizeMinutes * MINUTE;
  for (let start = floorMinute(from); start < until; start += size) {
    yield { start, end: Math.min(start + size, until) };
  }
}
