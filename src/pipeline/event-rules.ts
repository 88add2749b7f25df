// Event rules (docs/event-rules.md): an ordered list of `<decision> [<condition> ...]` rules, separated by
// `;`, first match wins; an event that matches no rule is indexed. Pure, no I/O and no Node imports: the
// input's parameter parser, the run, `preview`, the estimate endpoint and the Inputs tab (web bundle) all
// use this one module, so they accept exactly the same rules.
//
// The hot path is `EventDecider.decide`: rules are compiled once (regexes, lower-cased value sets, status
// classes), bound once per region and run (region conditions settled, compartment names resolved to id
// sets), and evaluated on the few fields the reader already took from its one JSON.parse of the event.

import type { RawEvent } from '../oci/audit-events';
export type Decision = 'index' | 'route' | 'drop';

/** The fields a condition can test, in the order error messages list them. */
export const RULE_FIELDS = ['type', 'name', 'action', 'principal', 'auth', 'compartment', 'status', 'region'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

/** What each field reads, for messages, docs and the page. */
export const RULE_FIELD_HELP: Readonly<Record<RuleField, string>> = {
  type: 'eventType, e.g. type~^com\\.oraclecloud\\.identitysignon\\.',
  name: 'data.eventName, e.g. name=GetSecretBundle,GetObject',
  action: 'data.request.action, e.g. action=GET,HEAD',
  principal: 'data.identity.principalName or principalId, e.g. principal=scanner@example.com',
  auth: 'data.identity.authType, e.g. auth=instance,resource',
  compartment: "data.compartmentId's compartment and its subtree, by name or OCID, e.g. compartment=sandbox",
  status: 'data.response.status, a code or a class, e.g. status=4xx or status=401,403',
  region: 'the region the event was read from, e.g. region=us-ashburn-1',
};

/** The fields of one audit event that rules read (taken by src/oci/audit-events.ts from its one parse). */
export type EventFields = Omit<RawEvent, 'text' | 'eventId' | 'eventTime'>;

/** One rule after preset expansion, in evaluation order. */
export interface RuleInfo {
  /** `rule-<n>` for a written rule (n its 1-based position as written), `<preset>/<name>` for a preset's. */
  label: string;
  /** The rule's own text (for a preset's rules, the expanded rule). */
  text: string;
  decision: Decision;
  /** route only: the index events are written to. */
  index?: string;
  /** 1-based position of the rule as written (a preset's rules share the preset's position). */
  written: number;
}

/** What `decide` answers; one frozen object per rule, so deciding allocates nothing. */
export interface RuleOutcome {
  /** 0-based position in `EventRules.rules`; -1 when no rule matched (the event is indexed). */
  readonly rule: number;
  readonly label: string;
  readonly decision: Decision;
  readonly index?: string;
}

export const UNMATCHED: RuleOutcome = Object.freeze({ rule: -1, label: 'unmatched', decision: 'index' as const });

/** A compartment of the tenancy's tree (the collector's discovery, the root included). */
export interface CompartmentNode {
  id: string;
  name: string;
  parentId?: string;
}

/** Where rules are applied: one region, and the compartment tree when a rule names compartments. */
export interface RuleScope {
  region: string;
  compartments?: readonly CompartmentNode[];
}

export class EventRulesError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'EventRulesError';
  }
}

/**
 * Splunk index names: lowercase letters, digits, `_` and `-`, not starting with `_` or `-`, and not
 * containing "kvstore" (indexes.conf.spec, "Index names",
 * https://docs.splunk.com/Documentation/Splunk/latest/Admin/Indexesconf). 80 characters at most.
 */
export const INDEX_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,79}$/;

