// Escaping for the XML event stream. Hot path: one test per string, replace only when needed.

const XML_SPECIAL = /[&<>]/;
const XML_SPECIAL_G = /[&<>]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

// XML 1.0 Char excludes C0 controls other than TAB/LF/CR, lone surrogates, U+FFFE and U+FFFF.
const XML_INVALID_G =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for an XML element body; characters XML 1.0 cannot carry become U+FFFD. */
export function escapeXmlText(s: string): string {
  const clean = s.replace(XML_INVALID_G, '\uFFFD');
  return XML_SPECIAL.test(clean) ? clean.replace(XML_SPECIAL_G, (c) => ENTITY[c]) : clean;
}

// `<data>` is the API's own JSON text, each event already checked with JSON.parse (src/oci/audit-events.ts).
// Valid JSON holds no raw C0 controls (RFC 8259 §7: they must be escaped in strings; outside strings only
// tab, LF and CR), and text decoded from UTF-8 holds no lone surrogates, so of what XML 1.0 cannot carry
// only U+FFFE/U+FFFF can remain. Writing them as JSON escapes keeps the JSON value identical while the
// XML stays well-formed.
const JSON_NONCHAR = /[\uFFFE\uFFFF]/;
const JSON_NONCHAR_G = /[\uFFFE\uFFFF]/g;

/** Escapes one line of valid JSON text for `<data>` without changing the JSON's value. */
export function escapeJsonForXml(json: string): string {
  let out = json;
  if (JSON_NONCHAR.test(out)) out = out.replace(JSON_NONCHAR_G, (c) => (c === '\uFFFE' ? '\\ufffe' : '\\uffff'));
  return XML_SPECIAL.test(out) ? out.replace(XML_SPECIAL_G, (c) => ENTITY[c]) : out;
}

export function escapeXmlAttr(s: string): string {
  return escapeXmlText(s).replace(/"/g, '&quot;');
}
