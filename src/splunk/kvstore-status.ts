// Is there a KV store on this instance? The input keeps its checkpoints and lease there, so it runs only
// on a heavy forwarder or a search head; a universal forwarder has none, and an admin can disable it
// (server.conf [kvstore] disabled = true). Asked once, before the lease, so such a run ends with one
// clear error instead of retries. What splunkd answers:
//   GET /services/server/info -> content.kvStoreStatus: "ready", "starting", … (a captured 8.0.5 answer in
//     splunk/splunk-operator's client tests), "disabled" when disabled;
//   GET /services/kvstore/status -> entry[0].content.current.{status, disabled} (KV store troubleshooting
//     tools, Splunk Enterprise Admin Manual 9.3); no such endpoint and no kvStoreStatus where there is no
//     KV store. Where the answers are unverified the detector accepts each plausible form.
import { truthy } from './account-rules';
import type { SplunkdClient } from './splunkd-client';
import { SplunkdError } from './splunkd-client';

export type KvStoreState = 'available' | 'disabled' | 'absent';

const firstContent = (json: unknown): Record<string, unknown> | undefined =>
  ((json as { entry?: Array<{ content?: Record<string, unknown> }> } | undefined)?.entry ?? [])[0]?.content;

/** 'available' unless splunkd says plainly that the KV store is disabled or absent; a failed question is 'available'
 * (the run's own KV calls then report what is wrong). */
export async function kvStoreState(client: SplunkdClient): Promise<KvStoreState> {
  try {
    const info = firstContent((await client.call('GET', '/services/server/info')).json) ?? {};
    const status = info.kvStoreStatus;
    if (typeof status === 'string') return status.toLowerCase() === 'disabled' ? 'disabled' : 'available';
    let current: Record<string, unknown> | undefined;
    try {
      current = firstContent((await client.call('GET', '/services/kvstore/status')).json)?.current as Record<string, unknown> | undefined;
    } catch (err) {
      if (err instanceof SplunkdError && err.status === 404) return 'absent';
      throw err;
    }
    if (!current) return 'absent';
    return truthy(current.disabled) || String(current.status).toLowerCase() === 'disabled' ? 'disabled' : 'available';
  } catch {
    return 'available';
  }
}

/** The one ERROR line for a run that cannot keep checkpoints here; undefined when the KV store is there. */
export function kvStoreProblem(state: KvStoreState): string | undefined {
  if (state === 'disabled')
    return 'the KV store is disabled on this Splunk instance (server.conf [kvstore] disabled = true); the input keeps its checkpoints there, so nothing was collected. Enable the KV store, or run the input on a heavy forwarder or search head whose KV store is enabled';
  if (state === 'absent')
    return 'this Splunk instance has no KV store (a universal forwarder has none); the input keeps its checkpoints there, so nothing was collected. Run the input on a heavy forwarder or a search head with the KV store';
  return undefined;
}
