// The input stanza's parameters (docs/contract.md "Input stanza"): the one table of their names,
// defaults, bounds and help text, and the one parser that both --validate-arguments and a run use,
// so both accept exactly the same values. Everything else is derived from the table (the --scheme
// text, the Inputs tab's fields, `preview`'s defaults) or tested against it (README/inputs.conf.spec,
// default/inputs.conf, docs/contract.md: test/unit/parameter-table.test.ts).
import { COMPARTMENT_OCID_RE, REGION_RE } from '../oci/rules';
import { EventRulesError, NO_RULES, parseEventRules, splitRules, type EventRules } from '../pipeline/event-rules';
import type { ParamValue, Params } from './input-xml';

export interface ParameterSpec {
  name: string;
  title: string;
  /** What it does, in a sentence; the scheme's description adds the bounds and the default. */
  help: string;
  dataType: 'string' | 'number' | 'boolean';
  required: boolean;
  /** The value a stanza without it gets, as default/inputs.conf [oci_audit] sets it. */
  default?: string;
  /** The default in words, for parameters whose default is not a value of their own. */
  defaultText?: string;
  /** Whole numbers: the accepted range. */
  min?: number;
  max?: number;
}

type Spec = ParameterSpec & { description: string };

/** The scheme's description: the help, then the range and the default. */
function describe(p: ParameterSpec): Spec {
  const range = p.min !== undefined && p.max !== undefined ? ` Whole number from ${p.min} to ${p.max}.` : '';
  const def = p.required ? '' : ` Default: ${p.defaultText ?? p.default}.`;
  return { ...p, description: `${p.help}${range}${def}` };
}

export const PARAMETERS: readonly Spec[] = (
  [
    {
      name: 'account',
      title: 'Account',
      help: 'Name of the OCI account (a stanza of ta_oci_audit_account.conf).',
      dataType: 'string',
      required: true,
    },
    {
      name: 'regions',
      title: 'Regions',
      help:
        'Comma-separated region identifiers (e.g. us-ashburn-1,eu-frankfurt-1), ' +
        'or * for every subscribed region whose status is READY.',
      dataType: 'string',
      required: false,
      default: '*',
    },
    {
      name: 'compartments',
      title: 'Compartments',
      help: 'Comma-separated compartment OCIDs, or * for the root compartment and every ACTIVE compartment below it.',
      dataType: 'string',
      required: false,
      default: '*',
    },
    {
      name: 'exclude_compartments',
      title: 'Excluded compartments',
      help: 'Comma-separated compartment OCIDs skipped together with everything below them.',
      dataType: 'string',
      required: false,
      defaultText: 'empty (nothing excluded)',
    },
    {
      name: 'start_date_time',
      title: 'Start date-time',
      help: 'ISO 8601 UTC (2026-01-31T00:00:00Z): first processed time collected for a region and compartment with no checkpoint.',
      dataType: 'string',
      required: false,
      defaultText: "24 hours before the input's first run",
    },
    {
      name: 'end_date_time',
      title: 'End date-time',
      help: 'ISO 8601 UTC: collect up to this time, then stop (a one-off backfill).',
      dataType: 'string',
      required: false,
      defaultText: 'none (collect continuously)',
    },
    {
      name: 'query_window_size',
      title: 'Query window (minutes)',
      help: 'Minutes covered by one ListEvents time window.',
      dataType: 'number',
      required: false,
      default: '60',
      min: 1,
      max: 1440,
    },
    {
      name: 'delay_throttle',
      title: 'Delay (minutes)',
      help: 'Minutes held back from now for events OCI has not yet made visible.',
      dataType: 'number',
      required: false,
      default: '0',
      min: 0,
      max: 1440,
    },
    {
      name: 'max_concurrency',
      title: 'Maximum concurrency',
      help: 'Region and compartment windows fetched at once.',
      dataType: 'number',
      required: false,
      default: '8',
      min: 1,
      max: 64,
    },
    {
      name: 'lookback_minutes',
      title: 'Lookback (minutes)',
      help: 'Also re-read this many minutes before the checkpoint and drop events already delivered; 0 turns it off.',
      dataType: 'number',
      required: false,
      default: '15',
      min: 0,
      max: 1440,
    },
    {
      name: 'quiet_pair_max_minutes',
      title: 'Quiet pair staleness (minutes)',
      help:
        'A region and compartment pair that had no events lately is read less often, but never lets its newest ' +
        'minutes wait longer than this before they are read (delay_throttle comes on top).',
      dataType: 'number',
      required: false,
      default: '30',
      min: 1,
      max: 1440,
    },
    {
      name: 'reread_every_minutes',
      title: 'Re-read every (minutes)',
      help: 'With lookback_minutes on: how often each pair re-reads its remembered span for late events; in between it reads only past its checkpoint. A pair quiet for longer than the span re-reads with its next read.',
      dataType: 'number',
      required: false,
      default: '5',
      min: 1,
      max: 1440,
    },
    {
      name: 'partition',
      title: 'Partition',
      help: 'k/n: collect only the region and compartment pairs whose stable hash falls in share k of n.',
      dataType: 'string',
      required: false,
      default: '0/1',
    },
    {
      name: 'event_rules',
      title: 'Event rules',
      help:
        'Rules separated by ; evaluated in order, first match wins: index, route:<index> or drop, then conditions ' +
        '(type, name, action, principal, auth, compartment, status, region as field=v1,v2 or field~regex), ' +
        'or preset:read_only route:<index> or drop. Events no rule matches are indexed (docs/event-rules.md).',
      dataType: 'string',
      required: false,
      defaultText: 'empty (no rules: every event is indexed)',
    },
  ] satisfies ParameterSpec[]
).map(describe);

