// `oci_audit check`: which of the calls the input needs work with these credentials, and the IAM
// policy statements that are missing (docs: Audit "viewinglogevents" policy, IAM policy reference).
import { classify, explain } from '../oci/errors';
import { MINUTE, floorMinute, rfc3339Minute } from '../oci/rfc3339';
import { openSession } from '../oci/session';
import { log } from '../log/logger';
import { ociRetryPolicy, retrying } from '../pipeline/retry';
import { accountFromFlags, type AccountFlags } from './oci-config';

interface Probe {
  name: string;
  statement: string;
  run: () => Promise<string>;
}

export async function check(f: AccountFlags & { group?: string }): Promise<number> {
  const account = accountFromFlags(f);
  const session = await openSession(account, undefined, 4);
  const group = f.group ?? '<group>';
  const tenancy = account.tenancyOcid;
  const now = floorMinute(Date.now());
  const probes: Probe[] = [
    {
      name: 'ListRegionSubscriptions',
      statement: `Allow group ${group} to inspect tenancies in tenancy`,
      run: async () => {
        const regions = await session.discovery.regionSubscriptions(tenancy);
        return `${regions.filter((r) => r.status === 'READY').length} READY region(s): ${regions.map((r) => r.name).join(', ')}`;
      },
    },
    {
      name: 'ListCompartments (subtree)',
      statement: `Allow group ${group} to inspect compartments in tenancy`,
      run: async () => {
        let n = 0;
        for await (const page of session.discovery.compartmentPages(tenancy)) n += page.length;
        return `${n} ACTIVE compartment(s) below the root`;
      },
    },
    {
      name: `ListEvents (root, ${account.region}, last 5 minutes)`,
      statement: `Allow group ${group} to read audit-events in tenancy`,
      run: async () => {
        const page = await session.reader.page({
          region: account.region,
          compartmentId: tenancy,
          startTime: rfc3339Minute(now - 5 * MINUTE),
          endTime: rfc3339Minute(now),
        });
        return `${page.events.length} event(s) on the first page`;
      },
    },
    {
      name: 'Audit configuration (retention)',
      statement: `Allow group ${group} to read audit-events in tenancy`,
      run: async () => `retention ${await session.reader.retentionDays(account.region, tenancy)} days`,
    },
  ];
  const missing = new Set<string>();
  let failed = 0;
  const policy = ociRetryPolicy();
  try {
    for (const p of probes) {
      try {
        // Transient failures (429, 5xx, network) are retried as the input retries them.
        const detail = await retrying(policy, p.run, {
          retryable: (err) => classify(err).retryable,
          onRetry: (err, attempt, ms) =>
            log.warn(`${explain(classify(err), p.name)}; attempt ${attempt + 1} in ${(ms / 1000).toFixed(1)} s`),
        });
        process.stdout.write(`OK    ${p.name}: ${detail}\n`);
      } catch (err) {
        failed++;
        const c = classify(err);
        process.stdout.write(`FAIL  ${p.name}: ${explain(c, p.name)}\n`);
        if (c.category === 'permission') missing.add(p.statement);
        if (c.category === 'authentication') break;
      }
    }
  } finally {
    await session.close();
  }
  if (missing.size) {
    process.stdout.write('\nMissing IAM policy statements (add them in the tenancy root compartment):\n');
    for (const s of missing) process.stdout.write(`  ${s}\n`);
  }
  return failed ? 1 : 0;
}
