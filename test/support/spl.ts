// A small, strict SPL checker for the searches this app ships (dashboards, savedsearches.conf). It is
// not a Splunk parser: it knows the commands listed in COMMANDS and the argument shapes this app uses,
// and fails on anything else, so a new command or syntax must be added here on purpose. It checks
// balanced quotes, brackets and parentheses, known commands, macros, and which fields each command
// reads, against the fields available at that point of the pipeline (set by the caller for the first
// command, then replaced by what stats/tstats/top/chart/timechart produce).

/** Commands the checker understands. Anything else after a pipe fails. */
export const COMMANDS = new Set([
  'search',
  'where',
  'eval',
  'stats',
  'eventstats',
  'timechart',
  'chart',
  'top',
  'table',
  'fields',
  'rename',
  'sort',
  'head',
  'bin',
  'convert',
  'rex',
  'tstats',
  'inputlookup',
]);
/** Commands that may start a search after a leading pipe. */
const GENERATING = new Set(['tstats', 'inputlookup']);

/** Functions allowed inside eval/where expressions. */
const EVAL_FUNCTIONS = new Set([
  'if',
  'coalesce',
  'null',
  'round',
  'now',
  'strftime',
  'replace',
  'relative_time',
  'tonumber',
  'lower',
  'match',
  'isnull',
  'isnotnull',
]);
/** Aggregation functions of stats, eventstats, chart, timechart, tstats. */
// Splunk's aggregate functions (https://docs.splunk.com/Documentation/Splunk/latest/SearchReference/Aggregatefunctions),
// those the shipped searches use; percentiles are p<N> / perc<N>.
const STATS_FUNCTIONS = new Set(['count', 'dc', 'values', 'latest', 'earliest', 'min', 'max', 'sum', 'avg', 'median']);
const PERCENTILE = /^(?:p|perc)(?:[1-9]\d?)$/;

export interface Segment {
  command: string;
  args: string;
}

