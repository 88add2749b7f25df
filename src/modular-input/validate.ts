// --validate-arguments: the <items> document on stdin; failure is <error><message>…</message></error>
// on stdout and exit 1, success is silence and exit 0. Sources: Splunk docs "Set up external validation",
// https://help.splunk.com/splunk-enterprise/developing-views-and-apps-for-splunk-web/9.0/modular-inputs/set-up-external-validation
// and splunk-sdk-javascript 1.11.0 validation_error.xml (test/fixtures/splunk-sdk-xml).
import { escapeXmlText } from '../output/xml-escape';
import { parseValidationRequest } from '../splunk/input-xml';
import { ParameterError, parseInputConfig } from '../splunk/parameters';
import { SplunkdClient, WHILE_SPLUNKD_WAITS } from '../splunk/splunkd-client';
import { readStdinDocument } from './stdin';
import { ACCOUNT_CONF } from '../splunk/account-rules';

export async function validateArguments(): Promise<{ ok: true } | { ok: false; message: string }> {
  let req;
  try {
    req = parseValidationRequest(await readStdinDocument('</items>', 25_000));
  } catch (err) {
    return { ok: false, message: `cannot read the validation request: ${(err as Error).message}` };
  }
  let config;
  try {
    config = parseInputConfig(req.name || 'unnamed', req.params);
  } catch (err) {
    if (err instanceof ParameterError) return { ok: false, message: err.message };
    throw err;
  }
  if (req.serverUri && req.sessionKey) {
    let client: SplunkdClient;
    try {
      client = new SplunkdClient(req.serverUri, req.sessionKey, WHILE_SPLUNKD_WAITS);
    } catch (err) {
      return { ok: false, message: `account: cannot check that "${config.account}" exists: ${(err as Error).message}` };
    }
    try {
      const account = await client.getConfStanza(ACCOUNT_CONF, config.account);
      if (!account) return { ok: false, message: `account: "${config.account}" does not exist; add it on the Accounts tab first` };
    } catch (err) {
      return { ok: false, message: `account: cannot check that "${config.account}" exists: ${(err as Error).message}` };
    } finally {
      await client.close();
    }
  }
  return { ok: true };
}

export function validationErrorXml(message: string): string {
  return `<error><message>${escapeXmlText(message)}</message></error>\n`;
}
