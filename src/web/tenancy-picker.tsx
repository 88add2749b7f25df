// Regions and compartments picked by name from the tenancy's own lists (ta_oci_audit/tenancy), saved as
// the parameter's comma-separated identifiers: `*` for all, and a typed OCID or region is still accepted.
// When the lists cannot be loaded the field is a text field again and says why.
import React from 'react';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Multiselect from '@splunk/react-ui/Multiselect';
import type { TenancyLists } from '../rest/tenancy-endpoint';
import { Field } from './form';
import { ALL, pickedValues, splitValues } from './picker-values';

/** The tenancy's lists for the chosen account: loading, loaded, or why not. */
export type ListsState = { state: 'loading' } | { state: 'loaded'; lists: TenancyLists } | { state: 'failed'; why: string };

export function TenancyPicker(p: {
  kind: 'regions' | 'compartments';
  name: string;
  label: string;
  help: string;
  value: string;
  onChange: (name: string, value: string) => void;
  error?: string;
  lists: ListsState;
  /** offer `*` (all) */
  all: boolean;
}): React.JSX.Element {
  if (p.lists.state !== 'loaded') {
    const why =
      p.lists.state === 'loading'
        ? `Loading the tenancy's ${p.kind}…`
        : `The tenancy's ${p.kind} could not be listed (${p.lists.why}); type ${p.kind === 'regions' ? 'region identifiers' : 'compartment OCIDs'}, comma-separated.`;
    return (
      <Field
        label={p.label}
        name={p.name}
        value={p.value}
        onChange={p.onChange}
        error={p.error}
        placeholder={p.all ? ALL : ''}
        help={
          <span>
            {p.help} <span data-test={`lists-${p.lists.state}`}>{why}</span>
          </span>
        }
      />
    );
  }
  const values = splitValues(p.value);
  const lists = p.lists.lists;
  const options =
    p.kind === 'regions'
      ? lists.regions.map((r) => ({ value: r.name, label: r.name, description: `${r.status}${r.isHome ? ', home' : ''}` }))
      : lists.compartments.map((c) => ({
          value: c.id,
          label: c.path,
          description: `…${c.id.slice(-10)}`,
        }));
  return (
    <ControlGroup label={p.label} labelWidth={180} help={p.help} error={p.error} data-test-field={p.name}>
      <Multiselect
        name={p.name}
        values={values}
        allowNewValues
        placeholder={p.all ? '* (all)' : 'none'}
        error={Boolean(p.error)}
        onChange={(_e, d) => p.onChange(p.name, pickedValues(values, d.values.map(String)).join(','))}
        data-test={`picker-${p.name}`}
      >
        {p.all && <Multiselect.Option label={p.kind === 'regions' ? '* every READY region' : '* every compartment'} value={ALL} />}
        {options.map((o) => (
          <Multiselect.Option key={o.value} label={o.label} value={o.value} description={o.description} />
        ))}
      </Multiselect>
    </ControlGroup>
  );
}
