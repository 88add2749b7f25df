// Account names, realms and field rules shared by the modular input and the setup pages (src/web):
// dependency-free so the browser bundle can import them (docs/contract.md "Accounts"). OCI's own
// formats live in src/oci/rules.ts and are re-exported here for the pages.
import { endpointTemplateProblem } from '../oci/rules';

export const APP_ID = 'TA-oci-audit';
export const ACCOUNT_CONF = 'ta_oci_audit_account';
export const SETTINGS_CONF = 'ta_oci_audit_settings';
export const ACCOUNT_REALM = `__REST_CREDENTIAL__#${APP_ID}#configs/conf-${ACCOUNT_CONF}`;
export const SETTINGS_REALM = `__REST_CREDENTIAL__#${APP_ID}#configs/conf-${SETTINGS_CONF}`;

/** Checks an endpoint template: needs {region}; plain http only to localhost (docs/contract.md "Accounts"). */
export function checkEndpointTemplate(field: string, value: string): string | undefined {
  const problem = endpointTemplateProblem(value);
  return problem && `${field}: ${problem}`;
}
