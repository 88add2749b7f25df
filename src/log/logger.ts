// Logs for splunkd: one line each on stderr, starting with the level word splunkd reads
// (DEBUG|INFO|WARN|ERROR|FATAL; Splunk docs "Set up logging" for modular inputs,
// https://help.splunk.com/splunk-enterprise/developing-views-and-apps-for-splunk-web/9.1/modular-inputs/set-up-logging).
// stdout is reserved for the event stream.
import { writeSync } from 'node:fs';

export const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type Level = (typeof LEVELS)[number];
const RANK: Record<Level, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, FATAL: 50 };

export type LogFields = Record<string, string | number | boolean | undefined | null>;
export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => {
  try {
    writeSync(2, line);
  } catch {
    // stderr closed: nothing else to tell.
  }
};

export class Logger {
  private level: Level = 'INFO';
  private readonly secrets = new Set<string>();
  private readonly sinks: LogSink[] = [stderrSink];

  setLevel(level: Level): void {
    this.level = level;
  }

  getLevel(): Level {
    return this.level;
  }

  /** Values that must never be written; every line is scrubbed of them. */
  addSecret(value: string | undefined | null): void {
    if (!value || value.length < 4) return;
    this.secrets.add(value);
    // A PEM can be quoted line by line (e.g. inside an error); scrub its body lines too.
    for (const line of value.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) this.secrets.add(line.trim());
  }

  addSink(sink: LogSink): void {
    this.sinks.push(sink);
  }

  enabled(level: Level): boolean {
    return RANK[level] >= RANK[this.level];
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('DEBUG', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('INFO', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('WARN', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('ERROR', msg, fields);
  }
  fatal(msg: string, fields?: LogFields): void {
    this.log('FATAL', msg, fields);
  }

  log(level: Level, msg: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    // Scrubbed before formatting too: a field value is JSON-quoted, which would escape a secret
    // holding " or \ out of recognition.
    let scrubbed: LogFields | undefined;
    if (fields) {
      scrubbed = {};
      for (const [k, v] of Object.entries(fields)) scrubbed[k] = typeof v === 'string' ? this.scrub(v) : v;
    }
    let line = `${level} ${this.scrub(msg)}${formatFields(scrubbed)}`;
    line = this.scrub(line).replace(/[\r\n]+/g, ' ');
    // The log file sink is added before the level from [logging] is known; it follows the same level.
    for (const sink of this.sinks) sink(`${line}\n`);
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('********');
    return out;
  }
}

function formatFields(fields?: LogFields): string {
  if (!fields) return '';
  let out = '';
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const s = String(v);
    out += /^[\w.:/@+-]*$/.test(s) && s !== '' ? ` ${k}=${s}` : ` ${k}=${JSON.stringify(s)}`;
  }
  return out;
}

/** The process-wide logger. */
export const log = new Logger();

export function parseLevel(value: string | undefined): Level | undefined {
  const v = (value ?? '').trim().toUpperCase();
  if (v === 'WARNING') return 'WARN';
  return (LEVELS as readonly string[]).includes(v) ? (v as Level) : undefined;
}
