// A small Splunk .conf / .conf.spec parser for tests: stanzas, `key = value`, `#` comment lines,
// backslash line continuation. Keys outside any stanza go to the "default" stanza, as in Splunk.
import { readFileSync } from 'node:fs';

export interface ConfEntry {
  value: string;
  line: number;
}
export type Stanza = Map<string, ConfEntry>;
export type Conf = Map<string, Stanza>;

/** spec: true for .conf.spec files, whose description lines start with `*`. */
export function parseConf(text: string, { spec = false }: { spec?: boolean } = {}): Conf {
  const conf: Conf = new Map();
  let current = 'default';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i];
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)}\n${lines[++i]}`;
    const t = line.trim();
    // Spec files: description lines start with `*`, their continuation lines are indented.
    if (!t || t.startsWith('#') || (spec && (t.startsWith('*') || /^\s/.test(line)))) continue;
    const stanza = /^\[(.*)\]$/.exec(t);
    if (stanza) {
      current = stanza[1];
      if (!conf.has(current)) conf.set(current, new Map());
      continue;
    }
    const eq = t.indexOf('=');
    if (eq < 0) throw new Error(`line ${lineNo}: neither a stanza nor key = value: ${t}`);
    const key = t.slice(0, eq).trim();
    const value = t.slice(eq + 1).trim();
    if (!conf.has(current)) conf.set(current, new Map());
    const st = conf.get(current)!;
    if (st.has(key)) throw new Error(`line ${lineNo}: duplicate key ${key} in [${current}]`);
    st.set(key, { value, line: lineNo });
  }
  return conf;
}

export function readConf(file: string): Conf {
  try {
    return parseConf(readFileSync(file, 'utf8'), { spec: file.endsWith('.spec') });
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

/** Value of key in stanza, or undefined. */
export function get(conf: Conf, stanza: string, key: string): string | undefined {
  return conf.get(stanza)?.get(key)?.value;
}
