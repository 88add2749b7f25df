// Builds one realistic AuditEvent (v2 / CloudEvents 0.1) from a seeded PRNG.
// Envelope and data fields: https://docs.oracle.com/iaas/Content/Audit/Reference/logeventreference.htm,
// oci-audit@2.139.1/lib/model/{audit-event,data,identity,request,response,state-change}.d.ts, and the samples in
// test/fixtures/samples (their sources: SOURCES.md there). Concrete values (paths, user agents, login details) are invented but
// shaped like the samples.
import { Rng } from './prng';
import type { Tenancy, UserRecord } from './tenancy';

type Kind = 'read' | 'write' | 'login';
interface Op {
  w: number;
  source: string;
  /** eventType = com.oraclecloud.<typeService>.<name>[.suffix] (samples: ComputeApi.GetInstance, virtualNetwork.UpdateVnic) */
  typeService: string;
  name: string;
  suffix?: string;
  action: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  kind: Kind;
  res: string;
  /** identity (IAM) and sign-on events are recorded in the home region only */
  homeOnly?: boolean;
  path: (id: string) => string;
}

/** An IAM operation: an identityControlPlane event, recorded in the home region only. */
function iam(o: Pick<Op, 'w' | 'name' | 'action' | 'kind' | 'res' | 'path'>): Op {
  return { ...o, source: 'identityControlPlane', typeService: 'identityControlPlane', homeOnly: true };
}

