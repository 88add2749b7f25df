// "Know before you save": the rules' effect on the admin's own tenancy. POST ta_oci_audit/estimate
// (docs/contract.md) reads the last N hours with the form's account, regions and compartments and answers
// what the rules would index, route and drop, in events and GB per day, per rule.
import React, { useState } from 'react';
import Button from '@splunk/react-ui/Button';
import Message from '@splunk/react-ui/Message';
import Select from '@splunk/react-ui/Select';
import Table from '@splunk/react-ui/Table';
import { call } from './api';
import { errText } from './form';

export interface Volume {
  events: number;
  bytes: number;
  eventsPerDay: number;
  gbPerDay: number;
}
export interface EstimateResult {
  hours: number;
  regions: number | string[];
  compartments: number | string[];
  events: number;
  bytes: number;
  complete: boolean;
  note?: string;
  decisions: { index: Volume; route: Volume; drop: Volume };
  rules: Array<Volume & { label: string; text: string; decision: 'index' | 'route' | 'drop'; index?: string }>;
  unmatched: Volume;
}

export async function estimate(form: Record<string, string>): Promise<EstimateResult> {
  return (await call('POST', 'ta_oci_audit/estimate', form)) as EstimateResult;
}

const count = (v: number | string[]): number => (Array.isArray(v) ? v.length : v);
const perDay = (n: number): string => Math.round(n).toLocaleString('en-US');
const gb = (n: number): string => (n >= 10 ? n.toFixed(1) : n >= 0.01 ? n.toFixed(2) : n > 0 ? n.toPrecision(2) : '0');

export function EstimatePanel(p: { fields: () => Record<string, string>; disabled: boolean }): React.JSX.Element {
  const [hours, setHours] = useState('24');
  const [result, setResult] = useState<EstimateResult | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (): Promise<void> => {
    setBusy(true);
    setError('');
    setResult(undefined);
    try {
      setResult(await estimate({ ...p.fields(), hours }));
    } catch (e) {
      setError(errText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-test="estimate" style={{ marginTop: 8 }}>
      <Button
        label={busy ? 'Estimating…' : 'Estimate'}
        onClick={() => void run()}
        disabled={busy || p.disabled}
        data-test="estimate-button"
      />
      <span> from the last </span>
      <Select inline value={hours} onChange={(_e, d) => setHours(String(d.value))} data-test="estimate-hours">
        {['1', '6', '24', '72', '168'].map((h) => (
          <Select.Option key={h} label={`${h} hour${h === '1' ? '' : 's'}`} value={h} />
        ))}
      </Select>
      <span> of this tenancy, with the rules above</span>
      {error && (
        <Message type="error">
          <span data-test="estimate-error">The estimate could not run: {error}</span>
        </Message>
      )}
      {result && <EstimateTable r={result} />}
    </div>
  );
}

function EstimateTable({ r }: { r: EstimateResult }): React.JSX.Element {
  const d = r.decisions;
  const row = (key: string, what: React.ReactNode, v: Volume): React.JSX.Element => (
    <Table.Row key={key} data-test-estimate-row={key}>
      <Table.Cell>{what}</Table.Cell>
      <Table.Cell align="right">{perDay(v.eventsPerDay)}</Table.Cell>
      <Table.Cell align="right">{gb(v.gbPerDay)}</Table.Cell>
      <Table.Cell align="right">{v.events.toLocaleString('en-US')}</Table.Cell>
    </Table.Row>
  );
  return (
    <div data-test="estimate-result" style={{ marginTop: 8 }}>
      <p data-test="estimate-read">
        Read {r.events.toLocaleString('en-US')} events ({gb(r.bytes / 1e9)} GB) of the last {r.hours} hours from {count(r.regions)}{' '}
        region(s) and {count(r.compartments)} compartment(s){r.complete ? '' : ', extrapolated'}.{r.note ? ` ${r.note}` : ''}
      </p>
      <Table stripeRows>
        <Table.Head>
          <Table.HeadCell>Decision</Table.HeadCell>
          <Table.HeadCell align="right">events/day</Table.HeadCell>
          <Table.HeadCell align="right">GB/day</Table.HeadCell>
          <Table.HeadCell align="right">events read</Table.HeadCell>
        </Table.Head>
        <Table.Body>
          {row('index', <strong>indexed</strong>, d.index)}
          {row('route', <strong>routed</strong>, d.route)}
          {row('drop', <strong>dropped</strong>, d.drop)}
          {r.rules.map((x, i) =>
            row(
              `rule-${i + 1}`,
              <span>
                rule {x.label}: {x.decision === 'route' ? `route to ${x.index ?? ''}` : x.decision}{' '}
                <code style={{ opacity: 0.75 }}>{x.text}</code>
              </span>,
              x,
            ),
          )}
          {row('unmatched', <span>no rule matched: index</span>, r.unmatched)}
        </Table.Body>
      </Table>
    </div>
  );
}
