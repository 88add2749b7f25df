// The add-on's REST endpoints, routed by the request's rest_path:
//   POST …/ta_oci_audit/account_check   the connection check (check-endpoint.ts)
//   GET|POST …/ta_oci_audit/secrets     write-only secrets (secrets-endpoint.ts)
//   POST …/ta_oci_audit/estimate        what event rules would keep, route and drop (estimate-endpoint.ts)
//   GET …/ta_oci_audit/tenancy          the tenancy's regions and compartments for the pickers (tenancy-endpoint.ts)
// Two ways in, one router (handleRequest):
// - `oci_audit --rest-request` (what default/restmap.conf uses, through bin/ta_oci_audit_rest.py): one request
//   JSON on stdin, one reply JSON {status, payload, headers} on stdout, exit 0. The Python handler passes
//   splunkd's request through unread, so a new endpoint is a new branch here plus a [script:*] stanza
//   (and an [expose:*] stanza in web.conf): no Python change (src/rest/README.md).
// - `oci_audit --rest-handler`: the same router as a persistent persistconn driver (restmap.conf `driver =`
//   this executable); kept for a Linux-only install, not used by the package.
import { log } from '../log/logger';
import { callerClient } from './caller-session';
import { CHECK_PATH, handleAccountCheck, splunkdCheckDeps, type CheckDeps } from './check-endpoint';
import { ESTIMATE_PATH, handleEstimate, type EstimateRunner } from './estimate-endpoint';
import { errorReply, serve, type PersistentReply, type PersistentRequest } from './persistconn';
import { handleSecrets, SECRETS_PATH } from './secrets-endpoint';
import { splunkdSecretStore, type SecretStore } from './secret-store';
import { handleTenancy, TENANCY_PATH, type TenancyReader } from './tenancy-endpoint';

export interface HandlerDeps extends CheckDeps {
  /** storage/passwords as the caller */
  secrets?: (req: PersistentRequest) => SecretStore;
  /** the estimate (tests stub it) */
  estimate?: EstimateRunner;
  /** the tenancy's region subscriptions and compartments, read from OCI */
  tenancy?: TenancyReader;
}

export const splunkdDeps: HandlerDeps = { ...splunkdCheckDeps, secrets: (req) => splunkdSecretStore(callerClient(req)) };

export async function handleRequest(req: PersistentRequest, deps: HandlerDeps = splunkdDeps): Promise<PersistentReply> {
  const path = (req.rest_path ?? req.path_info ?? '').replace(/\/+$/, '');
  if (path.endsWith(CHECK_PATH)) return handleAccountCheck(req, deps);
  if (path.endsWith(ESTIMATE_PATH)) return handleEstimate(req, deps.estimate);
  if (path.endsWith(TENANCY_PATH)) return handleTenancy(req, deps);
  if (path.endsWith(SECRETS_PATH)) {
    const store = (deps.secrets ?? splunkdDeps.secrets)?.(req);
    if (!store) return errorReply(500, 'no secret store');
    try {
      return await handleSecrets(req, store);
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      return errorReply(typeof status === 'number' && status >= 400 ? status : 500, `storage/passwords: ${(err as Error).message}`);
    } finally {
      await store.close();
    }
  }
  return errorReply(404, `Not Found: ${path || '/'}`);
}

/** Reads all of a stream. */
async function readAll(input: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** One request: the handler's answer to splunkd's request JSON; never throws. */
export async function answerRequest(text: string, deps: HandlerDeps = splunkdDeps): Promise<PersistentReply> {
  let req: PersistentRequest;
  try {
    req = JSON.parse(text) as PersistentRequest;
  } catch {
    return errorReply(400, 'ta_oci_audit REST handler: the request is not JSON');
  }
  if (req === null || typeof req !== 'object') return errorReply(400, 'ta_oci_audit REST handler: the request is not a JSON object');
  try {
    return await handleRequest(req, deps);
  } catch (err) {
    return errorReply(500, `ta_oci_audit REST handler: ${(err as Error).message}`);
  }
}

/** `--rest-request`: the request JSON on stdin (it carries the session key and any private key, so never
 * argv), the reply JSON on stdout; exit 0 whenever a reply was written. */
export async function runRestRequest(input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const reply = await answerRequest((await readAll(input)).toString('utf8'));
  await new Promise<void>((resolve, reject) => process.stdout.write(JSON.stringify(reply), (e) => (e ? reject(e) : resolve())));
  return 0;
}

/** The persistent driver loop on stdin/stdout; ends when splunkd closes stdin. */
export async function runRestHandler(): Promise<number> {
  const write = (b: Buffer): Promise<void> => new Promise((resolve, reject) => process.stdout.write(b, (e) => (e ? reject(e) : resolve())));
  log.info('persistent REST handler started');
  await serve(process.stdin, write, (req) => handleRequest(req));
  return 0;
}
