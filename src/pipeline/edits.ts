// What an edit between two runs does (docs/contract.md "What an edit does"). The input record keeps the
// parameters of the last run; the first run after an edit compares them with its own and says, in one
// WARN line, what it does where an edit cannot give each event exactly once as a fresh input would
// (INFO for the other edits). The behaviour itself lives in the collector and the checkpoint store.
import type { PairCheckpoint } from './checkpoints';
import { inPartition } from './partition';

const MINUTE = 60_000;

export interface EditContext {
  /** The last run's tenancy and parameters (undefined: a new input, or a record written before 0.2.0). */
  previous: { tenancyId?: string; params?: Record<string, string> };
  /** The checkpoints as the last run left them (before a restart for another tenancy). */
  pairs: readonly PairCheckpoint[];
  tenancyId: string;
  params: Record<string, string>;
  /** Where a pair without a checkpoint starts (epoch ms). */
  defaultStart: number;
}

export interface EditReport {
  /** Edits that are not exactly-once as for a fresh input: the run logs them as one WARN line. */
  warn: string[];
  info: string[];
  /** The parameters or the tenancy differ from what the input record holds. */
  changed: boolean;
}

/** The account now reads another tenancy: the input starts afresh and no record of the old one is reused. */
export function tenancyChanged(ctx: Pick<EditContext, 'previous' | 'tenancyId'>): boolean {
  return ctx.previous.tenancyId !== undefined && ctx.previous.tenancyId !== ctx.tenancyId;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const shown = (v: string | undefined): string => (v === undefined || v === '' ? '(none)' : v);

export function describeEdits(ctx: EditContext): EditReport {
  const out: EditReport = { warn: [], info: [], changed: false };
  const prev = ctx.previous.params;
  const cur = ctx.params;
  out.changed = prev === undefined || ctx.previous.tenancyId !== ctx.tenancyId || Object.keys(cur).some((k) => prev[k] !== cur[k]);
  if (prev === undefined) {
    // Checkpoints without parameters were written before 0.2.0, whose remembered eventIds are not used.
    const lookback = Number(cur.lookback_minutes);
    if (lookback > 0 && ctx.pairs.some((p) => !p.remembered))
      out.warn.push(
        `lookback_minutes ${lookback}: the checkpoints (written by an older version) remember no eventIds that can be trusted, so lookback re-reads nothing now and grows to ${lookback} minutes as the input runs`,
      );
    return out;
  }
  if (tenancyChanged(ctx)) {
    out.warn.push(
      `account ${shown(prev.account)} -> ${cur.account} reads another tenancy (${ctx.previous.tenancyId} -> ${ctx.tenancyId}): the input starts afresh from ${iso(ctx.defaultStart)} and the ${ctx.pairs.length} checkpoints of the old tenancy were deleted`,
    );
    return out; // everything else starts afresh too
  }
  const edited = (k: string): boolean => prev[k] !== undefined && prev[k] !== cur[k];
  const pairs = ctx.pairs;
  if (edited('account'))
    out.info.push(`account ${prev.account} -> ${cur.account}: same tenancy, collection continues from the checkpoints`);

  if (edited('lookback_minutes')) {
    const from = Number(prev.lookback_minutes);
    const to = Number(cur.lookback_minutes);
    const what = `lookback_minutes ${from} -> ${to}`;
    if (to > from && pairs.length) {
      const spans = pairs.map((p) => (p.remembered ? Math.min(to, Math.max(0, (p.until - p.remembered.from) / MINUTE)) : 0));
      const min = Math.min(...spans);
      const max = Math.max(...spans);
      if (min < to)
        out.warn.push(
          `${what}: re-reading only the span whose eventIds are remembered (${min === max ? `${min}` : `${min} to ${max}`} minutes now) so that nothing delivered is sent again; it grows to ${to} minutes as the input runs, and events arriving late before that span are not collected`,
        );
      else out.info.push(`${what}: the whole span is remembered`);
    } else if (to === 0) out.info.push(`${what}: late events are no longer re-read; the remembered eventIds are forgotten`);
    else out.info.push(`${what}: re-reading the last ${to} minutes; older remembered eventIds are forgotten`);
  }

  if (edited('start_date_time') && pairs.length)
    out.warn.push(
      `start_date_time ${shown(prev.start_date_time)} -> ${shown(cur.start_date_time)}: the ${pairs.length} pairs with a checkpoint continue from it (nothing collected again, nothing skipped); only pairs without one start at ${iso(ctx.defaultStart)}`,
    );

  if (edited('end_date_time')) {
    const end = cur.end_date_time === '' ? undefined : Date.parse(cur.end_date_time);
    const past = end === undefined ? 0 : pairs.filter((p) => p.until > end).length;
    const what = `end_date_time ${shown(prev.end_date_time)} -> ${shown(cur.end_date_time)}`;
    if (past)
      out.warn.push(
        `${what}: ${past} pairs were already collected past it; what they delivered after it stays, and nothing more is collected`,
      );
    else out.info.push(`${what}: collection continues from each checkpoint up to ${end === undefined ? 'now' : cur.end_date_time}`);
  }

  if (edited('partition')) {
    const part = (s: string): { k: number; n: number } => {
      const [k, n] = s.split('/').map(Number);
      return { k, n };
    };
    const p0 = part(prev.partition);
    const p1 = part(cur.partition);
    const leaving = pairs.filter((p) => inPartition(p.region, p.compartmentId, p0) && !inPartition(p.region, p.compartmentId, p1));
    const back = pairs.filter((p) => !inPartition(p.region, p.compartmentId, p0) && inPartition(p.region, p.compartmentId, p1));
    const oldest = back.length ? iso(Math.min(...back.map((p) => p.until))) : undefined;
    out.warn.push(
      `partition ${prev.partition} -> ${cur.partition}: ${leaving.length} pairs leave this input (their checkpoints stay here); ` +
        `${back.length} pairs come back and resume from their checkpoints${oldest ? ` (oldest ${oldest})` : ''}, and pairs new to this input start at ${iso(ctx.defaultStart)}: ` +
        'events another input collected for them meanwhile are sent again',
    );
  }

  for (const k of ['regions', 'compartments', 'exclude_compartments'])
    if (edited(k))
      out.info.push(
        `${k} ${shown(prev[k])} -> ${shown(cur[k])}: added pairs start at ${iso(ctx.defaultStart)} (or when their compartment was created); removed pairs keep their checkpoints and resume from them if added back`,
      );
  if (edited('event_rules'))
    out.info.push(
      `event_rules ${shown(prev.event_rules)} -> ${shown(cur.event_rules)}: the rules apply from each checkpoint on; nothing is collected again`,
    );
  for (const k of ['query_window_size', 'delay_throttle'])
    if (edited(k)) out.info.push(`${k} ${prev[k]} -> ${cur[k]}: windows continue from each checkpoint`);
  if (edited('quiet_pair_max_minutes'))
    out.info.push(
      `quiet_pair_max_minutes ${prev.quiet_pair_max_minutes} -> ${cur.quiet_pair_max_minutes}: quiet pairs now wait at most ${cur.quiet_pair_max_minutes} minutes; reads continue from each checkpoint`,
    );
  if (edited('reread_every_minutes'))
    out.info.push(
      `reread_every_minutes ${prev.reread_every_minutes} -> ${cur.reread_every_minutes}: each pair re-reads its remembered span ${cur.reread_every_minutes} minutes after its last re-read`,
    );
  return out;
}
