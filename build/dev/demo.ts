// The main job on the bundled emulators: a generated tenancy (4 regions, 96 compartments, the seed's
// 1 M events a day), the oci_audit executable run twice exactly as splunkd runs it, progress while it
// works, a summary, and the "indexed" events in a file. The summary compares the indexed events with the
// emulator's ground truth up to the checkpoints the runs reached, so a run that ends in a later minute (and
// rightly collects that minute) is not a failure. `--clock-offset-hours H` runs the whole demo H hours away
// from the machine's clock: the OCI emulator's clock is shifted, and the executable runs under libfaketime.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generateTenancy, startOciEmulator, type OciEmulator } from '../../test/emulators/oci';
import { appendIndex, runInput, startSplunkd, type RunResult } from '../../test/emulators/splunkd';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'package', 'demo');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Debian's libfaketime (build/dev/setup.mjs installs it); relative FAKETIME in seconds (https://github.com/wolfcw/libfaketime). */
const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** A failure the demo explains in one line (no stack). */
class DemoError extends Error {}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v)) throw new DemoError(`--${name} takes a number, got ${JSON.stringify(process.argv[i + 1] ?? '')}`);
  return v;
}

/** The executable's environment for a clock `offsetMs` away from the machine's (monotonic clock untouched). */
function shiftedClock(offsetMs: number): Record<string, string> {
  if (offsetMs === 0) return {};
  if (!existsSync(FAKETIME_LIB))
    throw new DemoError(`--clock-offset-hours needs libfaketime (${FAKETIME_LIB}): node build/dev/setup.mjs faketime`);
  const s = Math.round(offsetMs / 1000);
  return { LD_PRELOAD: FAKETIME_LIB, FAKETIME: s >= 0 ? `+${s}` : `${s}`, DONT_FAKE_MONOTONIC: '1' };
}

function summaryFields(r: RunResult): Record<string, string> {
  const line = r.stderrLines.find((l) => l.includes('run summary')) ?? '';
  return Object.fromEntries([...line.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1], m[2]]));
}

