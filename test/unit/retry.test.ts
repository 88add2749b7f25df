// The one retry policy (src/pipeline/retry.ts): the delay sequence, the knobs, the loop, and the
// README's knob table checked against the defaults.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  backoffDelay,
  backoffDelays,
  ociRetryPolicy,
  OCI_RETRY_DEFAULTS,
  RETRY_BASE_KNOB,
  retrying,
  SPLUNKD_QUICK_RETRY,
  SPLUNKD_RETRY_BASE_KNOB,
  SPLUNKD_RETRY_DEFAULTS,
  splunkdRetryPolicy,
  type BackoffPolicy,
} from '../../src/pipeline/retry';

const low = (): number => 0;
const high = (): number => 1;

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>): void => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  set(vars);
  try {
    return fn();
  } finally {
    set(old);
  }
}

describe('retry policy', () => {
  it('OCI calls: 8 attempts, steps 1 s doubling to a 30 s cap, each wait in [step/2, step]', () => {
    const p = withEnv({ [RETRY_BASE_KNOB]: undefined }, ociRetryPolicy);
    assert.deepEqual(p, { baseMs: 1000, capMs: 30_000, maxAttempts: 8 });
    assert.deepEqual(backoffDelays(p, high), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    assert.deepEqual(backoffDelays(p, low), [500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
    assert.deepEqual(
      backoffDelays(p, () => 0.5),
      [750, 1500, 3000, 6000, 12_000, 22_500, 22_500],
    );
  });

  it('equal jitter: never less than half the step, whatever the random draw', () => {
    const p: BackoffPolicy = { baseMs: 100, capMs: 1000, maxAttempts: 12 };
    let seed = 7;
    const lcg = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let attempt = 1; attempt < 12; attempt++) {
      const step = Math.min(1000, 100 * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(attempt, p, lcg);
        assert.ok(d >= step / 2 && d <= step, `attempt ${attempt}: ${d} not in [${step / 2}, ${step}]`);
      }
    }
  });

  it('splunkd during a run: 7 attempts, 0.5 s doubling to 8 s; while splunkd waits: one quick retry', () => {
    const p = withEnv({ [SPLUNKD_RETRY_BASE_KNOB]: undefined }, splunkdRetryPolicy);
    assert.deepEqual(p, { baseMs: 500, capMs: 8000, maxAttempts: 7 });
    assert.deepEqual(backoffDelays(p, high), [500, 1000, 2000, 4000, 8000, 8000]);
    assert.deepEqual(backoffDelays(SPLUNKD_QUICK_RETRY, high), [200]);
  });

  it('the knobs set the first step only; bad values keep the default', () => {
    assert.equal(withEnv({ [RETRY_BASE_KNOB]: '20' }, ociRetryPolicy).baseMs, 20);
    assert.deepEqual(backoffDelays(withEnv({ [RETRY_BASE_KNOB]: '20' }, ociRetryPolicy), high), [20, 40, 80, 160, 320, 640, 1280]);
    assert.equal(withEnv({ [RETRY_BASE_KNOB]: '-5' }, ociRetryPolicy).baseMs, 1000);
    assert.equal(withEnv({ [RETRY_BASE_KNOB]: 'soon' }, ociRetryPolicy).baseMs, 1000);
    assert.equal(withEnv({ [SPLUNKD_RETRY_BASE_KNOB]: '20' }, splunkdRetryPolicy).baseMs, 20);
    assert.equal(withEnv({ [SPLUNKD_RETRY_BASE_KNOB]: '20' }, splunkdRetryPolicy).maxAttempts, 7);
  });

  it('retrying: stops at maxAttempts with the last error, waits the policy delays in between', async () => {
    const p: BackoffPolicy = { baseMs: 4, capMs: 8, maxAttempts: 4 };
    const waits: number[] = [];
    let calls = 0;
    await assert.rejects(
      retrying(
        p,
        async (n) => {
          calls++;
          throw new Error(`fail ${n}`);
        },
        { retryable: () => true, onRetry: (_e, _a, ms) => waits.push(ms), random: high },
      ),
      /fail 4/,
    );
    assert.equal(calls, 4);
    assert.deepEqual(waits, backoffDelays(p, high));
  });

  it('retrying: a failure that is not retryable is thrown at once; a success ends the loop', async () => {
    let calls = 0;
    await assert.rejects(
      retrying(
        OCI_RETRY_DEFAULTS,
        async () => {
          calls++;
          throw new Error('401');
        },
        { retryable: () => false },
      ),
      /401/,
    );
    assert.equal(calls, 1);
    const got = await retrying({ baseMs: 1, capMs: 1, maxAttempts: 5 }, async (n) => (n < 3 ? Promise.reject(new Error('503')) : n), {
      retryable: () => true,
    });
    assert.equal(got, 3);
  });

  it('retrying: an abort ends the wait and the loop', async () => {
    const stop = new AbortController();
    let calls = 0;
    const started = Date.now();
    const run = retrying(
      { baseMs: 60_000, capMs: 60_000, maxAttempts: 3 },
      async () => {
        calls++;
        throw new Error('busy');
      },
      { retryable: () => true, signal: stop.signal },
    );
    setTimeout(() => stop.abort(), 20);
    await assert.rejects(run, /busy/);
    assert.equal(calls, 1, 'no attempt after an aborted wait');
    assert.ok(Date.now() - started < 10_000);
  });

  it("README's knob table states the policies' defaults", () => {
    const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const row = (knob: string): string[] => {
      const line = readme.split('\n').find((l) => l.startsWith(`| \`${knob}\` |`));
      assert.ok(line, `README has a row for ${knob}`);
      return line.split('|').map((c) => c.trim());
    };
    for (const [knob, d] of [
      [RETRY_BASE_KNOB, OCI_RETRY_DEFAULTS],
      [SPLUNKD_RETRY_BASE_KNOB, SPLUNKD_RETRY_DEFAULTS],
    ] as const) {
      const [, , def, meaning] = row(knob);
      assert.equal(Number(def), d.baseMs, knob);
      assert.match(meaning, new RegExp(`up to ${d.capMs / 1000} s, ${d.maxAttempts} attempts`), knob);
    }
  });
});
