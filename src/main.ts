// oci_audit: the modular input executable (docs/contract.md). splunkd calls it with --scheme,
// --validate-arguments or no argument (Splunk docs "Create modular inputs",
// https://docs.splunk.com/Documentation/Splunk/9.4.0/AdvancedDev/ModInputsScripts), with --rest-request once per
// request of the add-on's REST endpoints (bin/ta_oci_audit_rest.py), or --rest-handler as their persistent driver; admins can also run `preview` and `check` from a shell.
import { format } from 'node:util';
import { log } from './log/logger';

// The SDK prints to stdout in places (oci-common 2.139.1 lib/config-file-reader.js console.info,
// lib/auth/X509-federation-client.js console.log); stdout carries only the event stream.
/* eslint-disable no-console -- the one place that takes console over */
function quietConsole(): void {
  const toLog = (...args: unknown[]): void => log.debug(`oci-sdk: ${format(...args)}`);
  console.log = toLog;
  console.info = toLog;
  console.warn = toLog;
  console.error = toLog;
  console.debug = toLog;
  console.trace = toLog;
}
/* eslint-enable no-console */

function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}

/** SIGTERM/SIGINT (splunkd disabling the input) and a vanished parent stop the run within 5 s. */
function stopSignal(): AbortSignal {
  const ac = new AbortController();
  const stop = (why: string): void => {
    if (ac.signal.aborted) return;
    log.warn(`stopping: ${why}; windows in flight are abandoned and not checkpointed`);
    ac.abort();
    setTimeout(() => {
      log.error('stopping took longer than 4.5 s; exiting now');
      process.exit(1);
    }, 4500).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM received'));
  process.on('SIGINT', () => stop('SIGINT received'));
  process.on('SIGHUP', () => stop('SIGHUP received'));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('splunkd (the parent process) is gone');
  }, 2000).unref();
  return ac.signal;
}

async function main(argv: string[]): Promise<number> {
  quietConsole();
  process.stdout.on('error', () => undefined); // EPIPE is handled where events are written
  // --scheme never gets here: src/boot.ts answers it before this program is compiled. Each other mode
  // loads only its own modules.
  if (argv.includes('--validate-arguments')) {
    const { validateArguments, validationErrorXml } = await import('./modular-input/validate');
    // splunkd shows only the <error><message>: every failure ends there, without a stack trace.
    const result = await validateArguments().catch((err: unknown) => {
      log.debug(`validation failed: ${(err as Error)?.stack ?? String(err)}`);
      return { ok: false as const, message: `unexpected error while validating: ${(err as Error)?.message ?? String(err)}` };
    });
    if (result.ok) return 0;
    await writeOut(validationErrorXml(result.message));
    return 1;
  }
  if (argv.includes('--rest-request')) {
    // one REST request from bin/ta_oci_audit_rest.py (default/restmap.conf): request JSON in, reply JSON out
    const { runRestRequest } = await import('./rest/handler');
    return runRestRequest();
  }
  if (argv.includes('--rest-handler')) {
    // splunkd's persistent REST driver (default/restmap.conf, scripttype = persist)
    const { runRestHandler } = await import('./rest/handler');
    return runRestHandler();
  }
  if (argv.length === 0) {
    const { runStreaming } = await import('./modular-input/run');
    return runStreaming(stopSignal());
  }
  const { runAdminCli } = await import('./cli/admin');
  return runAdminCli(argv);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // One line; the stack only when DEBUG is on (the input's logging level, or --log-level DEBUG).
    log.debug(`unexpected failure: ${(err as Error)?.stack ?? String(err)}`);
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    log.fatal(`unexpected failure: ${what}`);
    process.exit(1);
  },
);
