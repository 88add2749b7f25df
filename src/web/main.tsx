// Setup page of TA-oci-audit, mounted by default/data/ui/views/ta_oci_audit_setup.xml (Simple XML
// dashboard with script=, loaded from appserver/static/; splunk-app-examples setup_page_simple).
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import TabLayout from '@splunk/react-ui/TabLayout';
import { SplunkThemeProvider } from '@splunk/themes';
import { AccountsTab } from './accounts';
import { InputsTab } from './inputs';
import { LoggingTab, ProxyTab } from './settings';

function App(): React.JSX.Element {
  const [accountsVersion, setAccountsVersion] = useState(0);
  const initial = window.location.hash.replace('#', '') || 'accounts';
  return (
    <SplunkThemeProvider family="enterprise" colorScheme="light" density="comfortable">
      <div style={{ padding: 16, fontFamily: "'Splunk Platform Sans', 'Proxima Nova', Roboto, 'Helvetica Neue', Arial, sans-serif" }}>
        <h2>OCI Audit Add-on: configuration</h2>
        <TabLayout defaultActivePanelId={initial}>
          <TabLayout.Panel label="Accounts" panelId="accounts">
            <AccountsTab onChanged={() => setAccountsVersion((n) => n + 1)} />
          </TabLayout.Panel>
          <TabLayout.Panel label="Inputs" panelId="inputs">
            <InputsTab accountsVersion={accountsVersion} />
          </TabLayout.Panel>
          <TabLayout.Panel label="Proxy" panelId="proxy">
            <ProxyTab />
          </TabLayout.Panel>
          <TabLayout.Panel label="Logging" panelId="logging">
            <LoggingTab />
          </TabLayout.Panel>
        </TabLayout>
      </div>
    </SplunkThemeProvider>
  );
}

function mount(): void {
  const el = document.getElementById('ta-oci-audit-setup');
  if (el) createRoot(el).render(<App />);
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount);
else mount();