export function indexNameProblem(name: string): string | undefined {
  if (!INDEX_NAME_RE.test(name) || name.includes('kvstore'))
    return 'use lowercase letters, digits, _ and - (not first), up to 80 characters, not containing "kvstore"';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// The read_only preset

export interface PresetRule {
  /** Short name; the rule's label is `read_only/<name>`. */
  name: string;
  /** The conditions, in the rule syntax. */
  conditions: string;
  /** keep: an `index` rule; noise: the decision the admin gives the preset. */
  role: 'keep' | 'noise';
  /** Why it is kept (docs/event-rules.md and the page show it). */
  why: string;
}

/**
 * Kept reads first, then the read-only noise. Event names are the services' API operation names, which
 * OCI Audit records as data.eventName (e.g. GetInstance for ComputeApi GetInstance in
 * https://docs.oracle.com/iaas/Content/Audit/Reference/logeventreference.htm); each list names the API it
 * comes from in docs/event-rules.md.
 */
export const READ_ONLY_PRESET: readonly PresetRule[] = [
  {
    name: 'keep-denied',
    conditions: 'status=401,403,404',
    role: 'keep',
    why: 'A call refused for authentication (401), authorization (403) or a resource OCI hides from the caller (404, what OCI answers when the caller may not see it): probing, stolen or stale credentials, misused permissions.',
  },
  {
    name: 'keep-sign-ins',
    conditions: 'type~(?i)^com\\.oraclecloud\\.identitysignon\\.',
    role: 'keep',
    why: 'Console sign-ins (IdentitySignOn events such as InteractiveLogin), successful or not: who signed in, from where, how.',
  },
  {
    name: 'keep-secret-reads',
    conditions: 'name=GetSecretBundle,GetSecretBundleByName,ListSecretBundleVersions',
    role: 'keep',
    why: 'Vault Secrets retrieval (API secretretrieval/20190301): each returns or lists the contents of a secret (passwords, keys, tokens).',
  },
  {
    name: 'keep-key-reads',
    conditions:
      'name=GetKey,GetKeyVersion,ListKeyVersions,ExportKey,GetWrappingKey,Decrypt,Encrypt,ReEncrypt,GenerateDataEncryptionKey,Sign,Verify',
    role: 'keep',
    why: 'Vault keys (API Key Management 20180608): reads of a master key and its versions, exports of key material, and the crypto calls that use a key to decrypt, encrypt, wrap data keys or sign.',
  },
  {
    name: 'keep-object-reads',
    conditions: 'name=GetObject,HeadObject,GetPreauthenticatedRequest,ListPreauthenticatedRequests',
    role: 'keep',
    why: "Object Storage downloads (GetObject), object metadata reads (HeadObject), and reads of pre-authenticated requests, the URLs that let anyone read a bucket's objects without signing in.",
  },
  {
    name: 'keep-credential-reads',
    conditions:
      'name=ListApiKeys,ListAuthTokens,ListCustomerSecretKeys,ListSmtpCredentials,ListOAuthClientCredentials,ListDbCredentials,ListSwiftPasswords,GetUserUIPasswordInformation,ListMfaTotpDevices,GetMfaTotpDevice',
    role: 'keep',
    why: "IAM reads of a user's credentials (Identity API 20160918): API keys, auth tokens, customer secret keys, SMTP, OAuth 2.0 client and database credentials, Swift passwords, console password state and MFA devices: the reconnaissance before a credential is abused.",
  },
  {
    name: 'noise-read-actions',
    conditions: 'action=GET,HEAD',
    role: 'noise',
    why: 'Every other call made with HTTP GET or HEAD reads and changes nothing.',
  },
  {
    name: 'noise-read-names',
    conditions: 'name~^(Get|List|Head|Search|Summarize)',
    role: 'noise',
    why: 'Read-only operations sent with POST (searches, summaries), named so by OCI API convention.',
  },
];

export const PRESETS: Readonly<Record<string, readonly PresetRule[]>> = { read_only: READ_ONLY_PRESET };

// ---------------------------------------------------------------------------------------------------
// Parsing

/**
 * Splits the parameter's text into rules: on `;` except `\;` (kept as written: the regex reads `\;` as
 * `;`); a line continuation (backslash, line break) of a .conf file is whitespace. Empty rules (a
 * trailing `;`) are left out, so positions count the rules as the admin sees them.
 */
export function splitRules(text: string): string[] {
  const s = text.replace(/\\\r?\n/g, ' ');
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + (s[i + 1] as string);
      i++;
    } else if (c === ';') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((r) => r.trim()).filter((r) => r !== '');
}

/** Quotes a rule in a message: at most 60 characters, control characters as `?`. */
function quote(s: string, n = 60): string {
  // control characters, non-characters and lone surrogates never reach a message (as parameters.ts clip())
  const clean = s.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '?',
  );
  const chars = Array.from(clean);
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : clean;
}

type Test = (e: EventFields) => boolean;

/** A condition compiled from its text; compartment and region conditions are settled when bound. */
type Condition =
  | { kind: 'event'; test: Test }
  | { kind: 'region'; values: ReadonlySet<string> | RegExp }
  | { kind: 'compartment'; values: readonly string[] };

interface CompiledRule {
  info: RuleInfo;
  conditions: Condition[];
}

