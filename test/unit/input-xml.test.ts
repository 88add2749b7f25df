import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputXmlError, parseInputDefinition, parseValidationRequest } from '../../src/splunk/input-xml';

const fixture = (f: string) => readFileSync(path.join(__dirname, '../fixtures/splunk-sdk-xml', f), 'utf8');

describe('input definition XML', () => {
  it('reads the SDK fixture with two stanzas and multi-value params', () => {
    const def = parseInputDefinition(fixture('conf_with_2_inputs.xml'));
    assert.equal(def.serverUri, 'https://127.0.0.1:8089');
    assert.equal(def.sessionKey, '123102983109283019283');
    assert.equal(def.checkpointDir, '/some/dir');
    assert.equal(def.stanzas.length, 2);
    assert.equal(def.stanzas[0].stanza, 'foobar://aaa');
    assert.equal(def.stanzas[0].params.param1, 'value1');
    assert.deepEqual(def.stanzas[1].params.multiValue, ['value1', 'value2']);
  });

  it('reads a definition with no inputs', () => {
    assert.equal(parseInputDefinition(fixture('conf_with_0_inputs.xml')).stanzas.length, 0);
  });

  it('reads the validation fixture', () => {
    const req = parseValidationRequest(fixture('validation.xml'));
    assert.equal(req.name, 'aaa');
    assert.equal(req.params.param2, 'value2');
    assert.deepEqual(req.params.multiValue2, ['value3', 'value4']);
  });

  it('decodes entities in values', () => {
    const def = parseInputDefinition(
      '<input><session_key>a&amp;b</session_key><configuration><stanza name="oci_audit://x"><param name="p">&lt;v&gt;</param></stanza></configuration></input>',
    );
    assert.equal(def.sessionKey, 'a&b');
    assert.equal(def.stanzas[0].params.p, '<v>');
  });

  it('rejects DOCTYPE (entity bombs, external entities), malformed XML and wrong roots', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><input><server_uri>&lol2;</server_uri></input>';
    assert.throws(() => parseInputDefinition(bomb), InputXmlError);
    assert.throws(() => parseInputDefinition('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><input>&e;</input>'), InputXmlError);
    assert.throws(() => parseInputDefinition('<input><configuration>'), /not well-formed/);
    assert.throws(() => parseInputDefinition('<items></items>'), /<input>/);
    assert.throws(() => parseValidationRequest('<items><item name="a"/><item name="b"/></items>'), /exactly one <item>/);
    assert.throws(() => parseInputDefinition(`<input>${'x'.repeat(1024 * 1024 + 1)}</input>`), /larger than/);
  });
});
