// End-to-end test world: the OCI emulator, the splunkd emulator with this app's default/ confs,
// an account whose key the OCI emulator knows, and the real executable run as splunkd runs it.
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateTenancy, startOciEmulator, type OciEmulator, type OciEmulatorOptions, type TenancyOptions } from '../emulators/oci';
import {
  runInput,
  runValidation,
  startSplunkd,
  type KvReplicaSet,
  type RunOptions,
  type RunResult,
  type Splunkd,
} from '../emulators/splunkd';

export const ROOT = path.resolve(__dirname, '../..');
/** default/restmap.conf's `script`: the Python REST handler in the app's bin/ */
export const REST_HANDLER = 'ta_oci_audit_rest.py';
export const ACCOUNT_REALM = '__REST_CREDENTIAL__#TA-oci-audit#configs/conf-ta_oci_audit_account';
export const SETTINGS_REALM = '__REST_CREDENTIAL__#TA-oci-audit#configs/conf-ta_oci_audit_settings';

/** The executable under test: OCI_AUDIT_BIN (e.g. the packaged SEA binary) or the esbuild bundle. */
export function binaryCommand(): string[] {
  const bin = process.env.OCI_AUDIT_BIN;
  if (bin) return [path.resolve(bin)];
  const bundle = path.join(ROOT, 'dist', 'oci_audit.js');
  if (!existsSync(bundle)) throw new Error('dist/oci_audit.js is missing: run `npm run build` first (npm test does)');
  return [process.execPath, bundle];
}

/**
 * Installs what default/restmap.conf runs, as installing the .spl would: the REST handler
 * $SPLUNK_HOME/etc/apps/TA-oci-audit/bin/ta_oci_audit_rest.py (a copy, so it finds the executable beside it
 * as in a real install) and the executable it starts on Linux, linux_x86_64/bin/oci_audit (the bundle gets a
 * two-line sh wrapper).
 */
export function installExecutable(splunkd: Splunkd, command: string[]): string {
  const appHome = path.join(splunkd.splunkHome, 'etc', 'apps', splunkd.app);
  mkdirSync(path.join(appHome, 'bin'), { recursive: true });
  copyFileSync(path.join(ROOT, 'bin', REST_HANDLER), path.join(appHome, 'bin', REST_HANDLER));
  const dir = path.join(appHome, 'linux_x86_64', 'bin');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'oci_audit');
  if (existsSync(file)) return file;
  if (command.length === 1) symlinkSync(path.resolve(command[0]), file);
  else {
    const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    writeFileSync(file, `#!/bin/sh\nexec ${command.map(q).join(' ')} "$@"\n`);
    chmodSync(file, 0o755);
  }
  return file;
}

