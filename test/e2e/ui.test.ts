// The setup pages in a real browser (headless Chromium from Debian, driven by playwright-core) against
// the Splunk Web + splunkd emulators, then the input created through the UI run against the OCI emulator.
// The whole suite runs once per Splunk Web mode: plain (no root_endpoint, reached directly) and
// root_endpoint=/splunk behind a reverse proxy on another port; each against both behaviours of a proxy
// for encoded path characters (%2F passed or decoded), in the user's light and dark theme, with the page's
// script loaded by Splunk Web's RequireJS (and once by a plain <script> on a RequireJS page).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runInput, startReverseProxy, type EncodedPathMode, type ReverseProxy, type SplunkWeb } from '../emulators/splunkd';
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
import { ACCOUNT_REALM, accountConf, isoMinutesAgo, SETTINGS_REALM, TEST_ENV, type World } from '../support/world';

interface Mode {
  name: string;
  rootEndpoint: string;
  viaProxy: boolean;
  encodedPath: EncodedPathMode;
  theme: 'light' | 'dark';
  scriptLoading: 'requirejs' | 'script-tag';
  /** the committed docs/screenshots come from the root_endpoint modes */
  docsShots: boolean;
}
const MODES: Mode[] = [
  {
    name: 'plain, direct, %2F passed, light',
    rootEndpoint: '',
    viaProxy: false,
    encodedPath: 'pass',
    theme: 'light',
    scriptLoading: 'requirejs',
    docsShots: false,
  },
  {
    name: 'plain, direct, %2F decoded, dark, plain <script>',
    rootEndpoint: '',
    viaProxy: false,
    encodedPath: 'decode',
    theme: 'dark',
    scriptLoading: 'script-tag',
    docsShots: false,
  },
  {
    name: 'root_endpoint=/splunk behind a proxy, %2F passed, light',
    rootEndpoint: '/splunk',
    viaProxy: true,
    encodedPath: 'pass',
    theme: 'light',
    scriptLoading: 'requirejs',
    docsShots: true,
  },
  {
    name: 'root_endpoint=/splunk behind a proxy, %2F decoded, dark',
    rootEndpoint: '/splunk',
    viaProxy: true,
    encodedPath: 'decode',
    theme: 'dark',
    scriptLoading: 'requirejs',
    docsShots: true,
  },
];

const MODULE_ID = 'app/TA-oci-audit/ta_oci_audit_setup';

