// Inputs tab: data/inputs/oci_audit (splunkd runs --validate-arguments on create/edit; its message is
// shown verbatim). Deleting an input also deletes its KV records in oci_audit_checkpoints.
import React, { useCallback, useEffect, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Select from '@splunk/react-ui/Select';
import Switch from '@splunk/react-ui/Switch';
import Table from '@splunk/react-ui/Table';
import Message from '@splunk/react-ui/Message';
import { ACCOUNT_CONF } from '../splunk/account-rules';
import { PARAMETER_DEFAULTS as DEFAULTS, PARAMETERS, SCHEME } from '../splunk/parameters';
import { call, list, str, type Entry } from './api';
import { errText, Field, Notice, ServerError } from './form';
import { inputFormProblems } from './validate';
import { editWarnings } from './edit-warnings';

export const CHECKPOINTS = 'oci_audit_checkpoints';
const PARAM_NAMES = PARAMETERS.map((p) => p.name);
const ALL_FIELDS = [...PARAM_NAMES, 'interval', 'index'];

interface Editing {
  mode: 'create' | 'edit' | 'clone';
  name: string;
  values: Record<string, string>;
}

export function InputsTab({ accountsVersion }: { accountsVersion: number }): React.JSX.Element {
  const [rows, setRows] = useState<Entry[]>([]);
  const [accounts, setAccounts] = useState<string[]>([]);
  const [editing, setEditing] = useState<Editing | undefined>();
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverError, setServerError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      const [inputs, accts] = await Promise.all([list(`data/inputs/${SCHEME}`), list(`configs/conf-${ACCOUNT_CONF}`)]);
      setRows(inputs);
      setAccounts(accts.map((a) => a.name));
    } catch (e) {
      setServerError(errText(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload, accountsVersion]);

  const open = (mode: Editing['mode'], row?: Entry): void => {
    setServerError('');
    setNotice('');
    setTouched(new Set());
    const values: Record<string, string> = {};
    for (const f of ALL_FIELDS) values[f] = row ? str(row.content[f]) : '';
    if (!row) {
      values.interval = '300';
      values.account = accounts[0] ?? '';
    }
    setEditing({ mode, name: mode === 'edit' && row ? row.name : '', values });
  };

  const creating = editing?.mode !== 'edit';
  const problems = editing ? inputFormProblems(editing.name, editing.values, { creating }) : {};
  const shown = (k: string): string | undefined => (touched.has(k) ? problems[k] : undefined);
  const set = (name: string, value: string): void => {
    if (!editing) return;
    setTouched((t) => new Set(t).add(name));
    if (name === 'name') setEditing({ ...editing, name: value });
    else setEditing({ ...editing, values: { ...editing.values, [name]: value } });
    setServerError(''); // splunkd's answer was about the previous values
  };

  const save = async (): Promise<void> => {
    if (!editing) return;
    setTouched(new Set(['name', ...ALL_FIELDS]));
    if (Object.keys(problems).length) return;
    setBusy(true);
    setServerError('');
    try {
      const form: Record<string, string> = {};
      for (const f of ALL_FIELDS) {
        const v = editing.values[f].trim();
        // on create only set values are sent; on edit an emptied parameter is cleared (back to its default)
        if (v !== '' || (!creating && PARAM_NAMES.includes(f) && f !== 'account')) form[f] = v;
      }
      if (creating) await call('POST', `data/inputs/${SCHEME}`, { name: editing.name, ...form });
      else await call('POST', `data/inputs/${SCHEME}/${encodeURIComponent(editing.name)}`, form);
      setNotice(`Input "${editing.name}" saved.`);
      setEditing(undefined);
      await reload();
    } catch (e) {
      setServerError(errText(e));
    } finally {
      setBusy(false);
    }
  };

  const toggle = async (r: Entry): Promise<void> => {
    setServerError('');
    try {
      await call('POST', `data/inputs/${SCHEME}/${encodeURIComponent(r.name)}/${r.content.disabled === true ? 'enable' : 'disable'}`, {});
      await reload();
    } catch (e) {
      setServerError(errText(e));
    }
  };

  const remove = async (name: string): Promise<void> => {
    setServerError('');
    if (!window.confirm(`Delete input "${name}" and its checkpoints?`)) return;
    try {
      await call('DELETE', `data/inputs/${SCHEME}/${encodeURIComponent(name)}`);
      // every record of this input: window checkpoints and the `type: input` record (docs/contract.md, KV store records)
      await call('DELETE', `storage/collections/data/${CHECKPOINTS}`, undefined, { query: JSON.stringify({ input: name }) });
      setNotice(`Input "${name}" and its checkpoints deleted.`);
      await reload();
    } catch (e) {
      setServerError(errText(e));
    }
  };

  if (editing) {
    const v = editing.values;
    return (
      <div data-test="input-form">
        <h3>{editing.mode === 'edit' ? `Edit input ${editing.name}` : editing.mode === 'clone' ? 'Clone input' : 'Add input'}</h3>
        <ServerError text={serverError} />
        {creating && (
          <Field
            label="Input name"
            name="name"
            value={editing.name}
            onChange={set}
            error={shown('name')}
            required
            help="The stanza oci_audit://<name>"
          />
        )}
        <ControlGroup label="Account" labelWidth={180} required error={shown('account')} help="An account of the Accounts tab">
          <Select
            value={v.account}
            onChange={(_e, d) => set('account', String(d.value))}
            data-test="account"
            placeholder="Select an account"
          >
            {accounts.map((a) => (
              <Select.Option key={a} label={a} value={a} />
            ))}
          </Select>
        </ControlGroup>
        {PARAMETERS.filter((p) => p.name !== 'account').map((p) => (
          <Field
            key={p.name}
            label={p.title}
            name={p.name}
            value={v[p.name]}
            onChange={set}
            error={shown(p.name)}
            placeholder={DEFAULTS[p.name]}
            help={p.description}
          />
        ))}
        <Field
          label="Interval"
          name="interval"
          value={v.interval}
          onChange={set}
          error={shown('interval')}
          placeholder="300"
          help="Seconds between runs (or a cron schedule). Default 300."
        />
        <Field
          label="Index"
          name="index"
          value={v.index}
          onChange={set}
          placeholder="default"
          help="Destination index. Default: default."
        />
        {/* What saving this edit does where it is not exactly-once (docs/contract.md "What an edit does") */}
        {(editing.mode === 'edit' ? editWarnings(rows.find((r) => r.name === editing.name)?.content, v) : []).map((t) => (
          <Message key={t} type="warning">
            <span data-test="edit-warning">{t}</span>
          </Message>
        ))}
        <div style={{ marginTop: 16 }}>
          <Button appearance="primary" label="Save" onClick={() => void save()} disabled={busy} />
          <Button label="Cancel" onClick={() => setEditing(undefined)} />
        </div>
      </div>
    );
  }

  return (
    <div data-test="inputs">
      <ServerError text={serverError} />
      <Notice text={notice} />
      <div style={{ margin: '8px 0' }}>
        <Button appearance="primary" label="Add input" onClick={() => open('create')} disabled={accounts.length === 0} />
        {accounts.length === 0 && <span> Add an account first.</span>}
      </div>
      <Table stripeRows>
        <Table.Head>
          <Table.HeadCell>Name</Table.HeadCell>
          <Table.HeadCell>Account</Table.HeadCell>
          <Table.HeadCell>Regions</Table.HeadCell>
          <Table.HeadCell>Interval</Table.HeadCell>
          <Table.HeadCell>Index</Table.HeadCell>
          <Table.HeadCell>Enabled</Table.HeadCell>
          <Table.HeadCell>Actions</Table.HeadCell>
        </Table.Head>
        <Table.Body>
          {rows.map((r) => (
            <Table.Row key={r.name} data-test-row={r.name}>
              <Table.Cell>{r.name}</Table.Cell>
              <Table.Cell>{str(r.content.account)}</Table.Cell>
              <Table.Cell>{str(r.content.regions) || '*'}</Table.Cell>
              <Table.Cell>{str(r.content.interval) || '300'}</Table.Cell>
              <Table.Cell>{str(r.content.index)}</Table.Cell>
              <Table.Cell>
                <Switch appearance="toggle" selected={r.content.disabled !== true} onClick={() => void toggle(r)} data-test="enabled">
                  {r.content.disabled === true ? 'Disabled' : 'Enabled'}
                </Switch>
              </Table.Cell>
              <Table.Cell>
                <Button appearance="secondary" label="Edit" onClick={() => open('edit', r)} />
                <Button appearance="secondary" label="Clone" onClick={() => open('clone', r)} />
                <Button appearance="destructive" label="Delete" onClick={() => void remove(r.name)} />
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      {rows.length === 0 && <p>No inputs yet.</p>}
    </div>
  );
}
