// The add-on's own REST endpoints (default/restmap.conf: ta_oci_audit/account_check, ta_oci_audit/secrets)
// called on splunkd's management port as Splunk Web's proxy calls them: HTTPS with splunkd's self-signed
// certificate, a session key, form-encoded bodies.
import { Agent, request } from 'undici';
import type { Splunkd } from '../emulators/splunkd';

export interface RestAnswer {
  status: number;
  text: string;
}

export class AddonRest {
  private readonly agent = new Agent({ connect: { rejectUnauthorized: false } });
  constructor(private readonly splunkd: Splunkd) {}

  /** `endpoint` under servicesNS/nobody/TA-oci-audit/ta_oci_audit/; the session key is splunkd's unless given. */
  async call(method: 'GET' | 'POST', endpoint: string, form?: Record<string, string>, key = this.splunkd.sessionKey): Promise<RestAnswer> {
    const headers: Record<string, string> = { Authorization: `Splunk ${key}` };
    if (form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const res = await request(`${this.splunkd.serverUri}/servicesNS/nobody/TA-oci-audit/ta_oci_audit/${endpoint}?output_mode=json`, {
      method,
      dispatcher: this.agent,
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    return { status: res.statusCode, text: await res.body.text() };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