for (const mode of MODES)
  describe(`setup pages in a browser (Splunk Web emulator: ${mode.name})`, function () {
    this.timeout(120_000);
    // UPDATE_SCREENSHOTS=1 refreshes the committed docs/screenshots (<shot>-<theme>.png, root_endpoint modes);
    // otherwise every mode writes to git-ignored test-results/
    const SHOTS = screenshotDir(mode.name.replace(/[^A-Za-z0-9]+/g, '-'), mode.docsShots);
    const VIEW = `${mode.rootEndpoint}${SETUP_VIEW}`;
    let bw: BrowserWorld;
    let w: World;
    let web: SplunkWeb;
    let proxy: ReverseProxy | undefined;
    let page: Page;
    let base: string;
    const pageErrors: string[] = [];
    /** every response the page received: URL and body */
    const seen: Array<{ url: string; body: string }> = [];
    const secrets = new Set<string>();

    before(async function () {
      this.timeout(180_000);
      mkdirSync(SHOTS, { recursive: true });
      bw = await startBrowserWorld(
        { regions: 1, compartments: 3, deletedCompartments: 0, eventsPerDay: 3000 },
        { rootEndpoint: mode.rootEndpoint, encodedPath: mode.encodedPath, scriptLoading: mode.scriptLoading, theme: mode.theme },
        (w) => w.splunkd.deleteConf('ta_oci_audit_account', 'main'), // start from an empty Accounts tab
      );
      ({ w, web } = bw);
      proxy = mode.viaProxy ? await startReverseProxy(web.uri, { encodedPath: mode.encodedPath }) : undefined;
      base = proxy?.uri ?? web.uri;
      const context = await bw.browser.newContext({ viewport: { width: 1280, height: 900 } });
      // another Splunk instance's CSRF cookie on the same host, named after the port the browser sees: the page
      // must take the one named after its own Splunk Web port ($C.MRSPARKLE_PORT_NUMBER), not this one
      const decoyPort = proxy?.port ?? web.port + 1;
      await context.addCookies([{ name: `splunkweb_csrf_token_${decoyPort}`, value: 'decoy', domain: '127.0.0.1', path: '/' }]);
      page = watch(await context.newPage(), pageErrors);
      page.on('dialog', (d) => void d.accept());
      page.on('response', (res) => {
        void res
          .text()
          .then((body) => seen.push({ url: res.url(), body }))
          .catch(() => seen.push({ url: res.url(), body: '' })); // redirects have no body
      });
      await logIn(page, `${base}${VIEW}`);
    });
    after(async () => {
      await proxy?.close();
      await bw?.close();
    });
    afterEach(() => assert.deepEqual(pageErrors, [], 'no uncaught errors in the page'));

    const { field, group, button, row } = formLocators(() => page);
    const tab = (name: string): Promise<void> => page.getByRole('tab', { name }).click();
    const shot = (name: string): Promise<Buffer> =>
      page.screenshot({ path: path.join(SHOTS, `${name}-${mode.theme}.png`), fullPage: true });
    const pick = async (selectTest: string, option: string): Promise<void> => {
      await page.locator(`[data-test="${selectTest}"]`).click();
      await page.getByRole('option', { name: option, exact: true }).click();
    };

    it(`the page runs on a RequireJS page (global define.amd), ${mode.scriptLoading === 'requirejs' ? `loaded as module ${MODULE_ID}` : 'loaded by a plain <script>'}, in the user's ${mode.theme} theme`, async () => {
      // evaluated in the page (a string: the test's own tsconfig has no DOM types)
      const env = (await page.evaluate(`(() => {
      const root = document.getElementById('ta-oci-audit-setup');
      const panel = root && root.firstElementChild;
      return {
        amd: typeof window.define === 'function' && typeof window.define.amd === 'object',
        defined: Boolean(window.require && window.require.defined(${JSON.stringify(MODULE_ID)})),
        scheme: root && root.getAttribute('data-color-scheme'),
        background: panel ? getComputedStyle(panel).backgroundColor : '',
      };
    })()`)) as { amd: boolean; defined: boolean; scheme: string | null; background: string };
      assert.equal(env.amd, true, 'RequireJS is on the page');
      assert.equal(env.defined, mode.scriptLoading === 'requirejs', `RequireJS loaded ${MODULE_ID}`);
      assert.equal(env.scheme, mode.theme);
      const [r, g, b] = (/\d+/g.exec(env.background) ? (env.background.match(/\d+/g) ?? []) : []).map(Number);
      const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      assert.ok(mode.theme === 'dark' ? luminance < 80 : luminance > 180, `background ${env.background} fits the ${mode.theme} theme`);
    });

    it('Accounts: adds an account with the key uploaded as a file; the key lands in storage/passwords only', async () => {
      await button('Add account').click();
      await field('name').fill('uiacct');
      // field-level validation while typing: a bad OCID, then the right one
      await field('tenancy_ocid').fill('ocid1.tenancy.oc1..bad!');
      await assertText(group('tenancy_ocid'), 'must be a tenancy OCID');
      await field('tenancy_ocid').fill(w.oci.tenancy.tenancyId);
      assert.doesNotMatch(await group('tenancy_ocid').innerText(), /must be/);
      await field('fingerprint').fill('AA:BB');
      await assertText(group('fingerprint'), '16 colon-separated');
      await field('private_key').fill('-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----');
      await assertText(group('private_key'), 'not valid base64');
      await field('region').fill(w.oci.tenancy.homeRegion);
      await field('user_ocid').fill(w.oci.apiKey.userId);
      await field('fingerprint').fill(w.oci.apiKey.fingerprint);
      await field('private_key').fill('');
      await page
        .locator('input[name="private_key_file"]')
        .setInputFiles({ name: 'oci_api_key.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(w.oci.apiKey.privateKeyPem) });
      for (let i = 0; i < 100 && !(await field('private_key').inputValue()).includes('BEGIN'); i++) await page.waitForTimeout(50);
      assert.equal(
        (await field('private_key').inputValue()).trim(),
        w.oci.apiKey.privateKeyPem.trim(),
        'the uploaded file fills the key field',
      );
      await field('identity_endpoint').fill(w.oci.identityEndpoint);
      await field('audit_endpoint').fill(w.oci.auditEndpoint);
      await shot('accounts-form');
      // Save signs in to OCI first (POST ta_oci_audit/account_check through the proxy), then writes
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'Account "uiacct" saved. Connection OK: 1 READY region(s).');
      await row('uiacct').waitFor();
      await shot('accounts');

      const conf = w.splunkd.getConf('ta_oci_audit_account', 'uiacct');
      assert.deepEqual(conf, {
        auth_type: 'api_key',
        tenancy_ocid: w.oci.tenancy.tenancyId,
        user_ocid: w.oci.apiKey.userId,
        fingerprint: w.oci.apiKey.fingerprint,
        region: w.oci.tenancy.homeRegion,
        identity_endpoint: w.oci.identityEndpoint,
        audit_endpoint: w.oci.auditEndpoint,
      });
      const secret = w.splunkd.passwords().find((p) => p.realm === ACCOUNT_REALM && p.name === 'uiacct');
      assert.ok(secret, 'a storage/passwords entry in the account realm');
      assert.deepEqual(JSON.parse(secret.clear_password), { private_key: w.oci.apiKey.privateKeyPem.trim() + '\n' });
      const keyBody = w.oci.apiKey.privateKeyPem.split('\n')[1];
      for (const line of w.oci.apiKey.privateKeyPem.split('\n').slice(1, -2)) secrets.add(line);
      for (const [file, text] of Object.entries(w.splunkd.confFilesText()))
        assert.ok(!text.includes(keyBody) && !text.includes('PRIVATE KEY'), `no key in ${file}`);
      assert.equal(w.splunkd.getConf('app', 'install')?.is_configured, '1', 'setup marks the app configured');
    });

    it("Accounts: a duplicate name shows splunkd's error verbatim", async () => {
      await button('Add account').click();
      await field('name').fill('uiacct');
      await page.getByRole('radio', { name: 'Instance principal' }).click();
      assert.equal(await field('private_key').count(), 0, 'instance principal hides the key fields');
      assert.equal(await field('user_ocid').count(), 0);
      await field('tenancy_ocid').fill(w.oci.tenancy.tenancyId);
      await field('region').fill(w.oci.tenancy.homeRegion);
      // off OCI the instance principal cannot sign in: the check says so and Save becomes "Save anyway"
      await button('Save').click();
      await assertText(
        page.locator('[data-test="check-result"]'),
        'Connection check failed: the account settings are wrong. instance principal authentication failed',
      );
      await button('Save anyway').click();
      await assertText(page.locator('[data-test="server-error"]'), 'An object with name=uiacct already exists');
      // a change of the form clears splunkd's stale message and the check
      await field('region').fill('us-phoenix-1');
      assert.equal(await page.locator('[data-test="server-error"]').count(), 0, 'stale splunkd error cleared');
      assert.equal(await page.locator('[data-test="check-result"]').count(), 0, 'stale check cleared');
      await button('Save', page).waitFor();
      await button('Cancel').click();
    });

    it('Accounts: editing without re-entering the key keeps the stored key and never shows it', async () => {
      const before = w.splunkd.passwords().find((p) => p.name === 'uiacct')?.clear_password;
      await button('Edit', row('uiacct')).click();
      assert.equal(await field('private_key').inputValue(), '', 'the stored key is not shown back');
      await assertText(group('private_key'), 'A key is stored');
      assert.ok(!(await page.content()).includes(w.oci.apiKey.privateKeyPem.split('\n')[1]), 'key not in the page');
      await field('region').fill('us-phoenix-1');
      await button('Save').click();
      // the tenancy is not in that region: the check fails, "Save anyway" saves
      await assertText(page.locator('[data-test="check-result"]'), 'Connection check failed');
      await button('Save anyway').click();
      await assertText(page.locator('[data-test="notice"]'), 'saved');
      assert.equal(w.splunkd.getConf('ta_oci_audit_account', 'uiacct')?.region, 'us-phoenix-1');
      assert.equal(w.splunkd.passwords().find((p) => p.name === 'uiacct')?.clear_password, before, 'key kept');
      // back to the home region for the run at the end
      await button('Edit', row('uiacct')).click();
      await field('region').fill(w.oci.tenancy.homeRegion);
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'saved');
    });

    it('Accounts: Test connection explains a key that does not match, a missing policy; a failing account is saved only after "Save anyway"', async () => {
      const other = w.oci.addApiKey({ passphrase: 'pass-phrase-1' });
      secrets.add('pass-phrase-1');
      for (const line of other.privateKeyPem.split('\n').slice(2, -2)) secrets.add(line);
      await button('Add account').click();
      await field('name').fill('badkey');
      await field('tenancy_ocid').fill(w.oci.tenancy.tenancyId);
      await field('region').fill(w.oci.tenancy.homeRegion);
      await field('user_ocid').fill(w.oci.apiKey.userId);
      await field('fingerprint').fill(w.oci.apiKey.fingerprint);
      await field('private_key').fill(other.privateKeyPem);
      await field('passphrase').fill('pass-phrase-1');
      await field('identity_endpoint').fill(w.oci.identityEndpoint);
      await field('audit_endpoint').fill(w.oci.auditEndpoint);
      await button('Test connection').click();
      await assertText(
        page.locator('[data-test="check-result"]'),
        'Connection check failed: the key was not accepted. OCI refused the sign-in (401 NotAuthenticated)',
      );
      await assertText(
        page.locator('[data-test="check-result"]'),
        `The private key does not match the fingerprint: the key's fingerprint is ${other.fingerprint}, the account says ${w.oci.apiKey.fingerprint}.`,
      );
      await shot('accounts-check');
      // the right key, but no policy for ListRegionSubscriptions: the statement to add
      w.oci.denyOperation('ListRegionSubscriptions');
      try {
        await field('private_key').fill(w.oci.apiKey.privateKeyPem);
        await button('Test connection').click();
        await assertText(page.locator('[data-test="check-result"]'), 'Connection check failed: a policy is missing.');
        await assertText(page.locator('[data-test="check-statements"]'), 'Allow group <group> to inspect tenancies in tenancy');
        await shot('accounts-check-policy');
        await button('Save anyway').click();
        await assertText(page.locator('[data-test="notice"]'), 'Account "badkey" saved.');
        await assertText(page.locator('[data-test="check-result"]'), 'Connection check failed: a policy is missing.');
        assert.ok(w.splunkd.getConf('ta_oci_audit_account', 'badkey'), 'saved despite the failed check');
      } finally {
        w.oci.allowOperation('ListRegionSubscriptions');
      }
      // with the policy in place, Test connection on the stored account (blank key = the stored key) passes
      await button('Edit', row('badkey')).click();
      await button('Test connection').click();
      await assertText(page.locator('[data-test="check-result"]'), 'Connection OK. Signed in to OCI as user');
      await button('Cancel').click();
      await button('Delete', row('badkey')).click();
      await assertText(page.locator('[data-test="notice"]'), 'Account "badkey" deleted.');
    });

    it('Proxy: settings in the conf file, the password in storage/passwords', async () => {
      await tab('Proxy');
      await page.locator('[data-test="proxy"]').waitFor();
      await page.locator('[data-test="proxy_enabled"]').click();
      await field('proxy_url').fill('proxy.example.com');
      await field('proxy_port').fill('99999');
      await assertText(group('proxy_port'), '1 to 65535');
      await field('proxy_port').fill('3128');
      await field('proxy_username').fill('squid');
      await field('proxy_password').fill('s3cret-proxy');
      secrets.add('s3cret-proxy');
      await shot('proxy');
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'Proxy settings saved.');
      assert.deepEqual(w.splunkd.getConf('ta_oci_audit_settings', 'proxy'), {
        proxy_enabled: '1',
        proxy_type: 'http',
        proxy_url: 'proxy.example.com',
        proxy_port: '3128',
        proxy_username: 'squid',
      });
      const pw = w.splunkd.passwords().find((p) => p.realm === SETTINGS_REALM && p.name === 'proxy');
      assert.deepEqual(JSON.parse(pw?.clear_password ?? '{}'), { proxy_password: 's3cret-proxy' });
      assert.ok(!Object.values(w.splunkd.confFilesText()).some((t) => t.includes('s3cret-proxy')));
      // switch it off again: the OCI emulator is reached directly in the run below
      await page.locator('[data-test="proxy_enabled"]').click();
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'Proxy settings saved.');
      assert.equal(w.splunkd.getConf('ta_oci_audit_settings', 'proxy')?.proxy_enabled, '0');
      assert.ok(
        w.splunkd.passwords().some((p) => p.realm === SETTINGS_REALM && p.name === 'proxy'),
        'blank password keeps the stored one',
      );
    });

    it('Logging: the log level', async () => {
      await tab('Logging');
      await page.locator('[data-test="logging"]').waitFor();
      await pick('loglevel', 'DEBUG');
      await shot('logging');
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'Logging settings saved.');
      assert.equal(w.splunkd.getConf('ta_oci_audit_settings', 'logging')?.loglevel, 'DEBUG');
    });

    it('CSRF: a write through the proxy without X-Splunk-Form-Key is refused', async () => {
      const r = await page.evaluate(async (root) => {
        const res = await fetch(
          `${root}/en-US/splunkd/__raw/servicesNS/nobody/TA-oci-audit/configs/conf-ta_oci_audit_settings/logging?output_mode=json`,
          { method: 'POST', body: 'loglevel=ERROR', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
        );
        return { status: res.status, text: await res.text() };
      }, mode.rootEndpoint);
      assert.equal(r.status, 401);
      assert.match(r.text, /CSRF validation failed/);
      assert.equal(w.splunkd.getConf('ta_oci_audit_settings', 'logging')?.loglevel, 'DEBUG');
    });

    const start = isoMinutesAgo(120);
    it("Inputs: validation while typing, splunkd's --validate-arguments message verbatim, then a created input", async () => {
      // an API key account without a stored key: the pickers cannot list its tenancy and fall back to typed values
      // (an instance principal account would send the REST handler to the instance metadata service)
      w.splunkd.setConf('ta_oci_audit_account', 'ghost', accountConf(w.oci));
      await tab('Inputs');
      await button('Add input').click();
      await field('name').fill('ui_input');
      await pick('account', 'ghost');
      await assertText(group('compartments'), "The tenancy's compartments could not be listed");
      await field('compartments').fill('ocid1.compartment.oc1..nope');
      await assertText(group('compartments'), 'is not a compartment or tenancy OCID');
      await field('compartments').fill('');
      await page.getByRole('button', { name: 'Advanced' }).click(); // start, window and interval are under Advanced
      // interval is left to the app's default, 0 (the running process); each freshness setting shows what it measured
      assert.equal(await field('interval').inputValue(), '');
      assert.equal(await field('interval').getAttribute('placeholder'), '0');
      await assertText(group('interval'), '0 keeps one process running, p50 ~40 s');
      await assertText(group('delay_throttle'), 'running process: p50 ~40 s');
      await assertText(group('lookback_minutes'), '15 lost none of the events');
      await assertText(group('quiet_pair_max_minutes'), '30 measured 31.6 % of one request per pair per minute');
      await assertText(group('reread_every_minutes'), '5 gives p95 ~80 s');
      assert.equal(await field('lookback_minutes').getAttribute('placeholder'), '15');
      await field('start_date_time').fill('2999-01-01T00:00:00Z');
      await assertText(group('start_date_time'), 'is in the future');
      await field('query_window_size').fill('5000');
      await assertText(group('query_window_size'), 'from 1 to 1440');
      await field('query_window_size').fill('30');
      await field('start_date_time').fill(start);
      // an account deleted behind the page's back: the executable's own --validate-arguments message
      await pick('account', 'ghost');
      w.splunkd.deleteConf('ta_oci_audit_account', 'ghost');
      await button('Save').click();
      await assertText(page.locator('[data-test="server-error"]'), 'account: "ghost" does not exist; add it on the Accounts tab first');
      await pick('account', 'uiacct');
      await field('interval').fill('600');
      await page.waitForTimeout(400); // the account menu's close animation
      await shot('inputs-form');
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'Input "ui_input" saved.');
      await row('ui_input').waitFor();
      assert.deepEqual(w.splunkd.getConf('inputs', 'oci_audit://ui_input'), {
        account: 'uiacct',
        start_date_time: start,
        query_window_size: '30',
        interval: '600',
      });
    });

    it('Inputs: edit, clone, disable and enable', async () => {
      await button('Edit', row('ui_input')).click();
      assert.equal(await field('name').count(), 0, 'the name is fixed on edit');
      assert.equal(await field('query_window_size').inputValue(), '30');
      await field('max_concurrency').fill('4');
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'saved');
      assert.equal(w.splunkd.getConf('inputs', 'oci_audit://ui_input')?.max_concurrency, '4');

      await button('Clone', row('ui_input')).click();
      assert.equal(await field('max_concurrency').inputValue(), '4', 'clone copies the values');
      await field('name').fill('ui_clone');
      await button('Save').click();
      await row('ui_clone').waitFor();
      assert.equal(w.splunkd.getConf('inputs', 'oci_audit://ui_clone')?.max_concurrency, '4');

      await row('ui_clone').locator('[data-test="enabled"]').click();
      await assertText(row('ui_clone'), 'Disabled');
      assert.equal(w.splunkd.getConf('inputs', 'oci_audit://ui_clone')?.disabled, '1');
      await shot('inputs');
      await row('ui_clone').locator('[data-test="enabled"]').click();
      await assertText(row('ui_clone'), 'Enabled');
      assert.equal(w.splunkd.getConf('inputs', 'oci_audit://ui_clone')?.disabled, '0');
    });

    it('the input created in the UI runs end to end against the OCI emulator, and deleting it deletes its checkpoints', async () => {
      const params = w.splunkd.getConf('inputs', 'oci_audit://ui_input') ?? {};
      const r = await runInput(w.splunkd, { command: w.command, name: 'ui_input', params, env: TEST_ENV, timeoutMs: 60_000 });
      assert.equal(r.exitCode, 0, r.stderrLines.join('\n'));
      assert.deepEqual(r.streamErrors, []);
      assert.ok(r.events.length > 0, 'events collected');
      const ids = new Set(r.events.map((e) => (JSON.parse(e._raw) as { eventId: string }).eventId));
      assert.equal(ids.size, r.events.length, 'no duplicates');
      const cps = w.checkpoints('ui_input');
      assert.ok(cps.length > 0);
      let expected = 0;
      for (const cp of cps)
        expected += [...w.oci.events(String(cp.region), String(cp.compartment_id), new Date(start), new Date(String(cp.checkpoint)))]
          .length;
      assert.equal(r.events.length, expected, 'every event of the collected windows');
      assert.ok(
        w.splunkd.kvRecords('oci_audit_checkpoints').some((k) => k.input === 'ui_input' && k.type === 'input'),
        'the input record exists',
      );
      await tab('Accounts');
      await tab('Inputs');
      await button('Delete', row('ui_input')).click();
      await assertText(page.locator('[data-test="notice"]'), 'Input "ui_input" and its checkpoints deleted.');
      assert.equal(w.splunkd.getConf('inputs', 'oci_audit://ui_input'), undefined);
      assert.deepEqual(
        w.splunkd.kvRecords('oci_audit_checkpoints').filter((k) => k.input === 'ui_input'),
        [],
        'every KV record of the input is gone',
      );
      assert.ok(w.splunkd.getConf('inputs', 'oci_audit://ui_clone'));
    });

    it('Accounts: an account that inputs use cannot be deleted; delete removes the stanza and its secret', async () => {
      await tab('Accounts');
      await button('Delete', row('uiacct')).click();
      await assertText(
        page.locator('[data-test="server-error"]'),
        'Account "uiacct" is used by input "ui_clone". Delete that input or point it to another account on the Inputs tab first.',
      );
      assert.ok(w.splunkd.getConf('ta_oci_audit_account', 'uiacct'), 'not deleted');
      await tab('Inputs');
      await button('Delete', row('ui_clone')).click();
      await assertText(page.locator('[data-test="notice"]'), 'Input "ui_clone" and its checkpoints deleted.');
      await tab('Accounts');
      await button('Delete', row('uiacct')).click();
      await assertText(page.locator('[data-test="notice"]'), 'Account "uiacct" deleted.');
      assert.equal(w.splunkd.getConf('ta_oci_audit_account', 'uiacct'), undefined);
      assert.ok(!w.splunkd.passwords().some((p) => p.realm === ACCOUNT_REALM && p.name === 'uiacct'));
    });

    it('on a server the add-on has no executable for (Linux aarch64), the page says so in plain words; Windows x86_64 gets none', async () => {
      w.splunkd.setServerInfo({ os_name: 'Linux', cpu_arch: 'aarch64' });
      try {
        await page.reload();
        await assertText(
          page.locator('[data-test="platform-notice"]'),
          'This Splunk server runs Linux (aarch64). TA-oci-audit ships executables only for Linux x86_64, Windows x86_64 and macOS, so here the input does not run',
        );
        w.splunkd.setServerInfo({ os_name: 'Windows', cpu_arch: 'x64' });
        const windows = page.waitForResponse((r) => r.url().includes('/services/server/info'));
        await page.reload();
        await windows;
        await page.locator('[data-test="accounts"]').waitFor();
        await page.waitForTimeout(200); // the answer is rendered
        assert.equal(await page.locator('[data-test="platform-notice"]').count(), 0, 'no notice on Windows x64');
      } finally {
        w.splunkd.setServerInfo({});
      }
      const info = page.waitForResponse((r) => r.url().includes('/services/server/info'));
      await page.reload();
      await info;
      await page.locator('[data-test="accounts"]').waitFor();
      await page.waitForTimeout(200); // the answer is rendered
      assert.equal(await page.locator('[data-test="platform-notice"]').count(), 0, 'no notice on Linux x86_64');
    });

    it('no stored key, passphrase or proxy password reached the browser, and no request path depended on %2F or %23', async () => {
      assert.ok(secrets.size > 20, 'the secrets of this suite are known');
      assert.ok(seen.length > 50, `responses watched: ${seen.length}`);
      for (const r of seen) for (const sec of secrets) assert.ok(!r.body.includes(sec), `a secret reached the browser in ${r.url}`);
      const raw = web.requests().filter((r) => r.target.includes('/splunkd/__raw/'));
      assert.ok(raw.length > 20);
      for (const r of raw) assert.doesNotMatch(r.target.split('?')[0], /%2F|%23/i, `${r.method} ${r.target}`);
      assert.ok(
        raw.every((r) => r.target.startsWith(`${mode.rootEndpoint}/en-US/splunkd/__raw/`)),
        'every REST call under root_endpoint',
      );
      if (proxy) assert.ok(proxy.requests().length >= raw.length, 'the browser went through the reverse proxy');
    });
  });