const OPS: Op[] = [
  {
    w: 14,
    source: 'ComputeApi',
    typeService: 'ComputeApi',
    name: 'GetInstance',
    action: 'GET',
    kind: 'read',
    res: 'instance',
    path: (id) => `/20160918/instances/${id}`,
  },
  {
    w: 12,
    source: 'ComputeApi',
    typeService: 'ComputeApi',
    name: 'ListInstances',
    action: 'GET',
    kind: 'read',
    res: '',
    path: () => '/20160918/instances',
  },
  {
    w: 1.5,
    source: 'ComputeApi',
    typeService: 'ComputeApi',
    name: 'LaunchInstance',
    suffix: 'begin',
    action: 'POST',
    kind: 'write',
    res: 'instance',
    path: () => '/20160918/instances',
  },
  {
    w: 1,
    source: 'ComputeApi',
    typeService: 'ComputeApi',
    name: 'TerminateInstance',
    suffix: 'begin',
    action: 'DELETE',
    kind: 'write',
    res: 'instance',
    path: (id) => `/20160918/instances/${id}`,
  },
  {
    w: 2,
    source: 'virtualNetwork',
    typeService: 'virtualNetwork',
    name: 'UpdateVnic',
    action: 'PUT',
    kind: 'write',
    res: 'vnic',
    path: (id) => `/20160918/vnics/${id}`,
  },
  {
    w: 6,
    source: 'virtualNetwork',
    typeService: 'virtualNetwork',
    name: 'GetVnic',
    action: 'GET',
    kind: 'read',
    res: 'vnic',
    path: (id) => `/20160918/vnics/${id}`,
  },
  {
    w: 4,
    source: 'virtualNetwork',
    typeService: 'virtualNetwork',
    name: 'ListVcns',
    action: 'GET',
    kind: 'read',
    res: '',
    path: () => '/20160918/vcns',
  },
  {
    w: 10,
    source: 'ObjectStorage',
    typeService: 'objectstorage',
    name: 'GetObject',
    action: 'GET',
    kind: 'read',
    res: 'bucket',
    path: (id) => `/n/acme/b/${id.slice(-8)}/o/reports%2F2024.csv`,
  },
  {
    w: 4,
    source: 'ObjectStorage',
    typeService: 'objectstorage',
    name: 'PutObject',
    action: 'PUT',
    kind: 'write',
    res: 'bucket',
    path: (id) => `/n/acme/b/${id.slice(-8)}/o/upload.bin`,
  },
  {
    w: 3,
    source: 'DatabaseService',
    typeService: 'DatabaseService',
    name: 'GetAutonomousDatabase',
    action: 'GET',
    kind: 'read',
    res: 'autonomousdatabase',
    path: (id) => `/20160918/autonomousDatabases/${id}`,
  },
  {
    w: 2,
    source: 'Audit',
    typeService: 'Audit',
    name: 'ListEvents',
    action: 'GET',
    kind: 'read',
    res: '',
    path: () => '/20190901/auditEvents',
  },
  iam({ w: 3, name: 'ListUsers', action: 'GET', kind: 'read', res: '', path: () => '/20160918/users' }),
  iam({ w: 0.5, name: 'CreatePolicy', action: 'POST', kind: 'write', res: 'policy', path: () => '/20160918/policies' }),
  iam({ w: 0.5, name: 'UpdatePolicy', action: 'PUT', kind: 'write', res: 'policy', path: (id) => `/20160918/policies/${id}` }),
  iam({ w: 0.3, name: 'DeletePolicy', action: 'DELETE', kind: 'write', res: 'policy', path: (id) => `/20160918/policies/${id}` }),
  iam({ w: 0.3, name: 'CreateUser', action: 'POST', kind: 'write', res: 'user', path: () => '/20160918/users' }),
  iam({
    w: 0.4,
    name: 'AddUserToGroup',
    action: 'POST',
    kind: 'write',
    res: 'usergroupmembership',
    path: () => '/20160918/userGroupMemberships',
  }),
  iam({ w: 0.3, name: 'UploadApiKey', action: 'POST', kind: 'write', res: 'user', path: (id) => `/20160918/users/${id}/apiKeys` }),
  iam({ w: 0.2, name: 'CreateApiKey', action: 'POST', kind: 'write', res: 'user', path: (id) => `/20160918/users/${id}/apiKeys` }),
  // Reads the read_only preset keeps (src/pipeline/event-rules.ts): a secret's contents (Secrets retrieval API
  // 20190301 GetSecretBundle), a key used to decrypt (Key Management 20180608 Decrypt, a POST), an object's
  // metadata (HeadObject) and a user's API keys (Identity ListApiKeys). eventName is the API operation, as in
  // the GetInstance sample; the service part of eventType is invented for these.
  {
    w: 0.8,
    source: 'SecretRetrieval',
    typeService: 'secretretrieval',
    name: 'GetSecretBundle',
    action: 'GET',
    kind: 'read',
    res: 'vaultsecret',
    path: (id) => `/20190301/secretbundles/${id}`,
  },
  {
    w: 0.6,
    source: 'KeyManagementService',
    typeService: 'kms',
    name: 'Decrypt',
    action: 'POST',
    kind: 'read',
    res: 'key',
    path: () => '/20180608/decrypt',
  },
  {
    w: 0.6,
    source: 'ObjectStorage',
    typeService: 'objectstorage',
    name: 'HeadObject',
    action: 'HEAD',
    kind: 'read',
    res: 'bucket',
    path: (id) => `/n/acme/b/${id.slice(-8)}/o/reports%2F2024.csv`,
  },
  iam({ w: 0.2, name: 'ListApiKeys', action: 'GET', kind: 'read', res: 'user', path: (id) => `/20160918/users/${id}/apiKeys` }),
  {
    w: 1.5,
    source: 'IdentitySignOn',
    typeService: 'IdentitySignOn',
    name: 'InteractiveLogin',
    action: 'POST',
    kind: 'login',
    res: '',
    homeOnly: true,
    path: () => '/oauth2/v1/authorize',
  },
];
const OPS_W = OPS.map((o) => [o.w, o] as const);
const OPS_NONHOME_W = OPS.filter((o) => !o.homeOnly).map((o) => [o.w, o] as const);

const AGENTS = [
  'Oracle-JavaSDK/3.63.2 (Linux/5.10.228-219.884.amzn2.x86_64; Java/21.0.8; OpenJDK 64-Bit Server VM/21.0.8+9-LTS)',
  'Oracle-PythonSDK/2.150.0 (python 3.11.9; x86_64-Linux)',
  'Oracle-GoSDK/65.84.0 (linux/arm64; go/go1.23.0)',
  'Oracle-TypeScriptSDK/2.139.1 (Node.js v20.20.2; linux)',
  'Oracle-CLI/3.50.1',
  'Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-oci/6.10.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
];
const SHAPES = ['VM.Standard.E4.Flex', 'VM.Standard3.Flex', 'BM.Standard2.52', 'VM.Standard.A1.Flex'];
const RES_NAMES = [
  'web-01',
  'web-02',
  'db-primary',
  'bastion',
  'k8s-node-7',
  'café-frontend',
  'データベース-01',
  'build-agent',
  'sftp-gw',
  'analytics-🚀',
];
const FAIL_MSG: Record<string, string> = {
  '401': 'The required information to complete authentication was not provided or was incorrect.',
  '404': 'Authorization failed or requested resource not found.',
  '409': 'The resource is in a conflicting state.',
  '429': 'Too many requests for the tenant',
  '500': 'Internal error occurred',
};

