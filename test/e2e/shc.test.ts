// Search head cluster: two Splunk hosts with their own host names (each executable runs in its own UTS
// namespace, `unshare -u` + `hostname`, so os.hostname() differs as on two machines), each with its own
// splunkd, both running the same input against ONE KV store (the emulator's KvReplicaSet: writes go to the
// captain, each member reads its own replica). docs/deployment.md, docs/reliability.md "One process per input".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { KvReplicaSet, type RunResult } from '../emulators/splunkd';
import { UNREAD_MARGIN_BYTES } from '../../src/pipeline/unread-tail';
import { assertComplete, eventIdsInTail, groundTruth, Ledger } from '../support/delivery';
import { recordResult } from '../support/results';
import { errorLines, isoMinutesAgo, startWorld, type World } from '../support/world';

const TTL_S = 3;
const CONCURRENCY = 4;
const WINDOW = 10;
const STOOD_BACK = /^INFO another process of input test is running \((.*)\); this one exits without collecting/;

/** The executable as host `name` runs it: in a UTS namespace of its own with that host name. */
function onHost(name: string, command: string[]): string[] {
  return ['unshare', '-u', 'sh', '-c', 'hostname "$0" && exec "$@"', name, ...command];
}

const canUnshare =
  spawnSync('unshare', ['-u', 'sh', '-c', 'hostname shc-probe && hostname'], { encoding: 'utf8' }).stdout?.trim() === 'shc-probe';

