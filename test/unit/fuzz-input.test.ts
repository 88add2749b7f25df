// Property-based tests of the untrusted input a run starts from: the XML splunkd writes to stdin
// (parseInputDefinition / parseValidationRequest) and the stanza's parameters (parseInputConfig).
// Seeded (FUZZ_SEED overrides) so CI is deterministic; FUZZ_RUNS scales the case counts.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputXmlError, MAX_INPUT_BYTES, parseInputDefinition, parseValidationRequest, type Params } from '../../src/splunk/input-xml';
import { ACCOUNT_RE, PARAMETERS, ParameterError, parseInputConfig } from '../../src/splunk/parameters';
import { COMPARTMENT_OCID_RE, REGION_RE } from '../../src/oci/rules';

const SEED = Number(process.env.FUZZ_SEED ?? 20260601);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

/** fc.assert with the seed, and a counterexample cut short (a 1 MB value must not flood the log). */
function check<Ts>(property: fc.IProperty<Ts>, n: number): void {
  const out = fc.check(property, { seed: SEED, numRuns: runs(n), endOnFailure: true });
  if (!out.failed) return;
  const example = fc.stringify(out.counterexample);
  const why = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
  assert.fail(
    `property failed (seed ${SEED}, path ${out.counterexamplePath}): ${why.slice(0, 600)}\n` +
      `counterexample (${example.length} chars): ${example.slice(0, 600)}`,
  );
}
const cp = (s: string): number => Array.from(s).length;

/**
 * A guard against a hang or a super-linear blow-up on hostile input (a document is at most 1 MiB), not a
 * speed test: this process's CPU time per call, which other processes on a busy machine do not inflate
 * the way they inflate wall time (the 50 000-stanza document, 900 k chars, takes 0.3-0.4 s of CPU on the 2-core dev machine).
 */
const PER_CASE_CPU_MS = 5000;
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// C0 (tab/newline are not quoted either), DEL, C1, line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: InputXmlError };

/** Calls `f`; any exception other than InputXmlError, or a call over PER_CASE_CPU_MS of CPU, fails the property. */
function xmlOutcome<T>(f: (doc: string) => T, doc: string): Outcome<T> {
  const t0 = cpuMs();
  let out: Outcome<T>;
  try {
    out = { ok: true, value: f(doc) };
  } catch (err) {
    if (!(err instanceof InputXmlError))
      throw new Error(
        `${f.name} threw ${(err as Error)?.name}: ${String((err as Error)?.message).slice(0, 200)} ` +
          `for a ${doc.length}-char document starting ${JSON.stringify(doc.slice(0, 80))}`,
      );
    out = { ok: false, error: err };
  }
  const ms = cpuMs() - t0;
  assert.ok(ms < PER_CASE_CPU_MS, `${f.name} took ${ms.toFixed(0)} ms of CPU on a ${doc.length}-char document`);
  if (!out.ok) {
    const m = out.error.message;
    assert.ok(m.length > 10 && m.length <= 300, `a short message (${m.length} chars): ${m.slice(0, 300)}`);
    assert.ok(!CONTROL.test(m), `no control characters in ${JSON.stringify(m)}`);
  }
  return out;
}

function assertParamsShape(p: Params): void {
  for (const [k, v] of Object.entries(p)) {
    assert.ok(k !== '', 'param names are non-empty');
    assert.ok(
      typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
      `param ${k} is a string or a list of strings`,
    );
  }
  assert.ok(Object.getPrototypeOf(p) === Object.prototype, 'a param named __proto__ does not replace the prototype');
}

function checkBoth(doc: string): void {
  const a = xmlOutcome(parseInputDefinition, doc);
  if (a.ok) {
    for (const k of ['serverHost', 'serverUri', 'sessionKey', 'checkpointDir'] as const) assert.equal(typeof a.value[k], 'string');
    for (const s of a.value.stanzas) {
      assert.equal(typeof s.stanza, 'string');
      assertParamsShape(s.params);
    }
  }
  const b = xmlOutcome(parseValidationRequest, doc);
  if (b.ok) {
    assert.equal(typeof b.value.name, 'string');
    assertParamsShape(b.value.params);
  }
}

