// HTTP for OCI calls. The SDK ignores HTTPS_PROXY (Node's global fetch), has no request timeout, and
// its default circuit breaker breaks custom http options (oci-common 2.139.1 lib/http.js and
// lib/circuit-breaker.js), so every OCI request goes through one transport of ours: proxy
// (docs/contract.md, [proxy]), TLS verification on, timeouts, keep-alive.
// Built on node:http/https rather than undici: undici compiles its HTTP parser to WebAssembly in every
// process, which cost ~24 MB of RSS and ~90 ms of CPU per run (docs/performance.md, start-up), while
// Node's own parser is native and already loaded.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { RequestSigner } from 'oci-common/lib/signer';
import type { OciProxy } from './account';
import { MalformedResponseError, ociHttpError, ProxyTunnelError } from './errors';

export interface TransportOptions {
  proxy?: OciProxy;
  /** Limit for the response headers, and for each wait for body data (not for time spent writing stdout). */
  timeoutMs: number;
  connections?: number;
}

/** A response whose body is read chunk by chunk, so a large page never has to be in memory at once. */
export interface StreamedResponse {
  status: number;
  headers: Record<string, string>;
  /** The next piece of the body; null at its end. Rejects after `timeoutMs` without data, or on a reset. */
  read(): Promise<Buffer | null>;
  /** The whole body as text (UTF-8, BOM removed): for small answers (errors, Identity). */
  text(): Promise<string>;
  /** Stops reading; the connection is closed, not reused. */
  destroy(): void;
}

export interface HttpTransport {
  request(
    method: 'GET' | 'POST',
    uri: string,
    headers: Record<string, string>,
    body?: string,
    signal?: AbortSignal,
  ): Promise<StreamedResponse>;
  close(): Promise<void>;
}

