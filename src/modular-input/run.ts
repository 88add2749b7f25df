// Streaming mode: splunkd starts us with no argument and the <input> document on stdin (Splunk docs
// "Create modular inputs", https://docs.splunk.com/Documentation/Splunk/9.4.0/AdvancedDev/ModInputsScripts). With a
// positive `interval` (or a cron schedule): one pass over every window that is due, then exit; splunkd runs us
// again after `interval`. With `interval` 0 or -1: keep running, one cycle a minute on the per-pair schedule
// (docs/scheduling.md, src/modular-input/cycles.ts).
import { log } from '../log/logger';
import { logFilePath, openLogFile } from '../log/log-file';
import { openSession, type OciSession } from '../oci/session';
import { EventFormatter, EventStream } from '../output/event-stream';
import { CheckpointStore } from '../pipeline/checkpoints';
import { CHECKPOINT_COLLECTION } from '../splunk/account-rules';
import { Lease } from '../pipeline/lease';
import { Collector, FatalRunError } from '../pipeline/collector';
import { ociRetryPolicy } from '../pipeline/retry';
import { loadAccount, loadSettings } from '../splunk/account';
import { kvStoreProblem, kvStoreState } from '../splunk/kvstore-status';
import { parseInputDefinition, type InputStanza, type SplunkContext } from '../splunk/input-xml';
import { ParameterError, parseInputConfig, SCHEME, type InputConfig } from '../splunk/parameters';
import { SplunkdClient, SplunkdError } from '../splunk/splunkd-client';
import { readStdinDocument } from './stdin';
import { checkRouteIndexes, routeIndexWarning } from './route-indexes';
import { hostname } from 'node:os';
import { envNumber } from '../knobs';
import { ConfigError } from '../config-error';
import { handoverKey, nextCycleAt, runsContinuously, waitUntil } from './cycles';
import { standBy } from './standby';

/** Exit codes: 0 done (window errors are logged and retried next run), 1 the run could not proceed. */
export async function runStreaming(stopSignal: AbortSignal): Promise<number> {
  let doc: string;
  try {
    doc = await readStdinDocument('</input>');
  } catch (err) {
    log.error(`cannot read the input definition from splunkd: ${(err as Error).message}`);
    return 1;
  }
  let def;
  try {
    def = parseInputDefinition(doc);
  } catch (err) {
    log.error(`the input definition from splunkd is not usable: ${(err as Error).message}`);
    return 1;
  }
  log.addSecret(def.sessionKey);
  const file = logFilePath(process.env.SPLUNK_HOME);
  let current = '';
  const logFile = file ? openLogFile(file, () => current) : undefined;
  if (logFile) log.addSink(logFile.sink);
  const stanzas = def.stanzas.filter((s) => s.stanza.startsWith(`${SCHEME}://`));
  if (stanzas.length === 0) {
    log.warn('the input definition names no oci_audit stanza: nothing to do');
    return 0;
  }
  const stream = new EventStream(process.stdout);
  let code = 0;
  for (const stanza of stanzas) {
    if (stopSignal.aborted) break;
    current = `stanza=${stanza.stanza} `;
    code = Math.max(code, await runStanza(def, stanza, stream, stopSignal));
  }
  // splunkd starts an interval-0 input again as soon as it exits: a failure would repeat at once, forever.
  if (code !== 0 && !stopSignal.aborted && stanzas.some((s) => runsContinuously(s.params.interval))) {
    const pauseS = envNumber('TA_OCI_AUDIT_RESTART_PAUSE_S', 60);
    log.info(`waiting ${pauseS} s before exiting, so that splunkd does not start the failing input again at once`);
    await waitUntil(Date.now() + pauseS * 1000, stopSignal);
  }
  await stream.end();
  logFile?.close();
  return code;
}

/** A thrown value in words: an Error's stack, else a `message` field (the SDK rejects with plain objects), else JSON. */
function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  const m = (err as { message?: unknown } | null)?.message;
  if (typeof m === 'string') return m;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

/** How long a lease outlives its last renewal; a crashed holder on this host is detected sooner by its pid. */
function leaseTtlMs(): number {
  return envNumber('TA_OCI_AUDIT_LEASE_TTL_S', 120) * 1000;
}

