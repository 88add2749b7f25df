// node build/dev/render-views.mjs: renders each Simple XML view of default/data/ui/views as a static HTML
// LAYOUT (rows, panels, titles, visualization type, search text) and screenshots it with headless
// Chromium into docs/dashboard-<view>.png. It is not Splunk: no data, no charts, just the structure.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const views = path.join(root, 'default', 'data', 'ui', 'views');
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: () => true, trimValues: true });
const kids = (n, tag) => n?.[tag] ?? [];
const text = (n) => {
  if (typeof n === 'string' || typeof n === 'number') return String(n);
  const t = n?.['#text'];
  return String((Array.isArray(t) ? t[0] : t) ?? '');
};
const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function html(file) {
  const doc = parser.parse(readFileSync(path.join(views, file), 'utf8'));
  const top = kids(doc, 'form')[0] ?? kids(doc, 'dashboard')[0];
  const inputs = kids(kids(top, 'fieldset')[0], 'input')
    .map((i) => `<span class="input">${esc(text(kids(i, 'label')[0]))} <i>(${i['@type'][0]}, $${i['@token'][0]}$)</i></span>`)
    .join('');
  const rows = kids(top, 'row')
    .map(
      (r) =>
        `<div class="row">${kids(r, 'panel')
          .map((p) => {
            const viz = ['chart', 'table', 'single', 'event'].flatMap((v) => kids(p, v).map((x) => [v, x]));
            return `<div class="panel"><h3>${esc(text(kids(p, 'title')[0]))}</h3>${viz
              .map(([v, x]) => {
                const type = v === 'chart' ? `chart: ${text(kids(x, 'option').find((o) => o['@name'][0] === 'charting.chart'))}` : v;
                return `<div class="viz">${esc(type)}</div><pre>${esc(text(kids(kids(x, 'search')[0], 'query')[0]))}</pre>`;
              })
              .join('')}</div>`;
          })
          .join('')}</div>`,
    )
    .join('');
  return `<!doctype html><meta charset="utf-8"><style>
body{font:13px sans-serif;margin:16px;background:#f2f4f5;width:1400px}
.banner{background:#c74634;color:#fff;padding:6px 10px;font-weight:bold}
h1{font-size:22px;margin:10px 0 4px}.desc{color:#555;margin-bottom:8px}
.input{display:inline-block;border:1px solid #aaa;background:#fff;padding:4px 8px;margin-right:8px}
.row{display:flex;gap:10px;margin-top:10px}.panel{flex:1;background:#fff;border:1px solid #ccc;padding:8px;min-width:0}
h3{margin:0 0 6px;font-size:14px}.viz{display:inline-block;background:#e1e6eb;padding:2px 6px;font-size:11px;margin-bottom:4px}
pre{white-space:pre-wrap;word-break:break-all;font-size:11px;background:#fafafa;border:1px dashed #ccc;padding:6px;margin:0}
</style><div class="banner">Layout rendering of ${esc(file)} (Simple XML) — NOT Splunk: no data, panels show their search</div>
<h1>${esc(text(kids(top, 'label')[0]))}</h1><div class="desc">${esc(text(kids(top, 'description')[0]))}</div><div>${inputs}</div>${rows}`;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  mkdirSync(path.join(root, 'docs'), { recursive: true });
  for (const file of readdirSync(views)
    .filter((f) => f.endsWith('.xml'))
    .sort()) {
    const page = await browser.newPage({ viewport: { width: 1432, height: 900 } });
    await page.setContent(html(file));
    const out = path.join(root, 'docs', `dashboard-${file.replace(/\.xml$/, '')}.png`);
    await page.screenshot({ path: out, fullPage: true });
    console.log(`render-views: ${path.relative(root, out)}`);
    await page.close();
  }
} finally {
  await browser.close();
}
