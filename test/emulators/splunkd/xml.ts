// XML documents of the modular input protocol (docs.splunk.com/Documentation/Splunk/9.4.0/AdvancedDev/ModInputsScripts;
// fixtures: splunk-sdk-javascript 1.11.0 tests/modularinputs/data, copied in test/fixtures/splunk-sdk-xml).
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export type ParamValue = string | string[];

function paramLines(params: Record<string, ParamValue>, indent: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) {
      // multi-value: <param_list name="x"><value>a</value>…</param_list> (JS11 conf_with_2_inputs.xml)
      out.push(`${indent}<param_list name="${escapeXml(k)}">`);
      for (const x of v) out.push(`${indent}  <value>${escapeXml(x)}</value>`);
      out.push(`${indent}</param_list>`);
    } else {
      out.push(`${indent}<param name="${escapeXml(k)}">${escapeXml(v)}</param>`);
    }
  }
  return out;
}

export interface InputHeader {
  serverHost: string;
  serverUri: string;
  sessionKey: string;
  checkpointDir: string;
}

/** Input definition on stdin in streaming mode (real dump in lukemonahan/splunk_modinput_prometheus; stanza app attr:
 * signalfx/splunk-otel-collector …/testdata/Splunk_TA_otel.inputs.xml). */
export function buildInputDefinition(
  h: InputHeader,
  stanzas: Array<{ name: string; app: string; params: Record<string, ParamValue> }>,
): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<input>',
    `  <server_host>${escapeXml(h.serverHost)}</server_host>`,
    `  <server_uri>${escapeXml(h.serverUri)}</server_uri>`,
    `  <session_key>${escapeXml(h.sessionKey)}</session_key>`,
    `  <checkpoint_dir>${escapeXml(h.checkpointDir)}</checkpoint_dir>`,
    '  <configuration>',
  ];
  for (const s of stanzas) {
    lines.push(`    <stanza name="${escapeXml(s.name)}" app="${escapeXml(s.app)}">`);
    lines.push(...paramLines(s.params, '      '));
    lines.push('    </stanza>');
  }
  lines.push('  </configuration>', '</input>', '');
  return lines.join('\n');
}

/** Validation document: <items> with exactly one <item> (DOCS set-up-external-validation; JS11 validation.xml). */
export function buildValidationDefinition(h: InputHeader, itemName: string, params: Record<string, ParamValue>): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<items>',
    `  <server_host>${escapeXml(h.serverHost)}</server_host>`,
    `  <server_uri>${escapeXml(h.serverUri)}</server_uri>`,
    `  <session_key>${escapeXml(h.sessionKey)}</session_key>`,
    `  <checkpoint_dir>${escapeXml(h.checkpointDir)}</checkpoint_dir>`,
    `  <item name="${escapeXml(itemName)}">`,
    ...paramLines(params, '    '),
    '  </item>',
    '</items>',
    '',
  ].join('\n');
}

export interface Scheme {
  title: string;
  description?: string;
  useExternalValidation: boolean;
  useSingleInstance: boolean;
  streamingMode: 'xml' | 'simple';
  args: Array<{
    name: string;
    title?: string;
    description?: string;
    dataType: string;
    requiredOnCreate: boolean;
    requiredOnEdit: boolean;
    validation?: string;
  }>;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`scheme: expected text, got ${JSON.stringify(v)}`);
}

function bool(v: unknown, dflt: boolean, what: string): boolean {
  const s = str(v)?.trim().toLowerCase();
  if (s === undefined || s === '') return dflt;
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new Error(`scheme: ${what} must be true or false, got "${s}"`);
}

/** Parse and check --scheme output; element names and defaults from JS11 scheme.js / PY scheme.py and the
 * splunkd introspection trace in splunk/splunk-sdk-java#225 (streaming_mode absent = simple). */
