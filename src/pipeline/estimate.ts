// What event rules would keep, route and drop: reads the last N hours of a tenancy (ListEvents, as a run
// would) and counts events and bytes per rule, then per day. Shared by `oci_audit preview --estimate` and
// the add-on's REST endpoint POST ta_oci_audit/estimate (src/rest/estimate-endpoint.ts).
//
// Bounded in time: the work is cut into (region, compartment, hour) windows read in a random order, so
// whatever was read when the time is up is a uniform sample of all of them; the totals are extrapolated
// from it (x windows / windows read) and the answer says so (complete: false, note).
import { Buffer } from 'node:buffer';
import type { AuditEventsReader } from '../oci/audit-events';
import { classify, explain } from '../oci/errors';
import type { CompartmentInfo, IdentityDiscovery } from '../oci/identity';
import { floorMinute, MINUTE, rfc3339Minute } from '../oci/rfc3339';
import type { CompartmentNode, Decision, EventRules } from './event-rules';
import type { OciAccount, OciProxy } from '../oci/account';
import { openSession } from '../oci/session';
import type { InputConfig } from '../splunk/parameters';
import { ociRetryPolicy, retrying, type BackoffPolicy } from './retry';
import { decisionTotals, RuleTally } from './run-stats';

const HOUR = 60 * MINUTE;
/** GB as Splunk's license usage report computes it from license_usage.log (b/1024/1024/1024). */
const GB = 1024 ** 3;
export const MAX_ESTIMATE_HOURS = 168;

export interface EstimateOptions {
  tenancyId: string;
  discovery: IdentityDiscovery;
  reader: AuditEventsReader;
  regions: '*' | string[];
  compartments: '*' | string[];
  excludeCompartments: string[];
  rules: EventRules;
  /** whole hours back from now minus the delay, 1 to MAX_ESTIMATE_HOURS */
  hours: number;
  /** stop reading after this long and extrapolate */
  budgetMs: number;
  concurrency: number;
  retry: BackoffPolicy;
  /** minutes held back from now, as the input's delay_throttle (events OCI has not made visible yet) */
  delayMinutes?: number;
  now?: () => number;
  signal?: AbortSignal;
  /** the order windows are read in (tests); default Math.random */
  random?: () => number;
}

export interface Volume {
  events: number;
  bytes: number;
  eventsPerDay: number;
  gbPerDay: number;
}

export interface Estimate {
  hours: number;
  /** from, to: the processed-time span estimated (ISO 8601) */
  from: string;
  to: string;
  regions: number;
  compartments: number;
  /** estimated events and bytes in the span (all decisions) */
  events: number;
  bytes: number;
  complete: boolean;
  note?: string;
  /** (region, compartment, hour) windows in the span, and how many were read */
  windows: number;
  windowsRead: number;
  seconds: number;
  decisions: Record<Decision, Volume>;
  rules: Array<{ rule: number; label: string; text: string; decision: Decision; index?: string } & Volume>;
  unmatched: Volume;
}

interface Unit {
  region: string;
  compartmentId: string;
  start: number;
  end: number;
}

/** Thrown for what makes an estimate impossible (authentication, no region); the message is one sentence. */
export class EstimateError extends Error {
  constructor(
    message: string,
    readonly status = 502,
  ) {
    super(message);
    this.name = 'EstimateError';
  }
}

