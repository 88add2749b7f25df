// Custom REST endpoints with restmap.conf [script:<name>] scripttype = persist, run the way splunkd runs them.
// restmap.conf.spec (9.2): "If set to "persist", it runs the script using a persistent process that uses the
// protocol from persistconn/appserver.py"; driver = the command that starts it, driver.arg.<n> its arguments,
// driver.env.<name> its environment ("Environment variables are substituted"); "Endpoints that share the
// same driver configuration can share processes"; script = "the path that is sent to the driver";
// script.arg.<N> / script.param also go to the driver; passSession, passPayload (default false), passConf.
// Wire format as splunkd's own driver reads/writes it (lib/python3.7/site-packages/splunk/persistconn/
// packet.py, handle_loop.py): request = opcode byte (INIT 0x01 | BLOCK 0x02 | END 0x04), for INIT "<n>\n" +
// n strings (command) + one string (command_arg), for BLOCK one string (request JSON); a string is
// "<len>\n<bytes>". The driver answers INIT with a string (empty = loaded) and BLOCK with one string: the
// reply JSON {status, payload, headers}. The request JSON's fields follow a captured splunkd request quoted
// in a public handler (output_mode, server.rest_uri, restmap, query/form as [k, v] pairs, connection,
// session {user, authtoken}, rest_path, method, ns, payload).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { childEnv } from './runner';

export interface PersistReply {
  status: number;
  payload: string;
  headers: Record<string, string>;
}

const INIT = 0x01;
const BLOCK = 0x02;
const END = 0x04;
/** Assumption (not found in the docs): how long the emulator waits for a driver's answer. */
const REPLY_TIMEOUT_MS = 60_000;

const str = (s: string | Buffer): Buffer => {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  return Buffer.concat([Buffer.from(`${b.length}\n`), b]);
};

/** Substitutes $VAR and ${VAR} from the driver's environment. */
export function substituteEnv(s: string, env: Record<string, string>): string {
  return s.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, a: string | undefined, b: string | undefined) => env[(a ?? b) as string] ?? m,
  );
}