export function parseScheme(xml: string): Scheme {
  const v = XMLValidator.validate(xml);
  if (v !== true) throw new Error(`scheme: invalid XML: ${v.err.msg} (line ${v.err.line})`);
  const bad = findInvalidXmlChar(xml);
  if (bad) throw new Error(`scheme: ${bad}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    trimValues: true,
    isArray: (n) => n === 'arg',
  });
  const doc = parser.parse(xml) as Record<string, unknown>;
  const s = doc.scheme as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') throw new Error('scheme: root element <scheme> missing');
  const title = str(s.title);
  if (!title) throw new Error('scheme: <title> missing');
  const mode = (str(s.streaming_mode) ?? 'simple').trim();
  if (mode !== 'xml' && mode !== 'simple') throw new Error(`scheme: streaming_mode must be xml or simple, got "${mode}"`);
  const endpoint = (s.endpoint ?? {}) as Record<string, unknown>;
  const argsEl = (endpoint.args ?? {}) as Record<string, unknown>;
  const rawArgs = (typeof argsEl === 'object' && argsEl && Array.isArray(argsEl.arg) ? argsEl.arg : []) as Array<Record<string, unknown>>;
  const args = rawArgs.map((a) => {
    const name = str(a['@_name']);
    if (!name) throw new Error('scheme: <arg> without name');
    const dataType = (str(a.data_type) ?? 'string').trim();
    if (!['string', 'number', 'boolean'].includes(dataType)) throw new Error(`scheme: arg ${name}: bad data_type "${dataType}"`);
    return {
      name,
      title: str(a.title),
      description: str(a.description),
      dataType,
      requiredOnCreate: bool(a.required_on_create, false, `arg ${name} required_on_create`),
      requiredOnEdit: bool(a.required_on_edit, false, `arg ${name} required_on_edit`),
      validation: str(a.validation),
    };
  });
  return {
    title,
    description: str(s.description),
    useExternalValidation: bool(s.use_external_validation, false, 'use_external_validation'),
    useSingleInstance: bool(s.use_single_instance, false, 'use_single_instance'),
    streamingMode: mode,
    args,
  };
}

// XML 1.0 §2.2 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// eslint-disable-next-line no-control-regex -- the control characters are the point here
const INVALID_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function findInvalidXmlChar(s: string): string | undefined {
  const m = INVALID_CHAR.exec(s);
  if (!m) return undefined;
  const cp = m[0].codePointAt(0) ?? 0;
  return `character U+${cp.toString(16).toUpperCase().padStart(4, '0')} at offset ${m.index} is not allowed in XML 1.0`;
}

function validCodePoint(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** XML 1.0 §4.1/§4.6: only the five predefined entities and character references to legal Chars (no DTD in the stream). */
export function findBadEntity(s: string): string | undefined {
  const re = /&([^;&<\s]{0,32});?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (!m[0].endsWith(';')) return `bare '&' at offset ${m.index} (must be escaped as &amp;)`;
    const name = m[1];
    if (['lt', 'gt', 'amp', 'quot', 'apos'].includes(name)) continue;
    const num = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    if (num) {
      const cp = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2], 10);
      if (!validCodePoint(cp)) return `character reference &${name}; refers to a character not allowed in XML 1.0`;
      continue;
    }
    return `undefined entity &${name}; at offset ${m.index}`;
  }
  return undefined;
}

/** Text content: CDATA sections kept literally, entities decoded. */
export function decodeXmlText(s: string): string {
  return s
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => {
      if (part.startsWith('<![CDATA[')) return part.slice(9, -3);
      return part.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_m, e: string) => {
        switch (e) {
          case 'lt':
            return '<';
          case 'gt':
            return '>';
          case 'amp':
            return '&';
          case 'quot':
            return '"';
          case 'apos':
            return "'";
          default:
            return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
        }
      });
    })
    .join('');
}

export interface StreamEvent {
  stanza?: string;
  unbroken?: boolean;
  time?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  host?: string;
  data: string;
  done: boolean;
}

/**
 * Incremental reader of the XML-mode event stream: one or more `<stream>` documents holding `<event>` elements
 * (DOCS set-up-streaming; JS11 event.js / PY event.py write exactly this). Every event is checked with a strict
 * XML 1.0 well-formedness check (fast-xml-parser XMLValidator plus the Char and entity rules it does not check).
 */
export class XmlEventStream {
  private buf = '';
  private inStream = false;
  private sawStream = false;
  readonly errors: string[] = [];

  constructor(private readonly onEvent: (e: StreamEvent) => void) {}

  push(text: string): void {
    this.buf += text;
    this.process();
  }

  /** End of stdout. `interrupted` = the process was killed, so a cut-off tail is expected and not a protocol error. */
  end(interrupted: boolean): { partialTail: string } {
    this.process();
    const tail = this.buf.trim();
    if (tail && !interrupted) this.errors.push(`stream ended inside an element: ${JSON.stringify(tail.slice(0, 120))}`);
    if (this.inStream && !interrupted && !tail) this.errors.push('stream ended without </stream>');
    return { partialTail: tail };
  }

  private skipJunk(what: string): void {
    const next = this.buf.indexOf('<', 1);
    const junk = next < 0 ? this.buf : this.buf.slice(0, next);
    this.errors.push(`${what}: ${JSON.stringify(junk.slice(0, 120))}`);
    this.buf = next < 0 ? '' : this.buf.slice(next);
  }

  private process(): void {
    for (;;) {
      const ws = /^\s*/.exec(this.buf);
      if (ws && ws[0].length) this.buf = this.buf.slice(ws[0].length);
      if (!this.buf) return;
      if (this.buf.startsWith('<!--')) {
        const e = this.buf.indexOf('-->');
        if (e < 0) return;
        this.buf = this.buf.slice(e + 3);
        continue;
      }
      if (!this.inStream) {
        if (this.buf.startsWith('<?xml')) {
          const e = this.buf.indexOf('?>');
          if (e < 0) return;
          this.buf = this.buf.slice(e + 2);
          continue;
        }
        const m = /^<stream\s*(\/?)>/.exec(this.buf);
        if (m) {
          this.buf = this.buf.slice(m[0].length);
          this.inStream = m[1] !== '/';
          this.sawStream = true;
          continue;
        }
        if ('<stream>'.startsWith(this.buf) || '<?xml'.startsWith(this.buf)) return; // need more bytes
        this.skipJunk(this.sawStream ? 'data after </stream>' : 'data before <stream>');
        continue;
      }
      const close = /^<\/stream\s*>/.exec(this.buf);
      if (close) {
        this.buf = this.buf.slice(close[0].length);
        this.inStream = false;
        continue;
      }
      if ('</stream>'.startsWith(this.buf)) return;
      if (/^<event[\s>/]/.test(this.buf)) {
        const tagEnd = this.buf.indexOf('>');
        if (tagEnd < 0) return;
        if (this.buf[tagEnd - 1] === '/') {
          this.errors.push(`empty <event/> element: ${this.buf.slice(0, tagEnd + 1)}`);
          this.buf = this.buf.slice(tagEnd + 1);
          continue;
        }
        const m = /<\/event\s*>/.exec(this.buf);
        if (!m) return;
        const text = this.buf.slice(0, m.index + m[0].length);
        this.buf = this.buf.slice(m.index + m[0].length);
        this.handleEvent(text);
        continue;
      }
      if ('<event'.startsWith(this.buf)) return;
      this.skipJunk('unexpected content inside <stream>');
    }
  }

  private handleEvent(text: string): void {
    const problem = findInvalidXmlChar(text) ?? findBadEntity(text.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''));
    if (problem) {
      this.errors.push(`malformed event (${problem}): ${JSON.stringify(text.slice(0, 200))}`);
      return;
    }
    const v = XMLValidator.validate(text);
    if (v !== true) {
      this.errors.push(`malformed event (${v.err.msg}): ${JSON.stringify(text.slice(0, 200))}`);
      return;
    }
    const open = /^<event([^>]*)>/.exec(text);
    const attrs: Record<string, string> = {};
    for (const a of (open?.[1] ?? '').matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) attrs[a[1]] = decodeXmlText(a[3] ?? a[4] ?? '');
    const inner = text.slice(open ? open[0].length : 0, text.lastIndexOf('</event'));
    const ev: StreamEvent = { data: '', done: false, stanza: attrs.stanza };
    if (attrs.unbroken !== undefined) ev.unbroken = attrs.unbroken === '1' || attrs.unbroken === 'true';
    let hasData = false;
    for (const c of inner.matchAll(/<(\w+)(\s[^>]*)?(?:\/>|>([\s\S]*?)<\/\1\s*>)/g)) {
      const name = c[1];
      const val = decodeXmlText(c[3] ?? '');
      switch (name) {
        case 'time':
          ev.time = val.trim();
          break;
        case 'source':
          ev.source = val;
          break;
        case 'sourcetype':
          ev.sourcetype = val;
          break;
        case 'index':
          ev.index = val;
          break;
        case 'host':
          ev.host = val;
          break;
        case 'data':
          ev.data = val;
          hasData = true;
          break;
        case 'done':
          ev.done = true;
          break;
        default:
          this.errors.push(`unknown element <${name}> in event`);
      }
    }
    if (!hasData && !ev.done) this.errors.push(`event without <data>: ${JSON.stringify(text.slice(0, 200))}`);
    this.onEvent(ev);
  }
}
