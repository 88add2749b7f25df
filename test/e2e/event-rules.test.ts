// Event rules (docs/event-rules.md) through the real executable, run as splunkd runs it, against the OCI
// emulator's ground truth: each decision (index, route with the event's <index>, drop) with exact counts,
// the read_only preset (route and drop), every bad rule (--validate-arguments and a run), the route index
// check, and exactly-once with lookback while rules drop and route. What each event should get is
// decided here by plain predicates on the ground truth, not by the engine's own code.
import assert from 'node:assert/strict';
import type { RunResult } from '../emulators/splunkd';
import { allPairs, Ledger } from '../support/delivery';
import { assertExact, iso, minutesAgo, spans, truth } from '../support/edits';
import { recordResult } from '../support/results';
import { startWorld, type World } from '../support/world';

type Ev = Record<string, unknown> & {
  eventId: string;
  eventType?: string;
  data?: {
    eventName?: string;
    compartmentId?: string;
    request?: { action?: string };
    response?: { status?: string };
    identity?: { authType?: string; principalName?: string | null };
  };
};

const nameOf = (e: Ev): string => e.data?.eventName ?? '';
const actionOf = (e: Ev): string => e.data?.request?.action ?? '';
const statusOf = (e: Ev): string => e.data?.response?.status ?? '';

/** The read_only preset, written out independently from docs/event-rules.md's table. */
const KEPT_NAMES = new Set([
  'GetSecretBundle',
  'GetSecretBundleByName',
  'ListSecretBundleVersions',
  'GetKey',
  'GetKeyVersion',
  'ListKeyVersions',
  'ExportKey',
  'GetWrappingKey',
  'Decrypt',
  'Encrypt',
  'ReEncrypt',
  'GenerateDataEncryptionKey',
  'Sign',
  'Verify',
  'GetObject',
  'HeadObject',
  'GetPreauthenticatedRequest',
  'ListPreauthenticatedRequests',
  'ListApiKeys',
  'ListAuthTokens',
  'ListCustomerSecretKeys',
  'ListSmtpCredentials',
  'ListOAuthClientCredentials',
  'ListDbCredentials',
  'ListSwiftPasswords',
  'GetUserUIPasswordInformation',
  'ListMfaTotpDevices',
  'GetMfaTotpDevice',
]);
function presetNoise(e: Ev): boolean {
  if (['401', '403', '404'].includes(statusOf(e))) return false;
  if (/^com\.oraclecloud\.identitysignon\./i.test(e.eventType ?? '')) return false;
  if (KEPT_NAMES.has(nameOf(e))) return false;
  return ['GET', 'HEAD'].includes(actionOf(e)) || /^(Get|List|Head|Search|Summarize)/.test(nameOf(e));
}