// ---------------------------------------------------------------- generators
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// Text XML 1.0 can carry (no C0 controls except tab/newline) and that has no leading or trailing
// blanks, which the parser trims.
const xmlText = fc
  .string({ unit: 'grapheme', maxLength: 40 })
  // eslint-disable-next-line no-control-regex
  .map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').trim());
const paramName = fc.oneof(
  fc.constantFrom(...PARAMETERS.map((p) => p.name), '__proto__', 'constructor', 'toString', 'hasOwnProperty'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).filter((s) => s.trim() === s && s !== ''),
);

interface GenParam {
  name: string;
  value: string | string[];
}
const genParams = fc.uniqueArray(fc.record({ name: paramName, value: fc.oneof(xmlText, fc.array(xmlText, { maxLength: 4 })) }), {
  maxLength: 8,
  selector: (p) => p.name,
});

function paramsXml(ps: GenParam[]): string {
  return ps
    .map((p) =>
      Array.isArray(p.value)
        ? `<param_list name="${esc(p.name)}">${p.value.map((v) => `<value>${esc(v)}</value>`).join('')}</param_list>`
        : `<param name="${esc(p.name)}">${esc(p.value)}</param>`,
    )
    .join('');
}

const context = fc.record({ server_host: xmlText, server_uri: xmlText, session_key: xmlText, checkpoint_dir: xmlText });
const contextXml = (c: Record<string, string>): string =>
  Object.entries(c)
    .map(([k, v]) => `<${k}>${esc(v)}</${k}>`)
    .join('');
const inputDoc = fc.record({ ctx: context, stanzas: fc.array(fc.record({ name: xmlText, params: genParams }), { maxLength: 4 }) });
const itemsDoc = fc.record({ ctx: context, name: xmlText, params: genParams });

function inputXml(d: { ctx: Record<string, string>; stanzas: Array<{ name: string; params: GenParam[] }> }): string {
  const stanzas = d.stanzas.map((s) => `<stanza name="${esc(s.name)}" app="TA-oci-audit">${paramsXml(s.params)}</stanza>`);
  return `<input>${contextXml(d.ctx)}<configuration>${stanzas.join('')}</configuration></input>`;
}
function itemsXml(d: { ctx: Record<string, string>; name: string; params: GenParam[] }): string {
  return `<items>${contextXml(d.ctx)}<item name="${esc(d.name)}">${paramsXml(d.params)}</item></items>`;
}
const expectedParams = (ps: GenParam[]): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {};
  for (const p of ps) Object.defineProperty(out, p.name, { value: p.value, enumerable: true, writable: true, configurable: true });
  return out;
};

// Any element in any slot: text, nested elements, attributes, repeated, empty, self-closed.
const anyName = fc.constantFrom(
  'input',
  'items',
  'item',
  'configuration',
  'stanza',
  'param',
  'param_list',
  'value',
  'server_uri',
  'session_key',
  'x',
  '__proto__',
  'constructor',
);
const { node } = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    xmlText.map(esc),
    fc
      .tuple(
        anyName,
        fc.array(fc.tuple(fc.constantFrom('name', 'app', 'x', '__proto__'), xmlText), { maxLength: 3 }),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.boolean(),
      )
      .map(([n, attrs, kids, selfClose]) => {
        const a = [...new Map(attrs).entries()].map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
        return selfClose && kids.length === 0 ? `<${n}${a}/>` : `<${n}${a}>${kids.join('')}</${n}>`;
      }),
  ),
}));
const wrongTypesDoc = fc
  .tuple(fc.constantFrom('input', 'items'), fc.array(node, { maxLength: 6 }))
  .map(([root, kids]) => `<${root}>${kids.join('')}</${root}>`);

