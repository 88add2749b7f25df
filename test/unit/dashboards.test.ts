// Checks the shipped dashboards (default/data/ui/views/*.xml), the nav, and every SPL search of the app
// (dashboard searches, savedsearches.conf) with the small checker of test/support/spl.ts: balanced
// quotes and brackets, known commands and macros, tokens defined by an input, and every field a
// search reads exists: for sourcetype oci:audit a props.conf FIELDALIAS/EVAL output or a JSON path of
// the OCI SDK's AuditEvent model; for the add-on's log the props.conf extractions and the run summary
// keys of RunStats; for tstats the CIM fields mapped in docs/cim-mapping.md; for the checkpoint lookup
// its fields_list. A typo in a field name fails here.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { get, readConf, type Conf } from '../support/conf';
import { mdTable } from '../support/markdown';
import { checkSpl, splitPipeline, type Context } from '../support/spl';
import { RunStats, type RuleSummary } from '../../src/pipeline/run-stats';
import { Logger } from '../../src/log/logger';
import { Freshness } from '../../src/pipeline/freshness';

const root = path.resolve(__dirname, '..', '..');
const conf = (rel: string): Conf => readConf(path.join(root, rel));
const VIEWS = path.join(root, 'default', 'data', 'ui', 'views');
const EXPECTED_VIEWS = ['oci_audit_activity', 'oci_audit_health'];

// ---------------------------------------------------------------------------------------------------
// Field sets

/** JSON paths of an OCI audit event as KV_MODE = json names them, from the SDK's model .d.ts files. */
function sdkJsonPaths(): { leaves: Set<string>; objects: Set<string> } {
  const dir = path.join(root, 'node_modules', 'oci-audit', 'lib', 'model');
  const leaves = new Set<string>();
  const objects = new Set<string>();
  const walk = (file: string, prefix: string, depth: number) => {
    assert.ok(depth < 5, `model recursion at ${prefix}`);
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/^ {4}"(\w+)"\??: ([^;\n]+)/gm)) {
      const [, key, type] = m;
      const p = prefix + key;
      const ref = /^model\.(\w+)$/.exec(type.trim());
      if (ref) walk(`${ref[1].replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.d.ts`, `${p}.`, depth + 1);
      else if (type.trim().startsWith('{')) objects.add(p);
      else leaves.add(p);
    }
  };
  walk('audit-event.d.ts', '', 0);
  return { leaves, objects };
}
const JSON_PATHS = sdkJsonPaths();