type LeaseOrNoKvStore = Awaited<ReturnType<Lease['acquire']>> | { acquired: false; noKvStore: string };

async function runStanza(ctx: SplunkContext, input: InputStanza, stream: EventStream, stopSignal: AbortSignal): Promise<number> {
  const name = input.stanza;
  let splunkd: SplunkdClient;
  try {
    splunkd = new SplunkdClient(ctx.serverUri, ctx.sessionKey);
  } catch (err) {
    log.error(`input ${name}: ${(err as Error).message}`, { category: 'splunkd' });
    return 1;
  }
  // The start-up steps that do not wait for each other go out together (docs/performance.md, start-up):
  // settings, the lease, the account with its secret; OCI discovery as soon as the account is read.
  // They are awaited in the order they were awaited one by one before, so the same failure is reported.
  let lease: Lease | undefined;
  let leaseAcquire: Promise<LeaseOrNoKvStore> | undefined;
  let sessionP: Promise<OciSession> | undefined;
  try {
    const config = parseInputConfig(name, input.params);
    const continuous = runsContinuously(input.params.interval);
    const settingsP = loadSettings(splunkd);
    // No KV store here (universal forwarder, or disabled): one clear ERROR and nothing collected, instead
    // of the lease's retries. The lease is asked for once the KV store is known to be there.
    const kvProblemP = kvStoreState(splunkd).then(kvStoreProblem);
    const newLease = new Lease(splunkd, CHECKPOINT_COLLECTION, config.name, { ttlMs: leaseTtlMs(), onWarn: (m) => log.warn(m) });
    lease = newLease;
    leaseAcquire = kvProblemP.then((problem): Promise<LeaseOrNoKvStore> | LeaseOrNoKvStore =>
      problem ? { acquired: false, noKvStore: problem } : newLease.acquire(),
    );
    void splunkd.listPasswords().catch(() => undefined); // the account's secret, read alongside its stanza
    const accountP = loadAccount(splunkd, config.account);
    for (const p of [settingsP, leaseAcquire, accountP]) p.catch(() => undefined); // each is awaited below
    const settings = await settingsP;
    log.setLevel(settings.logLevel);
    sessionP = accountP.then(async (account) => {
      // No OCI request from an instance where the input cannot run (no KV store, reported below); one local call.
      if (await kvProblemP) throw new Error('no KV store');
      const session = await openSession(account, settings.proxy, config.maxConcurrency);
      session.discovery.prefetch(session.tenancyId, { regions: config.regions === '*', compartments: config.compartments === '*' });
      return session;
    });
    sessionP.catch(() => undefined);
    let got = await leaseAcquire;
    if ('noKvStore' in got) {
      log.error(`input ${name}: ${got.noKvStore}`, { category: 'configuration' });
      return 1;
    }
    if (!got.acquired && continuous) {
      // A process of this instance holds it: splunkd started this one for an edit (docs/scheduling.md), so ask it
      // to hand over. Another instance holds it (a search head cluster member): stand by, since splunkd would
      // start this process again at once if it exited (src/modular-input/standby.ts).
      const sameHost = got.holder.host === hostname();
      const taken = sameHost
        ? await takeOver(splunkd, newLease, config.name, stopSignal)
        : await standBy(splunkd, CHECKPOINT_COLLECTION, newLease, config.name, got.holder, stopSignal);
      if (taken) {
        leaseAcquire = Promise.resolve({ acquired: true as const });
        got = { acquired: true };
      } else if (!sameHost) return 0; // stopped, or left to a newer process of this host: standBy said so
    }
    if (!got.acquired) {
      const h = got.holder;
      // In a search head cluster this member's KV reads may lag the captain: the holder may not show yet, or
      // show a lease that has been renewed since (docs/reliability.md "Stale KV reads").
      const until = new Date(h.expiresAt).toISOString();
      const who =
        h.owner === '?'
          ? 'its lease is not yet visible on this instance'
          : `${h.host} pid ${h.pid}, lease until ${until}${h.expiresAt <= Date.now() ? ' as this instance reads it, renewed since' : ''}`;
      log.info(`another process of input ${config.name} is running (${who}); this one exits without collecting`, { input: config.name });
      return 0;
    }
    return await collectStanza(splunkd, config, sessionP, stream, AbortSignal.any([stopSignal, lease.lost]), lease.lost, continuous);
  } catch (err) {
    if (err instanceof ParameterError) log.error(`input ${name}: ${err.message}`, { category: 'configuration' });
    else if (err instanceof ConfigError) log.error(`input ${name}: ${err.message}`, { category: 'configuration' });
    else if (err instanceof FatalRunError) log.error(`input ${name}: ${err.message}`, { category: err.category ?? 'configuration' });
    else if (err instanceof SplunkdError)
      log.error(
        `input ${name}: ${err.sessionExpired ? 'the splunkd session key was rejected (401); progress could not be saved' : err.message}`,
        { category: 'splunkd' },
      );
    else log.error(`input ${name}: unexpected error: ${describe(err)}`);
    return 1;
  } finally {
    // The OCI session whatever happened, and a lease taken while another step failed.
    await sessionP?.then((s) => s.close()).catch(() => undefined);
    const got = await leaseAcquire?.catch(() => undefined);
    if (lease && got?.acquired)
      await lease.release().catch((err: unknown) => log.debug(`could not release the lease: ${(err as Error).message}`));
    await splunkd.close();
  }
}

