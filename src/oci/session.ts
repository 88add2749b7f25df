// Everything one run needs to talk to OCI, built once from the account and settings.
import type { Dispatcher } from 'undici';
import type { OciAccount, OciProxy } from './account';
import { AuditEventsReader } from './audit-events';
import { createAuth } from './auth';
import { auditBase } from './endpoints';
import { IdentityDiscovery } from './identity';
import { createDispatcher } from './transport';
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
  const dispatcher: Dispatcher = createDispatcher({ proxy, timeoutMs, connections: Math.max(4, connections) });
  const discovery = new IdentityDiscovery(signer, dispatcher, timeoutMs, account.region, account);
  const reader = new AuditEventsReader(signer, dispatcher, timeoutMs, (region) => auditBase(account, region));
  return {
    tenancyId: account.tenancyOcid,
    discovery,
    reader,
    async close() {
      discovery.close();
      await dispatcher.close().catch(() => undefined);
    },
  };
}
