// The Inputs form's essentials, event rules and estimate in a real browser (headless Chromium, playwright-core)
// against the Splunk Web + splunkd emulators and the REST handler (the executable under test): regions and
// compartments picked by name from the tenancy's own lists and saved as identifiers, the rule editor (add,
// reorder, remove, the preset, a bad rule refused with the rule named), and the estimate. Once in the
// light and once in the dark theme, under root_endpoint=/splunk; the committed screenshots come from here.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
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

for (const theme of ['light', 'dark'] as const)
  describe(`Inputs form: essentials, event rules and the estimate in a browser (${theme})`, function () {
    this.timeout(120_000);
    const SHOTS = screenshotDir(`rules-${theme}`);
    let bw: BrowserWorld;
    let page: Page;
    const pageErrors: string[] = [];

    before(async function () {
      this.timeout(180_000);
      mkdirSync(SHOTS, { recursive: true });
      bw = await startBrowserWorld(
        { regions: 3, compartments: 6, deletedCompartments: 1, eventsPerDay: 3000 },
        { rootEndpoint: '/splunk', theme },
        (w) => {
          // an account whose API key OCI does not know: the pickers fall back to typed values and say why
          const main = w.splunkd.getConf('ta_oci_audit_account', 'main') ?? {};
          w.splunkd.setConf('ta_oci_audit_account', 'stranger', {
            ...main,
            fingerprint: '00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff',
          });
          w.splunkd.setPassword(
            '__REST_CREDENTIAL__#TA-oci-audit#configs/conf-ta_oci_audit_account',
            'stranger',
            JSON.stringify({ private_key: w.oci.apiKey.privateKeyPem }),
          );
        },
      );
      page = watch(await bw.browser.newPage({ viewport: { width: 1280, height: 900 } }), pageErrors);
      page.on('dialog', (d) => void d.accept());
      await logIn(page, `${bw.web.uri}/splunk${SETUP_VIEW}`);
    });
    after(async () => {
      await bw?.close();
    });
    afterEach(() => assert.deepEqual(pageErrors, [], 'no uncaught errors in the page'));

    const { button, row } = formLocators(() => page);
    const shot = (name: string, l?: Locator): Promise<Buffer> =>
      (l ?? page).screenshot({ path: path.join(SHOTS, `${name}-${theme}.png`), ...(l ? {} : { fullPage: true }) });
    const rulesText = (): Promise<string> => page.locator('[data-test="rules-text"]').innerText();
    const ruleRow = (n: number): Locator => page.locator(`[data-test-rule="${n}"]`);
    /** picks the option whose value is `value` from a row's Select */
    const choose = async (scope: Locator, select: string, value: string): Promise<void> => {
      await scope.locator(`[data-test="${select}"]`).first().click();
      await page.locator(`[role="option"][data-test-value="${value}"]`).click();
    };
    /** picks the option of a Multiselect picker whose value is `value`, after checking that it shows `label` */
    const pickFrom = async (picker: string, value: string, label: string): Promise<void> => {
      await page.locator(`[data-test="picker-${picker}"]`).click();
      const option = page.locator(`[role="option"][data-test-value="${value}"]`);
      assert.match(await option.innerText(), new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`));
      await option.click();
      await page.keyboard.press('Escape');
    };

    it("regions and compartments are picked by name from the tenancy's lists (compartments by path) and saved as identifiers", async () => {
      const { tenancy } = bw.w.oci;
      await page.getByRole('tab', { name: 'Inputs' }).click();
      await button('Add input').click();
      await page.locator('[name="name"]').fill('rules_input');
      await page.locator('[data-test="account"]').click();
      await page.getByRole('option', { name: 'stranger', exact: true }).click();
      await assertText(page.locator('[data-test="lists-failed"]').first(), 'OCI rejected the request signature (401');
      await page.locator('[data-test="account"]').click();
      await page.getByRole('option', { name: 'main', exact: true }).click();
      await page.locator('[data-test="picker-regions"]').waitFor();

      const ready = tenancy.regions.filter((r) => r.status === 'READY').map((r) => r.regionName);
      await pickFrom('regions', ready[1], ready[1]);
      // compartments are shown by their path, parent/child
      const byId = new Map(tenancy.compartments.map((c) => [c.id, c]));
      const pathOf = (id: string): string => {
        const c = byId.get(id);
        return c ? (byId.has(c.compartmentId) ? `${pathOf(c.compartmentId)}/${c.name}` : c.name) : '';
      };
      const child = tenancy.compartments.find((c) => c.lifecycleState === 'ACTIVE' && byId.has(c.compartmentId));
      const top = tenancy.compartments.find((c) => c.lifecycleState === 'ACTIVE' && c.compartmentId === tenancy.tenancyId);
      assert.ok(child && top, 'the emulated tenancy has a nested compartment');
      assert.match(pathOf(child.id), /\//);
      await pickFrom('compartments', top.id, top.name);
      await pickFrom('compartments', child.id, pathOf(child.id));
      // a typed OCID is still accepted: a DELETED compartment is not in the list (only ACTIVE ones are)
      const deleted = tenancy.compartments.find((c) => c.lifecycleState === 'DELETED');
      assert.ok(deleted);
      await page.getByRole('button', { name: 'Advanced' }).click();
      await page.locator('[data-test="picker-exclude_compartments"]').click();
      await page.keyboard.type(deleted.id);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Advanced' }).click();
      await page.locator('[name="index"]').fill('oci_audit');
      await page.waitForTimeout(300);
      await shot('inputs-essentials');
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'Input "rules_input" saved.');
      const conf = bw.w.splunkd.getConf('inputs', 'oci_audit://rules_input') ?? {};
      assert.equal(conf.regions, ready[1]);
      assert.equal(conf.compartments, `${top.id},${child.id}`);
      assert.equal(conf.exclude_compartments, deleted.id);
      assert.equal(conf.account, 'main');
    });

    it('the rule editor adds, reorders and removes rules and picks the preset; the rows are the event_rules text', async () => {
      await button('Edit', row('rules_input')).click();
      await page.locator('[data-test="no-rules"]').waitFor();
      await button('Add rule').click();
      await ruleRow(1).locator('[name="rule-1-value-1"]').fill('ListBuckets,ListObjects');
      assert.equal(await rulesText(), 'drop name=ListBuckets,ListObjects');
      await button('Add rule').click();
      await choose(ruleRow(2), 'decision', 'index');
      await choose(ruleRow(2), 'field', 'status');
      await ruleRow(2).locator('[name="rule-2-value-1"]').fill('401,403,404');
      assert.equal(await rulesText(), 'drop name=ListBuckets,ListObjects ; index status=401,403,404');
      await button('Move rule 2 up').click();
      assert.equal(await rulesText(), 'index status=401,403,404 ; drop name=ListBuckets,ListObjects');
      await button('Add rule').click();
      await choose(ruleRow(3), 'decision', 'route');
      await ruleRow(3).locator('[name="rule-3-index"]').fill('oci_cheap');
      await choose(ruleRow(3), 'op', '~');
      await ruleRow(3).locator('[name="rule-3-value-1"]').fill('^List');
      assert.equal(await rulesText(), 'index status=401,403,404 ; drop name=ListBuckets,ListObjects ; route:oci_cheap name~^List');
      await button('Remove rule 2').click();
      assert.equal(await rulesText(), 'index status=401,403,404 ; route:oci_cheap name~^List');
      await button('Add preset read_only').click();
      assert.equal(await rulesText(), 'preset:read_only route:oci_audit_reads ; index status=401,403,404 ; route:oci_cheap name~^List');
      await assertText(page.locator('[data-test="preset-keeps"]'), 'It keeps (indexes)');
      await choose(ruleRow(1), 'decision', 'drop');
      assert.equal(await rulesText(), 'preset:read_only drop ; index status=401,403,404 ; route:oci_cheap name~^List');
      await choose(ruleRow(1), 'decision', 'route');
      await ruleRow(1).locator('[name="rule-1-index"]').fill('oci_audit_reads');
      // routed to indexes this Splunk server does not define (its data/indexes answers 404): said before Save
      await assertText(
        page.locator('[data-test="route-index-missing"]'),
        '"oci_audit_reads", "oci_cheap" are not defined on this Splunk server',
      );
      await page.locator('[data-test="preset-keeps"] summary').click();
      await page.waitForTimeout(300);
      await shot('rules-editor', page.locator('[data-test="rules-section"]'));
      await button('Save').click();
      await assertText(page.locator('[data-test="notice"]'), 'saved');
      assert.equal(
        bw.w.splunkd.getConf('inputs', 'oci_audit://rules_input')?.event_rules,
        'preset:read_only route:oci_audit_reads ; index status=401,403,404 ; route:oci_cheap name~^List',
      );
      await assertText(row('rules_input'), '3 rules');
    });

    it('a bad rule is refused with the rule named; a hand-written text the rows cannot show is edited as text', async () => {
      await button('Edit', row('rules_input')).click();
      await ruleRow(3).locator('[name="rule-3-value-1"]').fill('(unclosed');
      await assertText(page.locator('[data-test="rule-problem"]'), 'rule 3');
      assert.match(await page.locator('[data-test="rule-problem"]').first().innerText(), /not a valid regular expression/);
      await button('Save').click();
      await page.waitForTimeout(300);
      assert.equal(
        bw.w.splunkd.getConf('inputs', 'oci_audit://rules_input')?.event_rules,
        'preset:read_only route:oci_audit_reads ; index status=401,403,404 ; route:oci_cheap name~^List',
        'not saved',
      );
      await button('Cancel').click();
      bw.w.splunkd.setConf('inputs', 'oci_audit://hand_written', { account: 'main', event_rules: 'drop nme=GetObject' });
      await page.getByRole('tab', { name: 'Accounts' }).click();
      await page.getByRole('tab', { name: 'Inputs' }).click();
      const hand = row('hand_written');
      await button('Edit', hand).click();
      await page.locator('[data-test="rules-as-text"]').waitFor();
      assert.equal(await page.locator('textarea[name="event_rules"]').inputValue(), 'drop nme=GetObject');
      await assertText(page.locator('[data-test="rule-problem"]'), 'rule 1');
      await page.locator('textarea[name="event_rules"]').fill('drop name=GetObject');
      await button('Edit as rows').click();
      assert.equal(await ruleRow(1).locator('[name="rule-1-value-1"]').inputValue(), 'GetObject');
      await button('Cancel').click();
    });

    it("a compartment condition is picked from the tenancy's compartments by path (as the engine matches it)", async () => {
      const { tenancy } = bw.w.oci;
      const byId = new Map(tenancy.compartments.map((c) => [c.id, c]));
      const pathOf = (id: string): string => {
        const c = byId.get(id);
        return c ? (byId.has(c.compartmentId) ? `${pathOf(c.compartmentId)}/${c.name}` : c.name) : '';
      };
      const child = tenancy.compartments.find((c) => c.lifecycleState === 'ACTIVE' && byId.has(c.compartmentId));
      assert.ok(child);
      await button('Edit', row('rules_input')).click();
      await button('Add rule').click();
      await choose(ruleRow(4), 'field', 'compartment');
      await ruleRow(4).locator('[data-test="rule-4-choices-1"]').click();
      await page.locator(`[role="option"][data-test-value="${pathOf(child.id)}"]`).click();
      await page.keyboard.press('Escape');
      assert.match(await rulesText(), new RegExp(` ; drop compartment=${pathOf(child.id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      assert.deepEqual(await page.locator('[data-test="rule-problem"]').allInnerTexts(), [], 'the engine accepts a path');
      await button('Cancel').click();
    });

    it('the estimate shows events/day and GB/day indexed, routed and dropped, per rule, and what it read', async () => {
      await button('Edit', row('rules_input')).click();
      const answer = page.waitForResponse((r) => r.url().includes('/ta_oci_audit/estimate'), { timeout: 30_000 });
      await button('Estimate').click();
      const res = await answer;
      assert.equal(res.status(), 200);
      const e = (await res.json()) as {
        events: number;
        decisions: Record<'index' | 'route' | 'drop', { events: number; eventsPerDay: number }>;
        rules: Array<{ label: string; events: number }>;
      };
      await page.locator('[data-test="estimate-result"]').waitFor();
      await assertText(page.locator('[data-test="estimate-read"]'), 'of the last 24 hours');
      // the table shows the endpoint's numbers: per decision and per rule (the last cell is the events in the span)
      const cells = async (key: string): Promise<string[]> => page.locator(`[data-test-estimate-row="${key}"] td`).allInnerTexts();
      const n = (t: string | undefined): number => Number((t ?? '').replace(/,/g, ''));
      for (const k of ['index', 'route', 'drop'] as const) {
        const c = await cells(k);
        assert.equal(n(c[3]), e.decisions[k].events, `${k} events`);
        assert.equal(n(c[1]), Math.round(e.decisions[k].eventsPerDay), `${k} events/day`);
      }
      assert.equal(e.decisions.index.events + e.decisions.route.events + e.decisions.drop.events, e.events);
      assert.ok(e.decisions.route.events > 0, "the preset routes the emulated tenancy's reads");
      assert.equal(await page.locator('[data-test-estimate-row^="rule-"]').count(), e.rules.length, 'one row per rule');
      for (const [i, r] of e.rules.entries()) assert.match((await cells(`rule-${i + 1}`))[0], new RegExp(`^${r.label}:`));
      assert.equal(await page.locator('[data-test-estimate-row="unmatched"]').count(), 1);
      await page.waitForTimeout(300);
      await shot('rules-estimate', page.locator('[data-test="rules-section"]'));
      await button('Cancel').click();
    });
  });
