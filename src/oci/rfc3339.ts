// ListEvents times: RFC 3339 with the minute's seconds at zero ("granularity to the minute",
// https://docs.cloud.oracle.com/iaas/tools/oci-cli/latest/oci_cli_docs/cmdref/audit/event/list.html).
// Formatted here, never by oci-common: its formatDateToRFC3339 (lib/helper.js, 2.139.1) uses local time
// with a Z suffix and an unpadded hour (oracle/oci-typescript-sdk#320).
export const MINUTE = 60_000;

export function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}

/** `2026-01-31T09:05:00Z` for a whole-minute epoch ms. */
export function rfc3339Minute(ms: number): string {
  return new Date(floorMinute(ms)).toISOString().replace(/:\d{2}\.\d{3}Z$/, ':00Z');
}
