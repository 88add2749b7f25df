// The account the connection check signs in with: the stored one, with the Accounts tab's unsaved
// values on top.
import { accountFromConf, type SecretJson } from '../splunk/account';
import type { OciAccount } from '../oci/account';
import { ACCOUNT_FIELDS } from '../splunk/account-rules';

export interface StoredAccount {
  conf: Record<string, string>;
  secret?: SecretJson;
}

/**
 * The account to check: the stored one, with the unsaved form values on top when the form sends them.
 * A blank private_key keeps the stored key (the form's rule); a passphrase is taken with a new key.
 */
export function accountFrom(form: Record<string, string>, stored: StoredAccount | undefined): OciAccount {
  const conf: Record<string, string> = { ...(stored?.conf ?? {}) };
  if (ACCOUNT_FIELDS.some((f) => f in form)) for (const f of ACCOUNT_FIELDS) conf[f] = form[f] ?? '';
  const formKey = (form.private_key ?? '').trim();
  const secret: SecretJson = formKey
    ? { private_key: `${formKey}\n`, passphrase: form.passphrase }
    : { private_key: stored?.secret?.private_key, passphrase: form.passphrase || stored?.secret?.passphrase };
  return accountFromConf(form.name || 'unsaved', conf, secret);
}
