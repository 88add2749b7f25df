// A reverse proxy in front of Splunk Web on another port, as load balancers and TLS front-ends are set up
// (web.conf.spec root_endpoint: "useful for setting up a proxy"; Splunk Web keeps its own port, so its
// cookies keep the names splunkd_<port> and splunkweb_csrf_token_<port> of that port, not the proxy's).
// It forwards every request with its headers and body and passes the answer back unchanged; encoded path
// characters are passed or decoded (encoded-path.ts).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardTarget, type EncodedPathMode } from './encoded-path';

export interface ReverseProxy {
  /** http://127.0.0.1:<port> */
  uri: string;
  port: number;
  /** every request-target as received and as forwarded */
  requests(): Array<{ method: string; received: string; forwarded: string; status: number }>;
  close(): Promise<void>;
}

export async function startReverseProxy(upstream: string, o: { encodedPath?: EncodedPathMode } = {}): Promise<ReverseProxy> {
  const target = new URL(upstream);
  const log: Array<{ method: string; received: string; forwarded: string; status: number }> = [];
  const server = http.createServer((req, res) => {
    const received = req.url ?? '/';
    const forwarded = forwardTarget(received, o.encodedPath ?? 'pass');
    const headers = { ...req.headers, host: target.host, 'x-forwarded-host': req.headers.host ?? '', 'x-forwarded-proto': 'http' };
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: forwarded, headers }, (ur) => {
      log.push({ method: req.method ?? 'GET', received, forwarded, status: ur.statusCode ?? 502 });
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', (e) => {
      log.push({ method: req.method ?? 'GET', received, forwarded, status: 502 });
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`proxy: ${e.message}`);
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    uri: `http://127.0.0.1:${port}`,
    port,
    requests: () => [...log],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
