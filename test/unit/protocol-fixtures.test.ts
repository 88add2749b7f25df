// The modular-input XML fixtures of splunk/splunk-sdk-javascript 1.11.0 (tests/data/, the last release
// with the modularinputs module; test/fixtures/SOURCES.md): what splunkd and the SDK exchange. Each one
// is read here by the side that meets it: our input parser (definitions, validation requests), our
// scheme and event formatter (compared with the SDK's documents), and the splunkd emulator's own
// parsers (so the emulator reads what the SDK writes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { validationErrorXml } from '../../src/modular-input/validate';
import { EventFormatter } from '../../src/output/event-stream';
import { parseInputDefinition, parseValidationRequest } from '../../src/splunk/input-xml';
import { schemeXml } from '../../src/splunk/scheme';
import { parseScheme, XmlEventStream, type StreamEvent } from '../emulators/splunkd';

const fixture = (f: string): string => readFileSync(path.join(__dirname, '../fixtures/splunk-sdk-xml', f), 'utf8');

function streamOf(xml: string): { events: StreamEvent[]; errors: string[] } {
  const events: StreamEvent[] = [];
  const p = new XmlEventStream((e) => events.push(e));
  p.push(xml);
  p.end(false);
  return { events, errors: p.errors };
}

/** Child element names of every <tag> in document order (attributes and text left out). */
function childNames(xml: string, tag: string): string[][] {
  const tree = new XMLParser({ preserveOrder: true, ignoreAttributes: true }).parse(xml) as unknown[];
  const out: string[][] = [];
  const walk = (nodes: unknown[]): void => {
    for (const n of nodes as Array<Record<string, unknown[]>>) {
      for (const [k, v] of Object.entries(n)) {
        if (!Array.isArray(v)) continue;
        if (k === tag) out.push(v.flatMap((c) => Object.keys(c as object).filter((x) => x !== '#text')));
        walk(v);
      }
    }
  };
  walk(tree);
  return out;
}

describe('splunk-sdk 1.11.0 protocol fixtures', () => {
  describe('input definitions (stdin of a streaming run)', () => {
    it('conf_with_5_inputs.xml: five stanzas, in order, with their params', () => {
      const def = parseInputDefinition(fixture('conf_with_5_inputs.xml'));
      assert.deepEqual(
        def.stanzas.map((s) => s.stanza),
        ['foobar://aaa', 'foobar://bbb', 'foobar://ccc', 'foobar://ddd', 'foobar://eee'],
      );
      for (const s of def.stanzas) assert.equal(s.params.disabled, '0');
    });

    it('conf_with_invalid_inputs.xml: elements other than <param>/<param_list> carry no parameter', () => {
      const def = parseInputDefinition(fixture('conf_with_invalid_inputs.xml'));
      assert.equal(def.stanzas.length, 1);
      assert.deepEqual(Object.keys(def.stanzas[0].params).sort(), ['disabled', 'index']);
    });

    it('validation.xml: one <item>, named after the input, multi-value params as lists', () => {
      const req = parseValidationRequest(fixture('validation.xml'));
      assert.equal(req.name, 'aaa');
      assert.equal(req.serverUri, 'https://127.0.0.1:8089');
      assert.deepEqual(req.params.multiValue, ['value1', 'value2']);
    });
  });

  describe('what the executable writes', () => {
    it('validation_error.xml: the same document as our --validate-arguments failure', () => {
      assert.equal(validationErrorXml('Big fat validation error!').trim(), fixture('validation_error.xml').trim());
    });

    it("scheme_*.xml: our scheme has the SDK scheme's elements in the same order, and the emulator reads both", () => {
      const [sdk] = childNames(fixture('scheme_without_defaults.xml'), 'scheme');
      const [ours] = childNames(schemeXml(), 'scheme');
      assert.deepEqual(ours, sdk);
      // Each of our <arg>s uses the SDK's element order; <title> is the Python SDK's optional first child.
      const sdkArg = childNames(fixture('scheme_without_defaults.xml'), 'arg')[1].filter((n) => n !== 'validation');
      for (const arg of childNames(schemeXml(), 'arg')) assert.deepEqual(arg, ['title', ...sdkArg]);
      for (const f of ['scheme_with_defaults.xml', 'scheme_without_defaults.xml']) assert.ok(parseScheme(fixture(f)).title, f);
      assert.equal(parseScheme(fixture('scheme_with_defaults.xml')).useExternalValidation, true, 'SDK default');
    });

    it('argument_*.xml: an <arg> as the SDK writes it has the children our scheme writes', () => {
      const ours = childNames(schemeXml(), 'arg')[0];
      for (const f of ['argument_with_defaults.xml', 'argument_without_defaults.xml']) {
        for (const child of childNames(fixture(f), 'arg')[0]) assert.ok([...ours, 'validation'].includes(child), `${f}: <${child}>`);
      }
    });

    it('event_*.xml and stream_*.xml: the emulator parses every SDK event stream without a protocol error', () => {
      for (const f of [
        'stream_with_one_event.xml',
        'stream_with_two_events.xml',
        'stream_with_two_json_events.xml',
        'stream_with_five_events.xml',
      ]) {
        const s = streamOf(fixture(f));
        assert.deepEqual(s.errors, [], f);
        assert.ok(s.events.length >= 1, f);
        assert.ok(
          s.events.every((e) => e.done && e.unbroken),
          `${f}: SDK events are unbroken with <done/>`,
        );
      }
      const json = streamOf(fixture('stream_with_two_json_events.xml')).events.map((e) => JSON.parse(e.data) as unknown);
      assert.deepEqual(json, [{ some: 'json' }, { some: 'json object' }]);
      for (const f of ['event_minimal.xml', 'event_maximal.xml']) {
        const s = streamOf(`<stream>${fixture(f)}</stream>`);
        assert.deepEqual(s.errors, [], f);
        assert.equal(s.events.length, 1, f);
      }
    });

    it("our events use only elements of the SDK's event_maximal.xml", () => {
      const sdk = childNames(fixture('event_maximal.xml'), 'event')[0];
      const ours = childNames(
        new EventFormatter('oci_audit://prod', 'eu-frankfurt-1').format({
          text: '{"eventTime":"2019-09-18T00:10:59.252Z"}',
          eventTime: '2019-09-18T00:10:59.252Z',
        }),
        'event',
      )[0];
      assert.deepEqual(ours, ['time', 'data', 'source', 'sourcetype']);
      const positions = ours.map((n) => sdk.indexOf(n));
      assert.ok(
        positions.every((p) => p >= 0),
        `SDK event has ${sdk.join(',')}`,
      );
      // <data> may come anywhere: splunkd reads children by name (PY event.py writes data before done).
    });
  });
});
