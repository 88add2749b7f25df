// Checks the shipped Splunk configuration against docs/contract.md and docs/cim-mapping.md (the input
// parameters: test/unit/parameter-table.test.ts), and applies the search-time definitions of
// sourcetype oci:audit (FIELDALIAS, EVAL, event types, tags) to sample OCI audit events, so that a
// wrong field name or a wrong mapping fails here rather than in Splunk.
// The EVAL interpreter below knows only the functions props.conf uses; any other function or syntax
// makes the test fail, so no EVAL is skipped silently.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { get, readConf, type Conf } from '../support/conf';
import { mdTable as mdTableAt, ticks } from '../support/markdown';

const root = path.resolve(__dirname, '..', '..');
const conf = (rel: string): Conf => readConf(path.join(root, rel));
const SOURCETYPE = 'oci:audit';
const mdTable = (file: string, heading: RegExp): string[][] => mdTableAt(path.join(root, file), heading);

// ---------------------------------------------------------------------------------------------------
// A tiny SPL eval interpreter: just what default/props.conf uses.

type Value = string | number | boolean | null | string[];
type Fields = Map<string, string | string[]>;
type Node =
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'field'; name: string }
  | { k: 'call'; fn: string; args: Node[] }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'not'; e: Node };

function tokenize(src: string): string[] {
  const toks: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && (src[j + 1] === c || src[j + 1] === '\\')) {
          s += src[j + 1];
          j += 2;
          continue;
        }
        s += src[j++];
      }
      if (j >= src.length) throw new Error(`unterminated ${c} in: ${src}`);
      toks.push(c + s);
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>='].includes(two)) {
      toks.push(two);
      i += 2;
      continue;
    }
    if ('(),<>='.includes(c)) {
      toks.push(c);
      i++;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (!m) throw new Error(`unsupported character ${JSON.stringify(c)} at ${i} in: ${src}`);
    toks.push(m[0]);
    i += m[0].length;
  }
  return toks;
}

function parseEval(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const eat = (t?: string) => {
    const x = toks[p++];
    if (t !== undefined && x !== t) throw new Error(`expected ${t}, got ${x} in: ${src}`);
    if (x === undefined) throw new Error(`unexpected end of: ${src}`);
    return x;
  };
  const or = (): Node => {
    let l = and();
    while (peek() === 'OR') {
      eat();
      l = { k: 'bin', op: 'OR', l, r: and() };
    }
    return l;
  };
  const and = (): Node => {
    let l = not();
    while (peek() === 'AND') {
      eat();
      l = { k: 'bin', op: 'AND', l, r: not() };
    }
    return l;
  };
  const not = (): Node => (peek() === 'NOT' ? (eat(), { k: 'not', e: not() }) : cmp());
  const cmp = (): Node => {
    const l = primary();
    const op = peek();
    if (['==', '=', '!=', '<', '<=', '>', '>='].includes(op)) {
      eat();
      return { k: 'bin', op: op === '=' ? '==' : op, l, r: primary() };
    }
    return l;
  };
  const primary = (): Node => {
    const t = eat();
    if (t === '(') {
      const e = or();
      eat(')');
      return e;
    }
    if (t[0] === '"') return { k: 'str', v: t.slice(1) };
    if (t[0] === "'") return { k: 'field', name: t.slice(1) };
    if (/^-?\d/.test(t)) return { k: 'num', v: Number(t) };
    if (peek() === '(') {
      eat('(');
      const args: Node[] = [];
      if (peek() !== ')') {
        args.push(or());
        while (peek() === ',') {
          eat();
          args.push(or());
        }
      }
      eat(')');
      return { k: 'call', fn: t, args };
    }
    return { k: 'field', name: t };
  };
  const e = or();
  if (p !== toks.length) throw new Error(`trailing tokens ${toks.slice(p).join(' ')} in: ${src}`);
  return e;
}

function fieldRefs(n: Node, out = new Set<string>()): Set<string> {
  if (n.k === 'field') out.add(n.name);
  else if (n.k === 'call') n.args.forEach((a) => fieldRefs(a, out));
  else if (n.k === 'bin') {
    fieldRefs(n.l, out);
    fieldRefs(n.r, out);
  } else if (n.k === 'not') fieldRefs(n.e, out);
  return out;
}

/** Splunk regex (PCRE) to JS: a leading (?i) becomes the i flag; the patterns used are plain otherwise. */
function regex(pattern: string, flags = ''): RegExp {
  if (pattern.startsWith('(?i)')) return new RegExp(pattern.slice(4), `${flags}i`);
  return new RegExp(pattern, flags);
}

function single(v: Value, fn: string): string | number | boolean | null {
  if (Array.isArray(v)) throw new Error(`${fn}() got a multivalue field; use mvindex/mvfilter`);
  return v;
}
const truthy = (v: Value) => v === true;