async function main(): Promise<void> {
  const regions = arg('regions', 4);
  const compartments = arg('compartments', 96);
  const eventsPerDay = arg('events-per-day', 1_000_000);
  const minutes = arg('minutes', 60);
  const clockOffsetMs = Math.round(arg('clock-offset-hours', 0) * HOUR);
  const env = shiftedClock(clockOffsetMs);
  const now = Date.now() + clockOffsetMs;
  const start = new Date(Math.floor((now - (minutes + 5) * MINUTE) / MINUTE) * MINUTE);

  const tenancy = generateTenancy({
    seed: 2026,
    regions,
    compartments,
    deletedCompartments: 3,
    eventsPerDay,
    eventsFrom: new Date(start.getTime() - 60 * MINUTE),
  });
  const oci = await startOciEmulator({ tenancy, pageSize: 1000, clockOffsetMs });
  const splunkd = await startSplunkd({ appDir: ROOT });
  const command = [process.execPath, path.join(ROOT, 'dist', 'oci_audit.js')];
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const indexFile = path.join(OUT, 'indexed-events.jsonl');

  splunkd.setConf('ta_oci_audit_account', 'demo', {
    auth_type: 'api_key',
    tenancy_ocid: tenancy.tenancyId,
    user_ocid: oci.apiKey.userId,
    fingerprint: oci.apiKey.fingerprint,
    region: tenancy.homeRegion,
    identity_endpoint: oci.identityEndpoint,
    audit_endpoint: oci.auditEndpoint,
  });
  splunkd.setPassword(
    '__REST_CREDENTIAL__#TA-oci-audit#configs/conf-ta_oci_audit_account',
    'demo',
    JSON.stringify({ private_key: oci.apiKey.privateKeyPem }),
  );

  const due = oci.countEvents(start, new Date(Math.floor((now - 5 * MINUTE) / MINUTE) * MINUTE));
  const deleted = tenancy.compartments.filter((c) => c.lifecycleState === 'DELETED').length;
  console.log(
    `OCI emulator  ${oci.url}  tenancy ${tenancy.name}: ${tenancy.regions.length} regions, ` +
      `${tenancy.compartments.length} compartments (${deleted} deleted), ${eventsPerDay.toLocaleString('en')} events/day`,
  );
  console.log(`splunkd       ${splunkd.serverUri}  SPLUNK_HOME ${splunkd.splunkHome}`);
  const shift = clockOffsetMs ? ` ${clockOffsetMs > 0 ? '+' : ''}${clockOffsetMs / HOUR} h` : '';
  console.log(`clock         ${new Date(now).toISOString()} (the machine's clock${shift})`);
  console.log(`input         oci_audit://demo  start_date_time=${start.toISOString()}  (~${due.toLocaleString('en')} events due)`);
  console.log(`              interval=300 delay_throttle=5: two one-pass runs (the shipped interval 0 keeps one process running)\n`);

  const params = {
    account: 'demo',
    start_date_time: start.toISOString().replace('.000Z', 'Z'),
    query_window_size: '60',
    delay_throttle: '5',
    max_concurrency: '8',
    // Two one-pass runs (a backfill, then nothing new): the shipped interval 0 keeps the process running.
    interval: '300',
  };
  const results: RunResult[] = [];
  for (const label of ['first run (backfill)', 'second run (nothing new: no duplicates)']) {
    oci.resetStats();
    const t0 = Date.now();
    // A live line on a terminal; a line every 2 s in a log.
    const tty = Boolean(process.stdout.isTTY);
    const progress = setInterval(
      () => {
        const s = oci.stats();
        const cps = splunkd.kvRecords('oci_audit_checkpoints').filter((r) => r.type === 'checkpoint').length;
        const served = s.eventsServed.toLocaleString('en');
        const line = `  ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s  ListEvents ${s.listEventsRequests}  events served ${served}  checkpoints ${cps}`;
        process.stdout.write(tty ? `\r${line}   ` : `${line}\n`);
      },
      tty ? 500 : 2000,
    );
    const r = await runInput(splunkd, { command, name: 'demo', params, env, timeoutMs: 30 * MINUTE });
    clearInterval(progress);
    if (tty) process.stdout.write('\n');
    appendIndex(indexFile, r.events);
    results.push(r);
    const f = summaryFields(r);
    console.log(
      `  exit ${r.exitCode}  regions ${f.regions}  compartments ${f.compartments}  pairs ${f.pairs}  windows ${f.windows}  pages ${f.pages}` +
        `  events ${r.events.length.toLocaleString('en')}  ${f.events_per_second} events/s  retries ${f.retries}  errors ${f.errors}` +
        `  stream errors ${r.streamErrors.length}  ${(r.durationMs / 1000).toFixed(1)} s\n`,
    );
  }

  const ids = new Set<string>();
  let dup = 0;
  for (const r of results)
    for (const e of r.events) {
      const id = (JSON.parse(e._raw) as { eventId: string }).eventId;
      if (ids.has(id)) dup++;
      ids.add(id);
    }
  const truth = groundTruth(oci, splunkd.kvRecords('oci_audit_checkpoints'), start);
  const missing = [...truth.ids].filter((id) => !ids.has(id)).length;
  const unexpected = [...ids].filter((id) => !truth.ids.has(id)).length;
  const errors = results.flatMap((r) => r.stderrLines.filter((l) => /^(ERROR|FATAL)/.test(l)));
  const failedRuns = results.filter((r) => r.exitCode !== 0 || r.streamErrors.length > 0).length;
  console.log('Summary');
  console.log(
    `  events indexed     ${ids.size.toLocaleString('en')} (expected ${truth.ids.size.toLocaleString('en')} from the emulator's ground truth up to each pair's checkpoint)`,
  );
  if (missing || unexpected) console.log(`  missing            ${missing}  unexpected ${unexpected}`);
  console.log(
    `  checkpoints        ${truth.checkpointed} pairs${truth.uncheckpointed ? ` (${truth.uncheckpointed} pairs with events have none)` : ''}`,
  );
  console.log(`  duplicates         ${dup}`);
  console.log(`  ERROR lines        ${errors.length}`);
  console.log(`  indexed events     ${path.relative(ROOT, indexFile)}`);
  console.log(`  splunkd.log        ${path.join(splunkd.splunkHome, 'var/log/splunk/splunkd.log')} (removed at exit)`);
  await Promise.all([oci.close(), splunkd.close()]);
  const failures = [
    failedRuns ? `${failedRuns} run(s) exited non-zero or wrote a malformed stream` : '',
    missing ? `${missing} events missing` : '',
    unexpected ? `${unexpected} events not in the ground truth` : '',
    dup ? `${dup} duplicates` : '',
    errors.length ? `${errors.length} ERROR lines` : '',
    truth.uncheckpointed ? `${truth.uncheckpointed} pairs with events have no checkpoint` : '',
  ].filter(Boolean);
  console.log(failures.length ? `\ndemo: FAILED: ${failures.join(', ')}` : '\ndemo: OK');
  process.exit(failures.length ? 1 : 0);
}

/**
 * The events the emulator holds, per (region, compartment), from the input's start up to that pair's
 * checkpoint (processed time, end exclusive: docs/contract.md "KV store records"): exactly what the runs had to
 * deliver, however late in the minute they ended.
 */
function groundTruth(
  oci: OciEmulator,
  records: Array<Record<string, unknown>>,
  start: Date,
): { ids: Set<string>; checkpointed: number; uncheckpointed: number } {
  const reached = new Map<string, number>();
  for (const r of records)
    if (r.type === 'checkpoint' && r.input === 'demo')
      reached.set(`${String(r.region)}|${String(r.compartment_id)}`, Date.parse(String(r.checkpoint)));
  const t = oci.tenancy;
  const ids = new Set<string>();
  let uncheckpointed = 0;
  for (const region of t.regions)
    for (const comp of [t.tenancyId, ...t.compartments.map((c) => c.id)]) {
      const until = reached.get(`${region.regionName}|${comp}`);
      if (until === undefined) {
        if (oci.countEvents(start, new Date(8.64e15), { regions: [region.regionName], compartments: [comp] }) > 0) uncheckpointed++;
        continue;
      }
      for (const ev of oci.events(region.regionName, comp, start, new Date(until))) ids.add(String(ev.eventId));
    }
  return { ids, checkpointed: reached.size, uncheckpointed };
}

main().catch((err: unknown) => {
  // One plain line: what failed, never a stack (HELPERS: a failing command prints one line).
  const what = err instanceof DemoError ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  console.log(`\ndemo: FAILED: ${what.split('\n')[0]}`);
  process.exit(1);
});
