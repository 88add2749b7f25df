// Parses the documents splunkd writes to a modular input's stdin: `<input>` for a run and
// `<items>` for --validate-arguments (Splunk docs "Create modular inputs",
// https://docs.splunk.com/Documentation/Splunk/9.4.0/AdvancedDev/ModInputsScripts, and "Set up external
// validation"; splunk-sdk-javascript 1.11.0 tests/modularinputs/data/conf_with_2_inputs.xml and
// validation.xml). Untrusted text: no DOCTYPE (no entity expansion at all), bounded size.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type ParamValue = string | string[];
export type Params = Record<string, ParamValue>;

export interface SplunkContext {
  serverHost: string;
  serverUri: string;
  sessionKey: string;
  checkpointDir: string;
}

export interface InputStanza {
  /** Full stanza name, e.g. `oci_audit://prod`. */
  stanza: string;
  app?: string;
  params: Params;
}

export interface InputDefinition extends SplunkContext {
  stanzas: InputStanza[];
}

export interface ValidationRequest extends SplunkContext {
  /** The input's name as splunkd sends it in `<item name>` (without the scheme). */
  name: string;
  params: Params;
}

export class InputXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputXmlError';
  }
}

export const MAX_INPUT_BYTES = 1024 * 1024;
/** splunkd's documents are 5 levels deep (input > configuration > stanza > param_list > value). */
export const MAX_DEPTH = 32;
const MAX_MESSAGE_CHARS = 160;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ['stanza', 'param', 'param_list', 'value', 'item'].includes(name),
});

type Node = Record<string, unknown>;

/** A parser message may quote the input (a tag name of any length): short, one line, printable. */
function quoteSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]|[\ud800-\udfff]/g, '?').replace(/\s+/g, ' ');
  return clean.length > MAX_MESSAGE_CHARS ? `${clean.slice(0, MAX_MESSAGE_CHARS)}…` : clean;
}

/**
 * Element depth, counted in one pass (comments, CDATA and processing instructions skipped). The
 * parser's tree building recurses per level: a deep document would overflow the stack.
 */
function depthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let i = text.indexOf('<');
  while (i >= 0 && i < text.length) {
    const next = text[i + 1];
    let end: number;
    // An unterminated comment or CDATA section must end the scan: indexOf's -1 plus 2 would restart it at 1.
    const closing = (s: string, from: number): number => {
      const at = text.indexOf(s, from);
      return at < 0 ? -1 : at + s.length - 1;
    };
    if (text.startsWith('<!--', i)) end = closing('-->', i + 4);
    else if (text.startsWith('<![CDATA[', i)) end = closing(']]>', i + 9);
    else if (next === '?' || next === '!') end = text.indexOf('>', i + 2);
    else {
      end = text.indexOf('>', i + 1);
      if (next === '/') depth--;
      else if (end < 0 || text[end - 1] !== '/') depth++;
      if (depth > max) return true;
    }
    if (end < 0) return false; // unterminated: the validator reports it
    i = text.indexOf('<', end + 1);
  }
  return false;
}

function check(text: string): void {
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) throw new InputXmlError(`the document on stdin is larger than ${MAX_INPUT_BYTES} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw new InputXmlError('the document on stdin has a DOCTYPE or ENTITY declaration, which splunkd never sends');
  if (depthExceeds(text, MAX_DEPTH))
    throw new InputXmlError(`the document on stdin nests elements more than ${MAX_DEPTH} levels deep, which splunkd never sends`);
  const v = XMLValidator.validate(text);
  if (v !== true) throw new InputXmlError(`the document on stdin is not well-formed XML: ${quoteSafe(v.err.msg)} (line ${v.err.line})`);
}

function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && '#text' in (node as Node)) return String((node as Node)['#text']);
  if (typeof node === 'object') return '';
  return String(node);
}

function context(root: Node): SplunkContext {
  return {
    serverHost: text(root.server_host),
    serverUri: text(root.server_uri),
    sessionKey: text(root.session_key),
    checkpointDir: text(root.checkpoint_dir),
  };
}

function children(node: unknown, key: string): Node[] {
  if (typeof node !== 'object' || node === null) return [];
  const v = (node as Node)[key];
  // An empty or text-only element (<item/>, <stanza>x</stanza>) is an element without attributes.
  return Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x !== null ? (x as Node) : {})) : [];
}

function params(node: Node): Params {
  const out: Params = {};
  // defineProperty: a param named __proto__ stays an own value instead of replacing the prototype.
  const set = (name: string, value: ParamValue): void => {
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const p of children(node, 'param')) {
    const name = String(p['@name'] ?? '');
    if (name) set(name, text(p));
  }
  for (const p of children(node, 'param_list')) {
    const name = String(p['@name'] ?? '');
    const values = p.value;
    if (name) set(name, (Array.isArray(values) ? values : []).map(text));
  }
  return out;
}

function parseRoot(doc: string, rootName: 'input' | 'items'): Node {
  check(doc);
  let parsed: Node;
  try {
    parsed = parser.parse(doc) as Node;
  } catch (err) {
    // The validator accepted it; any parser failure is still the document's fault, not a crash.
    throw new InputXmlError(`the document on stdin cannot be parsed: ${quoteSafe(err instanceof Error ? err.message : String(err))}`);
  }
  const root = parsed[rootName];
  if (root === '') return {}; // <input/>, or only comments inside
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    throw new InputXmlError(`expected an <${rootName}> document on stdin`);
  return root as Node;
}

export function parseInputDefinition(doc: string): InputDefinition {
  const root = parseRoot(doc, 'input');
  const stanzas = children(root.configuration, 'stanza').map((s) => ({
    stanza: String(s['@name'] ?? ''),
    app: s['@app'] === undefined ? undefined : String(s['@app']),
    params: params(s),
  }));
  return { ...context(root), stanzas };
}

export function parseValidationRequest(doc: string): ValidationRequest {
  const root = parseRoot(doc, 'items');
  const items = children(root, 'item');
  if (items.length !== 1) throw new InputXmlError(`expected exactly one <item> in <items>, found ${items.length}`);
  return { ...context(root), name: String(items[0]['@name'] ?? ''), params: params(items[0]) };
}
