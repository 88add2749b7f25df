// Proxy and Logging tabs: [proxy] and [logging] of ta_oci_audit_settings.conf; the proxy password
// only in storage/passwords (realm …#configs/conf-ta_oci_audit_settings, name proxy, {"proxy_password"}),
// written through the add-on's write-only endpoint ta_oci_audit/secrets.
import React, { useEffect, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Message from '@splunk/react-ui/Message';
import Select from '@splunk/react-ui/Select';
import Switch from '@splunk/react-ui/Switch';
import { SETTINGS_CONF, truthy } from '../splunk/account-rules';
import { call, secretsState, setProxyPassword, str } from './api';
import { errText, Field, fieldBinder, Notice, ServerError } from './form';
import { proxyFormProblems } from './validate';

interface Stanza {
  loaded: boolean;
  serverError: string;
  notice: string;
  setServerError: (text: string) => void;
  /** clears splunkd's last answer and the notice */
  clear: () => void;
  /** writes the stanza, then runs `after`; the notice says `saved`, or splunkd's error is shown */
  save: (form: Record<string, string>, saved: string, after?: () => Promise<void>) => Promise<void>;
}

/** One stanza of ta_oci_audit_settings.conf as a tab's state: `load` gets its content once, on mount. */
function useStanza(stanza: 'proxy' | 'logging', load: (content: Record<string, unknown>) => Promise<void> | void): Stanza {
  const path = `configs/conf-${SETTINGS_CONF}/${stanza}`;
  const [loaded, setLoaded] = useState(false);
  const [serverError, setServerError] = useState('');
  const [notice, setNotice] = useState('');
  useEffect(() => {
    void (async () => {
      try {
        const r = (await call('GET', path)) as { entry?: Array<{ content: Record<string, unknown> }> };
        await load(r.entry?.[0]?.content ?? {});
      } catch (e) {
        setServerError(errText(e));
      }
      setLoaded(true);
    })();
  }, []);
  const clear = (): void => {
    setNotice('');
    setServerError('');
  };
  const save = async (form: Record<string, string>, saved: string, after?: () => Promise<void>): Promise<void> => {
    clear();
    try {
      await call('POST', path, form);
      await after?.();
      setNotice(saved);
    } catch (e) {
      setServerError(errText(e));
    }
  };
  return { loaded, serverError, notice, setServerError, clear, save };
}

/** A settings tab: "Loading…" until the stanza is read, then splunkd's answer, the controls and Save. */
function StanzaPanel(p: { testId: string; stanza: Stanza; onSave: () => Promise<void>; children: React.ReactNode }): React.JSX.Element {
  if (!p.stanza.loaded) return <p>Loading…</p>;
  return (
    <div data-test={p.testId}>
      <ServerError text={p.stanza.serverError} />
      <Notice text={p.stanza.notice} />
      {p.children}
      <Button appearance="primary" label="Save" onClick={() => void p.onSave()} />
    </div>
  );
}

export function ProxyTab(): React.JSX.Element {
  const [v, setV] = useState({ proxy_enabled: false, proxy_url: '', proxy_port: '', proxy_username: '', proxy_password: '' });
  /** whether a proxy password is stored; undefined: the secrets endpoint could not say (secretsError) */
  const [hasPassword, setHasPassword] = useState<boolean | undefined>(false);
  const [secretsError, setSecretsError] = useState('');
  const [touched, setTouched] = useState(false);
  const stanza = useStanza('proxy', async (c) => {
    setV({
      proxy_enabled: truthy(c.proxy_enabled),
      proxy_url: str(c.proxy_url),
      proxy_port: str(c.proxy_port),
      proxy_username: str(c.proxy_username),
      proxy_password: '',
    });
    // A failing secrets endpoint is said as such; Save only ever writes a typed password, so nothing unseen is lost.
    try {
      setHasPassword((await secretsState()).proxy.proxy_password);
    } catch (e) {
      setHasPassword(undefined);
      setSecretsError(errText(e));
    }
  });
  const problems = proxyFormProblems(v);
  const set = (name: string, value: string): void => {
    setTouched(true);
    setV((o) => ({ ...o, [name]: value }));
    stanza.setServerError(''); // splunkd's answer was about the previous values
  };
  const save = async (): Promise<void> => {
    setTouched(true);
    stanza.clear();
    if (Object.keys(problems).length) return;
    const form = {
      proxy_enabled: v.proxy_enabled ? '1' : '0',
      proxy_type: 'http',
      proxy_url: v.proxy_url.trim(),
      proxy_port: v.proxy_port.trim(),
      proxy_username: v.proxy_username.trim(),
    };
    await stanza.save(form, 'Proxy settings saved.', async () => {
      if (v.proxy_password === '') return;
      await setProxyPassword(v.proxy_password);
      setHasPassword(true);
      setV({ ...v, proxy_password: '' });
    });
  };
  const bind = fieldBinder(v, set, (k) => (touched ? problems[k] : undefined));
  return (
    <StanzaPanel testId="proxy" stanza={stanza} onSave={save}>
      {secretsError !== '' && (
        <Message type="warning" data-test="secrets-unknown">
          Could not learn whether a proxy password is stored: the add-on&apos;s secrets endpoint answered &ldquo;{secretsError}&rdquo;.
          Leave the password blank to keep whatever is stored; type one only to replace it.
        </Message>
      )}
      <ControlGroup label="Enable proxy" labelWidth={180} controlsLayout="none">
        <Switch
          appearance="toggle"
          selected={v.proxy_enabled}
          onClick={() => setV((o) => ({ ...o, proxy_enabled: !o.proxy_enabled }))}
          data-test="proxy_enabled"
        >
          {v.proxy_enabled ? 'Enabled' : 'Disabled'}
        </Switch>
      </ControlGroup>
      <ControlGroup label="Proxy type" labelWidth={180} help="Only HTTP proxies (CONNECT) are supported">
        <Select defaultValue="http" disabled>
          <Select.Option label="http" value="http" />
        </Select>
      </ControlGroup>
      <Field label="Proxy host" {...bind('proxy_url')} placeholder="proxy.example.com" />
      <Field label="Proxy port" {...bind('proxy_port')} placeholder="3128" />
      <Field label="Username" {...bind('proxy_username')} help="Optional" />
      <Field
        label="Password"
        {...bind('proxy_password')}
        type="password"
        help={
          hasPassword === undefined
            ? 'Not known whether a password is stored; leave blank to keep any stored password.'
            : hasPassword
              ? 'A password is stored; leave blank to keep it.'
              : 'Optional; kept in storage/passwords'
        }
      />
    </StanzaPanel>
  );
}

export function LoggingTab(): React.JSX.Element {
  const [level, setLevel] = useState('INFO');
  const stanza = useStanza('logging', (c) => setLevel(str(c.loglevel) || 'INFO'));
  return (
    <StanzaPanel testId="logging" stanza={stanza} onSave={() => stanza.save({ loglevel: level }, 'Logging settings saved.')}>
      <ControlGroup
        label="Log level"
        labelWidth={180}
        help="Level of ta_oci_audit.log and of the input's lines in splunkd.log. Default INFO."
      >
        <Select
          value={level}
          onChange={(_e, d) => {
            setLevel(String(d.value));
            stanza.setServerError('');
          }}
          data-test="loglevel"
        >
          {['DEBUG', 'INFO', 'WARN', 'ERROR'].map((l) => (
            <Select.Option key={l} label={l} value={l} />
          ))}
        </Select>
      </ControlGroup>
    </StanzaPanel>
  );
}
