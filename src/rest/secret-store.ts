// The add-on's secrets in storage/passwords, written server side by the REST handler (never through
// Splunk Web's proxy, so no path with an encoded '#' or '/' crosses a proxy). Entity `<realm>:<name>:`
// with ':' escaped as '\:' (splunk-sdk-python client.py StoragePasswords); create = POST name, realm,
// password (409 when it exists), update = POST password to the entity, delete = DELETE the entity.
import { APP_ID } from '../splunk/account-rules';
import { SplunkdError, type SplunkdClient } from '../splunk/splunkd-client';

export interface StoredSecret {
  realm: string;
  name: string;
  /** the clear text: stays in this process */
  clear: string;
}

/** What the secrets endpoint needs from storage/passwords. */
export interface SecretStore {
  list(): Promise<StoredSecret[]>;
  set(realm: string, name: string, clear: string): Promise<void>;
  /** true when an entry was deleted */
  remove(realm: string, name: string): Promise<boolean>;
  close(): Promise<void>;
}

const FORM = 'application/x-www-form-urlencoded';
const NS = `/servicesNS/nobody/${APP_ID}/storage/passwords`;
const entity = (realm: string, name: string): string =>
  `${NS}/${encodeURIComponent(`${realm.replace(/:/g, '\\:')}:${name.replace(/:/g, '\\:')}:`)}`;

export function splunkdSecretStore(client: SplunkdClient): SecretStore {
  return {
    async list() {
      return (await client.listPasswords()).map((p) => ({ realm: p.realm, name: p.username, clear: p.clearPassword }));
    },
    async set(realm, name, clear) {
      try {
        await client.call('POST', NS, new URLSearchParams({ name, realm, password: clear }).toString(), FORM);
      } catch (err) {
        if (!(err instanceof SplunkdError && err.status === 409)) throw err;
        await client.call('POST', entity(realm, name), new URLSearchParams({ password: clear }).toString(), FORM);
      }
    },
    async remove(realm, name) {
      try {
        await client.call('DELETE', entity(realm, name));
        return true;
      } catch (err) {
        if (err instanceof SplunkdError && err.status === 404) return false;
        throw err;
      }
    },
    close: () => client.close(),
  };
}
