import assert from 'node:assert/strict';
import { jsonArrayElements, JsonShapeError } from '../../src/oci/json-elements';

describe('jsonArrayElements', () => {
  it('returns each element as the exact text the server sent', () => {
    const events = [{ a: 1, s: 'x,]}"\\' }, { nested: { arr: [1, [2, { b: '[' }]] } }, { e: '\u00e9\\u00e9', n: null }];
    const text = JSON.stringify(events);
    const parts = jsonArrayElements(text);
    assert.equal(parts.length, 3);
    assert.deepEqual(
      parts.map((p) => JSON.parse(p)),
      events,
    );
    assert.equal(`[${parts.join(',')}]`, text);
  });

  it('keeps escapes as written (\\u00e9, \\/) instead of re-serialising them', () => {
    const text = '[{"a":"\\u00e9\\/"} , {"b":1.50e2}]';
    assert.deepEqual(jsonArrayElements(text), ['{"a":"\\u00e9\\/"}', '{"b":1.50e2}']);
  });

  it('handles whitespace and pretty-printed bodies', () => {
    assert.deepEqual(jsonArrayElements(' [\n  {"a": 1},\n  {"b": [1, 2]}\n]\n'), ['{"a": 1}', '{"b": [1, 2]}']);
    assert.deepEqual(jsonArrayElements('[]'), []);
    assert.deepEqual(jsonArrayElements(' [ ] '), []);
  });

  it('handles strings ending in escaped backslashes', () => {
    assert.deepEqual(jsonArrayElements('[{"a":"x\\\\"},{"b":"\\\\\\""}]'), ['{"a":"x\\\\"}', '{"b":"\\\\\\""}']);
  });

  it('rejects what is not a well-shaped array', () => {
    for (const bad of ['{"a":1}', '<html>', '', '[{"a":1}', '[{"a":"x}]', '[{"a":1},]', '[{"a":1}] x', '[,]', '[{"a":1}}]']) {
      assert.throws(() => jsonArrayElements(bad), JsonShapeError, bad);
    }
  });
});
