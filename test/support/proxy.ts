// A local forward proxy for tests (127.0.0.1 only): CONNECT tunnels and absolute-form HTTP
// requests, `Proxy-Authorization: Basic …` required (407 otherwise). Plain-HTTP traffic inside a
// tunnel is parsed and forwarded request by request, so every request is counted whichever form
// the client uses; a tunnel that starts with a TLS handshake is piped through as bytes.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxyStats {
  /** HTTP requests forwarded (absolute-form plus those parsed inside tunnels) */
  requests: number;
  /** CONNECT tunnels opened */
  tunnels: number;
  /** CONNECT tunnels piped as opaque bytes (TLS) */
  opaqueTunnels: number;
  /** answered 407 */
  rejected: number;
  /** the Proxy-Authorization values seen, as sent */
  authorizations: string[];
}

export interface TestProxy {
  port: number;
  url: string;
  stats(): ProxyStats;
  close(): Promise<void>;
}

/** Only loopback targets: the helper must never become an open proxy. */
function allowedHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost';
}

export async function startProxy(o: { username: string; password: string }): Promise<TestProxy> {
  const expected = `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`;
  const stats: ProxyStats = { requests: 0, tunnels: 0, opaqueTunnels: 0, rejected: 0, authorizations: [] };
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };

  const authorized = (h: http.IncomingHttpHeaders): boolean => {
    const v = h['proxy-authorization'];
    if (typeof v === 'string') stats.authorizations.push(v);
    return v === expected;
  };

  /** Forwards one request in origin-form (`path`) to host:port, unchanged but for hop-by-hop headers. */
  function forward(req: http.IncomingMessage, res: http.ServerResponse, host: string, port: number, pathAndQuery: string): void {
    stats.requests++;
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const up = http.request({ host, port, method: req.method, path: pathAndQuery, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  }

  // Requests parsed inside a CONNECT tunnel: the tunnel's target decides where they go.
  const inner = http.createServer((req, res) => {
    const target = (req.socket as net.Socket & { proxyTarget?: { host: string; port: number } }).proxyTarget;
    if (!target) {
      res.writeHead(502).end();
      return;
    }
    forward(req, res, target.host, target.port, req.url ?? '/');
  });

  const server = http.createServer((req, res) => {
    // Absolute-form: GET http://host:port/path?query HTTP/1.1
    if (!authorized(req.headers)) {
      stats.rejected++;
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"', 'content-length': '0' }).end();
      return;
    }
    const m = /^http:\/\/([^/:]+)(?::(\d+))?(\/.*)?$/.exec(req.url ?? '');
    if (!m || !allowedHost(m[1])) {
      res.writeHead(403).end();
      return;
    }
    forward(req, res, m[1], Number(m[2] ?? 80), m[3] ?? '/');
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    track(client);
    client.on('error', () => undefined);
    if (!authorized(req.headers)) {
      stats.rejected++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, portText] = (req.url ?? '').split(':');
    if (!allowedHost(host) || !/^\d+$/.test(portText ?? '')) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const port = Number(portText);
    stats.tunnels++;
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const start = (first: Buffer): void => {
      if (first.length && first[0] === 0x16) {
        // TLS: an opaque byte pipe to the target.
        stats.opaqueTunnels++;
        const up = net.connect(port, host, () => {
          up.write(first);
          client.pipe(up).pipe(client);
        });
        track(up);
        up.on('error', () => client.destroy());
        return;
      }
      (client as net.Socket & { proxyTarget?: { host: string; port: number } }).proxyTarget = { host, port };
      if (first.length) client.unshift(first);
      inner.emit('connection', client);
      client.resume();
    };
    if (head.length) start(head);
    else
      client.once('data', (b: Buffer) => {
        client.pause();
        start(b);
      });
  });
  server.on('connection', track);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ ...stats, authorizations: [...stats.authorizations] }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        inner.close();
        server.close(() => resolve());
      }),
  };
}
