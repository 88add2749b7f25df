// Which (region, compartment) pairs a cycle reads (docs/scheduling.md). A pair that delivered events lately is
// read every cycle; a quiet pair waits longer the longer it has been quiet (half its quiet time), never more
// than quiet_pair_max_minutes, so a compartment that wakes up is read within that bound. The state is two
// numbers of the pair's checkpoint record (active_until, reread_at), so a one-pass run and a restarted
// process follow the same schedule.
import { MINUTE } from '../oci/rfc3339';
import type { PairCheckpoint } from './checkpoints';

/** How far behind `until` a pair's checkpoint may be before the pair is read again. */
export function allowedLagMs(cp: PairCheckpoint, quietMaxMinutes: number): number {
  // Never delivered anything since the schedule was kept (an old record): treated as active.
  const quietMs = cp.activeUntil === undefined ? 0 : Math.max(0, cp.until - cp.activeUntil);
  const lagMinutes = Math.max(1, Math.floor(quietMs / MINUTE / 2));
  return Math.min(quietMaxMinutes, lagMinutes) * MINUTE;
}

/** Whether the pair's newest minutes are due: a pair without a checkpoint always is. */
export function forwardDue(cp: PairCheckpoint | undefined, until: number, quietMaxMinutes: number): boolean {
  if (!cp) return true;
  const lag = until - cp.until;
  return lag > 0 && lag >= allowedLagMs(cp, quietMaxMinutes);
}

/** Whether the remembered span is due for its re-read (lookback on, something remembered). */
export function rereadDue(cp: PairCheckpoint | undefined, now: number, everyMinutes: number, lookbackMinutes: number): boolean {
  if (!cp?.remembered || lookbackMinutes === 0) return false;
  return cp.rereadAt === undefined || now - cp.rereadAt >= everyMinutes * MINUTE;
}
