// OCI's own formats: identifiers, API-key fingerprints, signing keys, endpoint templates. No imports,
// so that a browser bundle can use them too.

// Region identifiers: us-ashburn-1, us-gov-ashburn-1, me-dcc-muscat-1, eu-frankfurt-2
// (https://docs.oracle.com/en-us/iaas/Content/General/Concepts/regions.htm).
export const REGION_RE = /^[a-z]{2,}(?:-[a-z0-9]+)*-[0-9]+$/;
// ocid1.<resource type>.<realm>.[region][.future use].<unique id>
// (https://docs.oracle.com/en-us/iaas/Content/General/Concepts/identifiers.htm).
export const OCID_RE = /^ocid1\.[a-z0-9_]+\.[a-z0-9]+\.[a-z0-9-]*(?:\.[a-z0-9-]*)?\.[a-z0-9]{10,}$/;
export const COMPARTMENT_OCID_RE = /^ocid1\.(?:compartment|tenancy)\.[a-z0-9]+\.[a-z0-9-]*(?:\.[a-z0-9-]*)?\.[a-z0-9]{10,}$/;
// An API key's fingerprint: MD5 of the public key (DER), 16 lower-case hex pairs
// (https://docs.oracle.com/en-us/iaas/Content/API/Concepts/apisigningkey.htm, "How to Get the Key's Fingerprint").
export const FINGERPRINT_RE = /^[0-9a-f]{2}(?::[0-9a-f]{2}){15}$/;

/** An encrypted PEM private key: PKCS#8 "ENCRYPTED PRIVATE KEY", or PKCS#1 with a Proc-Type header. */
export const ENCRYPTED_PEM_RE = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/;

export type KeyFailure = 'no-passphrase' | 'wrong-passphrase' | 'not-pem';

/** Why node:crypto could not read a PEM private key, decided once for every caller. */
export function keyFailure(pem: string, passphrase: string | undefined, err: unknown): KeyFailure {
  const encrypted = ENCRYPTED_PEM_RE.test(pem);
  if (encrypted && !passphrase) return 'no-passphrase';
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  return encrypted || /DECRYPT/.test(code) ? 'wrong-passphrase' : 'not-pem';
}

/**
 * What is wrong with an endpoint template (a URL with {region}, docs/contract.md "Accounts"), as a
 * phrase that follows the setting's name; undefined when it is fine. Plain http only to localhost.
 */
export function endpointTemplateProblem(value: string): string | undefined {
  if (!value.includes('{region}')) return 'must contain {region}, e.g. https://audit.{region}.oraclecloud.com';
  let u: URL;
  try {
    u = new URL(value.replace(/\{region\}/g, 'us-ashburn-1'));
  } catch {
    return `"${value}" is not a URL`;
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost')) return undefined;
  return 'must use https:// (plain http:// is allowed only for 127.0.0.1 or localhost)';
}
