// Service endpoints: the SDK's own templates and realm logic (EndpointBuilder, oci-common), or the
// account's URL templates with {region} (docs/contract.md "Accounts": private endpoints, other realms, test servers).
import { endpointBuilder } from './sdk';

export interface EndpointTemplates {
  identityEndpoint?: string;
  auditEndpoint?: string;
}

// The SDK keeps each service's template as a protected static of its client (oci-audit 2.139.1
// lib/client.js AuditClient.serviceEndpointTemplate, oci-identity lib/client.js IdentityClient). They are
// copied here so that a run does not load both clients (~330 KB of code) for two strings;
// test/unit/endpoints.test.ts checks that they still equal the SDK's.
export const AUDIT_ENDPOINT_TEMPLATE = 'https://audit.{region}.{secondLevelDomain}';
export const IDENTITY_ENDPOINT_TEMPLATE = 'https://identity.{region}.oci.{secondLevelDomain}';
/** Both clients' endpointServiceName (used for dotted region ids). */
export const ENDPOINT_SERVICE_NAME = '';

function fill(template: string, region: string): string {
  return template.replace(/\{region\}/g, region).replace(/\/+$/, '');
}

/** Base URL of the Audit API for a region, without the /20190901 version path. */
export function auditBase(t: EndpointTemplates, region: string): string {
  if (t.auditEndpoint) return fill(t.auditEndpoint, region);
  return endpointBuilder().createEndpointFromRegionId(AUDIT_ENDPOINT_TEMPLATE, region, ENDPOINT_SERVICE_NAME);
}

/** Base URL of the Identity API for a region, without the /20160918 version path. */
export function identityBase(t: EndpointTemplates, region: string): string {
  if (t.identityEndpoint) return fill(t.identityEndpoint, region);
  return endpointBuilder().createEndpointFromRegionId(IDENTITY_ENDPOINT_TEMPLATE, region, ENDPOINT_SERVICE_NAME);
}
