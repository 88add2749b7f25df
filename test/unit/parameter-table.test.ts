// The input parameters are defined once, in src/splunk/parameters.ts. The scheme, the Inputs tab and
// `preview` read that table; the shipped files and the contract that repeat it are checked against it
// here: docs/contract.md "Input stanza", README/inputs.conf.spec and default/inputs.conf [oci_audit].
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_INTERVAL, PARAMETERS, PARAMETER_DEFAULTS, parseInputConfig, SCHEME } from '../../src/splunk/parameters';
import { readConf } from '../support/conf';
import { mdTable, ticks } from '../support/markdown';

const root = path.resolve(__dirname, '..', '..');
const SPLUNKD_OWN = new Set(['interval', 'index', 'disabled', 'host', 'source', 'sourcetype']);
const NUMBERS = PARAMETERS.filter((p) => p.dataType === 'number');

/** The default as words: the value itself, or the text for defaults that are not a value. */
const defaultWords = (p: (typeof PARAMETERS)[number]): string => p.defaultText ?? p.default ?? '';
/** `text` states default `d`: the same words, or one of them followed by more words. */
const states = (text: string, d: string): boolean => text === d || text.startsWith(`${d} `) || d.startsWith(`${text} `);

describe('the parameter table (src/splunk/parameters.ts)', () => {
  it('each parameter has a title, help, and exactly one of required, a default value, or a default in words', () => {
    for (const p of PARAMETERS) {
      assert.ok(p.title && p.help && p.description.startsWith(p.help), p.name);
      const kinds = [p.required, p.default !== undefined, p.defaultText !== undefined].filter(Boolean).length;
      assert.equal(kinds, 1, p.name);
    }
  });

  it('whole numbers: the default lies in the range, the range is what the parser accepts', () => {
    assert.ok(NUMBERS.length > 0);
    for (const p of NUMBERS) {
      const { min, max } = p;
      assert.ok(min !== undefined && max !== undefined && min <= Number(p.default) && Number(p.default) <= max, p.name);
      const parse = (v: number) => () => parseInputConfig('t', { account: 'a', [p.name]: String(v) });
      parse(min)();
      parse(max)();
      assert.throws(parse(max + 1), new RegExp(`ParameterError: ${p.name}: .*from ${min} to ${max} \\(default ${p.default}\\)`));
      if (min > 0) assert.throws(parse(min - 1), new RegExp(`ParameterError: ${p.name}: `));
    }
  });

  it('a stanza without the parameters gets the same values as one that sets every default', () => {
    const literal = Object.fromEntries(PARAMETERS.filter((p) => p.default !== undefined).map((p) => [p.name, p.default!]));
    assert.deepEqual(parseInputConfig('t', { account: 'a', ...literal }), parseInputConfig('t', { account: 'a' }));
    assert.deepEqual(
      Object.keys(PARAMETER_DEFAULTS),
      PARAMETERS.map((p) => p.name),
    );
  });

  it('docs/contract.md "Input stanza" lists the same parameters in the same order, with their defaults and ranges', () => {
    const rows = mdTable(path.join(root, 'docs/contract.md'), /^## Input stanza/)
      .map(([param, , def]) => ({ names: ticks(param), def: def.replace(/`/g, '') }))
      .filter((r) => !r.names.every((n) => SPLUNKD_OWN.has(n)));
    assert.deepEqual(
      rows.map((r) => r.names.join(',')),
      PARAMETERS.map((p) => p.name),
    );
    for (const [i, p] of PARAMETERS.entries()) {
      const cell = rows[i].def;
      if (p.required) assert.equal(cell, 'required', p.name);
      else assert.ok(states(cell, defaultWords(p)), `${p.name}: the contract says "${cell}", the table "${defaultWords(p)}"`);
      if (p.min !== undefined) assert.ok(cell.includes(`(${p.min}–${p.max})`), `${p.name}: the contract's range "${cell}"`);
    }
  });

  it('README/inputs.conf.spec documents the same parameters in the same order, each with its type, range and default', () => {
    const spec = readConf(path.join(root, 'README/inputs.conf.spec'));
    assert.deepEqual(
      [...spec.keys()].filter((s) => s !== 'default'),
      [`${SCHEME}://<name>`],
    );
    const stanza = spec.get(`${SCHEME}://<name>`)!;
    assert.deepEqual(
      [...stanza.keys()],
      PARAMETERS.map((p) => p.name),
    );
    const text = readFileSync(path.join(root, 'README/inputs.conf.spec'), 'utf8');
    for (const p of PARAMETERS) {
      assert.equal(stanza.get(p.name)?.value, p.dataType === 'number' ? '<integer>' : '<string>', p.name);
      const block = text.split(/\n(?=[a-z_]+ = )/).find((b) => b.startsWith(`${p.name} = `)) ?? '';
      if (p.required) {
        assert.match(block, /^\* Required\.$/m, p.name);
        continue;
      }
      const stated = /^\* Default: (.*?)\.?$/m.exec(block)?.[1];
      assert.ok(
        stated !== undefined && states(stated, defaultWords(p)),
        `${p.name}: the spec says "${stated}", the table "${defaultWords(p)}"`,
      );
      if (p.min !== undefined) assert.match(block, new RegExp(`^\\* Accepted values: ${p.min} to ${p.max}\\b`, 'm'), p.name);
    }
  });

  it('default/inputs.conf [oci_audit] sets every default value of the table and nothing else but splunkd settings', () => {
    const st = readConf(path.join(root, 'default/inputs.conf')).get(SCHEME);
    assert.ok(st, 'no [oci_audit] stanza');
    assert.equal(st.get('start_by_shell')?.value, 'false');
    assert.equal(st.get('interval')?.value, '0', 'the running process (docs/scheduling.md "The shipped defaults and why")');
    assert.equal(DEFAULT_INTERVAL, st.get('interval')?.value, "the Inputs tab's default interval is the shipped one");
    assert.equal(st.get('sourcetype')?.value, 'oci:audit');
    assert.equal(st.get('python.version'), undefined);
    const own = new Set(['start_by_shell', ...SPLUNKD_OWN]);
    const set = Object.fromEntries([...st].filter(([k]) => !own.has(k)).map(([k, e]) => [k, e.value]));
    const literal = Object.fromEntries(PARAMETERS.filter((p) => p.default !== undefined).map((p) => [p.name, p.default]));
    assert.deepEqual(set, literal);
  });
});