function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export interface EventContext {
  tenancy: Tenancy;
  regionName: string;
  regionKey: string;
  isHome: boolean;
  compartmentId: string;
  compartmentName: string;
}

/**
 * One generated AuditEvent; `processedMs` is the processed time the event is filed under. `eventMs` (the visibility
 * model of events.ts) sets eventTime; without it eventTime precedes processing by the lag drawn here.
 */
export function buildEvent(
  rng: Rng,
  ctx: EventContext,
  eventId: string,
  processedMs: number,
  eventMsGiven?: number,
): Record<string, unknown> {
  const t = ctx.tenancy;
  const op = rng.weighted(ctx.isHome ? OPS_W : OPS_NONHOME_W);
  // eventTime precedes processing by seconds up to ~14 min ("usually within 15 minutes", viewinglogevents.htm).
  const lag = rng.weighted([
    [70, () => rng.int(500, 30_000)],
    [25, () => rng.int(30_000, 300_000)],
    [5, () => rng.int(300_000, 840_000)],
  ] as const)();
  const eventMs = eventMsGiven ?? processedMs - lag; // the lag is drawn either way: the rest of the body stays the same
  const rk = ctx.regionKey.toLowerCase();
  // Users and policies are global (no region in the OCID); other resources carry the region key.
  const regionless = op.res === 'user' || op.res === 'policy';
  const resourceId = op.res ? `ocid1.${op.res}.oc1.${regionless ? '' : rk}.${regionless ? 'aaaaaaaa' : 'anuwcljt'}${rng.base32(52)}` : null;

  // Caller: a user with an API key (SDK/CLI/Terraform), a console session, or a resource/instance principal
  // (sample real-logging-UpdateVnic-404-resourcePrincipal: authType "resource", credentials "ST$...").
  const user: UserRecord = rng.pick(t.users);
  const callerKind =
    op.kind === 'login'
      ? 'console'
      : rng.weighted([
          [55, 'sdk'],
          [25, 'console'],
          [12, 'resource'],
          [8, 'instance'],
        ] as const);
  const ua = callerKind === 'console' ? (AGENTS[6 + rng.int(0, 1)] as string) : (AGENTS[rng.int(0, 5)] as string);
  const ip =
    callerKind === 'resource' || callerKind === 'instance'
      ? `10.0.${rng.int(0, 255)}.${rng.int(1, 254)}`
      : `${rng.int(11, 220)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  const identity: Record<string, unknown> = {
    principalName: callerKind === 'resource' || callerKind === 'instance' ? null : user.name,
    principalId:
      callerKind === 'resource'
        ? `ocid1.fnapp.oc1.${rk}.amaaaaaa${rng.base32(52)}`
        : callerKind === 'instance'
          ? `ocid1.instance.oc1.${rk}.anuwcljt${rng.base32(52)}`
          : user.id,
    authType: callerKind === 'resource' ? 'resource' : callerKind === 'instance' ? 'instance' : 'natv',
    callerName: null,
    callerId: null,
    tenantId: t.tenancyId,
    ipAddress: ip,
    credentials:
      callerKind === 'sdk'
        ? `${t.tenancyId}/${user.id}/${user.fingerprint}`
        : callerKind === 'console'
          ? null
          : `ST$eyJraWQiOiJhc3dfb2MxIiwiYWxnIjoiUlMyNTYifQ.${rng.hex(24)}`,
    userAgent: ua,
    consoleSessionId: callerKind === 'console' ? `csid${rng.hex(28)}` : null,
  };

  let status = '200';
  if (op.kind === 'login') status = rng.chance(0.2) ? '401' : '200';
  else if (op.kind === 'read')
    status = rng.weighted([
      [960, '200'],
      [20, '404'],
      [10, '401'],
      [5, '500'],
      [5, '429'],
    ] as const);
  else
    status = rng.weighted([
      [900, '200'],
      [40, '409'],
      [30, '404'],
      [20, '401'],
      [10, '500'],
    ] as const);
  const ok = status === '200';

  const opcId = rng.hex(32, true);
  const requestId = `${opcId}/${rng.hex(32, true)}/${rng.hex(32, true)}`;
  const reqHeaders: Record<string, string[]> = {
    Accept: ['application/json'],
    Authorization: [
      `Signature version="1",keyId="${t.tenancyId}/${user.id}/${user.fingerprint}",algorithm="rsa-sha256",headers="date (request-target) host",signature="*****"`,
    ],
    Connection: ['keep-alive'],
    Date: [httpDate(eventMs - 40)],
    'User-Agent': [ua],
    'opc-request-id': [opcId],
  };
  if (op.action !== 'GET' && op.action !== 'HEAD') {
    reqHeaders['Content-Type'] = ['application/json'];
    reqHeaders['Content-Length'] = [String(rng.int(60, 900))];
  }
  const parameters: Record<string, string[]> = op.name.startsWith('List')
    ? { compartmentId: [ctx.compartmentId], limit: [String(rng.pick([50, 100, 1000]))] }
    : {};
  const resourceName = op.res ? rng.pick(RES_NAMES) : null;

  const response: Record<string, unknown> = {
    status,
    responseTime: new Date(eventMs + rng.int(3, 900)).toISOString(),
    headers: rng.chance(0.05)
      ? null
      : {
          'Content-Type': ['application/json'],
          Date: [httpDate(eventMs)],
          'Content-Length': [String(rng.int(2, 4000))],
          'opc-request-id': [requestId],
          ...(ok && op.action === 'GET' && op.res ? { ETag: [rng.hex(64)] } : {}),
        },
    payload: ok && resourceId ? { resourceName, id: resourceId } : {},
    message: ok ? null : (FAIL_MSG[status] ?? null),
  };

  let stateChange: Record<string, unknown> | null = { previous: null, current: null };
  if (op.kind === 'write' && ok) {
    const state =
      op.name.startsWith('Terminate') || op.name.startsWith('Delete')
        ? ['ACTIVE', 'DELETING']
        : op.name.startsWith('Update')
          ? ['AVAILABLE', 'AVAILABLE']
          : [null, 'PROVISIONING'];
    stateChange = {
      previous: state[0] === null ? null : { lifecycleState: state[0], displayName: resourceName },
      current: { lifecycleState: state[1], displayName: resourceName, timeUpdated: new Date(eventMs).toISOString() },
    };
  } else if (rng.chance(0.15)) {
    stateChange = null;
  }

  let additionalDetails: Record<string, unknown> | null = null;
  if (op.source === 'ComputeApi' && op.res) {
    additionalDetails = { imageId: `ocid1.image.oc1.${rk}.aaaaaaaa${rng.base32(52)}`, shape: rng.pick(SHAPES), type: 'CustomerVmi' };
  } else if (op.kind === 'login') {
    // Sign-on detail fields are invented: the reference documents the envelope only.
    additionalDetails = {
      authenticationResult: ok ? 'SUCCESS' : 'FAILURE',
      authenticationMethod: rng.pick(['password', 'password+mfa', 'federation']),
      identityProvider: rng.pick(['OracleIdentityCloudService', 'Default', 'AzureAD']),
      failureReason: ok ? null : rng.pick(['Invalid username or password.', 'MFA challenge failed.', 'Der Benutzer ist gesperrt.']),
    };
  } else if (rng.chance(0.3)) {
    additionalDetails = { 'X-Real-Port': rng.int(1024, 65535) };
  }

  const grouping = op.suffix || rng.chance(0.3) ? `${opcId}/${rng.hex(32, true)}` : null;
  const data: Record<string, unknown> = {
    eventGroupingId: grouping,
    eventName: op.name,
    compartmentId: ctx.compartmentId,
    compartmentName: ctx.compartmentName,
    resourceName,
    resourceId,
    availabilityDomain: rng.pick(['AD1', 'AD2', 'AD3', `Uocm:${ctx.regionKey}-AD-1`]),
    freeformTags: rng.chance(0.7) ? null : { team: rng.pick(['sec', 'ops', 'équipe-α']) },
    definedTags: rng.chance(0.7)
      ? null
      : { 'Oracle-Tags': { CreatedBy: `default/${user.email}`, CreatedOn: new Date(eventMs - 86_400_000).toISOString() } },
    identity,
    request: { id: requestId, path: op.path(resourceId ?? ctx.compartmentId), action: op.action, parameters, headers: reqHeaders },
    response,
    stateChange,
    additionalDetails,
  };
  // Real records carry a top-level data.message the SDK model does not declare (samples/real-logging-*.json).
  if (rng.chance(0.9)) data.message = `${op.name} ${ok ? 'succeeded' : 'failed'}`;

  return {
    eventType: `com.oraclecloud.${op.typeService}.${op.name}${op.suffix ? `.${op.suffix}` : ''}`,
    cloudEventsVersion: '0.1',
    eventTypeVersion: '2.0',
    source: op.source,
    eventId,
    eventTime: new Date(eventMs).toISOString(),
    contentType: 'application/json',
    data,
  };
}