/** Splits on top-level pipes, after checking that quotes, backticks, brackets and parentheses balance. */
export function splitPipeline(spl: string): Segment[] {
  const parts: string[] = [];
  const stack: string[] = [];
  let quote: string | null = null;
  let cur = '';
  for (let i = 0; i < spl.length; i++) {
    const c = spl[i];
    if (quote) {
      cur += c;
      if (c === '\\' && quote === '"') {
        cur += spl[++i] ?? '';
        continue;
      }
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === '`') {
      quote = c;
      cur += c;
      continue;
    }
    if (c === '(' || c === '[') stack.push(c);
    else if (c === ')' || c === ']') {
      const open = stack.pop();
      if (open !== (c === ')' ? '(' : '[')) throw new Error(`unbalanced ${c} at ${i}`);
    }
    if (c === '|' && !stack.length) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (quote) throw new Error(`unterminated ${quote}`);
  if (stack.length) throw new Error(`unclosed ${stack.join('')}`);
  parts.push(cur);
  const leadingPipe = parts[0].trim() === '';
  if (leadingPipe) parts.shift();
  return parts.map((p, i) => {
    const t = p.trim();
    if (!t) throw new Error('empty command between pipes');
    if (i === 0 && !leadingPipe) return { command: 'search', args: t };
    const m = /^([a-z]+)\b\s*([\s\S]*)$/.exec(t);
    if (!m) throw new Error(`not a command: ${t}`);
    if (!COMMANDS.has(m[1])) throw new Error(`unknown command ${m[1]}`);
    if (i === 0 && !GENERATING.has(m[1])) throw new Error(`${m[1]} cannot start a search`);
    return { command: m[1], args: m[2] };
  });
}

/** Words of an argument string; double-quoted strings stay whole, parentheses and commas are their own tokens. */
function words(args: string): string[] {
  return args.match(/[^\s(),"=!<>]+(?:!=|>=|<=|=|<|>)"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|[(),]|[^\s(),"]+/g) ?? [];
}
const unq = (s: string) => s.replace(/^"(.*)"$/, '$1');
const isOption = (w: string) => /^[a-z_]+=/.test(w);

export interface Context {
  /** Fields readable at the start of the pipeline (the events' fields). */
  fields: (name: string) => boolean;
  /** Fields of a data model for tstats: `Change.All_Changes` → accepts `All_Changes.user`. */
  datamodelField?: (datamodel: string, field: string) => boolean;
  /** Fields of a lookup for inputlookup. */
  lookupFields?: (lookup: string) => string[] | undefined;
  macros: Set<string>;
}

export interface Report {
  commands: string[];
  fieldsRead: string[];
  macros: string[];
}

/** Checks one search; throws with a message naming the problem. */
export function checkSpl(spl: string, ctx: Context): Report {
  const segs = splitPipeline(spl);
  const report: Report = { commands: segs.map((s) => s.command), fieldsRead: [], macros: [] };
  for (const m of spl.matchAll(/`([^`]*)`/g)) {
    if (!ctx.macros.has(m[1])) throw new Error(`unknown macro \`${m[1]}\``);
    report.macros.push(m[1]);
  }
  // Fields made inside the pipeline; `base` says whether the events' own fields are still there.
  let made = new Set<string>();
  let base = true;
  const has = (f: string) => made.has(f) || (base && ctx.fields(f));
  const read = (f: string, cmd: string) => {
    if (!/^[A-Za-z_][\w.{}*-]*$/.test(f)) throw new Error(`${cmd}: not a field name: ${f}`);
    report.fieldsRead.push(f);
    if (!has(f)) throw new Error(`${cmd}: unknown field ${f}`);
  };
  /** Aggregations `fn(field) [AS name]` and plain `count [AS name]`; returns the output names. */
  const aggregations = (ws: string[], cmd: string, fieldCheck: (f: string) => void): string[] => {
    const out: string[] = [];
    let i = 0;
    while (i < ws.length) {
      const w = ws[i];
      if (w === ',') {
        i++;
        continue;
      }
      const fn = w.toLowerCase();
      if (!STATS_FUNCTIONS.has(fn) && !PERCENTILE.test(fn)) throw new Error(`${cmd}: unknown aggregation ${w}`);
      let name = fn;
      if (ws[i + 1] === '(') {
        const arg = ws[i + 2];
        if (ws[i + 3] !== ')') throw new Error(`${cmd}: ${fn}( takes one field`);
        fieldCheck(arg);
        name = `${fn}(${arg})`;
        i += 4;
      } else {
        if (fn !== 'count') throw new Error(`${cmd}: ${fn} needs a field`);
        i += 1;
      }
      if (ws[i] === 'AS') {
        name = ws[i + 1];
        i += 2;
      }
      out.push(name);
    }
    return out;
  };
  const splitBy = (ws: string[]): [string[], string[]] => {
    const b = ws.indexOf('by');
    return b < 0 ? [ws, []] : [ws.slice(0, b), ws.slice(b + 1).filter((w) => w !== ',')];
  };

  for (const { command, args } of segs) {
    const ws = words(args);
    const cmd = command;
    switch (command) {
      case 'search':
        searchTerms(ws, cmd, read);
        break;
      case 'where':
        expression(args, cmd, read);
        break;
      case 'eval':
        for (const assignment of splitTopLevel(args)) {
          const m = /^\s*([A-Za-z_]\w*)\s*=([\s\S]+)$/.exec(assignment);
          if (!m) throw new Error(`eval: expected name=expression: ${assignment}`);
          expression(m[2], cmd, read);
          made.add(m[1]);
        }
        break;
      case 'stats':
      case 'eventstats':
      case 'chart':
      case 'timechart': {
        const opts = ws.filter(isOption);
        const rest = ws.filter((w) => !isOption(w));
        const [allAggs, by] = splitBy(rest);
        let aggs = allAggs;
        let over: string[] = [];
        if (command === 'chart') {
          const o = aggs.indexOf('over');
          if (o >= 0) {
            over = aggs.slice(o + 1);
            aggs = aggs.slice(0, o);
          }
        }
        for (const o of opts) if (!/^(limit|useother|span|usenull)=/.test(o)) throw new Error(`${cmd}: unknown option ${o}`);
        const outs = aggregations(aggs, cmd, (f) => read(f, cmd));
        for (const f of [...over, ...by]) read(f, cmd);
        if (command === 'eventstats') outs.forEach((o) => made.add(o));
        else {
          made = new Set([...outs, ...over, ...by, ...(command === 'timechart' ? ['_time'] : [])]);
          base = false;
        }
        break;
      }
      case 'top': {
        const rest = ws.filter((w) => !isOption(w));
        for (const o of ws.filter(isOption))
          if (!/^(limit|showperc|showcount|useother)=/.test(o)) throw new Error(`top: unknown option ${o}`);
        const [fields, by] = splitBy(rest);
        for (const f of [...fields, ...by]) read(f, cmd);
        made = new Set([...fields, ...by, 'count', 'percent']);
        base = false;
        break;
      }
      case 'table':
      case 'fields':
        for (const w of ws.filter((x) => x !== ',' && x !== '-' && x !== '+')) read(w, cmd);
        break;
      case 'sort':
        for (const w of ws.filter((x) => x !== ',' && x !== '-' && x !== '+' && !/^\d+$/.test(x))) read(w.replace(/^[-+]/, ''), cmd);
        break;
      case 'head':
        if (!/^\d+$/.test(args.trim())) throw new Error(`head: expected a number: ${args}`);
        break;
      case 'bin': {
        const f = ws.filter((w) => !isOption(w));
        if (f.length !== 1) throw new Error(`bin: one field: ${args}`);
        read(f[0], cmd);
        break;
      }
      case 'rename':
        for (let i = 0; i < ws.length; i += 3) {
          const [from, as, to] = [unq(ws[i]), ws[i + 1], unq(ws[i + 2] ?? '')];
          if (as !== 'AS' || !to) throw new Error(`rename: expected X AS Y: ${args}`);
          if (from.endsWith('*')) {
            const prefix = from.slice(0, -1);
            const hits = [...made].filter((f) => f.startsWith(prefix));
            if (!hits.length) throw new Error(`rename: ${from} matches no field`);
            for (const h of hits) {
              made.delete(h);
              made.add(to.replace('*', h.slice(prefix.length)));
            }
          } else {
            read(from, cmd);
            made.delete(from);
            made.add(to);
          }
          if (ws[i + 3] === ',') i++;
        }
        break;
      case 'rex': {
        // rex [field=<f>] "<regex>": each named group is a new field
        const m = /^\s*(?:field=(\w+)\s+)?"((?:[^"\\]|\\.)*)"\s*$/.exec(args);
        if (!m) throw new Error(`rex: expected [field=<f>] "<regex>": ${args}`);
        read(m[1] ?? '_raw', cmd);
        const groups = [...m[2].matchAll(/\(\?<(\w+)>/g)].map((g) => g[1]);
        if (!groups.length) throw new Error(`rex: no named group in ${args}`);
        groups.forEach((g) => made.add(g));
        break;
      }
      case 'convert':
        if (!/^(\s*ctime\([\w.]+\)\s*)+$/.test(args)) throw new Error(`convert: only ctime(field) …: ${args}`);
        for (const m of args.matchAll(/ctime\(([\w.]+)\)/g)) read(m[1], cmd);
        break;
      case 'inputlookup': {
        const name = ws[0];
        const fields = ctx.lookupFields?.(name);
        if (!fields) throw new Error(`inputlookup: unknown lookup ${name}`);
        made = new Set(fields);
        base = false;
        if (ws[1] !== undefined) {
          if (ws[1] !== 'where') throw new Error(`inputlookup: unexpected ${ws[1]}`);
          searchTerms(ws.slice(2), cmd, read);
        }
        break;
      }
      case 'tstats': {
        // Options; any other name=value is a where term (checked as a field) or an error in the aggregations.
        const tsOption = (w: string) => /^(summariesonly|span)=/.test(w);
        const rest = ws.filter((w) => !tsOption(w));
        const from = rest.indexOf('from');
        const where = rest.indexOf('where');
        const byAt = rest.indexOf('by');
        const end = (i: number) => Math.min(...[from, where, byAt, rest.length].filter((x) => x > i));
        const aggs = rest.slice(0, [from, where, byAt, rest.length].filter((x) => x >= 0)[0]);
        let dm: string | undefined;
        if (from >= 0) {
          const m = /^datamodel=([\w.]+)$/.exec(rest[from + 1] ?? '');
          if (!m) throw new Error('tstats: from datamodel=<Model.Dataset> expected');
          dm = m[1];
        }
        const tsField = (f: string) => {
          report.fieldsRead.push(f);
          if (f === '_time') return;
          if (dm) {
            if (!ctx.datamodelField?.(dm, f)) throw new Error(`tstats: ${f} is not a mapped field of ${dm}`);
          } else if (!ctx.fields(f)) throw new Error(`tstats: unknown field ${f}`);
        };
        const outs = aggregations(aggs, cmd, tsField);
        if (where >= 0)
          searchTerms(
            rest.slice(where + 1, end(where)).filter((w) => !/^nodename=/.test(w)),
            cmd,
            (f) => tsField(f),
          );
        const by = byAt >= 0 ? rest.slice(byAt + 1, end(byAt)).filter((w) => w !== ',') : [];
        by.forEach(tsField);
        made = new Set([...outs, ...by]);
        base = false;
        break;
      }
      default:
        throw new Error(`no rule for ${command}`);
    }
  }
  return report;
}

