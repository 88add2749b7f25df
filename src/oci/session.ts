// Everything one run needs to talk to OCI, built once from the account and settings.
import type { OciAccount, OciProxy } from './account';
import { AuditEventsReader } from './audit-events';
import { createAuth } from './auth';
import { auditBase } from './endpoints';
import { IdentityDiscovery } from './identity';
import { createTransport } from './transport';
import { envNumber } from '../knobs';

export interface OciSession {
  tenancyId: string;
  discovery: IdentityDiscovery;
  reader: AuditEventsReader;
  close(): Promise<void>;
}

export function httpTimeoutMs(): number {
  return envNumber('TA_OCI_AUDIT_HTTP_TIMEOUT_S', 60) * 1000;
}

export async function openSession(account: OciAccount, proxy: OciProxy | undefined, connections: number): Promise<OciSession> {
  const { signer } = await createAuth(account);
  const timeoutMs = httpTimeoutMs();
  const transport = createTransport({ proxy, timeoutMs, connections: Math.max(4, connections) });
  const discovery = new IdentityDiscovery(signer, transport, account.region, account);
  const bases = new Map<string, string>();
  const reader = new AuditEventsReader(signer, transport, (region) => {
    let b = bases.get(region);
    if (b === undefined) bases.set(region, (b = auditBase(account, region)));
    return b;
  });
  return {
    tenancyId: account.tenancyOcid,
    discovery,
    reader,
    async close() {
      discovery.close();
      await transport.close().catch(() => undefined);
    },
  };
}
