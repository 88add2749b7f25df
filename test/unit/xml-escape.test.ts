import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeJsonForXml, escapeXmlText } from '../../src/output/xml-escape';
import { EventFormatter, epochOf } from '../../src/output/event-stream';
import { rawEvents } from '../../src/oci/audit-events';

/** One event as the API would send it, in a page of one. */
const raw = (ev: unknown) => rawEvents(JSON.stringify([ev]))[0];

const NASTY = [
  'plain',
  'a & b < c > d',
  ']]> inside',
  'ctrl \u0001\u0002\u0008\u000b\u000c\u001f end',
  'nonchars \uFFFE \uFFFF',
  'lone \uD800 high and \uDC00 low',
  'pair 😀 ok',
  '<![CDATA[ x ]]>',
  '&amp; already',
  'quote " and \' ',
  'big ' + 'x'.repeat(200_000),
];

function roundTripData(xml: string): string {
  const v = XMLValidator.validate(xml);
  assert.equal(v, true, `not well-formed: ${JSON.stringify(v)}`);
  const p = new XMLParser({ processEntities: true, parseTagValue: false, trimValues: false, htmlEntities: false });
  return (p.parse(xml) as { event: { data: string } }).event.data;
}

// XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
function allXmlChars(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    const ok =
      c === 9 || c === 10 || c === 13 || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) return false;
  }
  return true;
}

describe('XML escaping of events', () => {
  it('keeps the JSON value of every nasty string while the XML stays well-formed', () => {
    const f = new EventFormatter('oci_audit://x', 'us-ashburn-1');
    for (const s of NASTY) {
      const event = { eventId: 'e', eventTime: '2026-01-01T00:00:00.123Z', data: { k: s, [s.slice(0, 20)]: null } };
      const xml = f.format(raw(event));
      assert.ok(allXmlChars(xml), `invalid XML char for ${JSON.stringify(s.slice(0, 30))}`);
      assert.ok(!xml.slice(0, -1).includes('\n'), 'one line per event');
      const data = roundTripData(xml);
      assert.deepEqual(JSON.parse(data), event);
    }
  });

  it('writes <time> as epoch seconds with 3 decimals and the contract element order', () => {
    const f = new EventFormatter('oci_audit://prod', 'eu-frankfurt-1');
    const xml = f.format(raw({ eventTime: '2019-09-18T00:10:59.252Z' }));
    assert.equal(
      xml,
      '<event stanza="oci_audit://prod"><time>1568765459.252</time><data>{"eventTime":"2019-09-18T00:10:59.252Z"}</data><source>oci:audit:eu-frankfurt-1</source><sourcetype>oci:audit</sourcetype></event>\n',
    );
  });

  it('omits <time> when eventTime is missing or not a date', () => {
    assert.equal(epochOf(undefined), undefined);
    assert.equal(epochOf('yesterday'), undefined);
    assert.equal(raw({ eventTime: 17 }).eventTime, undefined);
    assert.ok(!new EventFormatter('s', 'r').format(raw({ a: 1 })).includes('<time>'));
  });

  it('carries a pretty-printed body with raw U+FFFE as one well-formed line with the same JSON', () => {
    const body = '[\n  {\n    "eventId": "p1",\n    "data": {"m": "a\uFFFEb <&> \\u0001"}\n  }\n]';
    const [ev] = rawEvents(body);
    const xml = new EventFormatter('s', 'r').format(ev);
    assert.ok(allXmlChars(xml));
    assert.ok(!xml.slice(0, -1).includes('\n'));
    assert.deepEqual(JSON.parse(roundTripData(xml)), JSON.parse(body)[0]);
  });

  it('escapes text and replaces characters XML cannot carry', () => {
    assert.equal(escapeXmlText('a<b>&\u0001\uFFFE'), 'a&lt;b&gt;&amp;\uFFFD\uFFFD');
    assert.equal(escapeJsonForXml(JSON.stringify('\uFFFF')), '"\\uffff"');
  });
});
