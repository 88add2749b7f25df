// Deterministic fake tenancy: regions, compartment tree, users. Shapes follow the Identity 20160918 models
// (oci-identity@2.139.1/lib/model/region-subscription.d.ts, compartment.d.ts, tenancy.d.ts).
import { Rng, hashInts, ocid } from './prng';

export interface RegionSubscription {
  regionKey: string;
  regionName: string;
  status: 'READY' | 'IN_PROGRESS';
  isHomeRegion: boolean;
}

export type CompartmentLifecycleState = 'CREATING' | 'ACTIVE' | 'INACTIVE' | 'DELETING' | 'DELETED';

export interface CompartmentRecord {
  id: string;
  /** parent compartment OCID (the tenancy for first-level compartments) */
  compartmentId: string;
  name: string;
  description: string;
  /** RFC 3339 with ms, e.g. 2021-03-04T10:11:12.345Z */
  timeCreated: string;
  lifecycleState: CompartmentLifecycleState;
  inactiveStatus?: number;
  isAccessible: boolean;
  freeformTags: Record<string, string>;
  definedTags: Record<string, Record<string, unknown>>;
}

export interface UserRecord {
  id: string;
  name: string;
  email: string;
  /** a plausible API-key fingerprint shown in audit `identity.credentials` of generated events */
  fingerprint: string;
}

export interface TenancyOptions {
  seed?: number;
  /** default 4; real names: us-ashburn-1 (home), us-phoenix-1, eu-frankfurt-1, uk-london-1, ... */
  regions?: number;
  /** ACTIVE compartments below root, default 96, nested up to depth 4 */
  compartments?: number;
  /** default 3 */
  deletedCompartments?: number;
  /** subscriptions with status IN_PROGRESS (the last ones), default 0 */
  inProgressRegions?: number;
  /** default 1_000_000 across all (region, compartment) pairs incl. root, skewed */
  eventsPerDay?: number;
  /** generated events exist from this processed time (default now-2d, rounded down to the minute) */
  eventsFrom?: Date;
  /** share (0..1) of the (region, compartment) pairs that have no generated events at all; default 0 */
  quietPairs?: number;
}

export interface Tenancy {
  tenancyId: string;
  name: string;
  homeRegion: string;
  regions: RegionSubscription[];
  /** all compartments incl. DELETED, excluding the root (= tenancy) */
  compartments: CompartmentRecord[];
  // Generation parameters carried along so an emulator started from this object is deterministic.
  seed: number;
  eventsPerDay: number;
  eventsFrom: Date;
  /** TenancyOptions.quietPairs */
  quietPairs?: number;
  users: UserRecord[];
}

// Region identifiers and keys: https://docs.oracle.com/iaas/Content/General/Concepts/regions.htm
export const KNOWN_REGIONS: ReadonlyArray<readonly [string, string]> = [
  ['us-ashburn-1', 'IAD'],
  ['us-phoenix-1', 'PHX'],
  ['eu-frankfurt-1', 'FRA'],
  ['uk-london-1', 'LHR'],
  ['ca-toronto-1', 'YYZ'],
  ['ap-tokyo-1', 'NRT'],
  ['ap-sydney-1', 'SYD'],
  ['sa-saopaulo-1', 'GRU'],
  ['ap-mumbai-1', 'BOM'],
  ['eu-amsterdam-1', 'AMS'],
  ['ap-seoul-1', 'ICN'],
  ['eu-zurich-1', 'ZRH'],
  ['ap-osaka-1', 'KIX'],
  ['me-jeddah-1', 'JED'],
  ['us-sanjose-1', 'SJC'],
  ['ca-montreal-1', 'YUL'],
];

const TEAMS = [
  'network',
  'security',
  'prod',
  'dev',
  'test',
  'shared',
  'finance',
  'analytics',
  'platform',
  'sandbox',
  'ml',
  'erp',
  'web',
  'db',
  'ops',
  'audit',
];
const SUFFIX = ['apps', 'data', 'infra', 'core', 'edge', 'batch', 'api', 'backup', 'k8s', 'legacy', 'dr', 'iam'];
// Some non-ASCII user names on purpose: SOC data contains them.
const PEOPLE = [
  'Alice Martin',
  'Bob Nguyen',
  'Chandra Patel',
  'José Álvarez',
  'Zoë Łukasiewicz',
  '山田 太郎',
  'Ömer Çelik',
  'Ιωάννης Παπαδόπουλος',
  'Fatima Al-Sayed',
  'Grace Hopper',
  'Mahim Kumar',
  'Søren Kierkegård',
  'Olga Иванова',
  'Pedro Gonçalves',
  'Wei Zhang',
  'Anna Schmidt',
  'terraform-svc',
  'ci-deployer',
  'splunk-audit-reader',
  'backup-bot',
];

