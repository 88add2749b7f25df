// ListEvents times: RFC 3339 with the minute's seconds at zero ("granularity to the minute",
// OCI CLI audit event list docs). Formatted here, never by oci-common (local-time bug, §5.1).
export const MINUTE = 60_000;

export function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}

/** `2026-01-31T09:05:00Z` for a whole-minute epoch ms. */
export function rfc3339Minute(ms: number): string {
  return new Date(floorMinute(ms)).toISOString().replace(/:\d{2}\.\d{3}Z$/, ':00Z');
}
