// The main job on the bundled emulators: a generated tenancy (4 regions, 96 compartments, the seed's
// 1 M events a day), the oci_audit executable run twice exactly as splunkd runs it, progress while it
// works, a summary, and the "indexed" events in a file.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generateTenancy, startOciEmulator } from '../../test/emulators/oci';
import { appendIndex, runInput, startSplunkd, type RunResult } from '../../test/emulators/splunkd';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'package', 'demo');
const MINUTE = 60_000;

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
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
  const now = Date.now();
  const start = new Date(Math.floor((now - (minutes + 5) * MINUTE) / MINUTE) * MINUTE);

  const tenancy = generateTenancy({
    seed: 2026,
    regions,
    compartments,
    deletedCompartments: 3,
    eventsPerDay,
    eventsFrom: new Date(start.getTime() - 60 * MINUTE),
  });
  const oci = await startOciEmulator({ tenancy, pageSize: 1000 });
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

  const expected = oci.countEvents(start, new Date(Math.floor((now - 5 * MINUTE) / MINUTE) * MINUTE));
  const deleted = tenancy.compartments.filter((c) => c.lifecycleState === 'DELETED').length;
  console.log(
    `OCI emulator  ${oci.url}  tenancy ${tenancy.name}: ${tenancy.regions.length} regions, ` +
      `${tenancy.compartments.length} compartments (${deleted} deleted), ${eventsPerDay.toLocaleString('en')} events/day`,
  );
  console.log(`splunkd       ${splunkd.serverUri}  SPLUNK_HOME ${splunkd.splunkHome}`);
  console.log(`input         oci_audit://demo  start_date_time=${start.toISOString()}  (~${expected.toLocaleString('en')} events due)\n`);

  const params = {
    account: 'demo',
    start_date_time: start.toISOString().replace('.000Z', 'Z'),
    query_window_size: '60',
    delay_throttle: '5',
    max_concurrency: '8',
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
    const r = await runInput(splunkd, { command, name: 'demo', params, timeoutMs: 30 * MINUTE });
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
  const errors = results.flatMap((r) => r.stderrLines.filter((l) => /^(ERROR|FATAL)/.test(l)));
  console.log('Summary');
  console.log(
    `  events indexed     ${ids.size.toLocaleString('en')} (expected ${expected.toLocaleString('en')} from the emulator's ground truth)`,
  );
  console.log(`  duplicates         ${dup}`);
  console.log(`  ERROR lines        ${errors.length}`);
  console.log(`  indexed events     ${path.relative(ROOT, indexFile)}`);
  console.log(`  splunkd.log        ${path.join(splunkd.splunkHome, 'var/log/splunk/splunkd.log')} (removed at exit)`);
  await Promise.all([oci.close(), splunkd.close()]);
  const ok =
    results.every((r) => r.exitCode === 0 && r.streamErrors.length === 0) && dup === 0 && ids.size === expected && errors.length === 0;
  console.log(ok ? '\ndemo: OK' : '\ndemo: FAILED');
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
