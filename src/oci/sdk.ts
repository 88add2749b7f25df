// The OCI SDK, loaded on first use only. An input run with an API key signs its GETs itself
// (get-signer.ts) and reads Identity and Audit answers itself, so it needs none of the SDK; loading
// and compiling it cost ~20 MB of RSS and tens of ms per run (docs/performance.md, start-up). Instance
// principals, POST signing and the SDK's realm/region tables (endpoints without templates) load it here.
/* eslint-disable @typescript-eslint/no-require-imports -- the one place that loads the SDK lazily */
import type * as OciCommon from 'oci-common';
import type * as EndpointBuilderModule from 'oci-common/lib/endpoint-builder';

/** All of oci-common (auth providers, DefaultRequestSigner). */
export function ociCommon(): typeof OciCommon {
  return require('oci-common') as typeof OciCommon;
}

/** Only oci-common's endpoint builder and the region/realm tables it reads. */
export function endpointBuilder(): typeof EndpointBuilderModule.EndpointBuilder {
  return (require('oci-common/lib/endpoint-builder') as typeof EndpointBuilderModule).EndpointBuilder;
}