function leaseRecord(w: World): Record<string, unknown> | undefined {
  return w.splunkd.kvRecords('oci_audit_checkpoints').find((r) => r.type === 'lease');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('search head cluster: two hosts, one KV store', function () {
  this.timeout(180_000);
  let hosts: World[] = [];
  afterEach(async () => {
    for (const w of hosts.reverse()) await w.close();
    hosts = [];
  });

  before(function () {
    // Two host names need a UTS namespace (root, or a user namespace); without it the test cannot be faithful.
    if (!canUnshare) this.skip();
  });

  /** Two members (h1, h2) sharing one KV store, their reads `lagMs` behind the captain. */
  async function cluster(lagMs: [number, number], eventsPerDay: number): Promise<[World, World]> {
    const kv = new KvReplicaSet();
    const h1 = await startWorld({
      tenancy: { seed: 19, regions: 1, compartments: 3, deletedCompartments: 0, eventsPerDay },
      oci: { pageSize: 50, faults: { latencyMs: [60, 160] } },
      serverName: 'h1',
      kvReplicaSet: kv,
      kvReadLagMs: lagMs[0],
    });
    const h2 = await startWorld({ sharedOci: h1.oci, serverName: 'h2', kvReplicaSet: kv, kvReadLagMs: lagMs[1] });
    hosts = [h1, h2];
    return [h1, h2];
  }

  const runOn = (w: World, params: Record<string, string>): Promise<RunResult> =>
    w.run(params, {
      command: onHost(w.splunkd.serverName, w.command),
      env: { TA_OCI_AUDIT_LEASE_TTL_S: String(TTL_S) },
      timeoutMs: 120_000,
    });

  /** Ten hours up to ten minutes ago, as one backfill of both hosts: its ground truth and the input's parameters. */
  const tenHours = (w: World): { end: Date; truth: ReturnType<typeof groundTruth>; params: Record<string, string> } => {
    const start = new Date(isoMinutesAgo(610));
    const end = new Date(isoMinutesAgo(10));
    return {
      end,
      truth: groundTruth(w, start, end, WINDOW),
      params: {
        start_date_time: start.toISOString(),
        end_date_time: end.toISOString(),
        query_window_size: String(WINDOW),
        max_concurrency: String(CONCURRENCY),
      },
    };
  };

  it(`one collects at a time; SIGKILL of the holder: the other takes over once the lease (ttl ${TTL_S} s) expired, not before; nothing lost`, async () => {
    const [h1, h2] = await cluster([250, 250], 36_000);
    const { end, truth, params } = tenHours(h1);
    const ledger = new Ledger();

    // (a) Both hosts start the input at once: one takes the lease, the other stands back.
    const runs = new Map<World, Promise<RunResult>>([h1, h2].map((w) => [w, runOn(w, params)]));
    const [firstDone, firstResult] = await Promise.race([...runs].map(([w, p]) => p.then((r) => [w, r] as const)));
    ledger.add(firstResult);
    assert.equal(firstResult.exitCode, 0, errorLines(firstResult).join('\n'));
    assert.ok(
      firstResult.stderrLines.some((l) => STOOD_BACK.test(l)),
      firstResult.stderrLines.join('\n'),
    );
    assert.equal(firstResult.stdout, '', 'the host that stood back sent nothing');
    const holder = firstDone === h1 ? h2 : h1;
    const standby = firstDone;
    const lease = leaseRecord(holder);
    assert.equal(lease?.host, holder.splunkd.serverName, 'the lease names the holding host');

    // (b) Mid-run, the holding host dies (SIGKILL: no release, no last save).
    await sleep(3000);
    assert.ok(holder.checkpoints('test').length > 0, 'the holder was collecting');
    const held = leaseRecord(holder);
    const pid = Number(held?.pid);
    process.kill(pid, 'SIGKILL'); // the executable the test started (pid from its lease record)
    const killedAt = Date.now();
    const killed = await runs.get(holder)!;
    ledger.add(killed);
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(killed.events.length > 0, 'the killed host had sent events');
    const deadLease = leaseRecord(holder);
    const expiredAt = Number(deadLease?.expires_at);
    assert.ok(expiredAt > killedAt, 'its lease was still live when it died');

    // The other host tries again and again (splunkd's interval): it stands back until the lease expired.
    let takeoverAt: number | undefined;
    const watch = setInterval(() => {
      const r = leaseRecord(holder);
      if (takeoverAt === undefined && r && r.host === standby.splunkd.serverName) takeoverAt = Date.now();
    }, 20);
    const attempts: Array<{ at: number; stoodBack: boolean; who?: string }> = [];
    let taker: RunResult | undefined;
    try {
      while (Date.now() - killedAt < 30_000) {
        const at = Date.now();
        const r = await runOn(standby, params);
        ledger.add(r);
        const m = r.stderrLines.map((l) => STOOD_BACK.exec(l)).find(Boolean);
        attempts.push({ at: at - killedAt, stoodBack: !!m, who: m?.[1] });
        if (!m) {
          taker = r;
          break;
        }
        assert.equal(r.stdout, '', 'a host that stands back sends nothing');
        await sleep(200);
      }
    } finally {
      clearInterval(watch);
    }
    assert.ok(taker, `the other host took over within 30 s (${JSON.stringify(attempts)})`);
    assert.equal(taker.exitCode, 0, errorLines(taker).join('\n'));
    const early = attempts.filter((a) => a.stoodBack);
    assert.ok(early.length > 0, 'right after the kill the other host stood back: it cannot check a pid on another host');
    assert.match(early[0].who ?? '', new RegExp(`^${holder.splunkd.serverName} pid ${pid}, lease until `));
    assert.ok(takeoverAt !== undefined, 'the lease changed hands');
    assert.ok(takeoverAt >= expiredAt, `taken over ${takeoverAt - expiredAt} ms after the expiry, not before`);
    assert.ok(takeoverAt - expiredAt < 3000, `taken over ${takeoverAt - expiredAt} ms after the expiry`);

    // The dead host comes back: nothing left to send.
    const back = await runOn(holder, params);
    ledger.add(back);
    assert.equal(back.exitCode, 0, errorLines(back).join('\n'));
    assert.equal(back.events.length, 0);

    // (c) Nothing lost; duplicates within the crash bound (docs/reliability.md): the windows the killed run
    // had sent but not saved, at most 2 x max_concurrency plus those of its last 1 MiB written.
    assertComplete(h1, truth, end, ledger);
    const dupWindows = new Set([...ledger.counts].filter(([, n]) => n > 1).map(([id]) => truth.get(id))).size;
    const tailWindows = new Set(eventIdsInTail(killed, UNREAD_MARGIN_BYTES).map((id) => truth.get(id))).size;
    assert.ok(dupWindows <= 2 * CONCURRENCY + tailWindows, `${dupWindows} windows sent twice (bound ${2 * CONCURRENCY} + ${tailWindows})`);
    assert.ok(!leaseRecord(h1), 'the lease was released');
    recordResult('search head cluster: SIGKILL of the holding host', {
      events: truth.size,
      delivered: ledger.deliveries,
      duplicates: ledger.duplicates,
      duplicateWindows: dupWindows,
      bound: `${2 * CONCURRENCY} + ${tailWindows} windows`,
      lost: 0,
      ttlMs: TTL_S * 1000,
      killToExpiryMs: expiredAt - killedAt,
      killToTakeoverMs: takeoverAt - killedAt,
      expiryToTakeoverMs: takeoverAt - expiredAt,
      attemptsStoodBack: early.length,
      killedRunEvents: killed.events.length,
    });
  });

  it('interval 0 (the default): the member without the lease stands by, never asks the holder to hand over; SIGKILL of the holder: it takes over after the expiry; nothing lost', async () => {
    const [h1, h2] = await cluster([250, 250], 36_000);
    const { end, truth, params } = tenHours(h1);
    const ledger = new Ledger();
    const running = { ...params, interval: '0', delay_throttle: '0', lookback_minutes: '0' };
    const env = { TA_OCI_AUDIT_LEASE_TTL_S: String(TTL_S), TA_OCI_AUDIT_STANDBY_POLL_S: '0.5' };
    const runs = new Map<World, Promise<RunResult>>(
      [h1, h2].map((w) => [w, w.run(running, { command: onHost(w.splunkd.serverName, w.command), env, timeoutMs: 120_000 })]),
    );
    const records = (type: string): Array<Record<string, unknown>> =>
      h1.splunkd.kvRecords('oci_audit_checkpoints').filter((r) => r.type === type);
    // (a) One collects; the other writes its standby record and keeps running.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(leaseRecord(h1) && records('standby').length)) await sleep(50);
    const lease = leaseRecord(h1);
    const [standbyRec] = records('standby');
    assert.ok(lease && standbyRec, 'a lease and a standby record');
    const holder = lease.host === 'h1' ? h1 : h2;
    const standby = holder === h1 ? h2 : h1;
    assert.equal(standbyRec.host, standby.splunkd.serverName, 'the host without the lease stands by');
    await sleep(3000); // six standby polls, and the holder's lease renewed four times
    assert.equal(leaseRecord(h1)?.owner, lease.owner, 'the lease did not change hands while its holder lived');
    assert.deepEqual(records('handover'), [], 'the standby never asked the holder to hand over');
    assert.equal(records('standby').length, 1, 'still standing by');

    // (b) The holding host dies (SIGKILL: no release, no last save); the standby takes over once the lease expired.
    const pid = Number(leaseRecord(h1)?.pid);
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    const killed = await runs.get(holder)!;
    ledger.add(killed);
    assert.equal(killed.signal, 'SIGKILL');
    const expiredAt = Number(leaseRecord(h1)?.expires_at);
    let takeoverAt: number | undefined;
    while (Date.now() - killedAt < 20_000 && takeoverAt === undefined) {
      if (leaseRecord(h1)?.host === standby.splunkd.serverName) takeoverAt = Date.now();
      else await sleep(20);
    }
    assert.ok(takeoverAt !== undefined, 'the standby took over');
    assert.ok(takeoverAt >= expiredAt, `taken over ${takeoverAt - expiredAt} ms after the expiry, not before`);
    assert.ok(takeoverAt - expiredAt < 3000, `taken over ${takeoverAt - expiredAt} ms after the expiry (polls every 0.5 s)`);

    // (c) It collects the rest in its first cycle (ListEvents requests stop: the backfill has an end); splunkd stops it.
    let seen = -1;
    let stableSince = Date.now();
    const caughtUp = Date.now() + 60_000;
    while (Date.now() < caughtUp && Date.now() - stableSince < 3000) {
      const n = h1.oci.stats().listEventsRequests;
      if (n !== seen) [seen, stableSince] = [n, Date.now()];
      await sleep(100);
    }
    assert.ok(Date.now() - stableSince >= 3000, 'the standby finished its first cycle');
    process.kill(Number(leaseRecord(h1)?.pid), 'SIGTERM');
    const taker = await runs.get(standby)!;
    ledger.add(taker);
    assert.equal(taker.exitCode, 0, errorLines(taker).join('\n'));
    assert.ok(taker.stderrLines.some((l) => /this process stands by and takes over when that lease expires/.test(l)));
    assert.ok(taker.stderrLines.some((l) => /expired; this process takes over/.test(l)));
    assert.ok(!killed.stderrLines.some((l) => l.includes('asked to take over')), 'the holder was never asked to hand over');
    assert.deepEqual(records('standby'), [], 'the standby record is gone once it took over');
    // After a SIGTERM the windows splunkd may not have read are not saved (docs/scheduling.md "Checkpoints"): the
    // next start sends them again. One pass ends normally and saves everything.
    const after = await runOn(standby, params);
    ledger.add(after);
    assert.equal(after.exitCode, 0, errorLines(after).join('\n'));
    assertComplete(h1, truth, end, ledger);
    const dupWindows = new Set([...ledger.counts].filter(([, n]) => n > 1).map(([id]) => truth.get(id))).size;
    const tailWindows = new Set(
      [...eventIdsInTail(killed, UNREAD_MARGIN_BYTES), ...eventIdsInTail(taker, UNREAD_MARGIN_BYTES)].map((id) => truth.get(id)),
    ).size;
    assert.ok(dupWindows <= 2 * CONCURRENCY + tailWindows, `${dupWindows} windows sent twice (bound ${2 * CONCURRENCY} + ${tailWindows})`);
    recordResult('search head cluster, interval 0: SIGKILL of the holding host, the standby takes over', {
      events: truth.size,
      duplicateWindows: dupWindows,
      lost: 0,
      expiryToTakeoverMs: takeoverAt - expiredAt,
    });
  });

  it(`a member whose KV reads lag more than the ttl never takes a live lease, and reads checkpoints only once its replica caught up`, async () => {
    // h2's replica is 4 s behind the captain, more than the lease's ttl (3 s): what it reads of h1's lease has
    // expired although h1 renews it every 0.75 s.
    const LAG = 4000;
    const [h1, h2] = await cluster([0, LAG], 36_000);
    const { end, truth, params } = tenHours(h1);
    const ledger = new Ledger();
    const main = runOn(h1, params);
    let mainDone = false;
    void main.then(() => (mainDone = true));
    const h2Runs: RunResult[] = [];
    let invisible = 0;
    let staleExpired = 0;
    await sleep(800);
    while (!mainDone) {
      const r = await runOn(h2, params);
      h2Runs.push(r);
      const m = r.stderrLines.map((l) => STOOD_BACK.exec(l)).find(Boolean);
      if (!m) continue; // only after h1 ended (asserted below: it sent nothing)
      const until = /lease until (\S+)/.exec(m[1])?.[1];
      if (!until) invisible++;
      else if (Date.parse(until) < Date.now()) staleExpired++;
      await sleep(150);
    }
    const r1 = await main;
    ledger.add(r1);
    assert.equal(r1.exitCode, 0, errorLines(r1).join('\n'));
    assert.ok(!r1.stderrLines.some((l) => /lease/.test(l) && /^(WARN|ERROR)/.test(l)), 'h1 kept its lease');
    // h1 is done and released the lease; h2 takes it at once, but its replica shows h1's last checkpoints
    // only LAG later: it waits for its replica to show its own lease, then has nothing left to send.
    const after = await runOn(h2, params);
    h2Runs.push(after);
    assert.equal(after.exitCode, 0, errorLines(after).join('\n'));
    assert.ok(!after.stderrLines.some((l) => STOOD_BACK.test(l)), 'h2 took the released lease');
    assert.ok(after.durationMs >= LAG - 1500, `h2 waited for its replica (${after.durationMs} ms)`);
    for (const r of h2Runs) {
      ledger.add(r);
      assert.equal(r.exitCode, 0, errorLines(r).join('\n'));
      assert.equal(r.events.length, 0, 'h2 sent nothing');
      assert.ok(!r.stderrLines.some((l) => /did not show the lease/.test(l)), r.stderrLines.join('\n'));
    }
    assert.ok(staleExpired > 0, `h2 read an expired-looking lease at least once (${staleExpired} of ${h2Runs.length} runs)`);
    assertComplete(h1, truth, end, ledger);
    assert.equal(ledger.duplicates, 0);
    recordResult('search head cluster: a member whose KV reads lag 4 s (ttl 3 s)', {
      events: truth.size,
      duplicates: ledger.duplicates,
      lost: 0,
      h2Runs: h2Runs.length,
      h2SawNoLeaseYet: invisible,
      h2ReadAnExpiredLease: staleExpired,
      h1RunMs: r1.durationMs,
      h2TakeAfterReleaseMs: after.durationMs,
    });
  });
});
