// The one retry policy: how long to wait between attempts and how many to make, for OCI calls (the
// input, `preview`, `check`) and for splunkd REST calls. Defaults and the TA_OCI_AUDIT_*_RETRY_BASE_MS
// knobs live here and nowhere else (README "Operational knobs").
//
// Backoff is exponential with *equal* jitter (AWS Architecture Blog, "Exponential Backoff And Jitter",
// 2015): the wait before attempt n+1 is drawn from [c/2, c] with c = min(cap, base * 2^(n-1)). Full
// jitter ([0, c]) spreads retries a little better, but it can wait almost nothing: a fixed number of
// attempts would then give up on a throttled OCI or a starting KV store (503) after far less time
// than the budget promises. Equal jitter still spreads many workers apart and guarantees each wait at
// least half its step, so the attempts always cover at least half the sum of the steps.
import { envNumber } from '../knobs';

export interface BackoffPolicy {
  /** First step (ms); each later step doubles, up to capMs. */
  baseMs: number;
  capMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

/** OCI calls: 8 attempts, steps of 1 s doubling up to 30 s (at least 45.5 s, at most 91 s of waiting). */
export const OCI_RETRY_DEFAULTS: Readonly<BackoffPolicy> = { baseMs: 1000, capMs: 30_000, maxAttempts: 8 };
/** splunkd REST during a run (KV store starting, 5xx, network): 7 attempts, 0.5 s doubling up to 8 s. */
export const SPLUNKD_RETRY_DEFAULTS: Readonly<BackoffPolicy> = { baseMs: 500, capMs: 8_000, maxAttempts: 7 };
/**
 * splunkd REST while splunkd waits for our answer (--validate-arguments, the REST handler): one retry.
 * splunkd kills a validation after 30 s; two attempts of at most 10 s each fit in it.
 */
export const SPLUNKD_QUICK_RETRY: Readonly<BackoffPolicy> = { baseMs: 200, capMs: 200, maxAttempts: 2 };

export const RETRY_BASE_KNOB = 'TA_OCI_AUDIT_RETRY_BASE_MS';
export const SPLUNKD_RETRY_BASE_KNOB = 'TA_OCI_AUDIT_SPLUNKD_RETRY_BASE_MS';

/** The policy for OCI calls, with the first step from TA_OCI_AUDIT_RETRY_BASE_MS when set. */
export function ociRetryPolicy(): BackoffPolicy {
  return { ...OCI_RETRY_DEFAULTS, baseMs: envNumber(RETRY_BASE_KNOB, OCI_RETRY_DEFAULTS.baseMs) };
}

/** The policy for splunkd REST during a run, with the first step from TA_OCI_AUDIT_SPLUNKD_RETRY_BASE_MS when set. */
export function splunkdRetryPolicy(): BackoffPolicy {
  return { ...SPLUNKD_RETRY_DEFAULTS, baseMs: envNumber(SPLUNKD_RETRY_BASE_KNOB, SPLUNKD_RETRY_DEFAULTS.baseMs) };
}

/** The wait (ms) after failed attempt number `attempt` (1-based), equal jitter. */
export function backoffDelay(attempt: number, p: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(p.capMs, p.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Every wait a policy makes when all its attempts fail: maxAttempts - 1 of them. */
export function backoffDelays(p: BackoffPolicy, random: () => number = Math.random): number[] {
  return Array.from({ length: Math.max(0, p.maxAttempts - 1) }, (_, i) => backoffDelay(i + 1, p, random));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RetryOptions {
  /** Whether a failure is worth another attempt. */
  retryable: (err: unknown) => boolean;
  /** Told before each wait, e.g. to log it. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
  random?: () => number;
}

/**
 * Calls `fn` until it resolves, fails with an error `retryable` refuses, the policy's attempts are
 * spent or `signal` aborts; then rejects with the last error.
 */
export async function retrying<T>(p: BackoffPolicy, fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= p.maxAttempts || o.signal?.aborted || !o.retryable(err)) throw err;
      const delay = backoffDelay(attempt, p, o.random);
      o.onRetry?.(err, attempt, delay);
      await sleep(delay, o.signal);
      if (o.signal?.aborted) throw err;
    }
  }
}
