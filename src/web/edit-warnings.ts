// What saving an edited input will do where the edit is not simply "the next run uses the new value"
// (docs/contract.md "What an edit does"): one sentence per such edit, shown on the Inputs tab before
// Save. The run that follows logs the same in one WARN line, with its numbers (src/pipeline/edits.ts).

import { ParameterError, parseInputConfig, runParams } from '../splunk/parameters';

/** What a run would collect with these values, as the input compares it; undefined while they do not parse (the form says why). */
function collected(values: Record<string, unknown>, now: Date): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'string' || typeof v === 'number') params[k] = String(v);
  try {
    return runParams(parseInputConfig('edit', params, now));
  } catch (e) {
    if (e instanceof ParameterError) return undefined;
    throw e;
  }
}

/**
 * The warnings for an edit of a saved input: `saved` is the stanza as splunkd lists it, `form` the
 * values about to be saved. Empty when nothing changes what was or will be collected, or while the form
 * does not parse.
 */
export function editWarnings(
  saved: Record<string, unknown> | undefined,
  form: Record<string, string | undefined>,
  now = new Date(),
): string[] {
  const b = saved && collected(saved, now);
  const a = collected(form, now);
  if (!b || !a) return [];
  const out: string[] = [];

  if (a.account !== b.account)
    out.push(
      'If the new account is in another tenancy, the input starts afresh: it collects from Start date-time (or 24 hours before its next run) and deletes the checkpoints of the current tenancy; an account of the same tenancy continues from them.',
    );

  const l0 = Number(b.lookback_minutes);
  const l1 = Number(a.lookback_minutes);
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

  if (a.start_date_time !== b.start_date_time)
    out.push(
      'Start date-time applies only to regions and compartments not collected yet; the others continue from their checkpoints, so nothing before them is collected and nothing already collected is sent again.',
    );

  if (a.end_date_time !== b.end_date_time) {
    // ISO 8601 in UTC, or '' for none: compared as text, they sort by time
    if (a.end_date_time !== '' && (b.end_date_time === '' || a.end_date_time < b.end_date_time))
      out.push('Collection stops at the new end date-time; events already collected after it stay in the index.');
    else
      out.push(
        'Collection continues from each checkpoint up to the new end date-time (or up to now without one); nothing is collected twice.',
      );
  }

  if (a.partition !== b.partition)
    out.push(
      'Changing the partition moves regions and compartments between inputs: one that joins this input resumes from its old checkpoint here or starts at Start date-time, so events another input already sent for it are sent again.',
    );

  if (['regions', 'compartments', 'exclude_compartments'].some((k) => a[k] !== b[k]))
    out.push(
      'Regions and compartments that are added start at Start date-time (or 24 hours before the input first ran); removed ones keep their checkpoints and resume from them if added back.',
    );
  return out;
}
