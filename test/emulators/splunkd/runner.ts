// Starts a modular input executable the way splunkd does: --scheme introspection, --validate-arguments, and the
// streaming run with the input definition on stdin (docs.splunk.com/Documentation/Splunk/9.4.0/AdvancedDev/ModInputsScripts).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IndexedEvent, RunOptions, RunResult, Splunkd, ValidationResult } from './types';
import {
  buildInputDefinition,
  buildValidationDefinition,
  decodeXmlText,
  parseScheme,
  XmlEventStream,
  type ParamValue,
  type Scheme,
  type StreamEvent,
} from './xml';

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
type Level = (typeof LEVELS)[number];

/** splunkd.log timestamp: `MM-DD-YYYY HH:MM:SS.mmm +0000` (e.g. dmuth/splunk-lab#5 log excerpt) */
export function splunkdTimestamp(d = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${d.getUTCFullYear()}`;
  return `${date} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)} +0000`;
}

/** "If unspecified, the log level defaults to ERROR" (DOCS 9.1 set-up-logging); WARNING is written as WARN. */
export function stderrLevel(line: string): Level {
  const w = /^\s*([A-Za-z]+)/.exec(line)?.[1].toUpperCase();
  if (w === 'WARNING') return 'WARN';
  return (LEVELS as readonly string[]).includes(w ?? '') ? (w as Level) : 'ERROR';
}

/** `<ts> <LEVEL> ExecProcessor [pid] - message from "<cmd>" <line>` (voxpupuli/puppet-splunk#170) */
export function formatExecProcessorLine(level: Level, pid: number | undefined, cmd: string, line: string, d = new Date()): string {
  return `${splunkdTimestamp(d)} ${level} ExecProcessor [${pid ?? 0}] - message from "${cmd}" ${line}`;
}

/** Relative paths in the command are resolved against the caller's cwd, since the child runs elsewhere. */
export function resolveCommand(command: string[]): string[] {
  if (command.length === 0) throw new Error('empty command');
  return command.map((c) => (!path.isAbsolute(c) && !c.startsWith('-') && fs.existsSync(c) ? path.resolve(c) : c));
}

/** splunkd passes its own environment with SPLUNK_* set (inputs.conf.spec / splunk-launch.conf.spec); not ours. */
export function childEnv(splunkHome: string, serverName: string, extra?: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    SPLUNK_HOME: splunkHome,
    SPLUNK_ETC: path.join(splunkHome, 'etc'),
    SPLUNK_DB: path.join(splunkHome, 'var', 'lib', 'splunk'),
    SPLUNK_SERVER_NAME: serverName,
  };
  for (const k of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'SystemRoot', 'NODE_V8_COVERAGE']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...(extra ?? {}) };
}

interface Spawned {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  pid?: number;
  timedOut: boolean;
}

function runToEnd(
  command: string[],
  args: string[],
  opts: { cwd: string; env: Record<string, string>; input?: string; timeoutMs: number },
): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const cmd = resolveCommand(command);
    // start_by_shell = false: exec directly, no /bin/sh -c (inputs.conf.spec start_by_shell)
    const child = spawn(cmd[0], [...cmd.slice(1), ...args], {
      cwd: opts.cwd,
      env: opts.env,
      shell: false,
      windowsHide: true,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        pid: child.pid,
        timedOut,
      });
    });
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // the child may exit without reading stdin
      child.stdin.end(opts.input);
    }
  });
}

/**
 * `<cmd> --scheme`, no stdin; exit ≠ 0 fails like splunkd's
 * "Introspecting scheme=<s>: script running failed (exited with code 1)." (gjanders/SplunkAdmins#6).
 */
export async function introspectScheme(command: string[], env?: Record<string, string>): Promise<Scheme> {
  const home = env?.SPLUNK_HOME ?? process.cwd();
  const r = await runToEnd(command, ['--scheme'], { cwd: home, env: env ?? childEnv(home, 'splunk-emulator'), timeoutMs: 30_000 });
  const scheme = path.basename(command[command.length - 1]).replace(/\.[^.]+$/, '');
  if (r.exitCode !== 0) {
    const how = r.signal ? `killed by signal ${r.signal}` : `exited with code ${r.exitCode}`;
    throw new Error(`Introspecting scheme=${scheme}: script running failed (${how}).${r.stderr ? ` stderr: ${r.stderr.trim()}` : ''}`);
  }
  return parseScheme(r.stdout);
}

/** The stanza splunkd hands over: [default] < [<scheme>] (app default inputs.conf) < [<scheme>://<name>] < overrides,
 * with splunkd's own keys always present (inputs.conf.spec: host, index, disabled; interval default 60). Sorted by
 * name like the real dump in lukemonahan/splunk_modinput_prometheus. */
export function mergedInputParams(
  splunkd: Splunkd,
  scheme: string,
  name: string,
  params: Record<string, ParamValue>,
): Record<string, ParamValue> {
  const merged: Record<string, ParamValue> = {
    disabled: '0',
    host: splunkd.serverName,
    index: 'default',
    interval: '60',
    ...(splunkd.getConf('inputs', 'default') ?? {}),
    ...(splunkd.getConf('inputs', scheme) ?? {}),
    ...(splunkd.getConf('inputs', `${scheme}://${name}`) ?? {}),
    ...params,
  };
  const out: Record<string, ParamValue> = {};
  for (const k of Object.keys(merged).sort()) out[k] = merged[k];
  return out;
}

