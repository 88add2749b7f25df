// Commands for admins at a shell (outside splunkd): preview and check.
import yargs from 'yargs';
import { log, parseLevel } from '../log/logger';
import { ConfigError } from '../config-error';
import { ParameterError, PARAMETER_DEFAULTS } from '../splunk/parameters';
import { check } from './check';
import type { AccountFlags } from './oci-config';
import { preview } from './preview';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

const accountOptions = {
  'config-file': { type: 'string', describe: 'OCI CLI config file (default ~/.oci/config)' },
  profile: { type: 'string', describe: 'profile in the config file', default: 'DEFAULT' },
  tenancy: { type: 'string', describe: 'tenancy OCID (overrides the config file)' },
  user: { type: 'string', describe: 'user OCID' },
  fingerprint: { type: 'string', describe: 'API key fingerprint' },
  'key-file': { type: 'string', describe: 'private key PEM file (passphrase from OCI_CLI_PASSPHRASE)' },
  region: { type: 'string', describe: 'home region, e.g. us-ashburn-1' },
  'auth-type': { type: 'string', choices: ['api_key', 'instance_principal'], default: 'api_key' },
  'identity-endpoint': { type: 'string', describe: 'Identity URL template with {region}' },
  'audit-endpoint': { type: 'string', describe: 'Audit URL template with {region}' },
  'log-level': { type: 'string', default: 'WARN', describe: 'DEBUG, INFO, WARN or ERROR (logs go to stderr)' },
} as const;

type AccountArgs = { [K in 'config-file' | 'key-file' | 'auth-type' | 'identity-endpoint' | 'audit-endpoint' | 'log-level']?: string };

/** The parsed options with the account options in the commands' own names; sets the log level from --log-level. */
function withAccountFlags<T extends AccountArgs>(a: T): T & AccountFlags {
  log.setLevel(parseLevel(a['log-level']) ?? 'WARN');
  return {
    ...a,
    configFile: a['config-file'],
    keyFile: a['key-file'],
    authType: a['auth-type'],
    identityEndpoint: a['identity-endpoint'],
    auditEndpoint: a['audit-endpoint'],
  };
}

/** A bad flag or setting ends the command with one plain line (no stack trace), exit 1. */
async function plainly(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ParameterError || err instanceof ConfigError)) throw err;
    log.error(err.message);
    return 1;
  }
}

// preview's defaults are the input's own (src/splunk/parameters.ts).
const D = PARAMETER_DEFAULTS;

export async function runAdminCli(argv: string[]): Promise<number> {
  let code = 2;
  await yargs(argv)
    .scriptName('oci_audit')
    .usage('oci_audit <command> [options]\n\nsplunkd runs this program with --scheme, --validate-arguments or no argument.')
    .command(
      'preview',
      'collect events from a tenancy and print them as JSON lines (no Splunk, no checkpoints)',
      (y) =>
        y.options({
          ...accountOptions,
          regions: { type: 'string', describe: 'comma list or *', default: D.regions },
          compartments: { type: 'string', describe: 'comma list of OCIDs or *', default: D.compartments },
          'exclude-compartments': { type: 'string' },
          start: { type: 'string', describe: 'ISO 8601 UTC start (default one hour ago)' },
          end: { type: 'string', describe: 'ISO 8601 UTC end (default now)' },
          window: { type: 'number', describe: 'minutes per ListEvents window', default: Number(D.query_window_size) },
          'max-concurrency': { type: 'number', default: Number(D.max_concurrency) },
          limit: { type: 'number', describe: 'stop after this many events' },
          hours: { type: 'number', describe: 'read the last N hours (instead of --start); --estimate: default 24, at most 168' },
          'event-rules': {
            type: 'string',
            describe: 'event rules as in inputs.conf, e.g. "preset:read_only drop" (docs/event-rules.md); dropped events are not printed',
          },
          estimate: {
            type: 'boolean',
            describe: 'print what the rules would keep, route and drop, in events/day and GB/day per rule, instead of the events',
          },
          json: { type: 'boolean', describe: 'with --estimate: the estimate as JSON (as the REST endpoint ta_oci_audit/estimate answers)' },
          'max-seconds': { type: 'number', describe: 'with --estimate: read for at most this long, then extrapolate', default: 600 },
        }),
      async (a) => {
        code = await plainly(() =>
          preview({
            ...withAccountFlags(a),
            excludeCompartments: a['exclude-compartments'],
            maxConcurrency: a['max-concurrency'],
            eventRules: a['event-rules'],
            maxSeconds: a['max-seconds'],
          }),
        );
      },
    )
    .command(
      'check',
      'tell which IAM permissions work and print the policy statements that are missing',
      (y) => y.options({ ...accountOptions, group: { type: 'string', describe: 'group name to put in the policy statements' } }),
      async (a) => {
        code = await check(withAccountFlags(a));
      },
    )
    .demandCommand(1, 'give a command: preview or check')
    .strict()
    .fail((msg, err) => {
      if (err) {
        log.error(err.message);
        code = 1;
        return;
      }
      process.stderr.write(`${msg}\nRun oci_audit --help for usage.\n`);
      code = 2;
    })
    .wrap(Math.min(110, process.stdout.columns || 110))
    .help()
    .version(VERSION)
    // With a parse callback yargs hands over --help/--version text instead of printing it through
    // console, which main() routes to the log.
    .parseAsync(argv, {}, (_err, _args, output) => {
      if (output) {
        process.stdout.write(`${output}\n`);
        if (code === 2 && !_err) code = 0;
      }
    });
  return code;
}
