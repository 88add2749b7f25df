// Accounts tab: ta_oci_audit_account.conf stanzas; the private key and passphrase only in
// storage/passwords (realm …#configs/conf-ta_oci_audit_account, JSON {"private_key","passphrase"}), written
// through the add-on's write-only endpoint ta_oci_audit/secrets: the page learns only whether a key is stored.
// Save and "Test connection" sign in to OCI first (POST ta_oci_audit/account_check); a failing account
// is saved only after "Save anyway". An account that inputs use cannot be deleted. When the secrets endpoint
// answers an error, the form says it could not learn whether a key is stored, does not ask for one, and
// Save writes only a key the admin typed (it never deletes or blanks a secret it could not see).
import React, { useCallback, useEffect, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Message from '@splunk/react-ui/Message';
import RadioBar from '@splunk/react-ui/RadioBar';
import { ACCOUNT_CONF, ACCOUNT_FIELDS } from '../splunk/account-rules';
import { SCHEME } from '../splunk/parameters';
import { call, checkAccount, deleteAccountSecret, list, markConfigured, secretsState, setAccountSecret, str, type Entry } from './api';
import type { CheckResult } from '../rest/account-check';
import { CheckMessage, errText, Field, fieldBinder, FormPage } from './form';
import { ListWithActions } from './list';
import { accountFormProblems, type AccountForm } from './validate';

const EMPTY: AccountForm = {
  name: '',
  auth_type: 'api_key',
  tenancy_ocid: '',
  user_ocid: '',
  fingerprint: '',
  region: '',
  identity_endpoint: '',
  audit_endpoint: '',
  private_key: '',
  passphrase: '',
};

interface Editing {
  creating: boolean;
  values: AccountForm;
  /** whether storage/passwords holds a key for the account; undefined: the secrets endpoint could not say */
  hasStoredKey: boolean | undefined;
  /** the secrets endpoint's error, when it could not say */
  secretsError?: string;
}
interface Check {
  running?: boolean;
  result?: CheckResult;
  error?: string;
}

/** The account's conf fields as saved: an instance principal has no user or fingerprint. */
function confForm(v: AccountForm): Record<string, string> {
  const apiKey = v.auth_type === 'api_key';
  const f: Record<string, string> = {};
  for (const k of ACCOUNT_FIELDS) f[k] = apiKey || (k !== 'user_ocid' && k !== 'fingerprint') ? v[k].trim() : '';
  return f;
}

/** The form as the check endpoint reads it: the account's fields; the key only when one was typed. */
function checkForm(v: AccountForm): Record<string, string> {
  const apiKey = v.auth_type === 'api_key';
  const f: Record<string, string> = { name: v.name.trim(), ...confForm(v) };
  if (apiKey && v.private_key.trim() !== '') {
    f.private_key = v.private_key.trim();
    if (v.passphrase !== '') f.passphrase = v.passphrase;
  }
  return f;
}

export function AccountsTab(): React.JSX.Element {
  const [rows, setRows] = useState<Entry[]>([]);
  const [editing, setEditing] = useState<Editing | undefined>();
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverError, setServerError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [check, setCheck] = useState<Check>({});
  /** the last check of these very values failed: the next Save saves anyway */
  /** after a "Save anyway": the failed check stays visible on the list */
  /** the check of an account saved anyway, shown above the list */
  const [savedWarning, setSavedWarning] = useState<Check | undefined>();

  const reload = useCallback(async () => {
    try {
      setRows(await list(`configs/conf-${ACCOUNT_CONF}`));
    } catch (e) {
      setServerError(errText(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const startEdit = async (row?: Entry): Promise<void> => {
    setServerError('');
    setNotice('');
    setTouched(new Set());
    setCheck({});
    setSavedWarning(undefined);
    if (!row) return setEditing({ creating: true, values: { ...EMPTY }, hasStoredKey: false });
    const v: AccountForm = { ...EMPTY, name: row.name };
    for (const f of ACCOUNT_FIELDS) (v as unknown as Record<string, string>)[f] = str(row.content[f]);
    if (v.auth_type !== 'instance_principal') v.auth_type = 'api_key';
    // the stored key never reaches the page: only whether one exists
    try {
      const state = await secretsState();
      setEditing({ creating: false, values: v, hasStoredKey: Boolean(state.accounts[row.name]?.private_key) });
    } catch (e) {
      setEditing({ creating: false, values: v, hasStoredKey: undefined, secretsError: errText(e) });
    }
  };

  const problems = editing ? accountFormProblems(editing.values, editing) : {};
  // "Save anyway" once a check of these values failed or could not run (any edit clears the check)
  const saveAnyway = !check.running && (check.error !== undefined || check.result?.ok === false);
  const shown = (k: string): string | undefined => (touched.has(k) ? problems[k] : undefined);
  const set = (name: string, value: string): void => {
    if (!editing) return;
    setTouched((t) => new Set(t).add(name));
    setEditing({ ...editing, values: { ...editing.values, [name]: value } });
    // an answer about other values is stale: splunkd's error, the check and its "Save anyway"
    setServerError('');
    setCheck({});
  };

  /** runs the connection check on the form's values; the answer is shown in the form */
  const runCheck = async (v: AccountForm): Promise<Check> => {
    setCheck({ running: true });
    let c: Check;
    try {
      c = { result: await checkAccount(checkForm(v)) };
    } catch (e) {
      c = { error: errText(e) };
    }
    setCheck(c);
    return c;
  };

  const testConnection = async (): Promise<void> => {
    if (!editing) return;
    setTouched(new Set(Object.keys(EMPTY)));
    setServerError('');
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      await runCheck(editing.values);
    } finally {
      setBusy(false);
    }
  };

  const save = async (): Promise<void> => {
    if (!editing) return;
    const v = editing.values;
    setTouched(new Set(Object.keys(EMPTY)));
    if (Object.keys(problems).length) return;
    setBusy(true);
    setServerError('');
    try {
      // sign in to OCI first; a failure is shown and the next Save ("Save anyway") saves regardless
      let c: Check = check;
      if (!saveAnyway) {
        c = await runCheck(v);
        if (!c.result?.ok) {
          return;
        }
      }
      const apiKey = v.auth_type === 'api_key';
      const form = confForm(v);
      if (editing.creating) await call('POST', `configs/conf-${ACCOUNT_CONF}`, { name: v.name, ...form });
      else await call('POST', `configs/conf-${ACCOUNT_CONF}/${encodeURIComponent(v.name)}`, form);
      // only a key the admin typed is written; a secret the page could not see is never deleted
      const unseen = editing.hasStoredKey === undefined;
      if (!apiKey && !unseen) await deleteAccountSecret(v.name);
      else if (apiKey && v.private_key.trim() !== '') await setAccountSecret(v.name, v.private_key.trim(), v.passphrase);
      await markConfigured();
      const keptUnseen = unseen && !(apiKey && v.private_key.trim() !== '') ? ' Its stored key, if any, was left as it was.' : '';
      setNotice(
        `Account "${v.name}" saved.${keptUnseen}${c.result?.ok ? ` Connection OK: ${c.result.regions?.length ?? 0} READY region(s).` : ''}`,
      );
      setSavedWarning(c.result?.ok ? undefined : c);
      setCheck({});
      setEditing(undefined);
      await reload();
    } catch (e) {
      setServerError(errText(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (name: string): Promise<void> => {
    setServerError('');
    setNotice('');
    setSavedWarning(undefined);
    try {
      // an input of a deleted account fails at every run: refuse, naming the inputs
      const users = (await list(`data/inputs/${SCHEME}`)).filter((i) => str(i.content.account) === name).map((i) => i.name);
      if (users.length) {
        setServerError(
          `Account "${name}" is used by ${users.length === 1 ? 'input' : 'inputs'} ${users.map((u) => `"${u}"`).join(', ')}. Delete ${users.length === 1 ? 'that input' : 'those inputs'} or point ${users.length === 1 ? 'it' : 'them'} to another account on the Inputs tab first.`,
        );
        return;
      }
      if (!window.confirm(`Delete account "${name}"?`)) return;
      await call('DELETE', `configs/conf-${ACCOUNT_CONF}/${encodeURIComponent(name)}`);
      await deleteAccountSecret(name);
      setNotice(`Account "${name}" deleted.`);
      await reload();
    } catch (e) {
      setServerError(errText(e));
    }
  };

  const onFile = (ev: React.ChangeEvent<HTMLInputElement>): void => {
    const f = ev.target.files?.[0];
    if (f) void f.text().then((t) => set('private_key', t));
  };

  if (editing) {
    const v = editing.values;
    const apiKey = v.auth_type === 'api_key';
    const bind = fieldBinder(v, set, shown);
    return (
      <FormPage
        testId="account-form"
        title={editing.creating ? 'Add account' : `Edit account ${v.name}`}
        serverError={serverError}
        save={{ label: saveAnyway ? 'Save anyway' : 'Save', onClick: () => void save(), disabled: busy, testId: 'save' }}
        buttons={<Button label="Test connection" onClick={() => void testConnection()} disabled={busy} data-test="test-connection" />}
        onCancel={() => setEditing(undefined)}
        footer={
          saveAnyway && (
            <p style={{ marginTop: 8 }}>
              The account can be saved anyway (for example before the policy exists); inputs that use it fail until the check passes.
            </p>
          )
        }
      >
        {editing.secretsError !== undefined && (
          <Message type="warning" data-test="secrets-unknown">
            Could not learn whether a private key is stored for this account: the add-on&apos;s secrets endpoint answered &ldquo;
            {editing.secretsError}&rdquo;. Leave the key blank to keep whatever is stored; paste one only to replace it.
          </Message>
        )}
        <CheckMessage result={check.result} error={check.error} />
        {check.running && <p data-test="check-running">Signing in to OCI…</p>}
        {editing.creating && (
          <Field label="Account name" {...bind('name')} required help="Referenced by inputs; letters, digits, _ . @ -" />
        )}
        <ControlGroup label="Authentication" labelWidth={180}>
          <RadioBar value={v.auth_type} onChange={(_e, d) => set('auth_type', String(d.value))}>
            <RadioBar.Option value="api_key" label="API key" />
            <RadioBar.Option value="instance_principal" label="Instance principal" />
          </RadioBar>
        </ControlGroup>
        <Field label="Tenancy OCID" {...bind('tenancy_ocid')} required placeholder="ocid1.tenancy.oc1..aaaa…" />
        <Field label="Home region" {...bind('region')} required placeholder="us-ashburn-1" />
        {apiKey && (
          <>
            <Field label="User OCID" {...bind('user_ocid')} required placeholder="ocid1.user.oc1..aaaa…" />
            <Field
              label="Key fingerprint"
              {...bind('fingerprint')}
              required
              placeholder="aa:bb:cc:…"
              help="As shown under the user's API keys in the OCI Console"
            />
            <Field
              label="Private key (PEM)"
              {...bind('private_key')}
              multiline
              required={editing.hasStoredKey === false}
              placeholder={editing.hasStoredKey ? 'Stored. Leave blank to keep the stored key.' : '-----BEGIN PRIVATE KEY-----'}
              help={
                <span>
                  Paste the key or upload the file:{' '}
                  <input type="file" name="private_key_file" accept=".pem,.key,text/plain" onChange={onFile} />
                  {editing.hasStoredKey && <em> A key is stored; it is never shown. Leave blank to keep it.</em>}
                  {editing.hasStoredKey === undefined && <em> Not known whether a key is stored. Leave blank to keep any stored key.</em>}
                </span>
              }
            />
            <Field
              label="Key passphrase"
              {...bind('passphrase')}
              type="password"
              help="Only for an encrypted key; kept in storage/passwords with the key"
            />
          </>
        )}
        <Field
          label="Identity endpoint"
          {...bind('identity_endpoint')}
          placeholder="https://identity.{region}.oraclecloud.com"
          help="Optional URL template with {region}"
        />
        <Field
          label="Audit endpoint"
          {...bind('audit_endpoint')}
          placeholder="https://audit.{region}.oraclecloud.com"
          help="Optional URL template with {region}"
        />
      </FormPage>
    );
  }

  return (
    <ListWithActions
      testId="accounts"
      serverError={serverError}
      notice={notice}
      add={{ label: 'Add account', onClick: () => void startEdit() }}
      columns={[
        { title: 'Name', cell: (r) => r.name },
        { title: 'Authentication', cell: (r) => (str(r.content.auth_type) === 'instance_principal' ? 'Instance principal' : 'API key') },
        { title: 'Region', cell: (r) => str(r.content.region) },
        { title: 'Tenancy', cell: (r) => str(r.content.tenancy_ocid) },
      ]}
      actions={[
        { label: 'Edit', appearance: 'secondary', onClick: (r) => void startEdit(r) },
        { label: 'Delete', appearance: 'destructive', onClick: (r) => void remove(r.name) },
      ]}
      rows={rows}
      empty="No accounts yet."
    >
      <CheckMessage result={savedWarning?.result} error={savedWarning?.error} saved />
    </ListWithActions>
  );
}
