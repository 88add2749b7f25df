// The estimate of what event rules would keep, route and drop (docs/event-rules.md "Estimate"): `oci_audit
// preview --estimate` from a shell and POST ta_oci_audit/estimate through splunkd's persistent REST handler,
// both through the real executable, against the OCI emulator's ground truth.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Estimate } from '../../src/pipeline/estimate';
import { AddonRest } from '../support/addon-rest';
import { allPairs } from '../support/delivery';
import { recordResult } from '../support/results';
import { binaryCommand, startWorld, type World } from '../support/world';

type Ev = {
  eventId: string;
  eventType?: string;
  data?: { eventName?: string; request?: { action?: string }; response?: { status?: string } };
};

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [cmd, ...pre] = binaryCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, ...args], {
      env: { ...process.env, TA_OCI_AUDIT_RETRY_BASE_MS: '20' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Noise for `drop action=GET ; index name=UpdateVnic ; route:cheap name~^List`: decided here by hand. */
function expectedRule(e: Ev): number {
  if (e.data?.request?.action === 'GET') return 1;
  if (e.data?.eventName === 'UpdateVnic') return 2;
  if (/^List/.test(e.data?.eventName ?? '')) return 3;
  return 0;
}
const RULES = 'drop action=GET ; index name=UpdateVnic ; route:cheap name~^List';

describe('estimate: preview --estimate and POST ta_oci_audit/estimate (end to end)', function () {
  this.timeout(180_000);
  let w: World;
  let dir: string;
  let flags: string[];
  before(async () => {
    w = await startWorld({ tenancy: { seed: 31, regions: 2, compartments: 3, deletedCompartments: 0, eventsPerDay: 30_000 } });
    dir = mkdtempSync(path.join(tmpdir(), 'oci-estimate-'));
    writeFileSync(path.join(dir, 'key.pem'), w.oci.apiKey.privateKeyPem, { mode: 0o600 });
    flags = [
      ...['--tenancy', w.oci.tenancy.tenancyId, '--user', w.oci.apiKey.userId, '--fingerprint', w.oci.apiKey.fingerprint],
      ...['--key-file', path.join(dir, 'key.pem'), '--region', w.oci.tenancy.homeRegion],
      ...['--identity-endpoint', w.oci.identityEndpoint, '--audit-endpoint', w.oci.auditEndpoint],
    ];
  });
  after(async () => {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Ground truth per rule slot (0 = unmatched) over the estimate's span. */
  function truthOf(e: Estimate): { events: number[]; bytes: number[] } {
    const out = { events: [0, 0, 0, 0], bytes: [0, 0, 0, 0] };
    for (const p of allPairs(w))
      for (const ev of w.oci.events(p.region, p.compartment, new Date(e.from), new Date(e.to))) {
        const slot = expectedRule(ev as Ev);
        out.events[slot]++;
        out.bytes[slot] += Buffer.byteLength(JSON.stringify(ev));
      }
    return out;
  }

  it('preview --estimate --json: read whole, the counts per rule and per decision equal the ground truth', async () => {
    const r = await run(['preview', '--estimate', '--json', '--hours', '3', '--event-rules', RULES, ...flags]);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout) as Estimate;
    assert.equal(e.complete, true);
    assert.equal(e.note, undefined);
    assert.equal(e.hours, 3);
    assert.equal(Date.parse(e.to) - Date.parse(e.from), 3 * 3_600_000);
    assert.equal(e.regions, 2);
    assert.equal(e.compartments, 4);
    assert.equal(e.windows, 2 * 4 * 3);
    assert.equal(e.windowsRead, e.windows);
    const t = truthOf(e);
    assert.deepEqual(
      e.rules.map((x) => [x.rule, x.label, x.decision, x.index, x.events, x.bytes]),
      [
        [1, 'rule-1', 'drop', undefined, t.events[1], t.bytes[1]],
        [2, 'rule-2', 'index', undefined, t.events[2], t.bytes[2]],
        [3, 'rule-3', 'route', 'cheap', t.events[3], t.bytes[3]],
      ],
    );
    assert.deepEqual([e.unmatched.events, e.unmatched.bytes], [t.events[0], t.bytes[0]]);
    assert.equal(e.decisions.drop.events, t.events[1]);
    assert.equal(e.decisions.index.events, t.events[0] + t.events[2]);
    assert.equal(e.decisions.route.events, t.events[3]);
    assert.equal(
      e.events,
      t.events.reduce((a, b) => a + b, 0),
    );
    // per day: 24 / 3 of the span
    assert.equal(e.decisions.drop.eventsPerDay, t.events[1] * 8);
    assert.equal(e.decisions.drop.gbPerDay, Math.round(((t.bytes[1] * 8) / 1024 ** 3) * 1000) / 1000);
    recordResult('estimate: preview --estimate, whole', { events: e.events, windows: e.windows });
  });

  it('preview --estimate prints a table per rule and per decision', async () => {
    const r = await run(['preview', '--estimate', '--hours', '1', '--event-rules', 'preset:read_only drop', ...flags]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Estimate over 1 h \(.* to .*\): 2 regions, 4 compartments, 8 of 8 \(region, compartment, hour\) windows read in [\d.]+ s\n/,
    );
    assert.match(r.stdout, /^rule\s+label\s+decision\s+events\/day\s+GB\/day\s+events read\s+rule text$/m);
    assert.match(r.stdout, /^3\s+read_only\/keep-secret-reads\s+index\s+[\d,]+\s+\d+\.\d{3}\s+[\d,]+\s+index name=GetSecretBundle,/m);
    assert.match(r.stdout, /^\s+total dropped\s+drop\s+[\d,]+\s+\d+\.\d{3}\s+[\d,]+$/m);
  });

  it('preview --estimate with too little time: incomplete, extrapolated from a random sample of windows, and says so', async () => {
    w.oci.setLatency(150);
    try {
      const r = await run(['preview', '--estimate', '--json', '--hours', '24', '--max-seconds', '3', '--event-rules', RULES, ...flags]);
      assert.equal(r.code, 0, r.stderr);
      const e = JSON.parse(r.stdout) as Estimate;
      assert.equal(e.complete, false);
      assert.ok(e.windowsRead > 0 && e.windowsRead < e.windows, `${e.windowsRead} of ${e.windows}`);
      assert.match(
        e.note ?? '',
        new RegExp(
          `^read ${e.windowsRead} of ${e.windows} \\(region, compartment, hour\\) windows in the 3 s allowed, chosen at random; the totals are extrapolated from them`,
        ),
      );
      assert.ok(e.seconds < 10, `${e.seconds} s`);
      const t = truthOf(e);
      const all = t.events.reduce((a, b) => a + b, 0);
      assert.ok(e.events > all / 3 && e.events < all * 3, `extrapolated ${e.events}, truth ${all}`);
      recordResult('estimate: time-bounded', { windows: e.windows, read: e.windowsRead, estimated: e.events, truth: all });
    } finally {
      w.oci.setLatency(0);
    }
  });

  it('preview --estimate with a bad rule: one plain line naming the rule, exit 1', async () => {
    const r = await run(['preview', '--estimate', '--event-rules', 'index nme=x', ...flags]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr.trim(), /^ERROR preview: --event-rules: rule 1 "index nme=x": unknown field "nme"; use type, name/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  describe('POST ta_oci_audit/estimate (through splunkd, the persistent REST handler)', () => {
    let rest: AddonRest;
    before(() => {
      rest = new AddonRest(w.splunkd);
    });
    after(() => rest.close());

    it('answers the same estimate as preview, with the stored account', async () => {
      const a = await rest.call('POST', 'estimate', { account: 'main', regions: '*', compartments: '*', event_rules: RULES, hours: '2' });
      assert.equal(a.status, 200, a.text);
      const e = JSON.parse(a.text) as Estimate;
      assert.equal(e.complete, true);
      const t = truthOf(e);
      assert.deepEqual(
        e.rules.map((x) => x.events),
        [t.events[1], t.events[2], t.events[3]],
      );
      assert.equal(e.unmatched.events, t.events[0]);
      assert.deepEqual(Object.keys(e.decisions).sort(), ['drop', 'index', 'route']);
    });

    it('a bad rule: 400 with the rule named; an unknown account: 400; GET: 405', async () => {
      const bad = await rest.call('POST', 'estimate', { account: 'main', event_rules: 'index ; route: name~^List' });
      assert.equal(bad.status, 400);
      assert.deepEqual(JSON.parse(bad.text), {
        error: 'event_rules: rule 2 "route: name~^List": route needs an index name, e.g. route:oci_audit_reads',
      });
      const none = await rest.call('POST', 'estimate', { account: 'nosuch' });
      assert.equal(none.status, 400);
      assert.match((JSON.parse(none.text) as { error: string }).error, /account "nosuch" does not exist/);
      const hours = await rest.call('POST', 'estimate', { account: 'main', hours: '999' });
      assert.equal(hours.status, 400);
      assert.match((JSON.parse(hours.text) as { error: string }).error, /^hours: "999" is not accepted; use a whole number from 1 to 168$/);
      const get = await rest.call('GET', 'estimate');
      assert.equal(get.status, 405);
    });
  });
});
