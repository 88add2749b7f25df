// The scheme splunkd introspects with --scheme (Splunk docs "Create modular inputs",
// https://docs.splunk.com/Documentation/Splunk/9.4.0/AdvancedDev/ModInputsScripts; the shape of
// splunk-sdk-javascript 1.11.0's scheme_with_defaults.xml, test/fixtures/splunk-sdk-xml).
import { escapeXmlText } from '../output/xml-escape';
import { PARAMETERS } from './parameters';

export function schemeXml(): string {
  const args = PARAMETERS.map(
    (p) => `      <arg name="${p.name}">
        <title>${escapeXmlText(p.title)}</title>
        <description>${escapeXmlText(p.description)}</description>
        <data_type>${p.dataType}</data_type>
        <required_on_edit>${p.required}</required_on_edit>
        <required_on_create>${p.required}</required_on_create>
      </arg>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<scheme>
  <title>OCI Audit</title>
  <description>Collects Oracle Cloud Infrastructure Audit events from every subscribed region and compartment.</description>
  <use_external_validation>true</use_external_validation>
  <use_single_instance>false</use_single_instance>
  <streaming_mode>xml</streaming_mode>
  <endpoint>
    <args>
${args}
    </args>
  </endpoint>
</scheme>
`;
}