export async function estimate(o: EstimateOptions): Promise<Estimate> {
  const started = Date.now();
  const now = (o.now ?? Date.now)();
  const to = floorMinute(now) - (o.delayMinutes ?? 5) * MINUTE;
  const from = to - o.hours * HOUR;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), o.budgetMs);
  const signal = o.signal ? AbortSignal.any([o.signal, deadline.signal]) : deadline.signal;
  const call = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    retrying(o.retry, fn, { signal, retryable: (err) => classify(err).retryable && classify(err).category !== 'authentication' }).catch(
      (err: unknown) => {
        throw new EstimateError(explain(classify(err), what));
      },
    );
  try {
    const regions =
      o.regions === '*'
        ? (await call('list region subscriptions', () => o.discovery.regionSubscriptions(o.tenancyId)))
            .filter((r) => r.status === 'READY')
            .map((r) => r.name)
        : o.regions;
    if (!regions.length) throw new EstimateError('no READY region to read', 400);
    const tree = await compartmentTree(o, call);
    const compartments = selectCompartments(o, tree);
    const units: Unit[] = [];
    for (const region of regions)
      for (const compartmentId of compartments)
        for (let t = from; t < to; t += HOUR) units.push({ region, compartmentId, start: t, end: Math.min(t + HOUR, to) });
    shuffle(units, o.random ?? Math.random);

    const deciders = new Map(regions.map((r) => [r, o.rules.bind({ region: r, compartments: tree })]));
    const total = new RuleTally(o.rules.rules.length);
    let read = 0;
    let failed = 0;
    let firstFailure: string | undefined;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < units.length && !signal.aborted) {
        const u = units[next++] as Unit;
        const tally = new RuleTally(o.rules.rules.length);
        const decider = deciders.get(u.region)!;
        try {
          let page: string | undefined;
          do {
            const q = {
              region: u.region,
              compartmentId: u.compartmentId,
              startTime: rfc3339Minute(u.start),
              endTime: rfc3339Minute(u.end),
              page,
            };
            // A page that fails midway is counted only by the attempt that reads it whole.
            const head = await retrying(
              o.retry,
              async () => {
                const pageTally = new RuleTally(o.rules.rules.length);
                const h = await o.reader.streamPage(
                  q,
                  (events) => {
                    for (const ev of events) pageTally.add(decider.decide(ev).rule, Buffer.byteLength(ev.text));
                  },
                  signal,
                );
                tally.addAll(pageTally);
                return h;
              },
              { signal, retryable: (err) => classify(err).retryable && classify(err).category !== 'authentication' },
            );
            page = head.nextPage;
          } while (page !== undefined && !signal.aborted);
          if (signal.aborted) return; // cut by the time limit: not counted
          total.addAll(tally);
          read++;
        } catch (err) {
          if (signal.aborted) return;
          const c = classify(err);
          if (c.category === 'authentication') throw new EstimateError(explain(c, 'ListEvents'));
          failed++;
          firstFailure ??= explain(c, `ListEvents region=${u.region} compartment=${u.compartmentId}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
    if (o.signal?.aborted) throw new EstimateError('the estimate was cancelled', 499);

    const complete = read === units.length;
    const factor = read > 0 ? units.length / read : 0;
    const perDay = 24 / o.hours;
    const vol = (events: number, bytes: number): Volume => ({
      events: Math.round(events * factor),
      bytes: Math.round(bytes * factor),
      eventsPerDay: Math.round(events * factor * perDay),
      gbPerDay: round3((bytes * factor * perDay) / GB),
    });
    const by = decisionTotals(o.rules.rules, total);
    const notes: string[] = [];
    if (!complete && read > 0)
      notes.push(
        `read ${read} of ${units.length} (region, compartment, hour) windows${failed ? ` (${failed} failed)` : ''} in the ${Math.round(o.budgetMs / 1000)} s allowed, chosen at random; the totals are extrapolated from them`,
      );
    if (read === 0)
      notes.push(`no window could be read in the ${Math.round(o.budgetMs / 1000)} s allowed${failed ? ` (${failed} failed)` : ''}`);
    if (firstFailure) notes.push(`first failure: ${firstFailure}`);
    const all = { events: total.total, bytes: total.bytes.reduce((a, b) => a + b, 0) };
    return {
      hours: o.hours,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      regions: regions.length,
      compartments: compartments.length,
      events: Math.round(all.events * factor),
      bytes: Math.round(all.bytes * factor),
      complete,
      ...(notes.length ? { note: notes.join('; ') } : {}),
      windows: units.length,
      windowsRead: read,
      seconds: round3((Date.now() - started) / 1000),
      decisions: {
        index: vol(by.index.events, by.index.bytes),
        route: vol(by.route.events, by.route.bytes),
        drop: vol(by.drop.events, by.drop.bytes),
      },
      rules: o.rules.rules.map((r, i) => ({
        rule: i + 1,
        label: r.label,
        text: r.text,
        decision: r.decision,
        ...(r.index !== undefined ? { index: r.index } : {}),
        ...vol(total.events[i + 1] as number, total.bytes[i + 1] as number),
      })),
      unmatched: vol(total.events[0] as number, total.bytes[0] as number),
    };
  } finally {
    clearTimeout(timer);
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The root and every ACTIVE compartment (for `*`, exclusions, and rules that name compartments). */
async function compartmentTree(
  o: EstimateOptions,
  call: <T>(what: string, fn: () => Promise<T>) => Promise<T>,
): Promise<CompartmentNode[] | undefined> {
  if (o.compartments !== '*' && !o.excludeCompartments.length && !o.rules.needsCompartmentTree) return undefined;
  const tree: CompartmentNode[] = [{ id: o.tenancyId, name: 'root' }];
  let token: string | undefined;
  do {
    const page: { items: CompartmentInfo[]; next?: string } = await call('list compartments', () =>
      o.discovery.compartmentPage(o.tenancyId, token),
    );
    for (const c of page.items) tree.push({ id: c.id, name: c.name, parentId: c.parentId });
    token = page.next;
  } while (token !== undefined);
  return tree;
}

/** The compartments an input with these parameters collects (the collector's selection, from the tree). */
function selectCompartments(o: EstimateOptions, tree: CompartmentNode[] | undefined): string[] {
  const excluded = new Set(o.excludeCompartments);
  const chosen = o.compartments === '*' ? (tree ?? []).map((c) => c.id) : o.compartments;
  if (!excluded.size) return [...chosen];
  const byId = new Map((tree ?? []).map((c) => [c.id, c]));
  const isExcluded = (id: string): boolean => {
    let cur: string | undefined = id;
    for (let depth = 0; cur !== undefined && depth < 64; depth++) {
      if (excluded.has(cur)) return true;
      cur = byId.get(cur)?.parentId;
    }
    return false;
  };
  return chosen.filter((id) => !isExcluded(id));
}

/** Fisher-Yates. */
function shuffle<T>(a: T[], random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
}

/** The estimate of an input's rules over its regions and compartments, read with the account (preview, REST). */
export async function estimateInput(
  config: InputConfig,
  account: OciAccount,
  proxy: OciProxy | undefined,
  hours: number,
  budgetMs: number,
): Promise<Estimate> {
  const session = await openSession(account, proxy, config.maxConcurrency);
  try {
    return await estimate({
      tenancyId: session.tenancyId,
      discovery: session.discovery,
      reader: session.reader,
      regions: config.regions,
      compartments: config.compartments,
      excludeCompartments: config.excludeCompartments,
      rules: config.eventRules,
      hours,
      budgetMs,
      concurrency: config.maxConcurrency,
      retry: ociRetryPolicy(),
    });
  } finally {
    await session.close();
  }
}
