// Backoff with full jitter (AWS Architecture Blog "Exponential Backoff And Jitter"): spreads the
// retries of many workers after a burst of 429s instead of retrying in lockstep.

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

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

export function backoffDelay(attempt: number, p: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(p.capMs, p.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