/** One parameter's row of the table. */
export function parameter(name: string): Spec {
  const p = PARAMETERS.find((x) => x.name === name);
  if (!p) throw new Error(`no input parameter ${name}`);
  return p;
}

/** Each parameter's default value ('' when its default is not a value), e.g. for a form's placeholders. */
export const PARAMETER_DEFAULTS: Readonly<Record<string, string>> = Object.fromEntries(PARAMETERS.map((p) => [p.name, p.default ?? '']));

export interface Partition {
  k: number;
  n: number;
}

export interface InputConfig {
  /** Input name without the scheme, e.g. `prod`. */
  name: string;
  /** Full stanza name, e.g. `oci_audit://prod`. */
  stanza: string;
  account: string;
  regions: '*' | string[];
  compartments: '*' | string[];
  excludeCompartments: string[];
  startDateTime?: Date;
  endDateTime?: Date;
  queryWindowMinutes: number;
  delayMinutes: number;
  maxConcurrency: number;
  lookbackMinutes: number;
  quietPairMaxMinutes: number;
  rereadEveryMinutes: number;
  partition: Partition;
  /** event_rules, parsed (NO_RULES when empty). */
  eventRules: EventRules;
}

export const SCHEME = 'oci_audit';

/** splunkd's `interval` as default/inputs.conf [oci_audit] ships it: the process keeps running (docs/scheduling.md). */
export const DEFAULT_INTERVAL = '0';

export class ParameterError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ParameterError';
  }
}

/** start_date_time / end_date_time: an ISO 8601 date-time in UTC (Z or +00:00), seconds optional. */
const ISO_UTC_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|\+00:00|\+0000)$/;
/** An account's stanza name (docs/contract.md "Accounts"). */
export const ACCOUNT_RE = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$/;