const FIELD_LIST = RULE_FIELDS.join(', ');
const DECISIONS_TEXT = 'index, route:<index>, drop, or preset:<name> followed by route:<index> or drop';
const STATUS_RE = /^(?:[1-5][0-9][0-9]|[1-5]xx)$/;

function lowerSet(values: string[]): Set<string> {
  return new Set(values.map((v) => v.toLowerCase()));
}

/** Exact match, case-insensitive; the written case is tried first so the usual hit costs no lower-casing. */
function exact(values: string[], read: (e: EventFields) => string | undefined): Test {
  const written = new Set(values);
  const lower = lowerSet(values);
  if (values.length === 1) {
    const w = values[0] as string;
    const l = w.toLowerCase();
    return (e) => {
      const v = read(e);
      return v !== undefined && (v === w || v.toLowerCase() === l);
    };
  }
  return (e) => {
    const v = read(e);
    return v !== undefined && (written.has(v) || lower.has(v.toLowerCase()));
  };
}

function regex(re: RegExp, read: (e: EventFields) => string | undefined): Test {
  return (e) => {
    const v = read(e);
    return v !== undefined && re.test(v);
  };
}

const READERS: Record<Exclude<RuleField, 'compartment' | 'region' | 'principal'>, (e: EventFields) => string | undefined> = {
  type: (e) => e.eventType,
  name: (e) => e.eventName,
  action: (e) => e.action,
  auth: (e) => e.authType,
  status: (e) => e.status,
};

/** A `~` value: a JS regular expression; a leading `(?i)` makes it case-insensitive. */
function compileRegex(source: string): RegExp {
  const ci = source.startsWith('(?i)');
  // No `u` flag: `\;` (written to keep a `;` from splitting rules) then reads as `;`.
  return new RegExp(ci ? source.slice(4) : source, ci ? 'i' : '');
}

class RuleProblem extends Error {}

function compileCondition(token: string): Condition {
  const m = /^([A-Za-z_]+)([=~])(.*)$/s.exec(token);
  if (!m)
    throw new RuleProblem(
      `"${quote(token, 40)}" is not a condition; write field=value1,value2 (exact, any case) or field~regex, no spaces inside (use \\s), with field one of ${FIELD_LIST}`,
    );
  const field = (m[1] as string).toLowerCase();
  const op = m[2] as '=' | '~';
  const raw = m[3] as string;
  if (!(RULE_FIELDS as readonly string[]).includes(field))
    throw new RuleProblem(`unknown field "${quote(m[1] as string, 30)}"; use ${FIELD_LIST}`);
  const f = field as RuleField;
  if (raw === '') throw new RuleProblem(`${f}${op} needs a value, e.g. ${RULE_FIELD_HELP[f].replace(/^.*e\.g\. /, '')}`);

  let re: RegExp | undefined;
  let values: string[] = [];
  if (op === '~') {
    if (f === 'compartment')
      throw new RuleProblem('compartment takes names or OCIDs with =, e.g. compartment=sandbox,ocid1.compartment.oc1..aaaa');
    try {
      re = compileRegex(raw);
    } catch (err) {
      const why = String((err as Error).message).replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
      throw new RuleProblem(`${f}~"${quote(raw, 40)}" is not a valid regular expression (${why}); use a JavaScript regular expression`);
    }
  } else {
    values = raw.split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) throw new RuleProblem(`${f}=${quote(raw, 40)} has an empty value; use single commas between values`);
  }

  switch (f) {
    case 'region':
      return { kind: 'region', values: re ?? lowerSet(values) };
    case 'compartment':
      return { kind: 'compartment', values };
    case 'principal': {
      if (re) {
        const r = re;
        return {
          kind: 'event',
          test: (e) => (e.principalName !== undefined && r.test(e.principalName)) || (e.principalId !== undefined && r.test(e.principalId)),
        };
      }
      const byName = exact(values, (e) => e.principalName);
      const byId = exact(values, (e) => e.principalId);
      return { kind: 'event', test: (e) => byName(e) || byId(e) };
    }
    case 'status': {
      if (re) return { kind: 'event', test: regex(re, READERS.status) };
      const bad = values.find((v) => !STATUS_RE.test(v.toLowerCase()));
      if (bad !== undefined)
        throw new RuleProblem(`status "${quote(bad, 20)}" is not a status; use a code such as 404 or a class such as 4xx`);
      const codes = new Set(values.filter((v) => !/x/i.test(v)));
      const classes = new Set(values.filter((v) => /x/i.test(v)).map((v) => v[0] as string));
      return {
        kind: 'event',
        test: (e) => {
          const s = e.status;
          return s !== undefined && (codes.has(s) || (s.length === 3 && classes.has(s[0] as string)));
        },
      };
    }
    default:
      return { kind: 'event', test: re ? regex(re, READERS[f]) : exact(values, READERS[f]) };
  }
}