function header(
  splunkd: Splunkd,
  o: RunOptions,
  splunkHome: string,
  scheme: string,
): { serverHost: string; serverUri: string; sessionKey: string; checkpointDir: string } {
  const checkpointDir = path.join(splunkHome, 'var', 'lib', 'splunk', 'modinputs', scheme);
  fs.mkdirSync(checkpointDir, { recursive: true });
  return { serverHost: splunkd.serverName, serverUri: splunkd.serverUri, sessionKey: o.sessionKey ?? splunkd.sessionKey, checkpointDir };
}

/** `--validate-arguments` with one <item> on stdin; failure = <error><message>…</message></error> on stdout + exit 1;
 * killed after 30 s since 7.3.0 (gjanders/SplunkVersionControl README). */
export async function runValidation(splunkd: Splunkd, o: RunOptions): Promise<ValidationResult> {
  const scheme = o.scheme ?? 'oci_audit';
  const splunkHome = o.splunkHome ?? splunkd.splunkHome;
  const h = header(splunkd, o, splunkHome, scheme);
  const xml = buildValidationDefinition(h, o.name, mergedInputParams(splunkd, scheme, o.name, o.params));
  const r = await runToEnd(o.command, ['--validate-arguments'], {
    cwd: splunkHome,
    env: childEnv(splunkHome, splunkd.serverName, o.env),
    input: xml,
    timeoutMs: o.timeoutMs ?? 30_000,
  });
  const m = /<error>\s*<message>([\s\S]*?)<\/message>\s*<\/error>/.exec(r.stdout);
  // stderr of the validation run is logged by ModularInputs (format as in dmuth/splunk-lab#5)
  const lines = r.stderr.split(/\r?\n/).filter((l) => l !== '');
  splunkd.writeSplunkdLog(
    lines.map(
      (l) => `${splunkdTimestamp()} ERROR ModularInputs [${r.pid ?? 0}] - <stderr> Argument validation for scheme=${scheme}:  ${l}`,
    ),
  );
  return { exitCode: r.exitCode, message: m ? decodeXmlText(m[1]) : undefined, stdout: r.stdout, stderr: r.stderr };
}

/** Message splunkd returns when validation fails without an <error> document
 * ("Argument validation for scheme=…: script running failed (killed by signal 9: Killed)." gjanders/SplunkVersionControl#17). */
export function validationFailureText(scheme: string, r: { exitCode: number | null; signal?: string | null; message?: string }): string {
  if (r.message !== undefined) return r.message;
  const how = r.exitCode === null ? 'killed by signal 9: Killed' : `exited with code ${r.exitCode}`;
  return `Argument validation for scheme=${scheme}: script running failed (${how}).`;
}

