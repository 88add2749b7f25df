// The connection check's sign-in: the SDK's signer through our transport, one ListRegionSubscriptions.
import { createAuth } from '../oci/auth';
import { IdentityDiscovery, type RegionInfo } from '../oci/identity';
import { createTransport } from '../oci/transport';
import type { OciAccount, OciProxy } from '../oci/account';

/** Per HTTP exchange; the whole check has its own deadline (account-check.ts). */
const HTTP_TIMEOUT_MS = 15_000;

export type Probe = (account: OciAccount, proxy: OciProxy | undefined) => Promise<RegionInfo[]>;

/** Signs in with the SDK's signer through our transport and lists the region subscriptions, once. */
export const ociProbe: Probe = async (account, proxy) => {
  const { signer } = await createAuth(account);
  const transport = createTransport({ proxy, timeoutMs: HTTP_TIMEOUT_MS, connections: 2 });
  const discovery = new IdentityDiscovery(signer, transport, account.region, account);
  try {
    return await discovery.regionSubscriptions(account.tenancyOcid);
  } finally {
    discovery.close();
    await transport.close().catch(() => undefined);
  }
};
