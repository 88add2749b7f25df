// The Inputs tab's rule editor works on rows; the input keeps one `event_rules` text (docs/contract.md,
// "Event rules"). This is the exact mapping between the two: rows serialise to the text, and a text
// parses back into rows when every rule is one the rows can show (else the page edits it as text).
// Whether a text is *valid* is the engine's parser's answer (src/pipeline/event-rules.ts), not this file's;
// its splitter and field list are used here, so rows are numbered as the parser numbers rules.
import { RULE_FIELDS, splitRules, type Decision, type RuleField } from '../pipeline/event-rules';

export interface RuleCondition {
  field: RuleField;
  /** `=` any of the comma-separated values (case-insensitive), `~` a regular expression */
  op: '=' | '~';
  value: string;
}

export type RuleDecision = Decision;

export interface RuleRow {
  /** a rule, or a preset that expands in place (`preset:<name> <decision>`) */
  kind: 'rule' | 'preset';
  /** the preset's name (kind preset) */
  preset?: string;
  decision: RuleDecision;
  /** the index of a route */
  index: string;
  /** all must hold; none = every event (kind rule only) */
  conditions: RuleCondition[];
}

function decisionOf(token: string): { decision: RuleDecision; index: string } | undefined {
  if (token === 'index' || token === 'drop') return { decision: token, index: '' };
  const m = /^route:(.*)$/.exec(token);
  return m ? { decision: 'route', index: m[1] } : undefined;
}

const CONDITION_RE = new RegExp(`^(${RULE_FIELDS.join('|')})([=~])(.*)$`, 's');

/** One written rule as a row, or undefined when the rows cannot show it. */
function parseRule(text: string): RuleRow | undefined {
  const [first, ...rest] = text.split(/\s+/);
  const preset = /^preset:(\S+)$/.exec(first);
  if (preset) {
    const d = rest.length === 1 ? decisionOf(rest[0]) : undefined;
    if (!d || d.decision === 'index') return undefined;
    return { kind: 'preset', preset: preset[1], ...d, conditions: [] };
  }
  const d = decisionOf(first);
  if (!d) return undefined;
  const conditions: RuleCondition[] = [];
  for (const token of rest) {
    const m = CONDITION_RE.exec(token);
    if (!m) return undefined;
    conditions.push({ field: m[1] as RuleField, op: m[2] as '=' | '~', value: m[3] });
  }
  return { kind: 'rule', ...d, conditions };
}

/** The rows of an `event_rules` text; undefined when some rule cannot be shown as a row. */
export function rowsOf(text: string): RuleRow[] | undefined {
  if (text.trim() === '') return [];
  const rows: RuleRow[] = [];
  // the parser's split: `;` but not `\;`, empty rules left out, .conf line continuations as spaces
  for (const p of splitRules(text)) {
    const row = parseRule(p);
    if (!row) return undefined;
    rows.push(row);
  }
  return rows;
}

/** A `;` typed in a value is written `\;` so that it does not end the rule. */
const escapeValue = (v: string): string => v.replace(/(?<!\\);/g, '\\;');

const decisionText = (r: RuleRow): string => (r.decision === 'route' ? `route:${r.index}` : r.decision);

/** One rule's text: `<decision> <field><op><value> …` or `preset:<name> <decision>`. */
export function ruleText(r: RuleRow): string {
  if (r.kind === 'preset') return `preset:${r.preset ?? ''} ${decisionText(r)}`;
  return [decisionText(r), ...r.conditions.map((c) => `${c.field}${c.op}${escapeValue(c.value)}`)].join(' ');
}

/** The `event_rules` text of the rows, in order. */
export function textOf(rows: readonly RuleRow[]): string {
  return rows.map(ruleText).join(' ; ');
}

/** A value as typed into a condition: no whitespace (it separates conditions); in a regex a space becomes `\s`. */
export function conditionValue(op: '=' | '~', typed: string): string {
  return op === '~' ? typed.replace(/\s/g, '\\s') : typed.replace(/\s+/g, '');
}

/** Row positions the parser's problems name ("event_rules: rule 2 …" → 1, 0-based). */
export function rowsNamed(problems: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (const p of problems) {
    const m = /\brule (\d+)\b/.exec(p);
    if (m) out.add(Number(m[1]) - 1);
  }
  return out;
}
