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
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

export function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
}

/** A Debian package's file, installed with apt-get only when missing. */
export function ensureDebianFile(file, pkg) {
  if (existsSync(file)) return file;
  console.log(`setup: installing ${pkg} (apt-get install -y ${pkg})`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = (args) =>
    execFileSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], {
      stdio: 'inherit',
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
