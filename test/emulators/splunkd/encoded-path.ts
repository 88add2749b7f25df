// How a proxy in front of splunkd treats percent-encoded characters in a request path. Whether Splunk
// Web's splunkd proxy (or a reverse proxy before it) passes %2F and %23 through unchanged is not
// documented, so the emulators offer both plausible behaviours and the page must work under each:
//   'pass'   : the path is forwarded byte for byte (%2F stays %2F);
//   'decode' : the path is percent-decoded before it is forwarded, as a proxy that normalises URLs does:
//              %2F becomes a path separator and %23 a '#', which ends the path (the rest is a fragment).
export type EncodedPathMode = 'pass' | 'decode';

/** The request-target a proxy in `mode` sends on for `target` (path and query as received). */
export function forwardTarget(target: string, mode: EncodedPathMode): string {
  if (mode === 'pass') return target;
  const q = target.indexOf('?');
  const [p, query] = q < 0 ? [target, ''] : [target.slice(0, q), target.slice(q)];
  let decoded: string;
  try {
    decoded = decodeURIComponent(p);
  } catch {
    decoded = p;
  }
  const hash = decoded.indexOf('#');
  // a decoded '#' starts a fragment, which is never sent: the path and the query end there
  if (hash >= 0) return encodeURI(decoded.slice(0, hash));
  return encodeURI(decoded) + query;
}
