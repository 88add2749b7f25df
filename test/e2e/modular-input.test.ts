// The modular input end to end: the real executable, run as splunkd runs it, against the OCI and
// splunkd emulators (issue: "first run, second run with no duplicates, new events picked up, …").
import { timeFilterFromEnv } from '../emulators/oci';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { introspectScheme } from '../emulators/splunkd';
import { parameter, PARAMETERS } from '../../src/splunk/parameters';
import { accountConf, errorLines, expectedEvents, isoMinutesAgo, startWorld, type World } from '../support/world';
import type { RunResult } from '../emulators/splunkd';

function ids(r: RunResult): string[] {
  return r.events.map((e) => String((JSON.parse(e._raw) as { eventId: string }).eventId));
}

function assertClean(r: RunResult): void {
  assert.equal(r.exitCode, 0, `exit ${r.exitCode}\n${r.stderrLines.join('\n')}`);
  assert.deepEqual(r.streamErrors, []);
  assert.deepEqual(errorLines(r), []);
}

describe('modular input end to end (bundle or OCI_AUDIT_BIN)', function () {
  this.timeout(120_000);

  describe('collection over a nested tenancy with deleted compartments', () => {
    let w: World;
    const start = isoMinutesAgo(180);
    let first: RunResult;
    before(async () => {
      w = await startWorld();
      first = await w.run({ start_date_time: start, query_window_size: '30' });
    });
    after(() => w.close());

    it('first run: every event of every (region, compartment) window arrives once, exactly as the API returned it', () => {
      assertClean(first);
      const expected = expectedEvents(w, new Date(start));
      assert.ok(expected.size > 100, `a meaningful sample (${expected.size})`);
      const got = ids(first);
      assert.equal(new Set(got).size, got.length, 'no duplicates');
      assert.equal(got.length, expected.size);
      for (const e of first.events) {
        const ev = JSON.parse(e._raw) as Record<string, unknown> & { eventId: string; eventTime: string };
        assert.deepEqual(ev, expected.get(ev.eventId), 'data equals the API event');
        assert.equal(e._time, Number((Date.parse(ev.eventTime) / 1000).toFixed(3)));
        assert.equal(e.sourcetype, 'oci:audit');
        assert.match(String(e.source), /^oci:audit:[a-z]+-[a-z]+-\d$/);
        assert.equal(e.stanza, 'oci_audit://test');
      }
    });

    it('covers the root compartment, nested compartments, every READY region, and no deleted compartment', () => {
      const cps = w.checkpoints('test');
      const active = w.oci.tenancy.compartments.filter((c) => c.lifecycleState === 'ACTIVE').map((c) => c.id);
      const deleted = w.oci.tenancy.compartments.filter((c) => c.lifecycleState === 'DELETED').map((c) => c.id);
      const regions = w.oci.tenancy.regions.filter((r) => r.status === 'READY').map((r) => r.regionName);
      assert.equal(cps.length, (active.length + 1) * regions.length);
      const pairs = new Set(cps.map((c) => `${c.region}|${c.compartment_id}`));
      for (const r of regions) {
        assert.ok(pairs.has(`${r}|${w.oci.tenancy.tenancyId}`), 'root compartment');
        for (const c of active) assert.ok(pairs.has(`${r}|${c}`));
        for (const c of deleted) assert.ok(!pairs.has(`${r}|${c}`));
      }
      assert.ok(
        w.oci.tenancy.compartments.some((c) => c.compartmentId !== w.oci.tenancy.tenancyId && c.lifecycleState === 'ACTIVE'),
        'the tenancy has nested compartments',
      );
      const sources = new Set(first.events.map((e) => e.source));
      for (const r of regions) assert.ok(sources.has(`oci:audit:${r}`));
    });

    it('second run: nothing is sent twice', async () => {
      const second = await w.run({ start_date_time: start, query_window_size: '30' });
      assertClean(second);
      const again = new Set(ids(first));
      const dup = ids(second).filter((id) => again.has(id));
      assert.deepEqual(dup, []);
      assert.ok(
        second.splunkdLog.some((l) => /INFO .*run summary/.test(l)),
        'a run summary line reaches splunkd.log',
      );
    });

    it('writes its own log to $SPLUNK_HOME/var/log/splunk/ta_oci_audit.log at the level of the Logging tab', async () => {
      const file = path.join(w.splunkd.splunkHome, 'var', 'log', 'splunk', 'ta_oci_audit.log');
      assert.match(readFileSync(file, 'utf8'), /^\S+Z pid=\d+ stanza=oci_audit:\/\/test INFO run summary /m);
      assert.doesNotMatch(readFileSync(file, 'utf8'), / DEBUG /);
      w.splunkd.setConf('ta_oci_audit_settings', 'logging', { loglevel: 'DEBUG' });
      try {
        const r = await w.run({ start_date_time: start, query_window_size: '30' }, { name: 'debuglog' });
        assertClean(r);
        assert.match(readFileSync(file, 'utf8'), /stanza=oci_audit:\/\/debuglog DEBUG /);
      } finally {
        w.splunkd.setConf('ta_oci_audit_settings', 'logging', { loglevel: 'INFO' });
      }
    });

    it('logs a run summary with the counts', () => {
      const line = first.stderrLines.find((l) => l.includes('run summary')) ?? '';
      assert.match(line, /^INFO run summary input=test regions=2 compartments=\d+ pairs=\d+ pairs_skipped_by_partition=0 windows=\d+ /);
      assert.match(line, new RegExp(` events=${first.events.length} `));
    });
  });

  describe('new events and backfills', () => {
    let w: World;
    before(async () => {
      w = await startWorld();
    });
    after(() => w.close());

    it('picks up events of a later window (and an added one) on the next run, once', async () => {
      const t0 = isoMinutesAgo(120);
      const t1 = isoMinutesAgo(60);
      const t2 = isoMinutesAgo(10);
      const r1 = await w.run({ start_date_time: t0, end_date_time: t1 });
      assertClean(r1);
      const region = w.oci.tenancy.homeRegion;
      const comp = w.oci.tenancy.compartments.find((c) => c.lifecycleState === 'ACTIVE')!.id;
      const added = {
        eventId: 'added-after-first-run',
        eventTime: isoMinutesAgo(31).replace('Z', '.000Z'),
        eventType: 'com.oraclecloud.identityControlPlane.CreatePolicy',
        data: { compartmentId: comp },
      };
      w.oci.addEvent(region, comp, added, new Date(Date.parse(t1) + 25 * 60_000));
      const r2 = await w.run({ start_date_time: t0, end_date_time: t2 });
      assertClean(r2);
      const firstIds = new Set(ids(r1));
      assert.deepEqual(
        ids(r2).filter((i) => firstIds.has(i)),
        [],
      );
      assert.ok(ids(r2).includes('added-after-first-run'));
      const expected = expectedEvents(w, new Date(t0));
      assert.equal(firstIds.size + r2.events.length, expected.size);
      for (const cp of w.checkpoints('test')) assert.equal(cp.checkpoint, t2.replace('Z', '.000Z'));
    });

    it("a new input with a deleted input's name starts afresh: the old records are removed, not reused", async () => {
      // A fixed end: a minute boundary between the runs cannot add events to the second one.
      const t0 = isoMinutesAgo(30);
      const t1 = isoMinutesAgo(10);
      const params = { account: 'main', start_date_time: t0, end_date_time: t1 };
      w.splunkd.setConf('inputs', 'oci_audit://gc_keep', params);
      w.splunkd.setConf('inputs', 'oci_audit://gc_old', params);
      const first = await w.run({ start_date_time: t0, end_date_time: t1 }, { name: 'gc_old' });
      assertClean(first);
      assert.ok(first.events.length > 0);
      const uid = w.splunkd.kvRecords('oci_audit_checkpoints').find((r) => r.type === 'input' && r.input === 'gc_old')?.input_uid;
      assert.ok(uid);
      // The admin deletes gc_old; the next run of any input removes its records.
      w.splunkd.deleteConf('inputs', 'oci_audit://gc_old');
      assertClean(await w.run({ start_date_time: t0, end_date_time: t1 }, { name: 'gc_keep' }));
      assert.equal(
        w.splunkd.kvRecords('oci_audit_checkpoints').filter((r) => r.input_uid === uid).length,
        0,
        'records of the deleted input removed',
      );
      assert.ok(w.checkpoints('gc_keep').length > 0, 'records of existing inputs kept');
      // A new input with the same name collects its own start_date_time again.
      w.splunkd.setConf('inputs', 'oci_audit://gc_old', params);
      const again = await w.run({ start_date_time: t0, end_date_time: t1 }, { name: 'gc_old' });
      assertClean(again);
      assert.equal(again.events.length, first.events.length);
      assert.notEqual(w.splunkd.kvRecords('oci_audit_checkpoints').find((r) => r.type === 'input' && r.input === 'gc_old')?.input_uid, uid);
    });

    it('the same input run again sends nothing twice', async () => {
      const t0 = isoMinutesAgo(30);
      assertClean(await w.run({ start_date_time: t0 }, { name: 'same' }));
      const r2 = await w.run({ start_date_time: t0 }, { name: 'same' });
      assert.equal(r2.events.length, 0);
    });
  });

  describe('event contents that could break the stream', () => {
    let w: World;
    after(() => w?.close());

    it('control characters, U+FFFE, ]]>, nulls and 200 KB payloads arrive intact and the stream stays well-formed', async function () {
      // Its events carry odd eventTimes (January, "not a time") filed by the moment they are shown: the 'processed'
      // reading of ListEvents' time filter (OCI_EMULATOR_TIME_FILTER, test/emulators/oci/README.md).
      if (timeFilterFromEnv() !== 'processed') this.skip();
      w = await startWorld({ tenancy: { eventsPerDay: 1000 } });
      const region = w.oci.tenancy.homeRegion;
      const root = w.oci.tenancy.tenancyId;
      const at = new Date(Date.parse(isoMinutesAgo(30)) + 5_000);
      const nasty = [
        {
          eventId: 'n1',
          eventTime: '2026-01-01T00:00:00.000Z',
          data: { message: 'ctrl \u0001\u0002\u001f tab\t nl\n', stateChange: null, additionalDetails: null },
        },
        {
          eventId: 'n2',
          eventTime: '2026-01-01T00:00:00.001Z',
          data: { message: 'nonchar \uFFFE \uFFFF and ]]> and <![CDATA[x]]> &amp; </data></event>' },
        },
        {
          eventId: 'n3',
          eventTime: '2026-01-01T00:00:00.002Z',
          data: { payload: 'p'.repeat(200_000), unicode: 'Zürich 東京 😀', lone: '\uD800' },
        },
        {
          eventId: 'n4',
          eventTime: 'not a time',
          data: { number: 1.5e300, big: 12345678901234, neg: -0.25, bool: false, arr: [null, 1, 'x'] },
        },
      ];
      for (const e of nasty) w.oci.addEvent(region, root, e, at);
      const r = await w.run({ start_date_time: isoMinutesAgo(60), regions: region, compartments: root });
      assertClean(r);
      for (const e of nasty) {
        const got = r.events.find((x) => x._raw.includes(`"eventId":"${e.eventId}"`));
        assert.ok(got, e.eventId);
        assert.deepEqual(JSON.parse(got._raw), e);
      }
      const n4 = r.events.find((x) => x._raw.includes('"eventId":"n4"'));
      assert.equal(n4?._time, undefined, 'no <time> for an unparsable eventTime');
    });
  });

  describe('time zones', () => {
    for (const tz of ['America/Denver', 'Asia/Kolkata']) {
      it(`TZ=${tz}: same windows, same events (the SDK's local-time date bug is avoided)`, async () => {
        const w = await startWorld({ tenancy: { regions: 1, compartments: 2, deletedCompartments: 0 } });
        try {
          const start = isoMinutesAgo(90);
          const r = await w.run({ start_date_time: start, query_window_size: '20' }, { env: { TZ: tz } });
          assertClean(r);
          assert.equal(r.events.length, expectedEvents(w, new Date(start)).size);
          assert.equal(w.oci.stats().byStatus['400'] ?? 0, 0, 'no InvalidParameter');
        } finally {
          await w.close();
        }
      });
    }
  });

  describe('selection: regions, compartments, exclusions, partitions', () => {
    let w: World;
    before(async () => {
      w = await startWorld({ tenancy: { regions: 3, compartments: 12, eventsPerDay: 5000 } });
    });
    after(() => w.close());

    it('exclude_compartments skips the compartment and everything below it', async () => {
      const t = w.oci.tenancy;
      const parent = t.compartments.find(
        (c) => c.lifecycleState === 'ACTIVE' && t.compartments.some((k) => k.compartmentId === c.id && k.lifecycleState === 'ACTIVE'),
      )!;
      const below = new Set<string>([parent.id]);
      for (let grew = true; grew;) {
        grew = false;
        for (const c of t.compartments) {
          if (below.has(c.compartmentId) && !below.has(c.id)) {
            below.add(c.id);
            grew = true;
          }
        }
      }
      const r = await w.run(
        { start_date_time: isoMinutesAgo(20), exclude_compartments: parent.id, regions: t.homeRegion },
        { name: 'excl' },
      );
      assertClean(r);
      const got = new Set(w.checkpoints('excl').map((c) => String(c.compartment_id)));
      for (const id of below) assert.ok(!got.has(id), 'excluded subtree');
      assert.ok(got.has(t.tenancyId));
      assert.ok(got.size >= 2);
    });

    it('explicit regions and compartments collect exactly those pairs', async () => {
      const t = w.oci.tenancy;
      const comps = t.compartments
        .filter((c) => c.lifecycleState === 'ACTIVE')
        .slice(0, 2)
        .map((c) => c.id);
      const regions = t.regions.slice(0, 2).map((r) => r.regionName);
      const r = await w.run(
        { start_date_time: isoMinutesAgo(20), regions: regions.join(','), compartments: comps.join(',') },
        { name: 'explicit' },
      );
      assertClean(r);
      const pairs = w
        .checkpoints('explicit')
        .map((c) => `${c.region}|${c.compartment_id}`)
        .sort();
      assert.deepEqual(pairs, regions.flatMap((rg) => comps.map((c) => `${rg}|${c}`)).sort());
    });

    it('partitions k/3 together collect every pair exactly once; each run summary counts the pairs left to the others', async () => {
      const seen = new Map<string, number>();
      const active = w.oci.tenancy.compartments.filter((c) => c.lifecycleState === 'ACTIVE').length + 1;
      const all = active * w.oci.tenancy.regions.filter((r) => r.status === 'READY').length;
      for (let k = 0; k < 3; k++) {
        const r = await w.run({ start_date_time: isoMinutesAgo(15), partition: `${k}/3` }, { name: `part${k}` });
        assertClean(r);
        const cps = w.checkpoints(`part${k}`);
        for (const c of cps) seen.set(`${c.region}|${c.compartment_id}`, (seen.get(`${c.region}|${c.compartment_id}`) ?? 0) + 1);
        const summary = r.stderrLines.find((l) => l.includes('run summary')) ?? '';
        assert.match(summary, new RegExp(` pairs=${cps.length} pairs_skipped_by_partition=${all - cps.length} `), summary);
      }
      assert.equal(seen.size, all);
      assert.ok([...seen.values()].every((n) => n === 1));
    });
  });

  describe('failures', () => {
    let w: World;
    before(async () => {
      w = await startWorld({ tenancy: { regions: 1, compartments: 3 } });
    });
    after(() => w.close());

    it('bad credentials: a clear ERROR, nothing emitted, no checkpoint moved', async () => {
      const other = w.oci.addApiKey();
      w.splunkd.setConf('ta_oci_audit_account', 'wrongkey', accountConf(w.oci));
      w.splunkd.setPassword(
        '__REST_CREDENTIAL__#TA-oci-audit#configs/conf-ta_oci_audit_account',
        'wrongkey',
        JSON.stringify({ private_key: other.privateKeyPem }),
      );
      const r = await w.run({ account: 'wrongkey', start_date_time: isoMinutesAgo(30) }, { name: 'badcreds' });
      assert.equal(r.exitCode, 1);
      assert.equal(r.events.length, 0);
      assert.equal(r.stdout, '');
      assert.ok(
        r.splunkdLog.some((l) => / ERROR .*401.*private key matches/.test(l)),
        r.splunkdLog.join('\n'),
      );
      assert.equal(w.checkpoints('badcreds').length, 0);
    });

    it('an account that does not exist: a clear ERROR naming it', async () => {
      const r = await w.run({ account: 'nosuch' }, { name: 'noacct' });
      assert.equal(r.exitCode, 1);
      assert.ok(r.stderrLines.some((l) => /^ERROR .*account "nosuch" does not exist/.test(l)));
    });

    it('a compartment without permission fails alone; its checkpoint stays, the others move', async () => {
      const denied = w.oci.tenancy.compartments.find((c) => c.lifecycleState === 'ACTIVE')!.id;
      w.oci.denyListEvents(denied);
      const r = await w.run({ start_date_time: isoMinutesAgo(30) }, { name: 'denied' });
      assert.equal(r.exitCode, 0);
      assert.ok(r.stderrLines.some((l) => /^ERROR .*not authorized.*read audit-events in tenancy/.test(l)));
      const cps = w.checkpoints('denied');
      assert.ok(!cps.some((c) => c.compartment_id === denied));
      assert.ok(cps.length > 0);
    });
  });

  describe('scheme and validation as splunkd sees them', () => {
    let w: World;
    before(async () => {
      w = await startWorld({ tenancy: { regions: 1, compartments: 1 } });
    });
    after(() => w.close());

    it('--scheme: xml streaming, one process per stanza, external validation, every contract parameter', async () => {
      const s = await introspectScheme(w.command);
      assert.equal(s.streamingMode, 'xml');
      assert.equal(s.useSingleInstance, false);
      assert.equal(s.useExternalValidation, true);
      // The parameter table (src/splunk/parameters.ts), itself checked against docs/contract.md by
      // test/unit/parameter-table.test.ts, as the executable prints it.
      assert.deepEqual(
        s.args.map((a) => a.name),
        PARAMETERS.map((p) => p.name),
      );
      for (const a of s.args) {
        const p = parameter(a.name);
        assert.deepEqual(
          [a.title, a.description, a.dataType, a.requiredOnCreate, a.requiredOnEdit],
          [p.title, p.description, p.dataType, p.required, p.required],
          a.name,
        );
      }
      assert.equal(s.args.find((a) => a.name === 'account')?.requiredOnCreate, true);
    });

    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ account: 'main', regions: 'moon-base-x' }, /^regions: .*us-ashburn-1/],
      [{ account: 'main', compartments: 'ocid1.bucket.oc1..aaaaaaaaaaaaaa' }, /^compartments: /],
      [{ account: 'main', exclude_compartments: 'x' }, /^exclude_compartments: /],
      [{ account: 'main', start_date_time: '31/01/2026' }, /^start_date_time: .*YYYY-MM-DDTHH:MM:SSZ/],
      [{ account: 'main', start_date_time: '2099-01-01T00:00:00Z' }, /^start_date_time: .*in the past/],
      [{ account: 'main', end_date_time: '2026-01-01' }, /^end_date_time: /],
      [{ account: 'main', query_window_size: '0' }, /^query_window_size: .*1 to 1440/],
      [{ account: 'main', delay_throttle: '9999' }, /^delay_throttle: .*0 to 1440/],
      [{ account: 'main', max_concurrency: '100' }, /^max_concurrency: .*1 to 64/],
      [{ account: 'main', lookback_minutes: '-5' }, /^lookback_minutes: .*0 to 1440/],
      [{ account: 'main', partition: '5/2' }, /^partition: .*k\/n/],
      [{ account: 'nosuch' }, /^account: "nosuch" does not exist/],
      [{ regions: '*' }, /^account: required/],
    ];
    for (const [params, message] of bad) {
      it(`rejects ${JSON.stringify(params)}`, async () => {
        const v = await w.validate('v', params);
        assert.equal(v.exitCode, 1);
        assert.match(v.message ?? '', message);
      });
    }

    it('accepts a valid input silently', async () => {
      const v = await w.validate('v', {
        account: 'main',
        regions: 'us-ashburn-1',
        start_date_time: '2026-01-31T00:00:00Z',
        query_window_size: '15',
      });
      assert.equal(v.exitCode, 0, v.stdout + v.stderr);
      assert.equal(v.stdout, '');
    });
  });
});
