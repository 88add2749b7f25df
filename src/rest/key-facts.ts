// Facts about a private key computed locally, before OCI is asked: its OCI fingerprint, and why node
// cannot read it, in words for the person at the form.
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { keyFailure } from '../oci/rules';

/** OCI's key fingerprint: MD5 of the public key's DER (SubjectPublicKeyInfo), colon-separated hex. */
export function keyFingerprint(privateKeyPem: string, passphrase?: string): string {
  const key = createPrivateKey({ key: privateKeyPem, format: 'pem', ...(passphrase ? { passphrase } : {}) });
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return (createHash('md5').update(der).digest('hex').match(/../g) ?? []).join(':');
}

/** A private key that node cannot read: the reason in plain words, for the person at the form. */
export function unreadableKeyReason(pem: string, passphrase: string | undefined, err: unknown): string {
  return {
    'no-passphrase': 'the private key is encrypted and no passphrase is given: enter the key passphrase',
    'wrong-passphrase': 'the passphrase is wrong: it does not decrypt the private key',
    'not-pem': 'it is not an RSA private key in PEM form (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)',
  }[keyFailure(pem, passphrase, err)];
}
