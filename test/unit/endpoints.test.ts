import assert from 'node:assert/strict';
import { AuditClient } from 'oci-audit';
import { EndpointBuilder } from 'oci-common';
import { IdentityClient } from 'oci-identity';
import {
  AUDIT_ENDPOINT_TEMPLATE,
  ENDPOINT_SERVICE_NAME,
  IDENTITY_ENDPOINT_TEMPLATE,
  auditBase,
  identityBase,
} from '../../src/oci/endpoints';

// The SDK keeps these as protected statics of its clients.
const statics = (c: unknown): { serviceEndpointTemplate: string; endpointServiceName: string } =>
  c as { serviceEndpointTemplate: string; endpointServiceName: string };

describe('endpoints', () => {
  it("the copied templates and service name are the SDK's own (a new SDK version that changes them fails here)", () => {
    assert.equal(AUDIT_ENDPOINT_TEMPLATE, statics(AuditClient).serviceEndpointTemplate);
    assert.equal(IDENTITY_ENDPOINT_TEMPLATE, statics(IdentityClient).serviceEndpointTemplate);
    assert.equal(ENDPOINT_SERVICE_NAME, statics(AuditClient).endpointServiceName);
    assert.equal(ENDPOINT_SERVICE_NAME, statics(IdentityClient).endpointServiceName);
  });

  it("without templates, the URLs are the SDK's for commercial, government and unknown regions", () => {
    const ours = [
      [auditBase, AuditClient],
      [identityBase, IdentityClient],
    ] as const;
    for (const region of ['us-ashburn-1', 'eu-frankfurt-1', 'us-langley-1', 'uk-gov-london-1', 'xx-nowhere-9'])
      for (const [base, client] of ours) {
        const { serviceEndpointTemplate, endpointServiceName } = statics(client);
        assert.equal(base({}, region), EndpointBuilder.createEndpointFromRegionId(serviceEndpointTemplate, region, endpointServiceName));
      }
    assert.equal(auditBase({}, 'us-ashburn-1'), 'https://audit.us-ashburn-1.oraclecloud.com');
  });

  it('templates with {region} win over the SDK', () => {
    assert.equal(auditBase({ auditEndpoint: 'http://127.0.0.1:9/audit/{region}/' }, 'r1'), 'http://127.0.0.1:9/audit/r1');
    assert.equal(identityBase({ identityEndpoint: 'https://id.example/{region}' }, 'r2'), 'https://id.example/r2');
  });
});
