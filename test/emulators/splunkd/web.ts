// Splunk Web emulator for the setup pages: login, app views, static files and the splunkd proxy, served
// as Splunk Web serves a Simple XML dashboard. Sources in one-line comments next to each behaviour.
//  - root_endpoint (web.conf.spec: "the URI path prefix that Splunk Web uses"): every route below lives
//    under it, e.g. /splunk/en-US/app/…; default none.
//  - window.$C with SPLUNKD_PATH, MRSPARKLE_ROOT_PATH, LOCALE, MRSPARKLE_PORT_NUMBER, BUILD_NUMBER,
//    BUILD_PUSH_NUMBER, APP_BUILD, USERNAME, VERSION_LABEL: the keys @splunk/splunk-utils 3.4.0 config.js
//    reads from it ("If window.$C isn't defined, most of the values on this page are also undefined").
//  - the real RequireJS (npm requirejs 2.3.8, require.js) on every dashboard page, so a global `define`
//    with `define.amd` exists; the view's script= is loaded as module app/<app>/<file> with baseUrl
//    <root>/<locale>/static/js and paths app = ../app (the RequireJS config of a public Splunk app,
//    suyongxin4/iwork appserver/static/js/profiles/app.js, built from $C the same way), or, in
//    scriptLoading 'script-tag', by a plain <script> on that same page.
//  - the user's theme through Splunk Web's theme API static/build/api/get_theme.js, which must set
//    window.__get_theme__.getTheme() (@splunk/splunk-utils themes.js getUserTheme / getThemeApi).
//  - cookies splunkd_<port> and splunkweb_csrf_token_<port> named after Splunk Web's own port
//    (@splunk/splunk-utils config.js getCSRFToken: "splunkweb_csrf_token_" + $C.MRSPARKLE_PORT_NUMBER),
//    also when the browser reaches it through a reverse proxy on another port (reverse-proxy.ts).
//  - the splunkd proxy <root>/<locale>/splunkd/__raw/<splunkd path> (splunk-sdk 2.0.2
//    lib/platform/client/proxy_http.js; @splunk/splunk-utils url.js createRESTURL), writes need
//    X-Splunk-Form-Key = the CSRF cookie (splunk-utils fetch.js getDefaultFetchInit); encoded path
//    characters passed or decoded (encoded-path.ts).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parseConf } from './conf';
import { forwardTarget, type EncodedPathMode } from './encoded-path';
import type { Splunkd } from './types';

export type ThemeName = 'light' | 'dark';

export interface SplunkWebOptions {
  /** the add-on source tree: default/data/ui/views/*.xml and appserver/static/ */
  appDir: string;
  port?: number;
  /** web.conf root_endpoint, e.g. '/splunk'; default none */
  rootEndpoint?: string;
  /** how the splunkd proxy treats %2F, %23 … in a path; default 'pass' */
  encodedPath?: EncodedPathMode;
  /** how a view's script= reaches the page; default 'requirejs' (Splunk Web's way) */
  scriptLoading?: 'requirejs' | 'script-tag';
  /** the logged-in user's theme; default 'light' */
  theme?: ThemeName;
  /** false: a page without window.$C, to try a page's fallback (Splunk Web itself always sets it) */
  pageConfig?: boolean;
}

export interface SplunkWebRequest {
  method: string;
  /** the request-target as received, percent-encoding intact */
  target: string;
  status: number;
}

export interface SplunkWeb {
  /** http://127.0.0.1:<port> */
  uri: string;
  port: number;
  /** '' or e.g. '/splunk' */
  rootEndpoint: string;
  /** Cookie names this instance sets: splunkd_<port> (session key), splunkweb_csrf_token_<port>. */
  sessionCookie: string;
  csrfCookie: string;
  setTheme(theme: ThemeName): void;
  requests(): SplunkWebRequest[];
  close(): Promise<void>;
}

/** Assumed build identifiers (a real one looks like a1a6394cc5ae: server/info `build` in a captured 8.0.5 answer). */
const BUILD_NUMBER = 'a1a6394cc5ae';
const BUILD_PUSH_NUMBER = 0;
const APP_BUILD = 1;
const VERSION_LABEL = '9.2.1';
const REQUIRE_JS = require.resolve('requirejs/require.js');

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=UTF-8',
  '.css': 'text/css; charset=UTF-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=UTF-8',
  '.json': 'application/json',
};

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON safe inside a <script> element */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

