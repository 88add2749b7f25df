// $SPLUNK_HOME/var/log/splunk/ta_oci_audit.log: splunkd indexes var/log/splunk into _internal, so
// admins search our own lines there with timestamps, pid and input (stderr lines reach splunkd.log
// too). Size-rotated like Splunk's own logs: ta_oci_audit.log.1 … .5. One process per input shares
// the file: appends are O_APPEND writes of whole lines; rotation happens only when a process opens it.
import { closeSync, existsSync, openSync, renameSync, statSync, writeSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LogSink } from './logger';

export const LOG_FILE_NAME = 'ta_oci_audit.log';
const MAX_BYTES = 10 * 1024 * 1024;
const KEEP = 5;

export function logFilePath(splunkHome: string | undefined): string | undefined {
  return splunkHome ? path.join(splunkHome, 'var', 'log', 'splunk', LOG_FILE_NAME) : undefined;
}

function rotate(file: string): void {
  for (let i = KEEP - 1; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  renameSync(file, `${file}.1`);
}

/** Opens the log file (rotating it first when it is over 10 MB); undefined when it cannot be written. */
export function openLogFile(file: string, context: () => string): { sink: LogSink; close(): void } | undefined {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    if (existsSync(file) && statSync(file).size > MAX_BYTES) rotate(file);
    const fd = openSync(file, 'a', 0o600);
    let bytes = statSync(file).size;
    return {
      sink: (line: string) => {
        if (bytes > MAX_BYTES * 2) return; // another process failed to rotate: stop growing the file
        const text = `${new Date().toISOString()} pid=${process.pid} ${context()}${line}`;
        try {
          bytes += writeSync(fd, text);
        } catch {
          // disk full or file gone: stderr still carries the line
        }
      },
      close: () => closeSync(fd),
    };
  } catch {
    return undefined;
  }
}