/** key=value fields of the first stderr line with this message. */
function logFields(r: RunResult, message: string, filter: (f: Record<string, string>) => boolean = () => true): Record<string, string> {
  for (const line of r.stderrLines) {
    if (!line.includes(` ${message} `) && !line.endsWith(` ${message}`)) continue;
    const f: Record<string, string> = {};
    for (const m of line.matchAll(/ (\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) f[m[1]] = m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2];
    if (filter(f)) return f;
  }
  return {};
}
function ruleLines(r: RunResult): Array<Record<string, string>> {
  return r.stderrLines
    .filter((l) => l.includes(' event rule summary '))
    .map((l) =>
      Object.fromEntries(
        [...l.matchAll(/ (\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)].map((m) => [m[1], m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2]]),
      ),
    );
}
const eventsOf = (r: RunResult): Ev[] => r.events.map((e) => JSON.parse(e._raw) as Ev);
const warnings = (r: RunResult): string[] => r.stderrLines.filter((l) => l.startsWith('WARN '));
const errors = (r: RunResult): string[] => r.stderrLines.filter((l) => l.startsWith('ERROR '));
const bytes = (evs: Ev[], byId: Map<string, string>): number => evs.reduce((n, e) => n + Buffer.byteLength(byId.get(e.eventId) ?? ''), 0);

describe('event rules through the binary (docs/event-rules.md)', function () {
  this.timeout(180_000);
  let w: World;
  const START = minutesAgo(180);
  /** ground truth of every pair over [START, checkpoint): eventId -> event, and eventId -> its JSON text */
  let all: Map<string, Ev>;
  let texts: Map<string, string>;

  before(async () => {
    w = await startWorld({ tenancy: { seed: 17, regions: 2, compartments: 4, deletedCompartments: 0, eventsPerDay: 40_000 } });
  });
  after(() => w.close());

  /** Runs input `name` once over [START, now - 1 min) and reads the ground truth of what it checkpointed. */
  async function runOnce(name: string, params: Record<string, string>): Promise<RunResult> {
    const r = await w.run({ start_date_time: iso(START), delay_throttle: '1', query_window_size: '30', ...params }, { name });
    assert.equal(r.exitCode, 0, r.stderrLines.join('\n'));
    assert.deepEqual(r.streamErrors, []);
    const cps = w.checkpoints(name);
    const until = new Set(cps.map((c) => String(c.checkpoint)));
    assert.equal(until.size, 1, 'every pair checkpointed at the same minute');
    const end = Date.parse([...until][0]);
    const t = truth(w, spans(allPairs(w), START, end));
    all = new Map();
    texts = new Map();
    for (const p of allPairs(w))
      for (const ev of w.oci.events(p.region, p.compartment, new Date(START), new Date(end))) {
        all.set(String(ev.eventId), ev as Ev);
        texts.set(String(ev.eventId), JSON.stringify(ev));
      }
    assert.equal(all.size, t.size);
    assert.ok(all.size > 500, `enough events to tell (${all.size})`);
    return r;
  }

  it('index: matching events and unmatched ones are written to the input index; per-rule counts are exact', async () => {
    const r = await runOnce('idx', { index: 'oci', event_rules: 'index name=GetInstance,ListInstances' });
    const got = eventsOf(r);
    assert.equal(got.length, all.size);
    assert.ok(r.events.every((e) => e.index === 'oci'));
    assert.doesNotMatch(r.stdout, /<index>/);
    const matched = [...all.values()].filter((e) => ['GetInstance', 'ListInstances'].includes(nameOf(e)));
    const s = logFields(r, 'run summary');
    assert.equal(Number(s.events), all.size);
    assert.equal(Number(s.events_indexed), all.size);
    assert.equal(Number(s.events_routed), 0);
    assert.equal(Number(s.events_dropped), 0);
    assert.equal(Number(s.bytes_indexed), bytes([...all.values()], texts));
    const lines = ruleLines(r);
    assert.deepEqual(
      lines.map((l) => [l.rule, l.label, l.decision, Number(l.events)]),
      [
        ['1', 'rule-1', 'index', matched.length],
        ['0', 'unmatched', 'index', all.size - matched.length],
      ],
    );
    assert.equal(Number(lines[0].bytes), bytes(matched, texts));
    recordResult('event rules: index', { events: all.size, delivered: got.length });
  });

  it('route: matching events carry <index>, the others go to the input index; a route index this instance lacks gets one WARN', async () => {
    const r = await runOnce('route', { event_rules: 'route:oci_reads action=GET status=2xx' });
    const routed = [...all.values()].filter((e) => actionOf(e) === 'GET' && /^2\d\d$/.test(statusOf(e)));
    assert.ok(routed.length > 100 && routed.length < all.size);
    const byIndex = new Map<string, Set<string>>();
    for (const e of r.events) {
      const id = (JSON.parse(e._raw) as Ev).eventId;
      if (!byIndex.has(String(e.index))) byIndex.set(String(e.index), new Set());
      byIndex.get(String(e.index))!.add(id);
    }
    assert.deepEqual([...byIndex.keys()].sort(), ['main', 'oci_reads']);
    assert.deepEqual([...byIndex.get('oci_reads')!].sort(), routed.map((e) => e.eventId).sort());
    assert.equal(byIndex.get('main')!.size, all.size - routed.length);
    assert.equal((r.stdout.match(/<sourcetype>oci:audit<\/sourcetype><index>oci_reads<\/index><\/event>/g) ?? []).length, routed.length);
    const s = logFields(r, 'run summary');
    assert.deepEqual(
      [Number(s.events), Number(s.events_indexed), Number(s.events_routed), Number(s.events_dropped)],
      [all.size, all.size - routed.length, routed.length, 0],
    );
    assert.equal(Number(s.bytes_routed), bytes(routed, texts));
    assert.deepEqual(
      ruleLines(r).map((l) => [l.label, l.decision, l.index, Number(l.events)]),
      [
        ['rule-1', 'route', 'oci_reads', routed.length],
        ['unmatched', 'index', undefined, all.size - routed.length],
      ],
    );
    const warn = warnings(r);
    assert.equal(warn.length, 1, warn.join('\n'));
    assert.match(
      warn[0],
      /event_rules route to "oci_reads" is not defined on this Splunk instance\..*drop the events routed to it, or put them in lastChanceIndex/,
    );
    // Defined here: no WARN.
    w.splunkd.addIndex('oci_reads');
    const again = await w.run(
      { start_date_time: iso(START), delay_throttle: '1', event_rules: 'route:oci_reads action=GET' },
      { name: 'route2' },
    );
    assert.equal(again.exitCode, 0);
    assert.deepEqual(warnings(again), []);
    recordResult('event rules: route', { events: all.size, delivered: r.events.length });
  });

  it('drop: matching events are not written, their windows are checkpointed, a second run sends nothing again', async () => {
    const r = await runOnce('drop', { event_rules: 'drop name~^List auth=natv', lookback_minutes: '30' });
    const cp1 = Date.parse(String(w.checkpoints('drop')[0].checkpoint));
    const dropped = [...all.values()].filter((e) => /^List/.test(nameOf(e)) && e.data?.identity?.authType === 'natv');
    assert.ok(dropped.length > 50);
    const keptIds = [...all.values()].filter((e) => !dropped.includes(e)).map((e) => e.eventId);
    assert.deepEqual(
      eventsOf(r)
        .map((e) => e.eventId)
        .sort(),
      keptIds.sort(),
    );
    const s = logFields(r, 'run summary');
    assert.deepEqual(
      [Number(s.events), Number(s.events_indexed), Number(s.events_dropped), Number(s.bytes_dropped)],
      [keptIds.length, keptIds.length, dropped.length, bytes(dropped, texts)],
    );
    // Lookback re-reads the last 30 minutes: remembered eventIds, dropped ones included, are not sent.
    const second = await w.run(
      {
        start_date_time: iso(START),
        delay_throttle: '1',
        query_window_size: '30',
        lookback_minutes: '30',
        event_rules: 'drop name~^List auth=natv',
      },
      { name: 'drop' },
    );
    assert.equal(second.exitCode, 0);
    const reread = logFields(second, 'run summary');
    assert.ok(Number(reread.duplicates_dropped) > 0, 'the lookback re-read skipped remembered events');
    // Dropped now: only events after the first checkpoint (a remembered dropped event is skipped before the rules).
    const cp2 = Date.parse(String(w.checkpoints('drop')[0].checkpoint));
    const newDropped = allPairs(w)
      .flatMap((p) => [...w.oci.events(p.region, p.compartment, new Date(cp1), new Date(cp2))] as Ev[])
      .filter((e) => /^List/.test(nameOf(e)) && e.data?.identity?.authType === 'natv');
    assert.equal(Number(reread.events_dropped), newDropped.length);
    const ids = new Set(eventsOf(second).map((e) => e.eventId));
    assert.equal([...ids].filter((id) => all.has(id)).length, 0, 'nothing already read is sent again');
    recordResult('event rules: drop', { events: all.size, delivered: r.events.length });
  });

  for (const noise of ['route:oci_noise', 'drop'] as const)
    it(`preset:read_only ${noise}: reads are ${noise === 'drop' ? 'dropped' : 'routed'}, the kept reads and all writes are indexed`, async () => {
      const name = noise === 'drop' ? 'presetdrop' : 'presetroute';
      const r = await runOnce(name, { event_rules: `preset:read_only ${noise}` });
      const noisy = [...all.values()].filter(presetNoise);
      const kept = [...all.values()].filter((e) => !presetNoise(e));
      // the emulator holds each kind of kept read
      for (const n of ['GetObject', 'HeadObject', 'GetSecretBundle', 'Decrypt', 'ListApiKeys', 'InteractiveLogin'])
        assert.ok(
          kept.some((e) => nameOf(e) === n),
          n,
        );
      assert.ok(kept.some((e) => statusOf(e) === '404' && actionOf(e) === 'GET'));
      const indexed = r.events.filter((e) => e.index === 'main').map((e) => (JSON.parse(e._raw) as Ev).eventId);
      assert.deepEqual(indexed.sort(), kept.map((e) => e.eventId).sort());
      const s = logFields(r, 'run summary');
      if (noise === 'drop') {
        assert.equal(r.events.length, kept.length);
        assert.deepEqual([Number(s.events_dropped), Number(s.events_routed)], [noisy.length, 0]);
        assert.equal(Number(s.bytes_dropped), bytes(noisy, texts));
      } else {
        const routed = r.events.filter((e) => e.index === 'oci_noise').map((e) => (JSON.parse(e._raw) as Ev).eventId);
        assert.deepEqual(routed.sort(), noisy.map((e) => e.eventId).sort());
        assert.deepEqual([Number(s.events_routed), Number(s.events_dropped)], [noisy.length, 0]);
      }
      const lines = ruleLines(r);
      assert.ok(lines.some((l) => l.label === 'read_only/keep-secret-reads' && l.decision === 'index'));
      assert.ok(lines.some((l) => l.label === 'read_only/keep-denied'));
      assert.equal(
        lines.filter((l) => l.label.startsWith('read_only/noise-')).reduce((n, l) => n + Number(l.events), 0),
        noisy.length,
      );
      recordResult(`event rules: preset:read_only ${noise}`, { events: all.size, delivered: r.events.length });
    });

  it('compartment: a name matches the compartment and its whole subtree', async () => {
    const t = w.oci.tenancy;
    const active = t.compartments.filter((c) => c.lifecycleState === 'ACTIVE');
    const parent = active.find((c) => active.some((d) => d.compartmentId === c.id)) ?? active[0];
    const sub = new Set([parent.id]);
    for (let grew = true; grew;) {
      grew = false;
      for (const c of active) if (sub.has(c.compartmentId) && !sub.has(c.id)) grew = sub.add(c.id) !== undefined;
    }
    const r = await runOnce('comp', { event_rules: `drop compartment=${parent.name.toUpperCase()}` });
    const dropped = [...all.values()].filter((e) => sub.has(String(e.data?.compartmentId)));
    assert.ok(dropped.length > 0);
    assert.equal(r.events.length, all.size - dropped.length);
    assert.equal(Number(logFields(r, 'run summary').events_dropped), dropped.length);
    assert.deepEqual(warnings(r), []);
  });

  describe('bad rules are refused with the rule named', () => {
    const BAD: Array<[string, RegExp]> = [
      [
        'index nme=GetObject',
        /^event_rules: rule 1 "index nme=GetObject": unknown field "nme"; use type, name, action, principal, auth, compartment, status, region$/,
      ],
      ['index ; route: name~^List', /^event_rules: rule 2 "route: name~\^List": route needs an index name, e.g\. route:oci_audit_reads$/],
      [
        'drop name~(unclosed',
        /^event_rules: rule 1 "drop name~\(unclosed": name~"\(unclosed" is not a valid regular expression \(Unterminated group\); use a JavaScript regular expression$/,
      ],
      ['keep status=404', /^event_rules: rule 1 "keep status=404": unknown decision "keep"; a rule starts with index, route:<index>, drop/],
      ['route:_hidden', /^event_rules: rule 1 "route:_hidden": route:_hidden is not an index name; use lowercase letters/],
      ['preset:noisy drop', /^event_rules: rule 1 "preset:noisy drop": unknown preset "noisy"; use read_only$/],
    ];
    for (const [rules, message] of BAD) {
      it(`--validate-arguments: ${rules}`, async () => {
        const v = await w.validate('bad', { account: 'main', event_rules: rules });
        assert.equal(v.exitCode, 1);
        assert.match(v.message ?? '', message);
      });
      it(`a run: ${rules} -> one ERROR naming the rule, nothing sent`, async () => {
        const r = await w.run({ start_date_time: iso(START), event_rules: rules }, { name: 'badrun' });
        assert.equal(r.exitCode, 1);
        assert.equal(r.events.length, 0);
        assert.equal(r.stdout, '');
        const e = errors(r);
        assert.equal(e.length, 1, e.join('\n'));
        assert.match(e[0].replace(/^ERROR input oci_audit:\/\/badrun: /, '').replace(/ category=configuration$/, ''), message);
        assert.equal(w.checkpoints('badrun').length, 0);
      });
    }
  });
});

describe('event rules and lookback: exactly once while rules drop and route', function () {
  this.timeout(180_000);
  it('late events in the re-read span are decided once; nothing delivered or dropped before is sent again', async () => {
    const w = await startWorld({ tenancy: { seed: 23, regions: 1, compartments: 2, deletedCompartments: 0, eventsPerDay: 20_000 } });
    try {
      const pairs = allPairs(w);
      const start = minutesAgo(120);
      const rules = 'drop type=com.oraclecloud.late.drop ; route:oci_late type=com.oraclecloud.late.route ; drop action=GET';
      const params = {
        start_date_time: iso(start),
        delay_throttle: '0',
        query_window_size: '15',
        lookback_minutes: '45',
        event_rules: rules,
      };
      const ledger = new Ledger();
      const first = await w.run(params, { name: 'lb' });
      assert.equal(first.exitCode, 0, first.stderrLines.join('\n'));
      ledger.add(first);
      const cp = Date.parse(String(w.checkpoints('lb')[0].checkpoint));
      // Late events, 20 minutes before the checkpoint: one to drop, one to route, one to index per pair.
      const late = { drop: [] as string[], route: [] as string[], index: [] as string[] };
      for (const [i, p] of pairs.entries()) {
        const minute = cp - 20 * 60_000;
        for (const kind of ['drop', 'route', 'index'] as const) {
          const id = `late-${kind}-${i}`;
          w.oci.addEvent(
            p.region,
            p.compartment,
            {
              eventId: id,
              eventTime: new Date(minute + 7_000).toISOString(),
              eventType: kind === 'index' ? 'com.oraclecloud.late' : `com.oraclecloud.late.${kind}`,
              data: { compartmentId: p.compartment },
            },
            new Date(minute + 7_000),
          );
          late[kind].push(id);
        }
      }
      const second = await w.run(params, { name: 'lb' });
      assert.equal(second.exitCode, 0);
      const again = ledger.add(second);
      assert.deepEqual(again, [], 'nothing sent twice');
      const ids = (r: RunResult, index: string): string[] =>
        r.events.filter((e) => e.index === index).map((e) => (JSON.parse(e._raw) as Ev).eventId);
      assert.deepEqual(ids(second, 'oci_late').sort(), [...late.route].sort());
      for (const id of late.index) assert.ok(ids(second, 'main').includes(id), id);
      for (const id of late.drop) assert.equal(ledger.counts.get(id), undefined, id);
      const s = logFields(second, 'run summary');
      assert.ok(Number(s.events_dropped) >= late.drop.length);
      // A third run re-reads the same span again: the late events are remembered, dropped ones too.
      const third = await w.run(params, { name: 'lb' });
      assert.deepEqual(ledger.add(third), []);
      for (const id of [...late.drop, ...late.route, ...late.index]) assert.ok(!eventsOf(third).some((e) => e.eventId === id), id);
      // Exact: every ground-truth event not dropped by a rule was delivered once.
      const end = Date.parse(String(w.checkpoints('lb')[0].checkpoint));
      const expected = truth(w, spans(pairs, start, end));
      const droppedIds = pairs
        .flatMap((p) => [...w.oci.events(p.region, p.compartment, new Date(start), new Date(end))] as Ev[])
        .filter((ev) => ev.eventType === 'com.oraclecloud.late.drop' || actionOf(ev) === 'GET')
        .map((ev) => ev.eventId);
      const counts = assertExact(ledger, expected, { never: droppedIds });
      recordResult('event rules with lookback: late events once', counts);
    } finally {
      await w.close();
    }
  });
});
