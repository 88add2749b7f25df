// The Accounts form when the add-on's secrets endpoint (ta_oci_audit/secrets) answers an error (handler
// crashed, platform without it, splunkd busy), in a real browser against the Splunk Web + splunkd emulators
// (the fault: Splunkd.setRestHandlerFault). The form says it could not learn whether a key is stored, with the
// handler's message; it does not require a key; Save without a typed key leaves the stored secret as it was.
// The Proxy tab likewise for the proxy password.
// In the light and the dark theme; UPDATE_SCREENSHOTS=1 refreshes docs/screenshots/accounts-secrets-unknown-<theme>.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  assertText,
  logIn,
  SETUP_VIEW,
  startBrowserWorld,
  watch,
  type BrowserWorld,
  formLocators,
  screenshotDir,
} from '../support/browser';
import { ACCOUNT_REALM, SETTINGS_REALM } from '../support/world';

const SECRETS = '/ta_oci_audit/secrets';
const HANDLER_TEXT = 'Unexpected error from the REST handler [script:ta_oci_audit_secrets]: the handler process exited (emulated fault)';

for (const theme of ['light', 'dark'] as const)
  describe(`Accounts form when the secrets endpoint fails (browser, ${theme} theme)`, function () {
    this.timeout(120_000);
    const SHOTS = screenshotDir(`secrets-unknown-${theme}`);
    let bw: BrowserWorld;
    let page: Page;
    const pageErrors: string[] = [];

    before(async function () {
      this.timeout(180_000);
      mkdirSync(SHOTS, { recursive: true });
      bw = await startBrowserWorld(
        { regions: 1, compartments: 1, deletedCompartments: 0, eventsPerDay: 1000 },
        { rootEndpoint: '/splunk', theme },
      );
      page = watch(await bw.browser.newPage({ viewport: { width: 1280, height: 900 } }), pageErrors);
      await logIn(page, `${bw.web.uri}/splunk${SETUP_VIEW}`);
    });
    after(async () => {
      await bw?.close();
    });
    afterEach(() => assert.deepEqual(pageErrors, [], 'no uncaught errors in the page'));

    const { field, group, button, row } = formLocators(() => page);
    const storedSecret = (): string | undefined =>
      bw.w.splunkd.passwords().find((p) => p.realm === ACCOUNT_REALM && p.name === 'main')?.clear_password;
    /** ControlGroup marks a required field (@splunk/react-ui 5.16.0 ControlGroup: data-test-required). */
    const required = async (name: string): Promise<string | null> => group(name).getAttribute('data-test-required');

    it("Edit says it could not learn whether a key is stored, with the handler's message, and does not require a key", async () => {
      // control: a new account does need a key
      await button('Add account').click();
      assert.equal(await required('private_key'), 'true', 'a new account requires the key');
      await button('Cancel').click();

      bw.w.splunkd.setRestHandlerFault(SECRETS, { status: 500, text: HANDLER_TEXT });
      await button('Edit', row('main')).click();
      const message = page.locator('[data-test="secrets-unknown"]');
      await assertText(message, 'Could not learn whether a private key is stored for this account');
      assert.ok((await message.innerText()).includes(HANDLER_TEXT), await message.innerText());
      assert.equal(await required('private_key'), 'false', 'the key is not required when the page cannot tell');
      await assertText(group('private_key'), 'Not known whether a key is stored');
      assert.equal(await field('private_key').inputValue(), '');
      await page.screenshot({ path: path.join(SHOTS, `accounts-secrets-unknown-${theme}.png`), fullPage: true });
    });

    it('Save without typing a key saves the account and leaves the stored secret intact (no write to the secrets endpoint)', async () => {
      const before = storedSecret();
      assert.ok(before?.includes('BEGIN'), 'the account has a stored key');
      const writesBefore = bw.w.splunkd.requests().filter((r) => r.method === 'POST' && r.path.includes(SECRETS)).length;
      await field('audit_endpoint').fill(bw.w.oci.auditEndpoint); // an edit, to save something
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'Account "main" saved. Its stored key, if any, was left as it was.');
      assert.equal(storedSecret(), before, 'storage/passwords unchanged');
      const writes = bw.w.splunkd.requests().filter((r) => r.method === 'POST' && r.path.includes(SECRETS)).length;
      assert.equal(writes, writesBefore, 'Save sent nothing to the secrets endpoint');
      bw.w.splunkd.setRestHandlerFault(SECRETS, undefined);
      // with the handler back, Edit knows again that a key is stored
      await button('Edit', row('main')).click();
      await assertText(group('private_key'), 'A key is stored');
      assert.equal(await page.locator('[data-test="secrets-unknown"]').count(), 0);
      await button('Cancel').click();
    });

    it('Proxy tab: says it could not learn whether a password is stored, and Save keeps the stored password', async () => {
      const tab = (name: string): Promise<void> => page.getByRole('tab', { name }).click();
      const storedProxy = (): string | undefined =>
        bw.w.splunkd.passwords().find((p) => p.realm === SETTINGS_REALM && p.name === 'proxy')?.clear_password;
      await tab('Proxy');
      await page.locator('[data-test="proxy"]').waitFor();
      await field('proxy_password').fill('kept-proxy-secret');
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'Proxy settings saved.');
      const before = storedProxy();
      assert.ok(before?.includes('kept-proxy-secret'), 'a proxy password is stored');
      bw.w.splunkd.setRestHandlerFault(SECRETS, { status: 500, text: HANDLER_TEXT });
      await tab('Logging'); // the tab is mounted afresh, so it asks the secrets endpoint again
      await tab('Proxy');
      const message = page.locator('[data-test="secrets-unknown"]');
      await assertText(message, 'Could not learn whether a proxy password is stored');
      assert.ok((await message.innerText()).includes(HANDLER_TEXT), await message.innerText());
      await assertText(group('proxy_password'), 'Not known whether a password is stored');
      await field('proxy_username').fill('squid');
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'Proxy settings saved.');
      assert.equal(storedProxy(), before, 'storage/passwords unchanged');
      bw.w.splunkd.setRestHandlerFault(SECRETS, undefined);
      await tab('Accounts');
    });
  });
