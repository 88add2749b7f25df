// src/modular-input/standby.ts: a running input whose lease another instance holds stands by, takes over when
// the lease is free, and leaves to a newer process of its own host (an edit) or to a holder on its own host.
import assert from 'node:assert/strict';
import type { LeaseHolder } from '../../src/pipeline/lease';
import { standBy, standbyKey, type StandbyKv } from '../../src/modular-input/standby';

type Json = Record<string, unknown>;

function memoryKv(): StandbyKv & { docs: Map<string, Json> } {
  const docs = new Map<string, Json>();
  return {
    docs,
    kvGet: async (_c, key) => docs.get(key),
    kvUpsert: async (_c, doc) => void docs.set(doc._key, doc),
    kvDelete: async (_c, key) => docs.delete(key),
  };
}

const OTHER: LeaseHolder = { owner: 'o', host: 'h1', pid: 10, expiresAt: 0 };
const ME = { host: 'h2', pid: 20 };

/** A lease that answers `answers` in turn (the last one again). */
function lease(...answers: Array<LeaseHolder | 'acquired'>): {
  acquire(): Promise<{ acquired: true } | { acquired: false; holder: LeaseHolder }>;
  calls: number;
} {
  const l = {
    calls: 0,
    async acquire() {
      const a = answers[Math.min(l.calls++, answers.length - 1)];
      return a === 'acquired' ? { acquired: true as const } : { acquired: false as const, holder: a };
    },
  };
  return l;
}

describe('standBy (a running input on an instance without the lease)', () => {
  const saved = process.env.TA_OCI_AUDIT_STANDBY_POLL_S;
  before(() => (process.env.TA_OCI_AUDIT_STANDBY_POLL_S = '0.01'));
  after(() => (process.env.TA_OCI_AUDIT_STANDBY_POLL_S = saved));

  it('asks for the lease until it is free, then holds it; its standby record is removed', async () => {
    const kv = memoryKv();
    const l = lease(OTHER, OTHER, 'acquired');
    assert.equal(await standBy(kv, 'c', l, 'in', OTHER, new AbortController().signal, ME), true);
    assert.equal(l.calls, 3);
    assert.equal(kv.docs.has(standbyKey('in', 'h2')), false);
  });

  it('leaves to a newer process of the same input on its host (splunkd started one for an edit)', async () => {
    const kv = memoryKv();
    const l = lease(OTHER);
    const stop = new AbortController();
    const p = standBy(kv, 'c', l, 'in', OTHER, stop.signal, ME);
    await new Promise((r) => setTimeout(r, 30));
    const newer = { _key: standbyKey('in', 'h2'), type: 'standby', input: 'in', host: 'h2', pid: 21, since: Date.now() };
    kv.docs.set(newer._key, newer);
    assert.equal(await p, false);
    assert.deepEqual(kv.docs.get(newer._key), newer, "the newer process's record stays");
    stop.abort();
  });

  it('leaves when a process of its own host holds the lease, and when stopped', async () => {
    const kv = memoryKv();
    assert.equal(await standBy(kv, 'c', lease(OTHER, { ...OTHER, host: 'h2' }), 'in', OTHER, new AbortController().signal, ME), false);
    const stop = new AbortController();
    const p = standBy(kv, 'c', lease(OTHER), 'in', OTHER, stop.signal, ME);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(kv.docs.get(standbyKey('in', 'h2'))?.pid, 20, 'it stands by under its own record');
    stop.abort();
    assert.equal(await p, false);
    assert.equal(kv.docs.has(standbyKey('in', 'h2')), false, 'its record is removed when it stops');
  });
});
