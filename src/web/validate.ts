// Field rules of the setup pages. They reuse the modular input's own rules (src/splunk) so the page
// accepts exactly what --validate-arguments and a run accept; splunkd's answer is still shown verbatim.
import { ACCOUNT_RE, ParameterError, parseInputConfig } from '../splunk/parameters';
import { ENCRYPTED_PEM_RE, endpointTemplateProblem, FINGERPRINT_RE, OCID_RE, REGION_RE } from '../oci/rules';

export type Problems = Record<string, string>;

export interface AccountForm {
  name: string;
  auth_type: 'api_key' | 'instance_principal';
  tenancy_ocid: string;
  user_ocid: string;
  fingerprint: string;
  region: string;
  identity_endpoint: string;
  audit_endpoint: string;
  private_key: string;
  passphrase: string;
}

/** Structural PEM check: matching BEGIN/END lines of a private key and a base64 body. */
export function pemProblem(pem: string): string | undefined {
  const t = pem.trim();
  const m = /^-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----$/.exec(t);
  if (!m) return 'not a PEM private key: expected -----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY----- (PKCS#8 or PKCS#1)';
  const body = m[2]
    .split(/\r?\n/)
    .filter((l) => !/^[A-Za-z-]+:/.test(l) && l.trim() !== '')
    .join('');
  if (body.length < 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) return 'the PEM body is not valid base64';
  return undefined;
}

export function pemIsEncrypted(pem: string): boolean {
  return ENCRYPTED_PEM_RE.test(pem);
}

function ocidProblem(kind: 'tenancy' | 'user', v: string): string | undefined {
  if (v.trim() === '') return 'required';
  if (!v.startsWith(`ocid1.${kind}.`) || !OCID_RE.test(v.trim())) return `must be a ${kind} OCID (ocid1.${kind}.oc1..aaaa…)`;
  return undefined;
}

/** Problems per field; `hasStoredKey` = editing an account whose key is kept when the field is blank
 * (undefined: the page could not learn whether one is stored, so a blank key is not required either). */
export function accountFormProblems(a: AccountForm, opts: { creating: boolean; hasStoredKey: boolean | undefined }): Problems {
  const p: Problems = {};
  const set = (k: string, v: string | undefined): void => {
    if (v) p[k] = v;
  };
  if (opts.creating)
    set('name', ACCOUNT_RE.test(a.name) ? undefined : 'use 1 to 100 letters, digits, _ . @ - (starting with a letter or digit)');
  set('tenancy_ocid', ocidProblem('tenancy', a.tenancy_ocid));
  set('region', REGION_RE.test(a.region.trim()) ? undefined : "the tenancy's home region identifier, e.g. us-ashburn-1");
  if (a.auth_type === 'api_key') {
    set('user_ocid', ocidProblem('user', a.user_ocid));
    set(
      'fingerprint',
      FINGERPRINT_RE.test(a.fingerprint.trim().toLowerCase()) // the input lower-cases it (src/splunk/account.ts)
        ? undefined
        : '16 colon-separated hex pairs, e.g. 12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0',
    );
    if (a.private_key.trim() !== '') set('private_key', pemProblem(a.private_key));
    else if (opts.hasStoredKey === false) set('private_key', 'required: paste the PEM or upload the key file');
    if (a.private_key.trim() !== '' && pemIsEncrypted(a.private_key) && a.passphrase === '')
      set('passphrase', 'this key is encrypted: enter its passphrase');
  }
  for (const f of ['identity_endpoint', 'audit_endpoint'] as const) {
    if (a[f].trim() !== '') set(f, endpointTemplateProblem(a[f].trim()));
  }
  return p;
}

export const INPUT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

/** Runs the modular input's own parser over the form and files each problem under its parameter. */
export function inputFormProblems(name: string, values: Record<string, string>, opts: { creating: boolean; now?: Date }): Problems {
  const p: Problems = {};
  if (opts.creating && !INPUT_NAME_RE.test(name)) p.name = 'use 1 to 200 letters, digits, _ . - (starting with a letter or digit)';
  const interval = (values.interval ?? '').trim();
  // inputs.conf.spec: seconds, a cron schedule, 0 (run again on exit: keeps running) or -1 (once; it keeps running too)
  if (interval !== '' && !/^(-1|[0-9]+)$/.test(interval) && !/^(\S+\s+){4}\S+$/.test(interval))
    p.interval = 'seconds (e.g. 300), 0 to keep running, or a cron schedule';
  try {
    parseInputConfig(name || 'x', values, opts.now ?? new Date());
  } catch (e) {
    if (!(e instanceof ParameterError)) throw e;
    for (const problem of e.problems) {
      const m = /^([a-z_]+): (.*)$/.exec(problem);
      if (m && m[1] !== 'name') p[m[1]] ??= m[2];
    }
  }
  return p;
}

export function proxyFormProblems(v: { proxy_enabled: boolean; proxy_url: string; proxy_port: string }): Problems {
  const p: Problems = {};
  if (!v.proxy_enabled && v.proxy_url.trim() === '') return p;
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9a-fA-F:]+\]$/.test(v.proxy_url.trim()))
    p.proxy_url = 'host name or IP address of the proxy, without scheme or port';
  const port = Number(v.proxy_port);
  if (!/^[0-9]+$/.test(v.proxy_port.trim()) || port < 1 || port > 65535) p.proxy_port = 'a port number from 1 to 65535';
  return p;
}
