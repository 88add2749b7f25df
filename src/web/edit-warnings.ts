// What saving an edited input will do where the edit is not simply "the next run uses the new value"
// (docs/contract.md "What an edit does"): one sentence per such edit, shown on the Inputs tab before
// Save. The run that follows logs the same in one WARN line, with its numbers (src/pipeline/edits.ts).

type Values = Record<string, string | undefined>;

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** Minutes of lookback as the input reads it: empty = the default, 0 (off). */
function lookback(v: string): number {
  const n = Number(v === '' ? '0' : v);
  return Number.isFinite(n) ? n : 0;
}

/** A date-time as epoch ms; empty = none (no end). NaN when it does not parse (the form reports that). */
function date(v: string): number | undefined {
  return v === '' ? undefined : Date.parse(v);
}

/** Sets are compared, not their order or spacing. */
function set(v: string): string {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .sort()
    .join(',');
}

/**
 * The warnings for an edit of a saved input: `saved` is the stanza as splunkd lists it, `form` the
 * values about to be saved. Empty when nothing changes what was or will be collected.
 */
export function editWarnings(saved: Record<string, unknown> | undefined, form: Values): string[] {
  if (!saved) return [];
  const before = (k: string): string => text(saved[k]);
  const after = (k: string): string => text(form[k]);
  const out: string[] = [];

  if (after('account') !== '' && before('account') !== after('account'))
    out.push(
      'If the new account is in another tenancy, the input starts afresh: it collects from Start date-time (or 24 hours before its next run) and deletes the checkpoints of the current tenancy; an account of the same tenancy continues from them.',
    );

  const l0 = lookback(before('lookback_minutes'));
  const l1 = lookback(after('lookback_minutes'));
  if (l1 > l0 && l0 === 0)
    out.push(
      `Lookback starts with this change: the input re-reads only times whose event IDs it remembers, which begin at the next run and grow to ${l1} minutes as it runs, so late events for earlier times are not collected.`,
    );
  else if (l1 > l0)
    out.push(
      `Lookback grows from ${l0} to ${l1} minutes gradually: the input re-reads only times whose event IDs it remembers, so late events more than ${l0} minutes before the next run are not collected.`,
    );
  else if (l1 === 0 && l0 > 0)
    out.push(
      'Turning lookback off stops re-reading for late events and forgets the remembered event IDs; turned on again, it starts from zero.',
    );

  if (before('start_date_time') !== after('start_date_time'))
    out.push(
      'Start date-time applies only to regions and compartments not collected yet; the others continue from their checkpoints, so nothing before them is collected and nothing already collected is sent again.',
    );

  const e0 = date(before('end_date_time'));
  const e1 = date(after('end_date_time'));
  if (e0 !== e1 && !Number.isNaN(e1)) {
    if (e1 !== undefined && (e0 === undefined || e1 < e0))
      out.push('Collection stops at the new end date-time; events already collected after it stay in the index.');
    else
      out.push(
        'Collection continues from each checkpoint up to the new end date-time (or up to now without one); nothing is collected twice.',
      );
  }

  if ((before('partition') || '0/1') !== (after('partition') || '0/1'))
    out.push(
      'Changing the partition moves regions and compartments between inputs: one that joins this input resumes from its old checkpoint here or starts at Start date-time, so events another input already sent for it are sent again.',
    );

  if (
    ['regions', 'compartments', 'exclude_compartments'].some(
      (k) => set(before(k) || (k === 'exclude_compartments' ? '' : '*')) !== set(after(k) || (k === 'exclude_compartments' ? '' : '*')),
    )
  )
    out.push(
      'Regions and compartments that are added start at Start date-time (or 24 hours before the input first ran); removed ones keep their checkpoints and resume from them if added back.',
    );
  return out;
}
