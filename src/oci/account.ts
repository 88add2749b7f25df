// The OCI account and proxy the OCI code works with, whoever configured them: the input and the
// connection check map Splunk's settings to them (src/splunk/account.ts), `preview` and `check` an
// OCI CLI config file and flags (src/cli/oci-config.ts). Problems are told per field in words that
// follow the field's name; each front end names the field its own way.
import { endpointTemplateProblem, FINGERPRINT_RE, OCID_RE, REGION_RE } from './rules';

export type OciAuthType = 'api_key' | 'instance_principal';

export interface OciAccount {
  /** How messages name the account. */
  name: string;
  authType: OciAuthType;
  tenancyOcid: string;
  userOcid?: string;
  fingerprint?: string;
  /** The tenancy's home region, e.g. us-ashburn-1. */
  region: string;
  /** URL templates with {region} that replace the SDK's endpoints. */
  identityEndpoint?: string;
  auditEndpoint?: string;
  /** PEM, possibly encrypted with `passphrase`. */
  privateKey?: string;
  passphrase?: string;
}

export interface OciProxy {
  /** http://host:port */
  url: string;
  username?: string;
  password?: string;
}

export type OciAccountField = Exclude<keyof OciAccount, 'name' | 'authType'>;

export interface AccountProblem {
  field: OciAccountField;
  /** Follows the field's name: "must be a tenancy OCID (…)". */
  text: string;
}

/** What is wrong with an account before any call is made; empty when nothing is. */
export function accountProblems(a: OciAccount): AccountProblem[] {
  const p: AccountProblem[] = [];
  const ocid = (kind: string, v: string | undefined): boolean => !!v && v.startsWith(`ocid1.${kind}.`) && OCID_RE.test(v);
  if (!ocid('tenancy', a.tenancyOcid)) p.push({ field: 'tenancyOcid', text: 'must be a tenancy OCID (ocid1.tenancy.oc1..aaaa…)' });
  if (!REGION_RE.test(a.region)) p.push({ field: 'region', text: "must be the tenancy's home region identifier, e.g. us-ashburn-1" });
  if (a.authType === 'api_key') {
    if (!ocid('user', a.userOcid)) p.push({ field: 'userOcid', text: 'must be a user OCID (ocid1.user.oc1..aaaa…)' });
    if (!a.fingerprint || !FINGERPRINT_RE.test(a.fingerprint))
      p.push({ field: 'fingerprint', text: 'must be 16 colon-separated lower-case hex pairs (aa:bb:…)' });
    if (!a.privateKey) p.push({ field: 'privateKey', text: 'is missing' });
  }
  for (const field of ['identityEndpoint', 'auditEndpoint'] as const) {
    const problem = a[field] ? endpointTemplateProblem(a[field]) : undefined;
    if (problem) p.push({ field, text: problem });
  }
  return p;
}
