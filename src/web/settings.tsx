// Proxy and Logging tabs: [proxy] and [logging] of ta_oci_audit_settings.conf; the proxy password
// only in storage/passwords (realm …#configs/conf-ta_oci_audit_settings, name proxy, {"proxy_password"}),
// written through the add-on's write-only endpoint ta_oci_audit/secrets.
import React, { useEffect, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Select from '@splunk/react-ui/Select';
import Switch from '@splunk/react-ui/Switch';
import { SETTINGS_CONF } from '../splunk/account-rules';
import { call, secretsState, setProxyPassword, str } from './api';
import { errText, Field, Notice, ServerError } from './form';
import { proxyFormProblems } from './validate';

const truthy = (v: unknown): boolean => ['1', 'true', 'yes'].includes(str(v).toLowerCase());

export function ProxyTab(): React.JSX.Element {
  const [v, setV] = useState({ proxy_enabled: false, proxy_url: '', proxy_port: '', proxy_username: '', proxy_password: '' });
  const [hasPassword, setHasPassword] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [touched, setTouched] = useState(false);
  const [serverError, setServerError] = useState('');
  const [notice, setNotice] = useState('');
  useEffect(() => {
    void (async () => {
      try {
        const r = (await call('GET', `configs/conf-${SETTINGS_CONF}/proxy`)) as { entry?: Array<{ content: Record<string, unknown> }> };
        const c = r.entry?.[0]?.content ?? {};
        setV({
          proxy_enabled: truthy(c.proxy_enabled),
          proxy_url: str(c.proxy_url),
          proxy_port: str(c.proxy_port),
          proxy_username: str(c.proxy_username),
          proxy_password: '',
        });
        setHasPassword((await secretsState()).proxy.proxy_password);
      } catch (e) {
        setServerError(errText(e));
      }
      setLoaded(true);
    })();
  }, []);
  const problems = proxyFormProblems(v);
  const set = (name: string, value: string): void => {
    setTouched(true);
    setV((o) => ({ ...o, [name]: value }));
    setServerError(''); // splunkd's answer was about the previous values
  };
  const save = async (): Promise<void> => {
    setTouched(true);
    setNotice('');
    setServerError('');
    if (Object.keys(problems).length) return;
    try {
      await call('POST', `configs/conf-${SETTINGS_CONF}/proxy`, {
        proxy_enabled: v.proxy_enabled ? '1' : '0',
        proxy_type: 'http',
        proxy_url: v.proxy_url.trim(),
        proxy_port: v.proxy_port.trim(),
        proxy_username: v.proxy_username.trim(),
      });
      if (v.proxy_password !== '') {
        await setProxyPassword(v.proxy_password);
        setHasPassword(true);
        setV({ ...v, proxy_password: '' });
      }
      setNotice('Proxy settings saved.');
    } catch (e) {
      setServerError(errText(e));
    }
  };
  if (!loaded) return <p>Loading…</p>;
  return (
    <div data-test="proxy">
      <ServerError text={serverError} />
      <Notice text={notice} />
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
      <Field
        label="Proxy host"
        name="proxy_url"
        value={v.proxy_url}
        onChange={set}
        error={touched ? problems.proxy_url : undefined}
        placeholder="proxy.example.com"
      />
      <Field
        label="Proxy port"
        name="proxy_port"
        value={v.proxy_port}
        onChange={set}
        error={touched ? problems.proxy_port : undefined}
        placeholder="3128"
      />
      <Field label="Username" name="proxy_username" value={v.proxy_username} onChange={set} help="Optional" />
      <Field
        label="Password"
        name="proxy_password"
        value={v.proxy_password}
        onChange={set}
        type="password"
        help={hasPassword ? 'A password is stored; leave blank to keep it.' : 'Optional; kept in storage/passwords'}
      />
      <Button appearance="primary" label="Save" onClick={() => void save()} />
    </div>
  );
}

export function LoggingTab(): React.JSX.Element {
  const [level, setLevel] = useState('INFO');
  const [loaded, setLoaded] = useState(false);
  const [serverError, setServerError] = useState('');
  const [notice, setNotice] = useState('');
  useEffect(() => {
    void call('GET', `configs/conf-${SETTINGS_CONF}/logging`)
      .then((r) => setLevel(str((r as { entry?: Array<{ content: Record<string, unknown> }> }).entry?.[0]?.content.loglevel) || 'INFO'))
      .catch((e: unknown) => setServerError(errText(e)))
      .finally(() => setLoaded(true));
  }, []);
  const save = async (): Promise<void> => {
    setNotice('');
    setServerError('');
    try {
      await call('POST', `configs/conf-${SETTINGS_CONF}/logging`, { loglevel: level });
      setNotice('Logging settings saved.');
    } catch (e) {
      setServerError(errText(e));
    }
  };
  if (!loaded) return <p>Loading…</p>;
  return (
    <div data-test="logging">
      <ServerError text={serverError} />
      <Notice text={notice} />
      <ControlGroup
        label="Log level"
        labelWidth={180}
        help="Level of ta_oci_audit.log and of the input's lines in splunkd.log. Default INFO."
      >
        <Select
          value={level}
          onChange={(_e, d) => {
            setLevel(String(d.value));
            setServerError('');
          }}
          data-test="loglevel"
        >
          {['DEBUG', 'INFO', 'WARN', 'ERROR'].map((l) => (
            <Select.Option key={l} label={l} value={l} />
          ))}
        </Select>
      </ControlGroup>
      <Button appearance="primary" label="Save" onClick={() => void save()} />
    </div>
  );
}