/**
 * Asks the process holding the lease to hand over (a `handover|<input>` record it reads after each cycle) and waits
 * for the lease, up to TA_OCI_AUDIT_HANDOVER_WAIT_S (default 180 s). True when this process now holds it.
 */
async function takeOver(splunkd: SplunkdClient, lease: Lease, input: string, stop: AbortSignal): Promise<boolean> {
  const requestedAt = Date.now();
  const rec = { _key: handoverKey(input), type: 'handover', input, requested_at: requestedAt, host: hostname(), pid: process.pid };
  await splunkd.kvUpsert(CHECKPOINT_COLLECTION, rec);
  log.info(`input ${input}: another process holds the lease; asked it to hand over after its cycle`, { input });
  const deadline = requestedAt + envNumber('TA_OCI_AUDIT_HANDOVER_WAIT_S', 180) * 1000;
  while (!stop.aborted && Date.now() < deadline) {
    if (!(await waitUntil(Date.now() + 2000, stop))) return false;
    const got = await lease.acquire();
    if (got.acquired) {
      await splunkd.kvDelete(CHECKPOINT_COLLECTION, handoverKey(input)).catch(() => false);
      return true;
    }
  }
  return false;
}

/** Whether a process started after `since` asked for a handover. */
async function handoverAsked(splunkd: SplunkdClient, input: string, since: number): Promise<boolean> {
  try {
    const r = await splunkd.kvGet(CHECKPOINT_COLLECTION, handoverKey(input));
    return typeof r?.requested_at === 'number' && r.requested_at >= since && r.pid !== process.pid;
  } catch {
    return false;
  }
}