describe('setup page without window.$C (its fallback): root_endpoint=/splunk from the URL, the CSRF cookie of its own port', function () {
  this.timeout(120_000);
  let bw: BrowserWorld;
  let w: World;
  let web: SplunkWeb;
  let browser: Browser;
  const pageErrors: string[] = [];
  before(async function () {
    this.timeout(180_000);
    bw = await startBrowserWorld(
      { regions: 1, compartments: 1, deletedCompartments: 0, eventsPerDay: 100 },
      { rootEndpoint: '/splunk', pageConfig: false },
    );
    ({ w, web, browser } = bw);
  });
  after(async () => {
    await bw?.close();
  });

  it("lists the accounts and saves a setting, with another instance's CSRF cookie in the browser", async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: `splunkweb_csrf_token_${web.port + 1}`, value: 'decoy', domain: '127.0.0.1', path: '/' }]);
    const page = watch(await context.newPage(), pageErrors);
    await logIn(page, `${web.uri}/splunk${SETUP_VIEW}`);
    assert.equal(await page.evaluate('typeof window.$C'), 'undefined', 'no $C on this page');
    await page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'main', exact: true }) })
      .waitFor();
    await page.getByRole('tab', { name: 'Logging' }).click();
    await page.locator('[data-test="loglevel"]').click();
    await page.getByRole('option', { name: 'WARN', exact: true }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await assertText(page.locator('[data-test="notice"]'), 'Logging settings saved.');
    assert.equal(w.splunkd.getConf('ta_oci_audit_settings', 'logging')?.loglevel, 'WARN');
    const raw = web.requests().filter((r) => r.target.includes('/splunkd/__raw/'));
    assert.ok(raw.length > 0 && raw.every((r) => r.target.startsWith('/splunk/en-US/splunkd/__raw/')), 'REST calls under /splunk');
    assert.deepEqual(pageErrors, []);
  });
});
