// Browser tests' shared pieces (test/e2e/*ui*.test.ts): headless Chromium from
// Debian driven by playwright-core, the setup page's bundle, Splunk Web's login, and a patient text check.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startSplunkWeb, type SplunkWeb, type SplunkWebOptions } from '../emulators/splunkd';
import { ROOT, startWorld, type World, type WorldOptions } from './world';

/** The setup page's view under Splunk Web's root_endpoint (default/data/ui/views/ta_oci_audit_setup.xml). */
export const SETUP_VIEW = '/en-US/app/TA-oci-audit/ta_oci_audit_setup';

let prepared = false;
/**
 * Chromium from apt when missing, and the setup page's bundle into appserver/static (git-ignored; the web
 * build fails on an AMD branch left in it): once per test process.
 */
export function prepareBrowserTests(): void {
  if (prepared) return;
  for (const args of [['-e', "import('./build/dev/setup.mjs').then((m) => m.ensureChromium())"], ['build/package/web.mjs']]) {
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
    assert.equal(r.status, 0, `node ${args.join(' ')}`);
  }
  prepared = true;
}

/** Headless Chromium without its background traffic (the tests watch what the page itself requests). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A browser suite's world: splunkd and OCI emulators, Splunk Web in front of splunkd, and Chromium. */
export interface BrowserWorld {
  w: World;
  web: SplunkWeb;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts a BrowserWorld; `setUp` edits splunkd's configuration before Splunk Web serves it. */
export async function startBrowserWorld(
  tenancy: WorldOptions['tenancy'],
  web: Omit<SplunkWebOptions, 'appDir'> = {},
  setUp?: (w: World) => void,
): Promise<BrowserWorld> {
  prepareBrowserTests();
  const w = await startWorld({ tenancy });
  setUp?.(w);
  const sw = await startSplunkWeb(w.splunkd, { appDir: ROOT, ...web });
  const browser = await launchChromium();
  return {
    w,
    web: sw,
    browser,
    close: async () => {
      await browser.close();
      await sw.close();
      await w.close();
    },
  };
}

/** A page that waits up to 10 s for what a test looks for and records its uncaught errors in `errors`. */
export function watch(page: Page, errors: string[]): Page {
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}

/** Opens the setup page at `url` while logged out: Splunk Web's login page, then back to the page's first tab. */
export async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.fill('#username', 'admin');
  await page.fill('#password', 'changeme');
  await page.click('input[type=submit]');
  await page.waitForSelector('[data-test="accounts"]');
}

/** Waits up to 10 s for `text` in the first element `l` finds (the page re-renders as answers arrive). */
export async function assertText(l: Locator, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    last = (await l.count())
      ? await l
          .first()
          .innerText()
          .catch(() => '')
      : '';
    if (last.includes(text)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`expected "${text}" in: ${last}`);
}

/** The setup page's parts by what a test names them (`page` is read when a locator is made: suites open it in `before`). */
export interface FormLocators {
  /** an input by its `name` */
  field(name: string): Locator;
  /** a field's ControlGroup (`data-test-field`) */
  group(name: string): Locator;
  button(name: string, scope?: Page | Locator): Locator;
  /** the table row with a cell that says `name` */
  row(name: string): Locator;
}

export function formLocators(page: () => Page): FormLocators {
  return {
    field: (name) => page().locator(`[name="${name}"]`),
    group: (name) => page().locator(`[data-test-field="${name}"]`),
    button: (name, scope = page()) => scope.getByRole('button', { name, exact: true }),
    row: (name) =>
      page()
        .getByRole('row')
        .filter({ has: page().getByRole('cell', { name, exact: true }) }),
  };
}

/** Where a suite's screenshots go: docs/screenshots with UPDATE_SCREENSHOTS=1 (when `toDocs`), else git-ignored test-results/screenshots/<name>. */
export function screenshotDir(name: string, toDocs = true): string {
  return process.env.UPDATE_SCREENSHOTS && toDocs
    ? path.join(ROOT, 'docs', 'screenshots')
    : path.join(ROOT, 'test-results', 'screenshots', name);
}