// Entity tricks, DOCTYPEs and other hostile snippets, alone and spliced into valid documents.
const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><input><session_key>&lol9;</session_key></input>`;
const TRICKS = [
  BILLION_LAUGHS,
  '<!DOCTYPE input [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><input><session_key>&xxe;</session_key></input>',
  '<!DOCTYPE input SYSTEM "http://127.0.0.1:1/evil.dtd"><input/>',
  '<!DOCTYPE input [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x"> %p;]><input/>',
  '<!doctype input><input/>',
  '<!DOCTYPE',
  '<!ENTITY a "b">',
  '&lol9;',
  '&xxe;',
  '&unknown;',
  '&#0;',
  '&#x0;',
  '&#xD800;',
  '&#1114112;',
  '&#x41;',
  '&amp',
  '&;',
  '&&&',
  '<![CDATA[<input>]]>',
  '<![CDATA[',
  ']]>',
  '<!-- -- -->',
  '<!--',
  '<?xml version="1.0" encoding="UTF-16"?>',
  '<?pi x?>',
  '\ufeff',
  '\u0000',
  '\u0001',
  '\ud800',
  '\uffff',
  '\u202e',
  '\r\n',
  '</input>',
  '</items>',
  '<input>',
  '<items>',
  '<item name="a">',
  '<param name="account">',
  '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>',
  '<a xmlns:a="urn:x" a:b="c"/>',
  '<param name="__proto__">x</param>',
  '<param_list name="__proto__"><value>x</value></param_list>',
  '<stanza name="a" name="b"/>',
  '<stanza name=x/>',
  '<stanza name="a>',
  `<${'x'.repeat(2000)}>`,
  '<1a/>',
  '<a b="<"/>',
];

function mutate(doc: string, pos: number, kind: number, trick: string, len: number): string {
  const at = Math.floor(pos * (doc.length + 1));
  switch (kind) {
    case 0:
      return doc.slice(0, at); // truncated
    case 1:
      return doc.slice(0, at) + trick + doc.slice(at);
    case 2:
      return doc.slice(0, at) + doc.slice(at + len);
    case 3:
      return doc.slice(0, at) + doc.slice(at, at + len).repeat(3) + doc.slice(at);
    default:
      return trick + doc;
  }
}

const deep = (n: number, name = 'a'): string => `<input>${`<${name}>`.repeat(n)}${`</${name}>`.repeat(n)}</input>`;
const HUGE: Array<[string, string]> = [
  ['deep nesting 10 000 (within 1 MB)', deep(10_000)],
  ['deep nesting 100 000 (within 1 MB)', deep(100_000, 'b')],
  ['deep unclosed 300 000', `<input>${'<a>'.repeat(300_000)}`],
  [
    'deep value nesting',
    `<items><item name="x"><param_list name="p">${'<value>'.repeat(5000)}${'</value>'.repeat(5000)}</param_list></item></items>`,
  ],
  ['a value just under 1 MB', `<input><session_key>${'k'.repeat(MAX_INPUT_BYTES - 60)}</session_key></input>`],
  ['a value just over 1 MB', `<input><session_key>${'k'.repeat(MAX_INPUT_BYTES)}</session_key></input>`],
  ['1 MB of multi-byte text', `<input><session_key>${'é'.repeat(MAX_INPUT_BYTES / 2 - 40)}</session_key></input>`],
  ['a 500 k tag name', `<input><${'x'.repeat(500_000)}></y></input>`],
  ['50 000 attributes', `<input ${Array.from({ length: 50_000 }, (_, i) => `a${i}="v"`).join(' ')}/>`],
  [
    '40 000 params',
    `<input><configuration><stanza name="oci_audit://x">${'<param name="p">v</param>'.repeat(40_000)}</stanza></configuration></input>`,
  ],
  ['50 000 stanzas', `<input><configuration>${'<stanza name="a"/>'.repeat(50_000)}</configuration></input>`],
  ['200 000 entity references', `<input><session_key>${'&amp;'.repeat(200_000)}</session_key></input>`],
  ['an attribute of 900 000 >', `<input a="${'>'.repeat(900_000)}"/>`],
  ['an open quote 900 000 long', `<input a="${'x'.repeat(900_000)}`],
  ['500 000 <', `<input>${'<'.repeat(500_000)}</input>`],
  ['90 000 comments', `<input>${'<!-- x -->'.repeat(90_000)}</input>`],
  ['CDATA full of tags', `<input><session_key><![CDATA[${'<a>'.repeat(200_000)}]]></session_key></input>`],
];

