// Makes a fresh clone ready: installs the locked npm dependencies when node_modules is missing or
// older than package-lock.json. Used by `npm test` and `npm run demo` so each is one command.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('setup: installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** A command that failed, said in one line (its own output went to the terminal already). */
export class CommandFailed extends Error {
  constructor(cmd, args, err) {
    const what = [path.basename(cmd), ...args.map((a) => (path.isAbsolute(a) ? path.relative(root, a) : a))].join(' ');
    const how =
      err.status != null
        ? `exited with ${err.status}`
        : err.signal
          ? `was killed by ${err.signal}`
          : err.code === 'ENOENT'
            ? `could not start: ${cmd} not found`
            : (err.code ?? err.message);
    super(`${what} ${how}`);
    this.status = err.status ?? 1;
  }
}

export function run(cmd, args, opts = {}) {
  try {
    execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  } catch (err) {
    throw new CommandFailed(cmd, args, err);
  }
}

/**
 * Runs a developer command's body; a failure prints one plain line (`<label>: FAILED: <what>`) and exits
 * non-zero, never a Node stack trace. `quiet` failures (a child that already printed its own verdict) only
 * pass their exit code on.
 */
export async function failInOneLine(label, body, { quiet = () => false } = {}) {
  try {
    await body();
  } catch (err) {
    if (!quiet(err)) console.error(`${label}: FAILED: ${String(err instanceof Error ? err.message : err).split('\n')[0]}`);
    process.exit(typeof err?.status === 'number' && err.status > 0 ? err.status : 1);
  }
}

/** A Debian package's file, installed with apt-get only when missing. */
export function ensureDebianFile(file, pkg) {
  if (existsSync(file)) return file;
  console.log(`setup: installing ${pkg} (apt-get install -y ${pkg})`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = (args) =>
    run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', pkg]);
  if (!existsSync(file)) throw new Error(`setup: ${file} is still missing after apt-get install ${pkg}`);
  return file;
}

/** Headless Chromium from Debian for the browser tests (test/e2e/ui.test.ts). */
export const CHROMIUM = '/usr/bin/chromium';
export const ensureChromium = () => ensureDebianFile(CHROMIUM, 'chromium');

/** libfaketime from Debian: the edit tests run the executable "a week ago" (test/e2e/edits.test.ts). */
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
export const ensureFaketime = () => ensureDebianFile(FAKETIME_LIB, 'libfaketime');

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'chromium') ensureChromium();
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'faketime') ensureFaketime();
