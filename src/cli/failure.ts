// What the admin commands say when they fail: one plain sentence for an expected failure (a setting
// that cannot be used, an input parameter given as a flag, OCI refusing or unreachable), and one line
// naming an unexpected one, with its stack only at --log-level DEBUG.
import { ConfigError } from '../config-error';
import { classify, explain } from '../oci/errors';
import { FatalRunError } from '../pipeline/collector';
import { ParameterError } from '../splunk/parameters';

/** Input parameters as `preview` takes them (src/cli/admin.ts). */
const PREVIEW_FLAG: Record<string, string> = {
  regions: '--regions',
  compartments: '--compartments',
  exclude_compartments: '--exclude-compartments',
  start_date_time: '--start',
  end_date_time: '--end',
  query_window_size: '--window',
  max_concurrency: '--max-concurrency',
  event_rules: '--event-rules',
};

/** A ParameterError's problems with the input's parameter names replaced by preview's flags. */
function inFlagNames(err: ParameterError): string {
  return err.problems.map((p) => p.replace(/^(\w+):/, (m, name: string) => (PREVIEW_FLAG[name] ? `${PREVIEW_FLAG[name]}:` : m))).join('; ');
}

/** The one line an admin command prints for `err` (the logger adds the level word), and for an unexpected
 * failure its stack, which the caller logs at DEBUG. */
export function failureLine(err: unknown, command: string): { line: string; stack?: string } {
  if (err instanceof ConfigError || err instanceof FatalRunError) return { line: `${command}: ${err.message}` };
  if (err instanceof ParameterError) return { line: `${command}: ${inFlagNames(err)}` };
  const c = classify(err);
  // An answer from OCI or a network failure: the same plain words as the input's log.
  if (c.status !== undefined || c.category === 'network' || c.category === 'malformed') return { line: explain(c, command) };
  const name = err instanceof Error ? `${err.name}: ` : '';
  return {
    line: `${command}: unexpected failure: ${name}${c.message} (run again with --log-level DEBUG for the stack)`,
    stack: err instanceof Error ? err.stack : undefined,
  };
}
