// Makes a fresh clone ready: installs the locked npm dependencies when node_modules is missing or
// older than package-lock.json. Used by `npm test` and `npm run demo` so each is one command.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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

/** Headless Chromium from Debian for the browser tests (test/e2e/ui.test.ts); apt only when missing. */
export const CHROMIUM = '/usr/bin/chromium';
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  console.log('setup: installing chromium (apt-get install -y chromium)');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = (args) => execFileSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', 'chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`setup: ${CHROMIUM} is still missing after apt-get install chromium`);
  return CHROMIUM;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'chromium') ensureChromium();