describe('fuzz: input XML (parseInputDefinition, parseValidationRequest)', function () {
  this.timeout(60_000);

  it('random bytes and random text: a document or an InputXmlError with a short clean message, each under 1 s', () => {
    check(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('utf8')),
          fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1')),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc
            .array(
              fc.constantFrom(
                '<',
                '>',
                '/',
                '=',
                '"',
                "'",
                '&',
                ';',
                '!',
                '?',
                '[',
                ']',
                '-',
                'input',
                'items',
                'item',
                'param',
                ' ',
                'a',
                'name',
              ),
              { maxLength: 60 },
            )
            .map((a) => a.join('')),
        ),
        (doc) => checkBoth(doc),
      ),
      1500,
    );
  });

  it('well-formed documents with random params round-trip exactly', () => {
    check(
      fc.property(inputDoc, (d) => {
        const r = xmlOutcome(parseInputDefinition, inputXml(d));
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.equal(r.value.serverUri, d.ctx.server_uri);
        assert.equal(r.value.sessionKey, d.ctx.session_key);
        assert.equal(r.value.stanzas.length, d.stanzas.length);
        d.stanzas.forEach((s, i) => {
          assert.equal(r.value.stanzas[i].stanza, s.name);
          assert.deepEqual({ ...r.value.stanzas[i].params }, { ...expectedParams(s.params) });
          assertParamsShape(r.value.stanzas[i].params);
        });
      }),
      600,
    );
    check(
      fc.property(itemsDoc, (d) => {
        const r = xmlOutcome(parseValidationRequest, itemsXml(d));
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.equal(r.value.name, d.name);
        assert.deepEqual({ ...r.value.params }, { ...expectedParams(d.params) });
      }),
      400,
    );
  });

  it('wrong element types in every slot (text for elements, elements in values, repeats, attributes): never another exception', () => {
    check(
      fc.property(wrongTypesDoc, (doc) => checkBoth(doc)),
      800,
    );
  });

  it('valid documents truncated, spliced with entity tricks / DOCTYPEs, cut or repeated: never another exception', () => {
    check(
      fc.property(
        fc.oneof(inputDoc.map(inputXml), itemsDoc.map(itemsXml)),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(4),
        fc.constantFrom(...TRICKS),
        fc.nat(200),
        (doc, pos, kind, trick, len) => {
          const m = mutate(doc, pos, kind, trick, len);
          checkBoth(m);
          if (/<!DOCTYPE|<!ENTITY/i.test(m)) {
            assert.throws(() => parseInputDefinition(m), InputXmlError);
            assert.throws(() => parseValidationRequest(m), InputXmlError);
          }
        },
      ),
      1000,
    );
  });

  it('an unterminated CDATA section or comment ends in an InputXmlError (it made the depth scan loop forever)', () => {
    for (const tail of ['<![CDATA[', '<![CDATA[ x ]]', '<!--', '<!-- x --'])
      for (const doc of [`<input></input>${tail}`, `<items><item name="a"></item></items>${tail}`, `<input>${tail}`]) checkBoth(doc);
  });

  it('DOCTYPE bombs and external entities are refused before any expansion', () => {
    for (const doc of TRICKS.filter((t) => /<!DOCTYPE|<!ENTITY/i.test(t))) {
      for (const f of [parseInputDefinition, parseValidationRequest] as Array<(d: string) => unknown>) {
        const r = xmlOutcome(f, doc);
        assert.ok(!r.ok && /DOCTYPE or ENTITY/.test(r.error.message), doc.slice(0, 60));
      }
    }
  });

  for (const [label, doc] of HUGE) {
    it(`huge or deep: ${label}`, () => checkBoth(doc));
  }

  it("deep nesting is refused with a clear message (it overflowed the parser's stack: RangeError)", () => {
    const r = xmlOutcome(parseInputDefinition, deep(10_000));
    assert.ok(!r.ok && /nests elements more than \d+ levels/.test(r.error.message), r.ok ? 'parsed' : r.error.message);
    const shallow = xmlOutcome(
      parseInputDefinition,
      `<input><configuration><stanza name="oci_audit://a"><param_list name="p"><value>v</value></param_list></stanza></configuration></input>`,
    );
    assert.ok(shallow.ok);
  });
});

