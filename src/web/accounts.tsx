// Accounts tab: ta_oci_audit_account.conf stanzas; the private key and passphrase only in
// storage/passwords (realm …#configs/conf-ta_oci_audit_account, JSON {"private_key","passphrase"}).
import React, { useCallback, useEffect, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import RadioBar from '@splunk/react-ui/RadioBar';
import Table from '@splunk/react-ui/Table';
import { ACCOUNT_CONF, ACCOUNT_REALM } from '../splunk/account-rules';
import { call, deleteSecret, list, markConfigured, readSecret, str, writeSecret, type Entry } from './api';
import { errText, Field, Notice, ServerError } from './form';
import { accountFormProblems, type AccountForm } from './validate';

const CONF_FIELDS = ['auth_type', 'tenancy_ocid', 'user_ocid', 'fingerprint', 'region', 'identity_endpoint', 'audit_endpoint'] as const;
const EMPTY: AccountForm = { name: '', auth_type: 'api_key', tenancy_ocid: '', user_ocid: '', fingerprint: '', region: '', identity_endpoint: '', audit_endpoint: '', private_key: '', passphrase: '' };

interface Editing { creating: boolean; values: AccountForm; hasStoredKey: boolean }

export function AccountsTab({ onChanged }: { onChanged?: () => void }): React.JSX.Element {
  const [rows, setRows] = useState<Entry[]>([]);
  const [editing, setEditing] = useState<Editing | undefined>();
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverError, setServerError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

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
    if (!row) return setEditing({ creating: true, values: { ...EMPTY }, hasStoredKey: false });
    const v: AccountForm = { ...EMPTY, name: row.name };
    for (const f of CONF_FIELDS) (v as unknown as Record<string, string>)[f] = str(row.content[f]);
    if (v.auth_type !== 'instance_principal') v.auth_type = 'api_key';
    // the stored key is never shown back: only whether one exists
    const secret = await readSecret(ACCOUNT_REALM, row.name).catch(() => undefined);
    setEditing({ creating: false, values: v, hasStoredKey: Boolean(secret?.private_key) });
  };

  const problems = editing ? accountFormProblems(editing.values, editing) : {};
  const shown = (k: string): string | undefined => (touched.has(k) ? problems[k] : undefined);
  const set = (name: string, value: string): void => {
    if (!editing) return;
    setTouched((t) => new Set(t).add(name));
    setEditing({ ...editing, values: { ...editing.values, [name]: value } });
  };

  const save = async (): Promise<void> => {
    if (!editing) return;
    const v = editing.values;
    setTouched(new Set(Object.keys(EMPTY)));
    if (Object.keys(problems).length) return;
    setBusy(true);
    setServerError('');
    try {
      const apiKey = v.auth_type === 'api_key';
      const form: Record<string, string> = {};
      for (const f of CONF_FIELDS) form[f] = apiKey || (f !== 'user_ocid' && f !== 'fingerprint') ? v[f].trim() : '';
      if (editing.creating) await call('POST', `configs/conf-${ACCOUNT_CONF}`, { name: v.name, ...form });
      else await call('POST', `configs/conf-${ACCOUNT_CONF}/${encodeURIComponent(v.name)}`, form);
      if (!apiKey) await deleteSecret(ACCOUNT_REALM, v.name);
      else if (v.private_key.trim() !== '') {
        const secret: Record<string, string> = { private_key: v.private_key.trim() + '\n' };
        if (v.passphrase !== '') secret.passphrase = v.passphrase;
        await writeSecret(ACCOUNT_REALM, v.name, secret);
      }
      await markConfigured();
      setNotice(`Account "${v.name}" saved.`);
      setEditing(undefined);
      await reload();
      onChanged?.();
    } catch (e) {
      setServerError(errText(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (name: string): Promise<void> => {
    setServerError('');
    if (!window.confirm(`Delete account "${name}"?`)) return;
    try {
      await call('DELETE', `configs/conf-${ACCOUNT_CONF}/${encodeURIComponent(name)}`);
      await deleteSecret(ACCOUNT_REALM, name);
      setNotice(`Account "${name}" deleted.`);
      await reload();
      onChanged?.();
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
    return (
      <div data-test="account-form">
        <h3>{editing.creating ? 'Add account' : `Edit account ${v.name}`}</h3>
        <ServerError text={serverError} />
        {editing.creating && <Field label="Account name" name="name" value={v.name} onChange={set} error={shown('name')} required help="Referenced by inputs; letters, digits, _ . @ -" />}
        <ControlGroup label="Authentication" labelWidth={180}>
          <RadioBar value={v.auth_type} onChange={(_e, d) => set('auth_type', String(d.value))}>
            <RadioBar.Option value="api_key" label="API key" />
            <RadioBar.Option value="instance_principal" label="Instance principal" />
          </RadioBar>
        </ControlGroup>
        <Field label="Tenancy OCID" name="tenancy_ocid" value={v.tenancy_ocid} onChange={set} error={shown('tenancy_ocid')} required placeholder="ocid1.tenancy.oc1..aaaa…" />
        <Field label="Home region" name="region" value={v.region} onChange={set} error={shown('region')} required placeholder="us-ashburn-1" />
        {apiKey && (
          <>
            <Field label="User OCID" name="user_ocid" value={v.user_ocid} onChange={set} error={shown('user_ocid')} required placeholder="ocid1.user.oc1..aaaa…" />
            <Field label="Key fingerprint" name="fingerprint" value={v.fingerprint} onChange={set} error={shown('fingerprint')} required placeholder="aa:bb:cc:…" help="As shown under the user's API keys in the OCI Console" />
            <Field
              label="Private key (PEM)"
              name="private_key"
              value={v.private_key}
              onChange={set}
              error={shown('private_key')}
              multiline
              required={!editing.hasStoredKey}
              placeholder={editing.hasStoredKey ? 'Stored. Leave blank to keep the stored key.' : '-----BEGIN PRIVATE KEY-----'}
              help={
                <span>
                  Paste the key or upload the file: <input type="file" name="private_key_file" accept=".pem,.key,text/plain" onChange={onFile} />
                  {editing.hasStoredKey && <em> A key is stored; it is never shown. Leave blank to keep it.</em>}
                </span>
              }
            />
            <Field label="Key passphrase" name="passphrase" value={v.passphrase} onChange={set} error={shown('passphrase')} type="password" help="Only for an encrypted key; kept in storage/passwords with the key" />
          </>
        )}
        <Field label="Identity endpoint" name="identity_endpoint" value={v.identity_endpoint} onChange={set} error={shown('identity_endpoint')} placeholder="https://identity.{region}.oraclecloud.com" help="Optional URL template with {region}" />
        <Field label="Audit endpoint" name="audit_endpoint" value={v.audit_endpoint} onChange={set} error={shown('audit_endpoint')} placeholder="https://audit.{region}.oraclecloud.com" help="Optional URL template with {region}" />
        <div style={{ marginTop: 16 }}>
          <Button appearance="primary" label="Save" onClick={() => void save()} disabled={busy} data-test="save" />
          <Button label="Cancel" onClick={() => setEditing(undefined)} />
        </div>
      </div>
    );
  }

  return (
    <div data-test="accounts">
      <ServerError text={serverError} />
      <Notice text={notice} />
      <div style={{ margin: '8px 0' }}>
        <Button appearance="primary" label="Add account" onClick={() => void startEdit()} />
      </div>
      <Table stripeRows>
        <Table.Head>
          <Table.HeadCell>Name</Table.HeadCell>
          <Table.HeadCell>Authentication</Table.HeadCell>
          <Table.HeadCell>Region</Table.HeadCell>
          <Table.HeadCell>Tenancy</Table.HeadCell>
          <Table.HeadCell>Actions</Table.HeadCell>
        </Table.Head>
        <Table.Body>
          {rows.map((r) => (
            <Table.Row key={r.name} data-test-row={r.name}>
              <Table.Cell>{r.name}</Table.Cell>
              <Table.Cell>{str(r.content.auth_type) === 'instance_principal' ? 'Instance principal' : 'API key'}</Table.Cell>
              <Table.Cell>{str(r.content.region)}</Table.Cell>
              <Table.Cell>{str(r.content.tenancy_ocid)}</Table.Cell>
              <Table.Cell>
                <Button appearance="secondary" label="Edit" onClick={() => void startEdit(r)} />
                <Button appearance="destructive" label="Delete" onClick={() => void remove(r.name)} />
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      {rows.length === 0 && <p>No accounts yet.</p>}
    </div>
  );
}
