// Region and compartment discovery: Identity API 20160918 GETs, signed like every OCI request and read
// here. The SDK's IdentityClient did the same four GETs, but loading it (oci-identity with its models,
// ~320 KB of code, and all of oci-common) was most of a run's fixed cost (docs/performance.md, start-up).
// Paths, parameters and answers as in the API reference and oci-identity 2.139.1's client
// (listRegionSubscriptions, listCompartments, getCompartment, getTenancy); errors as for ListEvents.
import type { RequestSigner } from 'oci-common/lib/signer';
import { identityBase, type EndpointTemplates } from './endpoints';
import { MalformedResponseError } from './errors';
import { signedJson, type HttpTransport, type RawResponse } from './transport';

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

/** Fields of the Identity models read here (oci-identity lib/model/region-subscription.d.ts, compartment.d.ts). */
interface RegionSubscriptionJson {
  regionKey?: unknown;
  regionName?: unknown;
  status?: unknown;
  isHomeRegion?: unknown;
}
interface CompartmentJson {
  id?: unknown;
  compartmentId?: unknown;
  name?: unknown;
  lifecycleState?: unknown;
  timeCreated?: unknown;
}

export class IdentityDiscovery {
  private readonly base: string;
  /** Answers asked for ahead (prefetch), each handed out once. */
  private readonly ahead = new Map<string, Promise<unknown>>();

  /** Timeouts are the transport's. */
  constructor(
    private readonly signer: RequestSigner,
    private readonly transport: HttpTransport,
    homeRegion: string,
    endpoints: EndpointTemplates,
  ) {
    this.base = `${identityBase(endpoints, homeRegion)}/20160918`;
  }

  close(): void {
    this.ahead.clear();
  }

  /**
   * Starts the first discovery requests of a run now, while the run still reads its checkpoints; the
   * first regionSubscriptions / compartmentPage call for the tenancy then takes the answer. A failed
   * prefetch is handed out once like any answer, so the caller's retry asks again.
   */
  prefetch(tenancyId: string, what: { regions: boolean; compartments: boolean }): void {
    const keep = (key: string, p: Promise<unknown>): void => {
      p.catch(() => undefined); // awaited by whoever takes it; never an unhandled rejection
      this.ahead.set(key, p);
    };
    if (what.regions) keep(`regions|${tenancyId}`, this.fetchRegions(tenancyId));
    if (what.compartments) keep(`compartments|${tenancyId}`, this.fetchCompartmentPage(tenancyId));
  }

  private take<T>(key: string): Promise<T> | undefined {
    const p = this.ahead.get(key);
    this.ahead.delete(key);
    return p as Promise<T> | undefined;
  }

  private async get(path: string, query?: Record<string, string | undefined>): Promise<RawResponse & { json: unknown }> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) q.set(k, v);
    const qs = q.toString();
    return signedJson(this.signer, this.transport, `${this.base}${path}${qs ? `?${qs}` : ''}`, `Identity ${path}`);
  }

  regionSubscriptions(tenancyId: string): Promise<RegionInfo[]> {
    return this.take<RegionInfo[]>(`regions|${tenancyId}`) ?? this.fetchRegions(tenancyId);
  }

  private async fetchRegions(tenancyId: string): Promise<RegionInfo[]> {
    const { json } = await this.get(`/tenancies/${encodeURIComponent(tenancyId)}/regionSubscriptions`);
    return array<RegionSubscriptionJson>(json, 'ListRegionSubscriptions').map((r) => ({
      name: String(r.regionName ?? ''),
      key: String(r.regionKey ?? ''),
      status: String(r.status ?? ''),
      isHome: Boolean(r.isHomeRegion),
    }));
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
  compartmentPage(tenancyId: string, page?: string): Promise<{ items: CompartmentInfo[]; next?: string }> {
    return (
      (page === undefined ? this.take<{ items: CompartmentInfo[]; next?: string }>(`compartments|${tenancyId}`) : undefined) ??
      this.fetchCompartmentPage(tenancyId, page)
    );
  }

  private async fetchCompartmentPage(tenancyId: string, page?: string): Promise<{ items: CompartmentInfo[]; next?: string }> {
    const res = await this.get('/compartments', {
      compartmentId: tenancyId,
      page,
      limit: '1000',
      accessLevel: 'ANY',
      compartmentIdInSubtree: 'true',
      lifecycleState: 'ACTIVE',
    });
    return { items: array<CompartmentJson>(res.json, 'ListCompartments').map(toInfo), next: res.headers['opc-next-page'] || undefined };
  }

  async compartment(id: string): Promise<CompartmentInfo> {
    const { json } = await this.get(`/compartments/${encodeURIComponent(id)}`);
    return toInfo((json ?? {}) as CompartmentJson);
  }
}

function array<T>(json: unknown, op: string): T[] {
  if (!Array.isArray(json)) throw new MalformedResponseError(`Identity ${op} answered with JSON that is not an array`);
  return json as T[];
}

function toInfo(c: CompartmentJson): CompartmentInfo {
  const t = typeof c.timeCreated === 'string' ? new Date(c.timeCreated) : undefined;
  return {
    id: String(c.id ?? ''),
    parentId: typeof c.compartmentId === 'string' ? c.compartmentId : undefined,
    name: String(c.name ?? ''),
    lifecycleState: String(c.lifecycleState ?? ''),
    timeCreated: t && Number.isFinite(t.getTime()) ? t : undefined,
  };
}
