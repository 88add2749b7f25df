// Helpers for the edit tests (test/e2e/edits.test.ts): runs "in the past" with libfaketime, late events,
// checkpoints, and exact delivery accounting against the OCI emulator's ground truth.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { RunResult } from '../emulators/splunkd';
import { Ledger } from './delivery';
import { isoMinutesAgo, type World } from './world';

const MIN = 60_000;

/** libfaketime from Debian (`npm test` installs it with apt-get when missing; build/dev/setup.mjs). */
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

export function haveFaketime(): boolean {
  return existsSync(FAKETIME_LIB);
}

/**
 * Environment that runs the executable with its wall clock `minutes` behind: a run that happened
 * that long ago (libfaketime's relative FAKETIME, seconds; https://github.com/wolfcw/libfaketime README).
 * The monotonic clock is left alone so timers behave.
 */
export function clockAgo(minutes: number): Record<string, string> {
  if (minutes === 0) return {};
  return { LD_PRELOAD: FAKETIME_LIB, FAKETIME: `-${Math.round(minutes * 60)}`, DONT_FAKE_MONOTONIC: '1' };
}

/** A run that finished cleanly: exit 0, a well-formed stream, no ERROR line. */
export function ok(r: RunResult): RunResult {
  assert.equal(r.exitCode, 0, `exit ${r.exitCode}\n${r.stderrLines.join('\n')}`);
  assert.deepEqual(r.streamErrors, []);
  const errors = r.stderrLines.filter((l) => /^(ERROR|FATAL)/.test(l));
  assert.deepEqual(errors, [], errors.join('\n'));
  return r;
}

export function warnings(r: RunResult): string[] {
  return r.stderrLines.filter((l) => l.startsWith('WARN'));
}

/** The run logged one WARN, and it says `what` (docs/contract.md "What an edit does": one line per run). */
export function oneWarning(r: RunResult, what: RegExp): string {
  const w = warnings(r);
  assert.equal(w.length, 1, `one WARN on the run after the edit:\n${w.join('\n')}`);
  assert.match(w[0], what);
  return w[0];
}

export function noWarning(r: RunResult, message?: string): void {
  assert.deepEqual(warnings(r), [], message);
}

/** The run logged one INFO line that says `what`. */
export function oneInfo(r: RunResult, what: RegExp): void {
  const lines = r.stderrLines.filter((l) => l.startsWith('INFO') && what.test(l));
  assert.equal(lines.length, 1, `one INFO line matching ${what}:\n${lines.join('\n')}`);
}

export interface PairRef {
  region: string;
  compartment: string;
}

export function pairId(p: PairRef): string {
  return `${p.region}|${p.compartment}`;
}

/** The input's checkpoints: pair -> processed time (ms) up to which it was delivered. */
export function checkpoints(w: World, input: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of w.checkpoints(input)) out.set(`${String(r.region)}|${String(r.compartment_id)}`, Date.parse(String(r.checkpoint)));
  return out;
}

/** The one checkpoint every listed pair shares (they were all collected up to the same time). */
export function sharedCheckpoint(w: World, input: string, pairs: PairRef[]): number {
  const cps = checkpoints(w, input);
  const values = new Set(pairs.map((p) => cps.get(pairId(p))));
  assert.equal(values.size, 1, `one checkpoint for ${pairs.length} pairs: ${[...values].join(', ')}`);
  const v = [...values][0];
  assert.ok(v !== undefined, 'the pairs have checkpoints');
  return v;
}

/**
 * Adds an event that OCI makes visible only now (a late event), processed 7 s into the minute that
 * starts at `minuteMs`: inside a window, never on its edge.
 */
export function addLate(w: World, p: PairRef, id: string, minuteMs: number): string {
  const at = new Date(minuteMs + 7_000);
  w.oci.addEvent(
    p.region,
    p.compartment,
    { eventId: id, eventTime: at.toISOString(), eventType: 'com.oraclecloud.late', data: { compartmentId: p.compartment } },
    at,
  );
  return id;
}

/** The same processed-time span [from, until) for each pair, as `truth` takes it. */
export function spans(pairs: PairRef[], from: number, until: number): Array<PairRef & { from: number; until: number }> {
  return pairs.map((p) => ({ ...p, from, until }));
}

/** Ground truth: eventId -> pair, for each pair's processed-time span [from, until). */
export function truth(w: World, spans: Array<PairRef & { from: number; until: number }>): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of spans)
    for (const ev of w.oci.events(s.region, s.compartment, new Date(s.from), new Date(s.until))) out.set(String(ev.eventId), pairId(s));
  return out;
}

export interface Exceptions {
  /** documented: never delivered */
  never?: string[];
  /** documented: delivered twice */
  twice?: string[];
}

/**
 * Exact delivery: every ground-truth event delivered exactly once (or as the listed exceptions
 * say), nothing else delivered. Returns the counts for the test's report line.
 */
