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
import type { Estimate as EstimateResult, Volume } from '../pipeline/estimate';

export type { Estimate as EstimateResult } from '../pipeline/estimate';

export async function estimate(form: Record<string, string>): Promise<EstimateResult> {
  return (await call('POST', 'ta_oci_audit/estimate', form)) as EstimateResult;
}

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
      {/* from the bytes: gbPerDay is rounded, and a small tenancy's rows would all read 0 */}
      <Table.Cell align="right">{gb((v.bytes / 1e9) * (24 / r.hours))}</Table.Cell>
      <Table.Cell align="right">{v.events.toLocaleString('en-US')}</Table.Cell>
    </Table.Row>
  );
  return (
    <div data-test="estimate-result" style={{ marginTop: 8 }}>
      <p data-test="estimate-read">
        Read {r.windowsRead.toLocaleString('en-US')} of {r.windows.toLocaleString('en-US')} hour windows (region × compartment × hour) of
        the last {r.hours} hours, {r.regions} region(s) and {r.compartments} compartment(s), in {r.seconds} s:{' '}
        {r.events.toLocaleString('en-US')} events ({gb(r.bytes / 1e9)} GB) in the {r.hours} hours
        {r.complete ? ', complete' : ', extrapolated from the windows read'}.{r.note ? ` ${r.note}` : ''}
      </p>
      <Table stripeRows>
        <Table.Head>
          <Table.HeadCell>Decision, then each rule (label and text)</Table.HeadCell>
          <Table.HeadCell align="right" width={110}>
            events/day
          </Table.HeadCell>
          <Table.HeadCell align="right" width={100}>
            GB/day
          </Table.HeadCell>
          <Table.HeadCell align="right" width={150}>
            events in {r.hours} h
          </Table.HeadCell>
        </Table.Head>
        <Table.Body>
          {row('index', <strong>indexed</strong>, d.index)}
          {row('route', <strong>routed</strong>, d.route)}
          {row('drop', <strong>dropped</strong>, d.drop)}
          {r.rules.map((x, i) =>
            row(
              `rule-${i + 1}`,
              <span style={{ overflowWrap: 'anywhere' }}>
                {x.label}: <code style={{ opacity: 0.8 }}>{x.text}</code>
              </span>,
              x,
            ),
          )}
          {row('unmatched', <span>no rule matched: indexed</span>, r.unmatched)}
        </Table.Body>
      </Table>
    </div>
  );
}
