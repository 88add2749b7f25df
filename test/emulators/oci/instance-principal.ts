// Instance principal emulation: the instance metadata service (IMDS v2) and the auth service's X.509
// federation, as oci-common drives them (lib/auth/abstract-federation-client-authenticated-details-
// provider-builder.js, X509-federation-client.js, url-based-x509-certificate-supplier.js).
import crypto from 'node:crypto';
import type http from 'node:http';
import { createRequire } from 'node:module';

interface SelfSigned {
  generate(
    attrs: Array<{ name: string; value: string }>,
    opts: { keySize: number; days: number; algorithm: string },
  ): { private: string; public: string; cert: string };
}
const selfsigned = createRequire(__filename)('selfsigned') as SelfSigned;

export interface InstancePrincipal {
  /** Base URL of the emulated IMDS, as the SDK's builder.metadataBaseUrl expects (…/opc/v2/). */
  metadataBaseUrl: string;
  /** The auth service base; the SDK posts to `${federationEndpoint}/v1/x509`. */
  federationEndpoint: string;
  /** Tokens issued so far (each federation hands out one). */
  tokensIssued(): number;
  /** Turns the metadata service off (as on a host that is not an OCI instance). */
  setAvailable(on: boolean): void;
}

export interface InstancePrincipalRoutes extends InstancePrincipal {
  /** Handles /imds/… and /auth/…; false when the path is not one of them. */
  handle(path: string, req: http.IncomingMessage, body: string, res: http.ServerResponse): boolean;
  /** Public key PEM of a session token's key pair, for keyId "ST$<token>"; undefined if unknown. */
  sessionKey(keyId: string): string | undefined;
  /** Whether a fed-x509 keyId names the instance's leaf certificate; its public key if so. */
  leafKey(keyId: string): string | undefined;
}

function b64url(s: string | Buffer): string {
  return Buffer.from(s).toString('base64url');
}

function pemFromSanitized(body: string, label: string): string {
  // X509FederationClient sends keys and certificates with the PEM armour and newlines stripped (sanitizeCertificateString).
  const b64 = body.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END ${label}-----\n`;
}

/** `baseUrl` is read when asked: the emulator knows its port only once it listens. */
export function instancePrincipalRoutes(baseUrl: () => string, tenancyId: string, region: string): InstancePrincipalRoutes {
  // Certificates are made on first use: key generation takes ~0.4 s each, and most tests never ask.
  let certs: { leaf: { private: string; public: string; cert: string }; intermediate: { cert: string }; leafSha1: string } | undefined;
  const material = (): NonNullable<typeof certs> => {
    if (certs) return certs;
    // The leaf certificate carries the tenancy in a subject component "opc-tenant:<ocid>" (auth-utils getTenantIdFromCertificate).
    const leaf = selfsigned.generate(
      [
        { name: 'commonName', value: `ocid1.instance.oc1.${region}.emulated` },
        { name: 'organizationalUnitName', value: `opc-tenant:${tenancyId}` },
      ],
      { keySize: 2048, days: 2, algorithm: 'sha256' },
    );
    const intermediate = selfsigned.generate([{ name: 'commonName', value: 'PKISVC Identity Intermediate emulated' }], {
      keySize: 2048,
      days: 2,
      algorithm: 'sha256',
    });
    // keyId of the federation request: <tenancy>/fed-x509/<SHA-1 of the leaf certificate>
    // (oci-common@2.139.1 lib/auth/X509-federation-client.js, AuthTokenRequestSigner).
    const leafSha1 = new crypto.X509Certificate(leaf.cert).fingerprint.replace(/:/g, '').toLowerCase();
    certs = { leaf, intermediate, leafSha1 };
    return certs;
  };
  const sessions = new Map<string, string>();
  const secret = crypto.randomBytes(32);
  let available = true;

  function issue(sessionPublicKeyPem: string): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    // The SDK only decodes the token and refreshes it before `exp` (security-token-adapter.js).
    const payload = b64url(
      JSON.stringify({ sub: `ocid1.instance.oc1.${region}.emulated`, tenant: tenancyId, ttype: 'x509', iat: now, exp: now + 3600 }),
    );
    const token = `${header}.${payload}.${b64url(crypto.createHmac('sha256', secret).update(`${header}.${payload}`).digest())}`;
    sessions.set(token, sessionPublicKeyPem);
    return token;
  }

  return {
    get metadataBaseUrl() {
      return `${baseUrl()}/imds/opc/v2/`;
    },
    get federationEndpoint() {
      return `${baseUrl()}/auth`;
    },
    tokensIssued: () => sessions.size,
    setAvailable: (on) => {
      available = on;
    },
    sessionKey: (keyId) => (keyId.startsWith('ST$') ? sessions.get(keyId.slice(3)) : undefined),
    leafKey: (keyId) => {
      const [t, kind, fp] = keyId.split('/');
      if (t !== tenancyId || kind !== 'fed-x509' || !certs) return undefined;
      return fp?.replace(/:/g, '').toLowerCase() === certs.leafSha1 ? certs.leaf.public : undefined;
    },
    handle(path, req, body, res) {
      const json = (status: number, v: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (path.startsWith('/imds/')) {
        if (!available) {
          res.socket?.destroy();
          return true;
        }
        // IMDS v2 answers only requests with "Authorization: Bearer Oracle" (docs: Getting Instance Metadata).
        if (req.headers.authorization !== 'Bearer Oracle') {
          json(401, { code: 'NotAuthenticated', message: 'Authorization: Bearer Oracle required' });
          return true;
        }
        const m = material();
        const files: Record<string, string> = {
          '/imds/opc/v2/instance/region': region,
          '/imds/opc/v2/identity/cert.pem': m.leaf.cert,
          '/imds/opc/v2/identity/key.pem': m.leaf.private,
          '/imds/opc/v2/identity/intermediate.pem': m.intermediate.cert,
        };
        const text = files[path];
        if (text === undefined) json(404, { code: 'NotFound', message: 'Not Found' });
        else {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(text);
        }
        return true;
      }
      if (path === '/auth/v1/x509' && req.method === 'POST') {
        // Body {certificate, purpose, publicKey, intermediateCertificates}; answer {token} (X509-federation-client.js).
        let parsed: { certificate?: unknown; publicKey?: unknown };
        try {
          parsed = JSON.parse(body) as typeof parsed;
        } catch {
          json(400, { code: 'InvalidParameter', message: 'body is not JSON' });
          return true;
        }
        const cert = typeof parsed.certificate === 'string' ? pemFromSanitized(parsed.certificate, 'CERTIFICATE') : '';
        if (!certs || cert.replace(/\s/g, '') !== certs.leaf.cert.replace(/\s/g, '') || typeof parsed.publicKey !== 'string') {
          json(401, { code: 'NotAuthenticated', message: 'certificate not recognised' });
          return true;
        }
        json(200, { token: issue(pemFromSanitized(parsed.publicKey, 'PUBLIC KEY')) });
        return true;
      }
      return false;
    },
  };
}