function numbered(conf: Record<string, string>, prefix: string): string[] {
  return Object.keys(conf)
    .filter((k) => k.startsWith(prefix) && /^[0-9]+$/.test(k.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map((k) => conf[k]);
}

/** The stand-ins for Splunk's `splunk` Python package (persistconn/application.py, appserver.py): test-only. */
export const PYTHON_STANDIN = path.join(__dirname, 'python');

/**
 * No `driver`: splunkd's default, "the persistconn/appserver.py server" (restmap.conf.spec), on the Python that
 * python.version names ("default" or "python": the system-wide default, python3 since Splunk 8.1). Here:
 * the host's python3 with the stand-in package first on PYTHONPATH, as Splunk's Python has its own `splunk`
 * package in site-packages.
 */
function pythonDriver(conf: Record<string, string>, env: Record<string, string>): string[] {
  const version = (conf['python.version'] ?? 'default').trim();
  if (!['default', 'python', 'python3', 'python3.7', 'python3.9', 'latest'].includes(version))
    throw new Error(`python.version = ${version}: the emulator runs Python 3 handlers only`);
  env.PYTHONPATH = [PYTHON_STANDIN, env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  env.PYTHONDONTWRITEBYTECODE = '1';
  return [process.env.PYTHON3 ?? 'python3', path.join(PYTHON_STANDIN, 'splunk', 'persistconn', 'appserver.py')];
}

class Driver {
  private readonly child: ChildProcess;
  private buf = Buffer.alloc(0);
  private waiting: Array<{ resolve: (s: Buffer) => void; reject: (e: Error) => void }> = [];
  private chain: Promise<unknown> = Promise.resolve();
  exited = false;
  readonly stderr: string[] = [];

  constructor(command: string[], env: Record<string, string>, cwd: string) {
    this.child = spawn(command[0], command.slice(1), { cwd, env, shell: false, windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (b: Buffer) => {
      this.buf = Buffer.concat([this.buf, b]);
      this.drain();
    });
    let err = '';
    this.child.stderr?.on('data', (b: Buffer) => {
      err += b.toString('utf8');
      const lines = err.split('\n');
      err = lines.pop() ?? '';
      this.stderr.push(...lines.filter(Boolean));
    });
    const gone = (why: string): void => {
      this.exited = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error(why));
    };
    this.child.on('error', (e) => gone(`cannot start the driver: ${e.message}`));
    this.child.on('exit', (code, signal) => gone(`the driver exited (${signal ?? `code ${code}`})`));
    this.child.stdin?.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private drain(): void {
    while (this.waiting.length) {
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) return;
      const n = Number(this.buf.subarray(0, nl).toString('latin1'));
      if (!Number.isInteger(n) || n < 0) {
        this.waiting.shift()?.reject(new Error(`driver wrote a bad length "${this.buf.subarray(0, nl).toString('latin1')}"`));
        this.child.kill('SIGKILL');
        return;
      }
      if (this.buf.length < nl + 1 + n) return;
      const s = this.buf.subarray(nl + 1, nl + 1 + n);
      this.buf = this.buf.subarray(nl + 1 + n);
      this.waiting.shift()?.resolve(Buffer.from(s));
    }
  }

  private next(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error('the driver is not running'));
      this.waiting.push({ resolve, reject });
      this.drain();
    });
  }

  /** One request at a time per process, like the Python loop it stands for. */
  request(command: string[], commandArg: string, block: string): Promise<Buffer> {
    const run = async (): Promise<Buffer> => {
      const packet = Buffer.concat([
        Buffer.from([INIT | BLOCK | END]),
        Buffer.from(`${command.length}\n`),
        ...command.map(str),
        str(commandArg),
        str(block),
      ]);
      this.child.stdin?.write(packet);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          this.child.kill('SIGKILL');
          reject(new Error(`no reply from the driver within ${REPLY_TIMEOUT_MS / 1000} s`));
        }, REPLY_TIMEOUT_MS);
      });
      try {
        const loaded = await Promise.race([this.next(), timeout]);
        if (loaded.length) throw new Error(`the driver could not load the script: ${loaded.toString('utf8')}`);
        return await Promise.race([this.next(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin?.end(); // EOF: the driver's loop ends
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await done;
    clearTimeout(t);
  }
}

export interface PersistCall {
  stanza: string;
  conf: Record<string, string>;
  method: string;
  restPath: string;
  pathInfo?: string;
  query: Array<[string, string]>;
  form: Array<[string, string]>;
  body: string;
  outputMode?: string;
  user: string;
  authtoken: string;
  app: string;
  owner: string;
  srcIp: string;
  listeningPort: number;
}

export class PersistentDrivers {
  private readonly drivers = new Map<string, Driver>();
  /** pids of every driver process started (tests check reuse) */
  readonly started: number[] = [];

  constructor(
    private readonly splunkHome: string,
    private readonly serverName: string,
    private readonly serverUri: () => string,
    private readonly log: (lines: string[]) => void,
  ) {}

  async call(c: PersistCall): Promise<PersistReply> {
    const env = childEnv(this.splunkHome, this.serverName);
    for (const [k, v] of Object.entries(c.conf))
      if (k.startsWith('driver.env.')) env[k.slice('driver.env.'.length)] = substituteEnv(v, env);
    const command = c.conf.driver
      ? [substituteEnv(c.conf.driver, env), ...numbered(c.conf, 'driver.arg.').map((a) => substituteEnv(a, env))]
      : pythonDriver(c.conf, env);
    const key = JSON.stringify([command, Object.entries(env).sort()]);
    let d = this.drivers.get(key);
    if (!d || d.exited) {
      d = new Driver(command, env, this.splunkHome);
      if (d.pid) this.started.push(d.pid);
      this.drivers.set(key, d);
    }
    // `script` is "the path that is sent to the driver": resolved against the app's bin/, where handler= files
    // must be ("The file must be located in an application's bin subdirectory", restmap.conf.spec).
    const script = c.conf.script ? path.join(this.splunkHome, 'etc', 'apps', c.app, 'bin', substituteEnv(c.conf.script, env)) : '';
    const request: Record<string, unknown> = {
      output_mode: c.outputMode ?? 'xml',
      output_mode_explicit: c.outputMode !== undefined,
      server: {
        rest_uri: this.serverUri(),
        hostname: this.serverName,
        servername: this.serverName,
        guid: '5B1D4A56-0000-4000-8000-000000000001',
      },
      restmap: { name: c.stanza, conf: (c.conf.passConf ?? 'true') === 'false' ? {} : c.conf },
      query: c.query,
      connection: { src_ip: c.srcIp, ssl: true, listening_port: c.listeningPort },
      rest_path: c.restPath,
      method: c.method,
      ns: { app: c.app, user: c.owner },
      form: c.form,
    };
    if (c.pathInfo) request.path_info = c.pathInfo;
    if ((c.conf.passSession ?? 'true') !== 'false') request.session = { user: c.user, authtoken: c.authtoken };
    const pp = (c.conf.passPayload ?? 'false').toLowerCase();
    if (pp === 'true' && c.body) request.payload = c.body;
    if (pp === 'base64' && c.body) request.payload_base64 = Buffer.from(c.body, 'utf8').toString('base64');
    const before = d.stderr.length;
    try {
      const raw = await d.request([script, ...numbered(c.conf, 'script.arg.')], c.conf['script.param'] ?? '', JSON.stringify(request));
      const reply = JSON.parse(raw.toString('utf8')) as { status?: number; payload?: unknown; headers?: Record<string, string> };
      return {
        status: typeof reply.status === 'number' ? reply.status : 200,
        payload: typeof reply.payload === 'string' ? reply.payload : JSON.stringify(reply.payload ?? ''),
        headers: reply.headers ?? {},
      };
    } finally {
      // the driver's stderr lands in splunkd.log (line format here is the emulator's, not verified)
      this.log(d.stderr.slice(before).map((l) => `PersistentScript - From {${command[0]}}: ${l}`));
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.drivers.values()].map((d) => d.close()));
    this.drivers.clear();
  }
}
