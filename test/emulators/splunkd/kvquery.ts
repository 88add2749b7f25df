// KV store query language: JSON query with $gt $gte $lt $lte $ne $and $or $not and equality, sort, fields
// (docs.splunk.com/Documentation/Splunk/latest/RESTREF/RESTkvstore "Queries"; Mongo semantics underneath).

export type KvDoc = Record<string, unknown>;

export class KvQueryError extends Error {}

function getPath(doc: KvDoc, p: string): unknown {
  let cur: unknown = doc;
  for (const part of p.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Mongo compares only within one type bracket: a number never matches $gt "5" (BSON comparison order). */
function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && !Array.isArray(b)) return a.some((x) => equal(x, b)); // array field matches an element
  return JSON.stringify(a) === JSON.stringify(b);
}

function matchField(value: unknown, cond: unknown): boolean {
  if (isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'))) {
    return Object.entries(cond).every(([op, arg]) => {
      switch (op) {
        case '$gt': {
          const c = compare(value, arg);
          return c !== undefined && c > 0;
        }
        case '$gte': {
          const c = compare(value, arg);
          return c !== undefined && c >= 0;
        }
        case '$lt': {
          const c = compare(value, arg);
          return c !== undefined && c < 0;
        }
        case '$lte': {
          const c = compare(value, arg);
          return c !== undefined && c <= 0;
        }
        case '$ne':
          return !equal(value, arg);
        case '$not':
          return !matchField(value, arg);
        default:
          throw new KvQueryError(`Unsupported query operator ${op}`);
      }
    });
  }
  return equal(value, cond);
}

export function matches(doc: KvDoc, query: unknown): boolean {
  if (!isPlainObject(query)) throw new KvQueryError('Query must be a JSON object');
  return Object.entries(query).every(([k, v]) => {
    if (k === '$and') {
      if (!Array.isArray(v)) throw new KvQueryError('$and needs an array');
      return v.every((q) => matches(doc, q));
    }
    if (k === '$or') {
      if (!Array.isArray(v)) throw new KvQueryError('$or needs an array');
      return v.some((q) => matches(doc, q));
    }
    if (k === '$not') return !matches(doc, v);
    if (k.startsWith('$')) throw new KvQueryError(`Unsupported query operator ${k}`);
    return matchField(getPath(doc, k), v);
  });
}

/** sort=a,b:-1 (field[:1|:-1], comma separated) */
export function sortDocs(docs: KvDoc[], sort: string): KvDoc[] {
  const keys = sort
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [field, dir] = s.split(':');
      return { field, dir: dir === '-1' || dir === 'desc' ? -1 : 1 };
    });
  return [...docs].sort((x, y) => {
    for (const { field, dir } of keys) {
      const a = getPath(x, field);
      const b = getPath(y, field);
      if (a === b) continue;
      if (a === undefined) return -dir;
      if (b === undefined) return dir;
      const c = compare(a, b) ?? String(a).localeCompare(String(b));
      if (c !== 0) return c * dir;
    }
    return 0;
  });
}

/** fields=a,b (include) or fields=a:0 (exclude); _key kept unless excluded (Mongo projection rules) */
export function project(doc: KvDoc, fields: string): KvDoc {
  const specs = fields
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [f, flag] = s.split(':');
      return { f, include: flag !== '0' };
    });
  if (specs.length === 0) return doc;
  if (specs.every((s) => !s.include)) {
    const out: KvDoc = { ...doc };
    for (const s of specs) delete out[s.f];
    return out;
  }
  const out: KvDoc = {};
  for (const s of specs) if (s.include && s.f in doc) out[s.f] = doc[s.f];
  if (!specs.some((s) => s.f === '_key' && !s.include) && '_key' in doc) out._key = doc._key;
  return out;
}
