// A tab's list of conf entries (Accounts, Inputs): splunkd's error and the last notice, an Add button,
// a table with one row per entry ending in its action buttons, and a line when there is none.
import React from 'react';
import Button from '@splunk/react-ui/Button';
import Table from '@splunk/react-ui/Table';
import type { Entry } from './api';
import { Notice, ServerError } from './form';

export interface Column {
  title: string;
  cell: (row: Entry) => React.ReactNode;
}

export interface RowAction {
  label: string;
  appearance: 'secondary' | 'destructive';
  onClick: (row: Entry) => void;
}

export interface ListWithActionsProps {
  /** data-test of the list */
  testId: string;
  serverError: string;
  notice: string;
  /** more messages under the notice */
  children?: React.ReactNode;
  add: { label: string; onClick: () => void; disabled?: boolean; note?: React.ReactNode };
  columns: Column[];
  actions: RowAction[];
  rows: Entry[];
  /** shown when there are no rows */
  empty: string;
}

export function ListWithActions(p: ListWithActionsProps): React.JSX.Element {
  return (
    <div data-test={p.testId}>
      <ServerError text={p.serverError} />
      <Notice text={p.notice} />
      {p.children}
      <div style={{ margin: '8px 0' }}>
        <Button appearance="primary" label={p.add.label} onClick={p.add.onClick} disabled={p.add.disabled} />
        {p.add.note}
      </div>
      <Table stripeRows>
        <Table.Head>
          {p.columns.map((c) => (
            <Table.HeadCell key={c.title}>{c.title}</Table.HeadCell>
          ))}
          <Table.HeadCell>Actions</Table.HeadCell>
        </Table.Head>
        <Table.Body>
          {p.rows.map((r) => (
            <Table.Row key={r.name} data-test-row={r.name}>
              {p.columns.map((c) => (
                <Table.Cell key={c.title}>{c.cell(r)}</Table.Cell>
              ))}
              <Table.Cell>
                {p.actions.map((a) => (
                  <Button key={a.label} appearance={a.appearance} label={a.label} onClick={() => a.onClick(r)} />
                ))}
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      {p.rows.length === 0 && <p>{p.empty}</p>}
    </div>
  );
}
