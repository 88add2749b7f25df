// Parses the documents splunkd writes to a modular input's stdin: `<input>` for a run and
// `<items>` for --validate-arguments (splunk-platform.md §1; SDK fixtures conf_with_2_inputs.xml,
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

function check(text: string): void {
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) throw new InputXmlError(`the document on stdin is larger than ${MAX_INPUT_BYTES} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new InputXmlError('the document on stdin has a DOCTYPE or ENTITY declaration, which splunkd never sends');
  const v = XMLValidator.validate(text);
  if (v !== true) throw new InputXmlError(`the document on stdin is not well-formed XML: ${v.err.msg} (line ${v.err.line})`);
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

function params(node: Node): Params {
  const out: Params = {};
  for (const p of (node.param as Node[] | undefined) ?? []) {
    const name = String(p['@name'] ?? '');
    if (name) out[name] = text(p);
  }
  for (const p of (node.param_list as Node[] | undefined) ?? []) {
    const name = String(p['@name'] ?? '');
    if (name) out[name] = ((p.value as unknown[] | undefined) ?? []).map(text);
  }
  return out;
}

function parseRoot(doc: string, rootName: 'input' | 'items'): Node {
  check(doc);
  const parsed = parser.parse(doc) as Node;
  const root = parsed[rootName];
  if (typeof root !== 'object' || root === null) throw new InputXmlError(`expected an <${rootName}> document on stdin`);
  return root as Node;
}

export function parseInputDefinition(doc: string): InputDefinition {
  const root = parseRoot(doc, 'input');
  const conf = (root.configuration ?? {}) as Node;
  const stanzas = ((typeof conf === 'object' ? (conf.stanza as Node[] | undefined) : undefined) ?? []).map((s) => ({
    stanza: String(s['@name'] ?? ''),
    app: s['@app'] === undefined ? undefined : String(s['@app']),
    params: params(s),
  }));
  return { ...context(root), stanzas };
}

export function parseValidationRequest(doc: string): ValidationRequest {
  const root = parseRoot(doc, 'items');
  const items = (root.item as Node[] | undefined) ?? [];
  if (items.length !== 1) throw new InputXmlError(`expected exactly one <item> in <items>, found ${items.length}`);
  return { ...context(root), name: String(items[0]['@name'] ?? ''), params: params(items[0]) };
}