export async function runInput(splunkd: Splunkd, o: RunOptions): Promise<RunResult> {
  const scheme = o.scheme ?? 'oci_audit';
  const splunkHome = o.splunkHome ?? splunkd.splunkHome;
  const env = childEnv(splunkHome, splunkd.serverName, o.env);
  const schemeInfo = await introspectScheme(o.command, env);
  const h = header(splunkd, o, splunkHome, scheme);
  const params = mergedInputParams(splunkd, scheme, o.name, o.params);
  const stanzaName = `${scheme}://${o.name}`;
  const inputXml = buildInputDefinition(h, [{ name: stanzaName, app: splunkd.app, params }]);
  const cmd = resolveCommand(o.command);
  const cmdText = cmd.join(' ');
  const threshold = LEVELS.indexOf(o.logLevel ?? 'INFO');
  const paramStr = (k: string): string | undefined => (typeof params[k] === 'string' ? (params[k] as string) : undefined);

  const events: IndexedEvent[] = [];
  const streamErrors: string[] = [];
  const stderrLines: string[] = [];
  const splunkdLog: string[] = [];
  const stdoutParts: string[] = [];
  const started = Date.now();
  let interrupted = false;
  let timedOut = false;

  const toIndexed = (e: StreamEvent): void => {
    if (e.stanza === undefined) streamErrors.push('event without stanza attribute');
    else if (e.stanza !== stanzaName) streamErrors.push(`event stanza "${e.stanza}" does not match the running input "${stanzaName}"`);
    let t: number | undefined;
    if (e.time !== undefined && e.time !== '') {
      t = Number(e.time);
      if (!Number.isFinite(t)) {
        streamErrors.push(`<time> is not epoch seconds: ${JSON.stringify(e.time)}`);
        t = undefined;
      }
    }
    const idx = e.index ?? paramStr('index');
    // omitted fields default to the stanza's settings, then source = stanza name, sourcetype = scheme (unverified)
    events.push({
      _time: t,
      stanza: e.stanza ?? stanzaName,
      source: e.source ?? paramStr('source') ?? stanzaName,
      sourcetype: e.sourcetype ?? paramStr('sourcetype') ?? scheme,
      index: idx === 'default' ? 'main' : idx,
      host: e.host ?? paramStr('host'),
      _raw: e.data,
      unbroken: e.unbroken,
      done: e.done,
    });
  };
  const parser = new XmlEventStream(toIndexed);

  return new Promise<RunResult>((resolve, reject) => {
    // start_by_shell = false: exec directly (inputs.conf.spec); cwd SPLUNK_HOME (modinputs must not rely on cwd)
    const child = spawn(cmd[0], cmd.slice(1), { cwd: splunkHome, env, shell: false, windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const timers: NodeJS.Timeout[] = [];
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let bytes = 0;
    let stdoutClosed = false;
    let simpleBuf = '';

    const onText = (text: string): void => {
      stdoutParts.push(text);
      if (schemeInfo.streamingMode === 'xml') parser.push(text);
      else {
        // simple mode: each line is raw data, broken by props (DOCS set-up-streaming)
        simpleBuf += text;
        const lines = simpleBuf.split('\n');
        simpleBuf = lines.pop() ?? '';
        for (const l of lines) if (l.trim()) toIndexed({ stanza: stanzaName, data: l.replace(/\r$/, ''), done: false });
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdoutClosed) return;
      // A reader that stops: what it has read it still processes (this whole read); what is still in the
      // pipe or socket is lost with it.
      if (o.closeStdoutAfterBytes !== undefined && bytes + chunk.length >= o.closeStdoutAfterBytes) {
        stdoutClosed = true;
        interrupted = true;
        if (o.stallBeforeCloseMs) {
          // Hangs first: the child's writes fill the pipe or socket, which is then lost unread.
          child.stdout.pause();
          setTimeout(() => child.stdout.destroy(), o.stallBeforeCloseMs);
        } else child.stdout.destroy(); // the child's next write gets EPIPE
      }
      bytes += chunk.length;
      try {
        onText(decoder.decode(chunk, { stream: true }));
      } catch {
        streamErrors.push(`stdout is not valid UTF-8 near byte ${bytes}`);
        onText(new TextDecoder('utf-8').decode(chunk));
      }
    });

    let errBuf = '';
    const onErrLine = (line: string): void => {
      stderrLines.push(line);
      const level = stderrLevel(line);
      if (LEVELS.indexOf(level) >= threshold) splunkdLog.push(formatExecProcessorLine(level, child.pid, cmdText, line));
    };
    child.stderr.on('data', (b: Buffer) => {
      errBuf += b.toString('utf8');
      const lines = errBuf.split('\n');
      errBuf = lines.pop() ?? '';
      for (const l of lines) onErrLine(l.replace(/\r$/, ''));
    });

    if (o.killAfterMs !== undefined)
      timers.push(
        setTimeout(() => {
          interrupted = true;
          child.kill('SIGKILL');
        }, o.killAfterMs),
      );
    if (o.termAfterMs !== undefined)
      timers.push(
        setTimeout(() => {
          interrupted = true;
          child.kill('SIGTERM');
        }, o.termAfterMs),
      );
    timers.push(
      setTimeout(() => {
        interrupted = true;
        timedOut = true;
        child.kill('SIGKILL');
      }, o.timeoutMs ?? 120_000),
    );

    child.on('error', (e) => {
      timers.forEach(clearTimeout);
      reject(e);
    });
    child.on('close', (code, signal) => {
      timers.forEach(clearTimeout);
      if (errBuf) onErrLine(errBuf);
      if (schemeInfo.streamingMode === 'xml') {
        const { partialTail } = parser.end(interrupted || signal !== null);
        streamErrors.push(...parser.errors);
        if (partialTail && (interrupted || signal !== null))
          splunkdLog.push(
            `${splunkdTimestamp()} WARN ExecProcessor [${child.pid ?? 0}] - ` +
              `discarded ${partialTail.length} chars of an unterminated event from "${cmdText}"`,
          );
      } else if (simpleBuf.trim()) toIndexed({ stanza: stanzaName, data: simpleBuf, done: false });
      if (timedOut) streamErrors.push(`timeout: killed after ${o.timeoutMs ?? 120_000} ms`);
      splunkd.writeSplunkdLog(splunkdLog);
      resolve({
        exitCode: code,
        signal,
        events,
        stdout: stdoutParts.join(''),
        stderrLines,
        splunkdLog,
        durationMs: Date.now() - started,
        streamErrors,
        timedOut,
        inputXml,
        checkpointDir: h.checkpointDir,
      });
    });
    child.stdin.on('error', () => undefined); // EPIPE if the child exits before reading
    child.stdin.end(inputXml); // stdin closes after </input> (PY reads to EOF)
  });
}

/** JSON lines, one IndexedEvent each (demo "index"). */
export function appendIndex(file: string, events: IndexedEvent[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, events.map((e) => JSON.stringify(e) + '\n').join(''));
}
