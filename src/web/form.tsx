// Small form helpers over @splunk/react-ui: a labelled text field with help and a live error, the props
// that bind a field to a form's values, and the frame of an add/edit form (title, splunkd's error, buttons).
import React from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Text from '@splunk/react-ui/Text';
import TextArea from '@splunk/react-ui/TextArea';
import Message from '@splunk/react-ui/Message';

export interface FieldProps {
  label: string;
  name: string;
  value: string;
  onChange: (name: string, value: string) => void;
  help?: React.ReactNode;
  error?: string;
  required?: boolean;
  placeholder?: string;
  type?: 'text' | 'password';
  multiline?: boolean;
  disabled?: boolean;
}

export function Field(p: FieldProps): React.JSX.Element {
  const change = (_e: unknown, d: { value: string }): void => p.onChange(p.name, d.value);
  return (
    <ControlGroup label={p.label} help={p.help} error={p.error} required={p.required} labelWidth={180} data-test-field={p.name}>
      {p.multiline ? (
        <TextArea name={p.name} value={p.value} onChange={change} error={Boolean(p.error)} rowsMin={4} rowsMax={10} disabled={p.disabled} />
      ) : (
        <Text
          name={p.name}
          value={p.value}
          onChange={change}
          error={Boolean(p.error)}
          type={p.type ?? 'text'}
          placeholder={p.placeholder}
          disabled={p.disabled}
          autoComplete={p.type === 'password' ? 'new-password' : 'off'}
        />
      )}
    </ControlGroup>
  );
}

/** What ties a Field to a form: its name, its value, the form's change handler and the problem shown for it. */
export type BoundField = Pick<FieldProps, 'name' | 'value' | 'onChange' | 'error'>;

/** The names of a form's text values. */
type TextKey<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T] & string;

/** Binds fields to a form's `values`: `<Field label="…" {...bind('region')} required />`. */
export function fieldBinder<T>(
  values: T,
  onChange: (name: string, value: string) => void,
  error: (name: string) => string | undefined,
): (name: TextKey<T>) => BoundField {
  return (name) => ({ name, value: String(values[name]), onChange, error: error(name) });
}

/** An add/edit form: its title, splunkd's answer to the last save, the fields, then Save, more buttons and Cancel. */
export function FormPage(p: {
  testId: string;
  title: string;
  serverError: string;
  children: React.ReactNode;
  save: { label: string; onClick: () => void; disabled: boolean; testId?: string };
  /** buttons between Save and Cancel */
  buttons?: React.ReactNode;
  onCancel: () => void;
  /** under the buttons */
  footer?: React.ReactNode;
}): React.JSX.Element {
  return (
    <div data-test={p.testId}>
      <h3>{p.title}</h3>
      <ServerError text={p.serverError} />
      {p.children}
      <div style={{ marginTop: 16 }}>
        <Button
          appearance="primary"
          label={p.save.label}
          onClick={p.save.onClick}
          disabled={p.save.disabled}
          // Button's own data-test="button" stays unless the form names its Save
          {...(p.save.testId ? { 'data-test': p.save.testId } : {})}
        />
        {p.buttons}
        <Button label="Cancel" onClick={p.onCancel} />
        {p.footer}
      </div>
    </div>
  );
}

/** splunkd's message, verbatim. */
export function ServerError({ text }: { text: string }): React.JSX.Element | null {
  if (!text) return null;
  return (
    <Message type="error">
      <span data-test="server-error" style={{ whiteSpace: 'pre-wrap' }}>
        {text}
      </span>
    </Message>
  );
}

export function Notice({ text }: { text: string }): React.JSX.Element | null {
  if (!text) return null;
  return (
    <Message type="success">
      <span data-test="notice">{text}</span>
    </Message>
  );
}

export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const CATEGORY: Record<string, string> = {
  authentication: 'the key was not accepted',
  permission: 'a policy is missing',
  network: 'OCI cannot be reached',
  configuration: 'the account settings are wrong',
  throttling: 'OCI is throttling',
  server: 'OCI had an error',
  malformed: 'OCI answered something unexpected',
};

/** The connection check's answer in plain words, with the IAM statements to add; or why it could not run. */
export function CheckMessage({
  result,
  error,
  saved,
}: {
  result?: { ok: boolean; category?: string; message: string; statements: string[] };
  error?: string;
  saved?: boolean;
}): React.JSX.Element | null {
  if (error) {
    return (
      <Message type="warning">
        <span data-test="check-result" style={{ whiteSpace: 'pre-wrap' }}>
          The connection check could not run: {error}
        </span>
      </Message>
    );
  }
  if (!result) return null;
  if (result.ok) {
    return (
      <Message type="success">
        <span data-test="check-result">Connection OK. {result.message}</span>
      </Message>
    );
  }
  return (
    <Message type={saved ? 'warning' : 'error'}>
      <div data-test="check-result">
        <strong>Connection check failed: {CATEGORY[result.category ?? ''] ?? result.category}.</strong> {result.message}
        {result.statements.length > 0 && (
          <pre data-test="check-statements" style={{ margin: '6px 0', padding: 6, background: 'rgba(0,0,0,0.05)', whiteSpace: 'pre-wrap' }}>
            {result.statements.join('\n')}
          </pre>
        )}
      </div>
    </Message>
  );
}
