// HTTP for OCI calls. The SDK ignores HTTPS_PROXY, has no request timeout and its circuit breaker
// breaks custom http options (oci-audit-api.md §5.4-5.7), so every OCI request goes through one
// undici dispatcher of ours: proxy (CONTRACT.md [proxy]), TLS verification on, timeouts, keep-alive.
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import type { RequestSigner } from 'oci-common/lib/signer';
import type { OciProxy } from './account';

export interface TransportOptions {
  proxy?: OciProxy;
  /** Per-request limit for headers and for gaps in the body. */
  timeoutMs: number;
  connections?: number;
}

export function createDispatcher(o: TransportOptions): Dispatcher {
  const common = { headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs, connections: o.connections ?? 64, keepAliveTimeout: 30_000 };
  if (!o.proxy) return new Agent(common);
  const token = o.proxy.username ? `Basic ${Buffer.from(`${o.proxy.username}:${o.proxy.password ?? ''}`).toString('base64')}` : undefined;
  return new ProxyAgent({ uri: o.proxy.url, token, ...common });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * Signs with the SDK's own request signer (draft-cavage-http-signatures as oci-common implements
 * it) and sends. `timeoutMs` bounds the whole exchange, including a body that stalls.
 */
export async function signedRequest(
  signer: RequestSigner,
  dispatcher: Dispatcher,
  method: 'GET' | 'POST',
  uri: string,
  timeoutMs: number,
  signal?: AbortSignal,
  body?: string,
): Promise<RawResponse> {
  const headers = new Headers();
  if (body !== undefined) headers.set('content-type', 'application/json');
  await signer.signHttpRequest({ method, uri, headers, body });
  const plain: Record<string, string> = {};
  headers.forEach((v, k) => {
    plain[k] = v;
  });
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await request(uri, {
    method,
    headers: plain,
    body,
    dispatcher,
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: flatHeaders(res.headers), body: text };
}
