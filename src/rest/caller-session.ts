// splunkd's REST API as the caller of a persistent endpoint: server.rest_uri and the caller's own
// authtoken from the request (restmap.conf passSession = true), so splunkd applies the caller's rights.
import { SplunkdClient, WHILE_SPLUNKD_WAITS } from '../splunk/splunkd-client';
import type { PersistentRequest } from './persistconn';

export function callerClient(req: PersistentRequest): SplunkdClient {
  const uri = req.server?.rest_uri;
  const token = req.session?.authtoken;
  if (!uri || !token) throw new Error('splunkd sent no server.rest_uri or session.authtoken (restmap.conf passSession must stay true)');
  return new SplunkdClient(uri, token, WHILE_SPLUNKD_WAITS);
}