function evaluate(n: Node, f: Fields): Value {
  switch (n.k) {
    case 'str':
      return n.v;
    case 'num':
      return n.v;
    case 'field': {
      const v = f.get(n.name);
      if (v === undefined) return null;
      return Array.isArray(v) && v.length === 1 ? v[0] : v;
    }
    case 'not':
      return !truthy(evaluate(n.e, f));
    case 'bin': {
      if (n.op === 'AND') return truthy(evaluate(n.l, f)) && truthy(evaluate(n.r, f));
      if (n.op === 'OR') return truthy(evaluate(n.l, f)) || truthy(evaluate(n.r, f));
      const l = single(evaluate(n.l, f), n.op);
      const r = single(evaluate(n.r, f), n.op);
      if (l === null || r === null) return false;
      if (n.op === '==') return String(l) === String(r);
      if (n.op === '!=') return String(l) !== String(r);
      if (typeof l !== typeof r) throw new Error(`comparison ${n.op} of ${typeof l} and ${typeof r}: use tonumber()`);
      switch (n.op) {
        case '<':
          return l < r;
        case '<=':
          return l <= r;
        case '>':
          return l > r;
        case '>=':
          return l >= r;
      }
      throw new Error(`operator ${n.op}`);
    }
    case 'call': {
      const a = n.args;
      const arity = (min: number, max = min) => {
        if (a.length < min || a.length > max) throw new Error(`${n.fn}() takes ${min}..${max} arguments, got ${a.length}`);
      };
      const s = (i: number) => single(evaluate(a[i], f), n.fn);
      switch (n.fn) {
        case 'true':
          arity(0);
          return true;
        case 'null':
          arity(0);
          return null;
        case 'coalesce': {
          for (const x of a) {
            const v = evaluate(x, f);
            if (v !== null) return v;
          }
          return null;
        }
        case 'nullif': {
          arity(2);
          const x = s(0);
          return x !== null && String(x) === String(s(1)) ? null : x;
        }
        case 'if':
          arity(3);
          return truthy(evaluate(a[0], f)) ? evaluate(a[1], f) : evaluate(a[2], f);
        case 'case': {
          if (a.length % 2) throw new Error('case() needs pairs');
          for (let i = 0; i < a.length; i += 2) if (truthy(evaluate(a[i], f))) return evaluate(a[i + 1], f);
          return null;
        }
        case 'match': {
          arity(2);
          const x = s(0);
          return x === null ? false : regex(String(s(1))).test(String(x));
        }
        case 'lower': {
          arity(1);
          const x = s(0);
          return x === null ? null : String(x).toLowerCase();
        }
        case 'replace': {
          arity(3);
          const x = s(0);
          if (x === null) return null;
          return String(x).replace(regex(String(s(1)), 'g'), String(s(2)).replace(/\\(\d)/g, '$$$1'));
        }
        case 'split': {
          arity(2);
          const x = s(0);
          return x === null ? null : String(x).split(String(s(1)));
        }
        case 'mvindex': {
          arity(2);
          const x = evaluate(a[0], f);
          const i = Number(s(1));
          if (x === null) return null;
          const arr = Array.isArray(x) ? x : [String(x)];
          const v = arr[i < 0 ? arr.length + i : i];
          return v === undefined ? null : v;
        }
        case 'mvfilter': {
          arity(1);
          const refs = [...fieldRefs(a[0])];
          if (refs.length !== 1) throw new Error('mvfilter() must use exactly one field');
          const v = f.get(refs[0]);
          if (v === undefined) return null;
          const kept = (Array.isArray(v) ? v : [v]).filter((x) => truthy(evaluate(a[0], new Map([...f, [refs[0], x]]))));
          return kept.length ? kept : null;
        }
        case 'tonumber': {
          arity(1);
          const x = s(0);
          if (x === null) return null;
          return /^\s*-?\d+(\.\d+)?\s*$/.test(String(x)) ? Number(x) : null;
        }
        default:
          throw new Error(`eval function ${n.fn}() is not supported by this test's interpreter: add it or change props.conf`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Search-time pipeline of Splunk for sourcetype oci:audit: KV_MODE=json, FIELDALIAS, EVAL, event types, tags.

/** Flattens JSON the way KV_MODE=json names fields: a.b.c, arrays a{} (multivalue), null as "null". */
function flatten(v: unknown, prefix: string, out: Map<string, string[]>): void {
  if (v === null) {
    push(out, prefix, 'null');
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) flatten(x, `${prefix}{}`, out);
    return;
  }
  if (typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  push(out, prefix, String(v));
}
function push(m: Map<string, string[]>, k: string, v: string) {
  const a = m.get(k) ?? [];
  a.push(v);
  m.set(k, a);
}

interface Props {
  aliases: [string, string][];
  evals: Map<string, Node>;
}
function loadProps(): Props {
  const st = conf('default/props.conf').get(SOURCETYPE);
  assert.ok(st, `props.conf has no [${SOURCETYPE}]`);
  const aliases: [string, string][] = [];
  const evals = new Map<string, Node>();
  for (const [key, { value }] of st) {
    if (key.startsWith('FIELDALIAS-')) {
      const t = value.split(/\s+/);
      assert.equal(t.length % 3, 0, `${key}: expected "src AS dst" triples: ${value}`);
      for (let i = 0; i < t.length; i += 3) {
        assert.match(t[i + 1], /^(AS|ASNEW)$/, `${key}: ${value}`);
        aliases.push([t[i], t[i + 2]]);
      }
    } else if (key.startsWith('EVAL-')) {
      try {
        evals.set(key.slice(5), parseEval(value));
      } catch (e) {
        throw new Error(`${key}: ${(e as Error).message}`);
      }
    } else if (/^(EXTRACT|REPORT|LOOKUP|TRANSFORMS|SEDCMD)-/.test(key)) {
      throw new Error(`${key}: not supported by this test: extend it`);
    }
  }
  return { aliases, evals };
}
const PROPS = loadProps();

/** Fields of one event as Splunk would show them at search time (before event types). */
function searchTimeFields(event: unknown, region: string): Fields {
  const json = new Map<string, string[]>();
  flatten(event, '', json);
  const f: Fields = new Map();
  for (const [k, v] of json) f.set(k, v.length === 1 ? v[0] : v);
  // Default fields. The event's own top-level "source" key (the OCI service) collides with Splunk's
  // source; model the worst case, a multivalue field, which the EVALs must handle.
  const source = `oci:audit:${region}`;
  f.set('source', json.has('source') ? [source, ...json.get('source')!] : source);
  f.set('sourcetype', SOURCETYPE);
  f.set('host', 'hf1');
  const base = new Map(f);
  for (const [src, dst] of PROPS.aliases) {
    const v = base.get(src);
    if (v !== undefined) f.set(dst, v);
  }
  // Every EVAL sees the fields as they were before the EVAL step (Splunk evaluates them independently).
  const before = new Map(f);
  for (const [name, node] of PROPS.evals) {
    let v: Value;
    try {
      v = evaluate(node, before);
    } catch (e) {
      throw new Error(`EVAL-${name}: ${(e as Error).message}`);
    }
    if (v === null) f.delete(name);
    else f.set(name, Array.isArray(v) ? v : String(v));
  }
  return f;
}

/** Minimal matcher for the event type searches used: field=value (wildcards *), field!=value, NOT, OR, ( ). */
function matchesSearch(search: string, f: Fields, eventtypes: Map<string, string>, depth = 0): boolean {
  if (depth > 5) throw new Error('event type recursion');
  const toks = search.match(/\(|\)|[^\s()"=!]+(?:!=|=)(?:"[^"]*"|[^\s()]+)|[^\s()]+/g) ?? [];
  let p = 0;
  const or = (): boolean => {
    let v = and();
    while (toks[p] === 'OR') {
      p++;
      const r = and();
      v = v || r;
    }
    return v;
  };
  const and = (): boolean => {
    let v = true;
    while (p < toks.length && toks[p] !== ')' && toks[p] !== 'OR') {
      const r = unary();
      v = v && r;
    }
    return v;
  };
  const unary = (): boolean => {
    const t = toks[p++];
    if (t === 'NOT') return !unary();
    if (t === '(') {
      const v = or();
      assert.equal(toks[p++], ')', `unbalanced ( in ${search}`);
      return v;
    }
    const m = /^([^=!]+)(!=|=)"?([^"]*)"?$/.exec(t);
    if (!m) throw new Error(`unsupported search term ${t} in: ${search}`);
    const [, field, op, val] = m;
    if (field === 'eventtype') {
      const s = eventtypes.get(val);
      if (s === undefined) throw new Error(`unknown eventtype ${val}`);
      const r = matchesSearch(s, f, eventtypes, depth + 1);
      return op === '=' ? r : !r;
    }
    const re = new RegExp(
      `^${val
        .split('*')
        .map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      'i',
    );
    const v = f.get(field);
    if (v === undefined) return false; // field!=x also needs the field
    const vals = Array.isArray(v) ? v : [v];
    return op === '=' ? vals.some((x) => re.test(x)) : vals.every((x) => !re.test(x));
  };
  const r = or();
  assert.equal(p, toks.length, `could not parse the whole search: ${search}`);
  return r;
}

function eventtypeSearches(): Map<string, string> {
  const m = new Map<string, string>();
  for (const [name, st] of conf('default/eventtypes.conf')) {
    // oci_audit_health is over the add-on's own log, not oci:audit: test/unit/dashboards.test.ts.
    if (name === 'default' || name === 'oci_audit_health') continue;
    const s = st.get('search')?.value;
    assert.ok(s, `[${name}] has no search`);
    m.set(name, s);
  }
  return m;
}

function classify(f: Fields): { eventtypes: string[]; tags: string[] } {
  const ets = eventtypeSearches();
  const tagsConf = conf('default/tags.conf');
  const eventtypes = [...ets.keys()].filter((n) => matchesSearch(ets.get(n)!, f, ets)).sort();
  const tags = new Set<string>();
  for (const et of eventtypes) {
    for (const [tag, { value }] of tagsConf.get(`eventtype=${et}`) ?? []) if (value === 'enabled') tags.add(tag);
  }
  return { eventtypes, tags: [...tags].sort() };
}

// ---------------------------------------------------------------------------------------------------
// Sample events. The first three are the samples of test/fixtures/samples (trimmed of headers that no
// definition reads); the Logging-shaped ones are converted back to the ListEvents shape the input emits
// (type -> eventType, time -> eventTime, id -> eventId, dataschema -> eventTypeVersion).

const tenancy = 'ocid1.tenancy.oc1..<unique_ID>';
const SAMPLES: {
  name: string;
  region: string;
  event: Record<string, unknown>;
  expect: Record<string, string | null>;
  eventtypes: string[];
}[] = [
  {
    name: 'Oracle docs GetInstance (ListEvents shape)',
    region: 'us-phoenix-1',
    event: {
      eventType: 'com.oraclecloud.ComputeApi.GetInstance',
      cloudEventsVersion: '0.1',
      eventTypeVersion: '2.0',
      source: 'ComputeApi',
      eventId: '<unique_ID>',
      eventTime: '2019-09-18T00:10:59.252Z',
      contentType: 'application/json',
      data: {
        eventGroupingId: null,
        eventName: 'GetInstance',
        compartmentId: tenancy,
        compartmentName: 'compartmentA',
        resourceName: 'my_instance',
        resourceId: 'ocid1.instance.oc1.phx.<unique_ID>',
        availabilityDomain: '<availability_domain>',
        freeformTags: null,
        definedTags: null,
        identity: {
          principalName: 'ExampleName',
          principalId: 'ocid1.user.oc1..<unique_ID>',
          authType: 'natv',
          callerName: null,
          callerId: null,
          tenantId: tenancy,
          ipAddress: '172.24.80.88',
          credentials: null,
          userAgent: 'Jersey/2.23 (HttpUrlConnection 1.8.0_212)',
          consoleSessionId: null,
        },
        request: {
          id: '<unique_ID>',
          path: '/20160918/instances/ocid1.instance.oc1.phx.<unique_ID>',
          action: 'GET',
          parameters: {},
          headers: { 'User-Agent': ['Jersey/2.23 (HttpUrlConnection 1.8.0_212)'], 'X-Forwarded-For': ['172.24.80.88'] },
        },
        response: {
          status: '200',
          responseTime: '2019-09-18T00:10:59.278Z',
          headers: { 'Content-Length': ['1828'] },
          payload: { resourceName: 'my_instance', id: 'ocid1.instance.oc1.phx.<unique_ID>' },
          message: null,
        },
        stateChange: { previous: null, current: null },
        additionalDetails: { imageId: 'ocid1.image.oc1.phx.<unique_ID>', shape: 'VM.Standard1.1', type: 'CustomerVmi' },
      },
    },
    expect: {
      user: 'ExampleName',
      user_name: 'ExampleName',
      user_id: 'ocid1.user.oc1..<unique_ID>',
      user_type: 'user',
      authentication_method: 'natv',
      src: '172.24.80.88',
      src_ip: '172.24.80.88',
      src_user: null,
      user_agent: 'Jersey/2.23 (HttpUrlConnection 1.8.0_212)',
      http_user_agent: 'Jersey/2.23 (HttpUrlConnection 1.8.0_212)',
      session_id: null,
      signature: 'GetInstance',
      signature_id: 'com.oraclecloud.ComputeApi.GetInstance',
      command: 'GetInstance',
      event_id: '<unique_ID>',
      object: 'my_instance',
      object_id: 'ocid1.instance.oc1.phx.<unique_ID>',
      object_category: 'instance',
      change_type: 'cloud',
      action: 'read',
      status: 'success',
      result_id: '200',
      result: '200',
      dvc: 'ComputeApi',
      dest: 'ocid1.instance.oc1.phx.<unique_ID>',
      vendor_region: 'us-phoenix-1',
      vendor_account: tenancy,
      vendor_product: 'Oracle Cloud Infrastructure Audit',
      vendor: 'Oracle',
      app: 'oci',
      compartment_id: tenancy,
      compartment_name: 'compartmentA',
      request_id: '<unique_ID>',
      http_method: 'GET',
      uri_path: '/20160918/instances/ocid1.instance.oc1.phx.<unique_ID>',
    },
    eventtypes: ['oci_audit', 'oci_audit_read'],
  },
  {
    name: 'real ListEvents by the Java SDK (newrelic/oci-log-integration)',
    region: 'us-ashburn-1',
    event: {
      eventType: 'com.oraclecloud.Audit.ListEvents',
      cloudEventsVersion: '0.1',
      eventTypeVersion: '2.0',
      source: 'Audit',
      eventId: '93e7a143-650b-4632-8a53-a464f45ee3c5',
      eventTime: '2025-07-22T08:35:57.533Z',
      contentType: 'application/json',
      data: {
        additionalDetails: { 'X-Real-Port': 14226 },
        availabilityDomain: 'AD1',
        compartmentId: 'ocid1.tenancy.oc1..aaaaaaaaslaq5synueyzouxaimk3szzf66iw6od7xyiam5myn4lqhcsfu5fq',
        compartmentName: 'sandbox-beyond-cust-1',
        definedTags: null,
        eventGroupingId: '71307F2A2093465493A25661ED86E0C6/178728B3EA8B5C3F8F7C31E515FD3EC9',
        eventName: 'ListEvents',
        freeformTags: null,
        identity: {
          authType: 'natv',
          callerId: null,
          callerName: null,
          consoleSessionId: null,
          credentials:
            'ocid1.tenancy.oc1..aaaaaaaavjnm7z5ta4dgrrjw7k3mm3owqnsh4j2wgwif3y3arrgpmmdhanea/ocid1.user.oc1..aaaaaaaaa4cg35fruklu4xxbvdk7tpuzvgjzi4ki47gjthmlamrj5vyjk45q/56:71:3c:43:15:5f:0e:68:db:b4:0c:67:2d:81:72:b2',
          ipAddress: '18.118.179.37',
          principalId: 'ocid1.user.oc1..aaaaaaaaa4cg35fruklu4xxbvdk7tpuzvgjzi4ki47gjthmlamrj5vyjk45q',
          principalName: 'Mahim Dadhich',
          tenantId: 'ocid1.tenancy.oc1..aaaaaaaavjnm7z5ta4dgrrjw7k3mm3owqnsh4j2wgwif3y3arrgpmmdhanea',
          userAgent: 'Oracle-JavaSDK/3.63.2 (Linux/5.10.228-219.884.amzn2.x86_64; Java/21.0.8; OpenJDK 64-Bit Server VM/21.0.8+9-LTS)',
        },
        message: 'ListEvents succeeded',
        request: {
          action: 'GET',
          headers: { 'opc-request-id': ['71307F2A2093465493A25661ED86E0C6'] },
          id: '71307F2A2093465493A25661ED86E0C6/178728B3EA8B5C3F8F7C31E515FD3EC9/0D215F7644FF9433CF3011794D9BF24E',
          parameters: { compartmentId: ['ocid1.tenancy.oc1..aaaaaaaaslaq5synueyzouxaimk3szzf66iw6od7xyiam5myn4lqhcsfu5fq'] },
          path: '/20190901/auditEvents',
        },
        resourceId: null,
        response: { headers: {}, message: null, payload: {}, responseTime: '2025-07-22T08:35:57.534Z', status: '200' },
        stateChange: { current: null, previous: null },
      },
    },
    expect: {
      user: 'Mahim Dadhich',
      user_id: 'ocid1.user.oc1..aaaaaaaaa4cg35fruklu4xxbvdk7tpuzvgjzi4ki47gjthmlamrj5vyjk45q',
      user_type: 'user',
      src: '18.118.179.37',
      command: 'ListEvents',
      object: null,
      object_id: null,
      object_category: 'events',
      action: 'read',
      status: 'success',
      result: 'ListEvents succeeded',
      result_id: '200',
      dvc: 'Audit',
      dest: 'Audit',
      vendor_region: 'us-ashburn-1',
      vendor_account: 'ocid1.tenancy.oc1..aaaaaaaavjnm7z5ta4dgrrjw7k3mm3owqnsh4j2wgwif3y3arrgpmmdhanea',
      compartment_name: 'sandbox-beyond-cust-1',
      change_type: 'cloud',
    },
    eventtypes: ['oci_audit', 'oci_audit_read'],
  },
  {
    name: 'real failed UpdateVnic by a resource principal (spaceone)',
    region: 'ap-seoul-1',
    event: {
      eventType: 'com.oraclecloud.virtualNetwork.UpdateVnic',
      cloudEventsVersion: '0.1',
      eventTypeVersion: '2.0',
      source: 'virtualNetwork',
      eventId: 'a632-c2a-495-a38d-4dfxxx',
      eventTime: '2025-10-20T10:41:13.812Z',
      contentType: 'application/json',
      data: {
        additionalDetails: { 'X-Real-Port': 0 },
        availabilityDomain: 'AD1',
        compartmentId: 'ocid1.compartment.oc1..aaaaaaaaxxxxx',
        compartmentName: 'aramco-dev',
        definedTags: { 'Oracle-Tags': { CreatedBy: 'faas', CreatedOn: '2025-10-20T10:41:06.042Z' } },
        eventGroupingId: '6276a4cde6acc.../B246174ED544E5B3C.../C021845A2CCE...',
        eventName: 'UpdateVnic',
        freeformTags: {},
        identity: {
          authType: 'resource',
          callerId: null,
          callerName: null,
          consoleSessionId: null,
          credentials: 'ST$...',
          ipAddress: '10.0.14.207',
          principalId: 'ocid1.fnapp.oc1.ap-seoul-1.amaaaaaae4qxxxxx',
          principalName: null,
          tenantId: 'ocid1.tenancy.oc1..aaaaaaaauezddhh22xxxxx',
          userAgent: 'Oracle-GoSDK/65.84.0 (linux/arm64; go/go1.23.0 4493 X:boringcrypto)',
        },
        message: 'UpdateVnic failed',
        request: {
          action: 'PUT',
          headers: { 'Content-Type': ['application/json'] },
          id: '6276a4cde6acc66e4f3....',
          parameters: {},
          path: '/20160918/vnics/ocid1.vnic.oc1.ap-seoul-1.abuw...',
        },
        resourceId: 'ocid1.vnic.oc1.ap-seoul-1.abuw...',
        response: { headers: {}, message: null, payload: {}, responseTime: '2025-10-20T10:41:13.814Z', status: '404' },
        securityAttributes: {},
        stateChange: { current: null, previous: null },
        systemTags: {},
      },
    },
    expect: {
      user: 'ocid1.fnapp.oc1.ap-seoul-1.amaaaaaae4qxxxxx',
      user_name: null,
      user_id: 'ocid1.fnapp.oc1.ap-seoul-1.amaaaaaae4qxxxxx',
      user_type: 'resource_principal',
      authentication_method: 'resource',
      src: '10.0.14.207',
      command: 'UpdateVnic',
      object: 'ocid1.vnic.oc1.ap-seoul-1.abuw...',
      object_id: 'ocid1.vnic.oc1.ap-seoul-1.abuw...',
      object_category: 'vnic',
      action: 'modified',
      status: 'failure',
      result_id: '404',
      result: 'UpdateVnic failed',
      dvc: 'virtualNetwork',
      dest: 'ocid1.vnic.oc1.ap-seoul-1.abuw...',
      vendor_region: 'ap-seoul-1',
      change_type: 'cloud',
      http_method: 'PUT',
    },
    eventtypes: ['oci_audit', 'oci_audit_change'],
  },
];

/** Synthetic events (shape of the first sample) for the cases the real samples do not cover. */
function synthetic(
  eventType: string,
  over: {
    status?: string;
    method?: string;
    resourceName?: string | null;
    consoleSessionId?: string | null;
    authType?: string;
    callerName?: string | null;
  },
) {
  const eventName = eventType.split('.').pop()!;
  return {
    eventType,
    cloudEventsVersion: '0.1',
    eventTypeVersion: '2.0',
    source: eventType.split('.')[2],
    eventId: `id-${eventName}`,
    eventTime: '2026-01-31T10:00:00.000Z',
    contentType: 'application/json',
    data: {
      eventName,
      compartmentId: tenancy,
      compartmentName: 'root',
      resourceName: over.resourceName ?? null,
      resourceId: null,
      identity: {
        principalName: 'alice@example.com',
        principalId: 'ocid1.user.oc1..alice',
        authType: over.authType ?? 'natv',
        callerName: over.callerName ?? null,
        callerId: null,
        tenantId: tenancy,
        ipAddress: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
        consoleSessionId: over.consoleSessionId ?? null,
      },
      request: { id: `req-${eventName}`, path: '/x', action: over.method ?? 'POST', parameters: {}, headers: {} },
      response: { status: over.status ?? '200', responseTime: '2026-01-31T10:00:00.100Z', headers: {}, payload: {}, message: null },
      stateChange: { previous: null, current: null },
    },
  };
}
const SYNTHETIC: { name: string; event: Record<string, unknown>; expect: Record<string, string | null>; eventtypes: string[] }[] = [
  {
    name: 'console sign-in',
    event: synthetic('com.oraclecloud.IdentitySignOn.InteractiveLogin', { consoleSessionId: 'csid-1', authType: 'fed' }),
    expect: {
      action: 'success',
      status: 'success',
      object_category: 'user',
      session_id: 'csid-1',
      change_type: 'AAA',
      user_type: 'federated_user',
      app: 'oci',
      dest: 'IdentitySignOn',
      signature: 'InteractiveLogin',
    },
    eventtypes: ['oci_audit', 'oci_audit_authentication'],
  },
  {
    name: 'failed console sign-in',
    event: synthetic('com.oraclecloud.IdentitySignOn.InteractiveLogin', { status: '401' }),
    expect: { action: 'failure', status: 'failure', result_id: '401' },
    eventtypes: ['oci_audit', 'oci_audit_authentication'],
  },
  {
    name: 'IAM policy created',
    event: synthetic('com.oraclecloud.identityControlPlane.CreatePolicy', { resourceName: 'admins-policy' }),
    expect: {
      action: 'acl_modified',
      change_type: 'AAA',
      object: 'admins-policy',
      object_category: 'policy',
      status: 'success',
      dvc: 'identityControlPlane',
    },
    eventtypes: ['oci_audit', 'oci_audit_account_management', 'oci_audit_change'],
  },
  {
    name: 'user added to a group',
    event: synthetic('com.oraclecloud.identityControlPlane.AddUserToGroup', {}),
    expect: { action: 'acl_modified', change_type: 'AAA', object_category: 'usertogroup' },
    eventtypes: ['oci_audit', 'oci_audit_account_management', 'oci_audit_change'],
  },
  {
    name: 'IAM user created',
    event: synthetic('com.oraclecloud.identityControlPlane.CreateUser', { resourceName: 'bob' }),
    expect: { action: 'created', object_category: 'user', object: 'bob' },
    eventtypes: ['oci_audit', 'oci_audit_account_management', 'oci_audit_change'],
  },
  {
    name: 'instance terminated on behalf of a service',
    event: synthetic('com.oraclecloud.ComputeApi.TerminateInstance', { method: 'DELETE', callerName: 'oke' }),
    expect: { action: 'deleted', object_category: 'instance', src_user: 'oke' },
    eventtypes: ['oci_audit', 'oci_audit_change'],
  },
  {
    name: 'instance action (stop/start via POST ?action=)',
    event: synthetic('com.oraclecloud.ComputeApi.InstanceAction', {}),
    expect: { action: 'modified' },
    eventtypes: ['oci_audit', 'oci_audit_change'],
  },
  {
    name: 'unknown verb falls back to the HTTP method',
    event: synthetic('com.oraclecloud.SomeService.FrobnicateWidget', { method: 'PUT' }),
    expect: { action: 'modified', dvc: 'SomeService' },
    eventtypes: ['oci_audit', 'oci_audit_change'],
  },
  {
    name: 'unknown verb, GET',
    event: synthetic('com.oraclecloud.SomeService.FrobnicateWidget', { method: 'GET' }),
    expect: { action: 'read' },
    eventtypes: ['oci_audit', 'oci_audit_read'],
  },
];

// ---------------------------------------------------------------------------------------------------

describe('knowledge objects (default/, README/, metadata/)', () => {
  describe('names and contract', () => {
    it('app.conf: id, label, versions equal package.json, setup not configured yet', () => {
      const app = conf('default/app.conf');
      const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
      assert.equal(get(app, 'package', 'id'), 'TA-oci-audit');
      assert.equal(get(app, 'id', 'name'), 'TA-oci-audit');
      assert.equal(get(app, 'launcher', 'version'), version);
      assert.equal(get(app, 'id', 'version'), version);
      assert.equal(get(app, 'install', 'is_configured'), 'false');
      assert.equal(get(app, 'ui', 'is_visible'), 'true');
      assert.equal(get(app, 'ui', 'label'), 'OCI Audit Add-on for Splunk');
      assert.ok(get(app, 'launcher', 'author') && get(app, 'launcher', 'description'));
      const manifest = JSON.parse(readFileSync(path.join(root, 'app.manifest'), 'utf8'));
      assert.equal(manifest.schemaVersion, '2.0.0');
      assert.equal(manifest.info.id.name, 'TA-oci-audit');
      assert.equal(manifest.info.id.version, version);
      assert.deepEqual(manifest.supportedDeployments, ['_standalone', '_distributed', '_search_head_clustering']);
    });

    it('account and settings specs match the contract and hold no secret', () => {
      const account = conf('README/ta_oci_audit_account.conf.spec');
      assert.deepEqual([...account.get('<name>')!.keys()].sort(), [
        'audit_endpoint',
        'auth_type',
        'fingerprint',
        'identity_endpoint',
        'region',
        'tenancy_ocid',
        'user_ocid',
      ]);
      const settings = conf('README/ta_oci_audit_settings.conf.spec');
      assert.deepEqual([...settings.get('proxy')!.keys()].sort(), [
        'proxy_enabled',
        'proxy_port',
        'proxy_type',
        'proxy_url',
        'proxy_username',
      ]);
      assert.deepEqual([...settings.get('logging')!.keys()], ['loglevel']);
      for (const c of [account, settings]) {
        for (const st of c.values()) for (const k of st.keys()) assert.doesNotMatch(k, /password|private_key|passphrase|secret|token/, k);
      }
      const defaults = conf('default/ta_oci_audit_settings.conf');
      assert.equal(get(defaults, 'proxy', 'proxy_enabled'), '0');
      assert.equal(get(defaults, 'proxy', 'proxy_type'), 'http');
      assert.equal(get(defaults, 'logging', 'loglevel'), 'INFO');
      for (const [name, st] of defaults)
        for (const k of st.keys()) assert.ok(settings.get(name)?.has(k), `default ${name}/${k} not in the spec`);
    });

    it('collections.conf: the checkpoint collection and its typed fields', () => {
      const st = conf('default/collections.conf').get('oci_audit_checkpoints');
      assert.ok(st, 'no [oci_audit_checkpoints]');
      const fields = Object.fromEntries([...st].filter(([k]) => k.startsWith('field.')).map(([k, v]) => [k.slice(6), v.value]));
      assert.deepEqual(fields, {
        input: 'string',
        input_uid: 'string',
        region: 'string',
        compartment_id: 'string',
        checkpoint: 'string',
        checkpoint_epoch: 'number',
        updated_at: 'time',
      });
    });

    it('metadata/default.meta exports search-time knowledge and lets only admins write', () => {
      const meta = conf('metadata/default.meta');
      assert.equal(get(meta, '', 'access'), 'read : [ * ], write : [ admin, sc_admin ]');
      for (const s of ['props', 'eventtypes', 'tags']) assert.equal(get(meta, s, 'export'), 'system', s);
      assert.ok(!existsSync(path.join(root, 'metadata', 'local.meta')), 'metadata/local.meta must not be shipped');
    });

    it('props.conf [oci:audit]: line breaking, size, timestamp and JSON extraction', () => {
      const p = conf('default/props.conf');
      const g = (k: string) => get(p, SOURCETYPE, k);
      assert.equal(g('SHOULD_LINEMERGE'), 'false');
      assert.equal(g('LINE_BREAKER'), '([\\r\\n]+)');
      assert.ok(Number(g('TRUNCATE')) >= 1048576, 'TRUNCATE must let 1 MB events through');
      assert.equal(g('KV_MODE'), 'json');
      assert.equal(g('INDEXED_EXTRACTIONS'), undefined, 'never together with KV_MODE = json');
      assert.equal(g('TIME_FORMAT'), '%Y-%m-%dT%H:%M:%S.%3N%Z');
      const prefix = new RegExp(g('TIME_PREFIX')!);
      const raw = JSON.stringify(SAMPLES[0].event);
      const m = prefix.exec(raw);
      assert.ok(m, 'TIME_PREFIX does not match a ListEvents event');
      assert.equal(raw.slice(m.index + m[0].length, m.index + m[0].length + 24), '2019-09-18T00:10:59.252Z');
      assert.ok(Number(g('MAX_TIMESTAMP_LOOKAHEAD')) >= 24);
      assert.equal(g('pulldown_type'), 'true');
      assert.ok(g('category'));
    });
  });

  describe('CIM mapping (docs/cim-mapping.md)', () => {
    const defined = new Set([...PROPS.aliases.map(([, d]) => d), ...PROPS.evals.keys()]);

    it('every CIM field of the mapping table is defined in props.conf, and every defined field is documented', () => {
      const rows = mdTable('docs/cim-mapping.md', /^## Field mapping/);
      assert.ok(rows.length > 20);
      const documented = new Set(rows.flatMap((r) => ticks(r[1])));
      for (const f of documented) assert.ok(defined.has(f), `${f} is in docs/cim-mapping.md but not defined in props.conf`);
      for (const f of defined) assert.ok(documented.has(f), `${f} is defined in props.conf but missing from docs/cim-mapping.md`);
    });

    it('event types and tags: tags.conf equals the table; every event type tagged; every tagged event type exists', () => {
      const rows = mdTable('docs/cim-mapping.md', /^## Event types and tags/);
      const ets = eventtypeSearches();
      const tags = conf('default/tags.conf');
      const fromDoc = new Map(rows.map((r) => [ticks(r[0])[0], ticks(r[1]).sort()]));
      assert.deepEqual([...ets.keys()].sort(), [...fromDoc.keys()].sort());
      for (const [name, st] of tags) {
        if (name === 'default') continue;
        const et = /^eventtype=(.+)$/.exec(name)?.[1];
        assert.ok(et && ets.has(et), `tags.conf [${name}]: no such event type`);
        for (const [, { value }] of st) assert.equal(value, 'enabled', `${name}: use "enabled"`);
      }
      for (const et of ets.keys()) {
        const t = [...(tags.get(`eventtype=${et}`)?.keys() ?? [])].sort();
        assert.ok(t.length, `event type ${et} has no tag`);
        assert.deepEqual(t, fromDoc.get(et), `tags of ${et}`);
      }
      for (const s of ets.values()) assert.match(s, /^sourcetype="oci:audit"/);
    });

    it('no EVAL reads a field made by another EVAL (Splunk runs them independently)', () => {
      for (const [name, node] of PROPS.evals) {
        for (const ref of fieldRefs(node)) assert.ok(!PROPS.evals.has(ref) || ref === name, `EVAL-${name} reads ${ref}, itself an EVAL`);
      }
    });

    it('CIM enumerations: action and status only take CIM values', () => {
      const change = ['acl_modified', 'cleared', 'created', 'deleted', 'modified', 'read', 'stopped', 'updated', 'started', 'restarted'];
      const auth = ['success', 'failure', 'pending', 'error'];
      const all = [...SAMPLES, ...SYNTHETIC.map((s) => ({ ...s, region: 'eu-frankfurt-1' }))];
      for (const s of all) {
        const f = searchTimeFields(s.event, s.region);
        const { tags } = classify(f);
        if (tags.includes('authentication')) assert.ok(auth.includes(String(f.get('action'))), `${s.name}: ${f.get('action')}`);
        if (tags.includes('change')) assert.ok(change.includes(String(f.get('action'))), `${s.name}: ${f.get('action')}`);
        if (f.has('status')) assert.ok(['success', 'failure'].includes(String(f.get('status'))), s.name);
        for (const req of ['user', 'src', 'dest', 'action', 'vendor_product']) assert.ok(f.has(req), `${s.name}: ${req} missing`);
      }
    });

    for (const s of [...SAMPLES, ...SYNTHETIC.map((x) => ({ ...x, region: 'eu-frankfurt-1' }))]) {
      it(`fields, event types and tags: ${s.name}`, () => {
        const f = searchTimeFields(s.event, s.region);
        for (const [k, want] of Object.entries(s.expect)) {
          assert.deepEqual(f.get(k) ?? null, want, `${k}`);
        }
        assert.deepEqual(classify(f).eventtypes, s.eventtypes);
      });
    }
  });

  describe('the EVAL interpreter of this test', () => {
    it('rejects what it does not know instead of skipping it', () => {
      assert.throws(() => evaluate(parseEval('strftime(_time, "%Y")'), new Map()), /not supported/);
      assert.throws(() => parseEval('a . b'), /unsupported character/);
      assert.throws(() => evaluate(parseEval('lower(x)'), new Map([['x', ['a', 'b']]])), /multivalue/);
    });
  });
});