export interface World {
  oci: OciEmulator;
  splunkd: Splunkd;
  command: string[];
  run(params: Record<string, string>, opts?: Partial<RunOptions> & { name?: string }): Promise<RunResult>;
  validate(name: string, params: Record<string, string>): ReturnType<typeof runValidation>;
  checkpoints(input?: string): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface WorldOptions {
  tenancy?: TenancyOptions;
  oci?: Omit<OciEmulatorOptions, 'tenancy'>;
  account?: Record<string, string>;
  kvStartupMs?: number;
  /** Another world's OCI emulator (a second forwarder reading the same tenancy); not closed by this world. */
  sharedOci?: OciEmulator;
  /** splunkd's serverName (default "splunk-emulator"). */
  serverName?: string;
  /** A KV store shared with other worlds' splunkd, as search head cluster members share one (and their reads' lag). */
  kvReplicaSet?: KvReplicaSet;
  kvReadLagMs?: number;
}

/**
 * What `world.run` gives a stanza that does not set them: one pass per run with the values shipped before the
 * running process became the default (interval 300, delay 5, lookback off), so that a run ends and the suites'
 * expectations about delay and lookback hold. The emulator still merges the app's default/inputs.conf under the
 * stanza, as splunkd does; these stand for values written in the stanza (docs/contract.md, "Upgrade").
 */
export const ONE_PASS: Readonly<Record<string, string>> = { interval: '300', delay_throttle: '5', lookback_minutes: '0' };

/** ONE_PASS without the keys that the input's stanza in inputs.conf sets itself. */
export function onePassUnlessSet(splunkd: Splunkd, name: string): Record<string, string> {
  const stanza = splunkd.getConf('inputs', `oci_audit://${name}`) ?? {};
  return Object.fromEntries(Object.entries(ONE_PASS).filter(([k]) => !(k in stanza)));
}

/** Fast retries and short HTTP timeouts keep fault tests quick; production defaults are 1 s / 60 s. */
export const TEST_ENV = { TA_OCI_AUDIT_RETRY_BASE_MS: '20', TA_OCI_AUDIT_HTTP_TIMEOUT_S: '5' };

/** A ta_oci_audit_account.conf stanza for the emulated tenancy's user and API key. */
export function accountConf(oci: OciEmulator): Record<string, string> {
  return {
    auth_type: 'api_key',
    tenancy_ocid: oci.tenancy.tenancyId,
    user_ocid: oci.apiKey.userId,
    fingerprint: oci.apiKey.fingerprint,
    region: oci.tenancy.homeRegion,
    identity_endpoint: oci.identityEndpoint,
    audit_endpoint: oci.auditEndpoint,
  };
}

export async function startWorld(o: WorldOptions = {}): Promise<World> {
  const tenancy = generateTenancy({ seed: 7, regions: 2, compartments: 8, deletedCompartments: 2, eventsPerDay: 50_000, ...o.tenancy });
  const oci = o.sharedOci ?? (await startOciEmulator({ tenancy, pageSize: 200, ...o.oci }));
  const splunkd = await startSplunkd({
    appDir: ROOT,
    kvStartupMs: o.kvStartupMs ?? 0,
    serverName: o.serverName,
    kvReplicaSet: o.kvReplicaSet,
    kvReadLagMs: o.kvReadLagMs,
  });
  // default/collections.conf declares the checkpoint collection; declare it when the app tree lacks it.
  if (!splunkd.getConf('collections', 'oci_audit_checkpoints'))
    splunkd.setConf('collections', 'oci_audit_checkpoints', { enforceTypes: 'false', replicate: 'false' });
  const command = binaryCommand();
  splunkd.registerModularInput('oci_audit', command);
  installExecutable(splunkd, command);
  splunkd.setConf('ta_oci_audit_account', 'main', { ...accountConf(oci), ...o.account });
  splunkd.setPassword(ACCOUNT_REALM, 'main', JSON.stringify({ private_key: oci.apiKey.privateKeyPem }));
  return {
    oci,
    splunkd,
    command,
    run: (params, opts = {}) =>
      runInput(splunkd, {
        command,
        name: opts.name ?? 'test',
        timeoutMs: 60_000,
        ...opts,
        params: { account: 'main', ...onePassUnlessSet(splunkd, opts.name ?? 'test'), ...params },
        env: { ...TEST_ENV, ...opts.env },
      }),
    validate: (name, params) => runValidation(splunkd, { command, name, params, env: TEST_ENV }),
    checkpoints: (input) =>
      splunkd.kvRecords('oci_audit_checkpoints').filter((r) => r.type === 'checkpoint' && (input === undefined || r.input === input)),
    async close() {
      await Promise.all([o.sharedOci ? undefined : oci.close(), splunkd.close()]);
    },
  };
}

/** The events the API holds for each checkpointed pair between `start` and its checkpoint. */
export function expectedEvents(world: World, start: Date, input = 'test'): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const cp of world.checkpoints(input)) {
    const until = new Date(String(cp.checkpoint));
    for (const ev of world.oci.events(String(cp.region), String(cp.compartment_id), start, until)) out.set(String(ev.eventId), ev);
  }
  return out;
}

export function isoMinutesAgo(min: number, from = Date.now()): string {
  return new Date(Math.floor((from - min * 60_000) / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
}

/** The run's ERROR and FATAL lines on stderr (splunkd's log levels). */
export function errorLines(r: RunResult): string[] {
  return r.stderrLines.filter((l) => /^(ERROR|FATAL)/.test(l));
}
