// Setup page of TA-oci-audit, mounted by default/data/ui/views/ta_oci_audit_setup.xml (Simple XML
// dashboard with script=, loaded by Splunk Web's RequireJS from appserver/static/; splunk-app-examples
// setup_page_simple). The page takes the user's Splunk Web theme (light or dark) as Splunk's own pages do.
import React from 'react';
import { createRoot } from 'react-dom/client';
import TabLayout from '@splunk/react-ui/TabLayout';
import { SplunkThemeProvider } from '@splunk/themes';
import useSplunkTheme from '@splunk/themes/useSplunkTheme';
import { AccountsTab } from './accounts';
import { InputsTab } from './inputs';
import { PlatformNotice } from './platform';
import { LoggingTab, ProxyTab } from './settings';
import { userTheme, type PageTheme } from './splunk-web';

function App(): React.JSX.Element {
  const initial = window.location.hash.replace('#', '') || 'accounts';
  const { backgroundColorPage, textColor } = useSplunkTheme() as { backgroundColorPage?: string; textColor?: string };
  return (
    <div
      style={{
        padding: 16,
        minHeight: 480,
        background: backgroundColorPage,
        color: textColor,
        fontFamily: "'Splunk Platform Sans', 'Proxima Nova', Roboto, 'Helvetica Neue', Arial, sans-serif",
      }}
    >
      <h2>OCI Audit Add-on: configuration</h2>
      <PlatformNotice />
      <TabLayout defaultActivePanelId={initial}>
        <TabLayout.Panel label="Accounts" panelId="accounts">
          <AccountsTab />
        </TabLayout.Panel>
        <TabLayout.Panel label="Inputs" panelId="inputs">
          <InputsTab />
        </TabLayout.Panel>
        <TabLayout.Panel label="Proxy" panelId="proxy">
          <ProxyTab />
        </TabLayout.Panel>
        <TabLayout.Panel label="Logging" panelId="logging">
          <LoggingTab />
        </TabLayout.Panel>
      </TabLayout>
    </div>
  );
}

function mount(theme: PageTheme): void {
  const el = document.getElementById('ta-oci-audit-setup');
  if (!el) return;
  el.setAttribute('data-color-scheme', theme.colorScheme);
  createRoot(el).render(
    <SplunkThemeProvider family={theme.family} colorScheme={theme.colorScheme} density={theme.density}>
      <App />
    </SplunkThemeProvider>,
  );
}

function start(): void {
  void userTheme().then(mount);
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
