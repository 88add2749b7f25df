// .conf files: parsing, layering (default < local), serialising.
// Layering and stanza syntax follow "About configuration files" / "Configuration file precedence"
// (docs.splunk.com/Documentation/Splunk/latest/Admin/Aboutconfigurationfiles): local wins over default, key by key.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Stanzas = Map<string, Record<string, string>>;

/** Parse .conf text: `[stanza]`, `key = value`, `#` comments, `\` line continuation (conf file syntax). */
export function parseConf(text: string): Stanzas {
  const out: Stanzas = new Map();
  let current = 'default'; // keys before any stanza header belong to [default] (Aboutconfigurationfiles)
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    // a trailing backslash continues the value on the next line
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + '\n' + lines[++i];
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    const h = /^\[(.*)\]$/.exec(t);
    if (h) {
      current = h[1];
      if (!out.has(current)) out.set(current, {});
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (!out.has(current)) out.set(current, {});
    (out.get(current) as Record<string, string>)[key] = value;
  }
  return out;
}

export function serializeConf(stanzas: Stanzas): string {
  const parts: string[] = [];
  for (const [name, values] of stanzas) {
    parts.push(`[${name}]`);
    for (const [k, v] of Object.entries(values)) parts.push(`${k} = ${v.replace(/\n/g, '\\\n')}`);
    parts.push('');
  }
  return parts.join('\n');
}

/** One app's configuration: default layer (read-only, from <app>/default) and local layer (written by REST). */
export class AppConf {
  private readonly defaults = new Map<string, Stanzas>();
  private readonly local = new Map<string, Stanzas>();
  /** stanzas deleted through REST that still exist in default are hidden, as splunkd hides them via local.meta */
  private readonly deleted = new Map<string, Set<string>>();

  loadDefaultDir(dir: string): void {
    if (!fs.existsSync(dir)) return;
    for (const f of fs.readdirSync(dir)) {
      if (!f.endsWith('.conf')) continue;
      this.defaults.set(f.slice(0, -5), parseConf(fs.readFileSync(path.join(dir, f), 'utf8')));
    }
  }

  private layer(map: Map<string, Stanzas>, file: string): Stanzas {
    let s = map.get(file);
    if (!s) {
      s = new Map();
      map.set(file, s);
    }
    return s;
  }

  stanzaNames(file: string): string[] {
    const names = new Set<string>();
    for (const n of this.defaults.get(file)?.keys() ?? []) names.add(n);
    for (const n of this.local.get(file)?.keys() ?? []) names.add(n);
    const del = this.deleted.get(file);
    return [...names].filter((n) => !del?.has(n) && n !== 'default');
  }

  has(file: string, stanza: string): boolean {
    if (this.deleted.get(file)?.has(stanza)) return false;
    return Boolean(this.defaults.get(file)?.has(stanza) || this.local.get(file)?.has(stanza));
  }

  /** merged view: [default] stanza < default layer < local layer (Splunk precedence within one app) */
  get(file: string, stanza: string): Record<string, string> | undefined {
    if (!this.has(file, stanza)) return undefined;
    const d = this.defaults.get(file);
    const l = this.local.get(file);
    return {
      ...(d?.get('default') ?? {}),
      ...(l?.get('default') ?? {}),
      ...(d?.get(stanza) ?? {}),
      ...(l?.get(stanza) ?? {}),
    };
  }

  getLocal(file: string, stanza: string): Record<string, string> | undefined {
    return this.local.get(file)?.get(stanza);
  }

  set(file: string, stanza: string, values: Record<string, string>): void {
    this.deleted.get(file)?.delete(stanza);
    const l = this.layer(this.local, file);
    l.set(stanza, { ...(l.get(stanza) ?? {}), ...values });
  }

  delete(file: string, stanza: string): void {
    this.local.get(file)?.delete(stanza);
    if (this.defaults.get(file)?.has(stanza)) {
      let d = this.deleted.get(file);
      if (!d) {
        d = new Set();
        this.deleted.set(file, d);
      }
      d.add(stanza);
    }
  }

  /** text of every local .conf file, as splunkd would write it to <app>/local */
  localFilesText(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [file, stanzas] of this.local) if (stanzas.size > 0) out[`${file}.conf`] = serializeConf(stanzas);
    return out;
  }
}
