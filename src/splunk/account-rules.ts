// Conf and realm names and the conf boolean, shared by the modular input and the setup pages (src/web):
// dependency-free so the browser bundle can import them (docs/contract.md "Accounts"). OCI's own
// formats are in src/oci/rules.ts.

export const APP_ID = 'TA-oci-audit';
export const ACCOUNT_CONF = 'ta_oci_audit_account';
export const SETTINGS_CONF = 'ta_oci_audit_settings';
/** An account's fields in ta_oci_audit_account.conf, as the Accounts tab posts them (secrets apart). */
export const ACCOUNT_FIELDS = [
  'auth_type',
  'tenancy_ocid',
  'user_ocid',
  'fingerprint',
  'region',
  'identity_endpoint',
  'audit_endpoint',
] as const;
/** The KV store collection of checkpoints, input records and leases (default/collections.conf). */
export const CHECKPOINT_COLLECTION = 'oci_audit_checkpoints';
export const ACCOUNT_REALM = `__REST_CREDENTIAL__#${APP_ID}#configs/conf-${ACCOUNT_CONF}`;
export const SETTINGS_REALM = `__REST_CREDENTIAL__#${APP_ID}#configs/conf-${SETTINGS_CONF}`;

/** A .conf boolean as splunkd reads one: 1, true, t, yes, y, on (any case) are true; anything else is false. */
export function truthy(v: unknown): boolean {
  return (
    v === true ||
    ['1', 'true', 't', 'yes', 'y', 'on'].includes(
      String(v ?? '')
        .trim()
        .toLowerCase(),
    )
  );
}
