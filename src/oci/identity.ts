// Region and compartment discovery with the SDK's IdentityClient. Our http client does the
// transport (proxy, timeouts); the SDK's 8-attempt retrier is replaced by ours (one attempt here).
import * as common from 'oci-common';
import { IdentityClient, models, requests } from 'oci-identity';
import type { Dispatcher } from 'undici';
import { identityBase, type EndpointTemplates } from './endpoints';
import { signedRequest } from './transport';

export interface RegionInfo {
  name: string;
  key: string;
  status: string;
  isHome: boolean;
}

export interface CompartmentInfo {
  id: string;
  parentId?: string;
  name: string;
  lifecycleState: string;
  timeCreated?: Date;
}

const ONE_ATTEMPT: common.RetryConfiguration = {
  terminationStrategy: new common.MaxAttemptsTerminationStrategy(1),
};

/** The SDK's HttpClient contract, served by our signed undici transport. */
class TransportHttpClient implements common.HttpClient {
  constructor(
    private readonly signer: common.RequestSigner,
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs: number,
  ) {}

  async send(req: common.HttpRequest): Promise<Response> {
    const method = req.method.toUpperCase() === 'POST' ? 'POST' : 'GET';
    const raw = await signedRequest(
      this.signer,
      this.dispatcher,
      method,
      req.uri,
      this.timeoutMs,
      undefined,
      typeof req.body === 'string' ? req.body : undefined,
    );
    return new Response(raw.body === '' && raw.status === 204 ? null : raw.body, { status: raw.status, headers: raw.headers });
  }
}

export class IdentityDiscovery {
  private readonly client: IdentityClient;

  constructor(signer: common.RequestSigner, dispatcher: Dispatcher, timeoutMs: number, homeRegion: string, endpoints: EndpointTemplates) {
    this.client = new IdentityClient(
      { httpClient: new TransportHttpClient(signer, dispatcher, timeoutMs) },
      { retryConfiguration: ONE_ATTEMPT, circuitBreaker: new common.CircuitBreaker({ disableClientCircuitBreaker: true } as never) },
    );
    // Endpoint is set after the region (oci-audit-api.md §4: a later region setter would override it).
    this.client.endpoint = identityBase(endpoints, homeRegion);
  }

  close(): void {
    this.client.close();
  }

  async regionSubscriptions(tenancyId: string): Promise<RegionInfo[]> {
    const res = await this.client.listRegionSubscriptions({ tenancyId });
    return res.items.map((r) => ({ name: r.regionName, key: r.regionKey, status: String(r.status), isHome: Boolean(r.isHomeRegion) }));
  }

  /** Every ACTIVE compartment below the tenancy, one page at a time (the root is never listed). */
  async *compartmentPages(tenancyId: string): AsyncGenerator<CompartmentInfo[]> {
    let page: string | undefined;
    do {
      const res = await this.compartmentPage(tenancyId, page);
      yield res.items;
      page = res.next;
    } while (page);
  }

  /** One page of ACTIVE compartments below the tenancy; retrying a page is safe (a generator is done once it threw). */
  async compartmentPage(tenancyId: string, page?: string): Promise<{ items: CompartmentInfo[]; next?: string }> {
    const res = await this.client.listCompartments({
      compartmentId: tenancyId,
      compartmentIdInSubtree: true,
      accessLevel: requests.ListCompartmentsRequest.AccessLevel.Any,
      lifecycleState: models.Compartment.LifecycleState.Active,
      limit: 1000,
      page,
    });
    return { items: res.items.map(toInfo), next: res.opcNextPage || undefined };
  }

  async compartment(id: string): Promise<CompartmentInfo> {
    const res = await this.client.getCompartment({ compartmentId: id });
    return toInfo(res.compartment);
  }
}

function toInfo(c: models.Compartment): CompartmentInfo {
  const created = c.timeCreated as unknown;
  const t = created instanceof Date ? created : typeof created === 'string' ? new Date(created) : undefined;
  return {
    id: c.id,
    parentId: c.compartmentId,
    name: c.name,
    lifecycleState: String(c.lifecycleState),
    timeCreated: t && Number.isFinite(t.getTime()) ? t : undefined,
  };
}
