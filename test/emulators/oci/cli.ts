// Manual use: npx tsx test/emulators/oci/cli.ts --port 0 --compartments 96 --out /tmp/oci-emu
// Prints the URL and endpoint templates, writes the API key PEM and an account JSON (field names of the
// ta_oci_audit_account.conf stanza, docs/contract.md "Accounts") to --out, and serves until SIGINT/SIGTERM.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateTenancy, startOciEmulator } from './index';

const USAGE = `usage: cli.ts [--port N] [--seed N] [--regions N] [--compartments N] [--deleted N] [--in-progress N]
  [--events-per-day N] [--events-from ISO] [--page-size N] [--out DIR]
  [--throttle F] [--server-errors F] [--reset F] [--hang F] [--malformed F] [--latency MS|MIN-MAX] [--empty-pages]
  [--faults-only audit|identity] [--clock-offset-hours H] [--time-filter processed|eventTime] [--quiet-pairs F]`;

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      regions: { type: 'string', default: '4' },
      compartments: { type: 'string', default: '96' },
      deleted: { type: 'string', default: '3' },
      'in-progress': { type: 'string', default: '0' },
      'events-per-day': { type: 'string', default: '1000000' },
      'events-from': { type: 'string' },
      'page-size': { type: 'string', default: '1000' },
      out: { type: 'string' },
      throttle: { type: 'string' },
      'server-errors': { type: 'string' },
      reset: { type: 'string' },
      hang: { type: 'string' },
      malformed: { type: 'string' },
      latency: { type: 'string' },
      'empty-pages': { type: 'boolean', default: false },
      'faults-only': { type: 'string' },
      'clock-offset-hours': { type: 'string' },
      'time-filter': { type: 'string' },
      'quiet-pairs': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (v.help) {
    console.log(USAGE);
    return;
  }
  const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
  const tenancy = generateTenancy({
    seed: num(v.seed),
    regions: num(v.regions),
    compartments: num(v.compartments),
    deletedCompartments: num(v.deleted),
    inProgressRegions: num(v['in-progress']),
    eventsPerDay: num(v['events-per-day']),
    eventsFrom: v['events-from'] ? new Date(v['events-from']) : undefined,
    quietPairs: num(v['quiet-pairs']),
  });
  const lat = v.latency?.includes('-') ? (v.latency.split('-').map(Number) as [number, number]) : num(v.latency);
  const only = v['faults-only'] === 'audit' || v['faults-only'] === 'identity' ? v['faults-only'] : undefined;
  const emu = await startOciEmulator({
    tenancy,
    port: num(v.port),
    pageSize: num(v['page-size']),
    clockOffsetMs: (num(v['clock-offset-hours']) ?? 0) * 3_600_000,
    timeFilter: v['time-filter'] === 'eventTime' ? 'eventTime' : v['time-filter'] === 'processed' ? 'processed' : undefined,
    faults: {
      throttleRate: num(v.throttle),
      serverErrorRate: num(v['server-errors']),
      resetRate: num(v.reset),
      hangRate: num(v.hang),
      malformedRate: num(v.malformed),
      latencyMs: lat,
      emptyPagesWithToken: v['empty-pages'],
      only,
    },
  });
  const account = {
    auth_type: 'api_key',
    tenancy_ocid: emu.apiKey.tenancyId,
    user_ocid: emu.apiKey.userId,
    fingerprint: emu.apiKey.fingerprint,
    region: tenancy.homeRegion,
    identity_endpoint: emu.identityEndpoint,
    audit_endpoint: emu.auditEndpoint,
  };
  console.log(`url               ${emu.url}`);
  console.log(`identity_endpoint ${emu.identityEndpoint}`);
  console.log(`audit_endpoint    ${emu.auditEndpoint}`);
  const regions = tenancy.regions.map((r) => `${r.regionName}:${r.status}`).join(' ');
  console.log(`tenancy           ${tenancy.tenancyId} (${tenancy.name}), ${tenancy.compartments.length} compartments, regions ${regions}`);
  if (v.out) {
    fs.mkdirSync(v.out, { recursive: true });
    const pem = path.join(v.out, 'oci_api_key.pem');
    fs.writeFileSync(pem, emu.apiKey.privateKeyPem, { mode: 0o600 });
    fs.writeFileSync(path.join(v.out, 'account.json'), `${JSON.stringify({ ...account, private_key_file: pem }, null, 2)}\n`);
    fs.writeFileSync(path.join(v.out, 'tenancy.json'), `${JSON.stringify(tenancy, null, 2)}\n`);
    console.log(`wrote             ${pem}, account.json, tenancy.json in ${v.out}`);
  } else {
    console.log(JSON.stringify(account));
  }
  const stop = (): void => {
    console.log(JSON.stringify(emu.stats()));
    void emu.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
