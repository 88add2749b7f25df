// Where the page runs: Splunk Web's splunkd proxy base, the CSRF token and the user's theme, read from
// Splunk Web's own globals (window.$C: SPLUNKD_PATH, MRSPARKLE_ROOT_PATH, LOCALE, MRSPARKLE_PORT_NUMBER)
// through Splunk's @splunk/splunk-utils, as Splunk's own pages do. A page without $C (an unusual
// embedding) falls back to its own URL: /[<root_endpoint>/]<locale>/app/… .
import { getCSRFToken, isAvailable, splunkdPath } from '@splunk/splunk-utils/config';
import { getDefaultFetchInit } from '@splunk/splunk-utils/fetch';
import { defaultTheme, getThemeOptions, getUserTheme } from '@splunk/splunk-utils/themes';
import { createRESTURL } from '@splunk/splunk-utils/url';

/** The page's own URL: everything before /<locale>/app/ is Splunk Web's root_endpoint. */
export function pathBase(pathname: string): { rootPath: string; locale: string } {
  const m = /^(.*?)\/([a-z]{2}-[A-Z]{2})\/(?:app|manager)\//.exec(pathname);
  return m ? { rootPath: m[1], locale: m[2] } : { rootPath: '', locale: 'en-US' };
}

/** /[root]/<locale>/splunkd/__raw: $C.SPLUNKD_PATH, else built from the page's URL. */
export function splunkdBase(): string {
  if (isAvailable && typeof splunkdPath === 'string') return splunkdPath;
  const { rootPath, locale } = pathBase(window.location.pathname);
  return `${rootPath}/${locale}/splunkd/__raw`;
}

const CSRF_PREFIX = 'splunkweb_csrf_token_';

/**
 * Splunk Web's CSRF token: cookie splunkweb_csrf_token_<$C.MRSPARKLE_PORT_NUMBER> (Splunk Web's own port,
 * which a reverse proxy does not change). Without $C: the cookie for the page's port, else the only one.
 */
export function csrfToken(cookieText = document.cookie): string {
  if (isAvailable) return getCSRFToken() ?? '';
  const jar = new Map(
    cookieText
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c.startsWith(CSRF_PREFIX))
      .map((c) => [c.slice(CSRF_PREFIX.length, c.indexOf('=')), decodeURIComponent(c.slice(c.indexOf('=') + 1))] as const),
  );
  const port = window.location.port || (window.location.protocol === 'https:' ? '443' : '80');
  return jar.get(port) ?? (jar.size === 1 ? [...jar.values()][0] : '');
}

/** URL of an endpoint in the add-on's namespace (servicesNS/nobody/<app>) or, with app '', of /services. */
export function restUrl(endpoint: string, app: string): string {
  return createRESTURL(endpoint, app ? { app, owner: 'nobody' } : {}, { splunkdPath: splunkdBase() });
}

/** fetch() options as @splunk/splunk-utils builds them, with the token from csrfToken(). */
export function fetchInit(): RequestInit {
  const init = getDefaultFetchInit();
  return { ...init, headers: { ...(init.headers as Record<string, string>), 'X-Splunk-Form-Key': csrfToken() } };
}

export interface PageTheme {
  family: 'enterprise' | 'prisma';
  colorScheme: 'light' | 'dark';
  density: 'comfortable' | 'compact';
}

/** The user's Splunk Web theme (getUserTheme: Splunk Web's own theme API, else $C), as SplunkThemeProvider props. */
export async function userTheme(waitMs = 3000): Promise<PageTheme> {
  let name = defaultTheme();
  if (isAvailable) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    name = await Promise.race([
      getUserTheme().catch(() => defaultTheme()),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve(defaultTheme()), waitMs))),
    ]);
    clearTimeout(timer);
  }
  return getThemeOptions(name) as PageTheme;
}
