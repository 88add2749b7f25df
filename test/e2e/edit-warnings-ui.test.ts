// The Inputs tab tells, before Save, what an edit of a running input does where it is not exactly-once
// (docs/contract.md "What an edit does"), in a real browser against the Splunk Web + splunkd emulators.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { logIn, SETUP_VIEW, startBrowserWorld, watch, type BrowserWorld, formLocators } from '../support/browser';

describe('Inputs tab: edit warnings in a browser (Splunk Web emulator)', function () {
  this.timeout(120_000);
  let bw: BrowserWorld;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    this.timeout(180_000);
    bw = await startBrowserWorld({ regions: 1, compartments: 1, deletedCompartments: 0, eventsPerDay: 1000 }, {}, (w) =>
      w.splunkd.setConf('inputs', 'oci_audit://running', { account: 'main', lookback_minutes: '60', partition: '0/1' }),
    );
    page = watch(await bw.browser.newPage({ viewport: { width: 1280, height: 900 } }), pageErrors);
    await logIn(page, `${bw.web.uri}${SETUP_VIEW}`);
  });
  after(async () => {
    await bw?.close();
  });

  const { field, row } = formLocators(() => page);
  const warnings = (): Promise<string[]> => page.locator('[data-test="edit-warning"]').allInnerTexts();
  /** The page re-renders as the admin types: wait until it shows `n` warnings. */
  const shown = async (n: number): Promise<string[]> => {
    for (let i = 0; i < 100; i++) {
      const got = await warnings();
      if (got.length === n) return got;
      await page.waitForTimeout(50);
    }
    assert.fail(`expected ${n} warnings, got: ${(await warnings()).join(' | ')}`);
  };

  it('raising lookback and changing the partition each show one sentence before Save; undoing them removes it', async () => {
    await page.getByRole('tab', { name: 'Inputs' }).click();
    await row('running').getByRole('button', { name: 'Edit', exact: true }).click();
    await field('max_concurrency').fill('4');
    assert.deepEqual(await warnings(), [], 'concurrency is exactly-once as it is');
    await field('lookback_minutes').fill('240');
    assert.deepEqual(await shown(1), [
      'Lookback grows from 60 to 240 minutes gradually: the input re-reads only times whose event IDs it remembers, so late events more than 60 minutes before the next run are not collected.',
    ]);
    await field('partition').fill('0/2');
    assert.match((await shown(2))[1], /^Changing the partition moves regions and compartments between inputs/);
    await field('lookback_minutes').fill('60');
    await field('partition').fill('0/1');
    await shown(0);
    await field('lookback_minutes').fill('240');
    await shown(1);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('[data-test="notice"]').waitFor();
    assert.equal(bw.w.splunkd.getConf('inputs', 'oci_audit://running')?.lookback_minutes, '240');
    assert.deepEqual(pageErrors, []);
  });
});
