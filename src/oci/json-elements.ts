// Cuts a JSON array's text into the raw text of its top-level elements, without building the array,
// and without needing the whole text at once: the text may arrive in pieces (a response body read
// chunk by chunk), so memory holds at most one unfinished element, never the page. ListEvents pages
// are JSON arrays of audit events; handing each event on as the API's own text keeps `<data>`
// byte-exact. Each element is then parsed on its own (see audit-events.ts), so malformed JSON is
// still caught.

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

export class JsonShapeError extends Error {
  /** True when the text does not start with `[` (it may still be other JSON). */
  constructor(
    message: string,
    readonly notAnArray = false,
  ) {
    super(message);
  }
}

const enum State {
  /** before the array's `[` */
  Start,
  /** after `[`: an element or `]` */
  First,
  /** after `,`: an element */
  Next,
  /** inside an element */
  Element,
  /** after the array's `]`: only whitespace */
  Done,
}

/** Splits a JSON array arriving in pieces into its top-level elements' texts. */
export class JsonArraySplitter {
  private buf = '';
  /** where scanning resumes in `buf` */
  private pos = 0;
  private state = State.Start;
  /** nesting depth inside the current element */
  private depth = 0;
  private inString = false;

  /** Adds the next piece of text; returns the elements it completed, in order. Throws JsonShapeError. */
  push(piece: string): string[] {
    const s = this.buf.length ? this.buf + piece : piece;
    const out: string[] = [];
    let i = this.pos;
    // In State.Element the element starts at 0: `buf` is cut back to the element's start after each piece.
    let start = 0;
    scan: for (;;) {
      switch (this.state) {
        case State.Start: {
          i = skipSpace(s, i);
          if (i >= s.length) break scan;
          if (s.charCodeAt(i) !== OPEN_BRACKET) throw new JsonShapeError('the body is not a JSON array', true);
          i++;
          this.state = State.First;
          continue;
        }
        case State.First:
        case State.Next: {
          i = skipSpace(s, i);
          if (i >= s.length) break scan;
          const c = s.charCodeAt(i);
          if (c === CLOSE_BRACKET && this.state === State.First) {
            i++;
            this.state = State.Done;
            continue;
          }
          if (c === COMMA || c === CLOSE_BRACKET) throw new JsonShapeError('the JSON array has an empty element');
          start = i;
          this.depth = 0;
          this.inString = false;
          this.state = State.Element;
          continue;
        }
        case State.Element: {
          let end = -1;
          while (i < s.length) {
            if (this.inString) {
              const q = s.indexOf('"', i);
              if (q < 0) {
                i = s.length;
                break;
              }
              let backslashes = 0;
              for (let k = q - 1; k >= start && s.charCodeAt(k) === BACKSLASH; k--) backslashes++;
              i = q + 1;
              if (backslashes % 2 === 0) this.inString = false;
              continue;
            }
            const c = s.charCodeAt(i);
            if (c === QUOTE) this.inString = true;
            else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
            else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
              if (this.depth === 0) {
                end = i; // the array's own closing bracket
                break;
              }
              this.depth--;
            } else if (c === COMMA && this.depth === 0) {
              end = i;
              break;
            }
            i++;
          }
          if (end < 0) break scan; // the element goes on in the next piece
          const endChar = s.charCodeAt(end);
          if (endChar === CLOSE_BRACE) throw new JsonShapeError('unbalanced brackets in the JSON array');
          let e = end;
          while (e > start && isSpace(s.charCodeAt(e - 1))) e--;
          out.push(s.slice(start, e));
          i = end + 1;
          this.state = endChar === COMMA ? State.Next : State.Done;
          continue;
        }
        case State.Done: {
          i = skipSpace(s, i);
          if (i < s.length) throw new JsonShapeError('text after the JSON array');
          break scan;
        }
      }
    }
    // Keep only what is still needed: the unfinished element, else nothing.
    const keep = this.state === State.Element ? start : i;
    this.buf = keep >= s.length ? '' : s.slice(keep);
    this.pos = i - keep;
    return out;
  }

  /** The text ended: throws JsonShapeError unless it was one whole array. */
  end(): void {
    if (this.state === State.Done) return;
    if (this.state === State.Start) throw new JsonShapeError('the body is empty, not a JSON array', true);
    if (this.state === State.Element && this.inString) throw new JsonShapeError('a JSON string is not closed');
    throw new JsonShapeError('the JSON array is truncated');
  }
}

/** The raw texts of the top-level elements of a JSON array; throws JsonShapeError otherwise. */
export function jsonArrayElements(s: string): string[] {
  const splitter = new JsonArraySplitter();
  const out = splitter.push(s);
  splitter.end();
  return out;
}