/** One input's run while it holds the lease (one pass, or cycles until stopped); throws what runStanza reports. */
async function collectStanza(
  splunkd: SplunkdClient,
  config: InputConfig,
  sessionP: Promise<OciSession>,
  stream: EventStream,
  stopSignal: AbortSignal,
  leaseLost: AbortSignal,
  continuous: boolean,
): Promise<number> {
  const startedAt = Date.now();
  // Read now, used at the end: the inputs that still exist (for removing old checkpoints).
  const inputsP = listInputs(splunkd);
  // Route indexes this instance does not define: one WARN, the run goes on (src/modular-input/route-indexes.ts).
  const routes = config.eventRules.routeIndexes();
  const routeCheck = routes.length
    ? checkRouteIndexes(splunkd, routes).then((c) => {
        const warning = routeIndexWarning(c);
        if (warning) log.warn(warning, { input: config.name });
      })
    : undefined;
  routeCheck?.catch(() => undefined);
  // Checkpoints of windows whose events splunkd may not have read yet wait (src/pipeline/unread-tail.ts).
  const store = new CheckpointStore(splunkd, config.name, { flushedBytes: () => stream.flushedBytes });
  const opened = store.open(Date.now());
  opened.catch(() => undefined);
  const session = await sessionP; // closed by runStanza
  await opened;
  let handedOver = false;
  for (let cycle = 1; ; cycle++) {
    const cycleStart = Date.now();
    const collector = new Collector({
      config,
      tenancyId: session.tenancyId,
      discovery: session.discovery,
      reader: session.reader,
      store,
      stream,
      log,
      signal: stopSignal,
      retry: ociRetryPolicy(),
      formatterFor: (region) => new EventFormatter(config.stanza, region),
      schedule: continuous ? { quietMaxMinutes: config.quietPairMaxMinutes, rereadEveryMinutes: config.rereadEveryMinutes } : undefined,
    });
    let failure: unknown;
    try {
      await collector.run();
    } catch (err) {
      failure = err;
    }
    const last = !continuous || failure !== undefined || stopSignal.aborted || stream.broken;
    if (!last) handedOver = await handoverAsked(splunkd, config.name, startedAt);
    const ending = last || handedOver;
    // Whatever happened, save the windows that were delivered; those whose events may still be unread
    // only when the process ends normally with stdout open, so that splunkd reads them.
    try {
      await store.flush({ streamComplete: ending && !stream.broken && !stopSignal.aborted });
    } catch (err) {
      log.error(
        `cannot save progress to the KV store (${(err as Error).message}); the windows delivered since the last save will be sent again next run`,
        { input: config.name, category: 'configuration' },
      );
      failure ??= err;
    }
    await routeCheck;
    logSummary(config, collector, stopSignal, leaseLost, continuous ? cycle : undefined);
    if (failure) throw failure;
    if (leaseLost.aborted)
      throw new FatalRunError(
        `${(leaseLost.reason as Error).message}; stopped so that two processes do not send the same windows`,
        'splunkd',
      );
    if (handedOver) {
      log.info(`input ${config.name}: a new process of this input asked to take over (the input was edited or restarted); handing over`, {
        input: config.name,
      });
      break;
    }
    if (ending) break;
    if (!(await waitUntil(nextCycleAt(cycleStart, Date.now()), stopSignal))) break;
  }
  await removeOrphans(store, await inputsP);
  return 0;
}

/** The run's (or cycle's) summary line, and one freshness line per region that wrote events. */
function logSummary(config: InputConfig, collector: Collector, stop: AbortSignal, leaseLost: AbortSignal, cycle?: number): void {
  log.info('run summary', {
    input: config.name,
    cycle,
    ...collector.stats.fields(),
    ...collector.freshness.fields(),
    stopped: stop.aborted ? (leaseLost.aborted ? 'lease lost' : 'signal') : undefined,
  });
  for (const r of collector.stats.ruleSummaries()) log.info('event rule summary', { input: config.name, ...r });
  for (const r of collector.freshness.byRegion()) log.info('freshness', { input: config.name, ...r });
}

/** The names of the inputs splunkd lists; undefined when they cannot be read (then nothing is removed). */
async function listInputs(splunkd: SplunkdClient): Promise<Set<string> | undefined> {
  try {
    const { json } = await splunkd.call('GET', `/servicesNS/-/-/data/inputs/${SCHEME}?count=0`);
    const entries = (json as { entry?: Array<{ name?: unknown }> } | undefined)?.entry;
    if (!Array.isArray(entries)) return undefined;
    return new Set(entries.map((e) => String(e.name ?? '')));
  } catch (err) {
    log.debug(`could not list inputs to remove old checkpoints: ${(err as Error).message}`);
    return undefined;
  }
}

/** Removes the checkpoints of deleted inputs (best effort: a failure only logs). */
async function removeOrphans(store: CheckpointStore, names: Set<string> | undefined): Promise<void> {
  if (!names) return;
  try {
    const removed = await store.removeOrphans(names);
    if (removed.length) log.info('removed checkpoints of deleted inputs', { inputs: removed.join(',') });
  } catch (err) {
    log.debug(`could not remove old checkpoints: ${(err as Error).message}`);
  }
}
