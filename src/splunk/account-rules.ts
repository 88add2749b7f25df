// Account names, realms and field rules shared by the modular input and the setup pages (src/web):
// dependency-free so the browser bundle can import them (docs/contract.md "Accounts").
export const APP_ID = 'TA-oci-audit';
export const ACCOUNT_CONF = 'ta_oci_audit_account';
export const SETTINGS_CONF = 'ta_oci_audit_settings';
export const ACCOUNT_REALM = `__REST_CREDENTIAL__#${APP_ID}#configs/conf-${ACCOUNT_CONF}`;
export const SETTINGS_REALM = `__REST_CREDENTIAL__#${APP_ID}#configs/conf-${SETTINGS_CONF}`;
export const FINGERPRINT_RE = /^[0-9a-f]{2}(?::[0-9a-f]{2}){15}$/;

/** Checks an endpoint template: needs {region}; plain http only to localhost (docs/contract.md "Accounts"). */
export function checkEndpointTemplate(field: string, value: string): string | undefined {
  if (!value.includes('{region}')) return `${field}: must contain {region}, e.g. https://audit.{region}.oraclecloud.com`;
  let u: URL;
  try {
    u = new URL(value.replace(/\{region\}/g, 'us-ashburn-1'));
  } catch {
    return `${field}: "${value}" is not a URL`;
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost')) return undefined;
  return `${field}: use https:// (plain http:// is allowed only for 127.0.0.1 or localhost)`;
}

/** An encrypted PEM private key: PKCS#8 "ENCRYPTED PRIVATE KEY", or PKCS#1 with a Proc-Type header. */
export const ENCRYPTED_PEM_RE = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/;

export type KeyFailure = 'no-passphrase' | 'wrong-passphrase' | 'not-pem';

/** Why node:crypto could not read a PEM private key, decided once for the input and the Accounts tab. */
export function keyFailure(pem: string, passphrase: string | undefined, err: unknown): KeyFailure {
  const encrypted = ENCRYPTED_PEM_RE.test(pem);
  if (encrypted && !passphrase) return 'no-passphrase';
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  return encrypted || /DECRYPT/.test(code) ? 'wrong-passphrase' : 'not-pem';
}
