// GET /servicesNS/nobody/TA-oci-audit/ta_oci_audit/tenancy?account=<name>: the tenancy's own region
// subscriptions and compartments, for the Inputs tab's pickers (regions and compartments picked by name).
// Read with the account's stored credentials (the caller's session reads them, as the connection check
// does), through the run's Identity code (IdentityDiscovery: ListRegionSubscriptions, ListCompartments),
// bounded in time; a failure answers one plain sentence (src/oci/errors.ts explain()).
import { log } from '../log/logger';
import { ConfigError } from '../config-error';
import { createAuth } from '../oci/auth';
import { classify, explain } from '../oci/errors';
import { IdentityDiscovery, type CompartmentInfo, type RegionInfo } from '../oci/identity';
import { createTransport } from '../oci/transport';
import type { OciAccount, OciProxy } from '../oci/account';
import { ACCOUNT_RE } from '../splunk/parameters';
import { accountFrom } from './account-form';
import type { CheckDeps } from './check-endpoint';
import { errorReply, formOf, jsonReply, type PersistentReply, type PersistentRequest } from './persistconn';

export const TENANCY_PATH = '/ta_oci_audit/tenancy';
/** The whole read stays inside Splunk Web's splunkd proxy wait and the page's patience. */
export const TENANCY_DEADLINE_MS = 20_000;
/** Per HTTP exchange. */
const HTTP_TIMEOUT_MS = 15_000;

export interface TenancyRegion {
  name: string;
  status: string;
  isHome: boolean;
}
export interface TenancyCompartment {
  id: string;
  name: string;
  /** names from below the root down to this one, joined by "/" ("root" for the tenancy itself) */
  path: string;
  lifecycleState: string;
  parentId?: string;
}
export interface TenancyLists {
  regions: TenancyRegion[];
  compartments: TenancyCompartment[];
}

/** What the endpoint reads from OCI: region subscriptions and every ACTIVE compartment. */
export type TenancyReader = (
  account: OciAccount,
  proxy: OciProxy | undefined,
) => Promise<{ regions: RegionInfo[]; compartments: CompartmentInfo[] }>;

export const ociTenancyReader: TenancyReader = async (account, proxy) => {
  const { signer } = await createAuth(account);
  const transport = createTransport({ proxy, timeoutMs: HTTP_TIMEOUT_MS, connections: 2 });
  const discovery = new IdentityDiscovery(signer, transport, account.region, account);
  try {
    const allPages = async (): Promise<CompartmentInfo[]> => {
      const out: CompartmentInfo[] = [];
      for await (const page of discovery.compartmentPages(account.tenancyOcid)) out.push(...page);
      return out;
    };
    // both at once; Promise.all leaves no rejection unhandled when the other fails first
    const [regions, compartments] = await Promise.all([discovery.regionSubscriptions(account.tenancyOcid), allPages()]);
    return { regions, compartments };
  } finally {
    discovery.close();
    await transport.close().catch(() => undefined);
  }
};

/** Each compartment with its path of names; the tenancy (root compartment) first, then by path. */
export function withPaths(tenancyId: string, list: CompartmentInfo[]): TenancyCompartment[] {
  const byId = new Map(list.map((c) => [c.id, c]));
  const paths = new Map<string, string>();
  const pathOf = (c: CompartmentInfo, depth = 0): string => {
    const known = paths.get(c.id);
    if (known !== undefined) return known;
    const parent = c.parentId && c.parentId !== tenancyId ? byId.get(c.parentId) : undefined;
    // a parent that is not listed (not ACTIVE, or a cycle in a bad answer) ends the path
    const p = parent && depth < 50 ? `${pathOf(parent, depth + 1)}/${c.name}` : c.name;
    paths.set(c.id, p);
    return p;
  };
  const rows = list.map((c) => ({ id: c.id, name: c.name, path: pathOf(c), lifecycleState: c.lifecycleState, parentId: c.parentId }));
  rows.sort((a, b) => a.path.localeCompare(b.path));
  return [{ id: tenancyId, name: 'root', path: 'root', lifecycleState: 'ACTIVE' }, ...rows];
}

export async function handleTenancy(
  req: PersistentRequest,
  deps: CheckDeps & { tenancy?: TenancyReader },
  deadlineMs = TENANCY_DEADLINE_MS,
): Promise<PersistentReply> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET') return errorReply(405, `${method} is not supported; GET ta_oci_audit/tenancy?account=<name>`);
  const name = (formOf(req).account ?? '').trim();
  if (!ACCOUNT_RE.test(name))
    return errorReply(400, `account: "${name}" is not an account name; pass account=<an account of the Accounts tab>`);
  let account: OciAccount;
  let proxy: OciProxy | undefined;
  try {
    const loaded = await deps.load(req, name);
    if (!loaded.stored) return errorReply(404, `Account "${name}" does not exist; save it on the Accounts tab first.`);
    account = accountFrom({ name }, loaded.stored);
    proxy = loaded.proxy;
  } catch (err) {
    if (err instanceof ConfigError) return errorReply(400, `Account "${name}" cannot be used: ${err.message}`);
    return errorReply(500, `Could not read account "${name}" from splunkd: ${(err as Error).message}`);
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const got = await Promise.race([
      (deps.tenancy ?? ociTenancyReader)(account, proxy),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error(`no answer within ${Math.round(deadlineMs / 1000)} s`), { name: 'TimeoutError' })),
          deadlineMs,
        );
      }),
    ]);
    const body: TenancyLists = {
      regions: got.regions.map((r) => ({ name: r.name, status: r.status, isHome: r.isHome })).sort((a, b) => a.name.localeCompare(b.name)),
      compartments: withPaths(account.tenancyOcid, got.compartments),
    };
    log.info(`tenancy lists: account=${name} regions=${body.regions.length} compartments=${body.compartments.length}`, {
      user: req.session?.user,
    });
    return jsonReply(200, body);
  } catch (err) {
    if (err instanceof ConfigError) return errorReply(400, `Account "${name}" cannot be used: ${err.message}`);
    const c = classify(err);
    const sentence = explain(c, `Could not list the regions and compartments of account "${name}"`);
    log.warn(`tenancy lists: account=${name} failed: ${sentence}`, { user: req.session?.user });
    return errorReply(c.status && c.status >= 400 && c.status < 500 ? 502 : 504, sentence.endsWith('.') ? sentence : `${sentence}.`);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
