// The Accounts tab's connection check: sign in to OCI with the account and list the tenancy's region
// subscriptions (Identity ListRegionSubscriptions, the first call every run makes), and say in plain words
// what is wrong when it fails. Served by `oci_audit --rest-request` (through bin/ta_oci_audit_rest.py) at
// /servicesNS/nobody/TA-oci-audit/ta_oci_audit/account_check (default/restmap.conf; check-endpoint.ts).
import { classify, explain, type ErrorCategory } from '../oci/errors';
import { identityBase } from '../oci/endpoints';
import { accountFieldProblems } from '../splunk/account';
import { keyFingerprint, unreadableKeyReason } from './key-facts';
import { ociProbe, type Probe } from './oci-probe';
import { ConfigError } from '../config-error';
import type { OciAccount, OciProxy } from '../oci/account';

export const CHECK_OPERATION = 'ListRegionSubscriptions';
/** The whole check stays well inside splunkd's wait for a REST handler and the page's patience. */
export const CHECK_DEADLINE_MS = 20_000;

export interface CheckResult {
  ok: boolean;
  /** absent when ok */
  category?: ErrorCategory;
  message: string;
  /** IAM policy statements to add (permission failures) */
  statements: string[];
  /** READY regions when ok */
  regions?: string[];
  status?: number;
  code?: string;
  opc_request_id?: string;
}

function principal(account: OciAccount, group: string): string {
  return account.authType === 'instance_principal' ? `dynamic-group ${group === '<group>' ? '<dynamic-group>' : group}` : `group ${group}`;
}

/** Runs the check; never throws. */
export async function checkAccount(
  account: OciAccount,
  proxy: OciProxy | undefined,
  o: { probe?: Probe; group?: string; deadlineMs?: number } = {},
): Promise<CheckResult> {
  const fail = (category: ErrorCategory, message: string, extra: Partial<CheckResult> = {}): CheckResult => ({
    ok: false,
    category,
    message,
    statements: [],
    ...extra,
  });
  const problems = accountFieldProblems(account);
  if (problems.length) return fail('configuration', problems.join('; '));
  let localFingerprint: string | undefined;
  if (account.authType === 'api_key' && account.privateKey) {
    try {
      localFingerprint = keyFingerprint(account.privateKey, account.passphrase);
    } catch (err) {
      return fail('configuration', `The private key cannot be read: ${unreadableKeyReason(account.privateKey, account.passphrase, err)}.`);
    }
  }
  const group = o.group?.trim() || '<group>';
  const deadline = o.deadlineMs ?? CHECK_DEADLINE_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const regions = await Promise.race([
      (o.probe ?? ociProbe)(account, proxy),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error(`no answer from OCI within ${Math.round(deadline / 1000)} s`), { name: 'TimeoutError' })),
          deadline,
        );
      }),
    ]);
    const ready = regions.filter((r) => r.status === 'READY').map((r) => r.name);
    const who = account.authType === 'instance_principal' ? 'the instance principal' : `user ${account.userOcid}`;
    return {
      ok: true,
      message: `Signed in to OCI as ${who} and listed the tenancy's region subscriptions: ${ready.length} READY region${ready.length === 1 ? '' : 's'}${ready.length ? ` (${ready.join(', ')})` : ''}.`,
      statements: [],
      regions: ready,
    };
  } catch (err) {
    if (err instanceof ConfigError) return fail('configuration', err.message.replace(/^account "[^"]*": /, ''));
    const c = classify(err);
    const ids = { status: c.status, code: c.code, opc_request_id: c.requestId };
    const rid = c.requestId ? ` (opc-request-id ${c.requestId})` : '';
    switch (c.category) {
      case 'authentication': {
        const head = `OCI refused the sign-in (401 ${c.code ?? 'NotAuthenticated'})${rid}.`;
        if (account.authType === 'instance_principal')
          return fail(
            'authentication',
            `${head} The instance principal's token was not accepted: is this Splunk server an OCI instance in a dynamic group of the tenancy?`,
            ids,
          );
        if (localFingerprint && account.fingerprint && localFingerprint !== account.fingerprint) {
          return fail(
            'authentication',
            `${head} The private key does not match the fingerprint: the key's fingerprint is ${localFingerprint}, the account says ${account.fingerprint}. Paste the private key of the API key with fingerprint ${account.fingerprint}, or enter the fingerprint of this key.`,
            ids,
          );
        }
        return fail(
          'authentication',
          `${head} No API key with fingerprint ${account.fingerprint} is uploaded for user ${account.userOcid} in tenancy ${account.tenancyOcid}: check both OCIDs, and that this key's public key is listed under the user's API keys in the OCI Console (Identity > Users > API keys). OCI also refuses requests signed by a server whose clock is more than 5 minutes off.`,
          ids,
        );
      }
      case 'permission': {
        const statement = `Allow ${principal(account, group)} to inspect tenancies in tenancy`;
        return fail(
          'permission',
          `Signed in, but OCI answered ${c.status} ${c.code ?? 'NotAuthorizedOrNotFound'} to ${CHECK_OPERATION}${rid}: the ${account.authType === 'instance_principal' ? 'dynamic group' : "user's group"} may not list the tenancy's region subscriptions (or the tenancy OCID is wrong). Add this statement to a policy in the root compartment:`,
          { ...ids, statements: [statement] },
        );
      }
      case 'network':
        return fail(
          'network',
          `Could not reach OCI Identity at ${identityBase(account, account.region)}: ${c.message}. Check the home region, the identity endpoint, the Proxy tab and that this Splunk server can reach OCI.`,
          ids,
        );
      default:
        return fail(c.category, explain(c, CHECK_OPERATION), ids);
    }
  } finally {
    if (timer) clearTimeout(timer);
  }
}
