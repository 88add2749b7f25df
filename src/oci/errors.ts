// One classification for every failure, so retries, health counters and admin messages agree.
// HTTP codes per docs.oracle.com/en-us/iaas/Content/API/References/apierrors.htm; the SDK's
// retryable set (5xx, network, 409 IncorrectState, 429 TooManyRequests) per oci-common lib/retrier.js.

export type ErrorCategory = 'authentication' | 'permission' | 'network' | 'throttling' | 'server' | 'configuration' | 'malformed';

export interface ClassifiedError {
  category: ErrorCategory;
  retryable: boolean;
  status?: number;
  code?: string;
  requestId?: string;
  message: string;
}

/** An OCI HTTP error answered by the service (our own reader's and the SDK's OciError alike). */
export class OciHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly serviceCode: string,
    message: string,
    readonly opcRequestId?: string,
  ) {
    super(message);
    this.name = 'OciHttpError';
  }
}

/** An OCI error answer: `{"code", "message"}` JSON with opc-request-id (OCI API errors,
 * https://docs.oracle.com/en-us/iaas/Content/API/References/apierrors.htm); a body that is not JSON is quoted. */
export function ociHttpError(status: number, body: string, requestId?: string): OciHttpError {
  let code = 'Unknown';
  let message = body.slice(0, 300);
  try {
    const j = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof j.code === 'string') code = j.code;
    if (typeof j.message === 'string') message = j.message;
  } catch {
    // not JSON: keep the text
  }
  return new OciHttpError(status, code, `${status} ${code}: ${message}`, requestId);
}

/** The proxy answered the CONNECT with `status` instead of 200 (transport.ts); classify() explains 407 and 403. */
export class ProxyTunnelError extends Error {
  constructor(readonly status: number) {
    super(`the proxy answered ${status} to the CONNECT request`);
    this.name = 'ProxyTunnelError';
  }
}

/** A 200 whose body is not the JSON the API documents. */
export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedResponseError';
  }
}

const TLS_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_UNTRUSTED|CERT_REJECTED|CERT_SIGNATURE_FAILURE|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)$/;
const NETWORK_CODES = /^(UND_ERR_|ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ERR_SOCKET|ABORT_ERR|23$)/;

export function classify(err: unknown): ClassifiedError {
  const e = (err ?? {}) as {
    statusCode?: unknown;
    serviceCode?: unknown;
    code?: unknown;
    message?: unknown;
    opcRequestId?: unknown;
    name?: unknown;
    cause?: unknown;
  };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const requestId = typeof e.opcRequestId === 'string' ? e.opcRequestId : undefined;
  if (typeof e.statusCode === 'number' && e.statusCode > 0) {
    const status = e.statusCode;
    const code = typeof e.serviceCode === 'string' ? e.serviceCode : undefined;
    const base = { status, code, requestId, message };
    if (status === 401) return { ...base, category: 'authentication', retryable: false };
    if (status === 404 || status === 403) return { ...base, category: 'permission', retryable: false };
    if (status === 429) return { ...base, category: 'throttling', retryable: true };
    if (status === 409 && code === 'IncorrectState') return { ...base, category: 'server', retryable: true };
    if (status >= 500) return { ...base, category: 'server', retryable: true };
    if (status === 408) return { ...base, category: 'network', retryable: true };
    return { ...base, category: 'configuration', retryable: false };
  }
  if (err instanceof MalformedResponseError || e.name === 'SyntaxError') return { category: 'malformed', retryable: true, message };
  const causeMessage = String(((e.cause ?? {}) as { message?: unknown }).message ?? '');
  const proxy = [err, e.cause].find((x): x is ProxyTunnelError => x instanceof ProxyTunnelError);
  if (proxy) {
    const status = proxy.status;
    if (status === 407)
      return {
        category: 'configuration',
        retryable: false,
        code: 'ProxyAuthenticationRequired',
        message: 'the proxy refused the credentials (407 Proxy Authentication Required): check the proxy user name and password',
      };
    return {
      category: 'network',
      retryable: status >= 500,
      code: 'ProxyError',
      message: `the proxy answered ${status} to the CONNECT request${status === 403 ? ': it does not allow this host or port' : ''}`,
    };
  }
  const code = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : '';
  const causeCode = String(((e.cause ?? {}) as { code?: unknown }).code ?? '');
  // TLS verification stays on: an untrusted certificate is a setup problem, not a transient one.
  const tls = [code, causeCode].find((c) => TLS_CODES.test(c));
  if (tls)
    return {
      category: 'configuration',
      retryable: false,
      code: tls,
      message: `the server's TLS certificate is not trusted (${tls}: ${causeMessage || message}); certificate verification stays on: use an endpoint whose certificate chains to a trusted CA`,
    };
  if (
    NETWORK_CODES.test(code) ||
    NETWORK_CODES.test(causeCode) ||
    /fetch failed|socket|timeout|aborted|other side closed|EOPENBREAKER/i.test(message) ||
    e.name === 'AbortError' ||
    e.name === 'TimeoutError'
  ) {
    return { category: 'network', retryable: true, code: code || causeCode || undefined, message };
  }
  return { category: 'configuration', retryable: false, code: code || undefined, message };
}

/** Plain words for an admin, with the IAM statement to add where a policy is missing. */
export function explain(c: ClassifiedError, what: string): string {
  const id = c.requestId ? ` (opc-request-id ${c.requestId})` : '';
  switch (c.category) {
    case 'authentication':
      return `${what}: OCI rejected the request signature (401 ${c.code ?? 'NotAuthenticated'}): check the tenancy and user OCIDs, the fingerprint, and that the private key matches the API key uploaded for the user${id}`;
    case 'permission':
      return `${what}: not authorized or not found (${c.status} ${c.code ?? ''})${id}; the user's group needs e.g. "Allow group <group> to read audit-events in tenancy" and "Allow group <group> to inspect compartments in tenancy"`;
    case 'throttling':
      return `${what}: throttled by OCI (429 TooManyRequests)${id}`;
    case 'server':
      return `${what}: OCI answered ${c.status} ${c.code ?? ''}${id}`;
    case 'network':
      return `${what}: network error: ${c.message}`;
    case 'malformed':
      return `${what}: OCI answered with a body that is not the documented JSON: ${c.message}`;
    default:
      return `${what}: ${c.status ? `${c.status} ${c.code ?? ''} ` : ''}${c.message}${id}`;
  }
}
