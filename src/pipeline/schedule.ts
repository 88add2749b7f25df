// Which (region, compartment) pairs a cycle reads (docs/scheduling.md). A pair that delivered events lately is
// read every cycle; a quiet pair waits half as long as it has been quiet, never more than quiet_pair_max_minutes,
// so a compartment that wakes up is read within that bound. The re-read of the remembered span of a pair quiet for
// longer than that span waits for its next read (pairRead). The state is two numbers of the pair's checkpoint
// record (active_until, reread_at), so a one-pass run and a restarted process follow the same schedule.
import { MINUTE } from '../oci/rfc3339';
import type { PairCheckpoint } from './checkpoints';

/** How long before its checkpoint the pair last delivered events; an old record without the schedule's state counts as active. */
function quietMsOf(cp: PairCheckpoint | undefined): number {
  return cp?.activeUntil === undefined ? 0 : Math.max(0, cp.until - cp.activeUntil);
}

/** How far behind `until` a pair's checkpoint may be before the pair is read again. */
export function allowedLagMs(cp: PairCheckpoint, quietMaxMinutes: number): number {
  const quietMs = quietMsOf(cp);
  // Half its quiet time: waiting the whole of it saved 1.4 % of the budget on the 70 %-quiet tenancy but delayed twice
  // as many events of sparse pairs (build/bench/schedule-cost.ts, docs/scheduling.md).
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

/** What a running process does with a pair this cycle: leave it for later, read its newest minutes, or re-read. */
export type PairRead = 'deferred' | 'forward' | 'reread';

export function pairRead(
  cp: PairCheckpoint | undefined,
  until: number,
  now: number,
  schedule: { quietMaxMinutes: number; rereadEveryMinutes: number },
  lookbackMinutes: number,
): PairRead {
  const reread = rereadDue(cp, now, schedule.rereadEveryMinutes, lookbackMinutes);
  // A pair with events in its remembered span is re-read every period even when deferred: the late events of a
  // sparse pair wait no longer than before. One quiet for longer waits for its next read (see rememberedSpanMs):
  // re-reading every quiet pair every period cost a fifth of a request per pair and minute.
  if (reread && quietMsOf(cp) < rememberedSpanMs(lookbackMinutes, schedule.rereadEveryMinutes)) return 'reread';
  if (!forwardDue(cp, until, schedule.quietMaxMinutes)) return 'deferred';
  return reread ? 'reread' : 'forward';
}

/**
 * How far back a running process remembers (and re-reads) before a pair's checkpoint: lookback + one re-read
 * period + a cycle. The first re-read after a late event is shown starts at the previous read's end minus this,
 * and that read ended less than a period after the event was shown (before it, or between two re-reads), so an
 * event shown within lookback of its eventTime is still inside, however long the pair was deferred.
 */
export function rememberedSpanMs(lookbackMinutes: number, rereadEveryMinutes: number): number {
  return lookbackMinutes > 0 ? (lookbackMinutes + rereadEveryMinutes + 1) * MINUTE : 0;
}