function single(v: ParamValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v.join(',') : v;
  const t = s.trim();
  return t === '' ? undefined : t;
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Parses an ISO 8601 UTC date-time; undefined when it is not one. */
export function parseIsoUtc(s: string): Date | undefined {
  const m = ISO_UTC_RE.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map((x) => (x === undefined ? 0 : Number(x)));
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  const date = new Date(ms);
  if (date.getUTCDate() !== d) return undefined; // 2026-02-30
  return date;
}

/** A whole-number parameter within the table's bounds; its default when absent. */
function integer(name: string, raw: string | undefined, problems: string[]): number {
  const { min, max, default: def } = parameter(name);
  if (min === undefined || max === undefined || def === undefined) throw new Error(`${name} is not a whole-number parameter`);
  if (raw === undefined) return Number(def);
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name}: "${clip(raw)}" is not accepted; use a whole number from ${min} to ${max} (default ${def})`);
    return Number(def);
  }
  return Number(raw);
}

/**
 * Quotes input in a message: at most `n` characters (whole code points), control characters
 * (C0, DEL, C1, line/paragraph separators), non-characters and lone surrogates as `?`.
 */
export function clip(s: string, n = 80): string {
  const head = s.length > 2 * n + 2 ? s.slice(0, 2 * n + 2) : s;
  const clean = head.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '?',
  );
  const chars = Array.from(clean);
  return chars.length > n || head.length < s.length ? `${chars.slice(0, n).join('')}…` : clean;
}

/** Splits a full stanza name (`oci_audit://prod`) into the input name; plain names pass through. */
export function inputName(stanzaOrName: string): string {
  const prefix = `${SCHEME}://`;
  return stanzaOrName.startsWith(prefix) ? stanzaOrName.slice(prefix.length) : stanzaOrName;
}

/**
 * Checks and converts an input's raw parameters. Every problem is reported at once, each naming
 * the parameter and what it accepts. `now` is used for "must be in the past" checks.
 */
export function parseInputConfig(nameOrStanza: string, params: Params, now: Date = new Date()): InputConfig {
  const problems: string[] = [];
  const name = inputName(nameOrStanza);
  if (name === '' || name.length > 200) problems.push('name: the input needs a name; use 1 to 200 characters');

  const account = single(params.account);
  if (account === undefined) problems.push('account: required; give the name of an account configured on the Accounts tab');
  else if (!ACCOUNT_RE.test(account))
    problems.push(`account: "${clip(account)}" is not an account name; use letters, digits, _ . @ - (up to 100)`);

  const regionsRaw = single(params.regions) ?? PARAMETER_DEFAULTS.regions;
  let regions: '*' | string[] = '*';
  if (regionsRaw !== '*') {
    regions = list(regionsRaw);
    const bad = regions.filter((r) => !REGION_RE.test(r));
    if (bad.length || regions.length === 0)
      problems.push(
        `regions: "${clip(bad.join(',') || regionsRaw)}" is not a region identifier; ` +
          'use * or a comma list such as us-ashburn-1,eu-frankfurt-1',
      );
  }

  const compartmentsRaw = single(params.compartments) ?? PARAMETER_DEFAULTS.compartments;
  let compartments: '*' | string[] = '*';
  if (compartmentsRaw !== '*') {
    compartments = list(compartmentsRaw);
    const bad = compartments.filter((c) => !COMPARTMENT_OCID_RE.test(c));
    if (bad.length || compartments.length === 0)
      problems.push(
        `compartments: "${clip(bad[0] ?? compartmentsRaw)}" is not a compartment or tenancy OCID; ` +
          'use * or a comma list of OCIDs such as ocid1.compartment.oc1..aaaa…',
      );
  }

  const excludeCompartments = list(single(params.exclude_compartments));
  const badEx = excludeCompartments.filter((c) => !COMPARTMENT_OCID_RE.test(c));
  if (badEx.length)
    problems.push(
      `exclude_compartments: "${clip(badEx[0])}" is not a compartment OCID; ` +
        'use a comma list of OCIDs such as ocid1.compartment.oc1..aaaa…',
    );

  const date = (key: 'start_date_time' | 'end_date_time'): Date | undefined => {
    const raw = single(params[key]);
    if (raw === undefined) return undefined;
    const d = parseIsoUtc(raw);
    if (!d) {
      problems.push(`${key}: "${clip(raw)}" is not an ISO 8601 UTC date-time; use YYYY-MM-DDTHH:MM:SSZ, e.g. 2026-01-31T00:00:00Z`);
      return undefined;
    }
    return d;
  };
  const startDateTime = date('start_date_time');
  const endDateTime = date('end_date_time');
  if (startDateTime && startDateTime.getTime() > now.getTime())
    problems.push(`start_date_time: "${clip(single(params.start_date_time) ?? '')}" is in the future; use a date-time in the past`);
  if (startDateTime && endDateTime && endDateTime.getTime() <= startDateTime.getTime())
    problems.push('end_date_time: must be later than start_date_time');

  const queryWindowMinutes = integer('query_window_size', single(params.query_window_size), problems);
  const delayMinutes = integer('delay_throttle', single(params.delay_throttle), problems);
  const maxConcurrency = integer('max_concurrency', single(params.max_concurrency), problems);
  const lookbackMinutes = integer('lookback_minutes', single(params.lookback_minutes), problems);
  const quietPairMaxMinutes = integer('quiet_pair_max_minutes', single(params.quiet_pair_max_minutes), problems);
  const rereadEveryMinutes = integer('reread_every_minutes', single(params.reread_every_minutes), problems);

  const partRaw = single(params.partition) ?? PARAMETER_DEFAULTS.partition;
  const m = /^([0-9]{1,4})\/([0-9]{1,4})$/.exec(partRaw);
  const partition: Partition = { k: Number(m?.[1] ?? 0), n: Number(m?.[2] ?? 1) };
  if (!m || partition.n < 1 || partition.k >= partition.n)
    problems.push(`partition: "${clip(partRaw)}" is not accepted; use k/n with 0 <= k < n <= 9999, e.g. 0/3`);

  let eventRules: EventRules = NO_RULES;
  const rulesValue = params.event_rules;
  const rulesText = Array.isArray(rulesValue) ? rulesValue.join(' ; ') : (rulesValue ?? '');
  if (rulesText.trim() !== '') {
    try {
      eventRules = parseEventRules(rulesText);
    } catch (err) {
      if (!(err instanceof EventRulesError)) throw err;
      problems.push(...err.problems);
    }
  }

  if (problems.length) throw new ParameterError(problems);
  return {
    name,
    stanza: `${SCHEME}://${name}`,
    account: account as string,
    regions,
    compartments,
    excludeCompartments,
    startDateTime,
    endDateTime,
    queryWindowMinutes,
    delayMinutes,
    maxConcurrency,
    lookbackMinutes,
    quietPairMaxMinutes,
    rereadEveryMinutes,
    partition,
    eventRules,
  };
}

/** event_rules as the input record keeps it: one space between tokens, ` ; ` between rules. */
export function normalizeEventRules(text: string): string {
  return splitRules(text)
    .map((r) => r.split(/\s+/).join(' '))
    .join(' ; ');
}

/**
 * The parameters that decide what a run collects, as text (sets sorted: order is not an edit): what the
 * input record keeps and the next run compares (src/pipeline/edits.ts), and what the Inputs tab compares
 * before Save (src/web/edit-warnings.ts).
 */
export function runParams(c: InputConfig): Record<string, string> {
  const set = (v: '*' | string[]): string => (v === '*' ? '*' : [...v].sort().join(','));
  return {
    account: c.account,
    regions: set(c.regions),
    compartments: set(c.compartments),
    exclude_compartments: set(c.excludeCompartments),
    start_date_time: c.startDateTime?.toISOString() ?? '',
    end_date_time: c.endDateTime?.toISOString() ?? '',
    query_window_size: String(c.queryWindowMinutes),
    delay_throttle: String(c.delayMinutes),
    lookback_minutes: String(c.lookbackMinutes),
    quiet_pair_max_minutes: String(c.quietPairMaxMinutes),
    reread_every_minutes: String(c.rereadEveryMinutes),
    partition: `${c.partition.k}/${c.partition.n}`,
    event_rules: normalizeEventRules(c.eventRules.text),
  };
}
