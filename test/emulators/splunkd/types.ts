// Public types of the splunkd emulator (see index.ts).
export type { Scheme } from './xml';

export interface SplunkdOptions {
  /** the add-on source tree; its default/*.conf are loaded as app TA-oci-audit defaults when present */
  appDir?: string;
  port?: number;
  /** KV store answers 503 for this long after start */
  kvStartupMs?: number;
  /** 'ready' (default); 'disabled' (server.conf [kvstore] disabled = true); 'absent' (a universal forwarder) */
  kvStore?: KvStoreMode;
  /** SPLUNK_HOME of the emulated instance; a fresh temp dir when absent (removed by close()) */
  splunkHome?: string;
  /** serverName / <server_host>; default "splunk-emulator" */
  serverName?: string;
  /** indexes defined here besides splunkd's own (main, _internal, ...): data/indexes/<name> answers 200 */
  indexes?: string[];
}

export type KvStoreMode = 'ready' | 'disabled' | 'absent';

export interface KvFaults {
  startup503Ms?: number;
  batchSave500Rate?: number;
  /** next N batch_save calls fail 500 */
  batchSave500Count?: number;
  getFailRate?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
}

export interface Splunkd {
  /** https://127.0.0.1:<port>, self-signed certificate */
  serverUri: string;
  /** a valid key for user admin */
  sessionKey: string;
  splunkHome: string;
  serverName: string;
  /** the emulated app id, TA-oci-audit */
  app: string;
  newSessionKey(opts?: { ttlMs?: number }): string;
  expireSessionKey(key: string): void;
  setConf(file: string, stanza: string, values: Record<string, string>): void;
  getConf(file: string, stanza: string): Record<string, string> | undefined;
  deleteConf(file: string, stanza: string): void;
  setPassword(realm: string, name: string, clearPassword: string): void;
  passwords(): Array<{ realm: string; name: string; clear_password: string }>;
  kvRecords(collection: string): Array<Record<string, unknown>>;
  setKvFaults(f: KvFaults): void;
  setKvStoreMode(mode: KvStoreMode): void;
  /** fields of server/info's content to answer instead of the emulator's (e.g. os_name, cpu_arch) */
  setServerInfo(fields: Record<string, string>): void;
  /** defines an index on this instance (data/indexes/<name> then answers 200) */
  addIndex(name: string): void;
  requests(): RequestLogEntry[];
  confFilesText(): Record<string, string>;
  /** makes data/inputs/<scheme> exist; create/edit run `command --validate-arguments` like splunkd */
  registerModularInput(scheme: string, command: string[], env?: Record<string, string>): void;
  /** appends lines to $SPLUNK_HOME/var/log/splunk/splunkd.log */
  writeSplunkdLog(lines: string[]): void;
  /** pids of the persistent REST drivers started for restmap.conf [script:*] scripttype = persist handlers */
  restDriverPids(): number[];
  close(): Promise<void>;
}

export interface RunOptions {
  /** e.g. [process.execPath, 'dist/oci_audit.js'] or ['package/.../linux_x86_64/bin/oci_audit'] */
  command: string[];
  /** default 'oci_audit' */
  scheme?: string;
  /** stanza name */
  name: string;
  params: Record<string, string | string[]>;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** send SIGKILL at this time (crash tests) */
  killAfterMs?: number;
  /** SIGTERM */
  termAfterMs?: number;
  /** stop reading stdout (close its read side, causing EPIPE) once at least this many bytes were read */
  closeStdoutAfterBytes?: number;
  /** with closeStdoutAfterBytes: stop reading for this long first, then close (a reader that hangs, then dies) */
  stallBeforeCloseMs?: number;
  sessionKey?: string;
  splunkHome?: string;
  /** ExecProcessor log threshold for splunkd.log; default INFO ("INFO+ logged by default", DOCS set-up-logging) */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export interface IndexedEvent {
  _time: number | undefined;
  stanza: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  host?: string;
  _raw: string;
  unbroken?: boolean;
  done?: boolean;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  events: IndexedEvent[];
  stdout: string;
  stderrLines: string[];
  /** lines as splunkd.log would show them */
  splunkdLog: string[];
  durationMs: number;
  /** any XML well-formedness / protocol errors seen on stdout */
  streamErrors: string[];
  /** true when timeoutMs elapsed and the process was killed */
  timedOut?: boolean;
  /** the input definition XML written to stdin */
  inputXml?: string;
  checkpointDir?: string;
}

export interface ValidationResult {
  exitCode: number | null;
  message?: string;
  stdout: string;
  stderr: string;
}
