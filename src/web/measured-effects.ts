// What the settings that trade freshness against cost measured, shown next to their fields before the admin
// chooses (docs/performance.md "Freshness (issue 18)": 388 region and compartment pairs, 1 M events/day,
// `npm run bench:freshness`). Freshness is from the moment OCI shows an event to its writing.
export const MEASURED_DOC = 'docs/performance.md, "Freshness (issue 18)"';

export const MEASURED_EFFECT: Readonly<Record<string, string>> = {
  interval:
    '0 (default): one process keeps running and collects every minute; measured p50 ~40 s, p95 ~70 s, ' +
    '~470,000 ListEvents a day for 388 pairs, ~2 % of a core, ~120–130 MB. Seconds or a cron schedule: one pass per run; ' +
    '300 with delay 5 measured p50 ~8 min, ~112,000 ListEvents a day, 0.24 % of a core.',
  delay_throttle:
    'Every minute of delay is added to every event: 0 (default) with the running process measured p50 ~40 s; ' +
    'late events are caught by lookback instead.',
  lookback_minutes:
    '15 (default) measured 0 events lost among those OCI showed up to 15 minutes late; with 0, 37 of 11,283 ' +
    '(interval 300) and 12 % (interval 60, delay 1) were lost when ListEvents filters on event time. ' +
    'The re-read costs bytes, not requests.',
};
