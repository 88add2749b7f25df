// POST /servicesNS/nobody/TA-oci-audit/ta_oci_audit/estimate: what event rules would keep, route and drop
// per day, read from the account's own tenancy over the last `hours` (the Inputs tab's estimate; the same
// estimator as `oci_audit preview --estimate`, src/pipeline/estimate.ts). Form fields: account, regions,
// compartments, exclude_compartments, event_rules, hours. Bounded in time: Splunk Web's proxy to splunkd
// gives up after web.conf splunkdConnectionTimeout (30 s by default), so reading stops after
// TA_OCI_AUDIT_ESTIMATE_BUDGET_S (20) and the answer is extrapolated (complete: false, note).
import { ConfigError } from '../config-error';
import { envNumber } from '../knobs';
import { log } from '../log/logger';
import { estimateInput, EstimateError, MAX_ESTIMATE_HOURS, type Estimate } from '../pipeline/estimate';
import { loadAccount, loadSettings } from '../splunk/account';
import { ParameterError, parseInputConfig } from '../splunk/parameters';
import { SplunkdError } from '../splunk/splunkd-client';
import { callerClient } from './caller-session';
import { formOf, jsonReply, type PersistentReply, type PersistentRequest } from './persistconn';

export const ESTIMATE_PATH = '/ta_oci_audit/estimate';
export const ESTIMATE_BUDGET_KNOB = 'TA_OCI_AUDIT_ESTIMATE_BUDGET_S';

const failure = (status: number, error: string): PersistentReply => jsonReply(status, { error });

export type EstimateRunner = (req: PersistentRequest, form: Record<string, string>) => Promise<Estimate>;

export async function handleEstimate(req: PersistentRequest, run: EstimateRunner = estimateWithCallerAccount): Promise<PersistentReply> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'POST')
    return failure(405, `${method} is not supported; POST account, regions, compartments, exclude_compartments, event_rules and hours`);
  const form = formOf(req);
  try {
    const e = await run(req, form);
    log.info('estimate', {
      user: req.session?.user,
      account: form.account,
      hours: e.hours,
      windows: e.windows,
      windows_read: e.windowsRead,
      complete: String(e.complete),
      seconds: e.seconds,
    });
    return jsonReply(200, e);
  } catch (err) {
    if (err instanceof ParameterError) return failure(400, err.problems.join('; '));
    if (err instanceof ConfigError) return failure(400, err.message);
    if (err instanceof EstimateError) return failure(err.status, err.message);
    if (err instanceof SplunkdError)
      return failure(err.status >= 400 ? err.status : 502, `cannot read the account from splunkd: ${err.message}`);
    log.error(`estimate failed: ${(err as Error).message}`);
    return failure(500, `the estimate failed: ${(err as Error).message}`);
  }
}

/** Parses the form as an input's parameters, reads the account with the caller's session, estimates. */
export async function estimateWithCallerAccount(req: PersistentRequest, form: Record<string, string>): Promise<Estimate> {
  const hoursRaw = (form.hours ?? '').trim() || '24';
  const hours = Number(hoursRaw);
  if (!/^[0-9]+$/.test(hoursRaw) || hours < 1 || hours > MAX_ESTIMATE_HOURS)
    throw new ConfigError(`hours: "${hoursRaw.slice(0, 20)}" is not accepted; use a whole number from 1 to ${MAX_ESTIMATE_HOURS}`);
  const params: Record<string, string> = {};
  for (const k of ['account', 'regions', 'compartments', 'exclude_compartments', 'event_rules'])
    if (form[k] !== undefined) params[k] = form[k];
  const config = parseInputConfig('estimate', params);
  const client = callerClient(req);
  let account;
  let proxy;
  try {
    account = await loadAccount(client, config.account);
    proxy = (await loadSettings(client)).proxy;
  } finally {
    await client.close();
  }
  return estimateInput(config, account, proxy, hours, envNumber(ESTIMATE_BUDGET_KNOB, 20) * 1000);
}