// ---------------------------------------------------------------- parameters
const NOW = new Date('2026-06-01T12:00:00Z');
const NAMES = new Set([...PARAMETERS.map((p) => p.name), 'name']);
const REGION = fc.constantFrom('us-ashburn-1', 'eu-frankfurt-1', 'us-gov-ashburn-1', 'me-dcc-muscat-1');
const OCID = fc.constantFrom(
  'ocid1.compartment.oc1..aaaaaaaaabcdefghij',
  'ocid1.tenancy.oc1..aaaaaaaaxyzxyzxyzx',
  'ocid1.compartment.oc1.phx.aaaaaaaa1234567890',
);
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({
    unit: fc.constantFrom(
      '\u0000',
      '\u001b',
      '\u0085',
      '\u2028',
      '\r',
      '\n',
      '\ud800',
      '\udc00',
      '\ufffe',
      ',',
      '*',
      '/',
      ' ',
      '-',
      '0',
      '9',
      'a',
      'é',
      '😀',
    ),
    maxLength: 80,
  }),
  fc
    .tuple(fc.constantFrom('a', '0', ',', 'é', '\u0001', '😀', 'ocid1.compartment.oc1..'), fc.integer({ min: 100, max: 40_000 }))
    .map(([c, n]) => c.repeat(n)),
);
const plausible = fc.oneof(
  fc.constant('*'),
  fc.array(REGION, { minLength: 1, maxLength: 3 }).map((a) => a.join(',')),
  fc.array(OCID, { minLength: 1, maxLength: 3 }).map((a) => a.join(', ')),
  fc.integer({ min: -5, max: 3000 }).map(String),
  fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.tuple(fc.nat(12), fc.nat(12)).map(([k, n]) => `${k}/${n}`),
  fc.constantFrom('main', 'prod_1', 'a@b.c', '', ' ', '1e3', '0x10', '08', '2026-02-30T00:00:00Z', '2026-01-31T00:00:00+00:00'),
);
const paramValue = fc.oneof(
  { weight: 4, arbitrary: plausible },
  { weight: 3, arbitrary: hostile },
  { weight: 1, arbitrary: fc.array(fc.oneof(plausible, hostile), { maxLength: 4 }) },
);
const paramMap = fc.dictionary(
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...PARAMETERS.map((p) => p.name)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  ),
  paramValue,
  { maxKeys: 12 },
);
// Mostly valid maps (each field valid, now and then one hostile), so that acceptance is exercised too.
const nearValid = fc
  .record(
    {
      account: fc.oneof(fc.constantFrom('main', 'prod_1', 'a@b.c'), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,20}$/)),
      regions: fc.oneof(
        fc.constant('*'),
        fc.array(REGION, { minLength: 1, maxLength: 3 }).map((a) => a.join(',')),
      ),
      compartments: fc.oneof(
        fc.constant('*'),
        fc.array(OCID, { minLength: 1, maxLength: 3 }).map((a) => a.join(', ')),
      ),
      exclude_compartments: fc.array(OCID, { maxLength: 2 }).map((a) => a.join(',')),
      start_date_time: fc
        .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2026-05-01T00:00:00Z'), noInvalidDate: true })
        .map((d) => d.toISOString()),
      query_window_size: fc.integer({ min: 1, max: 1440 }).map(String),
      delay_throttle: fc.integer({ min: 0, max: 1440 }).map(String),
      max_concurrency: fc.integer({ min: 1, max: 64 }).map(String),
      lookback_minutes: fc.integer({ min: 0, max: 1440 }).map(String),
      partition: fc.integer({ min: 1, max: 9999 }).chain((n) => fc.integer({ min: 0, max: n - 1 }).map((k) => `${k}/${n}`)),
    },
    { requiredKeys: ['account'] },
  )
  .chain((m) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(m as Params) },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constantFrom(...PARAMETERS.map((p) => p.name)), hostile).map(([k, v]) => ({ ...m, [k]: v }) as Params),
      },
    ),
  );
const inputNameArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant('oci_audit://prod') },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `oci_audit://${s}`) },
  { weight: 1, arbitrary: hostile },
);

/** The first 101 characters of every input value longer than that: none may appear in a message. */
function inputChunks(params: Params, name: string): string[] {
  const all = [name, ...Object.values(params).flatMap((v) => (Array.isArray(v) ? [...v, v.join(',')] : [v]))];
  return all.map((s) => Array.from(s.slice(0, 202)).slice(0, 101).join('')).filter((s) => cp(s) > 100);
}

describe('fuzz: input parameters (parseInputConfig)', function () {
  this.timeout(60_000);

  it('arbitrary param maps: a config within the contract ranges, or a ParameterError naming the parameter and what it accepts', () => {
    let accepted = 0;
    let rejected = 0;
    check(
      fc.property(inputNameArb, fc.oneof(paramMap, nearValid), (name, p) => {
        const t0 = cpuMs();
        let config;
        let error: unknown;
        try {
          config = parseInputConfig(name, p, NOW);
        } catch (err) {
          error = err;
        }
        const ms = cpuMs() - t0;
        assert.ok(ms < PER_CASE_CPU_MS, `took ${ms.toFixed(0)} ms of CPU`);
        if (error !== undefined || config === undefined) {
          const err = error;
          assert.ok(err instanceof ParameterError, `only ParameterError, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
          rejected++;
          assert.ok(err.problems.length > 0);
          const chunks = inputChunks(p, name);
          for (const m of err.problems) {
            const param = /^([a-z_]+):/.exec(m)?.[1];
            assert.ok(param !== undefined && NAMES.has(param), `starts with a parameter name: ${m.slice(0, 120)}`);
            assert.match(m, /\b(use|required|must|needs|starts with|e\.g\.)/, `says what is accepted: ${m.slice(0, 200)}`);
            assert.ok(!CONTROL.test(m), `no control characters: ${JSON.stringify(m.slice(0, 200))}`);
            assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(m), 'no lone surrogates');
            assert.ok(cp(m) <= 320, `short (${cp(m)}): ${m.slice(0, 200)}`);
            for (const q of m.matchAll(/"([^"]*)"/g)) assert.ok(cp(q[1]) <= 101, `quotes at most ~100 chars of input: ${cp(q[1])}`);
            for (const chunk of chunks) assert.ok(!m.includes(chunk), 'never echoes more than ~100 chars of input');
          }
          return;
        }
        accepted++;
        assert.ok(config.name.length >= 1 && config.name.length <= 200);
        assert.match(config.account, ACCOUNT_RE);
        assert.ok(config.regions === '*' || (config.regions.length > 0 && config.regions.every((r) => REGION_RE.test(r))), 'regions');
        assert.ok(
          config.compartments === '*' || (config.compartments.length > 0 && config.compartments.every((c) => COMPARTMENT_OCID_RE.test(c))),
          'compartments',
        );
        assert.ok(
          config.excludeCompartments.every((c) => COMPARTMENT_OCID_RE.test(c)),
          'exclude_compartments',
        );
        const within = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
        assert.ok(within(config.queryWindowMinutes, 1, 1440), 'query_window_size');
        assert.ok(within(config.delayMinutes, 0, 1440), 'delay_throttle');
        assert.ok(within(config.maxConcurrency, 1, 64), 'max_concurrency');
        assert.ok(within(config.lookbackMinutes, 0, 1440), 'lookback_minutes');
        assert.ok(within(config.partition.n, 1, 9999) && within(config.partition.k, 0, config.partition.n - 1), 'partition');
        if (config.startDateTime)
          assert.ok(
            Number.isFinite(config.startDateTime.getTime()) && config.startDateTime.getTime() <= NOW.getTime(),
            'start in the past',
          );
        if (config.endDateTime) assert.ok(Number.isFinite(config.endDateTime.getTime()), 'end is a date');
        if (config.startDateTime && config.endDateTime) assert.ok(config.endDateTime > config.startDateTime, 'end after start');
      }),
      3000,
    );
    assert.ok(accepted > 50 && rejected > 50, `both outcomes are exercised (accepted ${accepted}, rejected ${rejected})`);
  });
});