/** Splits at top-level commas (eval's a=x, b=y). */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (const c of s) {
    if (quote) {
      if (c === quote) quote = null;
      cur += c;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** Search terms: field=value, field!=value, field>=n …, quoted phrases, bare words, AND/OR/NOT, ( ). */
const DEFAULT_SEARCH_FIELDS = new Set(['index', 'sourcetype', 'source', 'host', 'eventtype', 'earliest', 'latest']);
function searchTerms(ws: string[], cmd: string, read: (f: string, cmd: string) => void): void {
  for (const w of ws) {
    if (w === '(' || w === ')' || w === ',' || /^(AND|OR|NOT)$/.test(w) || w.startsWith('"') || w.startsWith('`')) continue;
    const m = /^([A-Za-z_][\w.{}-]*)(!=|>=|<=|=|<|>)(.*)$/.exec(w);
    if (!m) {
      if (/[=<>]/.test(w)) throw new Error(`${cmd}: cannot read term ${w}`);
      continue; // a bare word: full-text search
    }
    if (m[3] === '') throw new Error(`${cmd}: ${m[1]}${m[2]} without a value (a space after the operator?)`);
    if (DEFAULT_SEARCH_FIELDS.has(m[1])) continue;
    read(m[1], cmd);
  }
}

/** eval/where expressions: identifiers not followed by ( are fields; 'x' is a field; "x" a string. */
function expression(src: string, cmd: string, read: (f: string, cmd: string) => void): void {
  const toks = src.match(/"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z_][\w.]*|\d+(?:\.\d+)?|>=|<=|!=|==|[-+*/%()<>=,.]|\S/g) ?? [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.startsWith('"') || /^\d/.test(t) || /^(AND|OR|NOT)$/.test(t)) continue;
    if (t.startsWith("'")) {
      read(t.slice(1, -1), cmd);
      continue;
    }
    if (/^[A-Za-z_]/.test(t)) {
      if (toks[i + 1] === '(') {
        if (!EVAL_FUNCTIONS.has(t)) throw new Error(`${cmd}: unknown function ${t}()`);
        continue;
      }
      read(t, cmd);
      continue;
    }
    if (!/^(>=|<=|!=|==|[-+*/%()<>=,.])$/.test(t)) throw new Error(`${cmd}: unexpected ${t}`);
  }
}