/** No answer (or no body data) within the timeout; classified as a retryable network error. */
export class HttpTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(what: string, ms: number) {
    super(`${what} timeout: nothing received for ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

function abortError(signal: AbortSignal): Error {
  const r = signal.reason as unknown;
  if (r instanceof Error) return r;
  const e = new Error('the request was aborted');
  e.name = 'AbortError';
  return e;
}

/** A CONNECT tunnel through an HTTP proxy (RFC 9110 §9.3.6), as undici's ProxyAgent did: for https and http targets alike. */
function tunnel(proxy: URL, authorization: string | undefined, host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const req = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...(authorization ? { 'proxy-authorization': authorization } : {}) },
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new HttpTimeoutError('proxy CONNECT', timeoutMs)), timeoutMs);
    req.once('connect', (res: http.IncomingMessage, socket: Socket, head: Buffer) => {
      clearTimeout(timer);
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new ProxyTunnelError(res.statusCode ?? 0));
        return;
      }
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    // Node answers a CONNECT that is refused with a plain response on some versions: same error.
    req.once('response', (res: http.IncomingMessage) => {
      clearTimeout(timer);
      res.resume();
      req.destroy();
      reject(new ProxyTunnelError(res.statusCode ?? 0));
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

type ConnectCallback = ((err: Error | null, stream: Duplex) => void) | undefined;

/** Agents whose connections are CONNECT tunnels (TLS inside for https). Node's Agent accepts an asynchronous createConnection. */
function proxyAgents(p: OciProxy, timeoutMs: number, base: http.AgentOptions): { http: http.Agent; https: https.Agent } {
  const proxy = new URL(p.url);
  const auth = p.username ? `Basic ${Buffer.from(`${p.username}:${p.password ?? ''}`).toString('base64')}` : undefined;
  class TunnelHttpAgent extends http.Agent {
    override createConnection(o: http.ClientRequestArgs, cb: ConnectCallback): undefined {
      tunnel(proxy, auth, String(o.hostname ?? o.host), Number(o.port ?? 80), timeoutMs).then(
        (s) => cb?.(null, s),
        (e: Error) => cb?.(e, undefined as unknown as Duplex),
      );
      return undefined;
    }
  }
  class TunnelHttpsAgent extends https.Agent {
    override createConnection(o: https.RequestOptions, cb: ConnectCallback): undefined {
      const host = String(o.hostname ?? o.host);
      tunnel(proxy, auth, host, Number(o.port ?? 443), timeoutMs).then(
        (socket) => cb?.(null, tls.connect({ ...(o as tls.ConnectionOptions), socket, servername: o.servername ?? host })),
        (e: Error) => cb?.(e, undefined as unknown as Duplex),
      );
      return undefined;
    }
  }
  return { http: new TunnelHttpAgent(base), https: new TunnelHttpsAgent(base) };
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const DECODER = new TextDecoder();

function streamed(res: http.IncomingMessage, timeoutMs: number, signal?: AbortSignal): StreamedResponse {
  let ended = false;
  let failure: Error | undefined;
  res.on('end', () => (ended = true));
  res.on('error', (e) => (failure ??= e));
  res.on('close', () => {
    if (!ended) failure ??= Object.assign(new Error('the connection closed before the response ended'), { code: 'ECONNRESET' });
  });
  const onAbort = (): void => void res.destroy(abortError(signal as AbortSignal));
  signal?.addEventListener('abort', onAbort, { once: true });
  res.on('close', () => signal?.removeEventListener('abort', onAbort));

  const read = (): Promise<Buffer | null> => {
    const now = res.read() as Buffer | null;
    if (now !== null) return Promise.resolve(now);
    if (ended) return Promise.resolve(null);
    if (failure) return Promise.reject(failure);
    // Waiting for the network only: the timer runs while we wait here, never while stdout is slow.
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        res.off('readable', onReadable);
        res.off('end', onEnd);
        res.off('close', onClose);
      };
      const onReadable = (): void => {
        const c = res.read() as Buffer | null;
        if (c === null) return;
        done();
        resolve(c);
      };
      const onEnd = (): void => {
        done();
        resolve(null);
      };
      const onClose = (): void => {
        if (ended) return onEnd();
        done();
        reject(failure ?? new Error('the connection closed before the response ended'));
      };
      const timer = setTimeout(() => {
        done();
        const e = new HttpTimeoutError('body', timeoutMs);
        res.destroy(e);
        reject(e);
      }, timeoutMs);
      res.on('readable', onReadable);
      res.on('end', onEnd);
      res.on('close', onClose);
    });
  };
  return {
    status: res.statusCode ?? 0,
    headers: flatHeaders(res.headers),
    read,
    async text() {
      const parts: Buffer[] = [];
      for (let c = await read(); c !== null; c = await read()) parts.push(c);
      return DECODER.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    },
    destroy() {
      if (!ended) res.destroy();
    },
  };
}

export function createTransport(o: TransportOptions): HttpTransport {
  // lifo: the most recently used connection first, so idle ones age out instead of being reused stale.
  const base: http.AgentOptions = { keepAlive: true, maxSockets: o.connections ?? 64, scheduling: 'lifo' };
  const agents = o.proxy ? proxyAgents(o.proxy, o.timeoutMs, base) : { http: new http.Agent(base), https: new https.Agent(base) };
  const timeoutMs = o.timeoutMs;
  return {
    request(method, uri, headers, body, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(abortError(signal));
        const u = new URL(uri);
        const secure = u.protocol === 'https:';
        const req = (secure ? https : http).request({
          protocol: u.protocol,
          hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
          port: u.port || (secure ? 443 : 80),
          path: `${u.pathname}${u.search}`,
          method,
          headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: secure ? agents.https : agents.http,
        });
        const timer = setTimeout(() => req.destroy(new HttpTimeoutError('headers', timeoutMs)), timeoutMs);
        const onAbort = (): void => void req.destroy(abortError(signal as AbortSignal));
        signal?.addEventListener('abort', onAbort, { once: true });
        req.once('response', (res) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(streamed(res, timeoutMs, signal));
        });
        req.once('error', (err) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        });
        req.end(body);
      });
    },
    async close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/**
 * The part of the Fetch API's Headers that signers use (oci-common lib/signer.js: get, set, has), as a
 * plain object: the global Headers would load Node's internal copy of undici in every run.
 */
class SignHeaders {
  readonly plain: Record<string, string> = {};
  get(name: string): string | null {
    return this.plain[name.toLowerCase()] ?? null;
  }
  set(name: string, value: string): void {
    this.plain[name.toLowerCase()] = String(value);
  }
  has(name: string): boolean {
    return name.toLowerCase() in this.plain;
  }
}

/**
 * Signs with the SDK's request signer scheme (draft-cavage-http-signatures as oci-common implements
 * it) and sends; the response body is left to the caller to read.
 */
export async function signedStream(
  signer: RequestSigner,
  transport: HttpTransport,
  method: 'GET' | 'POST',
  uri: string,
  signal?: AbortSignal,
  body?: string,
): Promise<StreamedResponse> {
  const headers = new SignHeaders();
  if (body !== undefined) headers.set('content-type', 'application/json');
  await signer.signHttpRequest({ method, uri, headers: headers as unknown as Headers, body });
  return transport.request(method, uri, headers.plain, body, signal);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** signedStream with the whole body read: for small answers. */
export async function signedRequest(...args: Parameters<typeof signedStream>): Promise<RawResponse> {
  const res = await signedStream(...args);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/**
 * A signed GET of a small JSON answer (`what` names it in errors): a status other than 2xx is the OCI error
 * it carries; a body that is not JSON is malformed, and retried as such.
 */
export async function signedJson(
  signer: RequestSigner,
  transport: HttpTransport,
  uri: string,
  what: string,
): Promise<RawResponse & { json: unknown }> {
  const res = await signedRequest(signer, transport, 'GET', uri);
  const requestId = res.headers['opc-request-id'];
  if (res.status < 200 || res.status > 299) throw ociHttpError(res.status, res.body, requestId);
  try {
    return { ...res, json: JSON.parse(res.body) as unknown };
  } catch (err) {
    const e = new MalformedResponseError(`${what} answered ${res.status} with a body that is not JSON (${(err as Error).message})`);
    throw Object.assign(e, { opcRequestId: requestId });
  }
}