function cookies(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function splunkdRequest(
  splunkd: Splunkd,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const r = https.request(`${splunkd.serverUri}${pathAndQuery}`, { method, headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

/** Roots of splunkd's built-in endpoints the emulated pages use; Splunk's own etc/system/default/web.conf exposes
 * these (assumption: only the ones this emulator serves are listed). */
const BUILT_IN_ROOTS = new Set(['configs', 'storage', 'data', 'apps', 'server', 'authentication', 'auth']);

// web.conf [expose:<name>] pattern = a/b/c matches /services/a/b/c and /servicesNS/<owner>/<app>/a/b/c; in a
// pattern "*" is one path element, "**" any number, "x*" a prefix; methods = comma list (web.conf.spec).
export function exposeMatches(pattern: string, restPath: string[]): boolean {
  const p = pattern.split('/').filter(Boolean);
  const m = (i: number, j: number): boolean => {
    if (i === p.length) return j === restPath.length;
    if (p[i] === '**') return Array.from({ length: restPath.length - j + 1 }, (_, k) => j + k).some((k) => m(i + 1, k));
    if (j === restPath.length) return false;
    const ok = p[i] === '*' || p[i] === restPath[j] || (p[i].endsWith('*') && restPath[j].startsWith(p[i].slice(0, -1)));
    return ok && m(i + 1, j + 1);
  };
  return m(0, 0);
}

interface PageContext {
  root: string;
  locale: string;
  app: string;
  port: number;
  user: string;
  scriptLoading: 'requirejs' | 'script-tag';
  theme: ThemeName;
  pageConfig: boolean;
}

/** A Simple XML view: its <html> panels, stylesheet= links and script= files (Simple XML reference: dashboard
 * script and stylesheet attributes, files from the app's appserver/static). */
function renderView(xml: string, c: PageContext): string {
  const attrs = /<(dashboard|form)\b([^>]*)>/.exec(xml)?.[2] ?? '';
  const files = (name: string): string[] =>
    (new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const label = /<label>([\s\S]*?)<\/label>/.exec(xml)?.[1] ?? c.app;
  const panels = [...xml.matchAll(/<html>([\s\S]*?)<\/html>/g)].map((m) => m[1]);
  const base = `${c.root}/${c.locale}`;
  const appStatic = `${base}/static/@${BUILD_NUMBER}:${APP_BUILD}/app/${encodeURIComponent(c.app)}`;
  const $C = {
    SPLUNKD_PATH: `${base}/splunkd/__raw`,
    MRSPARKLE_ROOT_PATH: c.root,
    LOCALE: c.locale,
    MRSPARKLE_PORT_NUMBER: String(c.port),
    BUILD_NUMBER,
    BUILD_PUSH_NUMBER,
    APP_BUILD,
    USERNAME: c.user,
    VERSION_LABEL,
  };
  const links = files('stylesheet').map(
    (s) => `<link rel="stylesheet" href="${appStatic}/${s.split('/').map(encodeURIComponent).join('/')}">`,
  );
  const modules = files('script').map((s) => `app/${c.app}/${s.replace(/\.js$/, '')}`);
  const load =
    c.scriptLoading === 'requirejs'
      ? `<script>require(${scriptJson(modules)});</script>`
      : files('script')
          .map((s) => `<script src="${appStatic}/${s.split('/').map(encodeURIComponent).join('/')}"></script>`)
          .join('\n');
  const dark = c.theme === 'dark';
  return `<!doctype html>
<html lang="${c.locale}"><head><meta charset="utf-8"><title>${escapeHtml(label)} | Splunk</title>
${links.join('\n')}
${c.pageConfig ? `<script>window.$C = ${scriptJson($C)};</script>` : ''}
<script src="${base}/static/@${BUILD_NUMBER}/js/require.js"></script>
<script>require.config({ baseUrl: ${scriptJson(`${base}/static/@${BUILD_NUMBER}/js`)}, paths: { app: '../app' }, enforceDefine: false });</script>
</head>
<body style="margin:0;background:${dark ? '#171d21' : '#f2f4f5'};color:${dark ? '#fff' : '#3c444d'}">
<header style="background:#1a1c20;color:#fff;padding:8px 16px;font-family:sans-serif">splunk&gt; ${escapeHtml(c.app)}</header>
<div class="dashboard-body">${panels.join('\n')}</div>
${load}
</body></html>
`;
}

export async function startSplunkWeb(splunkd: Splunkd, o: SplunkWebOptions): Promise<SplunkWeb> {
  const log: SplunkWebRequest[] = [];
  const root = (o.rootEndpoint ?? '').replace(/\/+$/, '');
  if (root !== '' && !/^(\/[A-Za-z0-9_.-]+)+$/.test(root)) throw new Error(`rootEndpoint "${o.rootEndpoint}" is not a path like /splunk`);
  let theme: ThemeName = o.theme ?? 'light';
  let port = 0;
  const names = (): { session: string; csrf: string } => ({ session: `splunkd_${port}`, csrf: `splunkweb_csrf_token_${port}` });

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const target = req.url ?? '/';
    const url = new URL(target, 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const reply = (status: number, body: string | Buffer, headers: Record<string, string | string[]> = {}): void => {
      log.push({ method, target, status });
      res.writeHead(status, { 'Content-Type': 'text/html; charset=UTF-8', ...headers });
      res.end(body);
    };
    const body = await readBody(req);
    if (url.pathname === '/' || url.pathname === root || url.pathname === `${root}/`)
      return reply(303, '', { Location: `${root}/en-US/app/launcher/home` });
    if (root && !url.pathname.startsWith(`${root}/`)) return reply(404, 'Not found');
    const rawSegs = url.pathname.slice(root.length).split('/').filter(Boolean);
    const seg = rawSegs.map(decodeURIComponent);
    const locale = seg[0] ?? 'en-US';
    const base = `${root}/${locale}`;
    const jar = cookies(req);
    const sessionKey = jar[names().session];

    // login form; a successful POST sets the session and CSRF cookies (splunkweb account/login)
    if (seg[1] === 'account' && seg[2] === 'login') {
      const returnTo = url.searchParams.get('return_to') ?? `${base}/app/launcher/home`;
      if (method === 'POST') {
        const f = new URLSearchParams(body.toString('utf8'));
        const r = await splunkdRequest(
          splunkd,
          'POST',
          '/services/auth/login?output_mode=json',
          { 'Content-Type': 'application/x-www-form-urlencoded' },
          Buffer.from(new URLSearchParams({ username: f.get('username') ?? '', password: f.get('password') ?? '' }).toString()),
        );
        if (r.status === 200) {
          const key = (JSON.parse(r.body.toString('utf8')) as { sessionKey: string }).sessionKey;
          const to = f.get('return_to') || returnTo;
          return reply(303, '', {
            Location: to.startsWith('/') ? to : `${base}/app/launcher/home`,
            'Set-Cookie': [
              `${names().session}=${encodeURIComponent(key)}; Path=/; HttpOnly; SameSite=Strict`,
              `${names().csrf}=${randomBytes(16).toString('hex')}; Path=/; SameSite=Strict`,
            ],
          });
        }
        return reply(401, loginPage(base, returnTo, 'Invalid username or password.'));
      }
      return reply(200, loginPage(base, returnTo));
    }
    // app views: <root>/<locale>/app/<app>/<view> (splunk-app-examples setup_page_simple: /app/<app>/<setup_view>)
    if (seg[1] === 'app' && seg.length === 4) {
      if (!sessionKey)
        return reply(303, '', { Location: `${base}/account/login?return_to=${encodeURIComponent(url.pathname + url.search)}` });
      if (seg[2] !== splunkd.app) return reply(404, 'App not found');
      const file = path.join(o.appDir, 'default', 'data', 'ui', 'views', `${seg[3]}.xml`);
      if (!/^[A-Za-z0-9_.-]+$/.test(seg[3]) || !fs.existsSync(file)) return reply(404, 'View not found');
      const page = renderView(fs.readFileSync(file, 'utf8'), {
        root,
        locale,
        app: seg[2],
        port,
        user: 'admin',
        scriptLoading: o.scriptLoading ?? 'requirejs',
        theme,
        pageConfig: o.pageConfig ?? true,
      });
      return reply(200, page);
    }
    // <root>/<locale>/static/[@<build>[.<push>][:<app build>]/]… (cache buster: splunk-utils url.js insertCacheBuster)
    if (seg[1] === 'static') {
      const rest = seg.slice(2).filter((s, i) => !(i === 0 && s.startsWith('@')));
      const file = (f: string, type: string): void => reply(200, fs.readFileSync(f), { 'Content-Type': type, 'Cache-Control': 'no-store' });
      if (rest.join('/') === 'js/require.js') return file(REQUIRE_JS, TYPES['.js']);
      // Splunk Web's theme API: getTheme() resolves the user's theme name (splunk-utils themes.js getUserTheme)
      if (rest.join('/') === 'build/api/get_theme.js')
        return reply(200, `window.__get_theme__ = { getTheme: function () { return Promise.resolve(${scriptJson(theme)}); } };\n`, {
          'Content-Type': TYPES['.js'],
          'Cache-Control': 'no-store',
        });
      // static files of an app: static/app/<app>/<file> ← <app>/appserver/static/<file> (Splunk Web static routes)
      if (rest[0] === 'app' && rest[1] === splunkd.app && rest.length > 2) {
        const dir = path.join(o.appDir, 'appserver', 'static');
        const f = path.resolve(dir, ...rest.slice(2));
        if (!f.startsWith(dir + path.sep) || !fs.existsSync(f) || !fs.statSync(f).isFile()) return reply(404, 'Not found');
        return file(f, TYPES[path.extname(f)] ?? 'application/octet-stream');
      }
      return reply(404, 'Not found');
    }
    // the splunkd proxy <root>/<locale>/splunkd/__raw/<splunkd path> (splunk-sdk@2.0.2 lib/platform/client/proxy_http.js)
    if (seg[1] === 'splunkd' && seg[2] === '__raw') {
      const json = (status: number, text: string): void =>
        reply(status, JSON.stringify({ messages: [{ type: 'ERROR', text }] }), { 'Content-Type': 'application/json; charset=UTF-8' });
      if (!sessionKey) return json(401, 'Splunk cannot authenticate the request. Log in first.');
      // writes need X-Splunk-Form-Key = cookie splunkweb_csrf_token_<Splunk Web's port> (@splunk/splunk-utils fetch.js)
      if (method !== 'GET' && method !== 'HEAD') {
        const formKey = req.headers['x-splunk-form-key'];
        if (!jar[names().csrf] || formKey !== jar[names().csrf])
          return json(401, 'Splunk cannot authenticate the request. CSRF validation failed.');
      }
      const rawPrefix = `${root}/${rawSegs.slice(0, 3).join('/')}`;
      const splunkdTarget = forwardTarget(target.slice(rawPrefix.length), o.encodedPath ?? 'pass');
      // only exposed endpoints pass: splunkd's built-ins (system web.conf) or the app's default/web.conf [expose:*]
      const tseg = new URL(splunkdTarget, 'http://x').pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const restPath = tseg[0] === 'servicesNS' ? tseg.slice(3) : tseg[0] === 'services' ? tseg.slice(1) : [];
      if (!BUILT_IN_ROOTS.has(restPath[0] ?? '')) {
        const webConf = path.join(o.appDir, 'default', 'web.conf');
        const exposed = fs.existsSync(webConf)
          ? [...parseConf(fs.readFileSync(webConf, 'utf8'))].filter(([n]) => n.startsWith('expose:'))
          : [];
        const allowed = exposed.some(
          ([, v]) =>
            exposeMatches(v.pattern ?? '', restPath) &&
            (!v.methods ||
              v.methods
                .split(',')
                .map((x) => x.trim().toUpperCase())
                .includes(method)),
        );
        if (!allowed) return reply(404, 'Not Found');
      }
      const headers: Record<string, string> = { Authorization: `Splunk ${sessionKey}` };
      if (req.headers['content-type']) headers['Content-Type'] = String(req.headers['content-type']);
      const r = await splunkdRequest(splunkd, method, splunkdTarget, headers, body);
      return reply(r.status, r.body, { 'Content-Type': String(r.headers['content-type'] ?? 'application/json') });
    }
    return reply(404, 'Not found');
  };

  const server = http.createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    uri: `http://127.0.0.1:${port}`,
    port,
    rootEndpoint: root,
    sessionCookie: names().session,
    csrfCookie: names().csrf,
    setTheme: (t) => {
      theme = t;
    },
    requests: () => [...log],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function loginPage(base: string, returnTo: string, error = ''): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>Login | Splunk</title></head><body>
<form method="post" action="${base}/account/login">
${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">
<label>Username <input name="username" id="username" autocomplete="username"></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password"></label>
<input type="submit" value="Sign In">
</form></body></html>\n`;
}
