// TLS stays on (docs/security.md "Transport"): OCI endpoints served over https with a self-signed
// certificate are refused with a clear ERROR, although the server in front would have answered
// like OCI (it forwards to the emulator); plain http to a host other than localhost is rejected
// by the account rules before any request.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as selfsigned from 'selfsigned';
import { recordResult } from '../support/results';
import { accountConf, errorLines, isoMinutesAgo, startWorld, type World } from '../support/world';

interface TlsFront {
  url: string;
  handshakeErrors: number;
  forwarded: number;
  close(): Promise<void>;
}

/** https://127.0.0.1:<port> with a self-signed certificate (SAN 127.0.0.1), forwarding to `target`. */
async function startSelfSignedFront(target: string): Promise<TlsFront> {
  const g = selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    days: 30,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const t = new URL(target);
  const front: TlsFront = { url: '', handshakeErrors: 0, forwarded: 0, close: async () => undefined };
  const server = https.createServer({ key: g.private, cert: g.cert }, (req, res) => {
    front.forwarded++;
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('tlsClientError', () => front.handshakeErrors++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  front.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  front.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return front;
}

describe('TLS stays on', function () {
  this.timeout(60_000);
  let w: World;
  let front: TlsFront;
  before(async () => {
    w = await startWorld({ tenancy: { regions: 1, compartments: 2, deletedCompartments: 0, eventsPerDay: 5000 } });
    front = await startSelfSignedFront(w.oci.url);
  });
  after(async () => {
    await front?.close();
    await w?.close();
  });
  const account = (values: Record<string, string>): void =>
    w.splunkd.setConf('ta_oci_audit_account', 'main', { ...accountConf(w.oci), ...values });
  const params = { start_date_time: isoMinutesAgo(70), end_date_time: isoMinutesAgo(10), query_window_size: '60' };
  const outcomes: Record<string, unknown> = {};

  it('identity and audit endpoints with a self-signed certificate: a clear certificate ERROR, exit 1, nothing collected', async () => {
    account({ identity_endpoint: `${front.url}/identity/{region}`, audit_endpoint: `${front.url}/audit/{region}` });
    w.oci.resetStats();
    const r = await w.run(params);
    const errs = errorLines(r);
    assert.equal(r.exitCode, 1);
    assert.equal(errs.length, 1, errs.join('\n'));
    assert.match(errs[0], /TLS certificate is not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/);
    assert.match(errs[0], /certificate verification stays on/);
    assert.match(errs[0], /category=configuration/);
    assert.equal(r.events.length, 0);
    assert.ok(front.handshakeErrors > 0, 'the client did try the handshake');
    assert.equal(front.forwarded, 0, 'no request got past the handshake');
    assert.equal(w.oci.stats().requests, 0);
    assert.equal(w.checkpoints('test').length, 0);
    outcomes.both = { error: errs[0], handshakeErrors: front.handshakeErrors, ms: r.durationMs };
  });

  it('only the audit endpoint self-signed: every window is a certificate ERROR, no checkpoint moves', async () => {
    account({ audit_endpoint: `${front.url}/audit/{region}` });
    const r = await w.run(params, { name: 'auditonly' });
    const errs = errorLines(r);
    assert.ok(
      errs.length > 0 && errs.every((l) => /TLS certificate is not trusted/.test(l) && /category=configuration/.test(l)),
      errs.join('\n'),
    );
    assert.equal(r.events.length, 0);
    assert.equal(front.forwarded, 0);
    assert.equal(w.checkpoints('auditonly').length, 0, 'no checkpoint moved');
    outcomes.auditOnly = { errors: errs.length, exitCode: r.exitCode };
  });

  it('plain http:// to a host other than localhost: rejected before any request, the message names the field', async () => {
    for (const [field, value] of [
      ['audit_endpoint', 'http://audit.{region}.oraclecloud.com'],
      ['identity_endpoint', 'http://identity.{region}.example.com'],
    ] as const) {
      account({ [field]: value });
      w.oci.resetStats();
      const r = await w.run(params);
      const errs = errorLines(r);
      assert.equal(r.exitCode, 1);
      assert.equal(errs.length, 1, errs.join('\n'));
      assert.match(
        errs[0],
        new RegExp(`account "main": ${field} must use https:// \\(plain http:// is allowed only for 127.0.0.1 or localhost\\)`),
      );
      assert.equal(w.oci.stats().requests, 0);
      outcomes[field] = errs[0];
    }
    recordResult('security: TLS stays on', outcomes);
  });
});
