// Service endpoints: the SDK's own templates and realm logic (EndpointBuilder, oci-common), or the
// account's URL templates with {region} (CONTRACT.md: private endpoints, other realms, test servers).
import * as common from 'oci-common';
import { AuditClient } from 'oci-audit';
import { IdentityClient } from 'oci-identity';

export interface EndpointTemplates {
  identityEndpoint?: string;
  auditEndpoint?: string;
}

// The SDK keeps each service's template and name as protected statics; read them, don't copy them.
interface ServiceStatics {
  serviceEndpointTemplate: string;
  endpointServiceName: string;
}
const AUDIT = AuditClient as unknown as ServiceStatics;
const IDENTITY = IdentityClient as unknown as ServiceStatics;

function fill(template: string, region: string): string {
  return template.replace(/\{region\}/g, region).replace(/\/+$/, '');
}

/** Base URL of the Audit API for a region, without the /20190901 version path. */
export function auditBase(t: EndpointTemplates, region: string): string {
  if (t.auditEndpoint) return fill(t.auditEndpoint, region);
  return common.EndpointBuilder.createEndpointFromRegionId(AUDIT.serviceEndpointTemplate, region, AUDIT.endpointServiceName);
}

/** Base URL of the Identity API for a region, without the /20160918 version path. */
export function identityBase(t: EndpointTemplates, region: string): string {
  if (t.identityEndpoint) return fill(t.identityEndpoint, region);
  return common.EndpointBuilder.createEndpointFromRegionId(IDENTITY.serviceEndpointTemplate, region, IDENTITY.endpointServiceName);
}
