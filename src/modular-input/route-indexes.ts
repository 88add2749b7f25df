// Does each index an event rule routes to exist where the input runs? splunkd answers
// GET /services/data/indexes/<name> with the index, or 404 when it is not defined on this instance
// (REST API Reference, Introspection endpoints, "data/indexes/{name}":
// https://help.splunk.com/en/splunk-enterprise/rest-api-reference/9.4/introspection-endpoints).
// A heavy forwarder usually defines no such index: it forwards, and the indexers decide. Where the index
// does not exist on the indexers, they drop the routed events, or put them in `lastChanceIndex` when
// indexes.conf sets one (indexes.conf.spec, lastChanceIndex: "events with a non-existent index specified
// at an input layer"; https://docs.splunk.com/Documentation/Splunk/latest/Admin/Indexesconf). So a
// missing index is a warning, never a refusal: the run cannot know the indexers' indexes.
import type { SplunkdClient } from '../splunk/splunkd-client';
import { SplunkdError } from '../splunk/splunkd-client';

export interface RouteIndexCheck {
  /** defined on this instance */
  found: string[];
  /** not defined on this instance (404) */
  missing: string[];
  /** could not be asked (no permission, splunkd unreachable): index -> why */
  unknown: Array<{ index: string; why: string }>;
}

export async function checkRouteIndexes(splunkd: SplunkdClient, indexes: readonly string[]): Promise<RouteIndexCheck> {
  const out: RouteIndexCheck = { found: [], missing: [], unknown: [] };
  await Promise.all(
    indexes.map(async (index) => {
      try {
        await splunkd.call('GET', `/services/data/indexes/${encodeURIComponent(index)}`);
        out.found.push(index);
      } catch (err) {
        if (err instanceof SplunkdError && err.status === 404) out.missing.push(index);
        else out.unknown.push({ index, why: (err as Error).message });
      }
    }),
  );
  return out;
}

/** The one WARN line for route indexes this instance does not know; undefined when all were found. */
export function routeIndexWarning(check: RouteIndexCheck): string | undefined {
  const parts: string[] = [];
  if (check.missing.length)
    parts.push(
      `${check.missing.map((i) => `"${i}"`).join(', ')} ${check.missing.length === 1 ? 'is' : 'are'} not defined on this Splunk instance`,
    );
  if (check.unknown.length)
    parts.push(`${check.unknown.map((u) => `"${u.index}"`).join(', ')} could not be checked (${check.unknown[0]?.why})`);
  if (!parts.length) return undefined;
  return (
    `event_rules route to ${parts.join('; ')}. On a heavy forwarder that is usual (the indexers decide), but where an index ` +
    'does not exist on the indexers they drop the events routed to it, or put them in lastChanceIndex if indexes.conf sets one: ' +
    'create the index on the indexers or change the rule (docs/event-rules.md)'
  );
}
