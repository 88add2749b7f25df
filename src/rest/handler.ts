// `oci_audit --rest-handler`: the persistent REST driver splunkd starts for default/restmap.conf's
// [script:*] stanzas (one driver configuration, so one process serves every endpoint):
//   POST …/ta_oci_audit/account_check   the connection check (check-endpoint.ts)
//   GET|POST …/ta_oci_audit/secrets     write-only secrets (secrets-endpoint.ts)
//   GET …/ta_oci_audit/tenancy          the tenancy's regions and compartments for the pickers (tenancy-endpoint.ts)
//   POST …/ta_oci_audit/estimate        what event rules would keep, route and drop (estimate-endpoint.ts)
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
  /** the tenancy's region subscriptions and compartments, read from OCI */
  tenancy?: TenancyReader;
  /** the estimate (tests stub it) */
  estimate?: EstimateRunner;
}

export const splunkdDeps: HandlerDeps = { ...splunkdCheckDeps, secrets: (req) => splunkdSecretStore(callerClient(req)) };

export async function handleRequest(req: PersistentRequest, deps: HandlerDeps = splunkdDeps): Promise<PersistentReply> {
  const path = (req.rest_path ?? req.path_info ?? '').replace(/\/+$/, '');
  if (path.endsWith(CHECK_PATH)) return handleAccountCheck(req, deps);
  if (path.endsWith(TENANCY_PATH)) return handleTenancy(req, deps);
  if (path.endsWith(ESTIMATE_PATH)) return handleEstimate(req, deps.estimate);
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

/** The persistent driver loop on stdin/stdout; ends when splunkd closes stdin. */
export async function runRestHandler(): Promise<number> {
  const write = (b: Buffer): Promise<void> => new Promise((resolve, reject) => process.stdout.write(b, (e) => (e ? reject(e) : resolve())));
  log.info('persistent REST handler started');
  await serve(process.stdin, write, (req) => handleRequest(req));
  return 0;
}
