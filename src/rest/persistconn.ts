// splunkd's "persistent" REST protocol (restmap.conf scripttype = persist, driver = <our executable>):
// length-prefixed packets on stdin/stdout, as splunkd's own driver lib/python3.7/site-packages/splunk/
// persistconn/{packet,handle_loop}.py speaks it.
//   splunkd -> driver: one opcode byte (bit flags INIT 0x01, BLOCK 0x02, END 0x04, ALLOW_STREAM 0x08;
//     newlines before it are skipped); INIT carries "<n>\n" then n strings (the command: `script`,
//     `script.arg.N`) then one string (command_arg: `script.param`); BLOCK carries one string (the
//     request JSON). A string is "<byte length>\n<bytes>".
//   driver -> splunkd: for INIT a string, empty = loaded (else the error text); for BLOCK one string,
//     the reply JSON {status, payload, headers}.
export const OPCODE = { INIT: 0x01, BLOCK: 0x02, END: 0x04, ALLOW_STREAM: 0x08 } as const;

export interface Packet {
  opcode: number;
  command?: string[];
  commandArg?: string;
  block?: Buffer;
}

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Incremental parser: feed() bytes as they arrive, take() complete packets. */
export class PacketReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly out: Packet[] = [];

  feed(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const p = this.tryParse();
      if (!p) break;
      this.out.push(p.packet);
      this.buf = this.buf.subarray(p.used);
    }
  }

  take(): Packet[] {
    return this.out.splice(0, this.out.length);
  }

  /** bytes that did not make a whole packet yet */
  get pending(): number {
    return this.buf.length;
  }

  private tryParse(): { packet: Packet; used: number } | undefined {
    const b = this.buf;
    let i = 0;
    while (i < b.length && b[i] === 0x0a) i++; // "ignore extra newlines before opcode"
    if (i >= b.length) {
      this.buf = b.subarray(i);
      return undefined;
    }
    const opcode = b[i++];
    const number = (): number | undefined => {
      for (;;) {
        const nl = b.indexOf(0x0a, i);
        if (nl < 0) return undefined;
        const text = b.subarray(i, nl).toString('latin1');
        i = nl + 1;
        if (text === '') continue; // "ignore empty lines before a count"
        if (!/^[0-9]+$/.test(text)) throw new ProtocolError(`expected non-negative integer, got "${text}"`);
        return Number(text);
      }
    };
    const string = (): Buffer | undefined => {
      const n = number();
      if (n === undefined || i + n > b.length) return undefined;
      const s = b.subarray(i, i + n);
      i += n;
      return s;
    };
    const packet: Packet = { opcode };
    if (opcode & OPCODE.INIT) {
      const pieces = number();
      if (pieces === undefined) return undefined;
      packet.command = [];
      for (let k = 0; k < pieces; k++) {
        const s = string();
        if (s === undefined) return undefined;
        packet.command.push(s.toString('utf8'));
      }
      const arg = string();
      if (arg === undefined) return undefined;
      if (arg.length) packet.commandArg = arg.toString('utf8');
    }
    if (opcode & OPCODE.BLOCK) {
      const s = string();
      if (s === undefined) return undefined;
      packet.block = Buffer.from(s);
    }
    return { packet, used: i };
  }
}

/** "<byte length>\n<bytes>" */
export function frame(data: string | Buffer): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.from(`${bytes.length}\n`, 'ascii'), bytes]);
}

/** What splunkd sends as the request block (captured example in a public persistent handler, and the
 * restmap.conf.spec pass* settings): fields this add-on reads. */
export interface PersistentRequest {
  method?: string;
  rest_path?: string;
  path_info?: string;
  output_mode?: string;
  query?: Array<[string, string]>;
  form?: Array<[string, string]>;
  payload?: string;
  session?: { user?: string; authtoken?: string };
  server?: { rest_uri?: string; hostname?: string; servername?: string };
  ns?: { app?: string; user?: string };
}

export interface PersistentReply {
  status: number;
  payload: string;
  headers?: Record<string, string>;
}

/** The driver side, for our executable: INIT -> "" (loaded), BLOCK -> handle(request), END -> nothing. */
export async function serve(
  input: NodeJS.ReadableStream,
  write: (b: Buffer) => Promise<void>,
  handle: (req: PersistentRequest, command: string[]) => Promise<PersistentReply>,
): Promise<void> {
  const reader = new PacketReader();
  let command: string[] | undefined;
  for await (const chunk of input) {
    reader.feed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    for (const p of reader.take()) {
      if (p.opcode & OPCODE.INIT) {
        command = p.command ?? [];
        await write(frame(''));
      }
      if (p.opcode & OPCODE.BLOCK) {
        let reply: PersistentReply;
        try {
          const req = JSON.parse((p.block ?? Buffer.alloc(0)).toString('utf8')) as PersistentRequest;
          reply = await handle(req, command ?? []);
        } catch (err) {
          reply = errorReply(500, `ta_oci_audit REST handler: ${(err as Error).message}`);
        }
        await write(frame(JSON.stringify(reply)));
      }
      if (p.opcode & OPCODE.END) command = undefined;
    }
  }
}

/** splunkd's error body shape {"messages":[{"type":"ERROR","text":…}]} so Splunk Web and our page read it alike. */
export function errorReply(status: number, text: string): PersistentReply {
  return { status, payload: JSON.stringify({ messages: [{ type: 'ERROR', text }] }), headers: { 'Content-Type': 'application/json' } };
}

export function jsonReply(status: number, body: unknown): PersistentReply {
  return { status, payload: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } };
}

/** form (and, for a form-encoded body, payload) as one map; the last value of a repeated key wins. */
export function formOf(req: PersistentRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of req.query ?? []) out[k] = String(v);
  if (req.payload && !(req.form ?? []).length) {
    const text = req.payload.trim();
    if (text.startsWith('{')) {
      try {
        for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
      } catch {
        // not JSON: ignored
      }
    } else for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  }
  for (const [k, v] of req.form ?? []) out[k] = String(v);
  return out;
}