const DAY = 86_400_000;

export function generateTenancy(o: TenancyOptions = {}): Tenancy {
  const seed = (o.seed ?? 1) >>> 0;
  const rng = new Rng(hashInts(seed, 0x7e7a));
  const nRegions = Math.max(1, Math.min(o.regions ?? 4, KNOWN_REGIONS.length));
  const nInProgress = Math.max(0, Math.min(o.inProgressRegions ?? 0, nRegions - 1));
  const nActive = Math.max(0, o.compartments ?? 96);
  const nDeleted = Math.max(0, o.deletedCompartments ?? 3);
  const tenancyId = ocid(rng, 'tenancy');
  const name = `acme-${rng.base32(6)}`;

  const regions: RegionSubscription[] = KNOWN_REGIONS.slice(0, nRegions).map(([regionName, regionKey], i) => ({
    regionKey,
    regionName,
    status: i >= nRegions - nInProgress ? 'IN_PROGRESS' : 'READY',
    isHomeRegion: i === 0,
  }));

  // Times are drawn from a fixed range (2019..2024) so they do not depend on the wall clock.
  const t0 = Date.UTC(2019, 0, 1);
  const timeCreated = (): string => new Date(t0 + Math.floor(rng.next() * 5 * 365 * DAY)).toISOString();

  const compartments: CompartmentRecord[] = [];
  const depth = new Map<string, number>([[tenancyId, 0]]);
  const usedNames = new Set<string>();
  const uniqueName = (): string => {
    for (;;) {
      const n = `${rng.pick(TEAMS)}-${rng.pick(SUFFIX)}${rng.chance(0.4) ? `-${rng.int(1, 99)}` : ''}`;
      if (!usedNames.has(n)) {
        usedNames.add(n);
        return n;
      }
    }
  };
  const makeCompartment = (parent: string, state: CompartmentLifecycleState): CompartmentRecord => {
    const c: CompartmentRecord = {
      id: ocid(rng, 'compartment'),
      compartmentId: parent,
      name: uniqueName(),
      description: rng.chance(0.1) ? 'Équipe données – compartiment partagé' : `Compartment for ${rng.pick(TEAMS)} workloads`,
      timeCreated: timeCreated(),
      lifecycleState: state,
      isAccessible: true,
      freeformTags: rng.chance(0.3) ? { owner: rng.pick(PEOPLE), env: rng.pick(['prod', 'dev', 'test']) } : {},
      definedTags: rng.chance(0.5) ? { 'Oracle-Tags': { CreatedBy: `default/${rng.pick(PEOPLE)}`, CreatedOn: timeCreated() } } : {},
    };
    // Compartment model: inactiveStatus is only meaningful for INACTIVE/DELETED (oci-identity compartment.d.ts).
    if (state === 'DELETED') c.inactiveStatus = 0;
    return c;
  };

  const active: CompartmentRecord[] = [];
  for (let i = 0; i < nActive; i++) {
    // Parent: root about 40 % of the time, else any existing compartment shallower than depth 4.
    const candidates = active.filter((c) => (depth.get(c.id) ?? 0) < 4);
    const parent = candidates.length === 0 || rng.chance(0.4) ? tenancyId : rng.pick(candidates).id;
    const c = makeCompartment(parent, 'ACTIVE');
    depth.set(c.id, (depth.get(parent) ?? 0) + 1);
    active.push(c);
  }
  compartments.push(...active);
  for (let i = 0; i < nDeleted; i++) {
    const candidates = active.filter((c) => (depth.get(c.id) ?? 0) < 4);
    const parent = candidates.length === 0 || rng.chance(0.5) ? tenancyId : rng.pick(candidates).id;
    const c = makeCompartment(parent, 'DELETED');
    depth.set(c.id, (depth.get(parent) ?? 0) + 1);
    compartments.push(c);
  }

  const users: UserRecord[] = PEOPLE.map((p) => ({
    id: ocid(rng, 'user'),
    name: p,
    email: `${
      p
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z0-9]+/g, '.')
        .replace(/^\.|\.$/g, '') || 'user'
    }@example.com`,
    fingerprint: Array.from({ length: 16 }, () => rng.hex(2)).join(':'),
  }));

  const eventsFrom = o.eventsFrom ?? new Date(Math.floor((Date.now() - 2 * DAY) / 60_000) * 60_000);
  return {
    tenancyId,
    name,
    homeRegion: (regions[0] as RegionSubscription).regionName,
    regions,
    compartments,
    seed,
    eventsPerDay: Math.max(0, o.eventsPerDay ?? 1_000_000),
    eventsFrom,
    ...(o.quietPairs ? { quietPairs: o.quietPairs } : {}),
    users,
  };
}
