// Cuts a JSON array's text into the raw text of its top-level elements, without building the array.
// ListEvents pages are JSON arrays of audit events; handing each event on as the API's own text keeps
// `<data>` byte-exact and keeps memory to the page's text instead of its whole object graph.
// Each element is then parsed on its own (see audit-events.ts), so malformed JSON is still caught.

const QUOTE = 34; // "
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** Index just after the string that starts at `i` (which holds a quote); -1 when it never closes. */
function endOfString(s: string, i: number): number {
  for (let j = i + 1; ;) {
    const q = s.indexOf('"', j);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let k = q - 1; s.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

export class JsonShapeError extends Error {}

/** The raw texts of the top-level elements of a JSON array; throws JsonShapeError otherwise. */
export function jsonArrayElements(s: string): string[] {
  let i = skipSpace(s, 0);
  if (s.charCodeAt(i) !== OPEN_BRACKET) throw new JsonShapeError('the body is not a JSON array');
  i = skipSpace(s, i + 1);
  const out: string[] = [];
  if (s.charCodeAt(i) === CLOSE_BRACKET) return trailing(s, i + 1, out);
  for (;;) {
    const start = i;
    let depth = 0;
    for (;;) {
      if (i >= s.length) throw new JsonShapeError('the JSON array is truncated');
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        i = endOfString(s, i);
        if (i < 0) throw new JsonShapeError('a JSON string is not closed');
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) break; // the array's own closing bracket
        depth--;
      } else if (c === COMMA && depth === 0) break;
      i++;
    }
    let end = i;
    while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
    if (end === start) throw new JsonShapeError('the JSON array has an empty element');
    out.push(s.slice(start, end));
    if (s.charCodeAt(i) === COMMA) {
      i = skipSpace(s, i + 1);
      continue;
    }
    if (s.charCodeAt(i) !== CLOSE_BRACKET) throw new JsonShapeError('unbalanced brackets in the JSON array');
    return trailing(s, i + 1, out);
  }
}

function trailing(s: string, i: number, out: string[]): string[] {
  if (skipSpace(s, i) !== s.length) throw new JsonShapeError('text after the JSON array');
  return out;
}
