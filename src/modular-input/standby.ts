// A running input (interval 0) whose lease another Splunk instance holds: every member of a search head cluster
// runs the same inputs.conf (docs/deployment.md), and splunkd starts an interval-0 process again as soon as it
// exits, so a member that is not collecting must not exit. It stands by instead, asks for the lease once a
// minute, and takes over when the holder's lease expires. A `standby|<input>|<host>` KV record names the one
// process of this host that stands by: splunkd starts a new one when the input is edited, and the older one
// then leaves (docs/scheduling.md "Search head clusters").
import { hostname } from 'node:os';
import { log } from '../log/logger';
import type { Lease, LeaseHolder } from '../pipeline/lease';
import { envNumber } from '../knobs';
import { waitUntil } from './cycles';

type Json = Record<string, unknown>;

export interface StandbyKv {
  kvGet(collection: string, key: string): Promise<Json | undefined>;
  kvUpsert(collection: string, doc: Json & { _key: string }): Promise<void>;
  kvDelete(collection: string, key: string): Promise<boolean>;
}

export function standbyKey(input: string, host: string): string {
  return `standby|${input}|${host}`;
}

/** How often a standby asks for the lease (TA_OCI_AUDIT_STANDBY_POLL_S, default 60 s: one cycle). */
function pollMs(): number {
  return envNumber('TA_OCI_AUDIT_STANDBY_POLL_S', 60) * 1000;
}

/**
 * Stands by until this process holds the lease (true), or until it is stopped, a newer process of this input
 * stands by on this host, or a process of this host holds the lease (false: this one should exit).
 */
export async function standBy(
  kv: StandbyKv,
  collection: string,
  lease: Pick<Lease, 'acquire'>,
  input: string,
  holder: LeaseHolder,
  stop: AbortSignal,
  me: { host: string; pid: number } = { host: hostname(), pid: process.pid },
): Promise<boolean> {
  const since = Date.now();
  const key = standbyKey(input, me.host);
  const rec = { _key: key, type: 'standby', input, host: me.host, pid: me.pid, since };
  await kv.kvUpsert(collection, rec);
  const who = holder.host === '?' ? 'another instance (its lease is not yet visible here)' : holder.host;
  log.info(`input ${input}: ${who} collects it; this process stands by and takes over when that lease expires`, { input });
  try {
    while (await waitUntil(Date.now() + pollMs(), stop)) {
      const current = await kv.kvGet(collection, key).catch(() => undefined);
      if (current && current.pid !== me.pid && Number(current.since) >= since) {
        log.info(`input ${input}: a newer process of this input stands by on this instance; this one exits`, { input });
        return false;
      }
      const got = await lease.acquire();
      if (got.acquired) {
        log.info(`input ${input}: the lease of ${who} expired; this process takes over`, { input });
        return true;
      }
      if (got.holder.host === me.host) return false; // a process of this instance collects now
    }
    return false;
  } finally {
    const current = await kv.kvGet(collection, key).catch(() => undefined);
    if (current?.pid === me.pid) await kv.kvDelete(collection, key).catch(() => false);
  }
}