function parseDecision(token: string): { decision: Decision; index?: string } {
  const t = token.toLowerCase();
  if (t === 'index') return { decision: 'index' };
  if (t === 'drop') return { decision: 'drop' };
  if (t === 'route' || t.startsWith('route:')) {
    const index = token.slice('route:'.length);
    if (t === 'route' || index === '') throw new RuleProblem('route needs an index name, e.g. route:oci_audit_reads');
    const bad = indexNameProblem(index);
    if (bad) throw new RuleProblem(`route:${quote(index, 40)} is not an index name; ${bad}`);
    return { decision: 'route', index };
  }
  throw new RuleProblem(`unknown decision "${quote(token, 30)}"; a rule starts with ${DECISIONS_TEXT}`);
}

function compileRule(text: string, label: string, written: number): CompiledRule {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  const d = parseDecision(tokens[0] as string);
  const conditions = tokens.slice(1).map(compileCondition);
  return { info: { label, text, decision: d.decision, ...(d.index !== undefined ? { index: d.index } : {}), written }, conditions };
}

function expandPreset(text: string, written: number): CompiledRule[] {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  const name = (tokens[0] as string).slice('preset:'.length);
  const preset = PRESETS[name];
  if (!preset) throw new RuleProblem(`unknown preset "${quote(name, 30)}"; use ${Object.keys(PRESETS).join(', ')}`);
  if (tokens.length !== 2)
    throw new RuleProblem(
      `preset:${name} takes one decision for the noise and nothing else, e.g. preset:${name} route:oci_audit_reads or preset:${name} drop`,
    );
  const noise = parseDecision(tokens[1] as string);
  if (noise.decision === 'index')
    throw new RuleProblem(`preset:${name} needs route:<index> or drop for the noise (index would keep everything)`);
  const noiseDecision = noise.decision === 'route' ? `route:${noise.index}` : 'drop';
  return preset.map((p) => compileRule(`${p.role === 'keep' ? 'index' : noiseDecision} ${p.conditions}`, `${name}/${p.name}`, written));
}

/**
 * Parses the event_rules parameter. Throws EventRulesError with every problem at once, each naming the
 * rule (1-based position and its text) and what is accepted. Empty text: no rules (everything indexed).
 */
export function parseEventRules(text: string): EventRules {
  const problems: string[] = [];
  const compiled: CompiledRule[] = [];
  splitRules(text).forEach((ruleText, i) => {
    const written = i + 1;
    try {
      if (/^preset:/i.test(ruleText)) compiled.push(...expandPreset(ruleText, written));
      else compiled.push(compileRule(ruleText, `rule-${written}`, written));
    } catch (err) {
      if (!(err instanceof RuleProblem)) throw err;
      problems.push(`event_rules: rule ${written} "${quote(ruleText)}": ${err.message}`);
    }
  });
  if (problems.length) throw new EventRulesError(problems);
  return new EventRules(compiled, text);
}

// ---------------------------------------------------------------------------------------------------
// Deciding

/** Rules bound to one region and run: `decide` is the per-event call. */
export interface EventDecider {
  decide(event: EventFields): RuleOutcome;
  /** No rule can match here (none written, or none for this region): every event is indexed. */
  readonly indexesAll: boolean;
}

