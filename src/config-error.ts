// A setting that cannot be used, whoever configured it (splunkd's conf and storage/passwords, or an
// OCI CLI config file and flags). The message says which setting and what is accepted; `field` lets
// the front end add where that setting is changed (src/splunk/account.ts, src/cli/oci-config.ts).
export class ConfigError extends Error {
  constructor(
    message: string,
    /** The OCI account field at fault (an OciAccountField of src/oci/account.ts), when one is. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}
