// The Inputs tab's event rule editor: an ordered list of rows (first match wins), each a decision (index,
// route to an index, drop) with its conditions, or the read_only preset; the rows are the `event_rules`
// text (rule-rows.ts). A text the rows cannot show is edited as text. Problems are the engine's parser's.
import React, { useState } from 'react';
import Button from '@splunk/react-ui/Button';
import Message from '@splunk/react-ui/Message';
import Select from '@splunk/react-ui/Select';
import Text from '@splunk/react-ui/Text';
import TextArea from '@splunk/react-ui/TextArea';
import Multiselect from '@splunk/react-ui/Multiselect';
import { PRESETS, RULE_FIELD_HELP, RULE_FIELDS, type PresetRule, type RuleField } from '../pipeline/event-rules';
import { splitValues } from './picker-values';
import { conditionValue, rowsNamed, rowsOf, textOf, type RuleCondition, type RuleRow } from './rule-rows';

const small: React.CSSProperties = { fontSize: '0.9em', opacity: 0.8 };

export function RulesEditor(p: {
  value: string;
  onChange: (text: string) => void;
  /** the parser's problems with this text (each names its rule) */
  problems: string[];
  /** values to pick for a field's `=` condition (the tenancy's compartments by path, its regions) */
  choices?: Partial<Record<RuleField, Array<{ value: string; label: string; description?: string }>>>;
}): React.JSX.Element {
  const parsed = rowsOf(p.value);
  const [asText, setAsText] = useState(parsed === undefined);
  const rows = parsed ?? [];
  const textMode = asText || parsed === undefined;
  const bad = rowsNamed(p.problems);
  const put = (next: RuleRow[]): void => p.onChange(textOf(next));
  const edit = (i: number, change: Partial<RuleRow>): void => put(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const move = (i: number, by: -1 | 1): void => {
    const next = [...rows];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    put(next);
  };
  const editCondition = (i: number, k: number, change: Partial<RuleCondition>): void =>
    edit(i, { conditions: rows[i].conditions.map((c, j) => (j === k ? { ...c, ...change } : c)) });

  return (
    <div data-test="rules-editor">
      <p style={small}>
        Rules are tried in order and the first that matches decides; an event that matches no rule is indexed in the input&apos;s index. All
        conditions of a rule must hold; a rule without conditions matches every event.
      </p>
      {textMode ? (
        <div>
          {parsed === undefined && p.value.trim() !== '' && (
            <Message type="info">
              <span data-test="rules-as-text">Some of these rules cannot be shown as rows; edit them as text (rules separated by ;).</span>
            </Message>
          )}
          <TextArea
            name="event_rules"
            value={p.value}
            onChange={(_e, d) => p.onChange(d.value)}
            rowsMin={3}
            rowsMax={10}
            error={p.problems.length > 0}
          />
          {parsed !== undefined && <Button appearance="secondary" label="Edit as rows" onClick={() => setAsText(false)} />}
        </div>
      ) : (
        <div>
          {rows.length === 0 && <p data-test="no-rules">No rules: every event is indexed.</p>}
          {rows.map((r, i) => (
            <div
              key={i}
              data-test="rule-row"
              data-test-rule={i + 1}
              style={{
                display: 'flex',
                flexWrap: 'wrap',
                alignItems: 'center',
                gap: 6,
                padding: 6,
                marginBottom: 4,
                border: `1px solid ${bad.has(i) ? '#d13d3d' : 'rgba(128,128,128,0.35)'}`,
                borderRadius: 4,
              }}
            >
              <strong style={{ minWidth: 24 }}>{i + 1}.</strong>
              {r.kind === 'preset' && (
                <span>
                  Preset <code>{r.preset}</code>: keep the reads below, then
                </span>
              )}
              <Select
                inline
                value={r.decision}
                onChange={(_e, d) => edit(i, { decision: d.value as RuleRow['decision'] })}
                data-test="decision"
              >
                {/* a preset's noise is routed or dropped: index would keep everything */}
                {r.kind !== 'preset' && <Select.Option label="index" value="index" />}
                <Select.Option label="route to" value="route" />
                <Select.Option label="drop" value="drop" />
              </Select>
              {r.decision === 'route' && (
                <span style={{ display: 'inline-block', width: 170 }}>
                  <Text
                    name={`rule-${i + 1}-index`}
                    value={r.index}
                    placeholder="index name"
                    onChange={(_e, d) => edit(i, { index: d.value.trim() })}
                  />
                </span>
              )}
              {r.kind === 'preset' ? (
                <span style={small}>every other read-only call</span>
              ) : (
                <>
                  <span style={small}>{r.conditions.length ? 'when' : 'every event'}</span>
                  {r.conditions.map((c, k) => (
                    <span key={k} data-test="condition" style={{ display: 'inline-flex', gap: 2, alignItems: 'center' }}>
                      {k > 0 && <span style={small}>and </span>}
                      <Select
                        inline
                        value={c.field}
                        onChange={(_e, d) => editCondition(i, k, { field: d.value as RuleCondition['field'] })}
                        data-test="field"
                      >
                        {RULE_FIELDS.map((f) => (
                          <Select.Option key={f} label={f} value={f} description={RULE_FIELD_HELP[f]} />
                        ))}
                      </Select>
                      <Select
                        inline
                        value={c.op}
                        onChange={(_e, d) => {
                          const op = d.value as RuleCondition['op'];
                          editCondition(i, k, { op, value: conditionValue(op, c.value) });
                        }}
                        data-test="op"
                      >
                        <Select.Option label="=" value="=" description="any of the comma-separated values" />
                        <Select.Option label="~" value="~" description="regular expression" />
                      </Select>
                      <span style={{ display: 'inline-block', width: 230 }}>
                        {c.op === '=' && p.choices?.[c.field] ? (
                          // the tenancy's own compartments (by path) and regions, as the pickers above; typed values still go
                          <Multiselect
                            name={`rule-${i + 1}-value-${k + 1}`}
                            values={splitValues(c.value)}
                            allowNewValues
                            compact
                            onChange={(_e, d) => editCondition(i, k, { value: conditionValue('=', d.values.map(String).join(',')) })}
                            data-test={`rule-${i + 1}-choices-${k + 1}`}
                          >
                            {(p.choices[c.field] ?? []).map((o) => (
                              <Multiselect.Option key={o.value} label={o.label} value={o.value} description={o.description} />
                            ))}
                          </Multiselect>
                        ) : (
                          <Text
                            name={`rule-${i + 1}-value-${k + 1}`}
                            value={c.value}
                            placeholder={c.op === '=' ? 'v1,v2' : 'regex'}
                            onChange={(_e, d) => editCondition(i, k, { value: conditionValue(c.op, d.value) })}
                          />
                        )}
                      </span>
                      <Button
                        appearance="subtle"
                        label="×"
                        aria-label={`Remove condition ${k + 1} of rule ${i + 1}`}
                        onClick={() => edit(i, { conditions: r.conditions.filter((_c, j) => j !== k) })}
                      />
                    </span>
                  ))}
                  <Button
                    appearance="subtle"
                    label="+ condition"
                    onClick={() => edit(i, { conditions: [...r.conditions, { field: 'name', op: '=', value: '' }] })}
                  />
                </>
              )}
              <span style={{ marginLeft: 'auto' }}>
                <Button appearance="subtle" label="↑" aria-label={`Move rule ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)} />
                <Button
                  appearance="subtle"
                  label="↓"
                  aria-label={`Move rule ${i + 1} down`}
                  disabled={i === rows.length - 1}
                  onClick={() => move(i, 1)}
                />
                <Button
                  appearance="subtle"
                  label="Remove"
                  aria-label={`Remove rule ${i + 1}`}
                  onClick={() => put(rows.filter((_r, j) => j !== i))}
                />
              </span>
              {r.kind === 'preset' && PRESETS[r.preset ?? ''] && <PresetRules name={r.preset ?? ''} rules={PRESETS[r.preset ?? '']} />}
            </div>
          ))}
          <div style={{ marginTop: 6 }}>
            <Button
              label="Add rule"
              onClick={() =>
                put([...rows, { kind: 'rule', decision: 'drop', index: '', conditions: [{ field: 'name', op: '=', value: '' }] }])
              }
            />
            <Button
              label="Add preset read_only"
              disabled={rows.some((r) => r.kind === 'preset' && r.preset === 'read_only')}
              onClick={() =>
                put([{ kind: 'preset', preset: 'read_only', decision: 'route', index: 'oci_audit_reads', conditions: [] }, ...rows])
              }
            />
            <Button appearance="subtle" label="Edit as text" onClick={() => setAsText(true)} />
          </div>
        </div>
      )}
      {p.problems.map((t) => (
        <Message key={t} type="error">
          <span data-test="rule-problem">{t}</span>
        </Message>
      ))}
      <p style={small}>
        As saved: <code data-test="rules-text">{p.value.trim() === '' ? '(no rules)' : p.value}</code>
      </p>
    </div>
  );
}

/** What a preset does: the reads it keeps (indexed first) and why, then what its decision applies to. */
function PresetRules({ name, rules }: { name: string; rules: readonly PresetRule[] }): React.JSX.Element {
  const keeps = rules.filter((r) => r.role === 'keep');
  const noise = rules.filter((r) => r.role === 'noise');
  return (
    <details style={{ flexBasis: '100%', minWidth: 0, paddingLeft: 30, overflowWrap: 'anywhere' }} data-test="preset-keeps">
      <summary>
        It keeps (indexes) {keeps.length} kinds of reads a security analyst needs, then applies the decision to every other read-only call
      </summary>
      <ul style={{ margin: '4px 0' }}>
        {keeps.map((k) => (
          <li key={k.name}>
            kept, <code>{`${name}/${k.name}`}</code> (<code>{k.conditions}</code>): {k.why}
          </li>
        ))}
        {noise.map((k) => (
          <li key={k.name}>
            the decision, <code>{`${name}/${k.name}`}</code> (<code>{k.conditions}</code>): {k.why}
          </li>
        ))}
      </ul>
    </details>
  );
}
