// Inputs tab: data/inputs/oci_audit (splunkd runs --validate-arguments on create/edit; its message is
// shown verbatim). Deleting an input also deletes its KV records in oci_audit_checkpoints.
// The form is laid out as UCC add-ons lay theirs out: the essentials first (name, account, index, regions
// and compartments picked from the tenancy's lists), the event rules next, the rest under Advanced.
import React, { useCallback, useEffect, useState } from 'react';
import CollapsiblePanel from '@splunk/react-ui/CollapsiblePanel';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Select from '@splunk/react-ui/Select';
import Switch from '@splunk/react-ui/Switch';
import Message from '@splunk/react-ui/Message';
import { ACCOUNT_CONF, CHECKPOINT_COLLECTION } from '../splunk/account-rules';
import { DEFAULT_INTERVAL, PARAMETER_DEFAULTS as DEFAULTS, PARAMETERS, SCHEME } from '../splunk/parameters';
import { call, list, SplunkdError, str, tenancyLists, type Entry } from './api';
import { EstimatePanel } from './estimate';
import { errText, Field, fieldBinder, FormPage } from './form';
import { ListWithActions } from './list';
import { inputFormProblems } from './validate';
import { editWarnings } from './edit-warnings';
import { RulesEditor } from './rules-editor';
import { EventRulesError, parseEventRules, splitRules } from '../pipeline/event-rules';
import { TenancyPicker, type ListsState } from './tenancy-picker';
import { MEASURED_DOC, MEASURED_EFFECT } from './measured-effects';

const PARAM_NAMES = PARAMETERS.map((p) => p.name);
const ALL_FIELDS = [...new Set([...PARAM_NAMES, 'event_rules', 'interval', 'index'])];
/** Under "Advanced": everything but the essentials and the rules. */
const ADVANCED = ALL_FIELDS.filter((f) => !['account', 'index', 'regions', 'compartments', 'event_rules'].includes(f));
const SECTION: React.CSSProperties = { margin: '16px 0 8px', borderBottom: '1px solid rgba(128,128,128,0.35)', paddingBottom: 4 };

/** An Advanced field the admin set: not empty and not its default (splunkd lists defaults as values). */
const isSet = (f: string, v: string): boolean =>
  v.trim() !== '' && v.trim() !== (f === 'interval' ? DEFAULT_INTERVAL : (DEFAULTS[f] ?? ''));

/** A field's help, and for a setting that trades freshness against cost what it measured (src/web/measured-effects.ts). */
function helpWithEffect(name: string, help: string): React.ReactNode {
  const effect = MEASURED_EFFECT[name];
  if (!effect) return help;
  return (
    <>
      {help}{' '}
      <span data-test="measured-effect">
        {effect} ({MEASURED_DOC})
      </span>
    </>
  );
}

/** Whether the rules differ from the saved ones, as the input compares them (normalised text). */
function rulesChanged(saved: unknown, form: string): boolean {
  const norm = (t: string): string =>
    splitRules(t)
      .map((r) => r.split(/\s+/).join(' '))
      .join(' ; ');
  return norm(str(saved)) !== norm(form);
}

/** The indexes the rules route to; none while they do not parse. */
function routeIndexes(text: string): string[] {
  try {
    return parseEventRules(text).routeIndexes();
  } catch {
    return [];
  }
}

/** Every problem of the rules, each naming its rule, from the engine's own parser (as --validate-arguments). */
function eventRulesProblems(text: string): string[] {
  try {
    parseEventRules(text);
    return [];
  } catch (e) {
    if (e instanceof EventRulesError) return e.problems;
    throw e;
  }
}

interface Editing {
  mode: 'create' | 'edit' | 'clone';
  name: string;
  values: Record<string, string>;
}