export function assertExact(ledger: Ledger, expected: Map<string, string>, ex: Exceptions = {}): { events: number; delivered: number } {
  const never = new Set(ex.never ?? []);
  const twice = new Set(ex.twice ?? []);
  for (const id of never) assert.ok(expected.has(id), `exception ${id} is in the ground truth`);
  const dup = [...ledger.counts].filter(([id, n]) => n > 1 && !twice.has(id));
  assert.deepEqual(dup.slice(0, 5), [], `${dup.length} events sent more than once`);
  const extra = [...ledger.counts.keys()].filter((id) => !expected.has(id));
  assert.deepEqual(extra.slice(0, 5), [], `${extra.length} events delivered that are outside the collected spans`);
  const lost = [...expected.keys()].filter((id) => !never.has(id) && !ledger.counts.has(id));
  assert.deepEqual(lost.slice(0, 5), [], `${lost.length} events lost`);
  for (const id of never) assert.equal(ledger.counts.get(id) ?? 0, 0, `${id}: documented as not delivered`);
  for (const id of twice) assert.equal(ledger.counts.get(id), 2, `${id}: documented as delivered twice`);
  const want = expected.size - never.size + twice.size;
  assert.equal(ledger.deliveries, want, `deliveries ${ledger.deliveries}, expected ${want}`);
  return { events: expected.size, delivered: ledger.deliveries };
}

export function minutes(n: number): number {
  return n * MIN;
}

/** The start of the minute `n` minutes ago, in ms. */
export function minutesAgo(n: number): number {
  return Date.parse(isoMinutesAgo(n));
}

/** A time as a parameter value: RFC 3339 in whole seconds (`start_date_time`, `end_date_time`). */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** What a run's windows must look like: at most `windowMinutes` long; re-reads within `lookbackMinutes`. */
export interface WindowCheck {
  windowMinutes: number;
  lookbackMinutes?: number;
  /** where a pair without a checkpoint starts */
  start?: (pair: string) => number;
}

export interface WindowRead {
  region: string;
  compartmentId: string;
  start: number;
  end: number;
}

/**
 * One run's ListEvents windows, as the OCI emulator received them, against the checkpoints before and
 * after it: per pair, the windows past the old checkpoint tile [before, after) with no gap and no
 * overlap, none longer than `windowMinutes`; any others are lookback re-reads inside
 * [before - lookbackMinutes, before). `start` gives where a pair without a checkpoint begins.
 */
export function assertContiguous(
  reads: WindowRead[],
  before: Map<string, number>,
  after: Map<string, number>,
  o: WindowCheck,
): { forward: number; reread: number } {
  let forward = 0;
  let reread = 0;
  const byPair = new Map<string, WindowRead[]>();
  for (const r of reads) {
    const k = `${r.region}|${r.compartmentId}`;
    byPair.set(k, [...(byPair.get(k) ?? []), r]);
  }
  for (const k of byPair.keys()) assert.ok(after.has(k), `${k} was read but has no checkpoint`);
  for (const [k, end] of after) {
    const from = before.get(k) ?? o.start?.(k);
    assert.ok(from !== undefined, `${k}: where it starts`);
    const rs = byPair.get(k) ?? [];
    const fwd = rs.filter((r) => r.start >= from).sort((a, b) => a.start - b.start);
    const back = rs.filter((r) => r.start < from);
    let at = from;
    for (const r of fwd) {
      assert.equal(
        r.start,
        at,
        `${k}: window starts at ${new Date(r.start).toISOString()}, expected ${new Date(at).toISOString()} (gap or overlap)`,
      );
      assert.ok(r.end - r.start <= minutes(o.windowMinutes), `${k}: window of ${(r.end - r.start) / MIN} min > ${o.windowMinutes}`);
      at = r.end;
    }
    assert.equal(at, end, `${k}: windows end at ${new Date(at).toISOString()}, checkpoint ${new Date(end).toISOString()}`);
    for (const r of back) {
      assert.ok(r.end <= from, `${k}: a re-read crosses the old checkpoint`);
      assert.ok(r.start >= from - minutes(o.lookbackMinutes ?? 0), `${k}: a re-read before the lookback span`);
    }
    forward += fwd.length;
    reread += back.length;
  }
  return { forward, reread };
}

/**
 * One input across the runs of an edit test: what it delivered (a ledger) and, per run, the windows it
 * read. Every run must be clean (`ok`).
 */
export class EditedInput {
  readonly ledger = new Ledger();
  constructor(
    readonly w: World,
    readonly name = 'test',
  ) {}

  /** Runs with the clock `ago` minutes behind; with `check`, its windows are checked against the checkpoints. */
  async run(params: Record<string, string>, ago = 0, check?: WindowCheck): Promise<RunResult & { again: string[] }> {
    const before = checkpoints(this.w, this.name);
    const mark = this.w.oci.windowsRead().length;
    const r = ok(await this.w.run(params, { name: this.name, env: clockAgo(ago) }));
    const again = this.ledger.add(r);
    if (check) assertContiguous(this.w.oci.windowsRead().slice(mark), before, checkpoints(this.w, this.name), check);
    return { ...r, again };
  }

  /** The input's history before an edit: one run per entry of `agos` (minutes back), then the pairs' shared checkpoint. */
  async history(params: Record<string, string>, agos: number[], pairs: PairRef[]): Promise<number> {
    for (const ago of agos) await this.run(params, ago);
    return this.checkpoint(pairs);
  }

  /** The one checkpoint the pairs share. */
  checkpoint(pairs: PairRef[]): number {
    return sharedCheckpoint(this.w, this.name, pairs);
  }

  /** Exact delivery (assertExact) of the ground truth of these spans by this input. */
  assertExact(of: Array<PairRef & { from: number; until: number }>, ex: Exceptions = {}): { events: number; delivered: number } {
    return assertExact(this.ledger, truth(this.w, of), ex);
  }
}
