// Splunk Web emulator for the setup pages: login, app views, app static files and the splunkd proxy.
// Paths and cookies as Splunk Web serves them; sources in one-line comments next to each route.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parseConf } from './conf';
import type { Splunkd } from './types';

export interface SplunkWebOptions {
  /** the add-on source tree: default/data/ui/views/*.xml and appserver/static/ */
  appDir: string;
  port?: number;
}

export interface SplunkWeb {
  /** http://127.0.0.1:<port> */
  uri: string;
  port: number;
  /** Cookie names this instance sets: splunkd_<port> (session key), splunkweb_csrf_token_<port>. */
  sessionCookie: string;
  csrfCookie: string;
  /** every request: method, path, status */
  requests(): Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=UTF-8',
  '.css': 'text/css; charset=UTF-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=UTF-8',
  '.json': 'application/json',
};

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

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

/** The <html> panel and script= of a Simple XML view (Simple XML reference: dashboard script attribute). */
function renderView(xml: string, locale: string, app: string): string {
  const root = /<(dashboard|form)\b([^>]*)>/.exec(xml);
  const attrs = root?.[2] ?? '';
  const scripts = (/\bscript="([^"]*)"/.exec(attrs)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const label = /<label>([\s\S]*?)<\/label>/.exec(xml)?.[1] ?? app;
  const panels = [...xml.matchAll(/<html>([\s\S]*?)<\/html>/g)].map((m) => m[1]);
  // static files of an app: /<locale>/static/app/<app>/<file> ← <app>/appserver/static/<file> (Splunk Web static routes)
  const tags = scripts
    .map(
      (s) => `<script src="/${locale}/static/app/${encodeURIComponent(app)}/${s.split('/').map(encodeURIComponent).join('/')}"></script>`,
    )
    .join('\n');
  return `<!doctype html>\n<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(label)} | Splunk</title></head>\n<body><header style="background:#1a1c20;color:#fff;padding:8px 16px;font-family:sans-serif">splunk&gt; ${escapeHtml(app)}</header>\n<div class="dashboard-body">${panels.join('\n')}</div>\n${tags}\n</body></html>\n`;
}

export async function startSplunkWeb(splunkd: Splunkd, o: SplunkWebOptions): Promise<SplunkWeb> {
  const log: Array<{ method: string; path: string; status: number }> = [];
  let port = 0;
  const names = (): { session: string; csrf: string } => ({ session: `splunkd_${port}`, csrf: `splunkweb_csrf_token_${port}` });

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const reply = (status: number, body: string | Buffer, headers: Record<string, string | string[]> = {}): void => {
      log.push({ method, path: url.pathname, status });
      res.writeHead(status, { 'Content-Type': 'text/html; charset=UTF-8', ...headers });
      res.end(body);
    };
    const seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const locale = seg[0] ?? 'en-US';
    const jar = cookies(req);
    const sessionKey = jar[names().session];
    const body = await readBody(req);

    if (seg.length === 0) return reply(303, '', { Location: '/en-US/app/launcher/home' });
    // login form; a successful POST sets the session and CSRF cookies (splunkweb account/login)
    if (seg[1] === 'account' && seg[2] === 'login') {
      const returnTo = url.searchParams.get('return_to') ?? `/${locale}/app/launcher/home`;
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
          const target = f.get('return_to') || returnTo;
          return reply(303, '', {
            Location: target.startsWith('/') ? target : `/${locale}/app/launcher/home`,
            'Set-Cookie': [
              `${names().session}=${encodeURIComponent(key)}; Path=/; HttpOnly; SameSite=Strict`,
              `${names().csrf}=${randomBytes(16).toString('hex')}; Path=/; SameSite=Strict`,
            ],
          });
        }
        return reply(401, loginPage(locale, returnTo, 'Invalid username or password.'));
      }
      return reply(200, loginPage(locale, returnTo));
    }
    // app views: /<locale>/app/<app>/<view> (splunk-app-examples setup_page_simple: /app/<app>/<setup_view>)
    if (seg[1] === 'app' && seg.length === 4) {
      if (!sessionKey)
        return reply(303, '', { Location: `/${locale}/account/login?return_to=${encodeURIComponent(url.pathname + url.search)}` });
      if (seg[2] !== splunkd.app) return reply(404, 'App not found');
      const file = path.join(o.appDir, 'default', 'data', 'ui', 'views', `${seg[3]}.xml`);
      if (!/^[A-Za-z0-9_.-]+$/.test(seg[3]) || !fs.existsSync(file)) return reply(404, 'View not found');
      return reply(200, renderView(fs.readFileSync(file, 'utf8'), locale, seg[2]));
    }
    // /<locale>/static/app/<app>/<file> from <app>/appserver/static (Splunk Web static routes)
    if (seg[1] === 'static' && seg[2] === 'app' && seg[3] === splunkd.app && seg.length > 4) {
      const base = path.join(o.appDir, 'appserver', 'static');
      const file = path.resolve(base, ...seg.slice(4));
      if (!file.startsWith(base + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return reply(404, 'Not found');
      return reply(200, fs.readFileSync(file), {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
    }
    // the splunkd proxy /<locale>/splunkd/__raw/<splunkd path> (splunk-sdk@2.0.2 lib/platform/client/proxy_http.js)
    if (seg[1] === 'splunkd' && seg[2] === '__raw') {
      const json = (status: number, text: string): void =>
        reply(status, JSON.stringify({ messages: [{ type: 'ERROR', text }] }), { 'Content-Type': 'application/json; charset=UTF-8' });
      if (!sessionKey) return json(401, 'Splunk cannot authenticate the request. Log in first.');
      // writes need X-Splunk-Form-Key = cookie splunkweb_csrf_token_<port> (@splunk/splunk-utils fetch.js)
      if (method !== 'GET' && method !== 'HEAD') {
        const formKey = req.headers['x-splunk-form-key'];
        if (!jar[names().csrf] || formKey !== jar[names().csrf])
          return json(401, 'Splunk cannot authenticate the request. CSRF validation failed.');
      }
      const rawPrefix = `/${encodeURIComponent(locale)}/splunkd/__raw`;
      const target = (req.url ?? '/').slice(rawPrefix.length);
      // only exposed endpoints pass: splunkd's built-ins (system web.conf) or the app's default/web.conf [expose:*]
      const tseg = seg.slice(3);
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
      const r = await splunkdRequest(splunkd, method, target, headers, body);
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
    sessionCookie: names().session,
    csrfCookie: names().csrf,
    requests: () => [...log],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function loginPage(locale: string, returnTo: string, error = ''): string {
  return `<!doctype html>\n<html lang="${locale}"><head><meta charset="utf-8"><title>Login | Splunk</title></head><body>
<form method="post" action="/${locale}/account/login">
${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">
<label>Username <input name="username" id="username" autocomplete="username"></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password"></label>
<input type="submit" value="Sign In">
</form></body></html>\n`;
}