/** Mounted each time its tab is shown (TabLayout renders the active panel only), so it lists accounts afresh. */
export function InputsTab(): React.JSX.Element {
  const [rows, setRows] = useState<Entry[]>([]);
  const [accounts, setAccounts] = useState<string[]>([]);
  const [editing, setEditing] = useState<Editing | undefined>();
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverError, setServerError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [lists, setLists] = useState<ListsState>({ state: 'loading' });
  const [missingIndexes, setMissingIndexes] = useState<string[]>([]);

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
  }, [reload]);

  // the chosen account's regions and compartments, for the pickers
  const account = editing?.values.account ?? '';
  useEffect(() => {
    if (!account) return setLists({ state: 'failed', why: 'no account is chosen' });
    let current = true;
    setLists({ state: 'loading' });
    tenancyLists(account).then(
      (l) => current && setLists({ state: 'loaded', lists: l }),
      (e: unknown) => current && setLists({ state: 'failed', why: errText(e).replace(/\.$/, '') }),
    );
    return () => {
      current = false;
    };
  }, [account]);

  // the rules' route indexes this Splunk server does not define (data/indexes/<name> answers 404), as a run checks them
  const routes = editing ? routeIndexes(editing.values.event_rules).join(',') : '';
  useEffect(() => {
    setMissingIndexes([]);
    if (!routes) return;
    let current = true;
    const timer = setTimeout(() => {
      void Promise.all(
        routes.split(',').map((ix) =>
          call('GET', `data/indexes/${encodeURIComponent(ix)}`, undefined, {}, '').then(
            () => undefined,
            (e: unknown) => (e instanceof SplunkdError && e.status === 404 ? ix : undefined),
          ),
        ),
      ).then((r) => current && setMissingIndexes(r.filter((x): x is string => x !== undefined)));
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [routes]);

  const open = (mode: Editing['mode'], row?: Entry): void => {
    setServerError('');
    setNotice('');
    setTouched(new Set());
    const values: Record<string, string> = {};
    for (const f of ALL_FIELDS) values[f] = row ? str(row.content[f]) : '';
    if (!row) {
      // interval is left empty: the input inherits the app's default (0), and a later default reaches it too
      values.account = accounts[0] ?? '';
    }
    setEditing({ mode, name: mode === 'edit' && row ? row.name : '', values });
    // Advanced opens by itself when the input sets any of its fields
    setAdvancedOpen(ADVANCED.some((f) => isSet(f, values[f])));
  };

  const creating = editing?.mode !== 'edit';
  const problems = editing ? inputFormProblems(editing.name, editing.values, { creating }) : {};
  const shown = (k: string): string | undefined => (touched.has(k) ? problems[k] : undefined);
  const rulesProblems = editing ? eventRulesProblems(editing.values.event_rules) : [];
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
    if (Object.keys(problems).length) {
      if (ADVANCED.some((f) => problems[f])) setAdvancedOpen(true);
      return;
    }
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
      await call('DELETE', `storage/collections/data/${CHECKPOINT_COLLECTION}`, undefined, { query: JSON.stringify({ input: name }) });
      setNotice(`Input "${name}" and its checkpoints deleted.`);
      await reload();
    } catch (e) {
      setServerError(errText(e));
    }
  };

  if (editing) {
    const v = editing.values;
    const bind = fieldBinder(v, set, shown);
    const param = (name: string): React.JSX.Element => {
      const p = PARAMETERS.find((x) => x.name === name);
      return p ? (
        <Field key={name} label={p.title} {...bind(name)} placeholder={DEFAULTS[name]} help={helpWithEffect(name, p.description)} />
      ) : (
        <></>
      );
    };
    const picker = (name: 'regions' | 'compartments' | 'exclude_compartments'): React.JSX.Element => (
      <TenancyPicker
        kind={name === 'regions' ? 'regions' : 'compartments'}
        name={name}
        label={PARAMETERS.find((x) => x.name === name)?.title ?? name}
        help={PARAMETERS.find((x) => x.name === name)?.description ?? ''}
        value={v[name]}
        onChange={set}
        error={shown(name)}
        lists={lists}
        all={name !== 'exclude_compartments'}
      />
    );
    const advancedSet = ADVANCED.filter((f) => isSet(f, v[f])).length;
    return (
      <FormPage
        testId="input-form"
        title={editing.mode === 'edit' ? `Edit input ${editing.name}` : editing.mode === 'clone' ? 'Clone input' : 'Add input'}
        serverError={serverError}
        save={{ label: 'Save', onClick: () => void save(), disabled: busy }}
        onCancel={() => setEditing(undefined)}
      >
        <h4 style={SECTION}>What to collect</h4>
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
        <Field label="Index" {...bind('index')} placeholder="default" help="Destination index. Default: default." />
        {picker('regions')}
        {picker('compartments')}

        <div data-test="rules-section">
          <h4 style={SECTION}>Event rules: what to index, route to another index, or drop</h4>
          <RulesEditor
            value={v.event_rules}
            onChange={(t) => set('event_rules', t)}
            problems={rulesProblems}
            choices={
              lists.state === 'loaded'
                ? {
                    compartment: lists.lists.compartments
                      .filter((c) => c.path !== 'root')
                      .map((c) => ({ value: c.path, label: c.path, description: `…${c.id.slice(-10)}` })),
                    region: lists.lists.regions.map((r) => ({ value: r.name, label: r.name, description: r.status })),
                  }
                : undefined
            }
          />
          {/* exactly-once (docs/contract.md "What an edit does"), so not an edit warning: said once, plainly */}
          {editing.mode === 'edit' && rulesChanged(rows.find((r) => r.name === editing.name)?.content.event_rules, v.event_rules) && (
            <Message type="info">
              <span data-test="rules-edit-note">
                The new rules apply from each checkpoint on: events already indexed, routed or dropped stay so, and nothing is collected
                again.
              </span>
            </Message>
          )}
          <p style={{ fontSize: '0.9em', opacity: 0.8 }} data-test="route-index-note">
            A route&apos;s index must exist on the indexers: they drop events sent to an index that does not exist, or put them in{' '}
            <code>lastChanceIndex</code> when indexes.conf sets one. This page and each run check whether this Splunk server defines it (a
            heavy forwarder usually defines none and forwards).
          </p>
          {missingIndexes.length > 0 && (
            <Message type="warning">
              <span data-test="route-index-missing">
                {missingIndexes.map((x) => `"${x}"`).join(', ')} {missingIndexes.length === 1 ? 'is' : 'are'} not defined on this Splunk
                server. If it forwards to indexers, check that they define {missingIndexes.length === 1 ? 'it' : 'them'}; otherwise create{' '}
                {missingIndexes.length === 1 ? 'it' : 'them'} (Settings &gt; Indexes): the indexers drop events sent to an index that does
                not exist, or put them in lastChanceIndex.
              </span>
            </Message>
          )}
          <EstimatePanel
            disabled={!v.account || Boolean(rulesProblems.length)}
            fields={() => ({
              account: v.account,
              regions: v.regions,
              compartments: v.compartments,
              exclude_compartments: v.exclude_compartments,
              event_rules: v.event_rules,
            })}
          />
        </div>

        <div style={{ marginTop: 16 }}>
          <CollapsiblePanel
            title={`Advanced${advancedSet ? ` (${advancedSet} set)` : ''}`}
            open={advancedOpen}
            onChange={(_e, d) => setAdvancedOpen(d.action === 'open')}
            data-test="advanced"
          >
            {picker('exclude_compartments')}
            {ADVANCED.filter((f) => f !== 'exclude_compartments' && f !== 'interval').map(param)}
            <Field
              label="Interval"
              {...bind('interval')}
              placeholder={DEFAULT_INTERVAL}
              help={helpWithEffect('interval', 'Seconds between runs, a cron schedule, or 0 to keep running. Default: 0.')}
            />
          </CollapsiblePanel>
        </div>
        {/* What saving this edit does where it is not exactly-once (docs/contract.md "What an edit does") */}
        {(editing.mode === 'edit' ? editWarnings(rows.find((r) => r.name === editing.name)?.content, v) : []).map((t) => (
          <Message key={t} type="warning">
            <span data-test="edit-warning">{t}</span>
          </Message>
        ))}
      </FormPage>
    );
  }

  const enabled = (r: Entry): boolean => r.content.disabled !== true;
  return (
    <ListWithActions
      testId="inputs"
      serverError={serverError}
      notice={notice}
      add={{
        label: 'Add input',
        onClick: () => open('create'),
        disabled: accounts.length === 0,
        note: accounts.length === 0 && <span> Add an account first.</span>,
      }}
      columns={[
        { title: 'Name', cell: (r) => r.name },
        { title: 'Account', cell: (r) => str(r.content.account) },
        { title: 'Regions', cell: (r) => str(r.content.regions) || '*' },
        { title: 'Interval', cell: (r) => str(r.content.interval) || DEFAULT_INTERVAL },
        { title: 'Index', cell: (r) => str(r.content.index) },
        {
          title: 'Event rules',
          cell: (r) => {
            const n = splitRules(str(r.content.event_rules)).length;
            return n === 0 ? 'none' : `${n} rule${n === 1 ? '' : 's'}`;
          },
        },
        {
          title: 'Enabled',
          cell: (r) => (
            <Switch appearance="toggle" selected={enabled(r)} onClick={() => void toggle(r)} data-test="enabled">
              {enabled(r) ? 'Enabled' : 'Disabled'}
            </Switch>
          ),
        },
      ]}
      actions={[
        { label: 'Edit', appearance: 'secondary', onClick: (r) => open('edit', r) },
        { label: 'Clone', appearance: 'secondary', onClick: (r) => open('clone', r) },
        { label: 'Delete', appearance: 'destructive', onClick: (r) => void remove(r.name) },
      ]}
      rows={rows}
      empty="No inputs yet."
    />
  );
}