/** Compartment ids named by `values` (OCIDs, or names in any case) and everything below them. */
export function resolveCompartments(values: readonly string[], tree: readonly CompartmentNode[]): { ids: Set<string>; unknown: string[] } {
  const children = new Map<string, CompartmentNode[]>();
  for (const c of tree) {
    if (c.parentId === undefined) continue;
    const list = children.get(c.parentId);
    if (list) list.push(c);
    else children.set(c.parentId, [c]);
  }
  const byId = new Map(tree.map((c) => [c.id, c]));
  const pathOf = (id: string): string => {
    const names: string[] = [];
    for (let c = byId.get(id), depth = 0; c?.parentId !== undefined && depth < 64; c = byId.get(c.parentId), depth++) names.unshift(c.name);
    return names.join('/');
  };
  const ids = new Set<string>();
  const unknown: string[] = [];
  const add = (id: string): void => {
    const stack = [id];
    while (stack.length) {
      const cur = stack.pop() as string;
      if (ids.has(cur)) continue;
      ids.add(cur);
      for (const ch of children.get(cur) ?? []) stack.push(ch.id);
    }
  };
  for (const v of values) {
    if (/^ocid1\./i.test(v)) {
      if (!tree.some((c) => c.id === v)) unknown.push(v);
      add(v); // an OCID matches its own events even when it is not in the tree (deleted, or not listed)
      continue;
    }
    // A path (prod/app/db: names from below the root down, as the Inputs tab's picker shows them) names one compartment.
    const named = v.includes('/')
      ? tree.filter((c) => pathOf(c.id).toLowerCase() === v.toLowerCase())
      : tree.filter((c) => c.name.toLowerCase() === v.toLowerCase());
    if (!named.length) unknown.push(v);
    for (const c of named) add(c.id);
  }
  return { ids, unknown };
}

export class EventRules {
  readonly rules: readonly RuleInfo[];
  /** The outcome object of each rule (index as in `rules`). */
  readonly outcomes: readonly RuleOutcome[];
  readonly needsCompartmentTree: boolean;

  constructor(
    private readonly compiled: readonly CompiledRule[],
    /** The parameter's text as written. */
    readonly text: string,
  ) {
    this.rules = compiled.map((c) => c.info);
    this.outcomes = compiled.map((c, i) =>
      Object.freeze({
        rule: i,
        label: c.info.label,
        decision: c.info.decision,
        ...(c.info.index !== undefined ? { index: c.info.index } : {}),
      }),
    );
    this.needsCompartmentTree = compiled.some((c) => c.conditions.some((k) => k.kind === 'compartment'));
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** The indexes routes write to, each once, in rule order (for the index-exists check). */
  routeIndexes(): string[] {
    return [...new Set(this.rules.flatMap((r) => (r.index !== undefined ? [r.index] : [])))];
  }

  /** Compartment values named in rules that are not in `tree` (a WARN per run: they match nothing by name). */
  unknownCompartments(tree: readonly CompartmentNode[]): Array<{ rule: RuleInfo; value: string }> {
    const out: Array<{ rule: RuleInfo; value: string }> = [];
    for (const c of this.compiled)
      for (const k of c.conditions)
        if (k.kind === 'compartment') for (const value of resolveCompartments(k.values, tree).unknown) out.push({ rule: c.info, value });
    return out;
  }

  /**
   * Binds the rules to one region (and the compartment tree, needed when `needsCompartmentTree`):
   * region conditions are settled here, compartment values become id sets, and rules that cannot match
   * in this region are left out.
   */
  bind(scope: RuleScope): EventDecider {
    const region = scope.region;
    const tree = scope.compartments ?? [];
    const live: Array<{ outcome: RuleOutcome; tests: Test[] }> = [];
    this.compiled.forEach((c, i) => {
      const tests: Test[] = [];
      for (const k of c.conditions) {
        if (k.kind === 'event') tests.push(k.test);
        else if (k.kind === 'region') {
          const ok = k.values instanceof RegExp ? k.values.test(region) : k.values.has(region.toLowerCase());
          if (!ok) return; // this rule never matches in this region
        } else {
          const { ids } = resolveCompartments(k.values, tree);
          tests.push((e) => e.compartmentId !== undefined && ids.has(e.compartmentId));
        }
      }
      live.push({ outcome: this.outcomes[i] as RuleOutcome, tests });
    });
    const n = live.length;
    const outcomes = live.map((l) => l.outcome);
    const tests = live.map((l) => l.tests);
    return {
      indexesAll: n === 0,
      decide(event: EventFields): RuleOutcome {
        for (let i = 0; i < n; i++) {
          const t = tests[i] as Test[];
          let ok = true;
          for (let j = 0; j < t.length; j++)
            if (!(t[j] as Test)(event)) {
              ok = false;
              break;
            }
          if (ok) return outcomes[i] as RuleOutcome;
        }
        return UNMATCHED;
      },
    };
  }

  /** One event's outcome (tests and the page; the pipeline binds once per region instead). */
  decide(event: EventFields, scope: RuleScope): RuleOutcome {
    return this.bind(scope).decide(event);
  }
}

/** No rules: everything is indexed. */
export const NO_RULES: EventRules = new EventRules([], '');