/** Outputs of FIELDALIAS-/EVAL-/EXTRACT- (named groups) of one props.conf stanza. */
function propsFields(stanza: string): Set<string> {
  const st = conf('default/props.conf').get(stanza);
  assert.ok(st, `props.conf has no [${stanza}]`);
  const out = new Set<string>();
  for (const [key, { value }] of st) {
    if (key.startsWith('FIELDALIAS-')) {
      const t = value.split(/\s+/);
      for (let i = 2; i < t.length; i += 3) out.add(t[i]);
    } else if (key.startsWith('EVAL-')) out.add(key.slice(5));
    else if (key.startsWith('EXTRACT-')) for (const m of value.matchAll(/\(\?<(\w+)>/g)) out.add(m[1]);
  }
  return out;
}

// _indextime: Splunk's default field, when the event was indexed (https://docs.splunk.com/Documentation/Splunk/latest/Knowledge/Usedefaultfields).
const DEFAULT_FIELDS = new Set(['_time', '_indextime', '_raw', 'source', 'sourcetype', 'host', 'index', 'eventtype', 'tag']);
const AUDIT_FIELDS = propsFields('oci:audit');
const auditField = (f: string) =>
  DEFAULT_FIELDS.has(f) || AUDIT_FIELDS.has(f) || JSON_PATHS.leaves.has(f) || [...JSON_PATHS.objects].some((o) => f.startsWith(`${o}.`));

// The add-on's log: props extractions, plus the key=value pairs the code writes (KV_MODE = auto).
/** The keys of an `event rule summary` line (src/modular-input/run.ts); Required<> makes a renamed key fail to compile here. */
const RULE_SUMMARY: Required<RuleSummary> = { rule: 0, label: '', decision: 'index', index: '', events: 0, bytes: 0 };
const LOG_FIELDS = new Set([
  ...propsFields('ta:oci:audit:log'),
  ...Object.keys(new RunStats().fields()),
  // `index` of a rule summary line is read with rex as route_index: the search-time field index is the event's own
  ...Object.keys(RULE_SUMMARY).filter((k) => k !== 'index'),
  ...Object.keys(new Freshness(0).fields()),
  'region',
  'cycle',
  'input',
  'stopped',
  'category',
]);
const logField = (f: string) => DEFAULT_FIELDS.has(f) || LOG_FIELDS.has(f);

/** CIM field → data models it is mapped for (docs/cim-mapping.md, "Field mapping"). */
const CIM = new Map<string, Set<string>>();
for (const [, cim, models] of mdTable(path.join(root, 'docs/cim-mapping.md'), /^## Field mapping/)) {
  for (const m of cim.matchAll(/`([^`]+)`/g)) {
    const set = CIM.get(m[1]) ?? new Set<string>();
    for (const dm of models.split(',').map((x) => x.trim())) set.add(dm);
    CIM.set(m[1], set);
  }
}
/** Datasets this app's tstats may read: data model → dataset → field prefix. */
const DATASETS: Record<string, string> = { 'Change.All_Changes': 'All_Changes', 'Authentication.Authentication': 'Authentication' };
function datamodelField(dm: string, f: string): boolean {
  const prefix = DATASETS[dm];
  if (!prefix || !f.startsWith(`${prefix}.`)) return false;
  const field = f.slice(prefix.length + 1);
  return CIM.get(field)?.has(dm.split('.')[0]) === true && AUDIT_FIELDS.has(field);
}

function lookupFields(name: string): string[] | undefined {
  const list = get(conf('default/transforms.conf'), name, 'fields_list');
  return list?.split(',').map((s) => s.trim());
}

const MACROS = new Set([...conf('default/macros.conf').keys()].filter((k) => k !== 'default'));

function contextFor(spl: string): Context {
  const log = /sourcetype="ta:oci:audit:log"/.test(spl);
  const audit = /sourcetype="oci:audit"/.test(spl);
  const first = splitPipeline(spl)[0];
  if (first.command === 'search') assert.ok(log !== audit, `a search must name exactly one sourcetype: ${spl}`);
  return { fields: log ? logField : auditField, datamodelField, lookupFields, macros: MACROS };
}

// ---------------------------------------------------------------------------------------------------
// Views

interface Panel {
  title: string;
  searches: string[];
}
interface View {
  name: string;
  label: string;
  tokens: Set<string>;
  panels: Panel[];
  inputSearches: string[];
  usedTokens: Set<string>;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: () => true, trimValues: true });
type X = Record<string, unknown[]>;
const text = (n: unknown): string => (typeof n === 'string' || typeof n === 'number' ? String(n) : String((n as X)?.['#text']?.[0] ?? ''));
const kids = (n: unknown, tag: string): X[] => ((n as X)?.[tag] ?? []) as X[];
const VIZ = ['chart', 'table', 'single', 'event', 'map'];

function loadView(file: string): View {
  const xml = readFileSync(path.join(VIEWS, file), 'utf8');
  const valid = XMLValidator.validate(xml);
  assert.equal(valid, true, `${file}: not well-formed: ${JSON.stringify(valid)}`);
  const doc = parser.parse(xml) as X;
  const top = kids(doc, 'form')[0] ?? kids(doc, 'dashboard')[0];
  assert.ok(top, `${file}: root must be <form> or <dashboard> (Simple XML)`);
  assert.equal(top['@version']?.[0], '1.1', `${file}: version="1.1" (jQuery 3.5, required by Splunk Cloud)`);
  const label = text(kids(top, 'label')[0]);
  assert.ok(label, `${file}: no <label>`);
  const tokens = new Set<string>();
  const inputSearches: string[] = [];
  const usedTokens = new Set<string>();
  const noteTokens = (s: string) => {
    for (const m of s.matchAll(/\$([\w.]+)\$/g)) usedTokens.add(m[1]);
  };
  for (const fs of kids(top, 'fieldset')) {
    for (const input of kids(fs, 'input')) {
      const tok = input['@token']?.[0] as string;
      assert.ok(tok, `${file}: input without token`);
      tokens.add(tok);
      if (input['@type']?.[0] === 'time') {
        tokens.add(`${tok}.earliest`);
        tokens.add(`${tok}.latest`);
      } else assert.ok(kids(input, 'default').length, `${file}: input ${tok} has no <default>`);
      for (const s of kids(input, 'search')) {
        const q = text(kids(s, 'query')[0]);
        inputSearches.push(q);
        noteTokens(q);
        for (const t of ['earliest', 'latest']) noteTokens(text(kids(s, t)[0]));
      }
    }
  }
  const panels: Panel[] = [];
  for (const row of kids(top, 'row')) {
    for (const panel of kids(row, 'panel')) {
      const title = text(kids(panel, 'title')[0]);
      assert.ok(title, `${file}: a panel has no <title>`);
      const searches: string[] = [];
      let vizCount = 0;
      for (const v of VIZ) {
        for (const viz of kids(panel, v)) {
          vizCount++;
          const s = kids(viz, 'search');
          assert.equal(s.length, 1, `${file}: panel "${title}": ${v} must have one <search>`);
          const q = text(kids(s[0], 'query')[0]);
          assert.ok(q, `${file}: panel "${title}": empty <query>`);
          searches.push(q);
          noteTokens(q);
          for (const t of ['earliest', 'latest']) noteTokens(text(kids(s[0], t)[0]));
        }
      }
      assert.ok(vizCount > 0, `${file}: panel "${title}" shows nothing`);
      panels.push({ title, searches });
    }
  }
  return { name: file.replace(/\.xml$/, ''), label, tokens, panels, inputSearches, usedTokens };
}

// The setup page (ta_oci_audit_setup.xml) is a React mount, not a dashboard: test/e2e/ui.test.ts covers it.
const NOT_DASHBOARDS = new Set(['ta_oci_audit_setup.xml']);

function loadViews(): View[] {
  return readdirSync(VIEWS)
    .filter((f) => f.endsWith('.xml') && !NOT_DASHBOARDS.has(f))
    .sort()
    .map(loadView);
}

/** A search with its tokens replaced as the dropdowns' "All" choice would. */
const withTokens = (q: string) => q.replace(/\$[\w.]+\$/g, '*');

function savedSearches(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [name, st] of conf('default/savedsearches.conf')) {
    if (name === 'default') continue;
    out.set(name, new Map([...st].map(([k, v]) => [k, v.value])));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

describe('dashboards and saved searches (default/data/ui, savedsearches.conf)', () => {
  const views = loadViews();

  it('ships the two dashboards, each in the nav, each panel with a title and a search', () => {
    assert.deepEqual(
      views.map((v) => v.name),
      EXPECTED_VIEWS,
    );
    assert.deepEqual(
      views.map((v) => v.label),
      ['OCI Audit activity', 'Input health'],
    );
    const nav = parser.parse(readFileSync(path.join(root, 'default/data/ui/nav/default.xml'), 'utf8')) as X;
    const navViews = kids(kids(nav, 'nav')[0], 'view').map((v) => v['@name']?.[0]);
    for (const v of EXPECTED_VIEWS) assert.ok(navViews.includes(v), `nav lacks ${v}`);
    for (const v of views) assert.ok(v.panels.length >= 6, `${v.name}: ${v.panels.length} panels`);
  });

  it('every token a search uses is defined by an input, and every input is used', () => {
    for (const v of views) {
      for (const t of v.usedTokens) assert.ok(v.tokens.has(t), `${v.name}: token $${t}$ is not defined by an input`);
      for (const t of v.tokens)
        if (!/\.(earliest|latest)$/.test(t))
          assert.ok(v.usedTokens.has(t) || [...v.usedTokens].some((u) => u.startsWith(`${t}.`)), `${v.name}: input ${t} is not used`);
    }
  });

  it('every dashboard search passes the SPL checker (commands, brackets, macros, fields)', () => {
    let n = 0;
    for (const v of views) {
      for (const q of [...v.inputSearches, ...v.panels.flatMap((p) => p.searches)]) {
        const spl = withTokens(q);
        try {
          checkSpl(spl, contextFor(spl));
        } catch (e) {
          assert.fail(`${v.name}: ${(e as Error).message}\n  in: ${q}`);
        }
        n++;
      }
    }
    assert.ok(n >= 15, `only ${n} searches`);
  });

  it('savedsearches.conf: disabled, described, scheduled sensibly, and every search passes the checker', () => {
    const ss = savedSearches();
    assert.ok(ss.size >= 4);
    for (const [name, st] of ss) {
      assert.equal(st.get('disabled'), '1', `${name}: must ship disabled`);
      assert.ok((st.get('description') ?? '').length > 40, `${name}: needs a description`);
      assert.ok(st.get('dispatch.earliest_time') && st.get('dispatch.latest_time'), `${name}: set the time range`);
      const cron = st.get('cron_schedule') ?? '';
      assert.match(cron, /^\S+ \S+ \S+ \S+ \S+$/, `${name}: cron_schedule`);
      assert.doesNotMatch(cron, /^\* /, `${name}: not every minute`);
      assert.doesNotMatch(st.get('dispatch.earliest_time')!, /^rt/, `${name}: no real-time search`);
      const q = st.get('search')!;
      assert.ok(q, `${name}: no search`);
      try {
        const r = checkSpl(q, contextFor(q));
        if (r.commands[0] !== 'tstats')
          assert.ok(
            /sourcetype="oci:audit"/.test(q) && r.macros.includes('oci_audit_index'),
            `${name}: plain searches read \`oci_audit_index\` sourcetype="oci:audit"`,
          );
      } catch (e) {
        assert.fail(`${name}: ${(e as Error).message}\n  in: ${q}`);
      }
    }
    const dm = [...ss.values()].filter((s) => /^\| tstats .* from datamodel=/.test(s.get('search')!));
    assert.ok(dm.length >= 3, 'the CIM detections use tstats over the data models');
  });

  it('the checker catches a typo, an unknown command, an unbalanced quote and an unknown token', () => {
    const q = (s: string) => checkSpl(s, contextFor(s));
    assert.throws(() => q('`oci_audit_index` sourcetype="oci:audit" | stats count by data.evntName'), /unknown field data\.evntName/);
    assert.throws(() => q('`oci_audit_index` sourcetype="oci:audit" | stats count by usr'), /unknown field usr/);
    assert.throws(() => q('`oci_audit_index` sourcetype="oci:audit" | stats count by user | table user src'), /unknown field src/);
    assert.throws(() => q('`oci_audit_index` sourcetype="oci:audit" | statz count'), /unknown command statz/);
    assert.throws(() => q('`oci_audit_index` sourcetype="oci:audit" "run summary | stats count'), /unterminated/);
    assert.throws(() => q('`oci_audit_index` sourcetype="oci:audit" | eval x=round((1)'), /unclosed/);
    assert.throws(() => q('`oci_audit_idx` sourcetype="oci:audit"'), /unknown macro/);
    assert.throws(() => q('index=_internal sourcetype="ta:oci:audit:log" | stats max(lag_second) by input'), /unknown field lag_second/);
    assert.throws(() => q('| tstats count from datamodel=Change.All_Changes by All_Changes.compartment_name'), /not a mapped field/);
    assert.throws(() => q('| inputlookup oci_audit_checkpoints_lookup | table checkpoint_epch'), /unknown field checkpoint_epch/);
    // rex makes only its named groups; a rule summary's `index` is not a log field (it is the event's own index)
    assert.throws(() => q('index=_internal sourcetype="ta:oci:audit:log" | rex " index=(\\S+)"'), /no named group/);
    assert.throws(() => q('index=_internal sourcetype="ta:oci:audit:log" | rex " x=(?<a>\\S+)" | table b'), /unknown field b/);
    assert.throws(() => q('index=_internal sourcetype="ta:oci:audit:log" | stats sum(byts) by label'), /unknown field byts/);
    assert.doesNotThrow(() =>
      q('index=_internal sourcetype="ta:oci:audit:log" | rex " index=(?<route_index>\\S+)" | table route_index decision'),
    );
    assert.doesNotThrow(() =>
      q('`oci_audit_index` sourcetype="oci:audit" data.identity.ipAddress="10.0.0.1" | stats count by data.additionalDetails.x, user'),
    );
  });

  it('props.conf: the log file gets sourcetype ta:oci:audit:log; its extraction reads a real log line', () => {
    const p = conf('default/props.conf');
    assert.equal(get(p, 'source::...ta_oci_audit.log*', 'sourcetype'), 'ta:oci:audit:log');
    assert.ok(get(p, 'oci:audit', 'KV_MODE'), 'the oci:audit stanza is still there');
    const st = 'ta:oci:audit:log';
    assert.equal(get(p, st, 'TIME_FORMAT'), '%Y-%m-%dT%H:%M:%S.%3N%Z');
    assert.equal(get(p, st, 'KV_MODE'), 'auto');
    const extract = get(p, st, 'EXTRACT-ta_oci_audit_log')!;
    const re = new RegExp(extract.replace(/\(\?<(\w+)>/g, '(?<$1>'));
    const fields = Object.fromEntries(Object.entries(new RunStats().fields()).map(([k, v]) => [k, String(v)]));
    const kv = Object.entries({ input: 'prod', ...fields })
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const line = `2026-11-27T15:00:00.123Z pid=42 stanza=oci_audit://prod INFO run summary ${kv}`;
    assert.deepEqual({ ...re.exec(line)!.groups }, { pid: '42', stanza: 'oci_audit://prod', log_level: 'INFO', message: 'run summary' });
    const err = '2026-11-27T15:00:00.123Z pid=42 ERROR input prod: cannot list compartments (403) category=permission';
    assert.deepEqual(
      { ...re.exec(err)!.groups },
      { pid: '42', stanza: undefined, log_level: 'ERROR', message: 'input prod: cannot list compartments (403)' },
    );
    const ets = conf('default/eventtypes.conf');
    assert.equal(get(ets, 'oci_audit_health', 'search'), 'index=_internal sourcetype="ta:oci:audit:log" "run summary"');
  });

  it("the event rule panels' rex reads the route index of a real `event rule summary` line, and only there", () => {
    // the line as the run writes it (src/modular-input/run.ts: log.info('event rule summary', { input, ...RuleSummary }))
    const lines: string[] = [];
    const logger = new Logger();
    logger.addSink((l) => lines.push(l));
    const summary = (r: RuleSummary): void => logger.info('event rule summary', { input: 'prod', ...r });
    summary({ rule: 3, label: 'rule-3', decision: 'route', index: 'oci_cheap', events: 5, bytes: 900 });
    summary({ rule: 1, label: 'read_only/keep-denied', decision: 'index', events: 2, bytes: 300 });
    const queries = loadViews()
      .flatMap((v) => v.panels.flatMap((p) => p.searches))
      .filter((q) => q.includes('"event rule summary"'));
    assert.equal(queries.length, 2, 'the activity notice and the per-rule table');
    for (const q of queries) {
      const rex = /\| rex "((?:[^"\\]|\\.)*)"/.exec(q)?.[1];
      assert.ok(rex, q);
      const re = new RegExp(rex);
      const routed = lines.find((l) => l.includes('decision=route')) ?? '';
      assert.equal(re.exec(routed)?.groups?.route_index, 'oci_cheap', routed);
      assert.equal(re.exec(lines.find((l) => l.includes('decision=index')) ?? '')?.groups?.route_index, undefined);
    }
  });

  it('transforms.conf: the checkpoint lookup covers the KV collection and its fields', () => {
    const t = conf('default/transforms.conf');
    const name = 'oci_audit_checkpoints_lookup';
    assert.equal(get(t, name, 'external_type'), 'kvstore');
    assert.equal(get(t, name, 'collection'), 'oci_audit_checkpoints');
    const declared = [...conf('default/collections.conf').get('oci_audit_checkpoints')!.keys()]
      .filter((k) => k.startsWith('field.'))
      .map((k) => k.slice(6));
    for (const f of declared) assert.ok(lookupFields(name)!.includes(f), `fields_list lacks ${f}`);
  });
});

describe('docs/dashboards.md', () => {
  it('lists every panel with its search verbatim, and every saved search', () => {
    const doc = readFileSync(path.join(root, 'docs', 'dashboards.md'), 'utf8');
    for (const v of loadViews()) {
      assert.ok(doc.includes(`(\`${v.name}\`)`), `${v.name} not in docs/dashboards.md`);
      for (const p of v.panels) {
        assert.ok(doc.includes(`### ${p.title}\n`), `panel "${p.title}" not in docs/dashboards.md`);
        for (const q of p.searches) assert.ok(doc.includes(q), `search of "${p.title}" differs in docs/dashboards.md`);
      }
      for (const q of v.inputSearches) assert.ok(doc.includes(q), `input search of ${v.name} differs in docs/dashboards.md`);
    }
    for (const [name, st] of savedSearches()) {
      assert.ok(doc.includes(name), `saved search "${name}" not in docs/dashboards.md`);
      assert.ok(doc.includes(st.get('search')!), `search of "${name}" differs in docs/dashboards.md`);
    }
  });
});
